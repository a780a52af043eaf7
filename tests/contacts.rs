//! Each unit's 联系人: named by the unit, marked on its checklist, changed during the year, seen
//! by the city above it; an office cannot name another unit's contact.

use crate::common::offices::*;
use crate::common::*;

use peixun::app::contacts::{self, ContactSaved};
use peixun::domain::contact::Contact;
use peixun::log::device::tagged;
use peixun::log::Payload;

fn county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "华容区"]));
    dir
}

fn log_len(dir: &std::path::Path) -> usize {
    json(&peixun(dir, &["log", "--json"]))
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_county_names_its_contact_changes_it_and_the_checklist_follows() {
    let dir = county();
    let d = dir.path();
    let out = stdout(&peixun(
        d,
        &[
            "contact",
            "--name",
            "张敏",
            "--phone",
            "13907110001",
            "--position",
            "科长",
            "--since",
            "2023-02-20",
        ],
    ));
    assert!(out.contains("张敏") && out.contains("2023-02-20"), "{out}");
    assert!(out.contains("明确一名工作联系人"), "{out}");
    let items = json(&peixun(
        d,
        &["checklist", "--json", "--today", "2023-03-01"],
    ));
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == "county.contact")
        .unwrap();
    assert_eq!(item["status"], "done", "{item}");

    // The same again writes nothing; a bad phone is named and writes nothing.
    let before = log_len(d);
    let again = stdout(&peixun(
        d,
        &[
            "contact",
            "--name",
            "张敏",
            "--phone",
            "13907110001",
            "--position",
            "科长",
        ],
    ));
    assert!(again.contains("相同"), "{again}");
    let bad = peixun(d, &["contact", "--name", "李强", "--phone", "1390711"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("电话"), "{}", text(&bad));
    let bad_en = peixun(
        d,
        &[
            "--lang",
            "en",
            "contact",
            "--name",
            "",
            "--phone",
            "13907110002",
        ],
    );
    assert_eq!(bad_en.status.code(), Some(2));
    let future = peixun(
        d,
        &[
            "contact",
            "--name",
            "李强",
            "--phone",
            "13907110002",
            "--since",
            "2099-01-01",
        ],
    );
    assert_eq!(future.status.code(), Some(2));
    assert!(
        text(&future).contains("起始日期") && text(&future).contains("晚于今天"),
        "{}",
        text(&future)
    );
    assert_eq!(log_len(d), before);

    // The post changes hands in June: the new contact is shown, the old stays in the log.
    stdout(&peixun(
        d,
        &[
            "contact",
            "--name",
            "李强",
            "--phone",
            "13907110002",
            "--since",
            "2023-06-01",
        ],
    ));
    let rows = json(&peixun(d, &["contacts", "--json"]));
    let row = &rows.as_array().unwrap()[0];
    assert_eq!(row["unit_name"], "华容区");
    assert_eq!(row["contact"]["name"], "李强");
    assert_eq!(row["contact"]["since"], "2023-06-01");
    let trail = json(&peixun(d, &["log", "--json", "--record", "420703/contact"]));
    assert_eq!(trail.as_array().unwrap().len(), 2, "{trail}");
    let history = stdout(&peixun(d, &["contacts", "--history"]));
    let (first, second) = (history.find("张敏"), history.find("李强"));
    assert!(
        first.is_some() && second.is_some() && first < second,
        "the earlier contact first: {history}"
    );
    assert!(history.contains("2023-06-01"), "{history}");
    let trail = json(&peixun(d, &["contacts", "--history", "--json"]));
    assert_eq!(trail[1]["contact"]["name"], "李强");
    assert!(trail[1]["actor"].is_string(), "{trail}");
    let before_phone = log_len(d);
    let bad = peixun(
        d,
        &[
            "contact",
            "--name",
            "李强",
            "--phone",
            "13907110002",
            "--office-phone",
            "0711",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("办公电话"), "{}", text(&bad));
    let both = peixun(
        d,
        &[
            "contact",
            "--name",
            "李强",
            "--phone",
            "139071",
            "--office-phone",
            "12",
        ],
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(
        text(&both).contains("办公电话") && text(&both).contains("“139071”"),
        "every bad field named: {}",
        text(&both)
    );
    assert_eq!(
        log_len(d),
        before_phone,
        "a bad office phone writes nothing"
    );
    let set = stdout(&peixun(
        d,
        &[
            "contact",
            "--name",
            "李强",
            "--phone",
            "13907110002",
            "--since",
            "2023-06-01",
            "--office-phone",
            "0716-8221234",
        ],
    ));
    assert!(set.contains("0716-8221234"), "{set}");
    let listed = stdout(&peixun(d, &["contacts"]));
    assert!(
        listed.contains("办公电话") && listed.contains("0716-8221234"),
        "{listed}"
    );
    assert!(
        listed.contains("13907110002"),
        "officials' numbers in full: {listed}"
    );

    // A phone corrected without --position keeps the post; another person does not take it.
    let contact = |name: &str, phone: &str, more: &[&str]| {
        let mut args = vec!["contact", "--name", name, "--phone", phone];
        args.extend_from_slice(more);
        stdout(&peixun(d, &args));
        json(&peixun(d, &["contacts", "--json"]))[0]["contact"].clone()
    };
    contact("李强", "13907110002", &["--position", "副科长"]);
    let held = contact("李 强", "13907110005", &[]);
    assert_eq!(
        (&held["phone"], &held["position"]),
        (&"13907110005".into(), &"副科长".into())
    );
    assert_eq!(contact("王五", "13907110006", &[])["position"], "");
}

#[test]
fn the_city_sees_its_counties_contacts_and_a_forged_one_is_refused() {
    let (province, city, county) = hierarchy();
    let since = day();
    contacts::set(
        &county.store,
        "张敏",
        "13907110001",
        "科长",
        Some(since),
        since,
    )
    .unwrap();
    city.applied(&county.send(&city));
    let rows = contacts::list(&city.store).unwrap();
    let echeng = rows.iter().find(|r| r.unit == ECHENG).unwrap();
    assert_eq!(echeng.contact.as_ref().unwrap().name, "张敏");
    assert_eq!(echeng.set_by.as_deref(), Some(ECHENG));
    let unnamed = rows.iter().filter(|r| r.contact.is_none()).count();
    assert_eq!(unnamed, rows.len() - 1, "only 鄂城区 has named one");

    // A city's software naming the county's contact itself is refused at the province.
    let forged = Contact {
        name: "冒名".into(),
        phone: "13900000000".into(),
        position: String::new(),
        since,
    };
    let bundle = city.craft(
        &province,
        tagged(EZHOU, 9),
        vec![Payload::ContactSet {
            unit: ECHENG.into(),
            contact: forged,
        }],
    );
    let summary = province.imported(&bundle);
    assert_eq!(summary.counts.records_changed, 0);
    assert_eq!(summary.counts.refused_ops.len(), 1);
    let refused = &summary.counts.refused_ops[0];
    assert_eq!(refused.kind, "ContactSet");
    assert!(refused.reason().contains("鄂州"), "{}", refused.reason());
    assert!(contacts::current(&province.store, ECHENG)
        .unwrap()
        .is_none());
    province.assert_consistent();

    // The post handed on mid-year: the city sees both, oldest first; the forged one nowhere.
    let later = since + chrono::Duration::days(90);
    contacts::set(
        &county.store,
        "刘洋",
        "13907110002",
        "副科长",
        Some(later),
        later,
    )
    .unwrap();
    city.applied(&county.send(&city));
    province.applied(&city.send(&province));
    for office in [&city, &province] {
        let history = contacts::history(&office.store).unwrap();
        let names: Vec<(&str, &str)> = history
            .iter()
            .map(|c| (c.unit.as_str(), c.contact.name.as_str()))
            .collect();
        assert_eq!(names, [(ECHENG, "张敏"), (ECHENG, "刘洋")]);
        assert_eq!(history[1].contact.since, later);
        assert_eq!(
            contacts::current(&office.store, ECHENG)
                .unwrap()
                .unwrap()
                .name,
            "刘洋"
        );
    }
}

#[test]
fn report_contacts_is_a_call_list_of_every_unit_and_refuses_another_area() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["demo", "--no-tui"]));
    let named = contacts::list(&peixun::store::Store::open(d).unwrap()).unwrap();
    let out = stdout(&peixun(d, &["report", "contacts"]));
    for row in &named {
        assert!(out.contains(&row.unit_name), "{out}");
        if let Some(contact) = &row.contact {
            assert!(
                out.contains(&contact.name) && out.contains(&contact.phone),
                "{out}"
            );
        }
    }
    let unnamed = named.iter().filter(|r| r.contact.is_none()).count();
    assert_eq!(out.matches("（未明确）").count(), unnamed, "{out}");

    let file = d.join("联系人.csv");
    stdout(&peixun(
        d,
        &[
            "report",
            "contacts",
            "--office",
            "华容区",
            "-o",
            file.to_str().unwrap(),
        ],
    ));
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.contains("华容区") && !csv.contains("鄂城区"), "{csv}");

    let refused = peixun(d, &["report", "contacts", "--office", "江岸区"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("江岸区"), "{}", stderr(&refused));
}

#[test]
fn a_contact_has_an_office_phone_beside_the_mobile_and_it_travels_up() {
    let (province, city, county) = hierarchy();
    contacts::set(
        &county.store,
        "张敏",
        "13907110001",
        "科长",
        Some(day()),
        day(),
    )
    .unwrap();
    let bad = contacts::set_office_phone(&county.store, "12345");
    assert!(
        matches!(&bad, Err(peixun::app::Refusal::Fields(f)) if f[0].field == "office_phone"),
        "{bad:?}"
    );
    contacts::set_office_phone(&county.store, "0711 3861234").unwrap();
    assert_eq!(
        contacts::set_office_phone(&county.store, "0711-3861234").unwrap(),
        contacts::OfficePhoneSaved::Unchanged
    );
    city.applied(&county.send(&city));
    province.applied(&city.send(&province));
    for office in [&county, &city, &province] {
        let rows = contacts::list(&office.store).unwrap();
        let echeng = rows.iter().find(|r| r.unit == ECHENG).unwrap();
        assert_eq!(echeng.office_phone.as_deref(), Some("0711-3861234"));
        assert_eq!(echeng.contact.as_ref().unwrap().phone, "13907110001");
    }
    // Another office giving the county's office phone is refused where it arrives.
    let forged = city.craft(
        &province,
        tagged(EZHOU, 9),
        vec![Payload::ContactOfficePhoneSet {
            unit: ECHENG.into(),
            office_phone: "027-88888888".into(),
        }],
    );
    let summary = province.imported(&forged);
    assert_eq!(summary.counts.refused_ops.len(), 1);
    assert_eq!(
        contacts::office_phone(&province.store, ECHENG)
            .unwrap()
            .as_deref(),
        Some("0711-3861234")
    );
    // Taken off with an empty one.
    assert_eq!(
        contacts::set_office_phone(&county.store, " ").unwrap(),
        contacts::OfficePhoneSaved::Cleared
    );
    assert_eq!(contacts::office_phone(&county.store, ECHENG).unwrap(), None);
    province.assert_consistent();
}

/// The same person typed again in full-width letters keeps the day they were named; a date given
/// for a contact otherwise unchanged is taken.
#[test]
fn the_day_a_contact_was_named_follows_the_person_and_an_explicit_date() {
    let county = Office::new(ECHENG);
    let named = day();
    let today = named + chrono::Duration::days(30);
    let since =
        |store: &peixun::store::Store| contacts::current(store, ECHENG).unwrap().unwrap().since;
    contacts::set(
        &county.store,
        "Li Lei",
        "13907110001",
        "科长",
        Some(named),
        named,
    )
    .unwrap();
    let saved = contacts::set(
        &county.store,
        "ｌｉ　ｌｅｉ",
        "13907110009",
        "科长",
        None,
        today,
    );
    assert!(matches!(saved, Ok(ContactSaved::Set { .. })), "{saved:?}");
    assert_eq!(
        since(&county.store),
        named,
        "a phone corrected is no new contact"
    );

    let corrected = named + chrono::Duration::days(2);
    let saved = contacts::set(
        &county.store,
        "Li Lei",
        "13907110009",
        "科长",
        Some(corrected),
        today,
    );
    assert!(matches!(saved, Ok(ContactSaved::Set { .. })), "{saved:?}");
    assert_eq!(since(&county.store), corrected);
}
