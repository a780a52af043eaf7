//! 师资: a city keeps teachers and sends them to its counties' sessions; the register and the
//! sending reach the county; a second session on one day asks first and is flagged; a county
//! keeps no register, from the program or from a crafted bundle.

use crate::common::offices::*;
use crate::common::*;

use peixun::app::{teachers, Confirm, Refusal};
use peixun::log::Payload;

#[test]
fn a_city_sends_its_teachers_and_a_double_booking_is_asked_and_flagged() {
    let (_province, city, county) = hierarchy();
    county_work(&county, "a");
    county_work(&county, "b");
    let first = format!("S-{ECHENG}-a");
    let second = format!("S-{ECHENG}-b");
    city.applied(&county.send(&city));

    let refused = teachers::add(&county.store, "李明", "", "", "K", "");
    assert!(matches!(refused, Err(Refusal::Said(_))));
    let bad = teachers::add(&city.store, "", "武汉大学", "教授", "K,99", "12345");
    match bad {
        Err(Refusal::Fields(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
            assert!(
                fields.contains(&"name")
                    && fields.contains(&"courses")
                    && fields.contains(&"phone"),
                "{fields:?}"
            );
        }
        other => panic!("not refused by field: {other:?}"),
    }
    let li = teachers::add(
        &city.store,
        "李明",
        "武汉大学",
        "教授",
        "K,3",
        "027-68750000",
    )
    .unwrap();
    assert_eq!(li.courses, ["K", "3"]);
    assert_eq!(li.phone, "027-68750000");

    let sent = teachers::assign(&city.store, &first, "李明", true, false).unwrap();
    assert!(!sent.already);
    // Both sessions are on the same day: the second asks first and writes nothing.
    let ops = city.store.ops().count();
    match teachers::assign(&city.store, &second, &li.id, true, false) {
        Err(Refusal::Confirm(Confirm::Busy(warnings))) => {
            assert!(warnings[0].contains("专利导航与布局"), "{warnings:?}")
        }
        other => panic!("not asked: {other:?}"),
    }
    assert_eq!(city.store.ops().count(), ops);
    teachers::assign(&city.store, &second, &li.id, true, true).unwrap();
    let rows = teachers::list(&city.store).unwrap();
    assert_eq!(rows[0].bookings.len(), 2);
    assert_eq!(rows[0].double_booked, vec![day()]);

    // The register and the sending reach the county.
    county.applied(&city.send(&county));
    let seen = teachers::list(&county.store).unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].teacher.name, "李明");
    assert_eq!(seen[0].bookings.len(), 2);
    county.assert_consistent();

    // Taken off one: no longer double-booked, there and down the line.
    teachers::assign(&city.store, &second, "李明", false, true).unwrap();
    assert!(teachers::list(&city.store).unwrap()[0]
        .double_booked
        .is_empty());
}

#[test]
fn a_county_cannot_keep_a_register_through_a_crafted_bundle() {
    let (_province, city, county) = hierarchy();
    let before = city.state();
    let forged = county.craft(
        &city,
        peixun::log::device::tagged(ECHENG, 7),
        vec![Payload::TeacherUpserted(peixun::domain::teacher::Teacher {
            id: format!("T-{ECHENG}-1"),
            office: ECHENG.into(),
            name: "冒名师资".into(),
            organisation: String::new(),
            title: String::new(),
            courses: vec!["K".into()],
            phone: String::new(),
        })],
    );
    let _ = city.take(&forged);
    assert_eq!(city.state(), before);
}

#[test]
fn the_cli_registers_lists_and_sends_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂州市"]));
    let added = stdout(&peixun(
        dir.path(),
        &[
            "teacher",
            "add",
            "--name",
            "王芳",
            "--courses",
            "2、12",
            "--organisation",
            "湖北省知识产权局",
        ],
    ));
    assert!(added.contains("王芳"), "{added}");
    let listed = json(&peixun(dir.path(), &["teacher", "list", "--json"]));
    assert_eq!(listed[0]["teacher"]["courses"][1], "12");
    let missing = peixun(
        dir.path(),
        &[
            "--lang",
            "en",
            "teacher",
            "assign",
            "--session",
            "S-404",
            "--teacher",
            "王芳",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
    let refused = peixun(
        dir.path(),
        &[
            "--lang",
            "en",
            "teacher",
            "add",
            "--name",
            "X",
            "--courses",
            "99",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("“99”"), "{}", stderr(&refused));
}

#[test]
fn a_teacher_of_the_register_is_nominated_by_id_for_a_class_they_were_sent_to() {
    let (_province, city, county) = hierarchy();
    county_work(&county, "a");
    let class = format!("S-{ECHENG}-a");
    city.applied(&county.send(&city));
    let li = teachers::add(&city.store, "李明", "武汉大学", "教授", "K", "").unwrap();
    let input = peixun::app::awards::NominationInput {
        name: Some(li.id.clone()),
        session: Some(class.clone()),
        reason: "授课生动，企业反响好".into(),
        ..Default::default()
    };
    // Not sent there yet: the class's lecturers do not include them.
    assert!(peixun::app::awards::nominate(
        &city.store,
        peixun::domain::award::AwardKind::Teacher,
        &input
    )
    .is_err());
    teachers::assign(&city.store, &class, &li.id, true, true).unwrap();
    let nomination = peixun::app::awards::nominate(
        &city.store,
        peixun::domain::award::AwardKind::Teacher,
        &input,
    )
    .unwrap();
    assert_eq!(nomination.name, "李明");
}
