//! A unit's training plan (方案 二（二）5(1)): classes added and taken out, the plan reported to
//! the city (which marks the checklist item with it), and the plans of an office's units side by
//! side. Only a county-level unit plans; only the unit writes its own plan.

use chrono::NaiveDate;

use super::{Outcome, Refusal};
use crate::campaign::hierarchy::within;
use crate::campaign::{campaign, unit_name};
use crate::domain::plan::{planned_class, ClassInput, Plan, PlannedClass, PLAN_ITEM};
use crate::domain::MarkStatus;
use crate::i18n::tf;
use crate::log::Payload;
use crate::sheets::plans::{unit_plans, UnitPlan};
use crate::store::Store;

/// The campaign's year: the plan is for it.
fn year() -> i32 {
    campaign().year
}

/// This office, if it is one that makes a plan (a county, a zone or a 直管市).
fn planning_unit(store: &Store) -> Outcome<String> {
    let unit = store.office().to_string();
    if campaign()
        .checklist_for(&unit)
        .iter()
        .any(|d| d.id == PLAN_ITEM)
    {
        return Ok(unit);
    }
    Err(Refusal::said(tf(
        "cli.plan.not_county",
        &[("office", &unit_name(&unit))],
    )))
}

/// This unit's plan for the year, or a new empty one.
pub fn current(store: &Store) -> Outcome<Plan> {
    let unit = planning_unit(store)?;
    Ok(store
        .plan(&unit, year())?
        .map_or_else(|| Plan::new(year()), |s| s.value))
}

fn save(store: &Store, unit: &str, plan: &Plan) -> Outcome<()> {
    store.commit(vec![Payload::PlanSet {
        unit: unit.to_string(),
        plan: plan.clone(),
    }])?;
    Ok(())
}

/// Adds a class to this unit's plan; returns its number in the plan and the plan.
pub fn add(store: &Store, input: &ClassInput) -> Outcome<(usize, Plan)> {
    let unit = planning_unit(store)?;
    let class = planned_class(&unit, input).map_err(|e| Refusal::Fields(e.0))?;
    let mut plan = current(store)?;
    plan.classes.push(class);
    plan.revised = plan.submitted.is_some();
    save(store, &unit, &plan)?;
    Ok((plan.classes.len(), plan))
}

/// The index of class `number` (as `plan show` numbers them, from 1) in `plan`, or why not.
fn class_index(plan: &Plan, number: usize) -> Outcome<usize> {
    if number == 0 || number > plan.classes.len() {
        return Err(Refusal::said(tf(
            "cli.plan.no_class",
            &[("number", &number), ("count", &plan.classes.len())],
        )));
    }
    Ok(number - 1)
}

/// Takes class `number` (as `plan show` numbers them, from 1) out of this unit's plan.
pub fn remove(store: &Store, number: usize) -> Outcome<(PlannedClass, Plan)> {
    let unit = planning_unit(store)?;
    let mut plan = current(store)?;
    let removed = plan.classes.remove(class_index(&plan, number)?);
    plan.revised = plan.submitted.is_some();
    save(store, &unit, &plan)?;
    Ok((removed, plan))
}

/// Class `number` of this unit's plan, as a form or `plan edit` starts from.
pub fn class(store: &Store, number: usize) -> Outcome<PlannedClass> {
    let plan = current(store)?;
    let index = class_index(&plan, number)?;
    Ok(plan.classes[index].clone())
}

/// What an edit came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub number: usize,
    pub plan: Plan,
    /// The class was already as typed: nothing written, and a reported plan not marked changed.
    pub unchanged: bool,
}

/// Puts `input` in place of class `number` of this unit's plan, where it stands: a changed
/// plan is the same whole-plan write as an add or a removal, so a reported plan is marked
/// changed and 附件2 keeps showing it as reported until it is reported again.
pub fn edit(store: &Store, number: usize, input: &ClassInput) -> Outcome<Edited> {
    let unit = planning_unit(store)?;
    let mut plan = current(store)?;
    let index = class_index(&plan, number)?;
    let class = planned_class(&unit, input).map_err(|e| Refusal::Fields(e.0))?;
    if plan.classes[index] == class {
        return Ok(Edited {
            number,
            plan,
            unchanged: true,
        });
    }
    plan.classes[index] = class;
    plan.revised = plan.submitted.is_some();
    save(store, &unit, &plan)?;
    Ok(Edited {
        number,
        plan,
        unchanged: false,
    })
}

impl Edited {
    /// "Class 2 changed …", or that it was already so.
    pub fn message(&self) -> String {
        let class = self
            .number
            .checked_sub(1)
            .and_then(|i| self.plan.classes.get(i));
        let key = if self.unchanged {
            "cli.plan.edit_unchanged"
        } else {
            "cli.plan.edited"
        };
        tf(
            key,
            &[
                ("number", &self.number),
                ("month", &class.map_or(0, |c| c.month)),
                ("people", &class.map_or(0, |c| c.people)),
            ],
        )
    }
}

/// What reporting the plan came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    Reported {
        plan: Plan,
        /// It had been reported before, and is reported again with its changes.
        again: bool,
    },
    /// Reported on this day and not changed since: nothing written.
    Unchanged(NaiveDate),
}

impl Submitted {
    /// What reporting came to, in words, for `office` (the unit that reported).
    pub fn message(&self, office: &str) -> String {
        let (plan, again) = match self {
            Submitted::Unchanged(on) => return tf("cli.plan.unchanged", &[("date", on)]),
            Submitted::Reported { plan, again } => (plan, *again),
        };
        let key = if again {
            "cli.plan.submitted_again"
        } else {
            "cli.plan.submitted"
        };
        tf(
            key,
            &[
                ("city", &reported_to(office)),
                ("classes", &plan.classes.len()),
                ("people", &plan.people()),
            ],
        )
    }
}

/// The office a unit's plan goes to: its city, or the province for a 直管市, its own city.
fn reported_to(office: &str) -> String {
    let campaign = campaign();
    campaign
        .city_of(office)
        .filter(|c| c.id != office)
        .map(|c| c.name.clone())
        .or_else(|| crate::campaign::hierarchy::province().map(unit_name))
        .unwrap_or_default()
}

/// "Class 3 added …", for class `number` of `plan`.
pub fn added_message(number: usize, plan: &Plan) -> String {
    let class = number
        .checked_sub(1)
        .and_then(|i| plan.classes.get(i))
        .map_or((0, 0), |c| (c.month, c.people));
    tf(
        "cli.plan.added",
        &[
            ("number", &number),
            ("month", &class.0),
            ("people", &class.1),
            ("count", &plan.classes.len()),
        ],
    )
}

/// "Class 2 (May) taken out …", for class `number`, now out of `plan`.
pub fn removed_message(number: usize, class: &PlannedClass, plan: &Plan) -> String {
    tf(
        "cli.plan.removed",
        &[
            ("number", &number),
            ("month", &class.month),
            ("count", &plan.classes.len()),
        ],
    )
}

/// Reports this unit's plan to its city on `today`: the plan is stamped as reported and the
/// checklist item is marked done with it. An empty plan is refused; one reported and unchanged
/// since is not reported again.
pub fn submit(store: &Store, today: NaiveDate) -> Outcome<Submitted> {
    let unit = planning_unit(store)?;
    let mut plan = current(store)?;
    if plan.classes.is_empty() {
        return Err(Refusal::said(tf(
            "cli.plan.empty",
            &[("unit", &unit_name(&unit))],
        )));
    }
    if let (Some(on), false) = (plan.submitted, plan.revised) {
        return Ok(Submitted::Unchanged(on));
    }
    let again = plan.submitted.is_some();
    plan.submitted = Some(today);
    plan.revised = false;
    save(store, &unit, &plan)?;
    let note = tf(
        "cli.plan.marked_note",
        &[
            ("classes", &plan.classes.len()),
            ("people", &plan.people()),
            ("date", &today),
        ],
    );
    super::checklist::mark(store, &unit, PLAN_ITEM, MarkStatus::Done, &note)?;
    Ok(Submitted::Reported { plan, again })
}

/// 附件2 of `office` (this office when none), stamped by the office it is about.
pub fn annex_2(
    store: &Store,
    office: Option<&str>,
    today: NaiveDate,
) -> Outcome<crate::sheets::doc::Document> {
    let office = office_seen(store, office)?;
    let rows = plans_under(store, &office, today)?;
    let maker = crate::sheets::stamp::office_name(&office, store.office())?;
    Ok(crate::sheets::plans::plans_document(
        &office,
        &rows,
        year(),
        &maker,
        today,
    ))
}

/// The plans of `office` (this office by default) and its units: an office sees its own and
/// those below it, as the bundles brought them.
pub fn overview(store: &Store, office: Option<&str>, today: NaiveDate) -> Outcome<Vec<UnitPlan>> {
    plans_under(store, &office_seen(store, office)?, today)
}

/// The office a plan view is asked about: the one named, when it is this office or below it.
fn office_seen(store: &Store, office: Option<&str>) -> Outcome<String> {
    let office = match office {
        Some(raw) => crate::domain::input::resolve_unit(raw).map_err(Refusal::Said)?,
        None => store.office().to_string(),
    };
    if !within(store.office(), &office) {
        return Err(Refusal::said(tf(
            "cli.plan.outside",
            &[
                ("unit", &unit_name(&office)),
                ("office", &unit_name(store.office())),
            ],
        )));
    }
    Ok(office)
}

/// The plans of `office`'s units, or why there are none to show.
fn plans_under(store: &Store, office: &str, today: NaiveDate) -> Outcome<Vec<UnitPlan>> {
    let rows = unit_plans(store, office, year(), today)?;
    if rows.is_empty() {
        return Err(Refusal::said(tf(
            "cli.plan.no_units",
            &[("unit", &unit_name(office))],
        )));
    }
    Ok(rows)
}
