//! What a key means (`Action`) and what the app must do with the store afterwards (`Effect`).
//!
//! Bindable actions are named in `assets/keymap.toml` by their serde names; the help overlay and
//! the footer describe them from `tui.action.<name>` in the i18n tables.

use serde::Deserialize;

use crate::domain::input::SessionInput;
use crate::domain::MarkStatus;
use crate::store::PersonDraft;
use crate::tui::tabs::reports::Job;

/// A key as a focused text input sees it. Never bound in the keymap: only text inputs get raw
/// keys, and only the ones that edit text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TextKey {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Ctrl-U, as in a shell: clears what is left of the cursor (all of a default typed over).
    ClearToStart,
}

/// Declares the bindable actions once: the enum with a serde name per variant, `ALL` in help
/// order, and `name()` for i18n keys, so the three cannot drift apart.
macro_rules! actions {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal, )+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
        pub enum Action {
            $( $(#[doc = $doc])+ #[serde(rename = $name)] $variant, )+
            /// A key typed into the focused text input.
            #[serde(skip)]
            Text(TextKey),
        }

        impl Action {
            /// Every bindable action, in the order the help overlay lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)+];

            /// The name used in `assets/keymap.toml` and in `tui.action.<name>`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)+
                    Action::Text(_) => "text",
                }
            }
        }
    };
}

actions! {
    /// Leave peixun.
    Quit = "quit",
    /// Show or hide the key help.
    Help = "help",
    /// Next tab; in a form, the next field.
    NextTab = "next_tab",
    /// Previous tab; in a form, the previous field.
    PrevTab = "prev_tab",
    /// Go to the calendar tab (日历).
    TabCalendar = "tab_calendar",
    /// Go to the sessions tab (场次).
    TabSessions = "tab_sessions",
    /// Go to the checklist tab (清单).
    TabChecklist = "tab_checklist",
    /// Go to the check-in tab (签到).
    TabCheckin = "tab_checkin",
    /// Go to the reports tab (报表).
    TabReports = "tab_reports",
    /// Go to the certification tab (认证).
    TabCert = "tab_cert",
    /// Go to the sync tab (同步).
    TabSync = "tab_sync",
    /// Go to the enterprises tab (企业).
    TabOutreach = "tab_outreach",
    /// Move up (a row, a week, a field).
    Up = "up",
    /// Move down.
    Down = "down",
    /// Move left (a day, a column).
    Left = "left",
    /// Move right.
    Right = "right",
    /// A page up; in the calendar, the previous month.
    PageUp = "page_up",
    /// A page down; in the calendar, the next month.
    PageDown = "page_down",
    /// First row.
    Top = "top",
    /// Last row.
    Bottom = "bottom",
    /// Open the selection, or confirm.
    Open = "open",
    /// Go back, close, or cancel.
    Back = "back",
    /// Filter the list (sessions, enrolment).
    Filter = "filter",
    /// Add a session; in a session's detail, enrol a person; on the 企业 tab, record a need.
    Add = "add",
    /// Edit the session.
    Edit = "edit",
    /// Remove the selected person from the session.
    Remove = "remove",
    /// Mark the checklist item done; on the 企业 tab, answer a need.
    MarkDone = "mark_done",
    /// Mark the checklist item waived (不适用).
    MarkWaived = "mark_waived",
    /// Reopen the checklist item (back to todo).
    MarkTodo = "mark_todo",
    /// Attach an evidence file to the checklist item.
    Attach = "attach",
    /// Calendar: jump to today.
    Today = "today",
    /// Check-in: take back the last check-in made on this screen.
    UndoCheckin = "undo_checkin",
    /// Check-in: enrol and check in someone who is not on any list (现场登记).
    WalkIn = "walk_in",
    /// Check-in: choose another session.
    PickSession = "pick_session",
    /// Reports: import a people or enterprise list (a preview comes first).
    Import = "import",
    /// Reports: import the rows of a previewed sheet that are good, leaving the bad ones out.
    SkipBadRows = "skip_bad_rows",
    /// Enter the rows ticked on a printed sign-in sheet.
    Paper = "paper",
    /// Enterprises: show only those nobody of which was trained this year, or all again.
    Untrained = "untrained",
    /// A session's detail: send a teacher of the register to it (the province or a city).
    AssignTeacher = "assign_teacher",
    /// Check-in: record a 附件3 service the last person checked in asked for, for their enterprise.
    NeedAtDoor = "need_at_door",
}

impl Action {
    /// Actions that still reach a focused text input's owner instead of being typed: moving
    /// between fields, confirming, leaving.
    pub fn passes_text_focus(self) -> bool {
        matches!(
            self,
            Action::Quit
                | Action::NextTab
                | Action::PrevTab
                | Action::Up
                | Action::Down
                | Action::Open
                | Action::Back
        )
    }
}

/// Work `update` or `runner::step` asks the app to do with the store or the files;
/// `effects::run` runs it, then reloads the screen's data and reports in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Read one session with its enrolment list into the sessions tab.
    OpenSession(String),
    /// The calendar's Enter on a day: the sessions' list on that day, or the one session opened.
    ShowDay {
        day: chrono::NaiveDate,
        session: Option<String>,
    },
    /// Save a session as the form has it: over session `id`, or a new one. A date the plan does
    /// not expect is saved once `confirmed`.
    SaveSession {
        id: Option<String>,
        input: Box<SessionInput>,
        confirmed: bool,
    },
    /// Enrol the person a form describes (`Store::enrol_draft`): a known phone means a known
    /// person; otherwise they are created, with their enterprise found or created by name.
    Enrol {
        session: String,
        draft: PersonDraft,
        /// The coordinator confirmed enrolling beyond the session's capacity.
        over_capacity: bool,
    },
    Unenrol {
        session: String,
        person: String,
        name: String,
    },
    Mark {
        unit: String,
        item: String,
        status: MarkStatus,
        note: String,
    },
    /// Name this office's 联系人 from today, with the office phone (empty takes it off).
    SetContact {
        name: String,
        phone: String,
        position: String,
        office_phone: String,
    },
    /// Read a checklist item's audit trail (every mark and file, with its note) for its panel.
    ItemHistory { unit: String, item: String },
    /// Hash a file and record it as evidence: name, size, blake3.
    Attach {
        unit: String,
        item: String,
        path: String,
        note: String,
    },
    /// The check-in tab's work, run by `tabs::checkin::effects::run`.
    Door(DoorEffect),
    /// Long work for a worker (reports, imports): the app runs it off the event loop.
    Job(Job),
    /// An import was committed: every tab reads the store again, then the outcome is shown.
    Imported(String),
    /// Another peixun changed the store (through the store service): every tab reads it
    /// again, keeping cursors, what is typed and what is open.
    Changed,
    /// The office-wide index is wanted (an enrol form opened): built on a worker unless it is
    /// there and current.
    BuildIndex,
    /// Read the certification pipeline into the 认证 tab, on a worker.
    LoadCert,
    /// Read one person's certification history for the 认证 tab's detail.
    CertHistory { person: String },
    /// The 同步 tab's reads: its rows, or the media for a bundle form about to open.
    Sync(crate::tui::tabs::sync::SyncEffect),
    /// The publicity behind the `county.publicity` item (`tabs::checklist::publicity`).
    Publicity(crate::tui::tabs::checklist::publicity::PublicityEffect),
    /// Send `teacher` to `session`; a second session that day goes ahead once `confirmed`.
    AssignTeacher {
        session: String,
        teacher: String,
        confirmed: bool,
    },
    /// The 企业 tab's reads and writes (`tabs::outreach::effects`).
    Outreach(crate::tui::tabs::outreach::OutreachEffect),
    /// The training plan behind the `county.plan` item (`tabs::checklist::plan`).
    Plan(crate::tui::tabs::checklist::plan::PlanEffect),
    /// The rows ticked on a printed sign-in sheet, checked in with one commit.
    PaperCheckIn {
        session: String,
        numbers: Vec<usize>,
        /// The printed sheet the rows are on; `None` for the list as it is.
        version: Option<u32>,
    },
}

/// What the door (签到) asks for: each handled by `tabs::checkin::effects::run`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoorEffect {
    /// Open the check-in screen on a session (`None`: today's first, else the nearest).
    Open(Option<String>),
    /// Check a person in to the door's session (`Store::check_in`); `listed` when they were on
    /// its list already (else `check_in` enrols them too). Name and enterprise are for the
    /// banner.
    CheckIn {
        session: String,
        person: String,
        name: String,
        enterprise: String,
        listed: bool,
        /// The time to record; `None` is now, asked about first when the session is over.
        at: Option<chrono::NaiveDateTime>,
    },
    /// Enrol and check in at once (`Store::walk_in`).
    WalkIn {
        session: String,
        draft: PersonDraft,
        /// As for `CheckIn`: `None` is now, asked about first when the session is over.
        at: Option<chrono::NaiveDateTime>,
    },
    /// Take back a check-in made on this screen (`Store::undo_check_in`).
    Undo {
        session: String,
        person: String,
        name: String,
        /// Also take them off the list the check-in put them on.
        unenrol: bool,
    },
    /// Read the door's session and list again: the office index arrived.
    Refresh,
}
