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

/// How current this store is about `unit`, seen from the store's own office `home`: "本单位"
/// for home's own work, else the bundle that last brought the unit's work ("截至第 17 号包，9 天前
/// 收到", "尚未收到"). `home` is never the office a report is about: a unit's report at the city
/// still shows how old the city's copy of that unit is.
pub fn unit_staleness(
    home: &str,
    unit: &str,
    fresh: &BTreeMap<String, Freshness>,
    today: NaiveDate,
) -> String {
    stale_text(home, unit, fresh.get(unit), today)
}

fn stale_text(home: &str, unit: &str, fresh: Option<&Freshness>, today: NaiveDate) -> String {
    if unit == home {
        t("sync.stale.own")
    } else {
        staleness(unit, fresh, today)
    }
}

/// Every unit's checklist under `office`, one row per unit and item, after a header.
pub fn checklist_rows(store: &Store, office: &str, today: NaiveDate) -> Result<Vec<Vec<String>>> {
    let mut rows = vec![vec![
        t("cli.col.unit"),
        t("cli.col.item"),
        t("cli.col.item_title"),
        t("cli.col.due"),
        t("cli.col.days_left"),
        t("cli.col.status"),
        t("cli.col.evidence"),
        t("sync.stale.column"),
    ]];
    let fresh = store.freshness()?;
    for (unit, _) in campaign().descendants(office) {
        let stale = unit_staleness(store.office(), &unit.id, &fresh, today);
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

/// The `unit` of the total row of `coverage`: --json keeps it as scripts read it; the tables
/// for people say it in their language.
pub const TOTAL: &str = "合计";

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
    // An enterprise is its credit code: records of one code made by two offices count once.
    let identity =
        |e: &'_ crate::domain::Enterprise| e.credit_code.clone().unwrap_or_else(|| e.id.clone());
    let mut known_in: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut reached_in: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for e in &enterprises {
        known_in
            .entry(e.unit.as_str())
            .or_default()
            .insert(identity(e));
        if reached_enterprises.contains(&e.id) {
            reached_in
                .entry(e.unit.as_str())
                .or_default()
                .insert(identity(e));
        }
    }
    let mut all_known: BTreeSet<&String> = BTreeSet::new();
    let mut all_reached: BTreeSet<&String> = BTreeSet::new();
    let mut rows: Vec<Coverage> = units
        .iter()
        .map(|unit| {
            let known = known_in.get(unit.as_str());
            let reached = reached_in.get(unit.as_str());
            all_known.extend(known.into_iter().flatten());
            all_reached.extend(reached.into_iter().flatten());
            Coverage {
                unit: unit.clone(),
                enterprises: known.map_or(0, BTreeSet::len),
                enterprises_reached: reached.map_or(0, BTreeSet::len),
                people_reached: people_by_unit.get(unit).copied().unwrap_or(0),
                received: fresh.get(unit).cloned(),
            }
        })
        .collect();
    let total = Coverage {
        unit: TOTAL.into(),
        enterprises: all_known.len(),
        enterprises_reached: all_reached.len(),
        people_reached: rows.iter().map(|r| r.people_reached).sum(),
        received: None,
    };
    rows.push(total);
    Ok(rows)
}

/// `coverage` as a table for people, seen from the store's own office `home`: a header, then a
/// row per unit with how current `home` is about it, and the total.
pub fn coverage_table(home: &str, coverage: &[Coverage], today: NaiveDate) -> Vec<Vec<String>> {
    let mut rows = vec![vec![
        t("cli.col.unit"),
        t("cli.col.enterprises"),
        t("cli.col.enterprises_reached"),
        t("cli.col.people_reached"),
        t("sync.stale.column"),
    ]];
    for c in coverage {
        let (unit, stale) = if c.unit == TOTAL {
            (t("cli.report.total"), String::new())
        } else {
            (
                unit_name(&c.unit),
                stale_text(home, &c.unit, c.received.as_ref(), today),
            )
        };
        rows.push(vec![
            unit,
            c.enterprises.to_string(),
            c.enterprises_reached.to_string(),
            c.people_reached.to_string(),
            stale,
        ]);
    }
    rows
}
