//! 日历: a month grid (Monday first) with session counts, statutory holidays (休), make-up
//! workdays (班) and deadline days (止), and the agenda of the selected day: its sessions, the
//! office's own deadlines and, at a city or the province, its units' deadlines grouped by item.
//! Drawing is in `calendar_view`.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};

use super::checklist::{severity, UnitChecklist};
use crate::domain::checklist::ItemStatus;
use crate::domain::{Session, SessionKind};
use crate::i18n::t;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay, State, Tab};
use crate::tui::forms::Form;

pub use super::calendar_view::render;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaEntry {
    pub id: String,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub kind: SessionKind,
    pub title: String,
    pub venue: String,
}

/// A checklist item due on a day: the office's own, or one item of its units grouped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub item: String,
    pub title: String,
    /// The own item's status; for units, the most urgent among those still open (else done).
    pub status: ItemStatus,
    /// Units' items: how many units have it due that day, and how many of them closed it.
    pub units: Option<(usize, usize)>,
    /// Units' items: the names of the units that have not closed it.
    pub open_units: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarState {
    pub selected: NaiveDate,
    pub sessions: BTreeMap<NaiveDate, Vec<AgendaEntry>>,
    pub deadlines: BTreeMap<NaiveDate, Vec<Deadline>>,
}

impl CalendarState {
    pub fn new(today: NaiveDate) -> CalendarState {
        CalendarState {
            selected: today,
            sessions: BTreeMap::new(),
            deadlines: BTreeMap::new(),
        }
    }

    /// Fills the grid from every session, the office's own checklist and its units' (`units`
    /// as the checklist tab has them; `office` picks the own one out).
    pub fn set_data(&mut self, sessions: &[Session], units: &[UnitChecklist], office: &str) {
        self.sessions.clear();
        for s in sessions {
            self.sessions.entry(s.date).or_default().push(AgendaEntry {
                id: s.id.clone(),
                start: s.start,
                end: s.end,
                kind: s.kind,
                title: s.title.clone(),
                venue: s.venue.clone(),
            });
        }
        self.deadlines.clear();
        // Own items first on each day, then units' items in document order.
        for unit in units.iter().filter(|u| u.unit == office) {
            for row in &unit.rows {
                self.deadlines.entry(row.due).or_default().push(Deadline {
                    item: row.item.clone(),
                    title: row.title.clone(),
                    status: row.status,
                    units: None,
                    open_units: Vec::new(),
                });
            }
        }
        for unit in units.iter().filter(|u| u.unit != office) {
            for row in &unit.rows {
                let day = self.deadlines.entry(row.due).or_default();
                let pos = day
                    .iter()
                    .position(|d| d.units.is_some() && d.item == row.item);
                let group = match pos {
                    Some(i) => &mut day[i],
                    None => {
                        day.push(Deadline {
                            item: row.item.clone(),
                            title: row.title.clone(),
                            status: ItemStatus::Done,
                            units: Some((0, 0)),
                            open_units: Vec::new(),
                        });
                        let last = day.len() - 1;
                        &mut day[last]
                    }
                };
                if let Some((total, closed)) = &mut group.units {
                    *total += 1;
                    if !row.status.is_open() {
                        *closed += 1;
                    }
                }
                if row.status.is_open() {
                    group.open_units.push(unit.name.clone());
                }
                let worse = match (group.status.is_open(), row.status.is_open()) {
                    (false, true) => true,
                    (true, true) => severity(row.status) > severity(group.status),
                    _ => false,
                };
                if worse {
                    group.status = row.status;
                }
            }
        }
    }

    /// The most urgent status of a day's deadlines, for its mark in the grid.
    pub fn deadline_status(&self, day: NaiveDate) -> Option<ItemStatus> {
        self.deadlines
            .get(&day)?
            .iter()
            .map(|d| d.status)
            .max_by_key(|s| severity(*s))
    }
}

fn shift_days(d: NaiveDate, n: i64) -> NaiveDate {
    let moved = if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    };
    moved.unwrap_or(d)
}

/// The same day in the next or previous month, clamped to its length (1/31 -> 2/28).
fn shift_months(d: NaiveDate, forward: bool) -> NaiveDate {
    let moved = if forward {
        d.checked_add_months(Months::new(1))
    } else {
        d.checked_sub_months(Months::new(1))
    };
    moved.unwrap_or(d)
}

pub(super) fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let first = first_of_month(d);
    shift_days(shift_months(first, true), -1)
}

pub(super) fn next_day(d: NaiveDate) -> NaiveDate {
    shift_days(d, 1)
}

pub(super) fn back_days(d: NaiveDate, n: i64) -> NaiveDate {
    shift_days(d, -n)
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    let cal = &mut state.calendar;
    match action {
        Action::Left => cal.selected = shift_days(cal.selected, -1),
        Action::Right => cal.selected = shift_days(cal.selected, 1),
        Action::Up => cal.selected = shift_days(cal.selected, -7),
        Action::Down => cal.selected = shift_days(cal.selected, 7),
        Action::PageUp => cal.selected = shift_months(cal.selected, false),
        Action::PageDown => cal.selected = shift_months(cal.selected, true),
        Action::Top => cal.selected = first_of_month(cal.selected),
        Action::Bottom => cal.selected = last_of_month(cal.selected),
        Action::Today => cal.selected = state.today,
        Action::Open => {
            let day = cal.selected;
            // One session: straight to it. Several: the list, on the day's first.
            if let Some([only]) = cal.sessions.get(&day).map(Vec::as_slice) {
                let id = only.id.clone();
                state.sessions.select_date(day);
                state.sessions.select_id(&id);
                return Some(Effect::OpenSession(id));
            }
            if state.sessions.select_date(day) {
                state.tab = Tab::Sessions;
            } else {
                state.info(t("tui.calendar.no_sessions"));
            }
        }
        Action::Add => {
            state.overlay = Overlay::Form(Form::new_session(&state.office.id, cal.selected));
        }
        _ => {}
    }
    None
}

pub fn hints(_state: &State) -> Vec<Hint> {
    vec![
        (Action::Open, "open"),
        (Action::Add, "add"),
        (Action::PageDown, "next_month"),
        (Action::Today, "today"),
    ]
}
