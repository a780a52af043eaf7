//! Records every office keeps its own part of: a person's check-ins at a session and their
//! place on its list. Each office's part folds in its own order; the record reads them together.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::apply::Stamp;
use crate::domain::{Attendance, OfficeId};

/// Who was checked in, kept so that ops from two laptops give the same answer in any order:
/// an undo cancels every check-in stamped before it, and the earliest remaining time stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceLog {
    /// Check-ins later than the last undo, by stamp.
    checkins: Vec<(Stamp, NaiveDateTime)>,
    undone: Option<Stamp>,
}

impl AttendanceLog {
    pub fn present(&self) -> bool {
        !self.checkins.is_empty()
    }

    fn first_at(&self) -> Option<NaiveDateTime> {
        self.checkins.iter().map(|(_, at)| *at).min()
    }

    fn last_stamp(&self) -> Option<Stamp> {
        self.checkins
            .iter()
            .map(|(s, _)| *s)
            .chain(self.undone)
            .max()
    }

    /// False when the op changes nothing: seen before, or cancelled by a later undo.
    pub(super) fn check_in(&mut self, stamp: Stamp, at: NaiveDateTime) -> bool {
        if self.undone.is_some_and(|u| u >= stamp) || self.checkins.iter().any(|(s, _)| *s == stamp)
        {
            return false;
        }
        self.checkins.push((stamp, at));
        self.checkins.sort();
        true
    }

    pub(super) fn undo(&mut self, stamp: Stamp) -> bool {
        if self.undone.is_some_and(|u| u >= stamp) {
            return false;
        }
        self.undone = Some(stamp);
        self.checkins.retain(|(s, _)| *s > stamp);
        true
    }
}

/// A session's door for one person, as every office that keeps the list recorded it: a joint
/// session's host and co-host each check in at their own machine, and an office's undo takes
/// back only its own check-ins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendances(pub BTreeMap<OfficeId, AttendanceLog>);

impl Attendances {
    pub fn present(&self) -> bool {
        self.0.values().any(AttendanceLog::present)
    }

    pub fn view(&self) -> Attendance {
        Attendance {
            present: self.present(),
            first_at: self.0.values().filter_map(AttendanceLog::first_at).min(),
        }
    }

    /// The offices whose check-in stands, earliest first.
    pub fn by(&self) -> Vec<(&str, NaiveDateTime)> {
        let mut out: Vec<(&str, NaiveDateTime)> = self
            .0
            .iter()
            .filter_map(|(office, log)| Some((office.as_str(), log.first_at()?)))
            .collect();
        out.sort_by_key(|(_, at)| *at);
        out
    }

    /// The newest write and its office: what the stored record's stamp says.
    pub(super) fn last(&self) -> Option<(&str, Stamp)> {
        self.0
            .iter()
            .filter_map(|(office, log)| Some((office.as_str(), log.last_stamp()?)))
            .max_by_key(|(office, stamp)| (*stamp, *office))
    }
}

/// Who has enrolled a person in a session: one entry per office, each that office's last word.
/// The person is on the list while any office's last word is "enrolled".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolments(pub BTreeMap<OfficeId, (Stamp, bool)>);

impl Enrolments {
    pub fn enrolled(&self) -> bool {
        self.0.values().any(|(_, on)| *on)
    }

    /// The offices that have the person on the list.
    pub fn by(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(_, (_, on))| *on)
            .map(|(office, _)| office.as_str())
            .collect()
    }

    /// False when the op is older than what its office said last.
    pub(super) fn set(&mut self, office: &str, stamp: Stamp, on: bool) -> bool {
        match self.0.get(office) {
            Some((old, _)) if *old >= stamp => false,
            _ => {
                self.0.insert(office.to_string(), (stamp, on));
                true
            }
        }
    }

    pub(super) fn last(&self) -> Option<(&str, Stamp)> {
        self.0
            .iter()
            .map(|(office, (stamp, _))| (office.as_str(), *stamp))
            .max_by_key(|(office, stamp)| (*stamp, *office))
    }
}
