//! Schema 6 to 7: a store that keeps its phone and code lookups a key per pair opens with them
//! in buckets, made again from the people's records in a fresh copy of the database.

use crate::common::{raw_sled, schema_of};
use peixun::domain::Person;
use peixun::log::{rebuild, Payload};
use peixun::search::lookup;
use peixun::store::Store;

fn person(n: u32) -> Person {
    Person {
        id: format!("P-420704-test-{n}"),
        office: "420704".to_string(),
        name: format!("学员{n}"),
        // Two people share each phone, as a couple registered by one mobile do.
        phone: format!("1380000{:04}", n / 2),
        position: "知识产权专员".into(),
        enterprise: None,
        code: format!("C{n}"),
    }
}

/// Puts the lookups back as schema 6 kept them, `h/{phone}/{person}` and `o/{code}/{person}`
/// with nothing in them, and says so.
fn as_schema_6(dir: &std::path::Path, people: &[Person]) {
    let db = raw_sled(dir);
    let state = db.open_tree("state").unwrap();
    for prefix in ["h/", "o/"] {
        for key in state.scan_prefix(prefix).keys() {
            state.remove(key.unwrap()).unwrap();
        }
    }
    for p in people {
        state
            .insert(format!("h/{}/{}", p.phone, p.id), Vec::new())
            .unwrap();
        state
            .insert(format!("o/{}/{}", p.code, p.id), Vec::new())
            .unwrap();
    }
    db.open_tree("meta")
        .unwrap()
        .insert("schema", &6u32.to_be_bytes())
        .unwrap();
    db.flush().unwrap();
}

fn state_keys(dir: &std::path::Path, prefix: &str) -> Vec<String> {
    let state = raw_sled(dir).open_tree("state").unwrap();
    state
        .scan_prefix(prefix)
        .keys()
        .map(|key| String::from_utf8(key.unwrap().to_vec()).unwrap())
        .collect()
}

#[test]
fn lookups_kept_a_key_per_pair_move_into_buckets_as_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), "420704", "测试员").unwrap();
    let mut people: Vec<Person> = (0..40).map(person).collect();
    for p in &people {
        store
            .commit(vec![Payload::PersonUpserted(p.clone())])
            .unwrap();
    }
    // A changed phone: only the new one finds them.
    people[7].phone = "13900000007".to_string();
    store
        .commit(vec![Payload::PersonUpserted(people[7].clone())])
        .unwrap();
    let ops: Vec<_> = store.ops().collect::<Result<_, _>>().unwrap();
    drop(store);
    as_schema_6(dir.path(), &people);
    assert_eq!(state_keys(dir.path(), "h/").len(), 40, "a key per pair");

    let store = Store::open(dir.path()).unwrap();
    let found = |phone: &str| -> Vec<String> {
        let first = lookup::by_phone(&store, phone).unwrap();
        first.into_iter().map(|p| p.id).collect()
    };
    assert_eq!(found("13800000001"), ["P-420704-test-2"]);
    assert_eq!(found("13900000007"), ["P-420704-test-7"]);
    assert_eq!(found("13800000003"), ["P-420704-test-6"], "7 moved away");
    assert!(found("13800009999").is_empty());
    let by_code: Vec<String> = lookup::by_code(&store, "c12")
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(by_code, ["P-420704-test-12"]);
    // The state is what folding the log gives, as `doctor` checks.
    let stored: std::collections::BTreeMap<String, Vec<u8>> =
        store.state_entries().unwrap().into_iter().collect();
    assert_eq!(stored, rebuild(&ops).unwrap());
    drop(store);

    let keys = state_keys(dir.path(), "h/");
    assert!(
        keys.iter()
            .all(|key| peixun::log::lookup_buckets::is_bucket(key)),
        "{keys:?}"
    );
    assert!(keys.len() < 40);
    assert_eq!(
        schema_of(&raw_sled(dir.path())),
        peixun::store::SCHEMA_VERSION
    );
    assert!(!dir.path().join("db.relog").exists() && !dir.path().join("db.before").exists());
}

#[test]
fn two_people_with_one_phone_are_both_in_its_bucket_and_the_first_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), "420704", "测试员").unwrap();
    for n in [4, 5] {
        store
            .commit(vec![Payload::PersonUpserted(person(n))])
            .unwrap();
    }
    let found = lookup::by_phone(&store, "13800000002").unwrap().unwrap();
    assert_eq!(found.id, "P-420704-test-4");
    let bucket = peixun::log::lookup_buckets::phone_bucket("13800000002");
    let bytes = store
        .state_entries()
        .unwrap()
        .into_iter()
        .find(|(key, _)| *key == bucket)
        .map(|(_, bytes)| bytes);
    let listed = peixun::log::lookup_buckets::Bucket::decode(bytes.as_deref())
        .unwrap()
        .people("13800000002");
    assert_eq!(listed, ["P-420704-test-4", "P-420704-test-5"]);
}
