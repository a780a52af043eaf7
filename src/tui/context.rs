//! What a tab's `update`, `view` and `hints` may use besides the tab's own state: who the office
//! is, the day, the keys and the screen's size, and (for `update`) the overlay it may open and the
//! status line it may speak on. A tab that needs another tab's data (the door the sessions' list,
//! the calendar's day for a new session) gets it as an argument of its own, so what a tab reads
//! is written in its signature.

use chrono::NaiveDate;

use super::app::{Office, Overlay, State, Status};
use super::forms::Form;
use super::keymap::Keymap;
use super::theme::Theme;
use crate::app::{Confirm, Refusal};
use crate::i18n::{t, tf};

/// The shared part of the state a tab's `update` sees.
pub struct Ctx<'a> {
    pub office: &'a Office,
    pub today: NaiveDate,
    pub keymap: &'a Keymap,
    /// The terminal's size as last drawn (columns, rows), to clamp scrolling to what shows.
    pub viewport: (u16, u16),
    pub overlay: &'a mut Overlay,
    pub status: &'a mut Option<Status>,
}

impl Ctx<'_> {
    pub fn info(&mut self, text: String) {
        *self.status = Some(Status { text, error: false });
    }

    pub fn error(&mut self, text: String) {
        *self.status = Some(Status { text, error: true });
    }

    /// Opens `overlay` over the tab (a form, a question, a picker).
    pub fn open(&mut self, overlay: Overlay) {
        *self.overlay = overlay;
    }

    fn form_mut(&mut self) -> Option<&mut Form> {
        match self.overlay {
            Overlay::Form(form) => Some(form),
            _ => None,
        }
    }

    /// Shows a refusal where it belongs: beside the form's field it names, as a question asked
    /// again on the form, or in the status line.
    pub fn refuse(&mut self, refusal: Refusal) {
        match refusal {
            Refusal::Fields(errors) => {
                // An error for a field the form does not have still has to be seen.
                let mut unshown = Vec::new();
                for error in errors {
                    match self.form_mut() {
                        Some(form) if form.field(error.field).is_some() => {
                            form.set_error(error.field, error.message);
                        }
                        _ => unshown.push(error.to_string()),
                    }
                }
                if !unshown.is_empty() {
                    self.error(unshown.join("；"));
                }
            }
            Refusal::Confirm(confirm) => {
                let (field, message) = match confirm {
                    Confirm::Calendar(warnings) => (
                        "date",
                        tf(
                            "tui.form.confirm_again",
                            &[("warnings", &warnings.join(&t("cli.reason_sep")))],
                        ),
                    ),
                    Confirm::Busy(warnings) => (
                        "teacher",
                        tf(
                            "tui.form.confirm_again",
                            &[("warnings", &warnings.join(&t("cli.reason_sep")))],
                        ),
                    ),
                    Confirm::OverCapacity(full) => (
                        "name",
                        tf(
                            "tui.form.full",
                            &[("enrolled", &full.enrolled), ("capacity", &full.capacity)],
                        ),
                    ),
                    Confirm::NewEnterprise { typed, near } => (
                        "enterprise",
                        Confirm::new_enterprise_text(&typed, &near, false),
                    ),
                    Confirm::ReplaceAnswer {
                        need,
                        service,
                        answered,
                    } => (
                        "on",
                        tf(
                            "tui.outreach.replace_answer",
                            &[("id", &need), ("service", &service), ("date", &answered)],
                        ),
                    ),
                    Confirm::ReplaceKey {
                        office,
                        trusted,
                        found,
                        same_key,
                    } => (
                        "fingerprint",
                        Confirm::replace_key_text(&office, (trusted, found, same_key), false),
                    ),
                    // The door asks this one itself, with both answers.
                    Confirm::AfterEnd { .. } => ("", String::new()),
                };
                match self.form_mut() {
                    Some(form) if !field.is_empty() => form.ask_again(field, message),
                    _ if !message.is_empty() => self.error(message),
                    _ => {}
                }
            }
            Refusal::Said(message) => self.error(message),
            Refusal::Failed(report) => self.error(crate::tui::effects::chain(&report)),
        }
    }
}

/// The shared part of the state a tab's `view` and `hints` read.
pub struct View<'a> {
    pub office: &'a Office,
    pub today: NaiveDate,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
    pub viewport: (u16, u16),
    pub overlay: &'a Overlay,
}

impl State {
    pub fn view(&self) -> View<'_> {
        View {
            office: &self.office,
            today: self.today,
            keymap: &self.keymap,
            theme: &self.theme,
            viewport: self.viewport,
            overlay: &self.overlay,
        }
    }
}

/// Splits `state` into one tab's state and the `Ctx` beside it: `ctx!(state)` borrows the
/// shared fields only, so the tab's own field can be borrowed mutably next to it.
macro_rules! ctx {
    ($state:expr) => {
        $crate::tui::context::Ctx {
            office: &$state.office,
            today: $state.today,
            keymap: &$state.keymap,
            viewport: $state.viewport,
            overlay: &mut $state.overlay,
            status: &mut $state.status,
        }
    };
}

pub(crate) use ctx;
