//! Roll-ups across an office's units: checklist status of every step and material, and the
//! enterprises and people reached against the campaign's target.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::doc::{Align, Cell, Column, Document, Row, Value};
pub use super::reached::trained_people;
use super::reached::{own_figures, Figures};
use crate::campaign::{campaign, unit_name, UnitLevel};
use crate::domain::EnterpriseCategory;
use crate::i18n::{t, tf};
use crate::store::Store;
use crate::sync::ledger::Freshness;
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

/// What a printed report says of how current its figures for `unit` are: how old the bundle
/// that brought them is; "尚未收到" for a unit whose work nothing here came from; nothing for the
/// office's own work, nor for work made in this store under the unit's name (a demo's), which no
/// bundle dates.
pub(super) fn document_staleness(
    home: &str,
    unit: &str,
    local: &Local,
    today: NaiveDate,
) -> String {
    if unit == home {
        return String::new();
    }
    match local.fresh.get(unit) {
        Some(fresh) => staleness(unit, Some(fresh), today),
        None if local.offices.contains(unit) => String::new(),
        None => t("sync.stale.never"),
    }
}

/// What this store holds of whom: the bundles that brought each unit's work, and the offices it
/// has any work of.
pub(super) struct Local {
    fresh: BTreeMap<String, Freshness>,
    offices: BTreeSet<String>,
}

impl Local {
    pub(super) fn of(store: &Store) -> Result<Local> {
        Ok(Local {
            fresh: store.freshness()?,
            offices: store.heads()?.into_iter().map(|(_, h)| h.office).collect(),
        })
    }
}

/// A "数据截至" column at the end of a document's rows, only when some row has something to say.
pub(super) fn with_staleness(columns: &mut Vec<Column>, rows: &mut [Row], stale: &[String]) {
    if stale.iter().all(String::is_empty) {
        return;
    }
    columns.push(Column::new(t("sync.stale.column"), Align::Text));
    for (row, text) in rows.iter_mut().zip(stale) {
        if let Row::Body(cells) = row {
            cells.push(Cell::text(text.clone()));
        }
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
        for row in crate::store::checklist::rows(store, &unit.id, today)? {
            rows.push(vec![
                unit_name(&unit.id),
                row.item.clone(),
                row.title.clone(),
                row.due_text(),
                row.days_left().map(|d| d.to_string()).unwrap_or_default(),
                row.status.label(),
                row.evidence.len().to_string(),
                stale.clone(),
            ]);
        }
    }
    Ok(rows)
}

/// Every unit's checklist under `office` as a printable document made by `maker` on `today`.
pub fn checklist_document(
    store: &Store,
    office: &str,
    today: NaiveDate,
    maker: &str,
) -> Result<Document> {
    let local = Local::of(store)?;
    let mut columns = vec![
        Column::new(t("cli.col.unit"), Align::Text),
        Column::new(t("cli.col.item_title"), Align::Text),
        Column::new(t("cli.col.due"), Align::Center),
        Column::new(t("cli.col.days_left"), Align::Number),
        Column::new(t("cli.col.status"), Align::Center),
        Column::new(t("cli.col.evidence"), Align::Number),
    ];
    let mut rows = Vec::new();
    let mut stale = Vec::new();
    let mut provisional = false;
    for (unit, _) in campaign().descendants(office) {
        let said = document_staleness(store.office(), &unit.id, &local, today);
        for row in crate::store::checklist::rows(store, &unit.id, today)? {
            // A date no document gives must not print as the campaign's.
            let due = if row.due_provisional {
                provisional = true;
                Value::DateWith(row.due, t("cli.checklist.due_mark")).into()
            } else {
                Value::Date(row.due).into()
            };
            rows.push(Row::Body(vec![
                Cell::text(unit_name(&unit.id)),
                Cell::text(row.title.clone()),
                due,
                row.days_left().map_or(Value::Empty.into(), Cell::int),
                Cell::text(row.status.label()),
                Cell::int(row.evidence.len()),
            ]));
            stale.push(said.clone());
        }
    }
    with_staleness(&mut columns, &mut rows, &stale);
    Ok(Document {
        sheet: t("cli.report.sheet_checklist"),
        title: tf(
            "cli.report.checklist_title",
            &[("office", &unit_name(office))],
        ),
        line: crate::sheets::doc::office_line(maker, today),
        columns,
        rows,
        notes: provisional
            .then(|| t("cli.checklist.due_marked_note"))
            .into_iter()
            .collect(),
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made: today,
    })
}

/// The `unit` of the total row of `coverage`: --json keeps it as scripts read it; the tables
/// for people say it in their language.
pub const TOTAL: &str = "合计";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub unit: String,
    /// Levels below the office the report is about (its cities 1, their counties 2).
    pub depth: usize,
    /// The office's own figures, apart from its units' (a city's 本级).
    pub own: bool,
    pub enterprises: usize,
    pub enterprises_reached: usize,
    /// Enterprises reached by the target's four categories, in the seed's words (an enterprise
    /// may be in several, or in none).
    pub reached_by_category: BTreeMap<String, usize>,
    pub people_reached: usize,
    /// Enterprises the unit's outreach reached (any status recorded), and those visited.
    pub enterprises_contacted: usize,
    pub enterprises_visited: usize,
    /// Whether this row counts once an enterprise or a person that two or more of its units
    /// registered, so that it is less than the sum of their rows.
    pub counted_once: bool,
    /// The newest bundle that brought the unit's work (none for the office itself, the total,
    /// or a unit nothing has come from).
    pub received: Option<Freshness>,
}

/// Per unit below `office`, in the official order, each with the figures of every unit under it
/// (a city's row is the subtotal of its counties); the office's own figures apart (本级) when it
/// has any, or when it has no units; the total last.
pub fn coverage(store: &Store, office: &str) -> Result<Vec<Coverage>> {
    Ok(coverage_and_own(store, office)?.0)
}

/// `coverage`, and each unit's own people trained apart from its units' (counted once within
/// the unit).
pub fn coverage_and_own(
    store: &Store,
    office: &str,
) -> Result<(Vec<Coverage>, BTreeMap<String, usize>)> {
    let own = own_figures(store)?;
    let own_people = own
        .iter()
        .map(|(unit, f)| (unit.clone(), f.people_reached.len()))
        .collect();
    let fresh = store.freshness()?;
    let tree = campaign().descendants(office);
    let subtotal = |unit: &str| {
        let mut sum = Figures::default();
        let mut parts = [0; 3];
        for (u, _) in campaign().descendants(unit) {
            if let Some(figures) = own.get(&u.id) {
                sum.add(figures);
                for (part, size) in parts.iter_mut().zip(figures.sizes()) {
                    *part += size;
                }
            }
        }
        let counted_once = sum.sizes() != parts;
        (sum, counted_once)
    };
    let row = |unit: &str, depth: usize, own: bool, (f, counted_once): (Figures, bool)| Coverage {
        unit: unit.to_string(),
        depth,
        own,
        enterprises: f.enterprises.len(),
        enterprises_reached: f.enterprises_reached.len(),
        reached_by_category: EnterpriseCategory::ALL
            .iter()
            .zip(&f.reached_by_category)
            .map(|(c, reached)| (c.name().to_string(), reached.len()))
            .collect(),
        people_reached: f.people_reached.len(),
        enterprises_contacted: f.contacted.len(),
        enterprises_visited: f.visited.len(),
        counted_once,
        received: if unit == TOTAL {
            None
        } else {
            fresh.get(unit).cloned()
        },
    };
    let mut rows = Vec::new();
    let office_own = own.get(office).cloned().unwrap_or_default();
    if tree.len() <= 1 || !office_own.is_empty() {
        rows.push(row(office, 0, tree.len() > 1, (office_own, false)));
    }
    for (unit, depth) in tree.iter().skip(1) {
        rows.push(row(&unit.id, *depth, false, subtotal(&unit.id)));
    }
    rows.push(row(TOTAL, 0, false, subtotal(office)));
    Ok((rows, own_people))
}

/// The county-level units under `unit` (itself, if it is one).
fn counties_under(unit: &str) -> Vec<&str> {
    campaign()
        .descendants(unit)
        .into_iter()
        .filter(|(u, _)| u.is_county_level())
        .map(|(u, _)| u.id.as_str())
        .collect()
}

/// The cities and the county-level units (the 17 and the 103 of the campaign's target) with
/// at least one person trained under them.
pub fn units_covered(coverage: &[Coverage]) -> (usize, usize) {
    let c = campaign();
    let reached = |level: fn(&crate::campaign::Unit) -> bool| {
        coverage
            .iter()
            .filter(|row| row.unit != TOTAL && !row.own && row.people_reached > 0)
            .filter(|row| c.unit(&row.unit).is_some_and(level))
            .count()
    };
    (
        reached(|u| u.level == UnitLevel::City),
        reached(|u| u.is_county_level()),
    )
}

/// Under the table: the total's enterprises reached by the target's four categories.
fn category_note(coverage: &[Coverage]) -> Option<String> {
    let total = coverage.last()?;
    // In the seed's order, not the map's.
    let parts: Vec<String> = EnterpriseCategory::ALL
        .iter()
        .map(|category| {
            let n = total
                .reached_by_category
                .get(category.name())
                .copied()
                .unwrap_or(0);
            tf(
                "cli.report.category_part",
                &[("category", &category.name()), ("count", &n)],
            )
        })
        .collect();
    Some(tf(
        "cli.report.category_note",
        &[("parts", &parts.join(&t("cli.list_sep")))],
    ))
}

/// Under the table, when a subtotal counts once what two of its units both registered.
pub fn counted_once_note(coverage: &[Coverage]) -> Option<String> {
    coverage
        .iter()
        .any(|row| row.counted_once)
        .then(|| t("cli.report.counted_once_note"))
}

/// `coverage` of `office` as a printable document, seen from the store's own office: a row per
/// unit (counties indented under their city, the subtotals bold), the total; the target only
/// where the campaign gives the office one (the province's 10,000 enterprises); how current each
/// row is only where a bundle brought it or nothing came yet.
pub fn coverage_document(
    store: &Store,
    office: &str,
    coverage: &[Coverage],
    today: NaiveDate,
    maker: &str,
) -> Result<Document> {
    let local = Local::of(store)?;
    let target = campaign()
        .unit(office)
        .is_some_and(|u| u.level == UnitLevel::Province)
        .then_some(campaign().target_enterprises);
    let mut columns = vec![
        Column::new(t("cli.col.unit"), Align::Text),
        Column::new(t("cli.col.enterprises"), Align::Number),
        Column::new(t("cli.col.enterprises_reached"), Align::Number),
        Column::new(t("cli.col.people_reached"), Align::Number),
        Column::new(t("cli.col.enterprises_contacted"), Align::Number),
        Column::new(t("cli.col.enterprises_visited"), Align::Number),
    ];
    if target.is_some() {
        columns.push(Column::new(t("cli.report.col_target"), Align::Number));
    }
    // A city's or the province's rows say how many of their county-level units are covered.
    let counties_column = counties_under(office).len() > 1;
    if counties_column {
        columns.push(Column::new(
            t("cli.report.col_counties_covered"),
            Align::Center,
        ));
    }
    let has_units = |unit: &str| !campaign().children(unit).is_empty();
    let mut rows = Vec::new();
    let mut stale = Vec::new();
    for c in coverage {
        let total = c.unit == TOTAL;
        let (label, indent, bold) = if total {
            (t("cli.report.total"), 0, true)
        } else if c.own {
            let name = unit_name(&c.unit);
            (tf("cli.report.own_level", &[("unit", &name)]), 0, false)
        } else {
            let indent = u8::try_from(c.depth.saturating_sub(1)).unwrap_or(u8::MAX);
            (unit_name(&c.unit), indent, has_units(&c.unit))
        };
        let mut cells = vec![
            Cell::text(label).indented(indent).bold(bold),
            Cell::int(c.enterprises).bold(bold),
            Cell::int(c.enterprises_reached).bold(bold),
            Cell::int(c.people_reached).bold(bold),
            Cell::int(c.enterprises_contacted).bold(bold),
            Cell::int(c.enterprises_visited).bold(bold),
        ];
        if let Some(target) = target {
            cells.push(if total {
                Cell::int(target).bold(true)
            } else {
                Value::Empty.into()
            });
        }
        if counties_column {
            let unit = if total { office } else { c.unit.as_str() };
            let counties = counties_under(unit);
            cells.push(if c.own || counties.is_empty() || counties == [unit] {
                Value::Empty.into()
            } else {
                let covered = counties
                    .iter()
                    .filter(|u| {
                        coverage
                            .iter()
                            .any(|r| !r.own && r.unit == **u && r.people_reached > 0)
                    })
                    .count();
                Cell::text(format!("{covered}/{}", counties.len())).bold(bold)
            });
        }
        rows.push(Row::Body(cells));
        stale.push(if total {
            String::new()
        } else {
            document_staleness(store.office(), &c.unit, &local, today)
        });
    }
    with_staleness(&mut columns, &mut rows, &stale);
    let made = super::doc::document_date(today);
    let line = match target {
        Some(target) => {
            let reached = coverage.last().map_or(0, |c| c.enterprises_reached);
            let percent = format!("{:.1}", reached as f64 * 100.0 / f64::from(target.max(1)));
            let (cities, counties) = units_covered(coverage);
            tf(
                "cli.report.target_line",
                &[
                    ("office", &maker),
                    ("date", &made),
                    ("target", &target),
                    ("reached", &reached),
                    ("percent", &percent),
                    ("cities", &cities),
                    ("all_cities", &campaign().target_cities),
                    ("counties", &counties),
                    ("all_counties", &campaign().target_county_units),
                ],
            )
        }
        None => tf(
            "cli.report.office_line",
            &[("office", &maker), ("date", &made)],
        ),
    };
    Ok(Document {
        sheet: t("cli.report.sheet_coverage"),
        title: tf(
            "cli.report.coverage_title",
            &[("office", &unit_name(office))],
        ),
        line,
        columns,
        rows,
        notes: category_note(coverage)
            .into_iter()
            .chain(counted_once_note(coverage))
            .collect(),
        landscape: false,
        signing: false,
        maker: maker.to_string(),
        made: today,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reached(unit: &str, depth: usize, people_reached: usize) -> Coverage {
        Coverage {
            unit: unit.into(),
            depth,
            people_reached,
            ..Default::default()
        }
    }

    #[test]
    fn a_unit_is_covered_when_someone_under_it_was_trained() {
        let rows = [
            reached("420100", 1, 5),
            reached("420102", 2, 5),
            reached("420103", 2, 0),
            reached("420700", 1, 0),
            reached("420700-gedian", 2, 0),
            reached("429004", 1, 3),
            reached(TOTAL, 0, 8),
        ];
        // 武汉市 and 仙桃市 (a city that is also a county-level unit); 江岸区 and 仙桃市.
        assert_eq!(units_covered(&rows), (2, 2));
    }
}
