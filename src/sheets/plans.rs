//! The units' training plans side by side, and the 附件2 summary a city sends the province: a
//! block per unit, headed by whether it reported its plan and how many classes it has held so
//! far, with a row per planned class.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use color_eyre::eyre::Result;
use serde::Serialize;

use super::doc::{document_date, Align, Cell, Column, Document, Row, Value};
use crate::campaign::{campaign, unit_name, UnitLevel};
use crate::domain::plan::{course_titles, Plan, PLAN_ITEM};
use crate::domain::{MarkStatus, SessionKind};
use crate::i18n::{t, tf};
use crate::store::lists;
use crate::store::Store;

/// Where a unit's plan stands, as its city sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanStatus {
    /// Nothing filled in, nothing reported.
    Missing,
    /// Filled in, not yet reported.
    Draft,
    Submitted,
    /// Reported, then changed.
    Revised,
    /// The checklist item was marked done by hand (a file, a note), with no plan filled in here.
    MarkedOnly,
}

impl PlanStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Revised => "revised",
            Self::MarkedOnly => "marked_only",
        }
    }

    pub fn label(self) -> String {
        t(&format!("cli.plan.status.{}", self.key()))
    }

    /// Whether the city counts the plan's classes in 附件2.
    pub fn reported(self) -> bool {
        matches!(self, Self::Submitted | Self::Revised)
    }
}

/// One unit's plan and how it is going.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitPlan {
    pub unit: String,
    pub unit_name: String,
    pub status: PlanStatus,
    pub plan: Option<Plan>,
    pub planned_classes: usize,
    pub planned_people: u32,
    pub planned_enterprises: u32,
    pub held: Held,
    /// A plan changed since it was reported, shown as reported (seen from above the unit).
    pub as_reported: bool,
}

/// The units under `office` (itself included) that make a plan, in official order, each with
/// its plan for `year` and what it has held up to `today`.
pub fn unit_plans(
    store: &Store,
    office: &str,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<UnitPlan>> {
    let held = held_by_unit(store, year, today)?;
    let mut out = Vec::new();
    for (unit, _) in campaign().descendants(office) {
        let plans = campaign()
            .checklist_for(&unit.id)
            .iter()
            .any(|d| d.id == PLAN_ITEM);
        if !plans {
            continue;
        }
        let mut plan = store.plan(&unit.id, year)?.map(|s| s.value);
        let mut as_reported = false;
        // Above the unit, a plan changed since it was reported stands as reported: the
        // status line says it moved, and the unit's draft is not the city's 附件2.
        if unit.id != store.office() && plan.as_ref().is_some_and(|p| p.revised) {
            if let Some(reported) = store.plan_as_reported(&unit.id, year)? {
                plan = Some(Plan {
                    revised: true,
                    submitted: plan.and_then(|p| p.submitted),
                    ..reported
                });
                as_reported = true;
            }
        }
        let marked = crate::store::checklist::marks(store, &unit.id)?
            .get(PLAN_ITEM)
            .is_some_and(|m| m.status == MarkStatus::Done);
        let status = match &plan {
            Some(p) if p.submitted.is_some() && p.revised => PlanStatus::Revised,
            Some(p) if p.submitted.is_some() => PlanStatus::Submitted,
            _ if marked => PlanStatus::MarkedOnly,
            Some(_) => PlanStatus::Draft,
            None => PlanStatus::Missing,
        };
        out.push(UnitPlan {
            unit: unit.id.clone(),
            unit_name: label(office, &unit.id),
            status,
            planned_classes: plan.as_ref().map_or(0, |p| p.classes.len()),
            planned_people: plan.as_ref().map_or(0, Plan::people),
            planned_enterprises: plan.as_ref().map_or(0, Plan::enterprises),
            plan,
            held: held.get(&unit.id).copied().unwrap_or_default(),
            as_reported,
        });
    }
    Ok(out)
}

/// The classes a unit has held in a year so far, counted as the 统计表 counts them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Held {
    pub classes: u32,
    /// People checked in at those classes.
    pub people: u32,
    /// Classes past their day with no check-ins recorded yet, not counted as held.
    pub awaiting_checkins: u32,
}

/// Offline and expansion classes held in `year` up to `today`, by the unit that hosted them:
/// each unit's rows in the 统计表, so the plan and the table agree on what was held.
fn held_by_unit(store: &Store, year: i32, today: NaiveDate) -> Result<BTreeMap<String, Held>> {
    let mut by_unit: BTreeMap<String, Held> = BTreeMap::new();
    for session in store.sessions()? {
        let counts = matches!(session.kind, SessionKind::Offline | SessionKind::Expansion)
            && session.date.year() == year
            && session.date <= today;
        if counts {
            let held = by_unit
                .entry(session.credited_unit().to_string())
                .or_default();
            match lists::present_count(store, &session.id)? {
                0 if session.date < today => held.awaiting_checkins += 1,
                0 => {}
                present => {
                    held.classes += 1;
                    held.people += present;
                }
            }
        }
    }
    Ok(by_unit)
}

/// A unit's name, with its city's where the table spans several cities (the province's).
fn label(office: &str, unit: &str) -> String {
    let city = campaign().city_of(unit);
    let at_province = campaign()
        .unit(office)
        .is_some_and(|u| u.level == UnitLevel::Province);
    match city {
        Some(city) if at_province && city.id != unit => {
            format!("{}{}", city.name, unit_name(unit))
        }
        _ => unit_name(unit),
    }
}

/// The line heading a unit's block: whether it reported, and planned against held.
pub fn block_line(u: &UnitPlan) -> String {
    let when = u
        .plan
        .as_ref()
        .and_then(|p| p.submitted)
        .map(|d| match crate::i18n::lang() {
            crate::i18n::Lang::Zh => document_date(d),
            crate::i18n::Lang::En => d.to_string(),
        })
        .unwrap_or_default();
    // With no plan there is nothing planned to set the held classes against.
    let key = if u.plan.is_some() {
        "cli.plan.block"
    } else {
        "cli.plan.block_unplanned"
    };
    let line = tf(
        key,
        &[
            ("unit", &u.unit_name),
            (
                "status",
                &tf(
                    &format!("cli.plan.status_line.{}", u.status.key()),
                    &[("date", &when)],
                ),
            ),
            ("planned", &u.planned_classes),
            ("held", &u.held.classes),
            ("people", &u.planned_people),
            ("present", &u.held.people),
        ],
    );
    match u.held.awaiting_checkins {
        0 => line,
        count => line + &tf("cli.plan.awaiting_checkins", &[("count", &count)]),
    }
}

/// 附件2 for `office` from `rows`, stamped by `maker` on `made`: the classes of every plan its
/// units reported, a block per unit; a unit that has not reported says so in its block.
pub fn plans_document(
    office: &str,
    rows: &[UnitPlan],
    year: i32,
    maker: &str,
    made: NaiveDate,
) -> Document {
    let columns = vec![
        Column::new(t("cli.plan.col.no"), Align::Center),
        Column::new(t("cli.plan.col.unit"), Align::Text),
        Column::new(t("cli.plan.col.month"), Align::Center),
        Column::new(t("cli.plan.col.courses"), Align::Text),
        Column::new(t("cli.plan.col.audience"), Align::Text),
        Column::new(t("cli.plan.col.people"), Align::Number),
        Column::new(t("cli.plan.col.enterprises"), Align::Number),
        Column::new(t("cli.plan.col.cohost"), Align::Text),
        Column::new(t("cli.plan.col.teachers"), Align::Text),
    ];
    let mut body = Vec::new();
    let mut no = 0;
    for u in rows {
        body.push(Row::Section(block_line(u)));
        let Some(plan) = u.plan.as_ref().filter(|_| u.status.reported()) else {
            continue;
        };
        for class in &plan.classes {
            no += 1;
            body.push(Row::Body(vec![
                Cell::int(no),
                Cell::text(u.unit_name.clone()),
                Cell::text(tf("cli.plan.month", &[("month", &class.month)])),
                Cell::text(course_titles(class).join("；")),
                Cell::text(class.audience.clone()),
                Cell::int(class.people),
                class.enterprises.map_or(Value::Empty.into(), Cell::int),
                class
                    .cohost
                    .as_deref()
                    .map_or(Value::Empty.into(), |c| Cell::text(unit_name(c))),
                super::doc::text_or_empty(&class.teachers).into(),
            ]));
        }
    }
    body.push(Row::Total {
        label: t("cli.report.total"),
        span: 5,
        sums: vec![5, 6],
    });
    let reported = rows.iter().filter(|u| u.status.reported()).count();
    let mut notes = vec![
        tf(
            "cli.plan.note_reported",
            &[("reported", &reported), ("units", &rows.len())],
        ),
        t("cli.plan.note_held"),
    ];
    let revised = rows.iter().filter(|u| u.status == PlanStatus::Revised);
    if revised.clone().any(|u| u.as_reported) {
        notes.push(t("cli.plan.note_revised_as_reported"));
    }
    if revised.clone().any(|u| !u.as_reported) {
        notes.push(t("cli.plan.note_revised"));
    }
    notes.push(t("cli.plan.note_columns"));
    Document {
        sheet: t("cli.plan.sheet"),
        title: tf(
            "cli.plan.title",
            &[("office", &unit_name(office)), ("year", &year)],
        ),
        line: crate::sheets::doc::office_line(maker, made),
        columns,
        rows: body,
        notes,
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}
