//! What the month grid shows: its sessions and deadlines by day.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};

use crate::domain::checklist::ItemStatus;
use crate::domain::{Session, SessionKind};
use crate::tui::tabs::checklist::{severity, UnitChecklist};

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
