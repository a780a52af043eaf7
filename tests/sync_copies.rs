//! A county's data folder copied to a second machine: both copies go on working, and the city
//! gets both halves without a fork; both ends are told.

use std::path::Path;

use crate::common::offices::*;
use peixun::log::Payload;
use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::import::{import_bytes, Outcome};
use peixun::sync::{trust, Keys};

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

fn send(store: &Store, keys: &Keys, to: &Office) -> Outcome {
    let (bytes, exported) = build(store, keys, to.id(), &ExportOptions::default()).unwrap();
    store.set_link_seq(to.id(), exported.link_seq).unwrap();
    import_bytes(&to.store, &to.keys, &bytes).unwrap()
}

fn work(store: &Store, title: &str) -> String {
    let id = store.new_id('S').unwrap();
    store.commit(vec![session(ECHENG, &id, title)]).unwrap();
    id
}

#[test]
fn a_copied_folder_becomes_a_second_device_and_the_city_gets_both() {
    let city = Office::new(EZHOU);
    let root = tempfile::tempdir().unwrap();
    let first = root.path().join("laptop");
    let (device, early) = {
        let store = Store::create(&first, ECHENG, "王芳").unwrap();
        let keys = Keys::create(&first, ECHENG).unwrap();
        let card = city.keys.card().unwrap();
        trust::trust_card(&store, &card, &card.fingerprint()).unwrap();
        let ours = keys.card().unwrap();
        trust::trust_card(&city.store, &ours, &ours.fingerprint()).unwrap();
        let early = work(&store, "复制前");
        assert!(matches!(send(&store, &keys, &city), Outcome::Imported(_)));
        (store.device(), early)
    };
    let second = root.path().join("desktop");
    copy_dir(&first, &second);

    let a = Store::open(&first).unwrap();
    let b = Store::open(&second).unwrap();
    assert_eq!(a.device(), device, "the folder at home keeps its device");
    assert_ne!(b.device(), device, "the copy writes as a new device");
    let moved = b.rehomed().unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].old_device, device);
    assert!(a.rehomed().unwrap().is_empty());
    // Said on this open (the interface shows it on its status line), not on the next.
    assert!(b.rehomed_on_open() && !a.rehomed_on_open());
    let (ka, kb) = (
        Keys::load(&first, ECHENG).unwrap(),
        Keys::load(&second, ECHENG).unwrap(),
    );

    let from_a = work(&a, "原机器");
    let from_b = work(&b, "复制的机器");
    assert_ne!(from_a, from_b, "record ids stay apart");
    let Outcome::Imported(one) = send(&a, &ka, &city) else {
        panic!("first copy refused")
    };
    let Outcome::Imported(two) = send(&b, &kb, &city) else {
        panic!("second copy refused")
    };
    assert_eq!(one.link_seq, two.link_seq, "both copies number alike");
    assert!(one.twin_of.is_none());
    assert!(two.twin_of.is_some(), "the city is told");
    assert_eq!((one.counts.applied, two.counts.applied), (1, 1));
    assert!(two.counts.quarantined.is_empty(), "no fork");
    for id in [&early, &from_a, &from_b] {
        assert!(city.store.session(id).unwrap().is_some(), "{id}");
    }
    city.assert_consistent();

    // The original hears of its twin from the city.
    let (bytes, _) = build(&city.store, &city.keys, ECHENG, &ExportOptions::default()).unwrap();
    let Outcome::Imported(back) = import_bytes(&a, &ka, &bytes).unwrap() else {
        panic!("refused")
    };
    assert_eq!(
        back.other_installs,
        vec![peixun::sync::device_label(b.device())]
    );
    let lines = peixun::sync::summary::outcome_lines("x.pxb", &Outcome::Imported(back));
    assert!(lines.iter().any(|l| l.contains("另一份安装")), "{lines:?}");
}

/// A folder moved to another place writes as a new device from then on, and says so once.
#[test]
fn a_moved_folder_writes_as_a_new_device_once() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("county");
    let old = {
        let store = Store::create(&dir, ECHENG, "王芳").unwrap();
        store
            .commit(vec![Payload::ChecklistMarked {
                unit: ECHENG.into(),
                item: "county.contact".into(),
                status: peixun::domain::MarkStatus::Done,
                note: String::new(),
            }])
            .unwrap();
        store.device()
    };
    let moved = root.path().join("moved");
    std::fs::rename(&dir, &moved).unwrap();
    let new = {
        let store = Store::open(&moved).unwrap();
        assert_ne!(store.device(), old);
        assert_eq!(store.heads().unwrap().len(), 1, "the old chain stays");
        store.device()
    };
    let reopened = Store::open(&moved).unwrap();
    assert_eq!(reopened.device(), new, "at its new home it stays put");
    assert!(!reopened.rehomed_on_open());
    assert_eq!(
        reopened.rehomed().unwrap().len(),
        1,
        "moved once, told once"
    );
}
