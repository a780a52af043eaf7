//! The 场次 tab's forms: a session added or edited, a person enrolled. Their fields are checked
//! by the validators the CLI uses (`SessionInput::apply`, `input::person`), so a typo keeps the
//! form open before anything is read or written.

use chrono::NaiveDate;

use crate::campaign::unit_name;
use crate::domain::input::{self, FieldErrors, SessionInput};
use crate::domain::{Session, SessionKind};
use crate::i18n::{t, tf};
use crate::store::PersonDraft;
use crate::tui::action::Effect;
use crate::tui::forms::{Field, FieldInput, Form, FormKind};
use crate::tui::labels::kind_label;

/// A new session of `office` on `date`, with the times most sessions use.
pub fn new_session(office: &str, date: NaiveDate) -> Form {
    let base = crate::app::sessions::defaults(office, date);
    session(base, t("tui.form.new_session"))
}

pub fn edit_session(session: &Session) -> Form {
    self::session(session.clone(), t("tui.form.edit_session"))
}

fn unit_names(ids: &[String]) -> String {
    ids.iter()
        .map(|id| unit_name(id))
        .collect::<Vec<_>>()
        .join("，")
}

fn session(base: Session, title: String) -> Form {
    let options: Vec<(String, String)> = SessionKind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_label(*k)))
        .collect();
    let index = SessionKind::ALL
        .iter()
        .position(|k| *k == base.kind)
        .unwrap_or(0);
    let courses: Vec<String> = base
        .courses
        .iter()
        .map(|c| {
            if c.lecturer.is_empty() {
                c.course.clone()
            } else {
                format!("{}:{}", c.course, c.lecturer)
            }
        })
        .collect();
    let mut kind = Field::text("kind", "");
    kind.input = FieldInput::Choice { options, index };
    let fields = vec![
        kind,
        Field::text("title", &base.title),
        Field::text("date", &base.date.to_string()),
        Field::text("start", &base.start.format("%H:%M").to_string()),
        Field::text("end", &base.end.format("%H:%M").to_string()),
        Field::text("venue", &base.venue),
        Field::text("units", &unit_names(&base.units)),
        Field::text("host", &unit_name(&base.host)),
        Field::text(
            "cohost",
            &base.cohost.as_deref().map(unit_name).unwrap_or_default(),
        ),
        Field::text("courses", &courses.join(",")),
        Field::text("audience", &base.audience),
        Field::text("capacity", &base.capacity.to_string()),
    ];
    let mut form = Form::new(FormKind::Session(Box::new(base)), title, fields);
    // The kind is usually right; the title is what is typed first.
    form.focus = 1;
    Form::build(form)
}

pub fn enrol(session: &Session) -> Form {
    Form::build(Form::new(
        FormKind::Enrol {
            session: session.id.clone(),
        },
        tf("tui.form.enrol", &[("title", &session.title)]),
        vec![
            Field::text("name", ""),
            Field::text("phone", ""),
            Field::text("position", ""),
            Field::text("enterprise", ""),
        ],
    ))
}

fn session_input(form: &Form) -> SessionInput {
    let some = |name: &str| Some(form.text(name));
    SessionInput {
        kind: some("kind"),
        title: some("title"),
        date: some("date"),
        start: some("start"),
        end: some("end"),
        venue: some("venue"),
        units: some("units"),
        host: some("host"),
        cohost: some("cohost"),
        courses: some("courses"),
        audience: some("audience"),
        capacity: some("capacity"),
    }
}

/// Saving the session form over `base` (a new session when its id is empty).
pub fn save(form: &Form, base: &Session) -> Result<Effect, FieldErrors> {
    let input = session_input(form);
    input.apply(base.clone()).map(|_| Effect::SaveSession {
        id: (!base.id.is_empty()).then(|| base.id.clone()),
        input: Box::new(input),
        confirmed: form.confirmed(),
    })
}

/// Enrolling the person the form describes in `session`, for `office`.
pub fn enrol_effect(form: &Form, office: &str, session: &str) -> Result<Effect, FieldErrors> {
    input::person(
        String::new(),
        office.to_string(),
        &form.text("name"),
        &form.text("phone"),
        &form.text("position"),
        None,
    )
    .map(|_| Effect::Enrol {
        session: session.to_string(),
        over_capacity: form.confirmed_at("name"),
        draft: PersonDraft {
            name: form.text("name"),
            phone: form.text("phone"),
            position: form.text("position"),
            enterprise: form.text("enterprise"),
            credit_code: String::new(),
            new_enterprise: form.confirmed_at("enterprise"),
        },
    })
}

/// Sending a teacher of the register to the session: each listed with their courses, and said
/// when they already teach elsewhere that day.
pub fn assign_teacher(detail: &super::Detail) -> Form {
    let session = &detail.row.session;
    let options: Vec<(String, String)> = detail
        .teachers
        .iter()
        .map(|r| {
            let mut label = format!(
                "{} {}",
                crate::app::teachers::named(&r.teacher),
                r.teacher.courses.join(",")
            );
            if r.bookings
                .iter()
                .any(|b| b.date == session.date && b.session != session.id)
            {
                label = tf("tui.teachers.busy_label", &[("label", &label)]);
            }
            (r.teacher.id.clone(), label)
        })
        .collect();
    let mut teacher = Field::text("teacher", "");
    teacher.input = FieldInput::Choice { options, index: 0 };
    Form::build(Form::new(
        FormKind::AssignTeacher {
            session: session.id.clone(),
        },
        tf("tui.teachers.form_title", &[("title", &session.title)]),
        vec![teacher],
    ))
}
