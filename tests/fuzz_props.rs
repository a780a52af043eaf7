//! Short property versions of the fuzz targets in fuzz/ (run in CI; the fuzz targets run by
//! hand, see docs/fuzzing.md): the bundle reader, the spreadsheet importer (CSV and XLSX bytes,
//! planned as each kind of sheet), the keymap and config loaders, and a backup's record stream.
//! Inputs are random bytes and random damage to valid files; the readers must answer, never
//! panic, and accept only what is intact.

use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;

use peixun::backup::format::{encode_records, parse_records, Record, Tree};
use peixun::cert::Rules;
use peixun::config::Config;
use peixun::domain::{Session, SessionKind};
use peixun::sheets::read::{read, Grid};
use peixun::store::Store;
use peixun::sync::incoming::open_bytes;
use peixun::tui::Keymap;

const KEYMAP: &str = include_str!("../assets/keymap.toml");

/// One county store, shared, for planning imports against.
fn store() -> &'static Store {
    static STORE: OnceLock<(tempfile::TempDir, Store)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::create(&dir.path().join("store"), "420704", "测试").unwrap();
            (dir, store)
        })
        .1
}

/// An exam for results sheets to be planned against; it need not be stored.
fn exam() -> &'static (Session, Rules) {
    static EXAM: OnceLock<(Session, Rules)> = OnceLock::new();
    EXAM.get_or_init(|| {
        let day = chrono::NaiveDate::from_ymd_opt(2023, 6, 6).unwrap();
        let session = Session {
            id: "S-420704-exam".into(),
            office: "420704".into(),
            kind: SessionKind::Exam,
            title: "考核".into(),
            units: vec!["420704".into()],
            host: "420704".into(),
            cohost: None,
            date: day,
            start: chrono::NaiveTime::MIN,
            end: chrono::NaiveTime::MIN,
            venue: String::new(),
            courses: Vec::new(),
            audience: String::new(),
            capacity: 10,
        };
        (session, Rules::embedded().unwrap())
    })
}

/// The grid planned as every kind of sheet: people, enterprises, watch log, exam results.
fn plan(grid: &Grid) {
    let (session, rules) = exam();
    let _ = peixun::sheets::people::plan(store(), grid.clone().into(), None);
    let _ = peixun::sheets::enterprises::plan(store(), grid.clone().into());
    let _ = peixun::sheets::watch_log::plan(store(), grid.clone().into());
    let _ = peixun::sheets::results::plan(store(), grid.clone().into(), session, rules, None);
}

/// The bytes read as a file named with `suffix`, every row of it, or the reading's error.
fn read_file(bytes: &[u8], suffix: &str) -> Option<Grid> {
    let mut file = tempfile::Builder::new().suffix(suffix).tempfile().unwrap();
    file.write_all(bytes).unwrap();
    let rows = read(file.path(), None).ok()?;
    let sheet = rows.sheet.clone();
    let rows = rows.collect::<Result<Vec<_>, _>>().ok()?;
    Some(Grid { sheet, rows })
}

/// A real bundle from a county to its city, with the city's keys to read it.
struct Fixture {
    bytes: Vec<u8>,
    city: peixun::sync::Keys,
    county: peixun::sync::Keys,
}

fn bundle() -> &'static Fixture {
    static BUNDLE: OnceLock<Fixture> = OnceLock::new();
    BUNDLE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let run = |store: &Path, args: &[&str]| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
                .arg("--data-dir")
                .arg(store)
                .args(args)
                .env("XDG_CONFIG_HOME", dir.path())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let county = dir.path().join("county");
        let city = dir.path().join("city");
        run(&county, &["init", "--office", "鄂城区"]);
        run(&city, &["init", "--office", "鄂州市"]);
        let card = dir.path().join("city.card");
        run(&city, &["keys", "export", "-o", card.to_str().unwrap()]);
        let shown: serde_json::Value =
            serde_json::from_str(&run(&city, &["keys", "show", "--json"])).unwrap();
        let fingerprint = shown["fingerprint"].as_str().unwrap();
        run(
            &county,
            &[
                "keys",
                "trust",
                card.to_str().unwrap(),
                "--fingerprint",
                fingerprint,
            ],
        );
        run(
            &county,
            &[
                "session",
                "add",
                "--title",
                "第一场",
                "--date",
                "2023-03-15",
                "--start",
                "09:00",
                "--end",
                "11:30",
                "--venue",
                "鄂城区政务服务中心",
            ],
        );
        let file = dir.path().join("b.pxb");
        run(
            &county,
            &[
                "bundle",
                "export",
                "--to",
                "鄂州市",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        Fixture {
            bytes: std::fs::read(file).unwrap(),
            city: peixun::sync::Keys::read_from(&city.join("keys")).unwrap(),
            county: peixun::sync::Keys::read_from(&county.join("keys")).unwrap(),
        }
    })
}

/// Whether the bundle reads through to its ranges with the right keys.
fn reads(bytes: &[u8]) -> bool {
    let fixture = bundle();
    let Ok((outer, opened)) = open_bytes(bytes, fixture.city.age_identity()) else {
        return false;
    };
    opened
        .verify(&outer, &fixture.county.signing_key().verifying_key())
        .is_ok()
        && opened.contents(&std::env::temp_dir()).is_ok()
}

/// Random damage: overwrite, insert, delete or truncate at a few places.
#[derive(Debug, Clone)]
enum Edit {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
    Truncate(usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Set(i, b)),
            (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Insert(i, b)),
            any::<usize>().prop_map(Edit::Delete),
            any::<usize>().prop_map(Edit::Truncate),
        ],
        1..4,
    )
}

fn apply(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for edit in edits {
        let len = out.len().max(1);
        match *edit {
            Edit::Set(i, b) => {
                if let Some(slot) = out.get_mut(i % len) {
                    *slot = b;
                }
            }
            Edit::Insert(i, b) => out.insert(i % (out.len() + 1), b),
            Edit::Delete(i) => {
                if !out.is_empty() {
                    out.remove(i % len);
                }
            }
            Edit::Truncate(i) => out.truncate(i % len),
        }
    }
    out
}

#[test]
fn the_fixture_bundle_reads() {
    assert!(reads(&bundle().bytes));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_bytes_are_never_a_bundle(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        prop_assert!(!reads(&bytes));
        let _ = peixun::log::Op::decode(&bytes);
    }

    #[test]
    fn a_damaged_bundle_is_refused(edits in edits()) {
        let bytes = bundle().bytes.clone();
        let damaged = apply(&bytes, &edits);
        prop_assume!(damaged != bytes);
        prop_assert!(!reads(&damaged));
    }

    #[test]
    fn csv_bytes_read_or_are_refused_with_rows_in_order(
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        if let Some(grid) = read_file(&bytes, ".csv") {
            prop_assert!(grid.rows.windows(2).all(|w| w[0].0 < w[1].0));
            plan(&grid);
        }
    }

    #[test]
    fn damaged_enrolment_csv_never_panics(edits in edits()) {
        let sheet = "报名表\n序号,姓名,手机号,单位\n1,张三,13800001234,晶晶水产\n2,李四,13900005678,鄂钢\n";
        let bytes = apply(sheet.as_bytes(), &edits);
        if let Some(grid) = read_file(&bytes, ".csv") {
            plan(&grid);
        }
    }

    #[test]
    fn xlsx_bytes_read_or_are_refused(edits in edits(), tail in prop::collection::vec(any::<u8>(), 0..64)) {
        // A workbook is a zip: start from the zip magic so calamine gets past its first check.
        let mut bytes = apply(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", &edits);
        bytes.extend_from_slice(&tail);
        if let Some(grid) = read_file(&bytes, ".xlsx") {
            plan(&grid);
        }
    }

    #[test]
    fn a_user_keymap_loads_or_is_refused(edits in edits()) {
        let text = String::from_utf8_lossy(&apply(KEYMAP.as_bytes(), &edits)).into_owned();
        let _ = Keymap::parse(KEYMAP, Some((Path::new("keymap.toml"), &text)));
    }

    #[test]
    fn a_config_loads_or_is_refused(
        grace in any::<u32>(),
        keep in any::<u16>(),
        edits in edits(),
    ) {
        let text = format!("late_grace_minutes = {grace}\nbackup_keep = {keep}\n");
        let config = Config::parse(&text).unwrap();
        prop_assert_eq!(config.late_grace_minutes, grace);
        prop_assert_eq!(config.backup_keep, usize::from(keep));
        let damaged = String::from_utf8_lossy(&apply(text.as_bytes(), &edits)).into_owned();
        let _ = Config::parse(&damaged);
    }

    #[test]
    fn backup_records_round_trip_and_damage_is_refused(
        trees in prop::collection::vec(
            (
                prop::collection::vec(any::<u8>(), 0..8),
                prop::collection::vec(
                    (prop::collection::vec(any::<u8>(), 0..8), prop::collection::vec(any::<u8>(), 0..16)),
                    0..4,
                ),
            ),
            1..4,
        ),
        edits in edits(),
    ) {
        let trees: Vec<Tree> = trees;
        let bytes = encode_records(&trees).unwrap();
        let expected: Vec<Record> = trees
            .iter()
            .flat_map(|(name, entries)| {
                std::iter::once(Record::Tree(name.clone()))
                    .chain(entries.iter().map(|(k, v)| Record::Entry(k.clone(), v.clone())))
            })
            .collect();
        prop_assert_eq!(parse_records(&bytes).unwrap(), expected);
        // Damage either is refused or still reads as a well-formed stream, never a panic.
        let _ = parse_records(&apply(&bytes, &edits));
        // A cut stream always lacks its end marker or its count.
        if bytes.len() > 1 {
            prop_assert!(parse_records(&bytes[..bytes.len() - 1]).is_err());
        }
    }
}
