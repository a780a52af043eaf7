//! Evidence files in bundles (`--with-files`): a county's attachment travels by content hash to
//! its city, is kept there under its hash and relayed on; a bundle without files stays format
//! version 1; too many bytes are refused with a clear message before anything is written.

use crate::common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use peixun::store::Store;
use peixun::sync::export::{build, export, ExportOptions, FILES_CAP};
use peixun::sync::import::{import_bytes, Outcome};
use peixun::sync::{hex, trust, Keys};

const PROVINCE: &str = "420000";
const CITY: &str = "420700";
const COUNTY: &str = "420704";

struct Office {
    dir: tempfile::TempDir,
    store: Store,
    keys: Keys,
}

impl Office {
    fn new(id: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), id, "测试员").unwrap();
        let keys = Keys::create(store.dir(), id).unwrap();
        Office { dir, store, keys }
    }

    fn pin(&self, other: &Office) {
        let card = other.keys.card().unwrap();
        trust::trust_card(&self.store, &card, &card.fingerprint()).unwrap();
    }

    fn send(&self, to: &Office, cap: Option<u64>) -> Vec<u8> {
        let options = ExportOptions {
            files_cap: cap,
            ..ExportOptions::default()
        };
        let (bytes, exported) =
            build(&self.store, &self.keys, to.store.office(), &options).unwrap();
        self.store
            .set_link_seq(to.store.office(), exported.link_seq)
            .unwrap();
        bytes
    }

    fn files_kept(&self, bytes: &[u8]) -> usize {
        match import_bytes(&self.store, &self.keys, bytes).unwrap() {
            Outcome::Imported(summary) => summary.files_kept,
            other => panic!("expected an import, got {other:?}"),
        }
    }

    /// Attaches a file of `bytes` to the county's contact item; its content hash.
    fn attach(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let at = NaiveDate::from_ymd_opt(2023, 3, 1)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let evidence =
            peixun::app::checklist::attach(&self.store, COUNTY, "county.contact", &path, "", at)
                .unwrap();
        evidence.blake3
    }

    fn kept(&self, hash: &str) -> PathBuf {
        self.store.files_dir().join(hash)
    }
}

fn chain() -> (Office, Office, Office) {
    let province = Office::new(PROVINCE);
    let city = Office::new(CITY);
    let county = Office::new(COUNTY);
    city.pin(&county);
    county.pin(&city);
    city.pin(&province);
    province.pin(&city);
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    (province, city, county)
}

fn version(bytes: &[u8]) -> [u8; 2] {
    [bytes[8], bytes[9]]
}

#[test]
fn attachments_travel_by_hash_and_are_relayed() {
    let (province, city, county) = chain();
    let photo: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let hash = county.attach("现场照片.jpg", &photo);
    assert_eq!(hash, hex(blake3::hash(&photo).as_bytes()));
    assert_eq!(std::fs::read(county.kept(&hash)).unwrap(), photo);

    let bytes = county.send(&city, Some(FILES_CAP));
    assert_eq!(version(&bytes), [0, 2]);
    assert_eq!(city.files_kept(&bytes), 1);
    assert_eq!(std::fs::read(city.kept(&hash)).unwrap(), photo);
    // The city passes it on with the county's ops; the province keeps it too.
    let relayed = city.send(&province, Some(FILES_CAP));
    assert_eq!(province.files_kept(&relayed), 1);
    assert_eq!(std::fs::read(province.kept(&hash)).unwrap(), photo);
    // Once the city says it holds the county's ops, the next bundle attaches nothing new, so
    // it carries no files either.
    assert_eq!(county.files_kept(&city.send(&county, Some(FILES_CAP))), 0);
    let again = county.send(&city, Some(FILES_CAP));
    assert_eq!(version(&again), [0, 1]);
}

#[test]
fn without_the_flag_bundles_stay_version_1_and_carry_no_files() {
    let (_province, city, county) = chain();
    let hash = county.attach("签到表.pdf", b"%PDF-1.4 sign-in sheet");
    let bytes = county.send(&city, None);
    assert_eq!(version(&bytes), [0, 1]);
    assert_eq!(city.files_kept(&bytes), 0);
    assert!(!city.kept(&hash).exists());
}

#[test]
fn a_changed_kept_file_is_left_out_and_counted() {
    let (_province, city, county) = chain();
    let hash = county.attach("通知.docx", b"original notice");
    std::fs::write(county.kept(&hash), b"edited afterwards").unwrap();
    let folder = county.dir.path().join("stick");
    std::fs::create_dir_all(&folder).unwrap();
    let options = ExportOptions {
        files_cap: Some(FILES_CAP),
        ..ExportOptions::default()
    };
    let exported = export(&county.store, &county.keys, CITY, &folder, &options).unwrap();
    assert_eq!((exported.files, exported.missing_files), (0, 1));
    let bytes = std::fs::read(exported.path.unwrap()).unwrap();
    assert_eq!(city.files_kept(&bytes), 0);
}

fn peixun(dir: &Path, args: &[&str]) -> std::process::Output {
    common::peixun(dir, args)
}

#[test]
fn the_cap_is_named_and_nothing_is_written() {
    let (_province, city, county) = chain();
    county.attach("宣传视频.mp4", &vec![7u8; (1 << 20) + 10]);
    let county_dir = county.store.dir().to_path_buf();
    let stick = county.dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    let Office {
        dir: _keep, store, ..
    } = county;
    drop(store);
    let stick_arg = stick.to_str().unwrap();
    let args = [
        "bundle",
        "export",
        "--to",
        "鄂州市",
        "-o",
        stick_arg,
        "--with-files",
        "--files-cap-mb",
        "1",
    ];
    let out = peixun(&county_dir, &args);
    assert_eq!(out.status.code(), Some(2));
    let said = common::stderr(&out);
    assert!(
        said.contains("宣传视频.mp4") && said.contains("1 MB"),
        "{said}"
    );
    assert_eq!(std::fs::read_dir(&stick).unwrap().count(), 0);
    // Within the default cap it goes, and says how many files it carries.
    let out = common::stdout(&peixun(
        &county_dir,
        &[
            "bundle",
            "export",
            "--to",
            "鄂州市",
            "-o",
            stick_arg,
            "--with-files",
        ],
    ));
    assert!(out.contains("含佐证文件 1 个"), "{out}");
    let file = std::fs::read_dir(&stick)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // The first export refused did not use up a link number.
    assert!(
        file.to_string_lossy().contains("-0001-"),
        "{}",
        file.display()
    );
    let city_dir = city.store.dir().to_path_buf();
    let Office {
        dir: _keep_city,
        store,
        ..
    } = city;
    drop(store);
    let out = common::stdout(&peixun(
        &city_dir,
        &["bundle", "import", file.to_str().unwrap()],
    ));
    assert!(out.contains("另存入 1 个佐证文件"), "{out}");
}
