//! A unit's checklist: the campaign's items for its level, the city's deadlines, the unit's marks.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use color_eyre::eyre::Result;

use super::Store;
use crate::campaign::{campaign, unit_name};
use crate::domain::checklist::{derive, ChecklistRow};
use crate::domain::{Evidence, MarkStatus};
use crate::error::{io_reason, user_error};
use crate::i18n::tf;
use crate::log::Payload;

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

impl Store {
    /// The campaign item `item` of `unit`, or a message naming the unit's items.
    fn checklist_item(&self, unit: &str, item: &str) -> Result<()> {
        let defs = campaign().checklist_for(unit);
        if defs.iter().any(|d| d.id == item) {
            return Ok(());
        }
        let ids: Vec<&str> = defs.iter().map(|d| d.id.as_str()).collect();
        Err(user_error(tf(
            "cli.checklist.no_item",
            &[("item", &item), ("items", &ids.join(", "))],
        )))
    }

    fn own_unit(&self, unit: &str) -> Result<()> {
        if unit == self.office() {
            return Ok(());
        }
        Err(user_error(tf(
            "cli.checklist.not_yours",
            &[("unit", &unit_name(unit))],
        )))
    }

    pub fn mark_item(&self, unit: &str, item: &str, status: MarkStatus, note: &str) -> Result<()> {
        self.own_unit(unit)?;
        self.checklist_item(unit, item)?;
        self.commit(vec![Payload::ChecklistMarked {
            unit: unit.to_string(),
            item: item.to_string(),
            status,
            note: note.trim().to_string(),
        }])?;
        Ok(())
    }

    /// Records a file as evidence by name, size and content hash, and keeps a copy by hash.
    pub fn attach_evidence(
        &self,
        unit: &str,
        item: &str,
        path: &Path,
        note: &str,
        now: NaiveDateTime,
    ) -> Result<Evidence> {
        self.own_unit(unit)?;
        self.checklist_item(unit, item)?;
        let unreadable = || tf("cli.checklist.unreadable", &[("path", &path.display())]);
        let failed = |e: std::io::Error| user_error(format!("{}: {}", unreadable(), io_reason(&e)));
        // One file over a bundle's cap on evidence could never travel to the city.
        let (mut file, _) = crate::input_file::open(path, crate::sync::export::FILES_CAP)
            .map_err(|e| user_error(e.to_string()))?;
        let mut hasher = blake3::Hasher::new();
        let size = std::io::copy(&mut file, &mut hasher).map_err(failed)?;
        let evidence = Evidence {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            size,
            blake3: hasher.finalize().to_hex().to_string(),
            note: note.trim().to_string(),
            added: now,
        };
        // A copy by hash, so the file can travel in a bundle (`--with-files`).
        self.keep_file_from(path, &evidence.blake3)?;
        self.commit(vec![Payload::EvidenceAttached {
            unit: unit.to_string(),
            item: item.to_string(),
            evidence: evidence.clone(),
        }])?;
        Ok(evidence)
    }

    /// A city's deadline for one of its units' items.
    pub fn set_deadline(&self, unit: &str, item: &str, due: NaiveDate) -> Result<()> {
        self.checklist_item(unit, item)?;
        if !crate::log::authority::may_set_deadline(self.office(), unit) {
            return Err(user_error(tf(
                "cli.checklist.not_parent",
                &[("unit", &unit_name(unit))],
            )));
        }
        self.commit(vec![Payload::DeadlineSet {
            unit: unit.to_string(),
            item: item.to_string(),
            due,
        }])?;
        Ok(())
    }
}
