//! The use cases: one function per coordinator intent (save a session, enrol, check in, undo,
//! mark an item, attach evidence, record a result, issue certificates, …). The CLI and the TUI
//! only turn what was typed into these inputs and show what comes back; the rules live here, once,
//! for them and for any later client. Nothing here knows a terminal, clap or a screen.
//!
//! Each returns `Outcome<T>`: what happened, or a `Refusal` in the UI language that says which
//! field is wrong, what needs the coordinator's word, or why it is not allowed.

pub mod awards;
pub mod call_list;
pub mod cert;
pub mod checkin;
pub mod checklist;
pub mod contacts;
mod drafts;
pub(crate) use drafts::one_list_change_at_a_time;
pub mod evidence;
pub mod needs;
pub mod notice;
pub mod outreach;
pub mod package;
pub mod plans;
pub mod publicity;
pub mod sessions;
pub mod teachers;
pub mod trust;

use color_eyre::Report;

use crate::domain::input::{FieldError, FieldErrors};
use crate::domain::text;
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::store::{CommitError, SessionFull};

/// Why a use case did not go ahead.
#[derive(Debug)]
pub enum Refusal {
    /// Fields the coordinator can fix, each named.
    Fields(Vec<FieldError>),
    /// Allowed, but only once the coordinator says so (a second Enter, or a flag in the CLI).
    Confirm(Confirm),
    /// Not allowed, or nothing to act on: said in words.
    Said(String),
    /// The machine failed (disk, store); nothing was written.
    Failed(Report),
}

/// What a coordinator confirms before the use case goes ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Confirm {
    /// The session's date lies outside the plan's window for its kind, or on a holiday.
    Calendar(Vec<String>),
    /// The teacher is already sent to another session that day.
    Busy(Vec<String>),
    /// Enrolling goes past the session's capacity.
    OverCapacity(SessionFull),
    /// A check-in keyed after the session ended: at its start (补录), or now.
    AfterEnd {
        start: chrono::NaiveDateTime,
        end: chrono::NaiveDateTime,
    },
    /// The enterprise typed is new, but its name is one character from known ones
    /// (鄂州晶晶水产… for 鄂州市晶晶水产…) or may be a short form of one (鄂州晶晶水产): most often
    /// a slip that would count one enterprise twice.
    NewEnterprise { typed: String, near: Vec<String> },
    /// The office is trusted with other keys (generation `trusted`) than the card's (generation
    /// `found`), and the card is no rotation signed by them: it may have started afresh, or
    /// someone passes as it.
    ReplaceKey {
        office: String,
        trusted: u32,
        found: u32,
        /// The card holds the key trusted but says something else: edited, or the one trusted
        /// was.
        same_key: bool,
    },
    /// The need already has an answer, given on `answered`: a new one replaces it.
    ReplaceAnswer {
        need: String,
        service: String,
        answered: chrono::NaiveDate,
    },
}

impl Confirm {
    /// The question before an office's trusted keys are replaced; `flag` is how the CLI answers.
    pub fn replace_key_text(
        office: &str,
        (trusted, found, same_key): (u32, u32, bool),
        flag: bool,
    ) -> String {
        let warned = tf(
            if same_key {
                "sync.trust.altered_card"
            } else if found < trusted {
                "sync.trust.replaces_older"
            } else {
                "sync.trust.replaces_key"
            },
            &[
                ("office", &crate::sync::summary::office_name(office)),
                ("trusted", &trusted),
                ("found", &found),
            ],
        );
        let answer = t(if flag {
            "sync.trust.replace_with_flag"
        } else {
            "sync.trust.replace_again"
        });
        format!("{warned}{answer}")
    }

    /// A new enterprise's question in words; `flag` is how the CLI answers it.
    pub fn new_enterprise_text(typed: &str, near: &[String], flag: bool) -> String {
        let names: Vec<String> = near.iter().map(|n| format!("“{n}”")).collect();
        let typed_chars: Vec<char> = typed.chars().collect();
        let one_apart = near.iter().all(|n| text::near_name(&typed_chars, n));
        tf(
            match (one_apart, flag) {
                (true, true) => "cli.enrol.near_enterprise_flag",
                (true, false) => "cli.enrol.near_enterprise",
                (false, true) => "cli.enrol.like_enterprise_flag",
                (false, false) => "cli.enrol.like_enterprise",
            },
            &[("typed", &typed), ("near", &names.join(&t("cli.list_sep")))],
        )
    }
}

pub type Outcome<T> = Result<T, Refusal>;

impl Refusal {
    pub fn said(message: impl Into<String>) -> Refusal {
        Refusal::Said(message.into())
    }

    pub fn field(field: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::Fields(vec![FieldError {
            field,
            message: message.into(),
        }])
    }
}

/// A `Report` reaching a use case is the machine failing: what the coordinator can fix comes
/// back typed (`CommitError::Refused`, `FieldErrors`, `SessionFull`) or is checked here first and
/// said in a `Refusal`. The few lower-layer failures still worded as the user's (an unreadable
/// config file, a path that cannot be written) show their own words as a failure's chain, and
/// the CLI's exit code for them is sorted by `commands::is_user_error`.
impl From<Report> for Refusal {
    fn from(report: Report) -> Refusal {
        Refusal::Failed(report)
    }
}

impl From<CommitError> for Refusal {
    fn from(error: CommitError) -> Refusal {
        match error {
            CommitError::Refused(refused) => Refusal::Said(refused.to_string()),
            CommitError::Failed(report) => Refusal::Failed(report),
        }
    }
}

impl From<Refusal> for Report {
    /// The CLI's reading: one message, a user error (exit 2) unless the machine failed; what
    /// needs the coordinator's word names the flag that gives it.
    fn from(refusal: Refusal) -> Report {
        match refusal {
            Refusal::Fields(errors) => FieldErrors(errors).into(),
            Refusal::Confirm(Confirm::Calendar(warnings) | Confirm::Busy(warnings)) => {
                user_error(tf(
                    "cli.input.confirm_with_yes",
                    &[("warnings", &warnings.join(&t("cli.reason_sep")))],
                ))
            }
            Refusal::Confirm(Confirm::OverCapacity(full)) => user_error(full.to_string()),
            Refusal::Confirm(Confirm::AfterEnd { start, end }) => user_error(tf(
                "cli.checkin.after_end",
                &[
                    ("end", &end.format("%Y-%m-%d %H:%M")),
                    ("start", &start.format("%H:%M")),
                ],
            )),
            Refusal::Confirm(Confirm::NewEnterprise { typed, near }) => {
                user_error(Confirm::new_enterprise_text(&typed, &near, true))
            }
            Refusal::Confirm(Confirm::ReplaceKey {
                office,
                trusted,
                found,
                same_key,
            }) => user_error(Confirm::replace_key_text(
                &office,
                (trusted, found, same_key),
                true,
            )),
            Refusal::Confirm(Confirm::ReplaceAnswer {
                need,
                service,
                answered,
            }) => user_error(tf(
                "cli.need.already_answered",
                &[("id", &need), ("service", &service), ("date", &answered)],
            )),
            Refusal::Said(message) => user_error(message),
            Refusal::Failed(report) => report,
        }
    }
}
