//! The 报表 tab's forms: a report's office, file and encoding, a spreadsheet to import, and what Enter on each starts.

use chrono::NaiveDate;

use super::{ImportJob, ImportWhat, Job, ReportJob, ReportKind};
use crate::app::outreach::CallFilter;
use crate::campaign::{campaign, unit_name};
use crate::domain::EnterpriseCategory;
use crate::i18n::{t, tf};
use crate::sheets::write::Encoding;
use crate::tui::action::Effect;
use crate::tui::forms::{Field, FieldInput, Form, FormKind};
use crate::tui::tabs::sessions::SessionRow;

/// The office and the units below it, as the report form offers them: (id, name).
fn offices(office: &str) -> Vec<(String, String)> {
    campaign()
        .descendants(office)
        .into_iter()
        .map(|(u, _)| (u.id.clone(), unit_name(&u.id)))
        .collect()
}

/// After a key in a report form: a file name still the default follows the chosen office.
pub fn follow_office(form: &mut Form, today: NaiveDate) {
    let FormKind::Report { kind, .. } = form.kind else {
        return;
    };
    let Some(FieldInput::Choice { options, index }) = form.field("office").map(|f| &f.input) else {
        return;
    };
    let defaults: Vec<String> = options
        .iter()
        .map(|(_, name)| default_path(kind, name, today))
        .collect();
    let wanted = defaults.get(*index).cloned().unwrap_or_default();
    if let Some(path) = form.fields.iter_mut().find(|f| f.name == "path") {
        if defaults.iter().any(|d| d == path.value()) && path.value() != wanted {
            path.input = FieldInput::Text(crate::tui::forms::TextInput::new(&wanted));
        }
    }
}

/// The file a report goes to unless another is typed: in the reports folder (`~/peixun-reports`),
/// named plainly by report, office (or session) and date.
pub fn default_path(kind: ReportKind, what: &str, date: NaiveDate) -> String {
    let name = crate::sheets::output::default_name(&kind.title(), what, date);
    // The package is a folder of files; a .zip carries it on a stick as one. A notice is a
    // Word document, to be edited before it goes out.
    let name = match kind {
        ReportKind::Package => name.replace(".xlsx", ".zip"),
        ReportKind::Notice => name.replace(".xlsx", ".docx"),
        _ => name,
    };
    format!("~/{REPORTS_FOLDER}/{name}")
}

/// The folder under the home directory that `default_path` names.
const REPORTS_FOLDER: &str = "peixun-reports";

fn choice(name: &'static str, options: Vec<(String, String)>) -> Field {
    let mut field = Field::text(name, "");
    field.input = FieldInput::Choice { options, index: 0 };
    field
}

fn categories() -> Vec<(String, String)> {
    std::iter::once((String::new(), t("cli.outreach.all_categories")))
        .chain(
            EnterpriseCategory::ALL
                .into_iter()
                .map(|c| (c.key().to_string(), c.label())),
        )
        .collect()
}

fn untrained() -> Vec<(String, String)> {
    vec![
        ("yes".into(), t("tui.reports.untrained_yes")),
        ("no".into(), t("tui.reports.untrained_no")),
    ]
}

fn encodings() -> Vec<(String, String)> {
    vec![
        ("utf8".into(), t("tui.reports.utf8")),
        ("gb18030".into(), t("tui.reports.gb18030")),
    ]
}

/// The form for a report: the office (not for a session's sheet or notice), the file, the CSV
/// encoding. `chosen` is the session selected on the 场次 tab: a sign-in sheet or notice is its.
pub(super) fn report_form(
    office: &str,
    today: NaiveDate,
    chosen: Option<&SessionRow>,
    kind: ReportKind,
) -> Option<Form> {
    let (title, what, date, session) = match kind {
        ReportKind::Signin => {
            let session = chosen?.session.clone();
            let title = tf("tui.reports.form_signin", &[("title", &session.title)]);
            (title, session.title, session.date, Some(session.id))
        }
        ReportKind::Notice => {
            let session = chosen?.session.clone();
            let title = tf("notice.tui.form", &[("title", &session.title)]);
            (title, session.title, session.date, Some(session.id))
        }
        _ => (
            tf("tui.reports.form_title", &[("report", &kind.title())]),
            unit_name(office),
            today,
            None,
        ),
    };
    let mut fields = Vec::new();
    match kind {
        ReportKind::Signin | ReportKind::Notice => {}
        // A call list is of this office's area: which enterprises, not which office.
        ReportKind::Calls => {
            fields.push(choice("category", categories()));
            fields.push(choice("untrained", untrained()));
        }
        _ => fields.push(choice("office", offices(office))),
    }
    let mut path = Field::text("path", &default_path(kind, &what, date));
    let hint = match kind {
        ReportKind::Package => "tui.reports.path_hint_package",
        ReportKind::Notice => "notice.tui.path_hint",
        _ => "tui.reports.path_hint",
    };
    path.hint = tf(
        hint,
        &[("folder", &crate::sheets::output::reports_dir().display())],
    );
    fields.push(path);
    if !matches!(kind, ReportKind::Package | ReportKind::Notice) {
        fields.push(choice("encoding", encodings()));
    }
    Some(Form::build(Form::new(
        FormKind::Report { kind, session },
        title,
        fields,
    )))
}

/// `chosen` is the session selected on the 场次 tab: the rows may be enrolled in it when `office`
/// keeps its list.
pub(super) fn import_form(chosen: Option<&SessionRow>, office: &str) -> Form {
    let what = vec![
        ("people".into(), t("tui.reports.import_people")),
        ("enterprises".into(), t("tui.reports.import_enterprises")),
    ];
    let mut sessions = vec![(String::new(), t("tui.reports.no_session"))];
    let kept = chosen.filter(|row| crate::log::authority::may_keep_list(office, &row.session));
    if let Some(row) = kept {
        let s = &row.session;
        sessions.push((s.id.clone(), format!("{} {}", s.date, s.title)));
    }
    let fields = vec![
        Field::text("path", ""),
        choice("import", what),
        Field::text("sheet", ""),
        choice("enrol_in", sessions),
    ];
    Form::build(Form::new(
        FormKind::Import,
        t("tui.reports.import_title"),
        fields,
    ))
}

/// A report or import form's values as work for the worker, or the field to fix.
pub fn submit(form: &mut Form, today: NaiveDate, sessions: &[SessionRow]) -> Option<Effect> {
    for field in &mut form.fields {
        field.error = None;
    }
    let text = |name: &str| form.field(name).map(|f| f.value().trim().to_string());
    let path = text("path").unwrap_or_default();
    if path.is_empty() {
        form.set_error("path", t("tui.form.required"));
        return None;
    }
    let path = crate::tui::effects::expand(&path);
    let job = match &form.kind {
        FormKind::Report { kind, session } => {
            // A package is a folder or a .zip, a notice a .docx or .pdf; the other reports
            // name their format.
            let format = match kind {
                ReportKind::Package => Ok(()),
                ReportKind::Notice => crate::sheets::notice::NoticeFormat::of(&path).map(|_| ()),
                _ => crate::sheets::output::FileFormat::of(&path).map(|_| ()),
            };
            if let Err(problem) = format {
                form.set_error("path", problem);
                return None;
            }
            let session = match session {
                Some(id) => Some(Box::new(
                    sessions
                        .iter()
                        .find(|r| &r.session.id == id)?
                        .session
                        .clone(),
                )),
                None => None,
            };
            Job::Report(ReportJob {
                kind: *kind,
                office: text("office").unwrap_or_default(),
                session,
                path,
                encoding: match text("encoding").as_deref() {
                    Some("gb18030") => Encoding::Gb18030,
                    _ => Encoding::Utf8,
                },
                today,
                calls: CallFilter {
                    category: EnterpriseCategory::ALL
                        .into_iter()
                        .find(|c| text("category").as_deref() == Some(c.key())),
                    untrained: text("untrained").as_deref() == Some("yes"),
                },
            })
        }
        FormKind::Import => {
            // Whether the file is there the runner finds out, before the worker starts.
            let what = match text("import").as_deref() {
                Some("enterprises") => ImportWhat::Enterprises,
                _ => ImportWhat::People,
            };
            Job::Preview(ImportJob {
                path,
                sheet: text("sheet").filter(|s| !s.is_empty()),
                what,
                session: text("enrol_in").filter(|s| !s.is_empty() && what == ImportWhat::People),
            })
        }
        _ => return None,
    };
    Some(Effect::Job(job))
}
