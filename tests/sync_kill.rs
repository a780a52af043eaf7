//! An import killed with SIGKILL while it runs (reading, checking, staging or committing a large
//! bundle) leaves the store as it was before or as it is after, never in between: the op log,
//! the heads and the state are one sled transaction, and `peixun doctor` passes on reopening.

mod common;

use std::path::Path;
use std::time::Instant;

use common::run_killed;
use peixun::domain::{Enterprise, Person};
use peixun::log::Payload;
use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::{trust, Card, Keys};

const CITY: &str = "420700";
const COUNTY: &str = "420704";
const PEOPLE: usize = 15_000;

/// A county with 30,000 ops (an enterprise and a person each): its bundle for the city, and
/// its identity card.
fn big_bundle(city_keys: &Keys) -> (Vec<u8>, Card) {
    let dir = tempfile::tempdir().unwrap();
    let county = Store::create(&dir.path().join("store"), COUNTY, "测试员").unwrap();
    let keys = Keys::create(county.dir(), COUNTY).unwrap();
    let card = city_keys.card().unwrap();
    trust::trust_card(&county, &card, &card.fingerprint()).unwrap();
    for chunk in 0..PEOPLE / 1_000 {
        let mut payloads = Vec::new();
        for n in chunk * 1_000..(chunk + 1) * 1_000 {
            let e = format!("E-{COUNTY}-{n}");
            payloads.push(Payload::EnterpriseUpserted(Enterprise {
                id: e.clone(),
                office: COUNTY.into(),
                name: format!("鄂城区第 {n} 号企业有限公司"),
                credit_code: None,
                categories: Default::default(),
                unit: COUNTY.into(),
            }));
            payloads.push(Payload::PersonUpserted(Person {
                id: format!("P-{COUNTY}-{n}"),
                office: COUNTY.into(),
                name: "欧阳明月".into(),
                phone: format!("138{n:08}"),
                position: "知识产权专员".into(),
                enterprise: Some(e),
                code: format!("C{n}"),
            }));
        }
        county.commit(payloads).unwrap();
    }
    let bytes = build(&county, &keys, CITY, &ExportOptions::default())
        .unwrap()
        .0;
    (bytes, keys.card().unwrap())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// (ops in the log, state entries) of a closed store.
fn counts(dir: &Path) -> (usize, usize) {
    let store = Store::open(dir).unwrap();
    (store.ops().count(), store.state_entries().unwrap().len())
}

#[test]
fn an_import_killed_midway_leaves_the_store_before_or_after() {
    let work = tempfile::tempdir().unwrap();
    let template = work.path().join("template");
    let city = Store::create(&template, CITY, "测试员").unwrap();
    let keys = Keys::create(city.dir(), CITY).unwrap();
    let (bytes, county_card) = big_bundle(&keys);
    trust::trust_card(&city, &county_card, &county_card.fingerprint()).unwrap();
    let before = (city.ops().count(), city.state_entries().unwrap().len());
    drop(city);
    let bundle = work.path().join("big.pxb");
    std::fs::write(&bundle, &bytes).unwrap();

    // How long a whole import takes here, to kill at points spread across it.
    let full = work.path().join("full");
    copy_dir(&template, &full);
    let started = Instant::now();
    common::stdout(&common::peixun(
        &full,
        &["bundle", "import", bundle.to_str().unwrap()],
    ));
    let took = started.elapsed();
    let after = counts(&full);
    assert_eq!(after.0, 2 * PEOPLE);
    assert!(after.1 > before.1);

    let mut killed = 0;
    let mut outcomes = Vec::new();
    for tenth in 1..=9u32 {
        let dir = work.path().join(format!("killed-{tenth}"));
        copy_dir(&template, &dir);
        if !run_killed(
            &dir,
            &["bundle", "import", bundle.to_str().unwrap()],
            took * tenth / 10,
        ) {
            continue;
        }
        killed += 1;
        let now = counts(&dir);
        assert!(
            now == before || now == after,
            "killed at {tenth}/10 of {took:?}: {now:?} is neither {before:?} nor {after:?}"
        );
        let doctor = common::peixun(&dir, &["doctor"]);
        assert!(
            doctor.status.success(),
            "doctor after a kill at {tenth}/10: {}",
            common::text(&doctor)
        );
        // Whatever the kill left, importing again finishes the job.
        common::stdout(&common::peixun(
            &dir,
            &["bundle", "import", bundle.to_str().unwrap()],
        ));
        assert_eq!(counts(&dir), after);
        outcomes.push(now == before);
    }
    assert!(
        killed >= 5,
        "only {killed} runs were still going when killed"
    );
    // The early kills land before the commit, so the store was left exactly as before.
    assert!(
        outcomes.iter().any(|was_before| *was_before),
        "{outcomes:?}"
    );
}
