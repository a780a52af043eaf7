//! What the 场次 tab holds: the session rows, the filter and the open session's detail.

use std::cell::OnceCell;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::Session;
pub use crate::tui::list_filter::Filter;
use crate::tui::list_filter::{session_keys, PeopleIndex};

/// A session as listed. Its keys are worked out from `session` as it was made: a changed
/// session is a new row.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub session: Session,
    pub enrolled: u32,
    pub present: u32,
    /// What `/` searches (`list_filter::session_keys`), worked out at the first `/` after a
    /// load: the pinyin of thousands of sessions would otherwise delay the first frame.
    keys: OnceCell<String>,
}

impl SessionRow {
    pub fn new(session: Session, enrolled: u32, present: u32) -> SessionRow {
        SessionRow {
            session,
            enrolled,
            present,
            keys: OnceCell::new(),
        }
    }

    pub fn keys(&self) -> &str {
        self.keys.get_or_init(|| session_keys(&self.session))
    }
}

/// Rows are alike by what they show, whether or not their keys were worked out yet.
impl PartialEq for SessionRow {
    fn eq(&self, other: &SessionRow) -> bool {
        (&self.session, self.enrolled, self.present)
            == (&other.session, other.enrolled, other.present)
    }
}

impl Eq for SessionRow {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolRow {
    pub person: String,
    pub name: String,
    /// As stored; masked when drawn.
    pub phone: String,
    pub position: String,
    pub enterprise: String,
    /// The participant code, which `/` finds too.
    pub code: String,
    pub checked_in: Option<NaiveDateTime>,
    /// The units that put the person on the list, in words; empty when only the session's
    /// own office did.
    pub enrolled_by: String,
}

/// The latest sign-in sheet printed for the session: the rows ticked on paper are its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub version: u32,
    /// When it was printed, as the entry shows it.
    pub at: String,
    /// Its rows in printed order.
    pub rows: Vec<EnrolRow>,
    /// Enrolled since printing (not on this paper), and on it but off the list since.
    pub added: usize,
    pub removed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub row: SessionRow,
    pub people: Vec<EnrolRow>,
    /// The sheet on paper, when one was printed here.
    pub printed: Option<Printed>,
    pub filter: Filter,
    pub selected: usize,
    /// How far the session's details above the list are scrolled (←/→) when they do not fit.
    pub info_scroll: usize,
    /// The teachers' register as this office holds it, with who is sent where.
    pub teachers: Vec<crate::app::teachers::TeacherRow>,
    index: PeopleIndex,
    /// Indexes into `people` the filter lets through, best match first; kept current by
    /// `refilter` so drawing does not search.
    shown: Vec<usize>,
}

impl Detail {
    /// The teachers sent to this session.
    pub fn sent_teachers(&self) -> Vec<&crate::domain::teacher::Teacher> {
        let id = &self.row.session.id;
        self.teachers
            .iter()
            .filter(|r| r.bookings.iter().any(|b| &b.session == id))
            .map(|r| &r.teacher)
            .collect()
    }

    pub fn new(row: SessionRow, people: Vec<EnrolRow>) -> Detail {
        let mut detail = Detail {
            row,
            index: PeopleIndex::build(&people),
            people,
            printed: None,
            filter: Filter::default(),
            selected: 0,
            info_scroll: 0,
            teachers: Vec::new(),
            shown: Vec::new(),
        };
        detail.refilter();
        detail
    }

    /// The same session read again: the filter, cursor and scroll stay as they were.
    pub fn keep_view(mut self, old: Detail) -> Detail {
        self.filter = old.filter;
        self.info_scroll = old.info_scroll;
        self.refilter();
        self.selected = old.selected.min(self.shown.len().saturating_sub(1));
        self
    }

    /// Runs the filter again after it changed.
    pub fn refilter(&mut self) {
        self.shown = self.index.matches(&self.people, self.filter.input.value());
    }

    /// Indexes of the people the filter lets through, best match first.
    pub fn visible(&self) -> Vec<usize> {
        self.shown.clone()
    }

    pub fn selected_person(&self) -> Option<&EnrolRow> {
        self.shown
            .get(self.selected)
            .and_then(|&i| self.people.get(i))
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionsState {
    pub rows: Vec<SessionRow>,
    pub filter: Filter,
    /// Index into `visible()`.
    pub selected: usize,
    pub detail: Option<Detail>,
    /// The teachers' register, offered as lecturers in the session form.
    pub teachers: Vec<crate::domain::teacher::Teacher>,
    /// The tab a session was opened from (the calendar's day), which Esc on it goes back to.
    pub back_to: Option<crate::tui::app::Tab>,
}

impl SessionsState {
    pub fn editing_filter(&self) -> bool {
        match &self.detail {
            Some(detail) => detail.filter.editing,
            None => self.filter.editing,
        }
    }

    /// Indexes of the sessions the filter lets through.
    pub fn visible(&self) -> Vec<usize> {
        if self.filter.input.value().trim().is_empty() {
            return (0..self.rows.len()).collect();
        }
        let matches = self.filter.matcher();
        (0..self.rows.len())
            .filter(|&i| matches(self.rows[i].keys()))
            .collect()
    }

    pub fn selected_row(&self) -> Option<&SessionRow> {
        self.visible()
            .get(self.selected)
            .and_then(|&i| self.rows.get(i))
    }

    /// Puts the cursor on the first session of `day`, clearing the filter; false if none.
    pub fn select_date(&mut self, day: NaiveDate) -> bool {
        let Some(index) = self.rows.iter().position(|r| r.session.date == day) else {
            return false;
        };
        self.filter = Filter::default();
        self.detail = None;
        self.selected = index;
        true
    }

    /// Puts the cursor on a session just saved. The coordinator's filter stays; only a session
    /// it hides (a new one, or a title changed out of it) clears it, so the saved one is shown.
    pub fn select_saved(&mut self, id: &str) {
        let hidden = !self
            .visible()
            .iter()
            .any(|&i| self.rows[i].session.id == id);
        if hidden {
            self.filter = Filter::default();
        }
        self.select_id(id);
    }

    /// Keeps the cursor on the session with `id` after a reload, if it is still listed.
    pub fn select_id(&mut self, id: &str) {
        if let Some(pos) = self
            .visible()
            .iter()
            .position(|&i| self.rows[i].session.id == id)
        {
            self.selected = pos;
        }
    }
}
