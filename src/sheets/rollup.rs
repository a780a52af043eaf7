//! Roll-ups across an office's units: checklist status of every step and material, and the
//! enterprises and people reached against the campaign's target.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use serde::Serialize;

use crate::campaign::{campaign, unit_name};
use crate::i18n::t;
use crate::store::sync::Freshness;
use crate::store::Store;
use crate::sync::status::staleness;

/// How current the roll-up is about `unit`: blank for the office's own work, else the bundle
/// that last brought the unit's work ("截至第 17 号包，9 天前收到", "尚未收到").
pub fn unit_staleness(
    office: &str,
    unit: &str,
    fresh: &BTreeMap<String, Freshness>,
    today: NaiveDate,
) -> String {
    if unit == office {
        t("sync.stale.own")
    } else {
        staleness(fresh.get(unit), today)
    }
}

/// Every unit's checklist, one row per unit and item.
pub fn checklist_rows(store: &Store, office: &str, today: NaiveDate) -> Result<Vec<Vec<String>>> {
    let mut rows = vec![[
        "单位",
        "事项编号",
        "事项",
        "截止",
        "剩余工作日",
        "状态",
        "佐证",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([t("sync.stale.column")])
    .collect::<Vec<_>>()];
    let fresh = store.freshness()?;
    for (unit, _) in campaign().descendants(office) {
        let stale = unit_staleness(office, &unit.id, &fresh, today);
        for row in store.checklist(&unit.id, today)? {
            rows.push(vec![
                unit_name(&unit.id),
                row.item.clone(),
                row.title.clone(),
                row.due.to_string(),
                row.working_days_left.to_string(),
                row.status.label(),
                row.evidence.len().to_string(),
                stale.clone(),
            ]);
        }
    }
    Ok(rows)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub unit: String,
    pub enterprises: usize,
    pub enterprises_reached: usize,
    pub people_reached: usize,
    /// The newest bundle that brought the unit's work (none for the office itself, the total,
    /// or a unit nothing has come from).
    pub received: Option<Freshness>,
}

/// Per unit below `office`: enterprises known, enterprises with someone who attended a session,
/// and people who attended; the last row is the total.
pub fn coverage(store: &Store, office: &str) -> Result<Vec<Coverage>> {
    let units: Vec<String> = campaign()
        .descendants(office)
        .into_iter()
        .map(|(u, _)| u.id.clone())
        .collect();
    let enterprises = store.enterprises()?;
    let fresh = store.freshness()?;
    let unit_of: BTreeMap<String, String> = enterprises
        .iter()
        .map(|e| (e.id.clone(), e.unit.clone()))
        .collect();
    let mut attended: BTreeSet<String> = BTreeSet::new();
    for session in store.sessions()? {
        attended.extend(store.attendance(&session.id)?.into_keys());
    }
    let mut reached_enterprises: BTreeSet<String> = BTreeSet::new();
    let mut people_by_unit: BTreeMap<String, usize> = BTreeMap::new();
    for person in store.people()? {
        if !attended.contains(&person.id) {
            continue;
        }
        let unit = person
            .enterprise
            .as_ref()
            .and_then(|e| unit_of.get(e))
            .cloned()
            .unwrap_or_else(|| person.office.clone());
        *people_by_unit.entry(unit).or_default() += 1;
        if let Some(e) = person.enterprise {
            reached_enterprises.insert(e);
        }
    }
    let mut rows: Vec<Coverage> = units
        .iter()
        .map(|unit| Coverage {
            unit: unit.clone(),
            enterprises: enterprises.iter().filter(|e| &e.unit == unit).count(),
            enterprises_reached: enterprises
                .iter()
                .filter(|e| &e.unit == unit && reached_enterprises.contains(&e.id))
                .count(),
            people_reached: people_by_unit.get(unit).copied().unwrap_or(0),
            received: fresh.get(unit).cloned(),
        })
        .collect();
    let total = rows.iter().fold(
        Coverage {
            unit: "合计".into(),
            ..Coverage::default()
        },
        |mut t, r| {
            t.enterprises += r.enterprises;
            t.enterprises_reached += r.enterprises_reached;
            t.people_reached += r.people_reached;
            t
        },
    );
    rows.push(total);
    Ok(rows)
}
