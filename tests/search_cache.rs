//! The search index kept beside the store: `peixun search` answers from it without opening the
//! store. A few people changed by a command are kept beside it (`search.changes`); every other
//! way people change (a bundle, an import, an enterprise) removes it first, so an answer is never
//! older than the store.

use crate::common;

use crate::common::offices::{county_work, hierarchy, person, Office, ECHENG, EZHOU, PHONE};
use crate::common::{json, peixun, stdout, text};
use peixun::search::cache;
use peixun::store::derived::{search_index_path, DerivedFile};

fn names(found: &serde_json::Value) -> Vec<String> {
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["name"].as_str().unwrap().to_string())
        .collect()
}

/// A new city store with 张三 in it.
fn store_with_zhang_san(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let store = dir.path().join("store");
    stdout(&peixun(&store, &["init", "--office", EZHOU]));
    stdout(&peixun(
        &store,
        &["person", "add", "--name", "张三", "--phone", "13800001234"],
    ));
    store
}

#[test]
fn search_keeps_its_index_and_a_new_person_is_kept_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_zhang_san(&dir);
    let index = search_index_path(&store);
    assert!(!index.exists());
    let first = json(&peixun(&store, &["search", "zs", "--json"]));
    assert_eq!(names(&first), ["张三"]);
    assert!(index.exists(), "the first search keeps the index");
    // Answered from the index alone: the same people.
    assert_eq!(json(&peixun(&store, &["search", "zs", "--json"])), first);
    stdout(&peixun(
        &store,
        &["person", "add", "--name", "赵松", "--phone", "13900005678"],
    ));
    assert!(index.exists(), "adding a person keeps the index");
    assert!(
        store.join("search.changes").exists(),
        "with the person beside it"
    );
    let after = json(&peixun(&store, &["search", "zs", "--json"]));
    assert_eq!(names(&after).len(), 2, "{after}");
    assert!(names(&after).contains(&"赵松".to_string()));
    // Renamed: found by the new name only.
    let id = json(&peixun(&store, &["search", "13900005678", "--json"]))[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let held = peixun::store::Store::open(&store).unwrap();
    let renamed = peixun::domain::Person {
        id: id.clone(),
        office: EZHOU.into(),
        name: "钱多".into(),
        phone: "13900005678".into(),
        position: String::new(),
        enterprise: None,
        code: held.person(&id).unwrap().unwrap().code,
    };
    held.commit(vec![peixun::log::Payload::PersonUpserted(renamed)])
        .unwrap();
    drop(held);
    assert_eq!(
        names(&json(&peixun(&store, &["search", "zs", "--json"]))),
        ["张三"]
    );
    assert_eq!(
        names(&json(&peixun(&store, &["search", "qd", "--json"]))),
        ["钱多"]
    );
    let doctor = peixun(&store, &["doctor"]);
    assert!(doctor.status.success(), "{}", text(&doctor));
    assert!(!text(&doctor).contains("search.idx"), "{}", text(&doctor));
    // The changes damaged: the index is not believed, and is built again.
    let changes = store.join("search.changes");
    let mut bytes = std::fs::read(&changes).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&changes, &bytes).unwrap();
    assert!(cache::load(&store).unwrap().is_none());
    assert_eq!(
        names(&json(&peixun(&store, &["search", "qd", "--json"]))),
        ["钱多"]
    );
    assert!(
        cache::load(&store).unwrap().is_some(),
        "kept again, with its changes"
    );
}

#[test]
fn a_check_in_keeps_the_index_and_a_damaged_one_is_built_again() {
    let county = Office::new(ECHENG);
    county_work(&county, "a");
    let index = search_index_path(county.store.dir());
    let built = cache::office_index(&county.store).unwrap();
    assert!(index.exists());
    assert_eq!(built.people().count(), 1);
    // Nothing a search shows changed: the index stays.
    county
        .store
        .commit(vec![
            peixun::log::Payload::CheckedIn {
                session: format!("S-{ECHENG}-a"),
                person: format!("P-{ECHENG}-a"),
                at: common::offices::day().and_hms_opt(13, 30, 0).unwrap(),
            },
            peixun::log::Payload::ChecklistMarked {
                unit: ECHENG.into(),
                item: "county.plan".into(),
                status: peixun::domain::MarkStatus::Done,
                note: String::new(),
            },
        ])
        .unwrap();
    assert!(index.exists());
    let mut bytes = std::fs::read(&index).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&index, &bytes).unwrap();
    assert!(cache::load(county.store.dir()).unwrap().is_none());
    let rebuilt = cache::office_index(&county.store).unwrap();
    assert_eq!(rebuilt.people().count(), 1);
    assert!(cache::load(county.store.dir()).unwrap().is_some());
}

#[test]
fn people_arriving_by_bundle_remove_the_index() {
    let (_province, city, county) = hierarchy();
    cache::office_index(&city.store).unwrap();
    let index = search_index_path(city.store.dir());
    assert!(index.exists());
    county_work(&county, "b");
    city.applied(&county.send(&city));
    assert!(!index.exists(), "the bundle's people removed the index");
    let found = cache::office_index(&city.store).unwrap();
    let hits = found.search(&PHONE[PHONE.len() - 4..], 5);
    assert_eq!(hits.len(), 1);
    assert_eq!(found.entry(&hits[0]).phone, PHONE);
}

#[test]
fn an_index_built_before_a_change_is_not_kept_after_it() {
    let county = Office::new(ECHENG);
    county_work(&county, "c");
    let generation = county
        .store
        .derived_generation(DerivedFile::Search)
        .unwrap();
    let o = county.id().to_string();
    county
        .store
        .commit(vec![person(
            &o,
            &format!("P-{o}-late"),
            "李四",
            "13700000001",
            &format!("E-{o}-c"),
        )])
        .unwrap();
    assert!(!county
        .store
        .save_derived(DerivedFile::Search, generation, |out| out.write_all(b"old"))
        .unwrap());
    assert!(!search_index_path(county.store.dir()).exists());
    assert_eq!(
        cache::office_index(&county.store).unwrap().people().count(),
        2
    );
}

#[test]
fn search_does_not_read_the_index_while_another_peixun_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_with_zhang_san(&dir);
    stdout(&peixun(&store, &["search", "zs"]));
    // Another peixun holds the store: the kept index is not read behind its back.
    let held = peixun::store::Store::open(&store).unwrap();
    let refused = peixun(&store, &["search", "zs"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("另一个 peixun"),
        "{}",
        text(&refused)
    );
    drop(held);
    let missing = tempfile::tempdir().unwrap();
    let none = peixun(&missing.path().join("nothing"), &["search", "zs"]);
    assert!(!none.status.success());
    assert!(!text(&none).is_empty());
}

#[test]
fn an_index_written_in_another_folder_is_not_believed() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours");
    let theirs = dir.path().join("theirs");
    for (store, name, phone) in [
        (&ours, "张三", "13800001234"),
        (&theirs, "李四", "13900005678"),
    ] {
        stdout(&peixun(store, &["init", "--office", EZHOU]));
        stdout(&peixun(
            store,
            &["person", "add", "--name", name, "--phone", phone],
        ));
        stdout(&peixun(store, &["search", name]));
    }
    stdout(&peixun(&ours, &["doctor"]));
    // Someone copies the other office's folder contents over ours, all but the database.
    for name in ["search.idx", "search.changes"] {
        std::fs::copy(theirs.join(name), ours.join(name)).unwrap();
    }
    assert_eq!(
        names(&json(&peixun(&ours, &["search", "zs", "--json"]))),
        ["张三"],
        "read from our store, not the copy"
    );
    stdout(&peixun(&ours, &["doctor"]));
    // A stale index written in this folder bears its mark: only doctor finds it out.
    let stale: Vec<Vec<u8>> = ["search.idx", "search.changes"]
        .map(|name| std::fs::read(ours.join(name)).unwrap())
        .into();
    stdout(&peixun(
        &ours,
        &["person", "add", "--name", "赵松", "--phone", "13900001111"],
    ));
    for (name, bytes) in ["search.idx", "search.changes"].iter().zip(&stale) {
        std::fs::write(ours.join(name), bytes).unwrap();
    }
    assert_eq!(
        names(&json(&peixun(&ours, &["search", "zs", "--json"]))),
        ["张三"]
    );
    let doctor = peixun(&ours, &["--lang", "en", "doctor"]);
    assert!(!doctor.status.success());
    assert!(text(&doctor).contains("search.idx"), "{}", text(&doctor));
    assert_eq!(
        names(&json(&peixun(&ours, &["search", "zs", "--json"]))).len(),
        2
    );
    // The whole folder copied: the copy's first search opens the store, which says so.
    let copy = dir.path().join("copy");
    common::copy_folder(&ours, &copy);
    let found = peixun(&copy, &["--lang", "en", "search", "zs"]);
    assert!(found.status.success(), "{}", text(&found));
    assert!(text(&found).contains("copied or moved"), "{}", text(&found));
}

#[test]
fn a_new_store_does_not_believe_an_index_left_in_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let old = store_with_zhang_san(&dir);
    stdout(&peixun(&old, &["search", "zs"]));
    // The database is deleted by hand and a new office begins in the same folder.
    std::fs::remove_dir_all(old.join("db")).unwrap();
    stdout(&peixun(&old, &["init", "--office", EZHOU]));
    assert!(!search_index_path(&old).exists());
    assert!(!peixun(&old, &["search", "zs"]).status.success());
}
