//! Bundles between offices: round trips that converge, relays that cannot forge, a county's
//! people kept from another, replays, trust and revocation. Elsewhere: holds, forks and floods
//! (`sync_set_aside.rs`), the golden bundles (`sync_golden.rs`), the command line
//! (`sync_cli.rs`), many offices with unreliable sticks (`sync_deliveries.rs`).

use crate::common::offices::*;
use chrono::NaiveDate;
use peixun::domain::MarkStatus;
use peixun::log::device::tagged;
use peixun::log::{Op, Payload};
use peixun::sync::bundle::{seal, Draft, SignedHead};
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::import::Outcome;
use peixun::sync::incoming::open_bytes;
use peixun::sync::trust::{self, TrustError};
use peixun::sync::{ChainKind, Keys, Rejection};

#[test]
fn county_city_province_round_trips_converge() {
    let (province, city, county) = hierarchy();
    county_work(&county, "1");
    city.store
        .commit(vec![
            session(EZHOU, "S-420700-joint", "鄂州联合培训班"),
            Payload::DeadlineSet {
                unit: ECHENG.into(),
                item: "county.plan".into(),
                due: NaiveDate::from_ymd_opt(2023, 2, 27).unwrap(),
            },
            // City-owned people never go down to a county.
            person(EZHOU, "P-420700-1", "司马相如", "13900000001", "E-420700-x"),
        ])
        .unwrap();
    province
        .store
        .commit(vec![
            session(PROVINCE, "S-420000-online", "线上大培训"),
            person(
                PROVINCE,
                "P-420000-1",
                "诸葛亮",
                "13900000002",
                "E-420000-y",
            ),
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
    assert!(province.has("p/P-420700-1"));

    let down = city.applied(&province.send(&city));
    assert_eq!(down.applied, 1, "only the province's public view");
    assert!(city.has("s/S-420000-online"));
    assert!(!city.has("p/P-420000-1"));

    let down = county.applied(&city.send(&county));
    assert_eq!(
        down.applied,
        2 + 1,
        "the city's session and deadline, the province's session"
    );
    assert!(county.has("s/S-420700-joint"));
    assert!(county.has(&format!("d/{ECHENG}/county.plan")));
    assert!(county.has("s/S-420000-online"));
    assert!(!county.has("p/P-420700-1") && !county.has("p/P-420000-1"));

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
    let (city, echeng, huarong) = city_and_two_counties();
    for county in [&echeng, &huarong] {
        county_work(county, "1");
        city.applied(&county.send(&city));
    }
    city.store
        .commit(vec![session(EZHOU, "S-420700-c", "鄂州联合培训班")])
        .unwrap();
    let (bytes, exported) =
        build(&city.store, &city.keys, ECHENG, &ExportOptions::default()).unwrap();
    assert!(exported
        .ranges
        .iter()
        .all(|r| r.kind == ChainKind::PublicView && r.origin == EZHOU));
    echeng.applied(&bytes);
    assert!(echeng.has("s/S-420700-c"));
    assert!(!echeng.has(&format!("p/P-{HUARONG}-1")));
    assert!(!echeng.has(&format!("s/S-{HUARONG}-1")));
}

/// Decrypts a bundle with the recipient's keys, as a relay holding them could, and rebuilds
/// what was sealed.
fn reopen(bytes: &[u8], recipient: &Keys) -> Draft {
    let (outer, opened) = open_bytes(bytes, recipient.age_identity()).unwrap();
    let h = opened.header.clone();
    let ranges: Vec<Vec<Vec<u8>>> = opened
        .contents(&std::env::temp_dir())
        .unwrap()
        .0
        .into_iter()
        .map(|range| range.ops.read_all().unwrap())
        .collect();
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
    altered.routing.bundle_id = [8; 16];
    let ops = &mut altered.ranges[county_range].1;
    let mut op = Op::decode(&ops[2]).unwrap();
    if let Payload::PersonUpserted(p) = &mut op.payload {
        p.phone = "13999999999".into();
    }
    ops[2] = op.encode().unwrap();
    let bytes = seal(&altered, &city.keys, &to_province).unwrap();
    let left_out = |bytes: &[u8]| {
        let summary = province.imported(bytes);
        assert_eq!(summary.refused.len(), 1, "{:?}", summary.refused);
        assert_eq!(summary.refused[0].code, "bad-range-signature");
        assert_eq!(summary.refused[0].range.origin, ECHENG);
        assert!(
            !province.has(&format!("p/P-{ECHENG}-1")),
            "nothing of it applied"
        );
    };
    left_out(&bytes);

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
    forged.routing.bundle_id = [9; 16];
    let bytes = seal(&forged, &city.keys, &to_province).unwrap();
    left_out(&bytes);
    assert!(
        !province
            .store
            .heads()
            .unwrap()
            .iter()
            .any(|(_, h)| h.office == ECHENG),
        "no op of the county's written"
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
        .commit(vec![session(HUARONG, "S-420703-h", "华容")])
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
        .commit(vec![session(EZHOU, "S-420700-c", "鄂州联合培训班")])
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
    assert!(province.has("s/S-420700-c"));
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

/// The county's work taken in by its city; the province trusts the city but not yet the county.
fn county_work_at_a_city_the_province_does_not_know() -> (Office, Office, Office) {
    let province = Office::new(PROVINCE);
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    city.pin(&province);
    province.pin(&city);
    county_work(&county, "1");
    city.applied(&county.send(&city));
    (province, city, county)
}

#[test]
fn ranges_of_unknown_origins_are_left_out_and_chains_not_ours_refused() {
    let (province, city, county) = county_work_at_a_city_the_province_does_not_know();
    city.store
        .commit(vec![session(EZHOU, "S-420700-c", "鄂州联合培训班")])
        .unwrap();
    // No roster yet: the province does not know the county's key.
    let to_province = city.send(&province);
    match province.take(&to_province) {
        Ok(Outcome::Imported(summary)) => {
            assert_eq!(summary.counts.applied, 1);
            assert_eq!(summary.refused.len(), 1);
            assert_eq!(summary.refused[0].code, "unknown-origin");
            let lines = peixun::sync::summary::outcome_lines("b.pxb", &Outcome::Imported(summary));
            assert!(
                lines
                    .iter()
                    .any(|l| l.contains("信任 鄂城区") && l.contains("可再次导入 b.pxb")),
                "{lines:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!province.has(&format!("p/P-{ECHENG}-1")));
    let inspected = |bytes: &[u8]| {
        let seen = peixun::sync::import::inspect(
            bytes,
            bytes.len() as u64,
            Some((&province.store, &province.keys)),
        )
        .unwrap();
        let contents = seen.contents.unwrap();
        (contents.already_imported, contents.imported_in_part)
    };
    assert_eq!(inspected(&to_province), (false, true));
    let waiting = |store: &peixun::store::Store| -> Vec<String> {
        peixun::sync::attention::attention(store, u64::MAX)
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == "in-part")
            .map(|a| a.text)
            .collect()
    };
    let listed = waiting(&province.store);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].contains("鄂城区") && listed[0].contains("第 1 号"),
        "{listed:?}"
    );
    let fresh_at = |office: &str| province.store.freshness().unwrap()[office].at_ms;
    let city_fresh = fresh_at(EZHOU);
    // Once the county is trusted the same file brings what it left out, and only that.
    province.pin(&county);
    std::thread::sleep(std::time::Duration::from_millis(5));
    match province.take(&to_province) {
        Ok(Outcome::Imported(summary)) => {
            assert_eq!(summary.counts.applied, 6, "the county's ops");
            assert_eq!(summary.counts.duplicates, 1, "the city's op, taken before");
            assert!(summary.refused.is_empty(), "{:?}", summary.refused);
            assert_eq!(summary.twin_of, None, "its own number is no twin");
        }
        other => panic!("{other:?}"),
    }
    assert!(province.has(&format!("p/P-{ECHENG}-1")));
    province.assert_consistent();
    assert_eq!(inspected(&to_province), (true, false));
    assert!(waiting(&province.store).is_empty());
    // Dated by its first import: the city is no fresher for the same file read twice.
    assert_eq!(fresh_at(EZHOU), city_fresh);
    assert_eq!(fresh_at(ECHENG), city_fresh);
    // Taken in whole now: a third time does nothing.
    assert!(matches!(
        province.take(&to_province),
        Ok(Outcome::AlreadyImported { at_ms, .. }) if at_ms == city_fresh
    ));
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
fn a_record_changed_twice_in_one_bundle_counts_once() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    let renamed = person(
        ECHENG,
        &format!("P-{ECHENG}-1"),
        "欧阳明日",
        PHONE,
        &format!("E-{ECHENG}-1"),
    );
    county.store.commit(vec![renamed]).unwrap();
    let summary = city.applied(&county.send(&city));
    assert_eq!(summary.applied, 7, "every op is taken in");
    assert_eq!(
        summary.records_changed, 6,
        "the person is one record, renamed or not"
    );
    let name = "欧阳明日".as_bytes();
    let renamed_there = city
        .state()
        .values()
        .any(|v| v.windows(name.len()).any(|w| w == name));
    assert!(renamed_there, "the later name is the one kept");
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

/// A county that writes under another office's record ids (its neighbour's enterprise, the
/// city's next session id) changes nothing: those ops are kept in its chain, listed with their
/// reason, and the rest of its bundle and every later one go in. The owners' own writes go on.
#[test]
fn squatting_another_offices_ids_changes_nothing_and_the_link_flows() {
    let (city, echeng, huarong, shared) = neighbours_sharing_an_enterprise();
    let before = city.state();
    // The city's next session id is predictable from its own records.
    let city_next = city.store.new_id('S').unwrap();
    let squat = echeng.craft(
        &city,
        tagged(ECHENG, 77),
        vec![
            session(ECHENG, "S-420704-e", "鄂城区第一场"),
            enterprise(ECHENG, &shared, "冒名企业"),
            session(ECHENG, &city_next, "冒名场次"),
        ],
    );
    let summary = city.imported(&squat);
    assert_eq!(summary.counts.applied, 3, "every op is in the chain");
    let voided: Vec<&str> = summary
        .counts
        .refused_ops
        .iter()
        .map(|v| v.record.as_str())
        .collect();
    assert_eq!(
        voided,
        vec![format!("e/{shared}"), format!("s/{city_next}")]
    );
    let reason = summary.counts.refused_ops[0].reason();
    assert!(
        reason.contains("鄂城区 不能修改企业") && reason.contains("这个编号属于 华容区"),
        "{reason}"
    );
    assert_eq!(
        city.state().get(&format!("e/{shared}")),
        before.get(&format!("e/{shared}"))
    );
    assert!(city.has("s/S-420704-e"), "the county's own session went in");
    assert!(!city.has(&format!("s/{city_next}")));
    assert_eq!(city.store.voided_each().unwrap().count(), 2);

    // The owners' own writes still apply, and the link from 鄂城区 keeps flowing.
    city.store
        .commit(vec![session(EZHOU, &city_next, "鄂州联合培训班")])
        .unwrap();
    huarong
        .store
        .commit(vec![enterprise(HUARONG, &shared, "华容某企业（更名）")])
        .unwrap();
    assert_eq!(city.applied(&huarong.send(&city)).applied, 1);
    county_work(&echeng, "1");
    assert_eq!(city.applied(&echeng.send(&city)).applied, 6);
    let name = city.store.enterprise(&shared).unwrap().unwrap().name;
    assert_eq!(name, "华容某企业（更名）");
    city.assert_consistent();
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
        refusal(trust::trust_card(&city.store, &card, &wrong)),
        Err(TrustError::Mismatch {
            office: ECHENG.into()
        })
    );
    let mut typo: Vec<char> = card.fingerprint().chars().collect();
    typo[7] = if typo[7] == 'A' { 'B' } else { 'A' };
    let typo: String = typo.into_iter().collect();
    assert!(matches!(
        refusal(trust::trust_card(&city.store, &card, &typo)),
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
            .len(),
        2
    );
    assert!(matches!(
        refusal(trust::accept_roster(
            &province.store,
            &province.keys,
            &first
        )),
        Err(TrustError::RosterVersion { .. })
    ));
    // A roster altered in transit is refused.
    let mut altered = second.clone();
    altered.body.version += 10;
    assert!(matches!(
        refusal(trust::accept_roster(
            &province.store,
            &province.keys,
            &altered
        )),
        Err(TrustError::RosterBadSignature { .. })
    ));
    // A roster from an office nobody pinned is refused.
    let stranger = Office::new(PROVINCE);
    assert!(matches!(
        refusal(trust::accept_roster(
            &stranger.store,
            &stranger.keys,
            &second
        )),
        Err(TrustError::RosterSigner(Rejection::UnknownSender { .. }))
    ));
}

#[test]
fn a_later_file_taken_in_whole_settles_an_earlier_one_taken_in_part() {
    let (province, city, county) = county_work_at_a_city_the_province_does_not_know();
    let first = city.send(&province);
    assert_eq!(province.imported(&first).refused.len(), 1);
    let in_part = |store: &peixun::store::Store| {
        peixun::sync::attention::attention(store, 0)
            .unwrap()
            .into_iter()
            .filter(|a| a.kind == "in-part")
            .count()
    };
    assert_eq!(in_part(&province.store), 1);
    // The county trusted, the city's next file brings its work again, whole.
    province.pin(&county);
    let next = province.imported(&city.send(&province));
    assert!(next.refused.is_empty(), "{:?}", next.refused);
    assert!(province.has(&format!("p/P-{ECHENG}-1")));
    assert_eq!(in_part(&province.store), 0);
    assert!(matches!(
        province.take(&first),
        Ok(Outcome::AlreadyImported { .. })
    ));
}
