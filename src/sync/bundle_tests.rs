//! Sealing and opening bundles, and what each damaged frame is called.

use super::*;
use crate::sync::incoming::{open_bytes, parse_outer};
use crate::sync::{Fault, Rejection};

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
    let (outer, opened) = open_bytes(&bytes, city.age_identity()).unwrap();
    opened
        .verify(&outer, &county.signing_key().verifying_key())
        .unwrap();
    assert_eq!(
        opened
            .verify(&outer, &city.signing_key().verifying_key())
            .err()
            .map(|e| e.code()),
        Some("bad-signature")
    );
    assert!(opened.contents(&std::env::temp_dir()).unwrap().0.is_empty());
    assert_eq!(
        open_bytes(&bytes, county.age_identity())
            .err()
            .map(|e| e.code()),
        Some("not-our-key")
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
    let (outer, opened) = open_bytes(&bytes, city.age_identity()).unwrap();
    opened
        .verify(&outer, &county.signing_key().verifying_key())
        .unwrap();
    assert_eq!(opened.files.len(), 1);
    let mut files = opened.contents(&std::env::temp_dir()).unwrap().1;
    assert_eq!(files[0].read_all().unwrap(), photo);
    // Bytes that do not hash to what the sender signed are refused, whole.
    let mut lying = draft(&county, &city);
    lying.files = vec![([9; 32], photo)];
    let bytes = seal(&lying, &county, &city.age_identity().to_public()).unwrap();
    let (_, opened) = open_bytes(&bytes, city.age_identity()).unwrap();
    assert_eq!(
        opened
            .contents(&std::env::temp_dir())
            .err()
            .map(|fault| match fault {
                Fault::Refused(e) => e.to_string(),
                Fault::Failed(report) => format!("{report:#}"),
            }),
        Some(Rejection::corrupted("files").to_string())
    );
    // Without files it stays version 1, which every earlier peixun reads.
    let plain = seal(
        &draft(&county, &city),
        &county,
        &city.age_identity().to_public(),
    )
    .unwrap();
    assert_eq!(&plain[8..10], &[0, 1]);
}

/// The streaming payload reader over anything a sender could sign: it never panics, never
/// takes a payload that is not exactly what the ranges say, and reads back what was sealed.
mod payload_reader {
    use super::*;
    use crate::sync::incoming::open_bytes;
    use proptest::prelude::*;

    fn range_head(keys: &Keys, len: u64) -> RangeHeader {
        let head = SignedHead::sign(keys, 11, ChainKind::Full, len.max(1), [2; 32]).unwrap();
        RangeHeader { first: 1, head }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_under_a_signed_header_are_refused(
            plain in prop::collection::vec(any::<u8>(), 0..256),
            claimed in 0u64..4096,
            ops in 1u64..5,
        ) {
            let county = Keys::generate("420704");
            let city = Keys::generate("420700");
            let mut d = draft(&county, &city);
            d.ranges = vec![(range_head(&county, ops), vec![])];
            let payload = zstd::stream::encode_all(plain.as_slice(), 1).unwrap();
            let bytes = seal_payload(&d, &payload, claimed, &county, &city.age_identity().to_public()).unwrap();
            let (_, opened) = open_bytes(&bytes, city.age_identity()).unwrap();
            // Random bytes under a signed header are refused, never taken as ops.
            prop_assert!(opened.contents(&std::env::temp_dir()).is_err());
        }

        #[test]
        fn sealed_ops_and_files_read_back(
            count in 1usize..4,
            file in prop::collection::vec(any::<u8>(), 0..2048),
        ) {
            let county = Keys::generate("420704");
            let city = Keys::generate("420700");
            let mut writer = crate::demo::ChainWriter::new("420704", 11, "测试");
            let ops: Vec<Vec<u8>> = (0..count)
                .map(|i| {
                    writer
                        .push(crate::log::Payload::DeadlineSet {
                            unit: "420704".into(),
                            item: format!("item{i}"),
                            due: chrono::NaiveDate::from_ymd_opt(2023, 3, 1).unwrap(),
                        })
                        .unwrap()
                        .encode()
                        .unwrap()
                })
                .collect();
            let last = crate::log::Op::hash_of(ops.last().unwrap());
            let head = SignedHead::sign(&county, 11, ChainKind::Full, count as u64, last).unwrap();
            let mut d = draft(&county, &city);
            d.ranges = vec![(RangeHeader { first: 1, head }, ops.clone())];
            d.files = vec![(*blake3::hash(&file).as_bytes(), file.clone())];
            let bytes = seal(&d, &county, &city.age_identity().to_public()).unwrap();
            let (_, opened) = open_bytes(&bytes, city.age_identity()).unwrap();
            let (ranges, mut files) = opened.contents(&std::env::temp_dir()).unwrap();
            prop_assert_eq!(&ranges[0].ops.read_all().unwrap(), &ops);
            prop_assert_eq!(files[0].read_all().unwrap(), file);
        }
    }
}
