//! Many offices, unreliable sticks: bundles reordered, read twice or lost between a province,
//! a city and two counties still bring every office the same records once the sticks work.

use std::collections::BTreeMap;

use crate::common::offices::*;
use chrono::NaiveDate;
use peixun::log::Payload;
use peixun::sync::trust;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    /// An office does some work.
    Work(usize),
    /// A bundle is written for one side of a link and put on a stick.
    Send(usize, bool),
    /// A stick is read (and kept, to be read again, or not).
    Deliver(usize, bool),
    /// A stick is lost.
    Lose(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..4usize).prop_map(Step::Work),
        (0..3usize, any::<bool>()).prop_map(|(l, up)| Step::Send(l, up)),
        (0..16usize, any::<bool>()).prop_map(|(i, keep)| Step::Deliver(i, keep)),
        (0..16usize).prop_map(Step::Lose),
    ]
}

/// Province, 鄂州, 鄂城区, 华容区; links county-city and city-province.
fn offices() -> Vec<Office> {
    let (province, city, echeng) = hierarchy();
    let huarong = Office::new(HUARONG);
    city.pin(&huarong);
    huarong.pin(&city);
    huarong.pin(&province);
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    vec![province, city, echeng, huarong]
}

const LINKS: [(usize, usize); 3] = [(2, 1), (3, 1), (1, 0)];

fn work(office: &Office, n: usize) {
    let o = office.id().to_string();
    let mut payloads = vec![session(&o, &format!("S-{o}-{n}"), "培训")];
    match o.as_str() {
        EZHOU => payloads.push(Payload::DeadlineSet {
            unit: ECHENG.into(),
            item: "county.plan".into(),
            due: NaiveDate::from_ymd_opt(2023, 2, 20 + (n % 8) as u32).unwrap(),
        }),
        ECHENG | HUARONG => {
            payloads.push(enterprise(&o, &format!("E-{o}-{n}"), FIRM));
            payloads.push(person(
                &o,
                &format!("P-{o}-{n}"),
                NAME,
                PHONE,
                &format!("E-{o}-{n}"),
            ));
        }
        _ => {}
    }
    office.store.commit(payloads).unwrap();
}

fn owned_by(office: &Office, id: &str) -> BTreeMap<String, Vec<u8>> {
    let mut owner = vec![id.len() as u8];
    owner.extend_from_slice(id.as_bytes());
    office
        .state()
        .into_iter()
        .filter(|(k, v)| v.starts_with(&owner) && !k.starts_with(['s', 'd']))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn reordered_duplicated_and_lost_bundles_still_converge(
        steps in proptest::collection::vec(step(), 0..40)
    ) {
        let offices = offices();
        let mut stick: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut done = [0usize; 4];
        for step in steps {
            match step {
                Step::Work(o) => {
                    done[o] += 1;
                    work(&offices[o], done[o]);
                }
                Step::Send(link, up) => {
                    let (a, b) = LINKS[link];
                    let (from, to) = if up { (a, b) } else { (b, a) };
                    stick.push((to, offices[from].send(&offices[to])));
                }
                Step::Deliver(i, keep) if !stick.is_empty() => {
                    let i = i % stick.len();
                    let (to, bytes) = if keep { stick[i].clone() } else { stick.remove(i) };
                    prop_assert!(offices[to].take(&bytes).is_ok());
                }
                Step::Lose(i) if !stick.is_empty() => {
                    stick.remove(i % stick.len());
                }
                _ => {}
            }
        }
        // Then the sticks work for a while: three rounds both ways on every link.
        for _ in 0..3 {
            for (a, b) in LINKS {
                for (from, to) in [(a, b), (b, a)] {
                    let bytes = offices[from].send(&offices[to]);
                    prop_assert!(offices[to].take(&bytes).is_ok());
                }
            }
        }
        let [province, city, echeng, huarong] = &offices[..] else { unreachable!() };
        for county in [echeng, huarong] {
            let own = owned_by(county, county.id());
            prop_assert_eq!(&owned_by(city, county.id()), &own);
            prop_assert_eq!(&owned_by(province, county.id()), &own);
            prop_assert!(county.store.held_ranges().unwrap().is_empty());
            prop_assert!(county.store.quarantined().unwrap().is_empty());
        }
        prop_assert_eq!(owned_by(province, EZHOU), owned_by(city, EZHOU));
        for n in 1..=done[1] {
            let key = format!("s/S-{EZHOU}-{n}");
            prop_assert!(echeng.has(&key), "{}", key);
            prop_assert!(huarong.has(&key), "{}", key);
        }
        for n in 1..=done[0] {
            let key = format!("s/S-{PROVINCE}-{n}");
            prop_assert!(city.has(&key), "{}", key);
            prop_assert!(echeng.has(&key), "{}", key);
        }
        let other = format!("p/P-{HUARONG}-1");
        prop_assert!(!echeng.has(&other));
        for office in &offices {
            office.assert_consistent();
        }
    }
}
