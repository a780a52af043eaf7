//! A planned class corrected where it stands: the plan keeps its order, a reported plan is
//! marked changed while the city's 附件2 keeps it as reported until it is reported again, an
//! edit that changes nothing writes nothing, and `plan edit` changes only the fields given.

use crate::common::offices::*;
use crate::common::*;

use chrono::NaiveDate;
use peixun::app::plans::{self, Submitted};
use peixun::app::Refusal;
use peixun::domain::plan::ClassInput;
use peixun::sheets::plans::{PlanStatus, UnitPlan};

fn class(month: u32, people: u32) -> ClassInput {
    ClassInput {
        month: month.to_string(),
        courses: "K,3".into(),
        audience: "规上企业负责人".into(),
        people: people.to_string(),
        enterprises: Some("40".into()),
        cohost: None,
        teachers: String::new(),
    }
}

fn reported_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 2, 25).unwrap()
}

/// The people each class of a unit's 附件2 row plans.
fn people_planned(row: &UnitPlan) -> Vec<u32> {
    let plan = row.plan.as_ref().expect("the unit's plan");
    plan.classes.iter().map(|c| c.people).collect()
}

#[test]
fn an_edited_class_stays_in_place_and_the_city_keeps_the_reported_plan_until_it_is_reported_again()
{
    let (_province, city, echeng) = hierarchy();
    plans::add(&echeng.store, &class(4, 120)).unwrap();
    plans::add(&echeng.store, &class(6, 80)).unwrap();
    plans::submit(&echeng.store, reported_on()).unwrap();
    city.applied(&echeng.send(&city));

    let mut moved = class(5, 150);
    moved.cohost = Some("华容区".into());
    let edited = plans::edit(&echeng.store, 1, &moved).unwrap();
    assert!(!edited.unchanged);
    assert!(edited.message().contains("第 1 期"), "{}", edited.message());
    let plan = plans::current(&echeng.store).unwrap();
    let held: Vec<(u32, u32)> = plan.classes.iter().map(|c| (c.month, c.people)).collect();
    assert_eq!(held, [(5, 150), (6, 80)], "class 1 changed where it stands");
    assert_eq!(plan.classes[0].cohost.as_deref(), Some(HUARONG));
    assert!(plan.revised);

    city.applied(&echeng.send(&city));
    let rows = plans::overview(&city.store, None, day()).unwrap();
    let e = rows.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!(e.status, PlanStatus::Revised);
    assert!(e.as_reported);
    let shown = people_planned(e);
    assert_eq!(shown, [120, 80], "附件2 holds the plan as reported");

    assert!(matches!(
        plans::submit(&echeng.store, day()).unwrap(),
        Submitted::Reported { again: true, .. }
    ));
    city.applied(&echeng.send(&city));
    let rows = plans::overview(&city.store, None, day()).unwrap();
    let e = rows.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!(e.status, PlanStatus::Submitted);
    let shown = people_planned(e);
    assert_eq!(shown, [150, 80]);

    // The class typed again as it is: nothing written, the reported plan not marked changed.
    let ops = echeng.store.ops().count();
    let same = plans::edit(&echeng.store, 1, &moved).unwrap();
    assert!(same.unchanged);
    assert_eq!(echeng.store.ops().count(), ops);
    assert!(!plans::current(&echeng.store).unwrap().revised);

    // A bad month is named, a class the plan lacks is said; neither writes.
    match plans::edit(&echeng.store, 2, &class(13, 80)) {
        Err(Refusal::Fields(errors)) => assert_eq!(errors[0].field, "month"),
        other => panic!("a bad month is a field error: {other:?}"),
    }
    match plans::edit(&echeng.store, 3, &class(6, 80)) {
        Err(Refusal::Said(message)) => assert!(message.contains('3'), "{message}"),
        other => panic!("no class 3: {other:?}"),
    }
    assert_eq!(echeng.store.ops().count(), ops);
}

#[test]
fn plan_edit_changes_only_the_fields_given() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "华容区"]));
    stdout(&peixun(
        d,
        &[
            "plan",
            "add",
            "--month",
            "5",
            "--courses",
            "K,3",
            "--audience",
            "企业高管",
            "--people",
            "80",
            "--enterprises",
            "40",
        ],
    ));
    let out = stdout(&peixun(
        d,
        &["plan", "edit", "1", "--people", "90", "--enterprises", ""],
    ));
    assert!(out.contains("已修改第 1 期"), "{out}");
    let shown = json(&peixun(d, &["plan", "show", "--json"]));
    let class = &shown[0]["plan"]["classes"][0];
    assert_eq!(class["people"], 90);
    assert_eq!(class["enterprises"], serde_json::Value::Null);
    assert_eq!(class["month"], 5);
    assert_eq!(class["audience"], "企业高管");

    let missing = peixun(d, &["--lang", "en", "plan", "edit", "2", "--people", "10"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).contains("no class 2"), "{}", text(&missing));
    let bad = peixun(d, &["plan", "edit", "1", "--month", "12"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("“12”"), "{}", text(&bad));
    let shown = json(&peixun(d, &["plan", "show", "--json"]));
    assert_eq!(shown[0]["plan"]["classes"][0]["month"], 5);
}
