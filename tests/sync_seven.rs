//! Seven offices (the province, two cities, two counties under each) exchanging bundles over
//! sticks that are read out of order, read twice, or lost: once the sticks work for a while,
//! every office holds exactly what it may see of everyone's work, and no county holds another
//! county's people.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use peixun::domain::{Enterprise, Person, Session, SessionKind};
use peixun::log::{rebuild, Op, Payload};
use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::import::import_bytes;
use peixun::sync::{trust, Keys};
use proptest::prelude::*;

const PROVINCE: &str = "420000";
const EZHOU: &str = "420700";
const HUANGSHI: &str = "420200";
/// Province, the two cities, then each city's two counties.
const IDS: [&str; 7] = [
    PROVINCE, EZHOU, HUANGSHI, "420704", "420703", "420202", "420203",
];
/// County-city and city-province links, as (lower, upper) indexes into `IDS`.
const LINKS: [(usize, usize); 6] = [(3, 1), (4, 1), (5, 2), (6, 2), (1, 0), (2, 0)];
const COUNTIES: [usize; 4] = [3, 4, 5, 6];

fn city_of(county: usize) -> usize {
    if county < 5 {
        1
    } else {
        2
    }
}

struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    keys: Keys,
}

impl Office {
    fn new(id: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), id, "测试员").unwrap();
        let keys = Keys::create(store.dir(), id).unwrap();
        Office {
            _dir: dir,
            store,
            keys,
        }
    }

    fn id(&self) -> &str {
        self.store.office()
    }

    fn pin(&self, other: &Office) {
        let card = other.keys.card().unwrap();
        trust::trust_card(&self.store, &card, &card.fingerprint()).unwrap();
    }

    fn send(&self, to: &Office) -> Vec<u8> {
        let (bytes, exported) =
            build(&self.store, &self.keys, to.id(), &ExportOptions::default()).unwrap();
        self.store.set_link_seq(to.id(), exported.link_seq).unwrap();
        bytes
    }

    fn state(&self) -> BTreeMap<String, Vec<u8>> {
        self.store.state_entries().unwrap().into_iter().collect()
    }

    fn has(&self, key: &str) -> bool {
        self.state().contains_key(key)
    }

    /// Records owned by `id` (their value starts with the owner), sessions and deadlines aside:
    /// those are shared with the units they name.
    fn owned_by(&self, id: &str) -> BTreeMap<String, Vec<u8>> {
        let mut owner = vec![id.len() as u8];
        owner.extend_from_slice(id.as_bytes());
        self.state()
            .into_iter()
            .filter(|(k, v)| v.starts_with(&owner) && !k.starts_with(['s', 'd']))
            .collect()
    }

    fn consistent(&self) -> bool {
        let ops: Vec<Op> = self.store.ops().map(|op| op.unwrap()).collect();
        rebuild(&ops).unwrap() == self.state()
    }
}

fn offices() -> Vec<Office> {
    let offices: Vec<Office> = IDS.iter().map(|id| Office::new(id)).collect();
    for (lower, upper) in LINKS {
        offices[lower].pin(&offices[upper]);
        offices[upper].pin(&offices[lower]);
    }
    // Counties also trust the province, whose sessions reach them through their city; the
    // province learns the counties from each city's roster.
    for county in COUNTIES {
        offices[county].pin(&offices[0]);
    }
    for city in [1, 2] {
        let roster = trust::make_roster(&offices[city].store, &offices[city].keys).unwrap();
        trust::accept_roster(&offices[0].store, &offices[0].keys, &roster).unwrap();
    }
    offices
}

fn session(office: &str, id: &str) -> Payload {
    Payload::SessionUpserted(Session {
        id: id.into(),
        office: office.into(),
        kind: SessionKind::Offline,
        title: "培训".into(),
        units: vec![office.into()],
        host: office.into(),
        cohost: None,
        date: NaiveDate::from_ymd_opt(2023, 3, 15).unwrap(),
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        venue: "会议室".into(),
        courses: vec![],
        audience: String::new(),
        capacity: 80,
    })
}

/// An office's `n`th piece of work: a session everywhere; a city also sets a deadline for its
/// first county; a county adds an enterprise and a person.
fn work(offices: &[Office], o: usize, n: usize) {
    let id = IDS[o];
    let mut payloads = vec![session(id, &format!("S-{id}-{n}"))];
    if o == 1 || o == 2 {
        let county = if o == 1 { IDS[3] } else { IDS[5] };
        payloads.push(Payload::DeadlineSet {
            unit: county.into(),
            item: "county.plan".into(),
            due: NaiveDate::from_ymd_opt(2023, 2, 20 + (n % 8) as u32).unwrap(),
        });
    }
    if o >= 3 {
        let e = format!("E-{id}-{n}");
        payloads.push(Payload::EnterpriseUpserted(Enterprise {
            id: e.clone(),
            office: id.into(),
            name: format!("企业{n}"),
            credit_code: None,
            categories: Default::default(),
            unit: id.into(),
        }));
        payloads.push(Payload::PersonUpserted(Person {
            id: format!("P-{id}-{n}"),
            office: id.into(),
            name: "欧阳明月".into(),
            phone: format!("138071{:05}", o * 1000 + n),
            position: String::new(),
            enterprise: Some(e),
            code: format!("C{o}{n}"),
        }));
    }
    offices[o].store.commit(payloads).unwrap();
}

#[derive(Debug, Clone)]
enum Step {
    Work(usize),
    /// A bundle for one side of a link, put on a stick.
    Send(usize, bool),
    /// A stick read, and kept to be read again or not.
    Deliver(usize, bool),
    Lose(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..7usize).prop_map(Step::Work),
        (0..LINKS.len(), any::<bool>()).prop_map(|(l, up)| Step::Send(l, up)),
        (0..24usize, any::<bool>()).prop_map(|(i, keep)| Step::Deliver(i, keep)),
        (0..24usize).prop_map(Step::Lose),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn seven_offices_converge_whatever_the_sticks_do(
        steps in proptest::collection::vec(step(), 0..60)
    ) {
        let offices = offices();
        let mut stick: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut done = [0usize; 7];
        for step in steps {
            match step {
                Step::Work(o) => {
                    done[o] += 1;
                    work(&offices, o, done[o]);
                }
                Step::Send(link, up) => {
                    let (a, b) = LINKS[link];
                    let (from, to) = if up { (a, b) } else { (b, a) };
                    stick.push((to, offices[from].send(&offices[to])));
                }
                Step::Deliver(i, keep) if !stick.is_empty() => {
                    let i = i % stick.len();
                    let (to, bytes) = if keep { stick[i].clone() } else { stick.remove(i) };
                    let taken = import_bytes(&offices[to].store, &offices[to].keys, &bytes);
                    prop_assert!(taken.is_ok(), "{:?}", taken.err());
                }
                Step::Lose(i) if !stick.is_empty() => {
                    stick.remove(i % stick.len());
                }
                _ => {}
            }
        }
        // Up the tree and back down, three times: far enough for anything to go anywhere.
        for _ in 0..3 {
            for (a, b) in LINKS.into_iter().chain(LINKS.into_iter().rev()) {
                for (from, to) in [(a, b), (b, a)] {
                    let bytes = offices[from].send(&offices[to]);
                    let taken = import_bytes(&offices[to].store, &offices[to].keys, &bytes);
                    prop_assert!(taken.is_ok(), "{:?}", taken.err());
                }
            }
        }
        for county in COUNTIES {
            let own = offices[county].owned_by(IDS[county]);
            prop_assert_eq!(&offices[city_of(county)].owned_by(IDS[county]), &own);
            prop_assert_eq!(&offices[0].owned_by(IDS[county]), &own);
            prop_assert!(offices[county].store.held_ranges().unwrap().is_empty());
            prop_assert!(offices[county].store.quarantined().unwrap().is_empty());
            // No other county's people, nor the other city's counties' at a city.
            for other in COUNTIES.into_iter().filter(|c| *c != county) {
                for n in 1..=done[other] {
                    let key = format!("p/P-{}-{n}", IDS[other]);
                    prop_assert!(!offices[county].has(&key), "{} holds {}", IDS[county], key);
                    if city_of(other) != city_of(county) {
                        let city = &offices[city_of(county)];
                        prop_assert!(!city.has(&key), "{} holds {}", city.id(), key);
                    }
                }
            }
            // The province's and the city's sessions reach the county.
            for (from, n) in [(0, done[0]), (city_of(county), done[city_of(county)])] {
                for n in 1..=n {
                    let key = format!("s/S-{}-{n}", IDS[from]);
                    prop_assert!(offices[county].has(&key), "{} lacks {}", IDS[county], key);
                }
            }
        }
        for city in [1, 2] {
            prop_assert_eq!(offices[0].owned_by(IDS[city]), offices[city].owned_by(IDS[city]));
        }
        for office in &offices {
            prop_assert!(office.consistent(), "state of {} differs from its logs", office.id());
        }
    }
}
