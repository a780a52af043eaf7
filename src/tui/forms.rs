//! Forms: the only place besides the filter where raw keys are typed. Validation goes through the
//! same functions the CLI uses (`SessionInput::apply`, `input::person`), so both agree; a bad
//! field keeps the form open with its message under the field and nothing is written.

use chrono::NaiveDate;

use super::action::{Action, DoorEffect, Effect, TextKey};
use super::labels::kind_label;
use super::suggest::Suggestions;
use super::tabs::checklist::plan::{self, PlanEffect};
use super::tabs::reports::ReportKind;
pub use super::text_input::TextInput;
use crate::campaign::unit_name;
use crate::domain::input::{self, FieldErrors, SessionInput};
use crate::domain::plan::planned_class;
use crate::domain::{MarkStatus, Session, SessionKind};
use crate::i18n::{t, tf};
use crate::store::PersonDraft;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldInput {
    Text(TextInput),
    /// A fixed list, cycled with ←/→: (value, label).
    Choice {
        options: Vec<(String, String)>,
        index: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The validator's name for the field (`FieldError::field`).
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub input: FieldInput,
    pub error: Option<String>,
}

impl Field {
    pub(crate) fn text(name: &'static str, value: &str) -> Field {
        Field {
            name,
            label: t(&format!("tui.field.{name}")),
            hint: hint(name),
            input: FieldInput::Text(TextInput::new(value)),
            error: None,
        }
    }

    /// What the field holds: the typed text, or the chosen option's value.
    pub fn value(&self) -> &str {
        match &self.input {
            FieldInput::Text(text) => text.value(),
            FieldInput::Choice { options, index } => {
                options.get(*index).map_or("", |(value, _)| value.as_str())
            }
        }
    }
}

/// The grey line under a field that says what to type; empty when the label says it all.
fn hint(name: &str) -> String {
    let key = format!("tui.hint.{name}");
    let text = t(&key);
    if text == key {
        String::new()
    } else {
        text
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// Adding (base has an empty id) or editing a session.
    Session(Box<Session>),
    Enrol {
        session: String,
    },
    Attach {
        unit: String,
        item: String,
    },
    /// Marking a checklist item done (an optional note) or waived (a reason, required).
    Mark {
        unit: String,
        item: String,
        status: MarkStatus,
    },
    /// Someone at the door on no list: enrolled and checked in at once.
    WalkIn {
        session: String,
    },
    /// A report to a file (`tabs::reports`); a sign-in sheet names its session.
    Report {
        kind: ReportKind,
        session: Option<String>,
    },
    /// A spreadsheet to import (`tabs::reports`).
    Import,
    /// A bundle to export or import (`tabs::sync`).
    Bundle(super::tabs::sync::BundleForm),
    /// A class added to this office's training plan (`tabs::checklist::plan`).
    PlanClass,
}

impl FormKind {
    /// Forms whose Enter starts work on a worker (`tabs::reports::submit`).
    pub fn is_job(&self) -> bool {
        matches!(
            self,
            FormKind::Report { .. } | FormKind::Import | FormKind::Bundle(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The values the form opened with: Esc asks before throwing away anything typed since.
    initial: Vec<String>,
    /// Known people or enterprises for the focused field (the enrol form), kept by `suggest`.
    pub suggest: Suggestions,
    /// The values a warning was shown for: Enter on the same values again goes ahead.
    armed: Option<Vec<String>>,
}

/// What a key did to a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormStep {
    Stay,
    Close,
    /// Esc with something typed: ask before closing.
    AskDiscard,
    /// Valid: the app runs this and closes the form once it succeeds.
    Submit(Effect),
}

fn unit_names(ids: &[String]) -> String {
    ids.iter()
        .map(|id| unit_name(id))
        .collect::<Vec<_>>()
        .join("，")
}

impl Form {
    /// A form of these fields, focus on the first.
    pub(crate) fn new(kind: FormKind, title: String, fields: Vec<Field>) -> Form {
        Form {
            kind,
            title,
            fields,
            focus: 0,
            initial: Vec::new(),
            suggest: Suggestions::default(),
            armed: None,
        }
    }

    /// A form as it opens: what it holds now is what Esc compares with.
    pub(crate) fn build(mut form: Form) -> Form {
        form.initial = form.values();
        form
    }

    fn values(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.value().to_string()).collect()
    }

    /// Whether anything was typed or chosen since the form opened.
    pub fn changed(&self) -> bool {
        self.values() != self.initial
    }

    /// Whether the coordinator pressed Enter again on the values a warning was shown for.
    fn confirmed(&self) -> bool {
        self.armed.as_ref() == Some(&self.values())
    }

    /// Shows `message` under `field` and lets a second Enter on the same values go ahead; any
    /// change asks again.
    pub fn ask_again(&mut self, field: &str, message: String) {
        self.armed = Some(self.values());
        self.set_error(field, message);
    }
    /// A new session of `office` on `date`, with the times most sessions use.
    pub fn new_session(office: &str, date: NaiveDate) -> Form {
        let base = crate::app::sessions::defaults(office, date);
        Self::session(base, t("tui.form.new_session"))
    }

    pub fn edit_session(session: &Session) -> Form {
        Self::session(session.clone(), t("tui.form.edit_session"))
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
        let fields = vec![
            Field {
                name: "kind",
                label: t("tui.field.kind"),
                hint: hint("kind"),
                input: FieldInput::Choice { options, index },
                error: None,
            },
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
        Form::build(Form {
            kind: FormKind::Session(Box::new(base)),
            title,
            fields,
            focus: 1,
            initial: Vec::new(),
            suggest: Suggestions::default(),
            armed: None,
        })
    }

    pub fn enrol(session: &Session) -> Form {
        Form::build(Form {
            kind: FormKind::Enrol {
                session: session.id.clone(),
            },
            title: tf("tui.form.enrol", &[("title", &session.title)]),
            fields: vec![
                Field::text("name", ""),
                Field::text("phone", ""),
                Field::text("position", ""),
                Field::text("enterprise", ""),
            ],
            focus: 0,
            initial: Vec::new(),
            suggest: Suggestions::default(),
            armed: None,
        })
    }

    pub fn attach(unit: &str, item: &str, title: &str) -> Form {
        Form::build(Form {
            kind: FormKind::Attach {
                unit: unit.to_string(),
                item: item.to_string(),
            },
            title: tf("tui.form.attach", &[("title", &title)]),
            fields: vec![Field::text("path", ""), Field::text("note", "")],
            focus: 0,
            initial: Vec::new(),
            suggest: Suggestions::default(),
            armed: None,
        })
    }

    /// Marking an item: `d` takes an optional note, `w` (免报) asks why it does not apply.
    pub fn mark(unit: &str, item: &str, title: &str, status: MarkStatus) -> Form {
        let (key, field) = match status {
            MarkStatus::Waived => ("tui.form.mark_waived", "reason"),
            _ => ("tui.form.mark_done", "note"),
        };
        Form::build(Form {
            kind: FormKind::Mark {
                unit: unit.to_string(),
                item: item.to_string(),
                status,
            },
            title: tf(key, &[("title", &title)]),
            fields: vec![Field::text(field, "")],
            focus: 0,
            initial: Vec::new(),
            suggest: Suggestions::default(),
            armed: None,
        })
    }

    /// The door's walk-in form, with what was typed in the search line already in place.
    pub fn walk_in(session: &Session, name: &str, phone: &str) -> Form {
        let fields = vec![
            Field::text("name", name),
            Field::text("phone", phone),
            Field::text("enterprise", ""),
            Field::text("credit_code", ""),
        ];
        // Straight to the first empty field: the typed one is usually right.
        let focus = fields
            .iter()
            .position(|f| f.value().is_empty())
            .unwrap_or(0);
        Form::build(Form {
            kind: FormKind::WalkIn {
                session: session.id.clone(),
            },
            title: tf("tui.form.walk_in", &[("title", &session.title)]),
            fields,
            focus,
            initial: Vec::new(),
            suggest: Suggestions::default(),
            armed: None,
        })
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    fn text(&self, name: &str) -> String {
        self.field(name)
            .map(|f| f.value().to_string())
            .unwrap_or_default()
    }

    /// Puts a suggestion's values in their fields; the cursor moves past what it filled.
    fn fill(&mut self, fill: &[(&'static str, String)]) {
        for (name, value) in fill {
            if let Some(field) = self.fields.iter_mut().find(|f| f.name == *name) {
                field.input = FieldInput::Text(TextInput::new(value));
                field.error = None;
            }
        }
        let last_filled = self
            .fields
            .iter()
            .rposition(|f| fill.iter().any(|(name, _)| *name == f.name));
        if let Some(i) = last_filled {
            self.focus = (i + 1).min(self.fields.len().saturating_sub(1));
        }
    }

    pub fn update(&mut self, action: Action, office: &str) -> FormStep {
        // A list of suggestions takes ↓/↑ and Enter while it is shown; Tab still moves on.
        if !self.suggest.is_empty() {
            match action {
                Action::Down => {
                    self.suggest.down();
                    return FormStep::Stay;
                }
                Action::Up if self.suggest.selected.is_some() => {
                    self.suggest.up();
                    return FormStep::Stay;
                }
                Action::Open if self.suggest.selected.is_some() => {
                    if let Some(chosen) = self.suggest.chosen().cloned() {
                        self.fill(&chosen.fill);
                    }
                    self.suggest = Suggestions::default();
                    return FormStep::Stay;
                }
                Action::Back if self.suggest.selected.is_some() => {
                    self.suggest.selected = None;
                    return FormStep::Stay;
                }
                _ => {}
            }
        }
        let last = self.fields.len().saturating_sub(1);
        match action {
            Action::Back if self.changed() => return FormStep::AskDiscard,
            Action::Back => return FormStep::Close,
            Action::Open => {
                return match self.submit(office) {
                    Some(effect) => FormStep::Submit(effect),
                    None => FormStep::Stay,
                }
            }
            Action::NextTab | Action::Down => {
                self.focus = if self.focus >= last {
                    0
                } else {
                    self.focus + 1
                }
            }
            Action::PrevTab | Action::Up => {
                self.focus = if self.focus == 0 {
                    last
                } else {
                    self.focus - 1
                }
            }
            Action::Text(key) => {
                if let Some(field) = self.fields.get_mut(self.focus) {
                    match &mut field.input {
                        FieldInput::Text(text) => text.edit(key),
                        FieldInput::Choice { options, index } => {
                            let n = options.len().max(1);
                            match key {
                                TextKey::Left => *index = (*index + n - 1) % n,
                                TextKey::Right | TextKey::Char(' ') => *index = (*index + 1) % n,
                                _ => {}
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        FormStep::Stay
    }

    /// Checks every field; on errors they are shown under their fields and focus moves to the
    /// first bad one.
    fn submit(&mut self, office: &str) -> Option<Effect> {
        for field in &mut self.fields {
            field.error = None;
        }
        let result = match &self.kind {
            // The fields are checked here too (the same validator the save runs), so a typo
            // keeps the form open before anything is read or written.
            FormKind::Session(base) => {
                let input = self.session_input();
                input.apply((**base).clone()).map(|_| Effect::SaveSession {
                    id: (!base.id.is_empty()).then(|| base.id.clone()),
                    input: Box::new(input),
                    confirmed: self.confirmed(),
                })
            }
            // Checked here too, so a typo keeps the form open before anything is read or written.
            FormKind::Enrol { session } => input::person(
                String::new(),
                office.to_string(),
                &self.text("name"),
                &self.text("phone"),
                &self.text("position"),
                None,
            )
            .map(|_| Effect::Enrol {
                session: session.clone(),
                over_capacity: self.confirmed(),
                draft: PersonDraft {
                    name: self.text("name"),
                    phone: self.text("phone"),
                    position: self.text("position"),
                    enterprise: self.text("enterprise"),
                    credit_code: String::new(),
                },
            }),
            FormKind::WalkIn { session } => input::person(
                String::new(),
                office.to_string(),
                &self.text("name"),
                &self.text("phone"),
                "",
                None,
            )
            .map(|_| {
                Effect::Door(DoorEffect::WalkIn {
                    at: None,
                    session: session.clone(),
                    draft: PersonDraft {
                        name: self.text("name"),
                        phone: self.text("phone"),
                        position: String::new(),
                        enterprise: self.text("enterprise"),
                        credit_code: self.text("credit_code"),
                    },
                })
            }),
            FormKind::Mark { unit, item, status } => {
                let reason = self.text("reason");
                if *status == MarkStatus::Waived && reason.trim().is_empty() {
                    self.set_error("reason", t("tui.form.required"));
                    return None;
                }
                Ok(Effect::Mark {
                    unit: unit.clone(),
                    item: item.clone(),
                    status: *status,
                    note: format!("{reason}{}", self.text("note")).trim().to_string(),
                })
            }
            FormKind::PlanClass => {
                let input = plan::class_input(self);
                planned_class(office, &input)
                    .map(|_| Effect::Plan(PlanEffect::Add(Box::new(input))))
            }
            // Taken by `tabs::reports::submit` before they get here.
            FormKind::Report { .. } | FormKind::Import | FormKind::Bundle(_) => return None,
            FormKind::Attach { unit, item } => {
                let path = self.text("path");
                if path.trim().is_empty() {
                    self.set_error("path", t("tui.form.required"));
                    return None;
                }
                Ok(Effect::Attach {
                    unit: unit.clone(),
                    item: item.clone(),
                    path,
                    note: self.text("note").trim().to_string(),
                })
            }
        };
        match result {
            Ok(effect) => Some(effect),
            Err(FieldErrors(errors)) => {
                for error in errors {
                    self.set_error(error.field, error.message);
                }
                None
            }
        }
    }

    fn session_input(&self) -> SessionInput {
        let some = |name: &str| Some(self.text(name));
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

    /// Shows `message` under the field (joined when a field has several) and focuses the first
    /// field with an error. Also used by the app when a file cannot be read.
    pub fn set_error(&mut self, name: &str, message: String) {
        let Some(index) = self.fields.iter().position(|f| f.name == name) else {
            return;
        };
        let field = &mut self.fields[index];
        field.error = Some(match field.error.take() {
            Some(previous) => format!("{previous}；{message}"),
            None => message,
        });
        let first = self.fields.iter().position(|f| f.error.is_some());
        self.focus = first.unwrap_or(index);
    }
}
