//! What a store remembers about its exchanges and shows people: the last bundle sent to and
//! received from each peer, how current each office's work is (relayed or not) in the roll-ups,
//! and the people a city finds in more than one county's records.

use crate::common;

use chrono::NaiveDate;
use peixun::domain::{Enterprise, Person};
use peixun::log::Payload;
use peixun::store::Store;
use peixun::sync::export::{build, export, ExportOptions};
use peixun::sync::import::{import_bytes, Outcome};
use peixun::sync::ledger::{review, DuplicateBy};
use peixun::sync::trust::{self, Change};
use peixun::sync::Keys;

const PROVINCE: &str = "420000";
const EZHOU: &str = "420700";
const ECHENG: &str = "420704";
const HUARONG: &str = "420703";
const PHONE: &str = "13807110042";
const CODE: &str = "91420700MA4A1B2C3D";

struct Office {
    dir: tempfile::TempDir,
    store: Store,
    keys: Keys,
}

impl Office {
    fn new(id: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), id, "测试员").unwrap();
        let keys = Keys::create(store.dir(), id).unwrap();
        Office { dir, store, keys }
    }

    fn id(&self) -> &str {
        self.store.office()
    }

    /// Closes the store for the binary to open, with `today` pinned; the folder lives as long as
    /// the returned guard.
    fn close(self, today: NaiveDate) -> (tempfile::TempDir, std::path::PathBuf) {
        self.store.set_today(today).unwrap();
        let dir = self.store.dir().to_path_buf();
        drop(self.store);
        (self.dir, dir)
    }

    fn pin(&self, other: &Office) {
        let card = other.keys.card().unwrap();
        trust::trust_card(&self.store, &card, &card.fingerprint()).unwrap();
    }

    /// A bundle for `to`, written to a folder as the CLI and the tab do.
    fn send(&self, to: &Office) -> Vec<u8> {
        let folder = self.dir.path().join("stick");
        std::fs::create_dir_all(&folder).unwrap();
        let exported = export(
            &self.store,
            &self.keys,
            to.id(),
            &folder,
            &ExportOptions::default(),
        )
        .unwrap();
        std::fs::read(exported.path.unwrap()).unwrap()
    }

    fn take(&self, bytes: &[u8]) {
        match import_bytes(&self.store, &self.keys, bytes).unwrap() {
            Outcome::Imported(_) => {}
            other => panic!("expected an import, got {other:?}"),
        }
    }

    /// A person of this office, at an enterprise of this office with `code`.
    fn person(&self, n: u32, name: &str, phone: &str, code: Option<&str>) {
        let o = self.id().to_string();
        let e = format!("E-{o}-{n}");
        self.store
            .commit(vec![
                Payload::EnterpriseUpserted(Enterprise {
                    id: e.clone(),
                    office: o.clone(),
                    name: format!("{} 企业 {n}", o),
                    credit_code: code.map(str::to_string),
                    categories: Default::default(),
                    unit: o.clone(),
                }),
                Payload::PersonUpserted(Person {
                    id: format!("P-{o}-{n}"),
                    office: o,
                    name: name.into(),
                    phone: phone.into(),
                    position: String::new(),
                    enterprise: Some(e),
                    code: format!("C{n}"),
                }),
            ])
            .unwrap();
    }
}

#[test]
fn the_last_bundle_each_way_is_remembered_per_peer() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    assert_eq!(county.store.last_sent(EZHOU).unwrap(), None);
    county.person(1, "欧阳明月", PHONE, None);
    let first = county.send(&city);
    let second = county.send(&city);
    let sent = county.store.last_sent(EZHOU).unwrap().unwrap();
    assert_eq!(sent.link_seq, 2);
    assert!(sent.file.ends_with(".pxb"), "{}", sent.file);
    assert_eq!(sent.ops, 2);
    // Read out of order: the newest number is what the row shows.
    city.take(&second);
    city.take(&first);
    let received = city.store.last_received().unwrap();
    assert_eq!(received.get(ECHENG).map(|r| r.link_seq), Some(2));
    assert_eq!(received.len(), 1);
    assert!(city.store.last_sent(ECHENG).unwrap().is_none());
}

/// Province, 鄂州 and 鄂城区 along the campaign's links, the province knowing the county from
/// the city's roster.
fn relay_chain() -> (Office, Office, Office) {
    let province = Office::new(PROVINCE);
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    city.pin(&province);
    province.pin(&city);
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    let roster = trust::Roster::from_text(&roster.to_text().unwrap()).unwrap();
    let accepted = trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    assert_eq!(accepted, vec![(ECHENG.to_string(), Change::Added)]);
    (province, city, county)
}

#[test]
fn relayed_work_counts_as_of_the_relays_bundle() {
    let (province, city, county) = relay_chain();
    assert!(province.store.freshness().unwrap().is_empty());
    county.person(1, "欧阳明月", PHONE, None);
    city.take(&county.send(&city));
    city.take(&county.send(&city));
    let at_city = city.store.freshness().unwrap();
    assert_eq!(at_city[ECHENG].sender, ECHENG);
    assert_eq!(at_city[ECHENG].link_seq, 2);
    province.take(&city.send(&province));
    // Nothing new from the county, but the city says it holds the county's chain and sent it.
    province.take(&city.send(&province));
    let at_province = province.store.freshness().unwrap();
    assert_eq!(at_province[ECHENG].sender, EZHOU);
    assert_eq!(at_province[ECHENG].link_seq, 2);
    assert_eq!(at_province[EZHOU].link_seq, 2);
    assert!(!at_province.contains_key(HUARONG));
}

#[test]
fn a_city_lists_people_in_two_counties_by_phone_or_code_and_name() {
    let city = Office::new(EZHOU);
    let echeng = Office::new(ECHENG);
    let huarong = Office::new(HUARONG);
    for county in [&echeng, &huarong] {
        city.pin(county);
        county.pin(&city);
    }
    echeng.person(1, "欧阳明月", PHONE, None);
    huarong.person(1, "欧阳明月", PHONE, None);
    // Another phone, but the same name at an enterprise with the same credit code.
    echeng.person(2, "王芳", "13907110001", Some(CODE));
    huarong.person(2, "王芳", "13907110002", Some(CODE));
    // Twice in one county is that county's own business, not a cross-county duplicate.
    echeng.person(3, "李雷", "13907110003", None);
    echeng.person(4, "李雷", "13907110003", None);
    assert!(review(&city.store, EZHOU).unwrap().is_empty());
    city.take(&echeng.send(&city));
    city.take(&huarong.send(&city));
    let found = review(&city.store, EZHOU).unwrap();
    assert_eq!(found.len(), 2, "{found:#?}");
    let by_phone = found.iter().find(|d| d.by == DuplicateBy::Phone).unwrap();
    assert_eq!(by_phone.value, PHONE);
    let offices: Vec<&str> = by_phone
        .sightings
        .iter()
        .map(|s| s.office.as_str())
        .collect();
    assert_eq!(offices, vec![HUARONG, ECHENG]);
    let by_code = found
        .iter()
        .find(|d| d.by == DuplicateBy::CreditCodeAndName)
        .unwrap();
    assert_eq!(by_code.value, format!("{CODE} 王芳"));
    assert_eq!(by_code.sightings.len(), 2);
    // A county sees no other county's people, so it has nothing to review.
    assert!(review(&echeng.store, ECHENG).unwrap().is_empty());

    // The CLI says the same, in JSON and in words.
    let dir = city.store.dir().to_path_buf();
    let Office {
        dir: _keep, store, ..
    } = city;
    drop(store);
    let json = common::json(&common::peixun(&dir, &["bundle", "review", "--json"]));
    assert_eq!(json.as_array().unwrap().len(), 2);
    assert_eq!(json[0]["by"], "phone");
    let text = common::stdout(&common::peixun(&dir, &["bundle", "review"]));
    assert!(text.contains("2 组人员"), "{text}");
    // Phones are masked on the screen as on the 同步 tab.
    assert!(text.contains("同一手机号：138****0042"), "{text}");
    assert!(!text.contains("13807110042"), "{text}");
    assert!(text.contains("同一企业信用代码和姓名"), "{text}");
}

#[test]
fn report_checklist_and_coverage_say_how_current_each_unit_is() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    county.person(1, "欧阳明月", PHONE, None);
    county.send(&city);
    let bytes = county.send(&city);
    city.take(&bytes);
    let dir = city.store.dir().to_path_buf();
    let today = NaiveDate::from_ymd_opt(2023, 3, 10).unwrap();
    city.store.set_today(today).unwrap();
    let Office {
        dir: _keep, store, ..
    } = city;
    drop(store);
    let out = common::stdout(&common::peixun(&dir, &["report", "checklist"]));
    let echeng = out.lines().find(|l| l.contains("鄂城区")).unwrap();
    // The demo clock of the store is before the bundle came: it counts as today.
    assert!(echeng.contains("截至第 2 号包，今天收到"), "{echeng}");
    let huarong = out.lines().find(|l| l.contains("华容区")).unwrap();
    assert!(huarong.contains("尚未收到"), "{huarong}");
    let own = out
        .lines()
        .find(|l| l.contains("city.plan_summary"))
        .unwrap();
    assert!(own.contains("本单位"), "{own}");
    let out = common::stdout(&common::peixun(&dir, &["report", "coverage"]));
    assert!(out.contains("数据截至"), "{out}");
    let echeng = out.lines().find(|l| l.contains("鄂城区")).unwrap();
    assert!(echeng.contains("截至第 2 号包"), "{echeng}");
    let json = common::json(&common::peixun(&dir, &["report", "coverage", "--json"]));
    let row = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == ECHENG)
        .unwrap();
    assert_eq!(row["received"]["link_seq"], 2);
    let en = common::stdout(&common::peixun(
        &dir,
        &["--lang", "en", "report", "checklist"],
    ));
    assert!(en.contains("as of bundle 2, received today"), "{en}");
    assert!(en.contains("nothing received yet"), "{en}");
}

/// The line of `report checklist` output for `unit`'s item `item`.
fn row<'a>(out: &'a str, unit: &str, item: &str) -> &'a str {
    out.lines()
        .find(|l| l.starts_with(unit) && l.contains(item))
        .unwrap_or_else(|| panic!("no {unit} {item} in\n{out}"))
}

#[test]
fn one_units_report_says_how_current_that_unit_is() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    county.person(1, "欧阳明月", PHONE, None);
    city.take(&county.send(&city));
    let (_keep, dir) = city.close(NaiveDate::from_ymd_opt(2023, 3, 10).unwrap());
    let out = common::stdout(&common::peixun(
        &dir,
        &["report", "checklist", "--office", "鄂城区"],
    ));
    let rows: Vec<&str> = out.lines().filter(|l| l.contains("county.")).collect();
    assert!(rows.len() > 5, "{out}");
    for row in rows {
        assert!(row.contains("截至第 1 号包，今天收到"), "{row}");
    }
    assert!(!out.contains("本单位"), "{out}");
    let out = common::stdout(&common::peixun(
        &dir,
        &["report", "coverage", "--office", ECHENG],
    ));
    let echeng = out
        .lines()
        .skip(3)
        .find(|l| l.starts_with("鄂城区"))
        .unwrap();
    assert!(echeng.contains("截至第 1 号包，今天收到"), "{echeng}");
    // The city's own rows are still its own in the report of all its units.
    let out = common::stdout(&common::peixun(&dir, &["report", "checklist"]));
    assert!(
        row(&out, "鄂州市", "city.plan_summary").contains("本单位"),
        "{out}"
    );
}

#[test]
fn relayed_work_names_the_office_it_came_through() {
    let (province, city, county) = relay_chain();
    county.person(1, "欧阳明月", PHONE, None);
    city.take(&county.send(&city));
    city.take(&county.send(&city));
    province.take(&city.send(&province));
    let today = NaiveDate::from_ymd_opt(2023, 3, 10).unwrap();
    let (_keep_province, at_province) = province.close(today);
    let (_keep_city, at_city) = city.close(today);

    // The county's second bundle came straight to the city: the short form.
    let out = common::stdout(&common::peixun(&at_city, &["report", "checklist"]));
    let echeng = row(&out, "鄂城区", "county.plan");
    assert!(echeng.contains("截至第 2 号包，今天收到"), "{echeng}");

    // At the province the county's work came in the city's first bundle, and says so.
    let out = common::stdout(&common::peixun(&at_province, &["report", "checklist"]));
    let echeng = row(&out, "鄂城区", "county.plan");
    assert!(
        echeng.contains("截至 鄂州市 第 1 号包，今天收到"),
        "{echeng}"
    );
    let ezhou = row(&out, "鄂州市", "city.plan_summary");
    assert!(ezhou.contains("截至第 1 号包，今天收到"), "{ezhou}");
    let out = common::stdout(&common::peixun(
        &at_province,
        &["report", "checklist", "--office", "鄂州市"],
    ));
    let ezhou = row(&out, "鄂州市", "city.plan_summary");
    assert!(ezhou.contains("截至第 1 号包，今天收到"), "{ezhou}");
    let echeng = row(&out, "鄂城区", "county.plan");
    assert!(echeng.contains("截至 鄂州市 第 1 号包"), "{echeng}");
    assert!(!out.contains("本单位"), "{out}");
    let out = common::stdout(&common::peixun(
        &at_province,
        &["--lang", "en", "report", "checklist"],
    ));
    let echeng = row(&out, "鄂城区", "county.plan");
    assert!(
        echeng.contains("as of bundle 1 from 鄂州市, received today"),
        "{echeng}"
    );
    let ezhou = row(&out, "鄂州市", "city.plan_summary");
    assert!(ezhou.contains("as of bundle 1, received today"), "{ezhou}");
    let out = common::stdout(&common::peixun(&at_province, &["report", "coverage"]));
    let echeng = out
        .lines()
        .skip(3)
        .find(|l| l.starts_with("鄂城区"))
        .unwrap();
    assert!(echeng.contains("截至 鄂州市 第 1 号包"), "{echeng}");
    let json = common::json(&common::peixun(
        &at_province,
        &["report", "coverage", "--json"],
    ));
    let received = |unit: &str| {
        json.as_array()
            .unwrap()
            .iter()
            .find(|r| r["unit"] == unit)
            .unwrap()["received"]
            .clone()
    };
    assert_eq!(received(ECHENG)["sender"], EZHOU);
    assert_eq!(received(ECHENG)["link_seq"], 1);
    assert_eq!(received(EZHOU)["sender"], EZHOU);
}

#[test]
fn build_alone_does_not_count_as_sent() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    county.pin(&city);
    let _ = build(
        &county.store,
        &county.keys,
        EZHOU,
        &ExportOptions::default(),
    )
    .unwrap();
    assert_eq!(county.store.last_sent(EZHOU).unwrap(), None);
}
