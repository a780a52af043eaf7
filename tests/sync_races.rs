//! Random offices racing across the hierarchy: the province and two cities set deadlines for
//! the same counties, cities make joint sessions, counties enrol and check in at their own doors
//! and sometimes cheat (another office's ids, another office's device, a deadline for
//! themselves), and sticks are reordered, read twice or lost. Once the sticks work, every
//! office agrees on what they share, no link stays blocked, and every op is applied or listed
//! as refused with its reason.

use std::collections::BTreeMap;

use crate::common::offices::*;
use chrono::NaiveDate;
use peixun::campaign::hierarchy::rank;
use peixun::domain::{Session, SessionKind};
use peixun::log::device::tagged;
use peixun::log::{Op, Payload, Stored};
use peixun::store::PersonDraft;
use peixun::sync::trust;
use peixun::sync::visibility::view_device;
use proptest::prelude::*;

const HUANGSHI: &str = "420200";
const LINKONG: &str = "420700-linkong";
const HUANGSHIGANG: &str = "420202";
/// Province, two cities, three counties; each county's city.
const IDS: [&str; 6] = [PROVINCE, EZHOU, HUANGSHI, ECHENG, LINKONG, HUANGSHIGANG];
const CITY_OF: [usize; 6] = [0, 0, 0, 1, 1, 2];
const LINKS: [(usize, usize); 5] = [(3, 1), (4, 1), (5, 2), (1, 0), (2, 0)];
const ITEM: &str = "county.offline";

#[derive(Debug, Clone)]
enum Step {
    /// The province (0) or a city sets a deadline for a county (3..6) it may.
    Deadline(usize, usize, u32),
    /// A city makes a joint session of its counties.
    Joint(usize),
    /// A county enrols a new person in a session it keeps the list of.
    Enrol(usize, usize),
    /// A county checks in, or takes back a check-in of, someone it enrolled.
    Door(usize, usize, bool),
    /// A county sends its city a bundle it should not have written.
    Cheat(usize, u8),
    Send(usize, bool),
    Deliver(usize, bool),
    Lose(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize, 3..6usize, 1..28u32).prop_map(|(o, u, d)| Step::Deadline(o, u, d)),
        (1..3usize).prop_map(Step::Joint),
        (3..6usize, 0..8usize).prop_map(|(c, s)| Step::Enrol(c, s)),
        (3..6usize, 0..8usize, any::<bool>()).prop_map(|(c, p, undo)| Step::Door(c, p, undo)),
        (3..6usize, 0..4u8).prop_map(|(c, k)| Step::Cheat(c, k)),
        (0..5usize, any::<bool>()).prop_map(|(l, up)| Step::Send(l, up)),
        (0..16usize, any::<bool>()).prop_map(|(i, keep)| Step::Deliver(i, keep)),
        (0..16usize).prop_map(Step::Lose),
    ]
}

fn offices() -> Vec<Office> {
    let offices: Vec<Office> = IDS.iter().map(|id| Office::new(id)).collect();
    for (i, office) in offices.iter().enumerate().skip(1) {
        let city = &offices[CITY_OF[i]];
        office.pin(city);
        city.pin(office);
        if CITY_OF[i] != 0 {
            office.pin(&offices[0]);
        }
    }
    for city in &offices[1..3] {
        let roster = trust::make_roster(&city.store, &city.keys).unwrap();
        trust::accept_roster(&offices[0].store, &offices[0].keys, &roster).unwrap();
    }
    offices
}

fn may_set(office: usize, county: usize) -> bool {
    office == 0 || CITY_OF[county] == office
}

fn joint(city: &Office, n: usize) -> Session {
    let counties: Vec<String> = (3..6)
        .filter(|c| IDS[CITY_OF[*c]] == city.id())
        .map(|c| IDS[c].to_string())
        .collect();
    Session {
        id: city.store.new_id('S').unwrap(),
        office: city.id().into(),
        kind: SessionKind::Offline,
        title: format!("联合培训第{n}场"),
        host: counties[n % counties.len()].clone(),
        cohost: counties.get((n + 1) % counties.len()).cloned(),
        units: counties,
        date: NaiveDate::from_ymd_opt(2023, 4, 1 + (n % 28) as u32).unwrap(),
        start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        end: chrono::NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
        venue: "会议中心".into(),
        courses: vec![],
        audience: String::new(),
        capacity: 500,
    }
}

/// What a county cheats with: another office's session id, its neighbour's person on a list,
/// a deadline for itself, or a chain on its city's public-view device.
fn cheat(offices: &[Office], county: usize, kind: u8, n: u64) -> (Vec<u8>, bool) {
    let me = &offices[county];
    let city = &offices[CITY_OF[county]];
    let fresh = tagged(me.id(), 1000 + n);
    let (device, payload, voids) = match kind {
        0 => {
            let id = city.store.new_id('S').unwrap();
            (fresh, session(me.id(), &id, "冒名场次"), true)
        }
        1 => {
            let sibling = if county == 5 {
                PROVINCE
            } else {
                IDS[7 - county]
            };
            let payload = Payload::EnrolmentSet {
                session: format!("S-{}-x", me.id()),
                person: format!("P-{sibling}-1"),
                enrolled: true,
            };
            // Another county's people are never on this county's line; the province's are.
            (fresh, payload, sibling != PROVINCE)
        }
        2 => {
            let payload = Payload::DeadlineSet {
                unit: me.id().into(),
                item: ITEM.into(),
                due: NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
            };
            (fresh, payload, true)
        }
        _ => {
            let view = view_device(city.id(), city.store.device());
            (
                view,
                session(me.id(), &format!("S-{}-v{n}", me.id()), "冒名"),
                false,
            )
        }
    };
    (me.craft(city, device, vec![payload]), voids)
}

/// A stored session or deadline without its last writer's stamp.
fn value_of(key: &str, bytes: &[u8]) -> String {
    if key.starts_with("s/") {
        let stored: Stored<Session> = postcard::from_bytes(bytes).unwrap();
        format!("{:?}", stored.value)
    } else {
        let stored: Stored<NaiveDate> = postcard::from_bytes(bytes).unwrap();
        stored.value.to_string()
    }
}

/// The deadline every office must end with: the highest office's latest word.
fn expected_deadlines(log: &[Op]) -> BTreeMap<String, NaiveDate> {
    let mut best: BTreeMap<String, ((u8, peixun::log::Stamp, String), NaiveDate)> = BTreeMap::new();
    for op in log {
        if let Payload::DeadlineSet { unit, item, due } = &op.payload {
            if item != ITEM || peixun::log::authorise(op).is_err() {
                continue;
            }
            let key = (rank(&op.office), (op.hlc, op.device), op.office.clone());
            if best.get(unit).is_none_or(|(k, _)| *k < key) {
                best.insert(unit.clone(), (key, *due));
            }
        }
    }
    best.into_iter().map(|(u, (_, d))| (u, d)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_office_converges_and_no_link_stays_blocked(
        steps in proptest::collection::vec(step(), 0..36)
    ) {
        let offices = offices();
        let mut stick: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut n = 0u64;
        let mut refused_expected = 0usize;
        for step in steps {
            n += 1;
            match step {
                Step::Deadline(o, county, day) if may_set(o, county) => {
                    let due = NaiveDate::from_ymd_opt(2023, 10, day).unwrap();
                    offices[o]
                        .store
                        .commit(vec![Payload::DeadlineSet {
                            unit: IDS[county].into(),
                            item: ITEM.into(),
                            due,
                        }])
                        .unwrap();
                }
                Step::Joint(c) => {
                    let s = joint(&offices[c], n as usize);
                    offices[c].store.commit(vec![Payload::SessionUpserted(s)]).unwrap();
                }
                Step::Enrol(c, pick) => {
                    let store = &offices[c].store;
                    let mine: Vec<Session> = store
                        .sessions()
                        .unwrap()
                        .into_iter()
                        .filter(|s| peixun::app::sessions::list_session(store, &s.id).is_ok())
                        .collect();
                    if !mine.is_empty() {
                        let s = &mine[pick % mine.len()];
                        let draft = PersonDraft {
                            name: format!("学员{n}"),
                            phone: format!("138{c}{n:07}"),
                            position: String::new(),
                            enterprise: format!("某企业{c}"),
                            credit_code: String::new(),
                            new_enterprise: true,
                        };
                        peixun::app::sessions::enrol(store, &s.id, &draft, false).unwrap();
                    }
                }
                Step::Door(c, pick, undo) => {
                    let store = &offices[c].store;
                    let mut own = Vec::new();
                    for s in store.sessions().unwrap() {
                        for p in peixun::store::lists::enrolled_ids(store, &s.id).unwrap() {
                            if peixun::store::lists::enrolled_by(store, &s.id, &p).unwrap().contains(&IDS[c].to_string()) {
                                own.push((s.clone(), p));
                            }
                        }
                    }
                    if !own.is_empty() {
                        let (s, p) = &own[pick % own.len()];
                        if undo {
                            let _ = peixun::app::checkin::undo(store, &s.id, p, false).unwrap();
                        } else {
                            peixun::app::checkin::check_in(store, &s.id, p, s.date.and_time(s.start)).unwrap();
                        }
                    }
                }
                Step::Cheat(c, kind) => {
                    let (bytes, voids) = cheat(&offices, c, kind, n);
                    let summary = offices[CITY_OF[c]].imported(&bytes);
                    prop_assert_eq!(summary.counts.refused_ops.len(), usize::from(voids));
                    if kind == 3 {
                        prop_assert_eq!(summary.refused.len(), 1);
                    }
                    refused_expected += usize::from(voids);
                }
                Step::Send(link, up) => {
                    let (a, b) = LINKS[link];
                    let (from, to) = if up { (a, b) } else { (b, a) };
                    stick.push((to, offices[from].send(&offices[to])));
                }
                Step::Deliver(i, keep) if !stick.is_empty() => {
                    let i = i % stick.len();
                    let (to, bytes) = if keep { stick[i].clone() } else { stick.remove(i) };
                    prop_assert!(offices[to].take(&bytes).is_ok(), "a link was blocked");
                }
                Step::Lose(i) if !stick.is_empty() => {
                    stick.remove(i % stick.len());
                }
                _ => {}
            }
        }
        // The sticks work for a while: four rounds both ways on every link.
        for _ in 0..4 {
            for (a, b) in LINKS {
                for (from, to) in [(a, b), (b, a)] {
                    let bytes = offices[from].send(&offices[to]);
                    prop_assert!(offices[to].take(&bytes).is_ok(), "a link was blocked");
                }
            }
        }
        for office in &offices {
            prop_assert!(office.store.held_ranges().unwrap().is_empty(), "{}", office.id());
            prop_assert!(office.store.quarantined().unwrap().is_empty(), "{}", office.id());
            office.assert_consistent();
        }
        // The province holds every office's log: the deadlines follow from it alone.
        let log: Vec<Op> = offices[0].store.ops().map(Result::unwrap).collect();
        let expected = expected_deadlines(&log);
        for county in 3..6 {
            let unit = IDS[county];
            for holder in [0, CITY_OF[county], county] {
                let due = peixun::store::checklist::deadlines(&offices[holder].store, unit).unwrap();
                prop_assert_eq!(due.get(ITEM), expected.get(unit), "{} at {}", unit, IDS[holder]);
            }
        }
        // A city and the province agree on everything the city holds of its own line (what came
        // down in the province's view by value, as below).
        let province = offices[0].state();
        for city in 1..3 {
            for (key, value) in offices[city].state() {
                if key.starts_with("s/") || key.starts_with("d/") {
                    let theirs = province.get(&key).map(|v| value_of(&key, v));
                    prop_assert_eq!(theirs, Some(value_of(&key, &value)), "{}", key);
                    continue;
                }
                let ours = key.split('/').nth(1).is_some_and(|id| id.contains(IDS[city]));
                if ours || key.starts_with("p/") || key.starts_with("e/") || key.starts_with("c/") {
                    prop_assert_eq!(province.get(&key), Some(&value), "{} at {}", key, IDS[city]);
                }
            }
        }
        // A county and its city agree on the county's own records and on the sessions and
        // deadlines it holds (those come down in the city's public view, whose stamps name the
        // view's device, so the values are compared).
        for county in 3..6 {
            let city = offices[CITY_OF[county]].state();
            for (key, value) in offices[county].state() {
                if key.starts_with("p/") {
                    prop_assert_eq!(city.get(&key), Some(&value), "{} at {}", key, IDS[county]);
                }
                if key.starts_with("s/") || key.starts_with("d/") {
                    let theirs = city.get(&key).map(|v| value_of(&key, v));
                    prop_assert_eq!(theirs, Some(value_of(&key, &value)), "{}", key);
                }
            }
        }
        // Every cheat is listed, at the city it was sent to and at the province it was relayed to.
        let at_cities: usize = offices[1..3].iter().map(|c| c.store.voided_each().unwrap().count()).sum();
        prop_assert_eq!(at_cities, refused_expected);
        prop_assert_eq!(offices[0].store.voided_each().unwrap().count(), refused_expected);
    }
}
