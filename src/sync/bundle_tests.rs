//! Sealing and opening bundles, and what each damaged frame is called.

use super::*;

fn draft(keys: &Keys, to: &Keys) -> Draft {
    Draft {
        routing: Routing {
            sender: keys.office().into(),
            sender_epoch: 1,
            recipient: to.office().into(),
            recipient_epoch: 1,
            bundle_id: [7; 16],
        },
        link_seq: 1,
        seen_link_seq: 0,
        created_ms: 1,
        acks: vec![],
        ranges: vec![],
        files: vec![],
    }
}

#[test]
fn sealed_bundles_open_and_verify() {
    let county = Keys::generate("420704");
    let city = Keys::generate("420700");
    let bytes = seal(
        &draft(&county, &city),
        &county,
        &city.age_identity().to_public(),
    )
    .unwrap();
    assert!(bytes.starts_with(&MAGIC));
    let outer = parse_outer(&bytes).unwrap();
    assert_eq!(outer.routing.sender, "420704");
    let opened = decrypt(&outer, city.age_identity()).unwrap();
    opened
        .verify(&outer, &county.signing_key().verifying_key())
        .unwrap();
    assert_eq!(opened.ranges().unwrap(), Vec::<Vec<Vec<u8>>>::new());
    assert_eq!(
        decrypt(&outer, county.age_identity()).err(),
        Some(Rejection::NotOurKey)
    );
    assert_eq!(
        opened
            .verify(&outer, &city.signing_key().verifying_key())
            .err()
            .map(|e| e.code()),
        Some("bad-signature")
    );
}

#[test]
fn frames_name_what_is_wrong() {
    let county = Keys::generate("420704");
    let city = Keys::generate("420700");
    let bytes = seal(
        &draft(&county, &city),
        &county,
        &city.age_identity().to_public(),
    )
    .unwrap();
    assert_eq!(parse_outer(&bytes[..5]).err(), Some(Rejection::Truncated));
    assert_eq!(
        parse_outer(&bytes[..bytes.len() - 1]).err(),
        Some(Rejection::Truncated)
    );
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"xy");
    assert_eq!(
        parse_outer(&longer).err(),
        Some(Rejection::TrailingGarbage { extra: 2 })
    );
    let mut text = bytes.clone();
    text.remove(4); // CR LF -> LF
    assert_eq!(parse_outer(&text).err(), Some(Rejection::Mangled));
    assert_eq!(
        parse_outer(b"hello, world").err(),
        Some(Rejection::NotABundle)
    );
    let mut newer = bytes.clone();
    newer[9] = 3;
    assert!(matches!(
        parse_outer(&newer).err(),
        Some(Rejection::NewerFormat { found: 3, .. })
    ));
}

#[test]
fn heads_verify_only_with_their_origin_key() {
    let county = Keys::generate("420704");
    let other = Keys::generate("420703");
    let head = SignedHead::sign(&county, 9, ChainKind::Full, 3, [1; 32]).unwrap();
    assert!(head.verify(&county.signing_key().verifying_key()));
    assert!(!head.verify(&other.signing_key().verifying_key()));
    let mut moved = head.clone();
    moved.seq = 4;
    assert!(!moved.verify(&county.signing_key().verifying_key()));
}

#[test]
fn files_make_a_version_2_bundle_and_are_checked_by_hash() {
    let county = Keys::generate("420704");
    let city = Keys::generate("420700");
    let photo = b"JPEG photo of the training room".to_vec();
    let mut with_files = draft(&county, &city);
    with_files.files = vec![(*blake3::hash(&photo).as_bytes(), photo.clone())];
    let bytes = seal(&with_files, &county, &city.age_identity().to_public()).unwrap();
    assert_eq!(&bytes[8..10], &[0, 2]);
    let outer = parse_outer(&bytes).unwrap();
    let opened = decrypt(&outer, city.age_identity()).unwrap();
    opened
        .verify(&outer, &county.signing_key().verifying_key())
        .unwrap();
    assert_eq!(opened.files.len(), 1);
    assert_eq!(opened.contents().unwrap().1, vec![photo.clone()]);
    // Bytes that do not hash to what the sender signed are refused, whole.
    let mut lying = draft(&county, &city);
    lying.files = vec![([9; 32], photo)];
    let bytes = seal(&lying, &county, &city.age_identity().to_public()).unwrap();
    let outer = parse_outer(&bytes).unwrap();
    let opened = decrypt(&outer, city.age_identity()).unwrap();
    assert_eq!(opened.contents().err(), Some(Rejection::corrupted("files")));
    // Without files it stays version 1, which every earlier peixun reads.
    let plain = seal(
        &draft(&county, &city),
        &county,
        &city.age_identity().to_public(),
    )
    .unwrap();
    assert_eq!(&plain[8..10], &[0, 1]);
}
