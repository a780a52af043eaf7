//! The 认证 tab's summary kept beside the store is brought up to date from the people a write
//! changed, not worked out again from everyone, and always comes to what the whole book gives.

use peixun::cert::book::CertPerson;
use peixun::cert::kept::{self, CityCounts, Summary};
use peixun::cert::Rules;
use peixun::cli::Scale;
use peixun::domain::{Person, Session, SessionKind};
use peixun::log::Payload;
use peixun::store::{lists, Store};

fn city() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        peixun::demo::build(&dir.path().join("store"), Scale::City, 2023, &mut |_, _| {}).unwrap();
    (dir, store)
}

/// Someone of the book who is not trained yet.
fn untrained(store: &Store, rules: &Rules, skip: usize) -> CertPerson {
    store
        .cert_book(rules)
        .unwrap()
        .into_iter()
        .filter(|c| !c.status.trained)
        .nth(skip)
        .expect("an untrained person in the demo")
}

/// The city's offline sessions.
fn offline_sessions(store: &Store) -> Vec<Session> {
    store
        .sessions()
        .unwrap()
        .into_iter()
        .filter(|s| s.kind == SessionKind::Offline && s.office == store.office())
        .collect()
}

fn checked_in(session: &Session, person: &str) -> Payload {
    Payload::CheckedIn {
        session: session.id.clone(),
        person: person.to_string(),
        at: session.date.and_hms_opt(9, 0, 0).unwrap(),
    }
}

/// Check-ins that make `someone` trained at the door: at as many more of the city's offline
/// sessions as the rule asks.
fn trained_at_the_door(store: &Store, rules: &Rules, someone: &CertPerson) -> Vec<Payload> {
    let more = rules
        .offline_sessions
        .saturating_sub(someone.facts.offline_attended) as usize;
    offline_sessions(store)
        .iter()
        .filter(|s| !lists::attended(store, &s.id, &someone.person.id).unwrap())
        .take(more)
        .map(|s| checked_in(s, &someone.person.id))
        .collect()
}

/// The kept summary as `kept::summary` gives it, after checking it is what the book gives.
fn summary_checked(store: &Store, rules: &Rules) -> Summary {
    let summary = kept::summary(store, rules).unwrap();
    assert!(
        kept::kept_is_current(store, rules).unwrap(),
        "the summary brought up to date is the one worked out from everyone"
    );
    summary
}

#[test]
fn a_write_to_a_few_people_brings_the_summary_up_to_date_as_the_book_gives_it() {
    let (_dir, store) = city();
    let rules = Rules::load().unwrap();
    let before = summary_checked(&store, &rules);

    // Trained at the door.
    let first = untrained(&store, &rules, 0);
    let check_ins = trained_at_the_door(&store, &rules, &first);
    let last_check_in = check_ins.last().cloned().unwrap();
    store.commit(check_ins).unwrap();
    let after = summary_checked(&store, &rules);
    assert_eq!(after.trained().count(), before.trained().count() + 1);
    assert!(after.trained().any(|t| t == first.person.id));

    // A walk-in: a new person checked in at an offline session, in one write.
    let session = offline_sessions(&store).remove(0);
    let walk_in = Person {
        id: store.new_id('P').unwrap(),
        office: store.office().to_string(),
        name: "钱多多".into(),
        phone: "13900008888".into(),
        position: String::new(),
        enterprise: first.person.enterprise.clone(),
        code: String::new(),
    };
    store
        .commit(vec![
            Payload::PersonUpserted(walk_in.clone()),
            checked_in(&session, &walk_in.id),
        ])
        .unwrap();
    summary_checked(&store, &rules);

    // Moved to no enterprise: counted under the office that enrolled them.
    let mut moved = first.person.clone();
    moved.enterprise = None;
    store.commit(vec![Payload::PersonUpserted(moved)]).unwrap();
    summary_checked(&store, &rules);

    // A check-in undone: no longer trained.
    let Payload::CheckedIn {
        session, person, ..
    } = last_check_in
    else {
        unreachable!("a check-in");
    };
    store
        .commit(vec![Payload::CheckInUndone { session, person }])
        .unwrap();
    let last = summary_checked(&store, &rules);
    assert!(!last.trained().any(|t| t == first.person.id));
}

#[test]
fn only_a_write_to_a_few_people_is_brought_up_to_date_and_anything_shared_is_worked_out() {
    let (dir, store) = city();
    let rules = Rules::load().unwrap();
    // A mark no count from everyone would give: it stays only while the summary is brought up
    // to date rather than worked out again.
    let mut marked = kept::summary(&store, &rules).unwrap();
    marked.cities.push(CityCounts {
        city: "429999".into(),
        counts: [9, 0, 0, 0, 0],
    });
    let key = kept::key(&store, &rules).unwrap();
    kept::keep(&store, &rules, &key, store.quiet(), &marked);
    let has_mark = |s: &Summary| s.cities.iter().any(|c| c.city == "429999");

    let someone = untrained(&store, &rules, 1);
    store
        .commit(trained_at_the_door(&store, &rules, &someone))
        .unwrap();
    let brought = kept::summary(&store, &rules).unwrap();
    assert!(has_mark(&brought), "brought up to date from one person");
    assert!(brought.trained().any(|t| t == someone.person.id));

    // A session changed: every person's place may move, so it is worked out again.
    let mut session = store.sessions().unwrap().remove(0);
    session.title.push_str("（改）");
    store
        .commit(vec![Payload::SessionUpserted(session)])
        .unwrap();
    assert!(
        !has_mark(&kept::summary(&store, &rules).unwrap()),
        "worked out"
    );

    // A wrong summary kept under an earlier log is what `doctor` checks too: brought up to
    // date, it is still not what the book gives, and it goes.
    let key = kept::key(&store, &rules).unwrap();
    kept::keep(&store, &rules, &key, store.quiet(), &marked);
    let next = untrained(&store, &rules, 3);
    store
        .commit(trained_at_the_door(&store, &rules, &next))
        .unwrap();
    assert!(!kept::kept_is_current(&store, &rules).unwrap());
    assert!(
        !has_mark(&kept::summary(&store, &rules).unwrap()),
        "removed"
    );

    // Without the journal of the writes since, it is worked out again too.
    let key = kept::key(&store, &rules).unwrap();
    kept::keep(&store, &rules, &key, store.quiet(), &marked);
    let other = untrained(&store, &rules, 2);
    store
        .commit(trained_at_the_door(&store, &rules, &other))
        .unwrap();
    std::fs::remove_file(dir.path().join("store").join("writes.journal")).unwrap();
    assert!(
        !has_mark(&kept::summary(&store, &rules).unwrap()),
        "no journal"
    );
}

/// A person id with a `/` in it (an office may make one; only its office part is checked) makes
/// a list line's key ambiguous: the write is read as a shared one, and the summary worked out.
#[test]
fn a_slash_in_a_person_id_does_not_name_someone_else() {
    let (_dir, store) = city();
    let rules = Rules::load().unwrap();
    let id = format!("{}/x", store.new_id('P').unwrap());
    let person = Person {
        id: id.clone(),
        office: store.office().to_string(),
        name: "钱多多".into(),
        phone: "13900008888".into(),
        position: String::new(),
        enterprise: None,
        code: String::new(),
    };
    store.commit(vec![Payload::PersonUpserted(person)]).unwrap();
    assert!(!summary_checked(&store, &rules).trained().any(|t| t == id));
    let check_ins = offline_sessions(&store)
        .iter()
        .take(rules.offline_sessions as usize)
        .map(|s| checked_in(s, &id))
        .collect();
    store.commit(check_ins).unwrap();
    assert!(summary_checked(&store, &rules).trained().any(|t| t == id));
}
