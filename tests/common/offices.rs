//! Offices with their stores and keys, and the county's day of work that the sync tests and
//! the golden bundles are made of.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveTime};
use peixun::demo::ChainWriter;
use peixun::domain::{
    Categories, Enterprise, EnterpriseCategory, MarkStatus, Person, Session, SessionKind,
};
use peixun::log::{rebuild, DeviceId, Op, Payload};
use peixun::store::Store;
use peixun::sync::bundle::{seal, Draft, RangeHeader, Routing, SignedHead};
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::import::{import_bytes, ImportSummary, Outcome};
use peixun::sync::trust::{self, Change};
use peixun::sync::{ChainKind, Fault, Keys, Rejection};

pub const PROVINCE: &str = "420000";
pub const EZHOU: &str = "420700";
pub const ECHENG: &str = "420704";
pub const HUARONG: &str = "420703";
pub const NAME: &str = "欧阳明月";
pub const PHONE: &str = "13807110042";
pub const FIRM: &str = "鄂州市葛店新材料科技有限公司";

pub struct Office {
    /// Holds the store's folder (and any scratch files) for as long as the office lives.
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub keys: Keys,
}

impl Office {
    pub fn new(id: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), id, "测试员").unwrap();
        let keys = Keys::create(store.dir(), id).unwrap();
        Office { dir, store, keys }
    }

    pub fn id(&self) -> &str {
        self.store.office()
    }

    /// This office pins `other`'s card, as after a phone call.
    pub fn pin(&self, other: &Office) {
        let card = other.keys.card().unwrap();
        trust::trust_card(&self.store, &card, &card.fingerprint()).unwrap();
    }

    pub fn send(&self, to: &Office) -> Vec<u8> {
        self.send_with(to, &ExportOptions::default())
    }

    pub fn send_with(&self, to: &Office, options: &ExportOptions) -> Vec<u8> {
        let (bytes, exported) = build(&self.store, &self.keys, to.id(), options).unwrap();
        self.store.set_link_seq(to.id(), exported.link_seq).unwrap();
        bytes
    }

    pub fn take(&self, bytes: &[u8]) -> Result<Outcome, Rejection> {
        refusal(import_bytes(&self.store, &self.keys, bytes))
    }

    pub fn imported(&self, bytes: &[u8]) -> ImportSummary {
        match self.take(bytes) {
            Ok(Outcome::Imported(summary)) => *summary,
            other => panic!("expected an import, got {other:?}"),
        }
    }

    pub fn applied(&self, bytes: &[u8]) -> peixun::sync::ledger::ImportCounts {
        self.imported(bytes).counts
    }

    pub fn state(&self) -> BTreeMap<String, Vec<u8>> {
        self.store.state_entries().unwrap().into_iter().collect()
    }

    pub fn has(&self, key: &str) -> bool {
        self.state().contains_key(key)
    }

    /// What a dishonest office's own software could send: `payloads` as this office's ops on
    /// `device` from its first op, signed with this office's key, sealed to `to`. Nothing
    /// checks them on the way out.
    pub fn craft(&self, to: &Office, device: DeviceId, payloads: Vec<Payload>) -> Vec<u8> {
        let mut writer = ChainWriter::new(self.id(), device, "冒名者");
        let ops = payloads
            .into_iter()
            .map(|p| writer.push(p).unwrap())
            .collect();
        self.craft_chain(to, device, ops)
    }

    /// As `craft`, with the ops as given (their office and clock whatever they say), each
    /// numbered and linked to the one before on `device`, signed by this office.
    pub fn craft_chain(&self, to: &Office, device: DeviceId, mut ops: Vec<Op>) -> Vec<u8> {
        let mut prev = [0; 32];
        let mut encoded = Vec::new();
        for (i, op) in ops.iter_mut().enumerate() {
            op.device = device;
            op.seq = i as u64 + 1;
            op.prev = prev;
            let bytes = op.encode().unwrap();
            prev = Op::hash_of(&bytes);
            encoded.push(bytes);
        }
        let head =
            SignedHead::sign(&self.keys, device, ChainKind::Full, ops.len() as u64, prev).unwrap();
        let link_seq = self.store.next_link_seq(to.id()).unwrap();
        let draft = Draft {
            routing: Routing {
                sender: self.id().into(),
                sender_epoch: self.keys.epoch(),
                recipient: to.id().into(),
                recipient_epoch: to.keys.epoch(),
                bundle_id: rand_id(),
            },
            link_seq,
            seen_link_seq: 0,
            created_ms: 1,
            acks: vec![],
            ranges: vec![(RangeHeader { first: 1, head }, encoded)],
            files: vec![],
        };
        self.store.set_link_seq(to.id(), link_seq).unwrap();
        seal(&draft, &self.keys, &to.keys.age_identity().to_public()).unwrap()
    }

    /// What `doctor` checks: state rebuilt from every log equals the stored state.
    pub fn assert_consistent(&self) {
        let ops: Vec<Op> = self.store.ops().map(|op| op.unwrap()).collect();
        assert_eq!(
            rebuild(&ops).unwrap(),
            self.state(),
            "state of {} differs from its logs",
            self.id()
        );
    }
}

/// A bundle id no other bundle has.
fn rand_id() -> [u8; 16] {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let mut id = [0xC5; 16];
    id[..8].copy_from_slice(&NEXT.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    id[8..].copy_from_slice(&std::process::id().to_be_bytes().repeat(2));
    id
}

pub fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 3, 15).unwrap()
}

pub fn session(office: &str, id: &str, title: &str) -> Payload {
    Payload::SessionUpserted(Session {
        id: id.into(),
        office: office.into(),
        kind: SessionKind::Offline,
        title: title.into(),
        units: vec![office.into()],
        host: office.into(),
        cohost: None,
        date: day(),
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
        venue: "政务服务中心三楼".into(),
        courses: vec![],
        audience: String::new(),
        capacity: 80,
    })
}

pub fn enterprise(office: &str, id: &str, name: &str) -> Payload {
    Payload::EnterpriseUpserted(Enterprise {
        id: id.into(),
        office: office.into(),
        name: name.into(),
        credit_code: None,
        categories: Default::default(),
        unit: office.into(),
    })
}

pub fn person(office: &str, id: &str, name: &str, phone: &str, firm: &str) -> Payload {
    Payload::PersonUpserted(Person {
        id: id.into(),
        office: office.into(),
        name: name.into(),
        phone: phone.into(),
        position: "知识产权专员".into(),
        enterprise: Some(firm.into()),
        code: format!("C{phone}"),
    })
}

/// `person` enrolled at `session` and checked in at 08:55 on the campaign's day.
pub fn attended(session: &str, person: &str) -> [Payload; 2] {
    [
        Payload::EnrolmentSet {
            session: session.into(),
            person: person.into(),
            enrolled: true,
        },
        Payload::CheckedIn {
            session: session.into(),
            person: person.into(),
            at: day().and_hms_opt(8, 55, 0).unwrap(),
        },
    ]
}

/// A county's day of work: a session, an enterprise, a person enrolled and checked in, and a
/// checklist item marked.
pub fn county_work(county: &Office, tag: &str) {
    let o = county.id().to_string();
    let s = format!("S-{o}-{tag}");
    let e = format!("E-{o}-{tag}");
    let p = format!("P-{o}-{tag}");
    let [enrolled, checked_in] = attended(&s, &p);
    county
        .store
        .commit(vec![
            session(&o, &s, "专利导航与布局"),
            enterprise(&o, &e, FIRM),
            person(&o, &p, NAME, PHONE, &e),
            enrolled,
            checked_in,
            Payload::ChecklistMarked {
                unit: o,
                item: "county.contact".into(),
                status: MarkStatus::Done,
                note: String::new(),
            },
        ])
        .unwrap();
}

/// Province, 鄂州 and 鄂城区, trusting each other as the campaign wires them: phone calls along
/// each link, the county also pins the province (its sessions reach the county through the
/// city), and the province learns the county from the city's roster.
pub fn hierarchy() -> (Office, Office, Office) {
    let province = Office::new(PROVINCE);
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    city.pin(&province);
    province.pin(&city);
    county.pin(&province);
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    let text = roster.to_text().unwrap();
    let roster = trust::Roster::from_text(&text).unwrap();
    let report = trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    assert_eq!(report, vec![(ECHENG.to_string(), Change::Added)]);
    (province, city, county)
}

/// 鄂州 and two of its counties, 鄂城区 and 华容区, each county and the city trusting each other.
pub fn city_and_two_counties() -> (Office, Office, Office) {
    let city = Office::new(EZHOU);
    let echeng = Office::new(ECHENG);
    let huarong = Office::new(HUARONG);
    for county in [&echeng, &huarong] {
        city.pin(county);
        county.pin(&city);
    }
    (city, echeng, huarong)
}

/// As `city_and_two_counties`, the city holding an enterprise of 华容区's, whose id is returned:
/// one a dishonest 鄂城区 could write under.
pub fn neighbours_sharing_an_enterprise() -> (Office, Office, Office, String) {
    let (city, echeng, huarong) = city_and_two_counties();
    let shared = format!("E-{HUARONG}-shared");
    huarong
        .store
        .commit(vec![enterprise(HUARONG, &shared, "华容某企业")])
        .unwrap();
    city.applied(&huarong.send(&city));
    (city, echeng, huarong, shared)
}

/// What checked outside input: done or refused; a failure of the machine fails the test.
pub fn refusal<T, E>(result: Result<T, Fault<E>>) -> Result<T, E> {
    result.map_err(|fault| match fault {
        Fault::Refused(e) => e,
        Fault::Failed(report) => panic!("not a refusal: {report:?}"),
    })
}

/// 鄂城区's work of `county_work` plus a second enterprise, a high-tech one nobody of which was
/// trained.
pub fn with_two_enterprises(county: &Office) -> (String, String) {
    county_work(county, "a");
    let o = county.id().to_string();
    let trained = format!("E-{o}-a");
    let untrained = format!("E-{o}-b");
    let Payload::EnterpriseUpserted(mut e) = enterprise(&o, &untrained, "鄂州市华光光电有限公司")
    else {
        unreachable!("enterprise() makes an enterprise")
    };
    e.categories = Categories::of([EnterpriseCategory::HighTech]);
    county
        .store
        .commit(vec![
            Payload::EnterpriseUpserted(e),
            person(&o, &format!("P-{o}-b"), "周晓", "13907110099", &untrained),
        ])
        .unwrap();
    (trained, untrained)
}
