//! A unit's checklist: the campaign's items for its level, the city's deadlines, the unit's marks.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::Store;
use crate::campaign::campaign;
use crate::domain::checklist::{derive, ChecklistRow};

impl Store {
    pub fn checklist(&self, unit: &str, today: NaiveDate) -> Result<Vec<ChecklistRow>> {
        let campaign = campaign();
        let marks = self.marks(unit)?;
        let deadlines = self.deadlines(unit)?;
        let mut evidence = self.evidence(unit)?;
        let mut rows = Vec::new();
        for def in campaign.checklist_for(unit) {
            let city_due = deadlines.get(&def.id).copied();
            let due = city_due.unwrap_or_else(|| campaign.due_for(def, unit));
            let working_days_left = campaign.holidays.working_days_between(today, due);
            let mark = marks.get(&def.id);
            rows.push(ChecklistRow {
                unit: unit.to_string(),
                item: def.id.clone(),
                title: def.title.clone(),
                due,
                due_set_by_city: city_due.is_some(),
                working_days_left,
                status: derive(mark.map(|m| m.status), working_days_left, due, today),
                note: mark.map(|m| m.note.clone()).unwrap_or_default(),
                evidence: evidence.remove(&def.id).unwrap_or_default(),
            });
        }
        rows.sort_by_key(|row| row.due);
        Ok(rows)
    }
}
