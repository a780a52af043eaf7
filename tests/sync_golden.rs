//! The golden bundles in `tests/golden` (docs/bundle-format.md §9): files written by earlier
//! peixun that every later one must still read, and must refuse after any single-byte change,
//! any truncation and any appended byte. Version 1 carries ops; version 2 also an evidence file.

use std::path::{Path, PathBuf};

use crate::common::offices::*;
use chrono::NaiveDate;
use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions, FILES_CAP};
use peixun::sync::identity::keys_dir;
use peixun::sync::import::inspect;
use peixun::sync::incoming::parse_outer;
use peixun::sync::{hex, trust, Keys, Rejection};

const GOLDEN_DEVICE: u64 = 0x0123_4567_89ab_cdef;
const V1: &str = "county-to-city-v1.pxb";
const V2: &str = "county-to-city-v2-files.pxb";
const EVIDENCE_NAME: &str = "联络员名单.txt";
/// The evidence file inside the version 2 golden bundle, byte for byte: the test checks the city
/// keeps exactly these bytes, so this must not change once the bundle is committed.
const EVIDENCE: &str = "鄂城区知识产权培训联络员名单（2023年3月）\n\
序号,姓名,单位,电话\n\
1,王芳,鄂城区市场监督管理局,13807110001\n\
2,李雷,鄂城区科技和经济信息化局,13807110002\n\
3,张敏,鄂城区政务服务中心,13807110003\n";

fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn golden_bundle(name: &str) -> Vec<u8> {
    std::fs::read(golden().join(name)).unwrap()
}

// ---- making them --------------------------------------------------------------------------

/// Makes bundles the way the golden ones were made, into a scratch folder, and checks they read
/// like the golden ones. With `PEIXUN_REGEN_GOLDEN=1` it writes into tests/golden instead, only
/// the files missing there, with the keys already there: a new format version adds its bundle
/// beside the old ones without changing them.
#[test]
fn a_bundle_made_like_the_golden_one_reads_like_it() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = if std::env::var("PEIXUN_REGEN_GOLDEN").is_ok() {
        golden()
    } else {
        scratch.path().to_path_buf()
    };
    write_golden(&dir);
    reads_as_v1(&golden_city_from(&dir), &read(&dir, V1));
    reads_as_v2(&golden_city_from(&dir), &read(&dir, V2));
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}

/// Writes into `dir` the golden files it lacks. Keys (and their cards) are generated only when
/// there are none; an existing file is never rewritten.
fn write_golden(dir: &Path) {
    for (name, office) in [("county", ECHENG), ("city", EZHOU)] {
        let keys_at = dir.join(format!("{name}-keys"));
        if !keys_at.exists() {
            Keys::generate(office).write_to(&keys_at).unwrap();
        }
        let card_at = dir.join(format!("{name}.card"));
        if !card_at.exists() {
            let card = Keys::read_from(&keys_at).unwrap().card().unwrap();
            std::fs::write(card_at, card.to_text().unwrap()).unwrap();
        }
    }
    if !dir.join(V1).exists() {
        let county = golden_county(dir);
        county_work(&county, "1");
        let (bytes, _) = build(
            &county.store,
            &county.keys,
            EZHOU,
            &ExportOptions::default(),
        )
        .unwrap();
        std::fs::write(dir.join(V1), bytes).unwrap();
    }
    if !dir.join(V2).exists() {
        let county = golden_county(dir);
        county_work(&county, "1");
        let path = county.dir.path().join(EVIDENCE_NAME);
        std::fs::write(&path, EVIDENCE).unwrap();
        let at = NaiveDate::from_ymd_opt(2023, 3, 15)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        peixun::app::checklist::attach(&county.store, ECHENG, "county.contact", &path, "", at)
            .unwrap();
        let options = ExportOptions {
            files_cap: Some(FILES_CAP),
            ..ExportOptions::default()
        };
        let (bytes, _) = build(&county.store, &county.keys, EZHOU, &options).unwrap();
        std::fs::write(dir.join(V2), bytes).unwrap();
    }
}

/// 鄂城区 on the golden device with the golden county keys, trusting the golden city card.
fn golden_county(files: &Path) -> Office {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create_with_device(&dir.path().join("store"), ECHENG, "王芳", GOLDEN_DEVICE)
        .unwrap();
    golden_office(dir, store, files, "county-keys", "city.card")
}

/// A city store holding the golden city keys and trusting the golden county card.
fn golden_city() -> Office {
    golden_city_from(&golden())
}

fn golden_city_from(files: &Path) -> Office {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("store"), EZHOU, "测试员").unwrap();
    golden_office(dir, store, files, "city-keys", "county.card")
}

fn golden_office(
    dir: tempfile::TempDir,
    store: Store,
    files: &Path,
    keys: &str,
    other: &str,
) -> Office {
    let keys = Keys::read_from(&files.join(keys)).unwrap();
    keys.write_to(&keys_dir(store.dir())).unwrap();
    // Pinned with the fingerprint the card file states, as a person reading it out would.
    let text = std::fs::read_to_string(files.join(other)).unwrap();
    let card = peixun::sync::Card::from_text(&text).unwrap();
    let fingerprint = text
        .lines()
        .find_map(|l| l.strip_prefix("# fingerprint: "))
        .unwrap()
        .to_string();
    trust::trust_card(&store, &card, &fingerprint).unwrap();
    Office { dir, store, keys }
}

// ---- reading them -------------------------------------------------------------------------

fn reads_as_v1(city: &Office, bytes: &[u8]) {
    let summary = city.imported(bytes);
    assert_eq!(summary.counts.applied, 6);
    assert_eq!(summary.files_kept, 0);
    let state = city.state();
    assert!(state.contains_key(&format!("s/S-{ECHENG}-1")));
    assert!(state.contains_key(&format!("p/P-{ECHENG}-1")));
    assert!(state.contains_key(&format!("c/{ECHENG}/county.contact")));
    let heads = city.store.heads().unwrap();
    assert_eq!(heads, vec![(GOLDEN_DEVICE, heads[0].1.clone())]);
    assert_eq!(heads[0].1.seq, 6);
    city.assert_consistent();
}

/// The version 1 work plus the evidence attached to the contact item, and its file kept.
fn reads_as_v2(city: &Office, bytes: &[u8]) {
    let summary = city.imported(bytes);
    assert_eq!(summary.counts.applied, 7);
    assert_eq!(summary.files_kept, 1);
    let hash = hex(blake3::hash(EVIDENCE.as_bytes()).as_bytes());
    let state = city.state();
    assert!(state.contains_key(&format!("p/P-{ECHENG}-1")));
    assert!(state.contains_key(&format!("c/{ECHENG}/county.contact")));
    assert!(state.contains_key(&format!("v/{ECHENG}/county.contact/{hash}")));
    let evidence =
        &peixun::store::checklist::evidence(&city.store, ECHENG).unwrap()["county.contact"];
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].file_name, EVIDENCE_NAME);
    assert_eq!(evidence[0].size, EVIDENCE.len() as u64);
    assert_eq!(evidence[0].blake3, hash);
    let kept = city.store.files_dir().join(&hash);
    assert_eq!(std::fs::read(kept).unwrap(), EVIDENCE.as_bytes());
    let heads = city.store.heads().unwrap();
    assert_eq!(heads, vec![(GOLDEN_DEVICE, heads[0].1.clone())]);
    assert_eq!(heads[0].1.seq, 7);
    city.assert_consistent();
}

#[test]
fn the_golden_bundle_still_reads() {
    reads_as_v1(&golden_city(), &golden_bundle(V1));
}

#[test]
fn the_golden_bundle_with_a_file_still_reads() {
    reads_as_v2(&golden_city(), &golden_bundle(V2));
}

#[test]
fn the_golden_bundles_state_their_versions() {
    let city = golden_city();
    for (name, version, ops, files) in [(V1, 1u16, 6, 0), (V2, 2, 7, 1)] {
        let bytes = golden_bundle(name);
        assert_eq!(bytes[8..10], version.to_be_bytes(), "{name}");
        assert_eq!(parse_outer(&bytes).unwrap().version, version, "{name}");
        // Anyone can read the version; the city also reads what is inside.
        let seen = inspect(&bytes[..], bytes.len() as u64, None).unwrap();
        assert_eq!(seen.version, version, "{name}");
        assert!(seen.contents.is_none());
        let seen = inspect(
            &bytes[..],
            bytes.len() as u64,
            Some((&city.store, &city.keys)),
        )
        .unwrap();
        let contents = seen.contents.unwrap();
        assert!(contents.signature_verified, "{name}: {:?}", seen.note);
        assert_eq!((contents.ops, contents.files), (ops, files), "{name}");
    }
    assert_untouched(&city);
}

// ---- refusing them damaged ----------------------------------------------------------------

/// Nothing of a refused bundle is kept: no chain, no record, no file.
fn assert_untouched(city: &Office) {
    assert!(city.store.heads().unwrap().is_empty());
    assert!(city.state().is_empty());
    let files = city.store.files_dir();
    assert!(
        !files.exists() || std::fs::read_dir(&files).unwrap().next().is_none(),
        "a file was kept"
    );
}

fn every_flip_is_refused(name: &str) {
    let city = golden_city();
    let bytes = golden_bundle(name);
    for i in 0..bytes.len() {
        for mask in [0x01u8, 0x80, 0xFF] {
            let mut flipped = bytes.clone();
            flipped[i] ^= mask;
            assert!(
                city.take(&flipped).is_err(),
                "a flip ({mask:#04x}) at byte {i} of {} in {name} was accepted",
                bytes.len()
            );
        }
    }
    assert_untouched(&city);
}

fn every_cut_and_tail_is_refused(name: &str) {
    let city = golden_city();
    let bytes = golden_bundle(name);
    for len in 0..bytes.len() {
        let refused = city.take(&bytes[..len]).unwrap_err();
        assert!(
            matches!(refused, Rejection::Truncated | Rejection::NotABundle),
            "{name} cut at {len}: {refused:?}"
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

#[test]
fn every_single_byte_flip_of_the_golden_bundle_is_refused() {
    every_flip_is_refused(V1);
}

#[test]
fn every_single_byte_flip_of_the_golden_bundle_with_a_file_is_refused() {
    every_flip_is_refused(V2);
}

#[test]
fn every_truncation_and_any_trailing_bytes_are_refused() {
    every_cut_and_tail_is_refused(V1);
}

#[test]
fn every_truncation_and_any_trailing_bytes_of_the_bundle_with_a_file_are_refused() {
    every_cut_and_tail_is_refused(V2);
}
