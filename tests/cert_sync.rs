//! The certification chain between offices: a city's expansion class counts only once the
//! province approves it, outcomes reach the person's own county and no other, and certificate
//! numbers are never reused, also across bundles and devices.

use chrono::{NaiveDate, NaiveTime};
use peixun::cert::model::{Certificate, Marks, OnlineEntry};
use peixun::cert::{Outcome, Rules};
use peixun::domain::{Person, Session, SessionKind};
use peixun::log::{rebuild, Op, Payload};
use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::import::{import_bytes, Outcome as Imported};
use peixun::sync::{trust, Keys};

const PROVINCE: &str = "420000";
const EZHOU: &str = "420700";
const ECHENG: &str = "420704";
const HUARONG: &str = "420703";

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

    /// Builds a bundle for `to` and has `to` import it.
    fn send(&self, to: &Office) {
        let (bytes, exported) =
            build(&self.store, &self.keys, to.id(), &ExportOptions::default()).unwrap();
        self.store.set_link_seq(to.id(), exported.link_seq).unwrap();
        match import_bytes(&to.store, &to.keys, &bytes).unwrap() {
            Imported::Imported(_) => {}
            other => panic!("expected an import, got {other:?}"),
        }
    }

    /// The person's status as the whole book has it, checked against the read of that person
    /// alone (expansion classes, approvals and number claims are what the two read apart).
    fn status(&self, person: &str) -> Option<peixun::cert::Status> {
        let rules = Rules::embedded().unwrap();
        let in_book = self
            .store
            .cert_book(&rules)
            .unwrap()
            .into_iter()
            .find(|c| c.person.id == person);
        assert_eq!(
            self.store.cert_person(&rules, person).unwrap(),
            in_book,
            "{person} read alone"
        );
        in_book.map(|c| c.status)
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        self.store
            .state_entries()
            .unwrap()
            .iter()
            .any(|(k, _)| k.starts_with(prefix))
    }

    fn assert_consistent(&self) {
        let ops: Vec<Op> = self.store.ops().map(|op| op.unwrap()).collect();
        let state: std::collections::BTreeMap<String, Vec<u8>> =
            self.store.state_entries().unwrap().into_iter().collect();
        assert_eq!(rebuild(&ops).unwrap(), state, "{}", self.id());
    }
}

fn session(office: &str, id: &str, kind: SessionKind, day: u32) -> Payload {
    Payload::SessionUpserted(Session {
        id: id.into(),
        office: office.into(),
        kind,
        title: format!("{id} 考核认证"),
        units: vec![office.into()],
        host: office.into(),
        cohost: None,
        date: NaiveDate::from_ymd_opt(2023, 6, day).unwrap(),
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(16, 30, 0).unwrap(),
        venue: "鄂州".into(),
        courses: vec![],
        audience: String::new(),
        capacity: 60,
    })
}

fn person(office: &str, id: &str, name: &str, phone: &str) -> Payload {
    Payload::PersonUpserted(Person {
        id: id.into(),
        office: office.into(),
        name: name.into(),
        phone: phone.into(),
        position: "知识产权专员".into(),
        enterprise: None,
        code: format!("C{phone}"),
    })
}

/// The whole online training watched: trained, as a certificate needs.
fn watched(person: &str) -> Payload {
    Payload::OnlineRecorded {
        person: person.into(),
        unit: PROVINCE.into(),
        entry: OnlineEntry::Watched {
            course: "第1天".into(),
            minutes: 600,
        },
    }
}

fn marks(exam: u16, practical: u16) -> Marks {
    Marks {
        exam: Some(exam),
        practical: Some(practical),
    }
}

/// Province, 鄂州, 鄂城区 and 华容区, trusting each other along the campaign's links.
fn offices() -> (Office, Office, Office, Office) {
    let province = Office::new(PROVINCE);
    let city = Office::new(EZHOU);
    let echeng = Office::new(ECHENG);
    let huarong = Office::new(HUARONG);
    for county in [&echeng, &huarong] {
        city.pin(county);
        county.pin(&city);
        county.pin(&province);
    }
    city.pin(&province);
    province.pin(&city);
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    (province, city, echeng, huarong)
}

fn issue(province: &Office, person: &str, unit: &str) -> String {
    let rules = Rules::embedded().unwrap();
    let day = NaiveDate::from_ymd_opt(2023, 7, 1).unwrap();
    let cert = province
        .store
        .next_certificates(&rules, 1, day)
        .unwrap()
        .remove(0);
    let number = cert.number.clone();
    province
        .store
        .commit(vec![Payload::CertificateIssued {
            person: person.into(),
            unit: unit.into(),
            certificate: cert,
        }])
        .unwrap();
    number
}

#[test]
fn expansion_class_results_count_only_after_approval_and_outcomes_reach_only_their_county() {
    let (province, city, echeng, huarong) = offices();
    let a = format!("P-{ECHENG}-1");
    let b = format!("P-{HUARONG}-1");
    echeng
        .store
        .commit(vec![person(ECHENG, &a, "欧阳明月", "13807110042")])
        .unwrap();
    huarong
        .store
        .commit(vec![person(HUARONG, &b, "司马青", "13807110043")])
        .unwrap();
    echeng.send(&city);
    huarong.send(&city);

    // The city's expansion class: its own class, enrolment and results.
    let class = "S-420700-x1";
    city.store
        .commit(vec![
            session(EZHOU, class, SessionKind::Expansion, 10),
            Payload::EnrolmentSet {
                session: class.into(),
                person: a.clone(),
                enrolled: true,
            },
            Payload::EnrolmentSet {
                session: class.into(),
                person: b.clone(),
                enrolled: true,
            },
            Payload::ResultRecorded {
                session: class.into(),
                person: a.clone(),
                unit: ECHENG.into(),
                marks: marks(800, 750),
            },
            Payload::ResultRecorded {
                session: class.into(),
                person: b.clone(),
                unit: HUARONG.into(),
                marks: marks(500, 750),
            },
        ])
        .unwrap();
    city.send(&province);
    let unapproved = province.status(&a).unwrap();
    assert!(!unapproved.candidate);
    assert_eq!(unapproved.outcome, Outcome::NotExamined, "not counted yet");
    assert!(!unapproved.may_issue());

    province
        .store
        .commit(vec![Payload::ExpansionApproved {
            session: class.into(),
            city: EZHOU.into(),
            approval: peixun::cert::model::Approval {
                approved: true,
                reason: "按统一标准举办，经费市局自筹".into(),
            },
        }])
        .unwrap();
    let approved = province.status(&a).unwrap();
    assert!(approved.candidate);
    assert_eq!(approved.outcome, Outcome::Passed);
    assert_eq!(
        province.status(&b).unwrap().outcome,
        Outcome::AwaitingMakeup
    );
    let number = issue(&province, &a, ECHENG);

    // Down the chain: the city sees both counties' outcomes, each county only its own.
    province.send(&city);
    city.send(&echeng);
    city.send(&huarong);
    assert_eq!(city.status(&a).unwrap().certificate, Some(number.clone()));
    assert_eq!(echeng.status(&a).unwrap().certificate, Some(number.clone()));
    assert_eq!(echeng.status(&a).unwrap().outcome, Outcome::Passed);
    assert!(echeng.status(&b).is_none(), "no other county's person");
    assert!(!echeng.has_prefix(&format!("x/r/{b}")), "nor their results");
    assert!(
        !huarong.has_prefix(&format!("x/c/{a}")),
        "nor their certificate"
    );
    assert_eq!(huarong.status(&b).unwrap().outcome, Outcome::AwaitingMakeup);
    for office in [&province, &city, &echeng, &huarong] {
        office.assert_consistent();
    }
}

#[test]
fn certificate_numbers_are_never_reused_across_bundles() {
    let (province, city, echeng, _) = offices();
    let people: Vec<String> = (1..=4).map(|i| format!("P-{ECHENG}-{i}")).collect();
    echeng
        .store
        .commit(
            people
                .iter()
                .enumerate()
                .map(|(i, p)| person(ECHENG, p, &format!("学员{i}"), &format!("1380711000{i}")))
                .collect(),
        )
        .unwrap();
    echeng.send(&city);
    city.send(&province);
    province
        .store
        .commit(
            std::iter::once(session(PROVINCE, "S-420000-exam", SessionKind::Exam, 6))
                .chain(people.iter().map(|p| Payload::ResultRecorded {
                    session: "S-420000-exam".into(),
                    person: p.clone(),
                    unit: ECHENG.into(),
                    marks: marks(900, 900),
                }))
                .collect(),
        )
        .unwrap();
    let mut numbers = vec![
        issue(&province, &people[0], ECHENG),
        issue(&province, &people[1], ECHENG),
    ];
    province.send(&city);
    numbers.push(issue(&province, &people[2], ECHENG));
    numbers.push(issue(&province, &people[3], ECHENG));
    province.send(&city);
    city.send(&echeng);
    let mut unique = numbers.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 4, "{numbers:?}");
    for office in [&province, &city, &echeng] {
        let held: Vec<String> = people
            .iter()
            .map(|p| office.status(p).unwrap().certificate.unwrap())
            .collect();
        assert_eq!(held, numbers, "at {}", office.id());
        assert_eq!(office.store.certificate_numbers().unwrap(), unique);
    }
}

/// Two laptops of the province issue the same next number to different people before their
/// logs meet: the earlier claim keeps it, the other certificate is void, and the next number
/// issued skips every number ever claimed.
#[test]
fn a_clash_between_two_province_devices_voids_one_and_is_never_reused() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let laptops: Vec<Store> = dirs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Store::create_with_device(d.path(), PROVINCE, "省局", (i as u64 + 1) << 40).unwrap()
        })
        .collect();
    let shared = vec![
        session(PROVINCE, "S-420000-exam", SessionKind::Exam, 6),
        person(PROVINCE, "P-420000-a", "甲", "13807110001"),
        person(PROVINCE, "P-420000-b", "乙", "13807110002"),
        watched("P-420000-a"),
        watched("P-420000-b"),
        Payload::ResultRecorded {
            session: "S-420000-exam".into(),
            person: "P-420000-a".into(),
            unit: PROVINCE.into(),
            marks: marks(900, 900),
        },
        Payload::ResultRecorded {
            session: "S-420000-exam".into(),
            person: "P-420000-b".into(),
            unit: PROVINCE.into(),
            marks: marks(900, 900),
        },
    ];
    let first = laptops[0].commit(shared).unwrap();
    laptops[1].import_foreign_chain(first).unwrap();
    let rules = Rules::embedded().unwrap();
    let day = NaiveDate::from_ymd_opt(2023, 7, 1).unwrap();
    for (laptop, who) in laptops.iter().zip(["P-420000-a", "P-420000-b"]) {
        let cert: Certificate = laptop.next_certificates(&rules, 1, day).unwrap().remove(0);
        assert_eq!(cert.number, "鄂知专202300001");
        laptop
            .commit(vec![Payload::CertificateIssued {
                person: who.into(),
                unit: PROVINCE.into(),
                certificate: cert,
            }])
            .unwrap();
    }
    let device_ops = |store: &Store, device: u64| -> Vec<Op> {
        store
            .ops()
            .map(|op| op.unwrap())
            .filter(|op| op.device == device)
            .collect()
    };
    let from_b: Vec<Op> = device_ops(&laptops[1], laptops[1].device());
    let from_a: Vec<Op> = device_ops(&laptops[0], laptops[0].device());
    laptops[0].import_foreign_chain(from_b).unwrap();
    let shared_len = 7;
    let from_a_tail: Vec<Op> = from_a.into_iter().skip(shared_len).collect();
    laptops[1].import_foreign_chain(from_a_tail).unwrap();

    for laptop in &laptops {
        let book = laptop.cert_book(&rules).unwrap();
        let holders: Vec<(&str, Option<&str>)> = book
            .iter()
            .map(|c| (c.person.id.as_str(), c.status.certificate.as_deref()))
            .collect();
        // The earlier op (laptop 1's) holds the number; 乙's certificate is void.
        assert_eq!(
            holders,
            [
                ("P-420000-a", Some("鄂知专202300001")),
                ("P-420000-b", None)
            ]
        );
        assert!(book[1].status.may_issue(), "乙 is issued again");
        let next = laptop.next_certificates(&rules, 1, day).unwrap();
        assert_eq!(next[0].number, "鄂知专202300002");
    }
}
