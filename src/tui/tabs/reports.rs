//! 报表: the official tables (统计表, a session's 签到表, 清单汇总, 覆盖情况) written to a file,
//! and importing a people or enterprise list with a preview first. Enter on an entry opens a
//! form (office, file, encoding); the work runs on a worker (`jobs`) with its progress shown.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::sessions::SessionRow;
use super::PAGE;
use crate::campaign::{campaign, unit_name};
use crate::domain::Session;
use crate::i18n::{t, tf};
use crate::sheets::people::PeoplePlan;
use crate::sheets::write::Encoding;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay, State};
use crate::tui::forms::{Field, FieldInput, Form, FormKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// The 样表 (情况统计表) of an office and its units.
    Stats,
    /// The sign-in sheet of the session selected on the 场次 tab.
    Signin,
    /// Every unit's checklist, one row per item.
    Checklist,
    /// Enterprises and people reached, per unit, against the target.
    Coverage,
}

impl ReportKind {
    pub const ALL: [ReportKind; 4] = [
        ReportKind::Stats,
        ReportKind::Signin,
        ReportKind::Checklist,
        ReportKind::Coverage,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ReportKind::Stats => "stats",
            ReportKind::Signin => "signin",
            ReportKind::Checklist => "checklist",
            ReportKind::Coverage => "coverage",
        }
    }

    pub fn title(self) -> String {
        t(&format!("tui.reports.{}", self.key()))
    }
}

/// What the list offers: a report, or the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Report(ReportKind),
    Import,
}

pub const ENTRIES: [Entry; 5] = [
    Entry::Report(ReportKind::Stats),
    Entry::Report(ReportKind::Signin),
    Entry::Report(ReportKind::Checklist),
    Entry::Report(ReportKind::Coverage),
    Entry::Import,
];

/// A report to write: everything the worker needs, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportJob {
    pub kind: ReportKind,
    pub office: String,
    /// The sign-in sheet's session.
    pub session: Option<Box<Session>>,
    pub path: PathBuf,
    pub encoding: Encoding,
    /// The statistics count classes of this year up to this day.
    pub today: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportWhat {
    People,
    Enterprises,
}

/// A spreadsheet to read and plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub what: ImportWhat,
    /// People only: enrol everyone in this session too.
    pub session: Option<String>,
}

/// Work for the worker thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Report(ReportJob),
    Preview(ImportJob),
    /// Commit the previewed plan; `skip` leaves the bad rows out instead of refusing.
    Commit {
        skip: bool,
    },
}

/// An import read and planned, shown before anything is written.
pub struct Preview {
    pub job: ImportJob,
    pub plan: PeoplePlan,
    /// First bad row shown.
    pub scroll: usize,
}

/// How the last piece of work ended, for the tab's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub text: String,
    pub error: bool,
}

#[derive(Default)]
pub struct ReportsState {
    /// Index into `ENTRIES`.
    pub selected: usize,
    /// What the worker is doing, its latest progress line, and for how long (the app updates
    /// it while the worker runs; drawing never reads the clock).
    pub running: Option<(String, String, u64)>,
    pub preview: Option<Preview>,
    pub outcome: Option<Outcome>,
}

impl ReportsState {
    pub fn entry(&self) -> Entry {
        ENTRIES.get(self.selected).copied().unwrap_or(Entry::Import)
    }
}

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
    format!(
        "~/{}/{}",
        REPORTS_FOLDER,
        crate::sheets::output::default_name(&kind.title(), what, date)
    )
}

/// The folder under the home directory that `default_path` names.
const REPORTS_FOLDER: &str = "peixun-reports";

fn choice(name: &'static str, options: Vec<(String, String)>) -> Field {
    let mut field = Field::text(name, "");
    field.input = FieldInput::Choice { options, index: 0 };
    field
}

fn encodings() -> Vec<(String, String)> {
    vec![
        ("utf8".into(), t("tui.reports.utf8")),
        ("gb18030".into(), t("tui.reports.gb18030")),
    ]
}

/// The form for a report: the office (not for a sign-in sheet), the file, the CSV encoding.
fn report_form(state: &State, kind: ReportKind) -> Option<Form> {
    let office = &state.office.id;
    let (title, what, date, session) = match kind {
        ReportKind::Signin => {
            let session = state.sessions.selected_row()?.session.clone();
            let title = tf("tui.reports.form_signin", &[("title", &session.title)]);
            (title, session.title, session.date, Some(session.id))
        }
        _ => (
            tf("tui.reports.form_title", &[("report", &kind.title())]),
            unit_name(office),
            state.today,
            None,
        ),
    };
    let mut fields = Vec::new();
    if kind != ReportKind::Signin {
        fields.push(choice("office", offices(office)));
    }
    let mut path = Field::text("path", &default_path(kind, &what, date));
    path.hint = tf(
        "tui.reports.path_hint",
        &[("folder", &crate::sheets::output::reports_dir().display())],
    );
    fields.push(path);
    fields.push(choice("encoding", encodings()));
    Some(Form::build(Form::new(
        FormKind::Report { kind, session },
        title,
        fields,
    )))
}

fn import_form(state: &State) -> Form {
    let what = vec![
        ("people".into(), t("tui.reports.import_people")),
        ("enterprises".into(), t("tui.reports.import_enterprises")),
    ];
    let mut sessions = vec![(String::new(), t("tui.reports.no_session"))];
    if let Some(row) = state.sessions.selected_row() {
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
            if let Err(problem) = crate::sheets::output::FileFormat::of(&path) {
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

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    if state.reports.preview.is_some() {
        return update_preview(state, action);
    }
    let r = &mut state.reports;
    let last = ENTRIES.len() - 1;
    match action {
        Action::Up => r.selected = r.selected.saturating_sub(1),
        Action::Down => r.selected = (r.selected + 1).min(last),
        Action::Top => r.selected = 0,
        Action::Bottom => r.selected = last,
        Action::Import => r.selected = last,
        _ => {}
    }
    if !matches!(action, Action::Open | Action::Import) {
        return None;
    }
    if state.reports.running.is_some() {
        state.error(t("tui.reports.busy"));
        return None;
    }
    let form = match state.reports.entry() {
        Entry::Report(kind) => match report_form(state, kind) {
            Some(form) => form,
            None => {
                state.error(t("tui.reports.pick_session"));
                return None;
            }
        },
        Entry::Import => import_form(state),
    };
    state.overlay = Overlay::Form(form);
    None
}

fn update_preview(state: &mut State, action: Action) -> Option<Effect> {
    let preview = state.reports.preview.as_mut()?;
    let bad = preview.plan.errors.len();
    match action {
        Action::Up => preview.scroll = preview.scroll.saturating_sub(1),
        Action::Down => preview.scroll = (preview.scroll + 1).min(bad.saturating_sub(1)),
        Action::PageUp => preview.scroll = preview.scroll.saturating_sub(PAGE),
        Action::PageDown => preview.scroll = (preview.scroll + PAGE).min(bad.saturating_sub(1)),
        Action::Back => {
            state.reports.preview = None;
            state.info(t("tui.reports.import_cancelled"));
        }
        Action::Open if bad > 0 => {
            let key = state.keymap.hint(Action::SkipBadRows).unwrap_or_default();
            state.error(tf(
                "tui.reports.has_bad_rows",
                &[("n", &bad), ("key", &key)],
            ));
        }
        Action::Open => return Some(Effect::Job(Job::Commit { skip: false })),
        Action::SkipBadRows if bad > 0 => return Some(Effect::Job(Job::Commit { skip: true })),
        _ => {}
    }
    None
}

pub fn hints(state: &State) -> Vec<Hint> {
    match &state.reports.preview {
        Some(preview) if !preview.plan.errors.is_empty() => vec![
            (Action::SkipBadRows, "skip_bad_rows"),
            (Action::Back, "cancel"),
            (Action::Down, "down"),
        ],
        Some(_) => vec![(Action::Open, "import_all"), (Action::Back, "cancel")],
        None => vec![
            (Action::Open, "write_report"),
            (Action::Import, "import"),
            (Action::Down, "down"),
        ],
    }
}
