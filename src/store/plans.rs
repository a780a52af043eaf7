//! Each unit's training plan for a year, and what it has held against it so far.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use color_eyre::eyre::Result;

use super::Store;
use crate::domain::plan::Plan;
use crate::domain::SessionKind;
use crate::log::apply::keys;
use crate::log::Stored;

/// The classes a unit has held in a year so far, counted as the 统计表 counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Held {
    pub classes: u32,
    /// People checked in at those classes.
    pub people: u32,
}

impl Store {
    /// `unit`'s plan for `year`, with who wrote it last.
    pub fn plan(&self, unit: &str, year: i32) -> Result<Option<Stored<Plan>>> {
        self.get_stored(&keys::plan(unit, year))
    }

    /// Offline and expansion classes held in `year` up to `today`, by the unit that hosted them:
    /// each unit's rows in the 统计表, so the plan and the table agree on what was held.
    pub fn held(&self, year: i32, today: NaiveDate) -> Result<BTreeMap<String, Held>> {
        let mut by_unit: BTreeMap<String, Held> = BTreeMap::new();
        for session in self.sessions()? {
            let counts = matches!(session.kind, SessionKind::Offline | SessionKind::Expansion)
                && session.date.year() == year
                && session.date <= today;
            if counts {
                let held = by_unit.entry(session.host.clone()).or_default();
                held.classes += 1;
                held.people += self.present_count(&session.id)?;
            }
        }
        Ok(by_unit)
    }
}
