//! The store's promises: one process at a time, refusing newer or damaged stores without writing,
//! and state that always equals the fold of the logs.

use crate::common::{raw_sled, schema_of};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use peixun::domain::{MarkStatus, Person, Session, SessionKind};
use peixun::log::{rebuild, Payload};
use peixun::store::{Store, StoreError};
use proptest::prelude::*;

fn session(store: &Store, n: u32) -> Session {
    Session {
        id: format!("S-{}-test-{n}", store.office()),
        office: store.office().to_string(),
        kind: SessionKind::Offline,
        title: format!("第{n}场"),
        units: vec![store.office().to_string()],
        host: store.office().to_string(),
        cohost: None,
        date: NaiveDate::from_ymd_opt(2023, 3, 1 + n % 28).unwrap(),
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        venue: "鄂城区政务服务中心".into(),
        courses: vec![],
        audience: "企业高管、代表".into(),
        capacity: 100 + n,
    }
}

fn person(store: &Store, n: u32) -> Person {
    Person {
        id: format!("P-{}-test-{n}", store.office()),
        office: store.office().to_string(),
        name: format!("学员{n}"),
        phone: format!("1380000{n:04}"),
        position: "知识产权专员".into(),
        enterprise: None,
        code: format!("C{n}"),
    }
}

fn new_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), "420704", "测试员").unwrap();
    (dir, store)
}

#[test]
fn a_second_opener_is_refused_with_a_clear_error() {
    let (dir, store) = new_store();
    let err = Store::open(dir.path())
        .err()
        .expect("second open must fail");
    assert!(matches!(
        err.downcast_ref::<StoreError>(),
        Some(StoreError::Locked { .. })
    ));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
        .args(["--data-dir"])
        .arg(dir.path())
        .args([
            "session",
            "add",
            "--title",
            "x",
            "--date",
            "2023-03-01",
            "--venue",
            "v",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    // It says who holds the store: this test's process.
    let pid = format!("进程 {}", std::process::id());
    assert!(
        stderr.contains("另一个 peixun") && stderr.contains(&pid) && stderr.contains("正在使用"),
        "{stderr}"
    );
    assert!(store.sessions().unwrap().is_empty(), "nothing was written");
    let who = |lang: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
            .args(["--lang", lang, "--data-dir"])
            .arg(dir.path())
            .arg("who")
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let held = who("zh");
    assert!(held.contains(&pid), "{held}");
    assert!(who("en").contains(&format!("process {}", std::process::id())));
    drop(store);
    assert!(who("zh").contains("现在没有 peixun"), "{}", who("zh"));
}

#[test]
fn init_refuses_to_overwrite_a_store() {
    let (dir, store) = new_store();
    drop(store);
    let err = Store::create(dir.path(), "420703", "x").err().unwrap();
    assert!(matches!(
        err.downcast_ref::<StoreError>(),
        Some(StoreError::AlreadyExists(_))
    ));
    assert_eq!(Store::open(dir.path()).unwrap().office(), "420704");
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let (dir, store) = new_store();
    store
        .commit(vec![Payload::SessionUpserted(session(&store, 1))])
        .unwrap();
    drop(store);
    {
        let db = raw_sled(dir.path());
        db.open_tree("meta")
            .unwrap()
            .insert("schema", &99u32.to_be_bytes())
            .unwrap();
        db.flush().unwrap();
    }
    let err = Store::open(dir.path()).err().unwrap();
    assert!(matches!(
        err.downcast_ref::<StoreError>(),
        Some(StoreError::NewerSchema { found: 99, .. })
    ));
    let db = raw_sled(dir.path());
    assert_eq!(db.open_tree("oplog").unwrap().len(), 1, "nothing written");
}

#[test]
fn a_damaged_store_gives_a_clear_error_and_nonzero_exit() {
    let (dir, store) = new_store();
    store
        .commit(vec![Payload::SessionUpserted(session(&store, 1))])
        .unwrap();
    drop(store);
    std::fs::write(dir.path().join("db").join("conf"), b"\xff\xfegarbage").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("sessions")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("已损坏"), "{stderr}");
}

#[test]
fn ops_record_who_when_and_which_device() {
    let (_dir, store) = new_store();
    let ops = store
        .commit(vec![
            Payload::SessionUpserted(session(&store, 1)),
            Payload::PersonUpserted(person(&store, 1)),
        ])
        .unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!((ops[0].seq, ops[1].seq), (1, 2));
    assert_eq!(ops[0].prev, [0; 32]);
    assert_eq!(
        ops[1].prev,
        peixun::log::Op::hash_of(&ops[0].encode().unwrap())
    );
    assert!(ops[0].hlc < ops[1].hlc);
    assert_eq!(ops[1].actor, "测试员");
    assert_eq!(ops[1].device, store.device());
    let trail = store.ops_for_record(&person(&store, 1).id).unwrap();
    assert_eq!(trail.len(), 1);
}

#[test]
fn another_offices_records_cannot_be_changed() {
    let (_dir, store) = new_store();
    let mut foreign = session(&store, 1);
    foreign.office = "420703".into();
    let err = store
        .commit(vec![Payload::SessionUpserted(foreign.clone())])
        .err()
        .unwrap();
    let said = err.to_string();
    assert!(
        said.contains(&format!(
            "不能修改场次 {}：记录写的所属单位是 华容区",
            foreign.id
        )),
        "{said}"
    );
    let err = store
        .commit(vec![Payload::ChecklistMarked {
            unit: "420703".into(),
            item: "plan".into(),
            status: MarkStatus::Done,
            note: String::new(),
        }])
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("不能修改华容区的清单项 plan"),
        "{err}"
    );
    assert!(
        matches!(err, peixun::store::CommitError::Refused(_)),
        "a refusal, not a failure"
    );
    assert_eq!(store.ops().count(), 0, "a refused batch writes nothing");
}

#[derive(Debug, Clone)]
enum Action {
    Session(u32, u32),
    Person(u32),
    Rephone(u32, u32),
    Enrol(u32, u32, bool),
    CheckIn(u32, u32, u32),
    Undo(u32, u32),
    Mark(u8),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0..4u32, 0..50u32).prop_map(|(s, c)| Action::Session(s, c)),
        (0..6u32).prop_map(Action::Person),
        (0..6u32, 0..3u32).prop_map(|(p, n)| Action::Rephone(p, n)),
        (0..4u32, 0..6u32, any::<bool>()).prop_map(|(s, p, e)| Action::Enrol(s, p, e)),
        (0..4u32, 0..6u32, 0..120u32).prop_map(|(s, p, m)| Action::CheckIn(s, p, m)),
        (0..4u32, 0..6u32).prop_map(|(s, p)| Action::Undo(s, p)),
        (0..3u8).prop_map(Action::Mark),
    ]
}

fn payload(store: &Store, action: &Action) -> Payload {
    let sid = |s: u32| session(store, s).id;
    let pid = |p: u32| person(store, p).id;
    match action {
        Action::Session(s, capacity) => {
            let mut session = session(store, *s);
            session.capacity = *capacity + 1;
            Payload::SessionUpserted(session)
        }
        Action::Person(p) => Payload::PersonUpserted(person(store, *p)),
        Action::Rephone(p, n) => {
            let mut changed = person(store, *p);
            changed.phone = format!("1390000{n:04}");
            Payload::PersonUpserted(changed)
        }
        Action::Enrol(s, p, enrolled) => Payload::EnrolmentSet {
            session: sid(*s),
            person: pid(*p),
            enrolled: *enrolled,
        },
        Action::CheckIn(s, p, minute) => Payload::CheckedIn {
            session: sid(*s),
            person: pid(*p),
            at: NaiveDateTime::new(
                NaiveDate::from_ymd_opt(2023, 3, 1).unwrap(),
                NaiveTime::from_hms_opt(8, 0, 0).unwrap()
                    + chrono::Duration::minutes(*minute as i64),
            ),
        },
        Action::Undo(s, p) => Payload::CheckInUndone {
            session: sid(*s),
            person: pid(*p),
        },
        Action::Mark(status) => Payload::ChecklistMarked {
            unit: store.office().to_string(),
            item: "plan".into(),
            status: [MarkStatus::Todo, MarkStatus::Done, MarkStatus::Waived][*status as usize],
            note: format!("note {status}"),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Whatever coordinators do, in whatever batches, the stored state is exactly the fold of the
    /// logs, and reopening the store gives the same state.
    #[test]
    fn applied_state_equals_the_rebuild_from_logs(
        batches in prop::collection::vec(prop::collection::vec(action(), 1..6), 1..12)
    ) {
        let (dir, store) = new_store();
        // Lists and doors belong to sessions, so the sessions come first.
        let opening: Vec<Payload> = (0..4).map(|s| payload(&store, &Action::Session(s, 10))).collect();
        store.commit(opening).unwrap();
        for batch in &batches {
            let payloads = batch.iter().map(|a| payload(&store, a)).collect();
            store.commit(payloads).unwrap();
        }
        let ops: Vec<_> = store.ops().collect::<Result<_, _>>().unwrap();
        let rebuilt = rebuild(&ops).unwrap();
        let stored: std::collections::BTreeMap<String, Vec<u8>> =
            store.state_entries().unwrap().into_iter().collect();
        prop_assert_eq!(&rebuilt, &stored);
        // The phone index names exactly the people who have that phone now.
        for p in store.people().unwrap() {
            prop_assert_eq!(peixun::search::lookup::by_phone(&store, &p.phone).unwrap().map(|q| q.phone), Some(p.phone.clone()));
        }
        for s in 0..4 {
            let id = session(&store, s).id;
            prop_assert_eq!(peixun::store::lists::enrolled_count(&store, &id).unwrap() as usize, peixun::store::lists::enrolled_ids(&store, &id).unwrap().len());
            prop_assert_eq!(peixun::store::lists::present_count(&store, &id).unwrap() as usize, peixun::store::lists::attendance(&store, &id).unwrap().len());
        }
        let total: usize = 4 + batches.iter().map(Vec::len).sum::<usize>();
        prop_assert_eq!(ops.len(), total);
        drop(store);
        let reopened = Store::open(dir.path()).unwrap();
        let again: std::collections::BTreeMap<String, Vec<u8>> =
            reopened.state_entries().unwrap().into_iter().collect();
        prop_assert_eq!(&again, &stored);
        // A later op continues the chain after a reopen.
        let op = reopened.commit(vec![payload(&reopened, &Action::Person(0))]).unwrap();
        prop_assert_eq!(op[0].seq as usize, total + 1);
    }
}

#[derive(Debug, Clone)]
enum Door {
    CheckIn(u32, u32),
    Undo(u32),
}

fn door() -> impl Strategy<Value = Door> {
    prop_oneof![
        (0..4u32, 0..60u32).prop_map(|(p, m)| Door::CheckIn(p, m)),
        (0..4u32).prop_map(Door::Undo),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Two laptops at one door: the second laptop's ops arrive late and out of clock order, yet
    /// the store ends exactly where a fold of both logs in clock order ends.
    #[test]
    fn attendance_from_two_laptops_is_the_same_in_any_arrival_order(
        steps in prop::collection::vec((any::<bool>(), door()), 1..30),
        split in 0..30usize,
    ) {
        let (_dir, store) = new_store();
        let s = session(&store, 0);
        let people: Vec<Person> = (0..4).map(|p| person(&store, p)).collect();
        let mut opening = vec![Payload::SessionUpserted(s.clone())];
        opening.extend(people.iter().cloned().map(Payload::PersonUpserted));
        let opened = store.commit(opening).unwrap();
        // The second laptop has the session (it came on a USB stick), so its clock is past it.
        let start = peixun::store::Head { office: "420704".into(), seq: 0, hash: [0; 32] };
        let seen = opened.last().unwrap().hlc;
        let mut laptop = peixun::demo::ChainWriter::continuing(0xB0B0_0000_0000_0001, &start, "李明", seen);
        let mut held = Vec::new();
        for (i, (on_laptop, step)) in steps.iter().enumerate() {
            let payload = match step {
                Door::CheckIn(p, minute) => Payload::CheckedIn {
                    session: s.id.clone(),
                    person: people[*p as usize].id.clone(),
                    at: NaiveDateTime::new(s.date, NaiveTime::from_hms_opt(8, 30, 0).unwrap())
                        + chrono::Duration::minutes(*minute as i64),
                },
                Door::Undo(p) => Payload::CheckInUndone {
                    session: s.id.clone(),
                    person: people[*p as usize].id.clone(),
                },
            };
            if *on_laptop {
                held.push(laptop.push(payload).unwrap());
            } else {
                store.commit(vec![payload]).unwrap();
            }
            if i == split && !held.is_empty() {
                store.import_foreign_chain(std::mem::take(&mut held)).unwrap();
            }
        }
        if !held.is_empty() {
            store.import_foreign_chain(held).unwrap();
        }
        let ops: Vec<_> = store.ops().collect::<Result<_, _>>().unwrap();
        let rebuilt = rebuild(&ops).unwrap();
        let stored: std::collections::BTreeMap<String, Vec<u8>> =
            store.state_entries().unwrap().into_iter().collect();
        prop_assert_eq!(&rebuilt, &stored);
        prop_assert_eq!(peixun::store::lists::present_count(&store, &s.id).unwrap() as usize, peixun::store::lists::attendance(&store, &s.id).unwrap().len());
    }
}

/// Writes `store`'s log back as schema 4 kept it, a key per op in `ops`, and says so: the
/// store a peixun of that version leaves.
fn as_schema_4(dir: &std::path::Path, ops: &[peixun::log::Op]) {
    let db = raw_sled(dir);
    db.drop_tree("oplog").unwrap();
    let old = db.open_tree("ops").unwrap();
    for op in ops {
        let mut key = op.device.to_be_bytes().to_vec();
        key.extend_from_slice(&op.seq.to_be_bytes());
        old.insert(key, op.encode().unwrap()).unwrap();
    }
    db.open_tree("meta")
        .unwrap()
        .insert("schema", &4u32.to_be_bytes())
        .unwrap();
    db.flush().unwrap();
}

/// A store of schema 4 opens with its log moved into runs: every op with its exact bytes, the
/// old tree gone, and the chain goes on from its head. A copy left half built by an upgrade cut
/// short is thrown away and the upgrade starts again.
#[test]
fn a_schema_4_log_moves_into_runs_op_for_op() {
    let (dir, store) = new_store();
    let mut ops = Vec::new();
    // Past a run's end, so that a chain spans runs.
    for i in 1..=150 {
        ops.extend(
            store
                .commit(vec![Payload::PersonUpserted(person(&store, i))])
                .unwrap(),
        );
    }
    drop(store);
    as_schema_4(dir.path(), &ops);
    let half = dir.path().join("db.relog");
    std::fs::create_dir_all(&half).unwrap();
    std::fs::write(half.join("db"), b"half a copy").unwrap();
    let store = Store::open(dir.path()).unwrap();
    let read: Vec<peixun::log::Op> = store.ops().collect::<Result<_, _>>().unwrap();
    assert_eq!(read, ops);
    let next = store
        .commit(vec![Payload::PersonUpserted(person(&store, 151))])
        .unwrap();
    assert_eq!(next[0].seq, 151);
    assert_eq!(
        next[0].prev,
        peixun::log::Op::hash_of(&ops[149].encode().unwrap())
    );
    assert_eq!(store.people().unwrap().len(), 151);
    drop(store);
    assert!(!half.exists() && !dir.path().join("db.before").exists());
    let db = raw_sled(dir.path());
    assert!(
        !db.tree_names().iter().any(|n| &n[..] == b"ops"),
        "the old log is gone"
    );
    assert_eq!(schema_of(&db), peixun::store::SCHEMA_VERSION);
    assert_eq!(
        db.open_tree("oplog").unwrap().len(),
        3,
        "151 ops in runs of 64"
    );
}

/// A swap cut short between its two renames ends whole at the next open: with the copy
/// complete it goes in, without it the store goes back.
#[test]
fn a_swap_cut_between_its_renames_ends_whole() {
    let (dir, store) = new_store();
    store
        .commit(vec![Payload::PersonUpserted(person(&store, 1))])
        .unwrap();
    drop(store);
    let (db, before, copy) = (
        dir.path().join("db"),
        dir.path().join("db.before"),
        dir.path().join("db.relog"),
    );
    // The store moved aside, the copy not yet in: it goes back.
    std::fs::rename(&db, &before).unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.people().unwrap().len(), 1);
    drop(store);
    assert!(!before.exists());
    // The copy complete under its own name, the old store aside: the copy goes in.
    std::fs::rename(&db, &copy).unwrap();
    std::fs::create_dir_all(&before).unwrap();
    std::fs::write(before.join("db"), b"the old store").unwrap();
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.people().unwrap().len(), 1);
    drop(store);
    assert!(!before.exists() && !copy.exists());
}

/// A store caught between the swap's two renames is still a store: `init` refuses it rather than
/// make an empty one the next open would keep in its place, and the lock alone finishes the swap.
#[test]
fn a_store_between_the_swaps_renames_is_not_an_empty_folder() {
    let (dir, store) = new_store();
    store
        .commit(vec![Payload::PersonUpserted(person(&store, 1))])
        .unwrap();
    drop(store);
    let (db, before) = (dir.path().join("db"), dir.path().join("db.before"));
    std::fs::rename(&db, &before).unwrap();
    assert!(Store::exists(dir.path()));
    let made = Store::create(dir.path(), "420704", "测试员");
    assert!(made.is_err(), "init over a store in the middle of a move");
    assert!(!db.exists() && before.exists(), "nothing written");
    let lock = Store::lock_only(dir.path()).unwrap();
    assert!(db.exists() && !before.exists(), "the store went back");
    drop(lock);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.people().unwrap().len(), 1);
}

/// The certification summary kept beside the store is read back while the log has not moved,
/// brought up to date after a write to a few people, and worked out again after any other; one
/// read while a write came is not kept.
#[test]
fn a_kept_cert_summary_holds_only_until_the_next_op() {
    use peixun::cert::kept::{self, CityCounts, Summary};
    let (_dir, store) = new_store();
    let rules = peixun::cert::Rules::load().unwrap();
    let real = kept::summary(&store, &rules).unwrap();
    assert_eq!(real, Summary::default(), "nobody yet");
    let mut marked = Summary::default();
    marked.cities.push(CityCounts {
        city: "420700".into(),
        counts: [9, 0, 0, 0, 0],
    });
    let key = kept::key(&store, &rules).unwrap();
    kept::keep(&store, &rules, &key, store.quiet(), &marked);
    assert_eq!(kept::summary(&store, &rules).unwrap(), marked, "read back");
    // The check finds it is not what the book gives, and removes it.
    assert!(!kept::kept_is_current(&store, &rules).unwrap());
    assert_eq!(kept::summary(&store, &rules).unwrap(), Summary::default());
    assert!(kept::kept_is_current(&store, &rules).unwrap());
    kept::keep(&store, &rules, &key, store.quiet(), &marked);

    store
        .commit(vec![Payload::PersonUpserted(person(&store, 1))])
        .unwrap();
    assert_eq!(
        kept::summary(&store, &rules).unwrap(),
        marked,
        "one person changed, counted for nothing: the rest is as kept"
    );
    store
        .commit(vec![Payload::EnterpriseUpserted(
            peixun::domain::Enterprise {
                id: "E-420704-1".into(),
                office: "420704".into(),
                name: "华宇光电".into(),
                credit_code: None,
                categories: peixun::domain::Categories::NONE,
                unit: "420704".into(),
            },
        )])
        .unwrap();
    assert_eq!(
        kept::summary(&store, &rules).unwrap(),
        Summary::default(),
        "an enterprise changed: worked out again"
    );

    let before_a_write = store.quiet();
    store
        .commit(vec![Payload::PersonUpserted(person(&store, 2))])
        .unwrap();
    let key = kept::key(&store, &rules).unwrap();
    kept::keep(&store, &rules, &key, before_a_write, &marked);
    assert_eq!(
        kept::summary(&store, &rules).unwrap(),
        Summary::default(),
        "a read a write overlapped is not kept"
    );
}

/// A value kept beside the store is read back, not worked out again, while the log has not
/// moved; an op makes it be worked out again; a kept value the store does not give is found by
/// the check and removed.
#[test]
fn a_kept_value_holds_until_the_log_moves_and_a_wrong_one_is_removed() {
    use peixun::store::kept::Kept;
    const KEPT: Kept = Kept {
        file: "kept-people-count",
        magic: b"peixun people count 1\n",
        max_bytes: 1024,
    };
    let (dir, store) = new_store();
    let worked = std::cell::Cell::new(0);
    let count = || -> color_eyre::Result<u64> {
        worked.set(worked.get() + 1);
        Ok(store.people()?.len() as u64)
    };
    let cannot_update = |_: u64, _| Ok(None);
    assert_eq!(
        KEPT.get_or_bring_up_to_date(&store, b"", cannot_update, count)
            .unwrap(),
        0
    );
    assert_eq!(
        KEPT.get_or_bring_up_to_date(&store, b"", cannot_update, count)
            .unwrap(),
        0
    );
    assert_eq!(worked.get(), 1, "the second read is the kept one");
    assert!(dir.path().join("kept-people-count").exists());
    store
        .commit(vec![Payload::PersonUpserted(person(&store, 1))])
        .unwrap();
    assert_eq!(
        KEPT.get_or_bring_up_to_date(&store, b"", cannot_update, count)
            .unwrap(),
        1
    );
    assert_eq!(worked.get(), 2);
    // Something else under the same key: the check finds it and removes it.
    let key = KEPT.key(&store, b"").unwrap();
    KEPT.keep(&store, b"", &key, store.quiet(), &7u64);
    assert_eq!(
        KEPT.get_or_bring_up_to_date(&store, b"", cannot_update, count)
            .unwrap(),
        7
    );
    assert!(!KEPT
        .kept_is_current(&store, b"", cannot_update, count)
        .unwrap());
    assert!(!dir.path().join("kept-people-count").exists());
    assert!(KEPT
        .kept_is_current(&store, b"", cannot_update, count)
        .unwrap());
    assert_eq!(
        KEPT.get_or_bring_up_to_date(&store, b"", cannot_update, count)
            .unwrap(),
        1
    );
    // Kept for another office asking, it is not this one's.
    assert_ne!(KEPT.key(&store, b"420700").unwrap(), key);
}
