//! Forms: the only place besides the filter where raw keys are typed. This module holds what
//! every form shares (fields, focus, Esc asking before typed text is dropped, a warning confirmed
//! by a second Enter); each tab owns its forms' fields and how they become an effect
//! (`tabs::*::forms`), validated by the functions the CLI uses, so both agree. A bad field keeps
//! the form open with its message under the field and nothing is written.

use super::action::{Action, Effect, TextKey};
use super::suggest::Suggestions;
use super::tabs::reports::ReportKind;
use super::tabs::{checkin, checklist, outreach, sessions};
pub use super::text_input::TextInput;
use crate::domain::input::FieldErrors;
use crate::domain::{MarkStatus, Session};
use crate::i18n::t;

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
    /// A class added to this office's training plan, or class `number` (from 1) of it edited
    /// (`tabs::checklist::plan`).
    PlanClass {
        number: Option<usize>,
    },
    /// A publicity item of this office (`tabs::checklist::publicity`).
    Publicity,
    /// This office's 联系人 (`tabs::checklist::forms`).
    Contact,
    /// A teacher of the register sent to a session (`tabs::sessions::forms`).
    AssignTeacher {
        session: String,
    },
    /// Where the outreach to one of this office's enterprises stands (`tabs::outreach`).
    Outreach {
        enterprise: String,
    },
    /// A 附件3 service one of this office's enterprises asked for.
    Need {
        enterprise: String,
    },
    /// The answer to a need.
    Answer {
        need: String,
    },
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
    /// The values warnings were shown for, and the fields they were shown under: Enter on the
    /// same values again goes ahead past each of them.
    armed: Option<(Vec<String>, Vec<String>)>,
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
    pub fn confirmed(&self) -> bool {
        self.armed
            .as_ref()
            .is_some_and(|(values, _)| *values == self.values())
    }

    /// Whether the coordinator pressed Enter again on the values the warning under `field` was
    /// shown for: a form that can warn twice (a near enterprise name, then a full session) goes
    /// past only the warnings it has shown.
    pub fn confirmed_at(&self, field: &str) -> bool {
        self.confirmed()
            && self
                .armed
                .as_ref()
                .is_some_and(|(_, fields)| fields.iter().any(|f| f == field))
    }

    /// Forgets the questions answered so far: after another refusal, Enter asks them again.
    pub fn disarm(&mut self) {
        self.armed = None;
    }

    /// Shows `message` under `field` and lets a second Enter on the same values go ahead; any
    /// change asks again.
    pub fn ask_again(&mut self, field: &str, message: String) {
        let values = self.values();
        let mut fields = match self.armed.take() {
            Some((armed, fields)) if armed == values => fields,
            _ => Vec::new(),
        };
        fields.push(field.to_string());
        self.armed = Some((values, fields));
        self.set_error(field, message);
    }
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// What the field `name` holds, or nothing when the form has no such field.
    pub fn text(&self, name: &str) -> String {
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
                self.withdraw_questions();
            }
            _ => {}
        }
        FormStep::Stay
    }

    /// A question asked for values since changed no longer stands: its words go, so a second
    /// Enter is not taken to answer it.
    fn withdraw_questions(&mut self) {
        if self.confirmed() {
            return;
        }
        if let Some((_, asked)) = self.armed.take() {
            for field in &mut self.fields {
                if asked.contains(&field.name.to_string()) {
                    field.error = None;
                }
            }
        }
    }

    /// Checks every field; on errors they are shown under their fields and focus moves to the
    /// first bad one.
    fn submit(&mut self, office: &str) -> Option<Effect> {
        for field in &mut self.fields {
            field.error = None;
        }
        // Each tab owns its forms' fields and how they become an effect.
        let result = match &self.kind {
            FormKind::Session(base) => sessions::forms::save(self, base),
            FormKind::Enrol { session } => sessions::forms::enrol_effect(self, office, session),
            FormKind::WalkIn { session } => checkin::forms::walk_in_effect(self, office, session),
            FormKind::Mark { unit, item, status } => {
                checklist::forms::mark_effect(self, unit, item, *status)
            }
            FormKind::Attach { unit, item } => checklist::forms::attach_effect(self, unit, item),
            FormKind::PlanClass { number } => checklist::plan::class_effect(self, office, *number),
            FormKind::Publicity => checklist::publicity::add_effect(self),
            FormKind::Contact => Ok(checklist::forms::contact_effect(self)),
            FormKind::AssignTeacher { session } => Ok(Effect::AssignTeacher {
                session: session.clone(),
                teacher: self.text("teacher"),
                confirmed: self.confirmed(),
            }),
            FormKind::Outreach { enterprise } => outreach::record_effect(self, enterprise),
            FormKind::Need { enterprise } => outreach::need_effect(self, enterprise),
            FormKind::Answer { need } => outreach::answer_effect(self, need),
            // Taken by `tabs::reports::submit` before they get here.
            FormKind::Report { .. } | FormKind::Import | FormKind::Bundle(_) => return None,
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
