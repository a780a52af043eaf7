//! The 签到 tab's state: the door's session and search, the banner, this screen's check-ins.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::Session;
use crate::search::door::{DoorSearch, Found};
use crate::search::office::OfficeIndex;
use crate::tui::forms::TextInput;
use crate::tui::suggest::KnownEnterprises;
use crate::tui::tabs::sessions::SessionRow;

/// Matches a keystroke ranks from the session's own list...
pub const LIMIT: usize = 30;
/// ...and from the rest of the office, shown after the divider.
pub const OTHERS: usize = 8;
/// Check-ins of this screen kept for undo and the recent list; a long morning stays small.
const RECENT: usize = 500;

/// The office-wide index: built once per start, on a worker, the first time the tab opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IndexJob {
    #[default]
    NotStarted,
    /// A worker is on it; the session's own list is searchable meanwhile.
    Building,
    /// In `CheckinState::office`.
    Ready,
}

/// The session being checked in to, with its counts kept current in place after each write
/// (re-reading every tab would re-read every session at province scale).
pub struct Door {
    pub session: Session,
    pub enrolled: u32,
    pub present: u32,
    /// At a joint session this office does not own, the whole session's counts as its office
    /// last sent them: (checked in, enrolled, the office).
    pub whole: Option<(u32, u32, String)>,
    /// First check-in time of everyone checked in to this session.
    pub checked_in: HashMap<String, NaiveDateTime>,
    pub search: DoorSearch,
}

impl Door {
    pub fn percent(&self) -> u64 {
        crate::domain::share::percent(u64::from(self.present), u64::from(self.enrolled))
    }
}

/// How someone came to be checked in, for the banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// On this session's list.
    Listed,
    /// On another list of the office; now on this one too.
    OtherList,
    /// Registered at the door.
    WalkIn,
    /// The walk-in form's phone belonged to someone the office knew.
    KnownPhone,
}

/// The outcome of the last thing done at the door, shown above the search line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Done {
        name: String,
        enterprise: String,
        at: NaiveDateTime,
        late: bool,
        arrival: Arrival,
    },
    /// Checked in before: the first time, never a second count.
    Already {
        name: String,
        enterprise: String,
        first_at: NaiveDateTime,
        late: bool,
    },
    Undone {
        name: String,
        /// The person came onto the list with the check-in and went off it with the undo.
        unenrolled: bool,
    },
    NotCheckedIn {
        name: String,
    },
    NothingToUndo,
    /// Pinyin or part of a name, or someone not on the list: whom Enter would check in, said
    /// back first.
    Confirm {
        /// Whom a second Enter checks in, however the rows move in between.
        person: String,
        name: String,
        enterprise: String,
        listed: bool,
    },
    /// Several people fit exactly: the coordinator moves to one.
    Several {
        count: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recent {
    pub person: String,
    pub name: String,
    pub enterprise: String,
    pub at: NaiveDateTime,
    pub late: bool,
    /// This check-in also put the person on the list (a walk-in, someone from another list).
    pub enrolled_here: bool,
}

#[derive(Default)]
pub struct CheckinState {
    pub door: Option<Door>,
    pub query: TextInput,
    pub results: Vec<Found>,
    /// Index into `results`.
    pub selected: usize,
    /// The coordinator moved to the selected row, or confirmed it: Enter means that person.
    pub chosen: bool,
    pub banner: Option<Banner>,
    /// This screen's check-ins in this session, oldest first: undo takes the last.
    pub recent: Vec<Recent>,
    pub office: Option<Arc<OfficeIndex>>,
    /// The store's enterprises, read after `office`: the enrol form offers them.
    pub enterprises: Arc<KnownEnterprises>,
    pub index: IndexJob,
    /// Someone new was registered since the office index was built: rebuild it on the next
    /// session change.
    pub office_stale: bool,
    pub grace: u32,
}

impl CheckinState {
    pub fn new(grace: u32) -> CheckinState {
        CheckinState {
            grace,
            ..CheckinState::default()
        }
    }

    /// Puts the door on a session, starting a fresh screen.
    pub fn open(&mut self, door: Door) {
        self.door = Some(door);
        self.recent.clear();
        self.banner = None;
        self.clear_query();
    }

    /// Re-ranks for the current query: the whole cost of a keystroke.
    pub fn refresh(&mut self) {
        self.results = match &self.door {
            Some(door) => door.search.search(self.query.value(), LIMIT, OTHERS),
            None => Vec::new(),
        };
        self.selected = self.selected.min(self.results.len().saturating_sub(1));
    }

    pub fn clear_query(&mut self) {
        self.query = TextInput::default();
        self.results.clear();
        self.forget_question();
    }

    /// The query changed: whom Enter would have checked in is no longer asked about.
    pub fn forget_question(&mut self) {
        self.selected = 0;
        self.chosen = false;
        if matches!(self.banner, Some(Banner::Confirm { .. })) {
            self.banner = None;
        }
    }

    pub fn selected_found(&self) -> Option<&Found> {
        self.results.get(self.selected)
    }

    pub fn is_late(&self, at: NaiveDateTime) -> bool {
        self.door
            .as_ref()
            .is_some_and(|d| d.session.is_late(at, self.grace))
    }

    pub fn remember(&mut self, recent: Recent) {
        if self.recent.len() >= RECENT {
            self.recent.remove(0);
        }
        self.recent.push(recent);
    }
}

/// The session the door opens on: of the sessions this office runs, the first of today's, else the
/// nearest (upcoming on a tie); none when it runs none (another unit's session is only seen).
pub fn default_session(rows: &[SessionRow], today: NaiveDate, office: &str) -> Option<usize> {
    rows.iter()
        .enumerate()
        .filter(|(_, r)| crate::log::authority::may_keep_list(office, &r.session))
        .min_by_key(|(_, r)| {
            let days = (r.session.date - today).num_days();
            (days.abs(), days < 0, r.session.start)
        })
        .map(|(i, _)| i)
}
