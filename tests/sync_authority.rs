//! Authority between offices, as the rules of docs/bundle-format.md §6a have it: honest races
//! converge and never cut a link, a joint session's units each keep their part of its list,
//! and what a dishonest office writes under another's ids or devices changes nothing.

use crate::common::offices::*;
use chrono::NaiveDate;
use peixun::demo::ChainWriter;
use peixun::domain::{Session, SessionKind};
use peixun::log::device::tagged;
use peixun::log::{Op, Payload};
use peixun::store::PersonDraft;
use peixun::sync::visibility::view_device;
use peixun::sync::Rejection;

const LINKONG: &str = "420700-linkong";

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, m, d).unwrap()
}

fn deadline(unit: &str, due: NaiveDate) -> Payload {
    Payload::DeadlineSet {
        unit: unit.into(),
        item: "county.offline".into(),
        due,
    }
}

/// The province and 鄂州市 both set 鄂城区's deadline for `county.offline`, and their bundles
/// cross. Both end with the province's date (the higher office's word stands), and every later
/// bundle between them, the county's work relayed by the city included, goes in.
#[test]
fn a_deadline_race_converges_on_the_higher_office_and_the_link_keeps_flowing() {
    for city_first in [true, false] {
        let (province, city, county) = hierarchy();
        city.store
            .commit(vec![deadline(ECHENG, date(10, 31))])
            .unwrap();
        province
            .store
            .commit(vec![deadline(ECHENG, date(11, 15))])
            .unwrap();
        let up = city.send(&province);
        let down = province.send(&city);
        if city_first {
            province.applied(&up);
            city.applied(&down);
        } else {
            city.applied(&down);
            province.applied(&up);
        }
        for office in [&province, &city] {
            let due = peixun::store::checklist::deadlines(&office.store, ECHENG).unwrap();
            assert_eq!(
                due.get("county.offline"),
                Some(&date(11, 15)),
                "{}",
                office.id()
            );
            assert!(office.store.voided_each().unwrap().next().is_none());
        }
        // The city changes its date again later: the province's still stands, everywhere.
        city.store
            .commit(vec![deadline(ECHENG, date(12, 1))])
            .unwrap();
        county_work(&county, "1");
        city.applied(&county.send(&city));
        assert_eq!(province.applied(&city.send(&province)).applied, 6 + 1);
        city.applied(&province.send(&city));
        county.applied(&city.send(&county));
        for office in [&province, &city, &county] {
            let due = peixun::store::checklist::deadlines(&office.store, ECHENG).unwrap();
            assert_eq!(
                due.get("county.offline"),
                Some(&date(11, 15)),
                "{}",
                office.id()
            );
            office.assert_consistent();
            let attention =
                peixun::sync::attention::attention(&office.store, u64::MAX / 2).unwrap();
            assert!(attention.is_empty(), "{attention:?}");
        }
    }
}

fn joint_session(city: &Office) -> Session {
    Session {
        id: city.store.new_id('S').unwrap(),
        office: EZHOU.into(),
        kind: SessionKind::Offline,
        title: "鄂州市第一场（鄂城区局承办，临空分局协办）".into(),
        units: vec![ECHENG.into(), LINKONG.into()],
        host: ECHENG.into(),
        cohost: Some(LINKONG.into()),
        date: date(4, 18),
        start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        end: chrono::NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        venue: "鄂城区政务服务中心".into(),
        courses: vec![],
        audience: String::new(),
        capacity: 150,
    }
}

fn draft(name: &str, phone: &str, firm: &str) -> PersonDraft {
    PersonDraft {
        name: name.into(),
        phone: phone.into(),
        position: "知识产权专员".into(),
        enterprise: firm.into(),
        credit_code: String::new(),
        new_enterprise: false,
    }
}

/// The seed's first 鄂州 session: the city makes it, 鄂城区 hosts it and 临空经济区 co-hosts.
/// The host runs its own door, the co-host enrols its own enterprises' people, and the city
/// (and the province) see one list with who enrolled whom. A unit the session does not name is
/// told so, and each unit takes back only what it recorded.
#[test]
fn a_joint_session_is_run_at_the_host_and_the_co_host_and_merges_at_the_city() {
    let (province, city, echeng) = hierarchy();
    let linkong = Office::new(LINKONG);
    let huarong = Office::new(HUARONG);
    for county in [&linkong, &huarong] {
        city.pin(county);
        county.pin(&city);
        county.pin(&province);
    }
    // The city introduces its new counties to the province.
    let roster = peixun::sync::trust::make_roster(&city.store, &city.keys).unwrap();
    peixun::sync::trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    let session = joint_session(&city);
    let id = session.id.clone();
    city.store
        .commit(vec![Payload::SessionUpserted(session)])
        .unwrap();
    for county in [&echeng, &linkong, &huarong] {
        county.applied(&city.send(county));
        assert!(county.store.session(&id).unwrap().is_some());
    }

    // 鄂城区 at its own door: one enrolled before, one walk-in.
    let before = peixun::app::sessions::enrol(
        &echeng.store,
        &id,
        &draft("欧阳明", "13807110001", "鄂州市华宇光电科技有限公司"),
        false,
    )
    .unwrap();
    let at = date(4, 18).and_hms_opt(8, 52, 0).unwrap();
    peixun::app::checkin::check_in(&echeng.store, &id, &before.person().id, at).unwrap();
    peixun::app::checkin::walk_in(
        &echeng.store,
        &id,
        &draft("蔡浩", "13807110002", "鄂州市华宇光电科技有限公司"),
        at,
    )
    .unwrap();
    // 临空经济区 enrols its own enterprises' people on its machine.
    let theirs = peixun::app::sessions::enrol(
        &linkong.store,
        &id,
        &draft("戴兵", "13807110003", "鄂州临空物流有限公司"),
        false,
    )
    .unwrap();
    // 华容区 is not among the session's units.
    let refused = color_eyre::Report::from(
        peixun::app::sessions::enrol(
            &huarong.store,
            &id,
            &draft("司马青", "13807110004", "华容某企业"),
            false,
        )
        .unwrap_err(),
    );
    assert!(
        refused.to_string().contains("不能登记报名或签到"),
        "{refused}"
    );

    for county in [&echeng, &linkong] {
        let counts = city.applied(&county.send(&city));
        assert!(counts.refused_ops.is_empty(), "{:?}", counts.refused_ops);
    }
    province.applied(&city.send(&province));
    for office in [&city, &province] {
        let list = peixun::store::lists::enrolment_list(&office.store, &id).unwrap();
        let names: Vec<&str> = list.iter().map(|(p, _)| p.name.as_str()).collect();
        assert_eq!(names, vec!["蔡浩", "戴兵", "欧阳明"], "{}", office.id());
        let by =
            |person: &str| peixun::store::lists::enrolled_by(&office.store, &id, person).unwrap();
        assert_eq!(by(&before.person().id), vec![ECHENG.to_string()]);
        assert_eq!(by(&theirs.person().id), vec![LINKONG.to_string()]);
        assert_eq!(
            peixun::store::lists::enrolled_count(&office.store, &id).unwrap(),
            3
        );
        assert_eq!(
            peixun::store::lists::present_count(&office.store, &id).unwrap(),
            2
        );
        office.assert_consistent();
    }

    // The counts flow back: the city counts its joint session before each bundle down, and the
    // host sees the whole session's numbers beside its own part.
    assert_eq!(peixun::sync::tallies::refresh(&city.store).unwrap(), 1);
    assert_eq!(
        peixun::sync::tallies::refresh(&city.store).unwrap(),
        0,
        "counted once until it changes"
    );
    echeng.applied(&city.send(&echeng));
    let (whole, _) = peixun::store::lists::tally(&echeng.store, &id)
        .unwrap()
        .unwrap();
    assert_eq!((whole.enrolled, whole.present), (3, 2));
    assert_eq!(
        whole.by_unit,
        vec![(LINKONG.to_string(), 1, 0), (ECHENG.to_string(), 2, 2)]
    );
    assert_eq!(
        peixun::store::lists::enrolled_count(&echeng.store, &id).unwrap(),
        2,
        "its own part"
    );
    assert!(
        !echeng.has(&format!("p/{}", theirs.person().id)),
        "never 临空's people"
    );

    // The city cannot take off whom 临空 enrolled, nor undo 鄂城区's check-in.
    let err = color_eyre::Report::from(
        peixun::app::sessions::unenrol(&city.store, &id, &theirs.person().id).unwrap_err(),
    );
    assert!(err.to_string().contains("临空经济区"), "{err}");
    let err = color_eyre::Report::from(
        peixun::app::checkin::undo(&city.store, &id, &before.person().id, false).unwrap_err(),
    );
    assert!(err.to_string().contains("鄂城区 08:52"), "{err}");
    // 临空 takes back its own: the city sees the list shrink.
    peixun::app::sessions::unenrol(&linkong.store, &id, &theirs.person().id).unwrap();
    city.applied(&linkong.send(&city));
    assert_eq!(
        peixun::store::lists::enrolled_count(&city.store, &id).unwrap(),
        2
    );
}

/// A county starts a chain on the province's public-view device (it sees that id in its own
/// log). That range is left out and named; the rest of the link keeps flowing, and the
/// province's own view on that device goes on arriving at the city and the county.
#[test]
fn a_chain_on_another_offices_device_is_left_out_and_never_blocks() {
    let (province, city, county) = hierarchy();
    province
        .store
        .commit(vec![session(PROVINCE, "S-420000-online-1", "线上大培训")])
        .unwrap();
    city.applied(&province.send(&city));
    county.applied(&city.send(&county));
    let province_view = view_device(PROVINCE, province.store.device());
    let squat = county.craft(
        &city,
        province_view,
        vec![session(ECHENG, "S-420704-squat", "冒名")],
    );
    let summary = city.imported(&squat);
    assert_eq!(summary.counts.applied, 0);
    assert_eq!(summary.refused.len(), 1);
    assert_eq!(summary.refused[0].code, "device-of");
    assert!(
        summary.refused[0].reason.contains("湖北省"),
        "{}",
        summary.refused[0].reason
    );
    assert!(!city.has("s/S-420704-squat"));

    // Everything after flows: the county's honest work, the province's next session.
    county_work(&county, "1");
    assert_eq!(city.applied(&county.send(&city)).applied, 6);
    province
        .store
        .commit(vec![session(
            PROVINCE,
            "S-420000-online-2",
            "线上大培训第二天",
        )])
        .unwrap();
    assert_eq!(city.applied(&province.send(&city)).applied, 1);
    assert_eq!(county.applied(&city.send(&county)).applied, 1);
    assert!(county.has("s/S-420000-online-2"));
    // A device first seen from one office and then claimed by another (one made before device
    // ids carried their office) is left out the same way.
    let legacy = 0x0123_4567_89ab_cdef;
    city.applied(&county.craft(&city, legacy, vec![session(ECHENG, "S-420704-l", "旧")]));
    let other = Office::new(HUARONG);
    city.pin(&other);
    other.pin(&city);
    let summary =
        city.imported(&other.craft(&city, legacy, vec![session(HUARONG, "S-420703-l", "旧")]));
    assert_eq!(summary.refused[0].code, "wrong-office");
    assert!(!city.has("s/S-420703-l"));
    city.assert_consistent();
    // A fresh device of the county itself is fine.
    let fine = county.craft(
        &city,
        tagged(ECHENG, 5),
        vec![session(ECHENG, "S-420704-ok", "新设备")],
    );
    assert_eq!(city.applied(&fine).applied, 1);
}

/// Ops a county's software got wrong inside a range its key signed: one naming another office,
/// and one stamped no later than the op before it. Each is refused with its cause and nothing
/// of the bundle is written; the same ops written right go in.
#[test]
fn a_signed_range_with_another_offices_op_or_a_clock_going_back_is_refused() {
    let (_province, city, county) = hierarchy();
    let device = peixun::log::device::tagged(ECHENG, 77);
    let mut writer = ChainWriter::new(ECHENG, device, "区局");
    let ops: Vec<Op> = (0..3)
        .map(|i| {
            writer
                .push(enterprise(
                    ECHENG,
                    &format!("E-{ECHENG}-w{i}"),
                    &format!("企业{i}"),
                ))
                .unwrap()
        })
        .collect();
    let before = city.state();

    let mut other_office = ops.clone();
    other_office[1].office = HUARONG.into();
    let refused = city
        .take(&county.craft_chain(&city, device, other_office))
        .unwrap_err();
    assert!(
        matches!(&refused, Rejection::WrongOffice { found, .. } if found == HUARONG),
        "{refused:?}"
    );

    let mut clock_back = ops.clone();
    clock_back[2].hlc = clock_back[1].hlc;
    let refused = city
        .take(&county.craft_chain(&city, device, clock_back))
        .unwrap_err();
    assert!(
        matches!(&refused, Rejection::Corrupted { what } if *what == peixun::i18n::t("sync.part.clock")),
        "{refused:?}"
    );
    assert_eq!(city.state(), before, "nothing written");

    let counts = city.applied(&county.craft_chain(&city, device, ops));
    assert_eq!(counts.applied, 3);
    city.assert_consistent();
}

/// 鄂城区's software writes a class in 华容区's name and one in the city's. The city takes the
/// bundle in whole (every office folds the same ops, whenever it gets them) but credits both
/// classes to 鄂城区, which entered them: no county's figures are made up by another.
#[test]
fn a_class_a_county_names_a_neighbour_or_the_city_as_host_counts_for_the_county() {
    let (_province, city, county) = hierarchy();
    let class = |n: u32, host: &str| Session {
        id: format!("S-{ECHENG}-forged-{n}"),
        office: ECHENG.into(),
        title: format!("第{n}期"),
        units: vec![host.into()],
        host: host.into(),
        cohost: None,
        ..joint_session(&city)
    };
    let summary = city.imported(&county.craft(
        &city,
        tagged(ECHENG, 5),
        vec![
            Payload::SessionUpserted(class(1, HUARONG)),
            Payload::SessionUpserted(class(2, EZHOU)),
            Payload::SessionUpserted(class(3, ECHENG)),
        ],
    ));
    assert!(summary.counts.refused_ops.is_empty());
    let rows = peixun::sheets::report::stats_rows(&city.store, EZHOU, 2023, date(4, 30)).unwrap();
    let credited: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.name.as_str(), r.unit.as_str()))
        .collect();
    assert_eq!(
        credited,
        [("第1期", ECHENG), ("第2期", ECHENG), ("第3期", ECHENG)]
    );
    let huarong = peixun::sheets::report::stats_rows(&city.store, HUARONG, 2023, date(4, 30));
    assert!(huarong.unwrap().is_empty(), "nothing counts for 华容区");
    city.assert_consistent();
}
