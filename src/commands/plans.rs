//! `peixun plan add|edit|show|remove|submit`: a unit's training plan, and the plans of the units
//! below an office.

use color_eyre::eyre::Result;

use super::{headers, open_store, print_json, print_table, today, unit_name};
use crate::app::plans;
use crate::cli::{Cli, PlanAddArgs, PlanCommand, PlanEditArgs};
use crate::domain::plan::{course_titles, ClassInput, Plan, PlannedClass};
use crate::i18n::{t, tf};
use crate::sheets::plans::{block_line, UnitPlan};

pub fn run(cli: &Cli, command: &PlanCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        PlanCommand::Add(args) => {
            let (number, plan) = plans::add(&store, &input(args))?;
            crate::outln!("{}", plans::added_message(number, &plan));
            resubmit_hint(&plan);
        }
        PlanCommand::Edit(args) => {
            let class = plans::class(&store, args.number)?;
            let edited = plans::edit(&store, args.number, &edited_input(&class, args))?;
            crate::outln!("{}", edited.message());
            if !edited.unchanged {
                resubmit_hint(&edited.plan);
            }
        }
        PlanCommand::Remove { number } => {
            let (class, plan) = plans::remove(&store, *number)?;
            crate::outln!("{}", plans::removed_message(*number, &class, &plan));
            resubmit_hint(&plan);
        }
        PlanCommand::Submit => {
            let day = today(cli, &store)?;
            let submitted = plans::submit(&store, day)?;
            crate::outln!("{}", submitted.message(store.office()));
        }
        PlanCommand::Show { office, json } => {
            let day = today(cli, &store)?;
            let rows = plans::overview(&store, office.as_deref(), day)?;
            if *json {
                return print_json(&rows);
            }
            match rows.as_slice() {
                [one] => show_one(one),
                _ => show_units(&rows),
            }
        }
    }
    Ok(())
}

fn input(args: &PlanAddArgs) -> ClassInput {
    ClassInput {
        month: args.month.clone(),
        courses: args.courses.clone(),
        audience: args.audience.clone(),
        people: args.people.clone(),
        enterprises: args.enterprises.clone(),
        cohost: args.cohost.clone(),
        teachers: args.teachers.clone(),
    }
}

/// The class as it stands with the fields given put in; an empty optional one is taken out.
fn edited_input(class: &PlannedClass, args: &PlanEditArgs) -> ClassInput {
    let mut input = ClassInput::from(class);
    let set = |field: &mut String, given: &Option<String>| {
        if let Some(value) = given {
            field.clone_from(value);
        }
    };
    set(&mut input.month, &args.month);
    set(&mut input.courses, &args.courses);
    set(&mut input.audience, &args.audience);
    set(&mut input.people, &args.people);
    set(&mut input.teachers, &args.teachers);
    let optional = |given: &Option<String>, was: Option<String>| match given {
        Some(value) if value.trim().is_empty() => None,
        Some(value) => Some(value.clone()),
        None => was,
    };
    input.enterprises = optional(&args.enterprises, input.enterprises.take());
    input.cohost = optional(&args.cohost, input.cohost.take());
    input
}

/// A reported plan changed: the city still holds the reported one until it is reported again.
fn resubmit_hint(plan: &Plan) {
    if plan.revised {
        crate::outln!("{}", t("cli.plan.resubmit"));
    }
}

fn class_cells(number: usize, class: &PlannedClass) -> Vec<String> {
    vec![
        number.to_string(),
        tf("cli.plan.month", &[("month", &class.month)]),
        course_titles(class).join("；"),
        class.audience.clone(),
        class.people.to_string(),
        class.enterprises.map(|n| n.to_string()).unwrap_or_default(),
        class.cohost.as_deref().map(unit_name).unwrap_or_default(),
        class.teachers.clone(),
    ]
}

/// One unit's plan, class by class, under the line that says where it stands.
fn show_one(u: &UnitPlan) {
    crate::outln!("{}", block_line(u));
    let classes = u.plan.as_ref().map_or(&[][..], |p| p.classes.as_slice());
    if classes.is_empty() {
        crate::outln!("{}", t("cli.plan.none_yet"));
        return;
    }
    let cells: Vec<Vec<String>> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| class_cells(i + 1, c))
        .collect();
    print_table(
        &headers(&[
            "no",
            "month",
            "courses",
            "audience",
            "people_planned",
            "enterprises_planned",
            "cohost",
            "teachers",
        ]),
        &cells,
    );
}

/// The units side by side: where each plan stands, planned against held.
fn show_units(rows: &[UnitPlan]) {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|u| {
            vec![
                u.unit_name.clone(),
                u.status.label(),
                u.plan
                    .as_ref()
                    .and_then(|p| p.submitted)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                u.planned_classes.to_string(),
                u.held.classes.to_string(),
                u.planned_people.to_string(),
                u.held.people.to_string(),
                u.planned_enterprises.to_string(),
            ]
        })
        .collect();
    print_table(
        &headers(&[
            "unit",
            "status",
            "submitted",
            "classes_planned",
            "classes_held",
            "people_planned",
            "people_present",
            "enterprises_planned",
        ]),
        &cells,
    );
    let reported = rows.iter().filter(|u| u.status.reported()).count();
    crate::outln!(
        "{}",
        tf(
            "cli.plan.note_reported",
            &[("reported", &reported), ("units", &rows.len())]
        )
    );
}
