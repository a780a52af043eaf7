//! Bundles between offices: round trips that converge, relays that cannot forge, every damaged
//! byte refused, replays, holds and forks, trust and revocation, and the golden bundles that
//! every later version must still read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use peixun::demo::ChainWriter;
use peixun::domain::{Enterprise, MarkStatus, Person, Session, SessionKind};
use peixun::log::{rebuild, Op, Payload};
use peixun::store::Store;
use peixun::sync::bundle::{decrypt, parse_outer, seal, Draft, RangeHeader, Routing, SignedHead};
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::identity::keys_dir;
use peixun::sync::import::{import_bytes, Outcome};
use peixun::sync::trust::{self, Change, TrustError};
use peixun::sync::{ChainKind, Keys, Rejection};

const PROVINCE: &str = "420000";
const EZHOU: &str = "420700";
const ECHENG: &str = "420704";
const HUARONG: &str = "420703";
const NAME: &str = "欧阳明月";
const PHONE: &str = "13807110042";
const FIRM: &str = "鄂州市葛店新材料科技有限公司";

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

    /// This office pins `other`'s card, as after a phone call.
    fn pin(&self, other: &Office) {
        let card = other.keys.card().unwrap();
        trust::trust_card(&self.store, &card, &card.fingerprint())
            .unwrap()
            .unwrap();
    }

    fn send(&self, to: &Office) -> Vec<u8> {
        self.send_with(to, &ExportOptions::default())
    }

    fn send_with(&self, to: &Office, options: &ExportOptions) -> Vec<u8> {
        let (bytes, exported) = build(&self.store, &self.keys, to.id(), options).unwrap();
        self.store.set_link_seq(to.id(), exported.link_seq).unwrap();
        bytes
    }

    fn take(&self, bytes: &[u8]) -> Result<Outcome, Rejection> {
        import_bytes(&self.store, &self.keys, bytes).map_err(|report| {
            report
                .downcast_ref::<Rejection>()
                .cloned()
                .unwrap_or_else(|| panic!("not a rejection: {report:?}"))
        })
    }

    fn applied(&self, bytes: &[u8]) -> peixun::store::sync::ImportCounts {
        match self.take(bytes) {
            Ok(Outcome::Imported(summary)) => summary.counts,
            other => panic!("expected an import, got {other:?}"),
        }
    }

    fn state(&self) -> BTreeMap<String, Vec<u8>> {
        self.store.state_entries().unwrap().into_iter().collect()
    }

    fn has(&self, key: &str) -> bool {
        self.state().contains_key(key)
    }

    /// What `doctor` checks: state rebuilt from every log equals the stored state.
    fn assert_consistent(&self) {
        let ops: Vec<Op> = self.store.ops().map(|op| op.unwrap()).collect();
        assert_eq!(
            rebuild(&ops).unwrap(),
            self.state(),
            "state of {} differs from its logs",
            self.id()
        );
    }
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 3, 15).unwrap()
}

fn session(office: &str, id: &str, title: &str) -> Payload {
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

fn enterprise(office: &str, id: &str, name: &str) -> Payload {
    Payload::EnterpriseUpserted(Enterprise {
        id: id.into(),
        office: office.into(),
        name: name.into(),
        credit_code: None,
        category: None,
        unit: office.into(),
    })
}

fn person(office: &str, id: &str, name: &str, phone: &str, firm: &str) -> Payload {
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

/// A county's day of work: a session, an enterprise, a person enrolled and checked in, and a
/// checklist item marked.
fn county_work(county: &Office, tag: &str) {
    let o = county.id().to_string();
    let s = format!("S-{o}-{tag}");
    let e = format!("E-{o}-{tag}");
    let p = format!("P-{o}-{tag}");
    county
        .store
        .commit(vec![
            session(&o, &s, "专利导航与布局"),
            enterprise(&o, &e, FIRM),
            person(&o, &p, NAME, PHONE, &e),
            Payload::EnrolmentSet {
                session: s.clone(),
                person: p.clone(),
                enrolled: true,
            },
            Payload::CheckedIn {
                session: s,
                person: p,
                at: day().and_hms_opt(8, 55, 0).unwrap(),
            },
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
fn hierarchy() -> (Office, Office, Office) {
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
    let report = trust::accept_roster(&province.store, &province.keys, &roster)
        .unwrap()
        .unwrap();
    assert_eq!(report, vec![(ECHENG.to_string(), Change::Added)]);
    (province, city, county)
}

#[test]
fn county_city_province_round_trips_converge() {
    let (province, city, county) = hierarchy();
    county_work(&county, "1");
    city.store
        .commit(vec![
            session(EZHOU, "S-city-joint", "鄂州联合培训班"),
            Payload::DeadlineSet {
                unit: ECHENG.into(),
                item: "county.plan".into(),
                due: NaiveDate::from_ymd_opt(2023, 2, 27).unwrap(),
            },
            // City-owned people never go down to a county.
            person(EZHOU, "P-city-1", "司马相如", "13900000001", "E-x"),
        ])
        .unwrap();
    province
        .store
        .commit(vec![
            session(PROVINCE, "S-prov-online", "线上大培训"),
            person(PROVINCE, "P-prov-1", "诸葛亮", "13900000002", "E-y"),
        ])
        .unwrap();

    let up = city.applied(&county.send(&city));
    assert_eq!(up.applied, 6);
    assert_eq!(up.records_changed, 6);
    assert!(city.has(&format!("p/P-{ECHENG}-1")));

    let relay = province.applied(&city.send(&province));
    assert_eq!(
        relay.applied,
        6 + 3,
        "the county's ops relayed, and the city's own"
    );
    assert!(province.has(&format!("p/P-{ECHENG}-1")));
    assert!(province.has("p/P-city-1"));

    let down = city.applied(&province.send(&city));
    assert_eq!(down.applied, 1, "only the province's public view");
    assert!(city.has("s/S-prov-online"));
    assert!(!city.has("p/P-prov-1"));

    let down = county.applied(&city.send(&county));
    assert_eq!(
        down.applied,
        2 + 1,
        "the city's session and deadline, the province's session"
    );
    assert!(county.has("s/S-city-joint"));
    assert!(county.has(&format!("d/{ECHENG}/county.plan")));
    assert!(county.has("s/S-prov-online"));
    assert!(!county.has("p/P-city-1") && !county.has("p/P-prov-1"));

    // Acknowledgements flowed back: nothing is sent twice.
    let again = county.send(&city);
    assert_eq!(city.applied(&again).applied, 0);
    let (again, exported) =
        build(&city.store, &city.keys, ECHENG, &ExportOptions::default()).unwrap();
    assert!(exported.ranges.is_empty(), "{:?}", exported.ranges);
    assert_eq!(county.applied(&again).applied, 0);

    // More work later travels as just the new ops.
    county_work(&county, "2");
    assert_eq!(city.applied(&county.send(&city)).applied, 6);
    assert_eq!(province.applied(&city.send(&province)).applied, 6);

    // Every county-owned record reads the same at the county, the city and the province.
    // (Stored records start with their owner; counters and indexes are named by their record.)
    let mut owner = vec![ECHENG.len() as u8];
    owner.extend_from_slice(ECHENG.as_bytes());
    let owned: Vec<(String, Vec<u8>)> = county
        .state()
        .into_iter()
        .filter(|(k, v)| {
            k.contains(ECHENG) && (v.starts_with(&owner) || !k.starts_with(['s', 'd']))
        })
        .collect();
    assert!(owned.len() >= 10);
    for (k, v) in &owned {
        assert_eq!(city.state().get(k), Some(v), "{k} at the city");
        assert_eq!(province.state().get(k), Some(v), "{k} at the province");
    }
    for office in [&province, &city, &county] {
        office.assert_consistent();
    }
}

#[test]
fn a_county_never_receives_another_countys_people() {
    let city = Office::new(EZHOU);
    let echeng = Office::new(ECHENG);
    let huarong = Office::new(HUARONG);
    for county in [&echeng, &huarong] {
        city.pin(county);
        county.pin(&city);
        county_work(county, "1");
        city.applied(&county.send(&city));
    }
    city.store
        .commit(vec![session(EZHOU, "S-city", "鄂州联合培训班")])
        .unwrap();
    let (bytes, exported) =
        build(&city.store, &city.keys, ECHENG, &ExportOptions::default()).unwrap();
    assert!(exported
        .ranges
        .iter()
        .all(|r| r.kind == ChainKind::PublicView && r.origin == EZHOU));
    echeng.applied(&bytes);
    assert!(echeng.has("s/S-city"));
    assert!(!echeng.has(&format!("p/P-{HUARONG}-1")));
    assert!(!echeng.has(&format!("s/S-{HUARONG}-1")));
}

/// Decrypts a bundle with the recipient's keys, as a relay holding them could, and rebuilds
/// what was sealed.
fn reopen(bytes: &[u8], recipient: &Keys) -> Draft {
    let outer = parse_outer(bytes).unwrap();
    let opened = decrypt(&outer, recipient.age_identity()).unwrap();
    let h = opened.header.clone();
    let ranges = opened.ranges().unwrap();
    Draft {
        routing: outer.routing.clone(),
        link_seq: h.link_seq,
        seen_link_seq: h.seen_link_seq,
        created_ms: h.created_ms,
        acks: h.acks,
        ranges: h.ranges.into_iter().zip(ranges).collect(),
        files: vec![],
    }
}

#[test]
fn a_relay_cannot_forge_or_alter_its_counties_ops() {
    let (province, city, county) = hierarchy();
    county_work(&county, "1");
    city.applied(&county.send(&city));
    let genuine = city.send(&province);
    let draft = reopen(&genuine, &province.keys);
    let county_range = draft
        .ranges
        .iter()
        .position(|(r, _)| r.head.origin == ECHENG)
        .unwrap();
    let to_province = province.keys.age_identity().to_public();

    // The city changes a phone number in the county's op and signs the bundle itself.
    let mut altered = draft.clone();
    let ops = &mut altered.ranges[county_range].1;
    let mut op = Op::decode(&ops[2]).unwrap();
    if let Payload::PersonUpserted(p) = &mut op.payload {
        p.phone = "13999999999".into();
    }
    ops[2] = op.encode().unwrap();
    let bytes = seal(&altered, &city.keys, &to_province).unwrap();
    assert!(matches!(
        province.take(&bytes),
        Err(Rejection::BadRangeSignature { origin, .. }) if origin == ECHENG
    ));

    // The city appends an op of its own making to the county's chain and signs the head with
    // its own key under the county's name.
    let mut forged = draft.clone();
    let (range, ops) = &mut forged.ranges[county_range];
    let last = Op::decode(ops.last().unwrap()).unwrap();
    let extra = Op {
        seq: last.seq + 1,
        prev: range.head.hash,
        hlc: last.hlc.tick(last.hlc.wall_ms + 1),
        payload: Payload::ChecklistMarked {
            unit: ECHENG.into(),
            item: "county.plan".into(),
            status: MarkStatus::Done,
            note: "代报".into(),
        },
        ..last
    };
    let bytes_extra = extra.encode().unwrap();
    let hash = Op::hash_of(&bytes_extra);
    ops.push(bytes_extra);
    let mut head = SignedHead::sign(
        &city.keys,
        range.head.device,
        ChainKind::Full,
        extra.seq,
        hash,
    )
    .unwrap();
    head.origin = ECHENG.into();
    head.epoch = 1;
    range.head = head;
    let bytes = seal(&forged, &city.keys, &to_province).unwrap();
    assert!(matches!(
        province.take(&bytes),
        Err(Rejection::BadRangeSignature { origin, .. }) if origin == ECHENG
    ));
    assert!(
        province.store.heads().unwrap().is_empty(),
        "nothing written"
    );

    // The genuine relay goes through.
    assert_eq!(province.applied(&genuine).applied, 6);
}

#[test]
fn wrong_recipient_unknown_sender_and_revoked_keys_are_refused() {
    let (province, city, county) = hierarchy();
    county_work(&county, "1");
    let to_city = county.send(&city);
    assert!(matches!(
        province.take(&to_city),
        Err(Rejection::NotForUs { recipient, .. }) if recipient == EZHOU
    ));

    let stranger = Office::new(HUARONG);
    stranger.pin(&city);
    stranger
        .store
        .commit(vec![session(HUARONG, "S-h", "华容")])
        .unwrap();
    let from_stranger = stranger.send(&city);
    assert!(matches!(
        city.take(&from_stranger),
        Err(Rejection::UnknownSender { sender }) if sender == HUARONG
    ));

    // The province stops trusting the county's key: the relayed county range is left out and
    // said so, the city's own work still goes in.
    city.applied(&to_city);
    city.store
        .commit(vec![session(EZHOU, "S-city", "鄂州联合培训班")])
        .unwrap();
    trust::revoke(&province.store, ECHENG).unwrap();
    match province.take(&city.send(&province)) {
        Ok(Outcome::Imported(summary)) => {
            assert_eq!(summary.counts.applied, 1);
            assert_eq!(summary.refused.len(), 1);
            assert_eq!(summary.refused[0].code, "revoked-origin");
            assert_eq!(summary.refused[0].range.origin, ECHENG);
            assert!(summary.refused[0].reason.contains("吊销"));
        }
        other => panic!("{other:?}"),
    }
    assert!(province.has("s/S-city"));
    assert!(!province.has(&format!("p/P-{ECHENG}-1")));
    // The city stops trusting it: the county's own bundles are refused.
    trust::revoke(&city.store, ECHENG).unwrap();
    county_work(&county, "2");
    assert!(matches!(
        city.take(&county.send(&city)),
        Err(Rejection::RevokedSender { sender }) if sender == ECHENG
    ));
    // And nothing can be sent to a revoked office.
    assert!(build(&city.store, &city.keys, ECHENG, &ExportOptions::default()).is_err());
}

#[test]
fn ranges_of_unknown_origins_are_left_out_and_chains_not_ours_refused() {
    let province = Office::new(PROVINCE);
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    city.pin(&province);
    province.pin(&city);
    county_work(&county, "1");
    city.applied(&county.send(&city));
    city.store
        .commit(vec![session(EZHOU, "S-city", "鄂州联合培训班")])
        .unwrap();
    // No roster yet: the province does not know the county's key.
    let to_province = city.send(&province);
    match province.take(&to_province) {
        Ok(Outcome::Imported(summary)) => {
            assert_eq!(summary.counts.applied, 1);
            assert_eq!(summary.refused.len(), 1);
            assert_eq!(summary.refused[0].code, "unknown-origin");
        }
        other => panic!("{other:?}"),
    }
    // The same contents addressed to the county: the city's full log is not the county's to
    // hold, and the whole file is refused.
    let mut draft = reopen(&to_province, &province.keys);
    draft.routing.recipient = ECHENG.into();
    draft.routing.bundle_id = [9; 16];
    let bytes = seal(&draft, &city.keys, &county.keys.age_identity().to_public()).unwrap();
    assert!(matches!(
        county.take(&bytes),
        Err(Rejection::NotVisible { origin, .. }) if origin == EZHOU
    ));
}

#[test]
fn the_same_bundle_twice_is_a_no_op_that_says_so() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    let bytes = county.send(&city);
    assert_eq!(city.applied(&bytes).applied, 6);
    let before = city.state();
    match city.take(&bytes) {
        Ok(Outcome::AlreadyImported {
            sender, link_seq, ..
        }) => {
            assert_eq!((sender.as_str(), link_seq), (ECHENG, 1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(city.state(), before);
}

#[test]
fn out_of_order_ranges_are_held_until_the_gap_fills() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    let first = county.send(&city);
    county_work(&county, "2");
    // As if the city had acknowledged the first six ops (its acknowledgement crossed the
    // first bundle on the way).
    let device = county.store.device();
    let hash6 = county.store.op_hash(device, 6).unwrap().unwrap();
    let since = BTreeMap::from([(device, (6, hash6))]);
    let second = county.send_with(
        &city,
        &ExportOptions {
            since: Some(since),
            ..ExportOptions::default()
        },
    );
    let held = city.applied(&second);
    assert_eq!((held.applied, held.held), (0, 6));
    assert_eq!(city.store.held_ranges().unwrap().len(), 1);
    assert!(!city.has(&format!("p/P-{ECHENG}-2")));

    let filled = city.applied(&first);
    assert_eq!((filled.applied, filled.released), (12, 6));
    assert!(city.store.held_ranges().unwrap().is_empty());
    assert!(city.has(&format!("p/P-{ECHENG}-2")));
    city.assert_consistent();
}

#[test]
fn a_fork_is_quarantined_and_reported() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    city.applied(&county.send(&city));
    // The county restores an old backup and writes other ops under the same sequence numbers:
    // signed by its own key, so genuine, but a second history.
    let device = county.store.device();
    let mut other = ChainWriter::new(ECHENG, device, "测试员");
    let ops: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            other
                .push(session(ECHENG, &format!("S-fork-{i}"), "另一段历史"))
                .unwrap()
                .encode()
                .unwrap()
        })
        .collect();
    let head = SignedHead::sign(
        &county.keys,
        device,
        ChainKind::Full,
        4,
        Op::hash_of(ops.last().unwrap()),
    )
    .unwrap();
    let draft = Draft {
        routing: Routing {
            sender: ECHENG.into(),
            sender_epoch: 1,
            recipient: EZHOU.into(),
            recipient_epoch: 1,
            bundle_id: [42; 16],
        },
        link_seq: 2,
        seen_link_seq: 0,
        created_ms: 0,
        acks: vec![],
        ranges: vec![(RangeHeader { first: 1, head }, ops)],
        files: vec![],
    };
    let bytes = seal(&draft, &county.keys, &city.keys.age_identity().to_public()).unwrap();
    let before = city.state();
    let counts = city.applied(&bytes);
    assert_eq!(counts.applied, 0);
    assert_eq!(counts.quarantined.len(), 1);
    assert_eq!(counts.quarantined[0].at, 1);
    assert_eq!(city.state(), before, "the fork changed nothing");
    assert_eq!(city.store.quarantined().unwrap().len(), 1);
}

#[test]
fn a_county_bundle_touching_another_countys_record_is_refused_whole() {
    let city = Office::new(EZHOU);
    let echeng = Office::new(ECHENG);
    let huarong = Office::new(HUARONG);
    for county in [&echeng, &huarong] {
        city.pin(county);
        county.pin(&city);
    }
    huarong
        .store
        .commit(vec![enterprise(HUARONG, "E-shared", "华容某企业")])
        .unwrap();
    city.applied(&huarong.send(&city));
    // 鄂城区 writes a session and then an enterprise under 华容区's record id.
    echeng
        .store
        .commit(vec![
            session(ECHENG, "S-e", "鄂城区第一场"),
            enterprise(ECHENG, "E-shared", "冒名企业"),
        ])
        .unwrap();
    let before = city.state();
    let refused = city.take(&echeng.send(&city)).unwrap_err();
    assert_eq!(
        refused,
        Rejection::Unauthorised {
            record: "e/E-shared".into(),
            origin: ECHENG.into()
        }
    );
    let text = refused.to_string();
    assert!(
        text.contains("e/E-shared") && text.contains("鄂城区"),
        "{text}"
    );
    assert_eq!(city.state(), before, "not even the session went in");
    assert!(!city
        .store
        .heads()
        .unwrap()
        .iter()
        .any(|(d, _)| *d == echeng.store.device()));
}

#[test]
fn no_name_or_phone_of_the_payload_appears_in_the_bundle() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    let bytes = county.send(&city);
    for secret in [NAME, PHONE, FIRM, "测试员", "专利导航"] {
        let needle = secret.as_bytes();
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "{secret} is readable in the bundle"
        );
    }
}

#[test]
fn trust_needs_the_right_fingerprint_and_rosters_only_move_forward() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    let other = Office::new(HUARONG);
    let card = county.keys.card().unwrap();
    let wrong = other.keys.card().unwrap().fingerprint();
    assert_eq!(
        trust::trust_card(&city.store, &card, &wrong).unwrap(),
        Err(TrustError::Mismatch {
            office: ECHENG.into()
        })
    );
    let mut typo: Vec<char> = card.fingerprint().chars().collect();
    typo[7] = if typo[7] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    assert!(matches!(
        trust::trust_card(&city.store, &card, &typo).unwrap(),
        Err(TrustError::Fingerprint(_))
    ));
    assert!(city.store.peers().unwrap().is_empty());
    city.pin(&county);

    let province = Office::new(PROVINCE);
    province.pin(&city);
    let first = trust::make_roster(&city.store, &city.keys).unwrap();
    city.pin(&other);
    let second = trust::make_roster(&city.store, &city.keys).unwrap();
    assert_eq!(
        trust::accept_roster(&province.store, &province.keys, &second)
            .unwrap()
            .unwrap()
            .len(),
        2
    );
    assert!(matches!(
        trust::accept_roster(&province.store, &province.keys, &first).unwrap(),
        Err(TrustError::RosterVersion { .. })
    ));
    // A roster altered in transit is refused.
    let mut altered = second.clone();
    altered.body.version += 10;
    assert!(matches!(
        trust::accept_roster(&province.store, &province.keys, &altered).unwrap(),
        Err(TrustError::RosterBadSignature { .. })
    ));
    // A roster from an office nobody pinned is refused.
    let stranger = Office::new(PROVINCE);
    assert!(matches!(
        trust::accept_roster(&stranger.store, &stranger.keys, &second).unwrap(),
        Err(TrustError::RosterSigner(Rejection::UnknownSender { .. }))
    ));
}

// ---- golden bundles -------------------------------------------------------------------------

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

const GOLDEN_DEVICE: u64 = 0x0123_4567_89ab_cdef;

/// Makes a bundle the way the golden one was made, into a scratch folder, and checks it reads
/// like the golden one. With `PEIXUN_REGEN_GOLDEN=1` it writes into tests/golden instead: only
/// when the format changes on purpose, with a new version.
#[test]
fn a_bundle_made_like_the_golden_one_reads_like_it() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = if std::env::var("PEIXUN_REGEN_GOLDEN").is_ok() {
        golden()
    } else {
        scratch.path().to_path_buf()
    };
    write_golden(&dir);
    let city = golden_city_from(&dir);
    let bytes = std::fs::read(dir.join("county-to-city-v1.pxb")).unwrap();
    assert_eq!(city.applied(&bytes).applied, 6);
    city.assert_consistent();
}

fn write_golden(dir: &Path) {
    for keys in ["county-keys", "city-keys"] {
        let _ = std::fs::remove_dir_all(dir.join(keys));
    }
    let county_keys = Keys::generate(ECHENG);
    let city_keys = Keys::generate(EZHOU);
    county_keys.write_to(&dir.join("county-keys")).unwrap();
    city_keys.write_to(&dir.join("city-keys")).unwrap();
    for (name, keys) in [("county", &county_keys), ("city", &city_keys)] {
        let card = keys.card().unwrap();
        std::fs::write(dir.join(format!("{name}.card")), card.to_text().unwrap()).unwrap();
    }
    let work = tempfile::tempdir().unwrap();
    let store =
        Store::create_with_device(&work.path().join("store"), ECHENG, "王芳", GOLDEN_DEVICE)
            .unwrap();
    county_keys.write_to(&keys_dir(store.dir())).unwrap();
    let city_card = city_keys.card().unwrap();
    trust::trust_card(&store, &city_card, &city_card.fingerprint())
        .unwrap()
        .unwrap();
    let county = Office {
        _dir: work,
        store,
        keys: county_keys,
    };
    county_work(&county, "1");
    let (bytes, _) = build(
        &county.store,
        &county.keys,
        EZHOU,
        &ExportOptions::default(),
    )
    .unwrap();
    std::fs::write(dir.join("county-to-city-v1.pxb"), bytes).unwrap();
}

/// A city store holding the golden city keys and trusting the golden county card.
fn golden_city() -> Office {
    golden_city_from(&golden())
}

fn golden_city_from(files: &Path) -> Office {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("store"), EZHOU, "测试员").unwrap();
    let keys = Keys::read_from(&files.join("city-keys")).unwrap();
    keys.write_to(&keys_dir(store.dir())).unwrap();
    let text = std::fs::read_to_string(files.join("county.card")).unwrap();
    let card = peixun::sync::Card::from_text(&text).unwrap();
    let fingerprint = text
        .lines()
        .find_map(|l| l.strip_prefix("# fingerprint: "))
        .unwrap()
        .to_string();
    trust::trust_card(&store, &card, &fingerprint)
        .unwrap()
        .unwrap();
    Office {
        _dir: dir,
        store,
        keys,
    }
}

fn golden_bundle() -> Vec<u8> {
    std::fs::read(golden().join("county-to-city-v1.pxb")).unwrap()
}

#[test]
fn the_golden_bundle_still_reads() {
    let city = golden_city();
    let counts = city.applied(&golden_bundle());
    assert_eq!(counts.applied, 6);
    let state = city.state();
    assert!(state.contains_key(&format!("s/S-{ECHENG}-1")));
    assert!(state.contains_key(&format!("p/P-{ECHENG}-1")));
    assert!(state.contains_key(&format!("c/{ECHENG}/county.contact")));
    let heads = city.store.heads().unwrap();
    assert_eq!(heads, vec![(GOLDEN_DEVICE, heads[0].1.clone())]);
    assert_eq!(heads[0].1.seq, 6);
    city.assert_consistent();
}

fn assert_untouched(city: &Office) {
    assert!(city.store.heads().unwrap().is_empty());
    assert!(city.state().is_empty());
}

#[test]
fn every_single_byte_flip_of_the_golden_bundle_is_refused() {
    let city = golden_city();
    let bytes = golden_bundle();
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xFF] {
            let mut flipped = bytes.clone();
            flipped[i] ^= mask;
            assert!(
                city.take(&flipped).is_err(),
                "a flip ({mask:#04x}) at byte {i} of {} was accepted",
                bytes.len()
            );
        }
    }
    assert_untouched(&city);
}

#[test]
fn every_truncation_and_any_trailing_bytes_are_refused() {
    let city = golden_city();
    let bytes = golden_bundle();
    for len in 0..bytes.len() {
        let refused = city.take(&bytes[..len]).unwrap_err();
        assert!(
            matches!(refused, Rejection::Truncated | Rejection::NotABundle),
            "cut at {len}: {refused:?}"
        );
    }
    for tail in [&b"\n"[..], b"\0", &[0u8; 4096]] {
        let mut longer = bytes.clone();
        longer.extend_from_slice(tail);
        assert_eq!(
            city.take(&longer).unwrap_err(),
            Rejection::TrailingGarbage {
                extra: tail.len() as u64
            }
        );
    }
    assert_untouched(&city);
    // Text-mode copying (LF -> CR LF) is named as such.
    let mut text = Vec::new();
    for &b in &bytes {
        if b == b'\n' {
            text.push(b'\r');
        }
        text.push(b);
    }
    assert_eq!(city.take(&text).unwrap_err(), Rejection::Mangled);
}

// ---- the command line ------------------------------------------------------------------------

fn peixun(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PEIXUN_LANG")
        .output()
        .unwrap()
}

fn ok(output: std::process::Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fingerprint_in(card: &Path) -> String {
    std::fs::read_to_string(card)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# fingerprint: "))
        .unwrap()
        .to_string()
}

#[test]
fn the_cli_exchanges_bundles_on_a_stick() {
    let tmp = tempfile::tempdir().unwrap();
    let county = tmp.path().join("county");
    let city = tmp.path().join("city");
    let stick = tmp.path().join("usb");
    std::fs::create_dir(&stick).unwrap();
    ok(peixun(
        &county,
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    ok(peixun(
        &city,
        &["init", "--office", "鄂州市", "--actor", "李雷"],
    ));
    let out = ok(peixun(&county, &["keys", "init"]));
    assert!(out.contains("指纹"), "{out}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(peixun(&county, &["keys", "show", "--json"]))).unwrap();
    assert_eq!(shown["office"], ECHENG);
    assert_eq!(shown["role"], "county");

    let county_card = stick.join("county.card");
    let city_card = stick.join("city.card");
    ok(peixun(
        &county,
        &["keys", "export", "-o", county_card.to_str().unwrap()],
    ));
    // The city's keys are made on first use.
    let out = peixun(
        &city,
        &["keys", "export", "-o", city_card.to_str().unwrap()],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("已自动创建"));
    let fp_county = fingerprint_in(&county_card);
    assert_eq!(fp_county, shown["fingerprint"]);
    let fp_city = fingerprint_in(&city_card);

    // A card without a fingerprint, or with the wrong one, is not trusted.
    let card = county_card.to_str().unwrap();
    let out = peixun(&city, &["keys", "trust", card]);
    assert_eq!(out.status.code(), Some(2));
    let out = peixun(
        &city,
        &[
            "--lang",
            "en",
            "keys",
            "trust",
            card,
            "--fingerprint",
            &fp_city,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fingerprint mismatch"));
    ok(peixun(
        &city,
        &[
            "keys",
            "trust",
            card,
            "--fingerprint",
            &fp_county.to_lowercase(),
        ],
    ));
    ok(peixun(
        &county,
        &[
            "keys",
            "trust",
            city_card.to_str().unwrap(),
            "--fingerprint",
            &fp_city,
        ],
    ));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["keys", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["office"], ECHENG);

    ok(peixun(
        &county,
        &["checklist", "mark", "county.contact", "done"],
    ));
    let out = ok(peixun(
        &county,
        &[
            "bundle",
            "export",
            "--to",
            "鄂州市",
            "-o",
            stick.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("第 1 号"), "{out}");
    let bundles: Vec<PathBuf> = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pxb"))
        .collect();
    assert_eq!(bundles.len(), 1);
    let name = bundles[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("420704-420700-0001-"), "{name}");
    let bundle = bundles[0].to_str().unwrap();

    // Anyone can read where it goes; only the city reads what is inside.
    let seen: serde_json::Value = serde_json::from_str(&ok(peixun(
        &county,
        &["bundle", "inspect", bundle, "--json"],
    )))
    .unwrap();
    assert_eq!(seen["recipient"], EZHOU);
    assert!(seen["contents"].is_null());
    let seen: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["bundle", "inspect", bundle, "--json"]))).unwrap();
    assert_eq!(seen["contents"]["signature_verified"], true);
    assert_eq!(seen["contents"]["ops"], 1);

    let out = ok(peixun(&city, &["bundle", "import", bundle]));
    assert!(out.contains("应用 1 条"), "{out}");
    let out = ok(peixun(&city, &["--lang", "en", "bundle", "import", bundle]));
    assert!(out.contains("already imported"), "{out}");
    ok(peixun(&city, &["doctor"]));

    // A damaged copy is refused with its cause, in either language, and exit code 2.
    let mut bytes = std::fs::read(bundle).unwrap();
    bytes.truncate(bytes.len() - 10);
    let cut = stick.join("cut.pxb");
    std::fs::write(&cut, bytes).unwrap();
    let out = peixun(
        &city,
        &["--lang", "en", "bundle", "import", cut.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    let out = peixun(&county, &["bundle", "import", bundle]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是本单位"));

    let out = ok(peixun(&city, &["keys", "revoke", "鄂城区"]));
    assert!(out.contains("吊销"), "{out}");
    let out = ok(peixun(&city, &["bundle", "held"]));
    assert!(out.contains("没有"), "{out}");
}

// ---- many offices, unreliable sticks ----------------------------------------------------------

mod deliveries {
    use super::*;
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
        trust::accept_roster(&province.store, &province.keys, &roster)
            .unwrap()
            .unwrap();
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
                payloads.push(person(&o, &format!("P-{o}-{n}"), NAME, PHONE, "E"));
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
}
