//! A unit's checklist as stored: the city's deadlines, the unit's marks and evidence, and the
//! rows they make with the campaign's items for the unit's level. Free functions over the
//! records (the store's, or the copy kept beside it for `peixun due`: `kept_records`), since
//! the reports (`sheets`) read them as well as the use cases above.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::kept_records::Records;
use super::query::scan_in;
use super::Store;
use crate::campaign::campaign;
use crate::domain::checklist::{derive, ChecklistRow, EvidenceFile, FILE_ID_CHARS};
use crate::domain::Evidence;
use crate::log::{Mark, Payload};

/// The unit's checklist as of `today`, soonest due first.
pub fn rows(
    from: &(impl Records + ?Sized),
    unit: &str,
    today: NaiveDate,
) -> Result<Vec<ChecklistRow>> {
    let campaign = campaign();
    let marks = marks(from, unit)?;
    let deadlines = deadlines(from, unit)?;
    let mut evidence = evidence(from, unit)?;
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
            due_provisional: city_due.is_none() && !campaign.due_given_for(def, unit),
            working_days_left,
            status: derive(mark.map(|m| m.status), working_days_left, due, today),
            note: mark.map(|m| m.note.clone()).unwrap_or_default(),
            evidence: evidence.remove(&def.id).unwrap_or_default(),
        });
    }
    rows.sort_by_key(|row| row.due);
    Ok(rows)
}

/// Checklist marks of one unit, by item id.
pub fn marks(from: &(impl Records + ?Sized), unit: &str) -> Result<BTreeMap<String, Mark>> {
    Ok(scan_in::<Mark>(from, &format!("c/{unit}/"))?
        .into_iter()
        .map(|(item, s)| (item, s.value))
        .collect())
}

/// Deadlines a city has set for one unit, by item id.
pub fn deadlines(
    from: &(impl Records + ?Sized),
    unit: &str,
) -> Result<BTreeMap<String, NaiveDate>> {
    Ok(scan_in::<NaiveDate>(from, &format!("d/{unit}/"))?
        .into_iter()
        .map(|(item, s)| (item, s.value))
        .collect())
}

/// Evidence attached to one unit's items, by item id.
pub fn evidence(
    from: &(impl Records + ?Sized),
    unit: &str,
) -> Result<BTreeMap<String, Vec<Evidence>>> {
    let mut out: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for (rest, stored) in scan_in::<Evidence>(from, &format!("v/{unit}/"))? {
        let item = rest.split('/').next().unwrap_or_default().to_string();
        out.entry(item).or_default().push(stored.value);
    }
    Ok(out)
}

/// The evidence of each of `units`, in their order, each unit's by item in its checklist's order
/// then by when attached; who attached each is read from the op that did.
pub fn evidence_files(store: &Store, units: &[String]) -> Result<Vec<EvidenceFile>> {
    let mut attached_by: HashMap<(String, String, String), (String, String)> = HashMap::new();
    for op in store.ops() {
        let op = op?;
        if let Payload::EvidenceAttached {
            unit,
            item,
            evidence,
        } = op.payload
        {
            if units.contains(&unit) {
                // Evidence is identified by content: the first op to attach it stands.
                attached_by
                    .entry((unit, item, evidence.blake3))
                    .or_insert((op.office, op.actor));
            }
        }
    }
    let mut files = Vec::new();
    for unit in units {
        let mut by_item = evidence(store, unit)?;
        for def in campaign().checklist_for(unit) {
            let mut evidence = by_item.remove(&def.id).unwrap_or_default();
            evidence.sort_by(|a, b| a.added.cmp(&b.added).then(a.file_name.cmp(&b.file_name)));
            for evidence in evidence {
                let key = (unit.clone(), def.id.clone(), evidence.blake3.clone());
                let (office, actor) = attached_by.remove(&key).unwrap_or_default();
                files.push(EvidenceFile {
                    unit: unit.clone(),
                    item: def.id.clone(),
                    id: evidence.blake3.chars().take(FILE_ID_CHARS).collect(),
                    evidence,
                    office,
                    actor,
                });
            }
        }
    }
    Ok(files)
}
