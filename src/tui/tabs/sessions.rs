//! 场次: the sessions list, and one session's detail with its enrolment list. Both lists filter
//! with `/`; adding, editing, enrolling and removing go through forms and a confirmation.

use chrono::{NaiveDate, NaiveDateTime};

pub use super::list_filter::Filter;
use super::list_filter::{session_keys, PeopleIndex};
use super::session_header;
use super::step_selection;
use crate::domain::Session;
use crate::i18n::tf;
use crate::log::authority::may_keep_list;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Confirm, Hint, Overlay, State};
use crate::tui::forms::Form;
use crate::tui::suggest;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub session: Session,
    pub enrolled: u32,
    pub present: u32,
    /// What `/` searches (`list_filter::session_keys`), worked out once per load.
    pub keys: String,
}

impl SessionRow {
    pub fn new(session: Session, enrolled: u32, present: u32) -> SessionRow {
        SessionRow {
            keys: session_keys(&session),
            session,
            enrolled,
            present,
        }
    }
}

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
    index: PeopleIndex,
    /// Indexes into `people` the filter lets through, best match first; kept current by
    /// `refilter` so drawing does not search.
    shown: Vec<usize>,
}

impl Detail {
    pub fn new(row: SessionRow, people: Vec<EnrolRow>) -> Detail {
        let mut detail = Detail {
            row,
            index: PeopleIndex::build(&people),
            people,
            printed: None,
            filter: Filter::default(),
            selected: 0,
            info_scroll: 0,
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
        (0..self.rows.len())
            .filter(|&i| self.filter.matches(&self.rows[i].keys))
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

/// Keys for a filter being typed; returns true when the key was the filter's.
pub(super) fn filter_key(filter: &mut Filter, selected: &mut usize, action: Action) -> bool {
    if !filter.editing {
        return false;
    }
    match action {
        Action::Text(key) => {
            filter.input.edit(key);
            *selected = 0;
        }
        Action::Open => filter.editing = false,
        Action::Back => {
            *filter = Filter::default();
            *selected = 0;
        }
        _ => return false,
    }
    true
}

fn is_move(action: Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    if state.sessions.detail.is_some() {
        return update_detail(state, action);
    }
    let list = &mut state.sessions;
    if filter_key(&mut list.filter, &mut list.selected, action) {
        return None;
    }
    let len = list.visible().len();
    if is_move(action) {
        step_selection(&mut list.selected, len, action);
        return None;
    }
    match action {
        Action::Filter => {
            list.filter.editing = true;
            None
        }
        Action::Back if list.filter.is_active() => {
            list.filter = Filter::default();
            list.selected = 0;
            None
        }
        Action::Open => list
            .selected_row()
            .map(|r| Effect::OpenSession(r.session.id.clone())),
        Action::Add => {
            let form = Form::new_session(&state.office.id, state.calendar.selected);
            state.overlay = Overlay::Form(form);
            None
        }
        Action::Edit => {
            if let Some(session) = list.selected_row().map(|r| r.session.clone()) {
                open_edit(state, &session);
            }
            None
        }
        _ => None,
    }
}

/// Only the office that owns a session changes it; say so instead of letting the write fail.
fn owns(state: &mut State, session: &Session) -> bool {
    allowed(
        state,
        crate::app::sessions::may_change(&state.office.id, session),
    )
}

/// Whether this office keeps the session's list, said when it does not.
fn keeps_list(state: &mut State, session: &Session) -> bool {
    allowed(
        state,
        crate::app::sessions::may_keep_list(&state.office.id, session),
    )
}

fn allowed(state: &mut State, rule: crate::app::Outcome<()>) -> bool {
    match rule {
        Ok(()) => true,
        Err(refusal) => {
            crate::tui::effects::report(state, refusal);
            false
        }
    }
}

fn open_edit(state: &mut State, session: &Session) {
    if owns(state, session) {
        state.overlay = Overlay::Form(Form::edit_session(session));
    }
}

fn update_detail(state: &mut State, action: Action) -> Option<Effect> {
    let detail = state.sessions.detail.as_mut()?;
    if filter_key(&mut detail.filter, &mut detail.selected, action) {
        detail.refilter();
        return None;
    }
    let len = detail.visible().len();
    if is_move(action) {
        step_selection(&mut detail.selected, len, action);
        return None;
    }
    match action {
        Action::Right => {
            let max = session_header::max_scroll_at(state, state.sessions.detail.as_ref()?);
            let detail = state.sessions.detail.as_mut()?;
            detail.info_scroll = (detail.info_scroll + 1).min(max);
        }
        Action::Left => detail.info_scroll = detail.info_scroll.saturating_sub(1),
        Action::Filter => detail.filter.editing = true,
        Action::Back if detail.filter.is_active() => {
            detail.filter = Filter::default();
            detail.selected = 0;
            detail.refilter();
        }
        Action::Back => state.sessions.detail = None,
        Action::Add => {
            let session = detail.row.session.clone();
            if keeps_list(state, &session) {
                state.overlay = Overlay::Form(Form::enrol(&session));
                // The form offers the office's people and enterprises from the door's index.
                return suggest::want_index(state);
            }
        }
        Action::Edit => {
            let session = detail.row.session.clone();
            open_edit(state, &session);
        }
        Action::Paper => {
            let session = detail.row.session.clone();
            if keeps_list(state, &session) {
                super::paper::open(state);
            }
        }
        Action::Remove => {
            let session = detail.row.session.clone();
            let person = detail.selected_person().cloned()?;
            if keeps_list(state, &session) {
                state.overlay = Overlay::Confirm(Confirm {
                    message: tf(
                        "tui.sessions.confirm_remove",
                        &[("name", &person.name), ("title", &session.title)],
                    ),
                    effect: Effect::Unenrol {
                        session: session.id.clone(),
                        person: person.person.clone(),
                        name: person.name.clone(),
                    },
                    otherwise: None,
                });
            }
        }
        _ => {}
    }
    None
}

pub fn hints(state: &State) -> Vec<Hint> {
    if state.sessions.editing_filter() {
        return vec![
            (Action::Open, "keep_filter"),
            (Action::Back, "clear_filter"),
        ];
    }
    match &state.sessions.detail {
        Some(detail) => {
            let mut out = vec![(Action::Back, "back")];
            if may_keep_list(&state.office.id, &detail.row.session) {
                out.extend([
                    (Action::Add, "enrol"),
                    (Action::Remove, "remove"),
                    (Action::Paper, "paper"),
                ]);
            }
            if detail.row.session.office == state.office.id {
                out.push((Action::Edit, "edit"));
            }
            out.push((Action::Filter, "filter"));
            if session_header::max_scroll_at(state, detail) > 0 {
                out.push((Action::Right, "scroll_info"));
            }
            out
        }
        None => vec![
            (Action::Open, "open"),
            (Action::Add, "add"),
            (Action::Edit, "edit"),
            (Action::Filter, "filter"),
        ],
    }
}
