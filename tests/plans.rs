//! Training plans from county to city: two counties fill in and report their plans, the bundles
//! bring them to 鄂州, and the city's 附件2 holds exactly their classes; a county cannot write
//! another's plan, an empty plan is not reported, and bad input is named without writing.

use crate::common::offices::*;
use crate::common::*;

use chrono::NaiveDate;
use peixun::app::plans::{self, Submitted};
use peixun::domain::plan::{ClassInput, Plan};
use peixun::log::device::tagged;
use peixun::log::Payload;
use peixun::sheets::doc::{Row, Value};
use peixun::sheets::plans::{plans_document, PlanStatus};

fn class(month: u32, courses: &str, people: u32, enterprises: Option<u32>) -> ClassInput {
    ClassInput {
        month: month.to_string(),
        courses: courses.into(),
        audience: "县（市）区企业高管、代表".into(),
        people: people.to_string(),
        enterprises: enterprises.map(|n| n.to_string()),
        cohost: None,
        teachers: String::new(),
    }
}

fn reported_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 2, 25).unwrap()
}

/// 鄂城区 and 华容区 under 鄂州, each trusting the city and the city them.
fn two_counties() -> (Office, Office, Office, Office) {
    let (province, city, echeng) = hierarchy();
    let huarong = Office::new(HUARONG);
    city.pin(&huarong);
    huarong.pin(&city);
    (province, city, echeng, huarong)
}

#[test]
fn two_counties_report_their_plans_and_the_city_sums_them_in_annex_2() {
    let (_province, city, echeng, huarong) = two_counties();
    let echeng_classes = [
        class(4, "K,3,8", 120, Some(60)),
        class(6, "4、12", 80, None),
    ];
    let mut huarong_classes = vec![class(5, "1,2", 90, Some(45)), class(9, "14", 70, Some(30))];
    huarong_classes[0].cohost = Some("葛店开发区".into());
    huarong_classes[0].teachers = "请省局选派专利导航讲师".into();
    for c in &echeng_classes {
        plans::add(&echeng.store, c).unwrap();
    }
    for c in &huarong_classes {
        plans::add(&huarong.store, c).unwrap();
    }
    // A class added by mistake and taken out again.
    plans::add(&huarong.store, &class(10, "6", 50, None)).unwrap();
    plans::remove(&huarong.store, 3).unwrap();
    for county in [&echeng, &huarong] {
        let done = plans::submit(&county.store, reported_on()).unwrap();
        assert!(matches!(done, Submitted::Reported { again: false, .. }));
        // Reported and unchanged: not reported twice.
        let ops = county.store.ops().count();
        let twice = plans::submit(&county.store, day()).unwrap();
        assert_eq!(twice, Submitted::Unchanged(reported_on()));
        assert_eq!(county.store.ops().count(), ops);
        let item = peixun::store::checklist::rows(&county.store, county.id(), reported_on())
            .unwrap()
            .into_iter()
            .find(|r| r.item == "county.plan")
            .unwrap();
        assert_eq!(item.status.key(), "done");
        assert!(item.note.contains("2 期"), "{}", item.note);
    }
    city.applied(&echeng.send(&city));
    city.applied(&huarong.send(&city));
    city.assert_consistent();

    let rows = plans::overview(&city.store, None, day()).unwrap();
    let units: Vec<&str> = rows.iter().map(|r| r.unit.as_str()).collect();
    assert_eq!(units.len(), 5, "鄂州's five units: {units:?}");
    for row in &rows {
        let expected = if [ECHENG, HUARONG].contains(&row.unit.as_str()) {
            PlanStatus::Submitted
        } else {
            PlanStatus::Missing
        };
        assert_eq!(row.status, expected, "{}", row.unit_name);
    }
    // 鄂城区 held one class on day(): planned against held.
    county_work(&echeng, "a");
    city.applied(&echeng.send(&city));
    let rows = plans::overview(&city.store, None, day()).unwrap();
    let e = rows.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!(
        (e.planned_classes, e.held.classes, e.held.people),
        (2, 1, 1)
    );
    // A class past its day with nobody checked in is not held yet, and the block says so.
    let Payload::SessionUpserted(mut nobody) =
        session(ECHENG, &format!("S-{ECHENG}-nobody"), "专利导航与布局")
    else {
        unreachable!("a session")
    };
    nobody.date = day().pred_opt().unwrap();
    echeng
        .store
        .commit(vec![Payload::SessionUpserted(nobody)])
        .unwrap();
    city.applied(&echeng.send(&city));
    let rows = plans::overview(&city.store, None, day()).unwrap();
    let e = rows.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!((e.held.classes, e.held.awaiting_checkins), (1, 1));
    let line = peixun::sheets::plans::block_line(e);
    assert!(
        line.contains("已举办 1 期、签到 1 人（另有 1 期已过举办日期、尚未录入签到，未计入）"),
        "{line}"
    );

    // 附件2's figures, recomputed from what the counties typed.
    let people: u32 = echeng_classes
        .iter()
        .chain(&huarong_classes)
        .map(|c| c.people.parse::<u32>().unwrap())
        .sum();
    let enterprises: u32 = echeng_classes
        .iter()
        .chain(&huarong_classes)
        .filter_map(|c| c.enterprises.as_ref())
        .map(|n| n.parse::<u32>().unwrap())
        .sum();
    let doc = plans_document(EZHOU, &rows, 2023, "鄂州市市场监督管理局", day());
    assert_eq!(doc.body_len(), 4);
    assert_eq!(doc.sum(5), i64::from(people));
    assert_eq!(doc.sum(6), i64::from(enterprises));
    let sections: Vec<&String> = doc
        .rows
        .iter()
        .filter_map(|r| match r {
            Row::Section(s) => Some(s),
            _ => None,
        })
        .collect();
    assert_eq!(sections.len(), 5);
    assert!(
        sections
            .iter()
            .filter(|s| s.contains("尚未填报培训计划"))
            .count()
            == 3,
        "{sections:?}"
    );
    let huarong_rows: Vec<_> = doc
        .body()
        .filter(|cells| cells[1].value == Value::text("华容区"))
        .collect();
    assert_eq!(huarong_rows.len(), 2);
    assert_eq!(huarong_rows[0][7].value, Value::text("葛店开发区"));
    assert_eq!(
        huarong_rows[0][3].value,
        Value::text(
            "1. “智慧桥”专利技术需求挖掘与转化对接实操；2. 专利、商标质押融资政策解读及操作实务"
        )
    );
    assert!(
        doc.notes[0].contains("5 个单位中已报送培训计划 2 个"),
        "{:?}",
        doc.notes
    );

    // A change after reporting is seen as such until reported again; the city's 附件2 keeps
    // the plan as reported, not the county's draft, which has lost both reported classes since.
    plans::add(&echeng.store, &class(11, "13", 40, None)).unwrap();
    for _ in 0..2 {
        plans::remove(&echeng.store, 1).unwrap();
    }
    city.applied(&echeng.send(&city));
    let rows = plans::overview(&city.store, None, day()).unwrap();
    let e = rows.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!(e.status, PlanStatus::Revised);
    assert_eq!((e.planned_classes, e.as_reported), (2, true));
    let reported: Vec<u32> = echeng_classes
        .iter()
        .map(|c| c.people.parse().unwrap())
        .collect();
    let shown: Vec<u32> = e
        .plan
        .as_ref()
        .unwrap()
        .classes
        .iter()
        .map(|c| c.people)
        .collect();
    assert_eq!(shown, reported);
    let doc = plans_document(EZHOU, &rows, 2023, "鄂州市", day());
    assert!(
        doc.notes.iter().any(|n| n.contains("表中是其报送时的计划")),
        "{:?}",
        doc.notes
    );
    // The county's own view is its draft.
    let own = plans::overview(&echeng.store, None, day()).unwrap();
    let own = own.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!((own.planned_classes, own.as_reported), (1, false));
    assert!(matches!(
        plans::submit(&echeng.store, day()).unwrap(),
        Submitted::Reported { again: true, .. }
    ));
    city.applied(&echeng.send(&city));
    let rows = plans::overview(&city.store, None, day()).unwrap();
    let e = rows.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!(
        (e.status, e.planned_classes, e.as_reported),
        (PlanStatus::Submitted, 1, false)
    );
}

fn plan_of(office: &Office, unit: &str) -> Option<Plan> {
    office.store.plan(unit, 2023).unwrap().map(|s| s.value)
}

#[test]
fn a_county_cannot_write_another_countys_plan() {
    let (province, city, echeng, huarong) = two_counties();
    plans::add(&echeng.store, &class(5, "K", 100, None)).unwrap();
    plans::submit(&echeng.store, reported_on()).unwrap();
    city.applied(&echeng.send(&city));
    let before = city.state();
    let held = plan_of(&city, ECHENG).unwrap();

    // 华容区's software writes a plan under 鄂城区's name: refused, nothing changes at the city.
    let mut forged = held.clone();
    forged.classes[0].people = 1;
    let bundle = huarong.craft(
        &city,
        tagged(HUARONG, 9),
        vec![Payload::PlanSet {
            unit: ECHENG.into(),
            plan: forged.clone(),
        }],
    );
    let summary = city.imported(&bundle);
    assert_eq!(summary.counts.records_changed, 0);
    assert_eq!(summary.counts.refused_ops.len(), 1);
    let refused = &summary.counts.refused_ops[0];
    assert_eq!(refused.kind, "PlanSet");
    assert!(
        refused.reason().contains("培训计划"),
        "{}",
        refused.reason()
    );
    assert_eq!(plan_of(&city, ECHENG), Some(held.clone()));
    let after = city.state();
    let plan_keys = |s: &std::collections::BTreeMap<String, Vec<u8>>| {
        s.iter()
            .filter(|(k, _)| k.starts_with("y/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(plan_keys(&before), plan_keys(&after));
    city.assert_consistent();

    // Nor may the city write it for the county: refused at the province too.
    let bundle = city.craft(
        &province,
        tagged(EZHOU, 9),
        vec![Payload::PlanSet {
            unit: ECHENG.into(),
            plan: forged,
        }],
    );
    let summary = province.imported(&bundle);
    assert_eq!(summary.counts.refused_ops.len(), 1);
    assert!(plan_of(&province, ECHENG).is_none());
}

fn log_len(dir: &std::path::Path) -> usize {
    json(&peixun(dir, &["log", "--json"]))
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn an_empty_plan_and_bad_classes_are_refused_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "华容区"]));
    let before = log_len(d);
    let empty = peixun(d, &["plan", "submit"]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(text(&empty).contains("不能报送"), "{}", text(&empty));
    let no_course = peixun(
        d,
        &[
            "plan",
            "add",
            "--month",
            "5",
            "--courses",
            "，",
            "--audience",
            "x",
            "--people",
            "5",
        ],
    );
    assert_eq!(no_course.status.code(), Some(2));
    assert!(
        text(&no_course).contains("课程: 必填"),
        "{}",
        text(&no_course)
    );

    let bad = peixun(
        d,
        &[
            "plan",
            "add",
            "--month",
            "2",
            "--courses",
            "K,99,Z1",
            "--audience",
            "企业代表",
            "--people",
            "0",
            "--cohost",
            "武昌区",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    let said = text(&bad);
    for named in [
        "月份",
        "“2”",
        "3 到 11",
        "“99”",
        "“Z1”",
        "附件1",
        "预计人数",
        "协办单位",
        "武昌区",
    ] {
        assert!(said.contains(named), "{named} in {said}");
    }
    let en = peixun(
        d,
        &[
            "--lang",
            "en",
            "plan",
            "add",
            "--month",
            "13",
            "--courses",
            "3",
            "--audience",
            "x",
            "--people",
            "5",
        ],
    );
    assert_eq!(en.status.code(), Some(2));
    assert!(text(&en).contains("“13” is not a month"), "{}", text(&en));
    // A negative count is a bad count, not an unknown flag; more enterprises than people is a
    // slip in one of the two.
    let class = |people: &str, enterprises: &str| {
        peixun(
            d,
            &[
                "plan",
                "add",
                "--month",
                "5",
                "--courses",
                "3",
                "--audience",
                "x",
                "--people",
                people,
                "--enterprises",
                enterprises,
            ],
        )
    };
    let negative = class("-5", "3");
    assert_eq!(negative.status.code(), Some(2));
    assert!(
        text(&negative).contains("预计人数: “-5”"),
        "{}",
        text(&negative)
    );
    let more = class("50", "80");
    assert_eq!(more.status.code(), Some(2));
    assert!(
        text(&more).contains("预计企业数 80 多于预计人数 50"),
        "{}",
        text(&more)
    );
    let remove = peixun(d, &["plan", "remove", "1"]);
    assert_eq!(remove.status.code(), Some(2));
    assert!(text(&remove).contains("第 1 期"), "{}", text(&remove));
    let elsewhere = peixun(d, &["plan", "show", "--office", "武昌区"]);
    assert_eq!(elsewhere.status.code(), Some(2));
    assert!(text(&elsewhere).contains("武昌区"), "{}", text(&elsewhere));
    let unknown = peixun(d, &["report", "plans", "--office", "不存在区"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown).contains("不存在区"), "{}", text(&unknown));
    assert_eq!(log_len(d), before, "nothing written");

    // A good class, shown and reported.
    let added = stdout(&peixun(
        d,
        &[
            "plan",
            "add",
            "--month",
            "5",
            "--courses",
            "k，3",
            "--audience",
            "企业高管、代表",
            "--people",
            "80",
            "--enterprises",
            "40",
            "--cohost",
            "葛店",
            "--teachers",
            "专利导航讲师一名",
        ],
    ));
    assert!(added.contains("第 1 期"), "{added}");
    let shown = json(&peixun(d, &["plan", "show", "--json"]));
    let class = &shown[0]["plan"]["classes"][0];
    assert_eq!(class["courses"], serde_json::json!(["K", "3"]));
    assert_eq!(class["cohost"], "420700-gedian");
    let reported = stdout(&peixun(d, &["--today", "2023-02-25", "plan", "submit"]));
    assert!(reported.contains("鄂州市"), "{reported}");
    assert_eq!(shown[0]["status"], "draft");
    let shown = json(&peixun(d, &["plan", "show", "--json"]));
    assert_eq!(shown[0]["status"], "submitted");
    assert_eq!(shown[0]["plan"]["submitted"], "2023-02-25");
}

#[test]
fn a_city_makes_no_plan_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "鄂州市"]));
    let args = [
        "plan",
        "add",
        "--month",
        "5",
        "--courses",
        "3",
        "--audience",
        "x",
        "--people",
        "5",
    ];
    let zh = peixun(d, &args);
    assert_eq!(zh.status.code(), Some(2));
    assert!(text(&zh).contains("鄂州市不制订培训计划"), "{}", text(&zh));
    let mut en_args = vec!["--lang", "en"];
    en_args.extend(args);
    let en = peixun(d, &en_args);
    assert_eq!(en.status.code(), Some(2));
    assert!(
        text(&en).contains("makes no training plan"),
        "{}",
        text(&en)
    );
    // The city's own view lists its units, none reported yet.
    let rows = json(&peixun(d, &["plan", "show", "--json"]));
    assert_eq!(rows.as_array().unwrap().len(), 5);
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "missing"));
}
