//! Services to enterprises: a 附件3 need goes up, is answered by the city and the answer comes
//! back down; the needs report lists all seven services; publicity is kept with the class it
//! covered, and bad input writes nothing.

use crate::common::offices::*;
use crate::common::*;

use peixun::app::{needs, publicity, Refusal};

#[test]
fn a_service_need_goes_up_is_answered_and_the_answer_comes_back_down() {
    let (_province, city, county) = hierarchy();
    let (_, untrained) = with_two_enterprises(&county);
    let refused = needs::add(&county.store, &untrained, "8", day(), day(), "");
    assert!(matches!(refused, Err(Refusal::Fields(_))));
    let need = needs::add(
        &county.store,
        &untrained,
        "3",
        day(),
        day(),
        "想了解专利质押融资",
    )
    .unwrap();
    assert_eq!(need.service, 3);
    assert_eq!(needs::service_title(3), "知识产权金融服务");

    city.applied(&county.send(&city));
    let open = needs::list(&city.store, true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].enterprise_name, "鄂州市华光光电有限公司");
    let answered = needs::answer(
        &city.store,
        &need.id,
        day(),
        day(),
        "已联系武汉知识产权交易所",
        false,
    )
    .unwrap();
    assert_eq!(answered.answered_by.as_deref(), Some("鄂州市"));
    assert!(needs::list(&city.store, true).unwrap().is_empty());

    county.applied(&city.send(&county));
    let back = needs::list(&county.store, false).unwrap();
    let answer = back[0]
        .answer
        .as_ref()
        .expect("the answer reached the county");
    assert_eq!(answer.note, "已联系武汉知识产权交易所");
    let counts = needs::counts(&back);
    assert_eq!((counts[0].asked, counts[0].answered), (1, 1));
    county.assert_consistent();
}

#[test]
fn publicity_is_kept_with_its_class_and_bad_input_writes_nothing() {
    let county = Office::new(ECHENG);
    county_work(&county, "a");
    let session = format!("S-{ECHENG}-a");
    let ops = county.store.ops().count();
    for (title, outlet, session) in [
        ("", "鄂州日报", None),
        ("鄂城区举办知识产权大培训", "鄂州日报", Some("S-404")),
    ] {
        let input = publicity::PublicityInput {
            title,
            outlet,
            on: day(),
            session,
            ..Default::default()
        };
        assert!(matches!(
            publicity::add(&county.store, &input, day().and_hms_opt(9, 0, 0).unwrap()),
            Err(Refusal::Fields(_))
        ));
    }
    assert_eq!(county.store.ops().count(), ops);
    let input = publicity::PublicityInput {
        title: "鄂城区举办知识产权大培训",
        outlet: "鄂州日报",
        on: day(),
        session: Some(&session),
        link: "https://example.org/a",
        file: None,
    };
    publicity::add(&county.store, &input, day().and_hms_opt(9, 0, 0).unwrap()).unwrap();
    let rows = publicity::list(&county.store).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].session_title.as_deref(), Some("专利导航与布局"));

    // The cutting itself: kept as the evidence of the county's publicity item, in one commit
    // with the item, which names the file when no link is given.
    let dir = tempfile::tempdir().unwrap();
    let cutting = dir.path().join("鄂州日报-0425.pdf");
    std::fs::write(&cutting, b"%PDF cutting").unwrap();
    let before = county.store.ops().count();
    let input = publicity::PublicityInput {
        title: "鄂城区企业走进培训课堂",
        outlet: "鄂州日报",
        on: day(),
        file: Some(&cutting),
        ..Default::default()
    };
    let item = publicity::add(&county.store, &input, day().and_hms_opt(9, 0, 0).unwrap()).unwrap();
    assert_eq!(item.link, "鄂州日报-0425.pdf");
    assert_eq!(county.store.ops().count(), before + 2);
    let files =
        peixun::store::checklist::evidence_files(&county.store, &[ECHENG.to_string()]).unwrap();
    let kept = files
        .iter()
        .find(|f| f.item == "county.publicity")
        .expect("the cutting is the publicity item's evidence");
    assert_eq!(kept.evidence.file_name, "鄂州日报-0425.pdf");
    // A missing file writes neither.
    let missing = publicity::PublicityInput {
        file: Some(&dir.path().join("没有.pdf")),
        ..input.clone()
    };
    assert!(publicity::add(&county.store, &missing, day().and_hms_opt(9, 0, 0).unwrap()).is_err());
    assert_eq!(county.store.ops().count(), before + 2);
}

#[test]
fn the_needs_report_lists_all_seven_services_with_what_was_asked_and_answered() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    stdout(&peixun(
        dir.path(),
        &["enterprise", "add", "--name", "鄂州市华光光电有限公司"],
    ));
    stdout(&peixun(dir.path(), &["need", "add", "华光光电", "3"]));
    let listed = json(&peixun(dir.path(), &["need", "list", "--json"]));
    let id = listed[0]["need"]["id"].as_str().unwrap().to_string();
    stdout(&peixun(dir.path(), &["need", "add", "华光光电", "5"]));
    // An answer cannot come before the need was raised.
    let early = peixun(
        dir.path(),
        &[
            "need",
            "answer",
            &id,
            "--on",
            "2000-01-01",
            "--note",
            "已对接",
        ],
    );
    assert_eq!(early.status.code(), Some(2));
    assert!(
        text(&early).contains("早于需求提出的日期"),
        "{}",
        text(&early)
    );
    stdout(&peixun(
        dir.path(),
        &["need", "answer", &id, "--note", "已对接"],
    ));
    let counts = json(&peixun(dir.path(), &["report", "needs", "--json"]));
    let of = |service: u64| {
        counts
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["service"] == service)
            .map(|c| {
                (
                    c["asked"].as_u64().unwrap(),
                    c["answered"].as_u64().unwrap(),
                )
            })
    };
    assert_eq!(of(3), Some((1, 1)));
    assert_eq!(of(5), Some((1, 0)));
    let printed = stdout(&peixun(dir.path(), &["report", "needs"]));
    for service in ["1 知识产权创造服务", "7 其他知识产权公共服务"] {
        assert!(printed.contains(service), "{printed}");
    }
}
