//! The use-case layer the CLI and the TUI both call: the same input gets the same answer,
//! whichever client asks.

use crate::common::session_input;
use peixun::app::{self, Confirm, Refusal};
use peixun::domain::input::SessionInput;
use peixun::store::{PersonDraft, Store};

const ECHENG: &str = "420704";

fn county() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("store"), ECHENG, "测试员").unwrap();
    (dir, store)
}

/// Past dates are only said in these tests: the CLI's way.
fn warn() -> app::sessions::BeforeToday {
    app::sessions::BeforeToday::Warn(chrono::NaiveDate::from_ymd_opt(2023, 3, 1).unwrap())
}

#[test]
fn a_holiday_session_needs_the_coordinators_word_and_an_unchanged_edit_writes_nothing() {
    let (_dir, store) = county();
    let holiday = session_input("国庆专场", "2023-10-02");
    match app::sessions::save(&store, None, &holiday, false, warn()) {
        Err(Refusal::Confirm(Confirm::Calendar(warnings))) => {
            assert!(
                warnings.iter().any(|w| w.contains("国庆节")),
                "{warnings:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(store.sessions().unwrap().is_empty(), "nothing saved");
    let saved = app::sessions::save(&store, None, &holiday, true, warn()).unwrap();
    assert!(saved.new && !saved.unchanged);
    assert_eq!(saved.title, "国庆专场");
    // The units default to the office itself, as the form shows them.
    let session = store.session(&saved.id).unwrap().unwrap();
    assert_eq!(session.units, [ECHENG]);
    // Editing the title only does not ask about the date again; the same values write nothing.
    let retitled = SessionInput {
        title: Some("国庆专场（二）".into()),
        ..Default::default()
    };
    let edited = app::sessions::save(&store, Some(&saved.id), &retitled, false, warn()).unwrap();
    assert!(!edited.new && !edited.unchanged);
    let ops = store.ops().count();
    let again = app::sessions::save(&store, Some(&saved.id), &retitled, false, warn()).unwrap();
    assert!(again.unchanged);
    assert_eq!(store.ops().count(), ops);
}

#[test]
fn another_offices_session_is_refused_in_words_before_anything_is_written() {
    let (_dir, store) = county();
    let saved = app::sessions::save(
        &store,
        None,
        &session_input("专利导航", "2023-05-10"),
        false,
        warn(),
    )
    .unwrap();
    let mut theirs = store.session(&saved.id).unwrap().unwrap();
    theirs.office = "420702".into();
    match app::sessions::may_change(ECHENG, &theirs) {
        Err(Refusal::Said(said)) => assert!(said.contains("梁子湖区"), "{said}"),
        other => panic!("{other:?}"),
    }
    match app::sessions::save(
        &store,
        Some("S-nope"),
        &session_input("x", "2023-05-10"),
        false,
        warn(),
    ) {
        Err(Refusal::Said(said)) => assert!(said.contains("S-nope"), "{said}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_full_session_asks_and_undo_takes_back_the_door_enrolment_too() {
    let (_dir, store) = county();
    let small = SessionInput {
        capacity: Some("1".into()),
        ..session_input("小班", "2023-05-10")
    };
    let id = app::sessions::save(&store, None, &small, false, warn())
        .unwrap()
        .id;
    let draft = |name: &str, phone: &str| PersonDraft {
        name: name.into(),
        phone: phone.into(),
        ..Default::default()
    };
    app::sessions::enrol(&store, &id, &draft("张三", "13800001111"), false).unwrap();
    match app::sessions::enrol(&store, &id, &draft("李四", "13800002222"), false) {
        Err(Refusal::Confirm(Confirm::OverCapacity(full))) => {
            assert_eq!((full.enrolled, full.capacity), (1, 1))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        peixun::store::lists::enrolled_count(&store, &id).unwrap(),
        1
    );
    app::sessions::enrol(&store, &id, &draft("李四", "13800002222"), true).unwrap();
    assert_eq!(
        peixun::store::lists::enrolled_count(&store, &id).unwrap(),
        2
    );

    let session = store.session(&id).unwrap().unwrap();
    let during = session.date.and_time(session.start);
    let (walked, _) =
        app::checkin::walk_in(&store, &id, &draft("王五", "13800003333"), during).unwrap();
    let person = walked.person().id.clone();
    let undone = app::checkin::undo(&store, &id, &person, true).unwrap();
    assert!(undone.undone && undone.unenrolled);
    assert!(!peixun::store::lists::is_enrolled(&store, &id, &person).unwrap());

    // After the session the clock is not the time of arrival: the coordinator says which.
    let next_day = during + chrono::Duration::days(1);
    match app::checkin::arrival(&session, next_day, None) {
        Err(Refusal::Confirm(Confirm::AfterEnd { start, .. })) => assert_eq!(start, during),
        other => panic!("{other:?}"),
    }
    // A time given is the session's day's, not after its end, and not one still to come.
    let half_past = |h| chrono::NaiveTime::from_hms_opt(h, 30, 0).unwrap();
    let at_ten = session.date.and_time(half_past(10));
    assert_eq!(
        app::checkin::arrival(&session, at_ten, Some(half_past(9))).unwrap(),
        session.date.and_time(half_past(9))
    );
    for (now, at, said) in [
        (
            at_ten,
            half_past(10) + chrono::Duration::minutes(1),
            "还没到",
        ),
        (next_day, half_past(23), "晚于本场结束时间"),
    ] {
        match app::checkin::arrival(&session, now, Some(at)) {
            Err(Refusal::Said(why)) => assert!(why.contains(said), "{why}"),
            other => panic!("{at}: {other:?}"),
        }
    }
    assert!(app::checkin::arrival(&session, next_day, Some(half_past(10))).is_ok());
}

#[test]
fn checklist_marks_refuse_another_units_items_and_unknown_items_by_name() {
    let (_dir, store) = county();
    let status = peixun::domain::MarkStatus::Done;
    match app::checklist::mark(&store, "420702", "county.plan", status, "") {
        Err(Refusal::Said(said)) => assert!(said.contains("梁子湖区"), "{said}"),
        other => panic!("{other:?}"),
    }
    match app::checklist::mark(&store, ECHENG, "county.nope", status, "") {
        Err(Refusal::Said(said)) => assert!(said.contains("county.plan"), "{said}"),
        other => panic!("{other:?}"),
    }
    app::checklist::mark(&store, ECHENG, "county.plan", status, "已报市局").unwrap();
}

/// Two doors served by one holder (threads of one process) at the same moment: one person
/// made for one phone, one place taken in a session with one left, one arrival counted.
#[test]
fn two_doors_at_once_make_one_person_fill_one_place_and_count_one_arrival() {
    let (_dir, store) = county();
    let small = SessionInput {
        capacity: Some("1".into()),
        ..session_input("小班", "2023-05-10")
    };
    let id = app::sessions::save(&store, None, &small, false, warn())
        .unwrap()
        .id;
    let session = store.session(&id).unwrap().unwrap();
    let during = session.date.and_time(session.start);
    for round in 0..20 {
        let phone = format!("1390000{round:04}");
        let draft = PersonDraft {
            name: "赵六".into(),
            phone: phone.clone(),
            ..Default::default()
        };
        let outcomes: Vec<_> = std::thread::scope(|scope| {
            let doors: Vec<_> = (0..2)
                .map(|_| scope.spawn(|| app::checkin::walk_in(&store, &id, &draft, during)))
                .collect();
            doors.into_iter().map(|d| d.join().unwrap()).collect()
        });
        let people: Vec<_> = store
            .people()
            .unwrap()
            .into_iter()
            .filter(|p| p.phone == phone)
            .collect();
        assert_eq!(people.len(), 1, "round {round}: one person per phone");
        let counted = outcomes
            .iter()
            .filter(|o| matches!(o, Ok((_, peixun::store::CheckIn::Done { .. }))))
            .count();
        assert_eq!(counted, 1, "round {round}: one arrival counted");
    }
    // Planned places: two coordinators filling the last one at once.
    let planned = app::sessions::save(&store, None, &small, true, warn())
        .unwrap()
        .id;
    let outcomes: Vec<_> = std::thread::scope(|scope| {
        let forms: Vec<_> = ["13700000001", "13700000002"]
            .map(|phone| {
                let store = &store;
                let planned = &planned;
                scope.spawn(move || {
                    let draft = PersonDraft {
                        name: "钱七".into(),
                        phone: phone.into(),
                        ..Default::default()
                    };
                    app::sessions::enrol(store, planned, &draft, false).is_ok()
                })
            })
            .into_iter()
            .collect();
        forms.into_iter().map(|f| f.join().unwrap()).collect()
    });
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1);
    assert_eq!(
        peixun::store::lists::enrolled_count(&store, &planned).unwrap(),
        1
    );
}

/// A walk-in's new enterprise at a county's class held from the city's store is the county's,
/// so the county's coverage counts it; at a class for two units it is the city's, which says
/// no more than is known.
#[test]
fn a_new_enterprise_met_at_a_class_is_filed_under_the_class_unit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("store"), "420700", "测试员").unwrap();
    let class = |units: &str| {
        let session = SessionInput {
            units: Some(units.into()),
            ..session_input("华容区培训班", "2023-04-25")
        };
        app::sessions::save(&store, None, &session, true, warn())
            .unwrap()
            .id
    };
    for (units, phone, firm, unit) in [
        ("华容区", "13800001111", "鄂州新来科技有限公司", "420703"),
        (
            "华容区,鄂城区",
            "13800002222",
            "鄂州又来科技有限公司",
            "420700",
        ),
    ] {
        let id = class(units);
        let draft = PersonDraft {
            name: "王五".into(),
            phone: phone.into(),
            position: String::new(),
            enterprise: firm.into(),
            credit_code: String::new(),
            // 又来 is one character from 新来: the coordinator said it is another enterprise.
            new_enterprise: true,
        };
        let enrolled = app::sessions::enrol(&store, &id, &draft, false).unwrap();
        let enterprise = enrolled.person().enterprise.clone().unwrap();
        let enterprise = store.enterprise(&enterprise).unwrap().unwrap();
        assert_eq!(enterprise.unit, unit, "{units}: {}", enterprise.name);
    }
}

/// A county's store with one session, for the questions a form's enterprise raises.
fn county_with_a_session() -> (tempfile::TempDir, Store, String) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
    let id = app::sessions::save(
        &store,
        None,
        &session_input("培训班", "2023-04-25"),
        true,
        warn(),
    )
    .unwrap()
    .id;
    (dir, store, id)
}

fn draft(name: &str, phone: &str, firm: &str, new_enterprise: bool) -> PersonDraft {
    PersonDraft {
        name: name.into(),
        phone: phone.into(),
        position: String::new(),
        enterprise: firm.into(),
        credit_code: String::new(),
        new_enterprise,
    }
}

/// A new enterprise one character from a known one's is asked about before it is made:
/// 鄂州晶晶水产… for 鄂州市晶晶水产… would count one enterprise twice in the coverage. Nothing is
/// written until the coordinator says it is another enterprise.
#[test]
fn a_name_close_to_a_known_enterprise_is_asked_about_first() {
    let (_dir, store, id) = county_with_a_session();
    let known = "鄂州市晶晶水产科技有限公司";
    app::sessions::enrol(
        &store,
        &id,
        &draft("张三", "13800001111", known, false),
        false,
    )
    .unwrap();
    let ops = store.ops().count();
    let slip = draft("李四", "13800002222", "鄂州晶晶水产科技有限公司", false);
    match app::sessions::enrol(&store, &id, &slip, false) {
        Err(Refusal::Confirm(Confirm::NewEnterprise { typed, near })) => {
            assert_eq!(typed, "鄂州晶晶水产科技有限公司");
            assert_eq!(near, [known]);
        }
        other => panic!("expected the question, got {other:?}"),
    }
    assert_eq!(store.ops().count(), ops, "nothing written");
    let said =
        color_eyre::Report::from(app::sessions::enrol(&store, &id, &slip, false).unwrap_err())
            .to_string();
    assert!(said.contains("--new-enterprise"), "{said}");
    let enrolled = app::sessions::enrol(
        &store,
        &id,
        &draft("李四", "13800002222", "鄂州晶晶水产科技有限公司", true),
        false,
    )
    .unwrap();
    let made = store
        .enterprise(enrolled.person().enterprise.as_ref().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(made.name, "鄂州晶晶水产科技有限公司");
    assert_eq!(store.enterprises().unwrap().len(), 2);
}

/// A walk-in's firm given in short (鄂州晶晶水产 for 鄂州市晶晶水产科技有限公司: the 市 and the
/// stock words left out) is asked about as a near name is, in words that say it may be a short
/// form; the same trade name in another place, or a short name that is all place and stock
/// words, asks nothing.
#[test]
fn a_short_form_of_a_known_enterprise_is_asked_about_first() {
    let (_dir, store, id) = county_with_a_session();
    let draft =
        |phone: &str, firm: &str, new_enterprise: bool| draft("王五", phone, firm, new_enterprise);
    let known = "鄂州市晶晶水产科技有限公司";
    app::sessions::enrol(&store, &id, &draft("13800001111", known, false), false).unwrap();
    let ops = store.ops().count();
    let short = draft("13800002222", "鄂州晶晶水产", false);
    match app::sessions::enrol(&store, &id, &short, false) {
        Err(Refusal::Confirm(Confirm::NewEnterprise { typed, near })) => {
            assert_eq!(typed, "鄂州晶晶水产");
            assert_eq!(near, [known]);
            let said = Confirm::new_enterprise_text(&typed, &near, false);
            assert!(said.contains("像是同一家（名称详略不同）"), "{said}");
        }
        other => panic!("expected the question, got {other:?}"),
    }
    assert_eq!(store.ops().count(), ops, "nothing written");
    // The same trade in another place, or a name that is all place and stock words, asks nothing.
    let elsewhere = draft("13800004444", "华容区晶晶水产有限公司", false);
    app::sessions::enrol(&store, &id, &elsewhere, false).unwrap();
    let place_only = draft("13800003333", "鄂州科技有限公司", false);
    let enrolled = app::sessions::enrol(&store, &id, &place_only, false).unwrap();
    let made = enrolled.person().enterprise.clone().unwrap();
    assert_eq!(
        store.enterprise(&made).unwrap().unwrap().name,
        "鄂州科技有限公司"
    );
}

/// Five units registered one name and a sixth a near one: the question names both, each once.
#[test]
fn a_name_registered_by_many_units_leaves_room_for_the_others() {
    use crate::common::offices::enterprise;
    let (_dir, store, id) = county_with_a_session();
    let shared = "鄂州市晶晶水产科技有限公司";
    let other = "鄂州晶晶水产有限公司";
    let mut payloads: Vec<_> = (1..=5)
        .map(|n| enterprise("420704", &format!("E-420704-{n}"), shared))
        .collect();
    payloads.push(enterprise("420704", "E-420704-6", other));
    store.commit(payloads).unwrap();
    let short = draft("王五", "13800002222", "鄂州晶晶水产科技", false);
    match app::sessions::enrol(&store, &id, &short, false) {
        Err(Refusal::Confirm(Confirm::NewEnterprise { near, .. })) => {
            assert_eq!(near, [shared, other]);
        }
        other => panic!("expected the question, got {other:?}"),
    }
}

/// 博瑞科技有限公司 is part of another city's 武汉博瑞科技有限公司 and a short form of the local
/// 鄂州博瑞科技有限责任公司: both are asked about, never the one holding the text taken alone.
#[test]
fn a_name_held_by_one_firm_and_short_for_another_asks_about_both() {
    use crate::common::offices::enterprise;
    let (_dir, store, id) = county_with_a_session();
    let (elsewhere, local) = ("武汉博瑞科技有限公司", "鄂州博瑞科技有限责任公司");
    store
        .commit(vec![
            enterprise("420704", "E-420704-2", elsewhere),
            enterprise("420704", "E-420704-1", local),
        ])
        .unwrap();
    let ops = store.ops().count();
    let walk_in = draft("王五", "13800002222", "博瑞科技有限公司", false);
    match app::sessions::enrol(&store, &id, &walk_in, false) {
        Err(Refusal::Fields(errors)) => {
            let said = &errors[0].message;
            assert!(
                said.contains(elsewhere) && said.contains(local) && said.contains("2 家"),
                "{said}"
            );
        }
        other => panic!("expected both firms named, got {other:?}"),
    }
    assert_eq!(store.ops().count(), ops, "nothing written");
}

/// 晶晶水产 is held whole by one firm; 鄂州市晶晶实业有限公司 (trade name 晶晶) is shorter than
/// what was typed, not a fuller form of it: the one firm is taken, nothing asked.
#[test]
fn a_name_held_whole_by_one_firm_is_not_ambiguous_with_a_shorter_trade_name() {
    use crate::common::offices::enterprise;
    let (_dir, store, id) = county_with_a_session();
    let (meant, other) = ("鄂州市晶晶水产科技有限公司", "鄂州市晶晶实业有限公司");
    store
        .commit(vec![
            enterprise("420704", "E-420704-1", meant),
            enterprise("420704", "E-420704-2", other),
        ])
        .unwrap();
    let walk_in = draft("王五", "13800002222", "晶晶水产", false);
    let enrolled = app::sessions::enrol(&store, &id, &walk_in, false).unwrap();
    assert_eq!(enrolled.person().enterprise.as_deref(), Some("E-420704-1"));
}

/// A firm given with characters left out from within its trade name (华信化工 for
/// 鄂州华信精细化工有限责任公司) is asked about, not made a new firm at the door.
#[test]
fn a_name_with_characters_left_out_is_asked_about() {
    use crate::common::offices::enterprise;
    let (_dir, store, id) = county_with_a_session();
    let known = "鄂州华信精细化工有限责任公司";
    store
        .commit(vec![enterprise("420704", "E-420704-1", known)])
        .unwrap();
    let walk_in = draft("王五", "13800002222", "华信化工", false);
    match app::sessions::enrol(&store, &id, &walk_in, false) {
        Err(Refusal::Confirm(Confirm::NewEnterprise { near, .. })) => assert_eq!(near, [known]),
        other => panic!("expected the question, got {other:?}"),
    }
}

/// The city holds its counties' sessions, but what it enters on their lists would never travel
/// down to the county's door: it is told whose list it is, and nothing is written. Its own
/// session, hosted by a county, stays its list.
#[test]
fn a_county_sessions_list_is_kept_by_the_county_not_the_city() {
    use crate::common::offices::*;
    use peixun::log::Payload;
    let (city, echeng, _huarong) = city_and_two_counties();
    county_work(&echeng, "a");
    city.imported(&echeng.send(&city));
    let county_session = format!("S-{ECHENG}-a");
    let person = format!("P-{ECHENG}-a");
    let ops = city.store.ops().count();
    let draft = PersonDraft {
        name: "王测试".into(),
        phone: "13912398765".into(),
        position: String::new(),
        enterprise: FIRM.into(),
        credit_code: String::new(),
        new_enterprise: true,
    };
    for refused in [
        app::sessions::enrol(&city.store, &county_session, &draft, false).map(drop),
        app::sessions::unenrol(&city.store, &county_session, &person),
    ] {
        match refused {
            Err(Refusal::Said(said)) => {
                assert!(said.contains("鄂城区") && said.contains("名单在"), "{said}")
            }
            other => panic!("{other:?}"),
        }
    }
    let sheet = peixun::sheets::read::Grid {
        sheet: "名单".into(),
        rows: vec![
            (1, vec!["姓名".into(), "手机".into(), "企业名称".into()]),
            (2, vec!["王测试".into(), "13912398765".into(), FIRM.into()]),
        ],
    };
    match peixun::sheets::people::plan(&city.store, sheet.into(), Some(&county_session)) {
        Err(e) => assert!(e.to_string().contains("名单在"), "{e}"),
        Ok(_) => panic!("a sheet put names on a county's list from the city"),
    }
    assert_eq!(city.store.ops().count(), ops, "nothing written");

    let own = format!("S-{EZHOU}-joint");
    let mut joint = match session(EZHOU, &own, "第一场") {
        Payload::SessionUpserted(s) => s,
        _ => unreachable!(),
    };
    joint.host = ECHENG.into();
    joint.units = vec![ECHENG.into()];
    city.store
        .commit(vec![Payload::SessionUpserted(joint)])
        .unwrap();
    app::sessions::enrol(&city.store, &own, &draft, false).unwrap();
}
