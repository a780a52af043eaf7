//! Keys between offices as a dishonest or careless office would try them: a city re-keying its
//! county at the province through a roster, a copy of an office's old keys signing after the
//! office rotated, and certificates of the first format.

use std::path::Path;

use crate::common::offices::*;
use peixun::demo::ChainWriter;
use peixun::domain::MarkStatus;
use peixun::log::device::tagged;
use peixun::log::{Op, Payload};
use peixun::store::Store;
use peixun::sync::bundle::{RangeHeader, SignedHead};
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::import::import_bytes;
use peixun::sync::rotation::{accept_rotation, rotate, Rotation};
use peixun::sync::trust::{self, Change, TrustError};
use peixun::sync::{ChainKind, Fault, Keys, Rejection};

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

fn mark(note: &str) -> Payload {
    Payload::ChecklistMarked {
        unit: ECHENG.into(),
        item: "county.contact".into(),
        status: MarkStatus::Done,
        note: note.into(),
    }
}

/// The city pins a fake 鄂城区 card (fooled, or on purpose) and hands the province a roster
/// with it. The province keeps the key it holds, says so, and a range signed by the fake key
/// that the city relays is left out while the city's own work goes in.
#[test]
fn a_city_cannot_re_key_its_county_at_the_province() {
    let (province, city, county) = hierarchy();
    county_work(&county, "1");
    city.applied(&county.send(&city));
    province.applied(&city.send(&province));
    let held = province.store.peer(ECHENG).unwrap().unwrap().card;

    let fake = Keys::generate(ECHENG);
    let fake_card = fake.card().unwrap();
    // Pinned over the county's key only when the city says so, after a warning.
    let refused = trust::trust_card(&city.store, &fake_card, &fake_card.fingerprint());
    assert!(
        matches!(
            &refused,
            Err(Fault::Refused(TrustError::ReplacesKey { trusted: 1, .. }))
        ),
        "{refused:?}"
    );
    let change =
        trust::trust_card_replacing(&city.store, &fake_card, &fake_card.fingerprint(), true)
            .unwrap();
    assert_eq!(change, Change::Replaced, "the city itself was fooled");
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    let report = trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    assert_eq!(report, vec![(ECHENG.to_string(), Change::KeptHeld)]);
    assert!(Change::KeptHeld.label().contains("名册不替换已有密钥"));
    assert_eq!(province.store.peer(ECHENG).unwrap().unwrap().card, held);

    // A mark in the county's name, signed by the fake key, relayed with the city's own session.
    let mut forger = ChainWriter::new(ECHENG, tagged(ECHENG, 66), "冒名者");
    let op = forger.push(mark("代报")).unwrap().encode().unwrap();
    let head = SignedHead::sign(
        &fake,
        tagged(ECHENG, 66),
        ChainKind::Full,
        1,
        Op::hash_of(&op),
    )
    .unwrap();
    city.store
        .commit(vec![session(EZHOU, "S-420700-r1", "鄂州联合培训班")])
        .unwrap();
    let (genuine, exported) =
        build(&city.store, &city.keys, PROVINCE, &ExportOptions::default()).unwrap();
    city.store
        .set_link_seq(PROVINCE, exported.link_seq)
        .unwrap();
    let to_province = province.keys.age_identity().to_public();
    let (frame, opened) =
        peixun::sync::incoming::open_bytes(&genuine, province.keys.age_identity()).unwrap();
    let h = opened.header.clone();
    let ranges: Vec<_> = opened.contents(&std::env::temp_dir()).unwrap().0;
    let mut draft = peixun::sync::bundle::Draft {
        routing: frame.routing.clone(),
        link_seq: h.link_seq,
        seen_link_seq: h.seen_link_seq,
        created_ms: h.created_ms,
        acks: h.acks,
        ranges: h
            .ranges
            .into_iter()
            .zip(ranges.into_iter().map(|r| r.ops.read_all().unwrap()))
            .collect(),
        files: vec![],
    };
    draft
        .ranges
        .push((RangeHeader { first: 1, head }, vec![op]));
    let bytes = peixun::sync::bundle::seal(&draft, &city.keys, &to_province).unwrap();
    let summary = province.imported(&bytes);
    assert_eq!(summary.refused.len(), 1);
    // Left out as signed by keys only the city's roster names: the province calls 鄂城区,
    // which never changed keys.
    assert_eq!(summary.refused[0].code, "keys-not-confirmed");
    assert!(summary.refused[0].reason.contains("冒名"));
    assert!(province.has("s/S-420700-r1"), "the city's own work went in");
    let note = peixun::store::checklist::marks(&province.store, ECHENG).unwrap()["county.contact"]
        .note
        .clone();
    assert_ne!(note, "代报");
}

/// 鄂城区 rotates its keys; a copy of its folder taken before (old keys and all) goes on
/// working and sends the city a bundle: refused by name. The real 鄂城区's next bundle goes in,
/// no fork; and a bundle it made before rotating still goes in after the certificate.
#[test]
fn old_keys_sign_nothing_after_the_rotation() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    county.store.commit(vec![mark("第 1 次")]).unwrap();
    city.applied(&county.send(&city));
    let before_rotation = {
        county.store.commit(vec![mark("第 2 次")]).unwrap();
        county.send(&city)
    };
    let copy = county.dir.path().join("copy");
    copy_dir(county.store.dir(), &copy);

    let (new_keys, certificate) = rotate(&county.store).unwrap();
    let certificate = Rotation::from_text(&certificate.to_text().unwrap()).unwrap();
    assert_eq!(
        refusal(accept_rotation(&city.store, &certificate)),
        Ok(Change::Updated)
    );
    // Made before the rotation, read after the certificate: it still goes in.
    assert_eq!(city.applied(&before_rotation).applied, 1);

    // The copy, with the old keys, writes and sends.
    let stale_store = Store::open(&copy).unwrap();
    let stale_keys = Keys::load(&copy, ECHENG).unwrap();
    assert_eq!(stale_keys.epoch(), 1);
    stale_store.commit(vec![mark("冒名")]).unwrap();
    let (stale, _) = build(&stale_store, &stale_keys, EZHOU, &ExportOptions::default()).unwrap();
    let refused = refusal(import_bytes(&city.store, &city.keys, &stale)).unwrap_err();
    assert!(
        matches!(&refused, Rejection::StaleKey { epoch: 1, .. }),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("旧密钥"), "{refused}");

    // The real county, under its new keys: applied, not quarantined as a fork.
    county.store.commit(vec![mark("第 3 次")]).unwrap();
    let (bytes, exported) =
        build(&county.store, &new_keys, EZHOU, &ExportOptions::default()).unwrap();
    county.store.set_link_seq(EZHOU, exported.link_seq).unwrap();
    let counts = city.applied(&bytes);
    assert_eq!(counts.applied, 1);
    assert!(counts.quarantined.is_empty());
    let note = peixun::store::checklist::marks(&city.store, ECHENG).unwrap()["county.contact"]
        .note
        .clone();
    assert_eq!(note, "第 3 次");
}

/// A certificate of the first format (the card alone endorsed) still reads and is accepted;
/// it stops the old generation at the end of the day the new card was made.
#[test]
fn a_first_format_rotation_certificate_still_reads() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    let next = county.keys.successor();
    let card = next.card().unwrap();
    let mut message = b"peixun rotation v1\0".to_vec();
    message.extend(postcard::to_stdvec(&card.body).unwrap());
    use ed25519_dalek::Signer;
    let endorsement = county.keys.signing_key().sign(&message).to_bytes();
    let hex: String = endorsement.iter().map(|b| format!("{b:02x}")).collect();
    let text = format!(
        "format = \"peixun-rotation-1\"\noffice = \"{ECHENG}\"\nold_epoch = 1\nendorsement = \"{hex}\"\ncard = '''\n{}'''\n",
        card.to_text().unwrap()
    );
    let certificate = Rotation::from_text(&text).unwrap();
    assert!(certificate.first_format);
    assert_eq!(
        refusal(accept_rotation(&city.store, &certificate)),
        Ok(Change::Updated)
    );
    let point = city.store.rotation_point(ECHENG, 1).unwrap().unwrap();
    assert!(point.heads.is_empty());
    assert!(point.at_ms > 0);
    // A flipped endorsement is refused.
    // Flipped where the endorsement starts: the same two hex digits may also occur in the
    // office code or the card.
    let flipped_byte = if &hex[..2] == "00" { "01" } else { "00" };
    let flipped = text.replacen(
        &format!("endorsement = \"{}", &hex[..2]),
        &format!("endorsement = \"{flipped_byte}"),
        1,
    );
    assert_ne!(flipped, text);
    let other = Office::new(EZHOU);
    other.pin(&county);
    assert!(refusal(accept_rotation(
        &other.store,
        &Rotation::from_text(&flipped).unwrap()
    ))
    .is_err());
}
