//! The 附件5 package and evidence out by name: counties attach files, send them to the city with
//! their bundles, and the city's package holds each one under its real name (made safe, told
//! apart), byte for byte, in a folder or a .zip; its index names every item without evidence; a
//! refused run writes nothing; `checklist get` gives back the bytes attached.

use crate::common::offices::{city_and_two_counties, Office, ECHENG, EZHOU, HUARONG};
use crate::common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use peixun::campaign::{campaign, unit_name};
use peixun::sync::export::ExportOptions;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 11, 20).unwrap()
}

fn at(day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2023, 4, day)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

/// One attached file: whose, which item, its bytes.
struct Attached {
    unit: &'static str,
    item: &'static str,
    bytes: Vec<u8>,
}

/// `office` attaches `name` with `bytes` to its own `item`.
fn attach(office: &Office, item: &'static str, name: &'static str, bytes: &[u8]) -> Attached {
    let n = next();
    let folder = office.dir.path().join(format!("src-{n}"));
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, bytes).unwrap();
    // Attached a minute apart, in the order called.
    let when = at(10) + chrono::Duration::minutes(i64::try_from(n).unwrap());
    peixun::app::checklist::attach(&office.store, office.id(), item, &path, "", when).unwrap();
    Attached {
        unit: unit_of(office.id()),
        item,
        bytes: bytes.to_vec(),
    }
}

fn unit_of(id: &str) -> &'static str {
    match id {
        EZHOU => EZHOU,
        ECHENG => ECHENG,
        _ => HUARONG,
    }
}

/// A fresh number: two files of one name are attached from two folders.
fn next() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// 鄂州 and two of its counties; the counties attach evidence (two photos of one name, names
/// Windows refuses) and send it to the city with the files; the city attaches its summary.
fn city_with_evidence() -> (Office, Vec<Attached>) {
    let (city, echeng, huarong) = city_and_two_counties();
    let mut attached = vec![
        attach(&echeng, "county.notice", "培训通知.pdf", b"%PDF-1.4 notice"),
        attach(
            &echeng,
            "county.photos",
            "现场照片.jpg",
            b"\xFF\xD8 first photo",
        ),
        attach(
            &echeng,
            "county.photos",
            "现场照片.jpg",
            b"\xFF\xD8 second photo",
        ),
        attach(
            &echeng,
            "county.photos",
            "现场照片.JPG",
            b"\xFF\xD8 third photo",
        ),
        attach(&echeng, "county.signin", "签到表:第1期?.xlsx", b"PK sheet"),
        attach(
            &huarong,
            "county.summary",
            "CON.txt",
            "华容区培训总结".as_bytes(),
        ),
        attach(&huarong, "county.publicity", "报道 .", b"news"),
    ];
    // A waived item without evidence is not missing.
    peixun::app::checklist::mark(
        &huarong.store,
        HUARONG,
        "county.handbook",
        peixun::domain::MarkStatus::Waived,
        "",
    )
    .unwrap();
    let with_files = ExportOptions {
        files_cap: Some(peixun::sync::export::FILES_CAP),
        ..ExportOptions::default()
    };
    for county in [&echeng, &huarong] {
        city.applied(&county.send_with(&city, &with_files));
    }
    attached.push(attach(
        &city,
        "city.work_summary",
        "鄂州市培训工作总结.docx",
        b"PK summary",
    ));
    (city, attached)
}

fn write_package(city: &Office, target: &Path) -> peixun::app::package::PackageWritten {
    let mut units = Vec::new();
    let written = peixun::app::package::write(
        &city.store,
        None,
        target,
        today(),
        at(20),
        &mut |n, total, unit| units.push((n, total, unit.to_string())),
    )
    .unwrap();
    assert_eq!(units.len(), 6, "{units:?}");
    assert_eq!(units[0], (1, 6, "鄂州市".to_string()));
    written
}

/// Every file under `root`, by its path inside it with `/` between parts.
fn files_under(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let inside = path.strip_prefix(root).unwrap();
                let parts: Vec<String> = inside
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.insert(parts.join("/"), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The evidence files of a package: those in a unit's item folder (`NN-<unit>/NN-<item>/…`).
fn evidence_in(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    let titles: Vec<String> = campaign()
        .checklist
        .iter()
        .map(|d| d.title.clone())
        .collect();
    files
        .iter()
        .filter(|(path, _)| {
            let parts: Vec<&str> = path.split('/').collect();
            parts.len() == 3
                && parts[1]
                    .split_once('-')
                    .is_some_and(|(_, title)| titles.iter().any(|t| t == title))
        })
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// Where the package keeps `unit`'s `item`: `NN-<unit>/NN-<title>`, the city's own folder
/// named for its own level.
fn item_folder(files: &BTreeMap<String, Vec<u8>>, unit: &str, item: &str) -> String {
    let title = &campaign()
        .checklist
        .iter()
        .find(|d| d.id == item)
        .unwrap()
        .title;
    let unit = match unit {
        EZHOU => format!("{}本级", unit_name(unit)),
        _ => unit_name(unit),
    };
    files
        .keys()
        .filter_map(|path| {
            let parts: Vec<&str> = path.split('/').collect();
            let unit_ok = parts.first()?.split_once('-')?.1 == unit;
            let item_ok = parts.get(1)?.split_once('-')?.1 == title;
            (unit_ok && item_ok && parts.len() == 3).then(|| format!("{}/{}", parts[0], parts[1]))
        })
        .next()
        .unwrap_or_else(|| panic!("no folder for {unit} {item}"))
}

#[test]
fn a_city_package_holds_every_attached_file_by_its_real_name() {
    let (city, attached) = city_with_evidence();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("附件5");
    let written = write_package(&city, &target);
    assert_eq!(written.units, 6);
    assert_eq!(written.files, attached.len());
    assert_eq!(written.not_held, 0);
    let files = files_under(&target);
    let evidence = evidence_in(&files);
    assert_eq!(evidence.len(), attached.len(), "{:?}", evidence.keys());

    let expect = |a: &Attached, name: &str| {
        let path = format!("{}/{name}", item_folder(&files, a.unit, a.item));
        assert_eq!(
            evidence.get(&path),
            Some(&a.bytes),
            "{path} in {:?}",
            evidence.keys()
        );
    };
    expect(&attached[0], "培训通知.pdf");
    // One name thrice (once in capitals): told apart, in the order attached.
    expect(&attached[1], "现场照片.jpg");
    expect(&attached[2], "现场照片 (2).jpg");
    expect(&attached[3], "现场照片 (3).JPG");
    expect(&attached[4], "签到表_第1期_.xlsx");
    expect(&attached[5], "CON_.txt");
    expect(&attached[6], "报道");
    expect(&attached[7], "鄂州市培训工作总结.docx");

    // Every name is one a Windows or FAT stick takes, and no two in a folder are one there.
    let mut seen = std::collections::HashSet::new();
    for path in files.keys() {
        for part in path.split('/') {
            assert!(
                !part
                    .chars()
                    .any(|c| "<>:\"\\|?*".contains(c) || c.is_control()),
                "{path}"
            );
            assert!(!part.ends_with('.') && !part.ends_with(' '), "{path}");
        }
        assert!(
            seen.insert(path.to_lowercase()),
            "{path} twice ignoring case"
        );
    }

    // The office's sheets are there too.
    for sheet in ["index.xlsx", "统计表-鄂州市.xlsx", "联系人-鄂州市.xlsx"] {
        assert!(files.contains_key(sheet), "{:?}", files.keys());
    }
    assert!(files.keys().any(|p| p.ends_with("/统计表-鄂城区.xlsx")));
    // The city's own folder holds its own classes: named for its own level, so no file in it
    // has the name of the whole city's at the top.
    assert!(
        files.contains_key("01-鄂州市本级/统计表-鄂州市本级.xlsx"),
        "{:?}",
        files.keys()
    );
    // Its summary figures are the whole city's, at the top only.
    assert!(!files
        .keys()
        .any(|p| p.starts_with("01-") && p.contains("总结数据")));
    let index = index_rows(&files["index.xlsx"]);
    assert!(index
        .iter()
        .any(|r| r.get(1).map(String::as_str) == Some("鄂州市本级")));
    let mut names = std::collections::HashSet::new();
    for path in files.keys().filter(|p| p.ends_with(".xlsx")) {
        let name = path.rsplit('/').next().unwrap();
        assert!(
            names.insert(name),
            "{name} twice in the package: {:?}",
            files.keys()
        );
    }
    assert!(!out.path().read_dir().unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with('.')));
}

/// The rows of the index's first sheet, as text.
fn index_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    range
        .rows()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn the_index_lists_every_file_and_every_item_without_evidence() {
    let (city, attached) = city_with_evidence();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("package");
    let written = write_package(&city, &target);
    let rows = index_rows(&std::fs::read(target.join("index.xlsx")).unwrap());
    let row_of = |unit: &str, title: &str| -> Vec<Vec<String>> {
        rows.iter()
            .filter(|r| {
                r.get(1).map(String::as_str) == Some(unit)
                    && r.get(2).map(String::as_str) == Some(title)
            })
            .cloned()
            .collect()
    };
    // 鄂城区 attached no handbook; 华容区 no notice: each a line that says so.
    for (unit, title) in [
        ("鄂城区", "培训手册"),
        ("华容区", "培训通知"),
        ("梁子湖区", "培训通知"),
    ] {
        let lines = row_of(unit, title);
        assert_eq!(lines.len(), 1, "{unit} {title}: {lines:?}");
        assert_eq!(lines[0][4], "缺少佐证材料", "{:?}", lines[0]);
    }
    // Each file has its line, with its place in the package, who attached it and when.
    let photos = row_of("鄂城区", "培训现场照片");
    assert_eq!(photos.len(), 3, "{photos:?}");
    assert!(photos[0][4].ends_with("/现场照片.jpg"), "{:?}", photos[0]);
    assert!(photos[0][6].contains("测试员"), "{:?}", photos[0]);
    let evidence_lines = rows
        .iter()
        .filter(|r| r.get(6).is_some_and(|by| by.contains("测试员")))
        .count();
    assert_eq!(evidence_lines, attached.len());
    let missing = rows
        .iter()
        .filter(|r| r.get(4).map(String::as_str) == Some("缺少佐证材料"))
        .count();
    assert_eq!(missing, written.missing);
    let waived = row_of("华容区", "培训手册");
    assert_eq!(waived.len(), 1, "{waived:?}");
    assert_eq!((waived[0][3].as_str(), waived[0][4].as_str()), ("免报", ""));
    let items: usize = peixun::app::evidence::units_of(EZHOU)
        .iter()
        .map(|u| campaign().checklist_for(u).len())
        .sum();
    // Every item of every unit: one line per file, or one that says it has none.
    let with_files: std::collections::BTreeSet<(&str, &str)> =
        attached.iter().map(|a| (a.unit, a.item)).collect();
    assert_eq!(missing, items - with_files.len() - 1);
}

#[test]
fn a_zip_holds_what_the_folder_holds() {
    let (city, _) = city_with_evidence();
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("folder");
    write_package(&city, &folder);
    let zip_path = out.path().join("附件5.zip");
    write_package(&city, &zip_path);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let mut in_zip = BTreeMap::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        in_zip.insert(entry.name().to_string(), bytes);
    }
    let in_folder = files_under(&folder);
    assert_eq!(
        in_zip.keys().collect::<Vec<_>>(),
        in_folder.keys().collect::<Vec<_>>()
    );
    assert_eq!(evidence_in(&in_zip), evidence_in(&in_folder));
}

#[test]
fn a_refused_package_writes_nothing() {
    let (city, _) = city_with_evidence();
    let out = tempfile::tempdir().unwrap();
    let refused = |office: Option<&str>, target: &Path| {
        let result = peixun::app::package::write(
            &city.store,
            office,
            target,
            today(),
            at(20),
            &mut |_, _, _| {},
        );
        match result {
            Err(peixun::app::Refusal::Said(message)) => message,
            other => panic!("expected a refusal, got {other:?}"),
        }
    };
    let target = out.path().join("pkg.zip");
    let message = refused(Some("武汉市"), &target);
    assert!(
        message.contains("武汉市") && message.contains("鄂州市"),
        "{message}"
    );
    let message = refused(Some("火星"), &target);
    assert!(message.contains("火星"), "{message}");
    let message = refused(None, &out.path().join("nowhere").join("pkg"));
    assert!(message.contains("nowhere"), "{message}");
    for other in ["pkg.tar", "pkg.tar.gz", "pkg.RAR"] {
        let message = refused(None, &out.path().join(other));
        assert!(message.contains(".zip"), "{message}");
    }
    std::fs::write(&target, b"kept").unwrap();
    let message = refused(None, &target);
    assert!(message.contains("pkg.zip"), "{message}");
    assert_eq!(std::fs::read(&target).unwrap(), b"kept");
    let names: Vec<String> = out
        .path()
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["pkg.zip"]);
}

/// A county's store on disk, made and filled by the binary, with one file attached.
fn county_on_disk(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    stdout(&peixun(
        dir,
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    let source = dir.parent().unwrap().join(name);
    std::fs::write(&source, bytes).unwrap();
    stdout(&peixun(
        dir,
        &[
            "checklist",
            "attach",
            "county.notice",
            source.to_str().unwrap(),
        ],
    ));
    source
}

#[test]
fn checklist_get_gives_back_the_bytes_under_the_real_name_and_never_overwrites() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("store");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    county_on_disk(&dir, "鄂城区培训通知.pdf", &bytes);

    let listed = json(&peixun(&dir, &["checklist", "files", "--json"]));
    let file = &listed[0];
    assert_eq!(file["evidence"]["file_name"], "鄂城区培训通知.pdf");
    assert_eq!(file["evidence"]["size"], 70_000);
    assert_eq!(file["actor"], "王芳");
    assert_eq!(file["item"], "county.notice");
    let table = stdout(&peixun(&dir, &["checklist", "files"]));
    assert!(
        table.contains("鄂城区培训通知.pdf") && table.contains("68.4 KB"),
        "{table}"
    );

    let out = root.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let said = stdout(&peixun(
        &dir,
        &[
            "checklist",
            "get",
            "鄂城区培训通知.pdf",
            "-o",
            out.to_str().unwrap(),
        ],
    ));
    assert!(said.contains("已取出"), "{said}");
    let saved = out.join("鄂城区培训通知.pdf");
    assert_eq!(std::fs::read(&saved).unwrap(), bytes);

    // By id, to a file that exists: refused, the file untouched.
    std::fs::write(&saved, b"mine").unwrap();
    let id = file["id"].as_str().unwrap();
    let again = peixun(
        &dir,
        &["checklist", "get", id, "-o", saved.to_str().unwrap()],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("已存在"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&saved).unwrap(), b"mine");
    let fresh = out.join("copy.pdf");
    stdout(&peixun(
        &dir,
        &["checklist", "get", id, "-o", fresh.to_str().unwrap()],
    ));
    assert_eq!(std::fs::read(&fresh).unwrap(), bytes);
}

#[test]
fn bad_input_is_named_in_chinese_or_english_with_exit_code_2() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("store");
    county_on_disk(&dir, "通知.pdf", b"notice");
    let out = root.path().join("pkg");
    let out_arg = out.to_str().unwrap();
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["checklist", "get", "没有.pdf"],
            "没有名为或编号为“没有.pdf”",
            "no evidence file named or numbered “没有.pdf”",
        ),
        (
            &["checklist", "files", "--office", "华容区"],
            "华容区 不在 鄂城区 的辖区内",
            "华容区 is outside 鄂城区's area",
        ),
        (
            &["report", "package", "--office", "火星", "-o", out_arg],
            "火星",
            "火星",
        ),
        (
            &["report", "package", "--office", "鄂州市", "-o", out_arg],
            "鄂州市 不在 鄂城区 的辖区内",
            "鄂州市 is outside 鄂城区's area",
        ),
    ];
    for (args, zh, en) in cases {
        let said = peixun(&dir, args);
        assert_eq!(said.status.code(), Some(2), "{args:?}");
        assert!(stderr(&said).contains(zh), "{}", stderr(&said));
        let with_en: Vec<&str> = ["--lang", "en"].iter().chain(args).copied().collect();
        let said = peixun(&dir, &with_en);
        assert_eq!(said.status.code(), Some(2), "{args:?}");
        assert!(stderr(&said).contains(en), "{}", stderr(&said));
    }
    assert!(!out.exists());
    stdout(&peixun(&dir, &["report", "package", "-o", out_arg]));
    let again = peixun(&dir, &["--lang", "en", "report", "package", "-o", out_arg]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let files = files_under(&out);
    assert_eq!(evidence_in(&files).values().next().unwrap(), b"notice");
}

#[test]
fn evidence_that_came_without_its_bytes_is_named_not_packed() {
    let city = Office::new(EZHOU);
    let county = Office::new(HUARONG);
    city.pin(&county);
    county.pin(&city);
    attach(&county, "county.notice", "华容区培训通知.pdf", b"notice");
    // Sent without --with-files: the city knows of the file but holds none of its bytes.
    city.applied(&county.send(&city));
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("package");
    let written = write_package(&city, &target);
    assert_eq!((written.files, written.not_held), (0, 1));
    let files = files_under(&target);
    assert!(evidence_in(&files).is_empty());
    let rows = index_rows(&files["index.xlsx"]);
    assert!(
        rows.iter()
            .any(|r| r.get(4).map(String::as_str)
                == Some("华容区培训通知.pdf（本机未收到文件内容）")),
        "{rows:?}"
    );
    let file = peixun::app::evidence::find(&city.store, EZHOU, "华容区培训通知.pdf").unwrap();
    match peixun::app::evidence::save(&city.store, &file, Some(out.path())) {
        Err(peixun::app::Refusal::Said(message)) => {
            assert!(message.contains("--with-files"), "{message}")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(!out.path().join("华容区培训通知.pdf").exists());
}

/// A report in 鄂州日报 today, recorded by `office`.
fn publicise(office: &Office, title: &str) {
    let input = peixun::app::publicity::PublicityInput {
        title,
        outlet: "鄂州日报",
        on: today(),
        ..Default::default()
    };
    peixun::app::publicity::add(&office.store, &input, at(20)).unwrap();
}

/// The package `city` writes, file by file.
fn package_files(city: &Office) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("附件5");
    write_package(city, &target);
    files_under(&target)
}

#[test]
fn the_package_carries_the_summary_figures_and_the_units_publicity() {
    let city = Office::new(EZHOU);
    let echeng = Office::new(ECHENG);
    city.pin(&echeng);
    echeng.pin(&city);
    publicise(&echeng, "鄂城区举办知识产权大培训");
    city.applied(&echeng.send(&city));
    let files = package_files(&city);
    let publicity = files
        .keys()
        .find(|name| name.starts_with("宣传报道-"))
        .unwrap_or_else(|| panic!("{:?}", files.keys()));
    let rows = index_rows(&files[publicity]);
    assert!(
        rows.iter()
            .flatten()
            .any(|c| c == "鄂城区举办知识产权大培训"),
        "{rows:?}"
    );
    let summary = files
        .keys()
        .find(|name| name.starts_with("总结数据-"))
        .unwrap_or_else(|| panic!("{:?}", files.keys()));
    let rows = index_rows(&files[summary]);
    let count = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "宣传报道（篇）"))
        .and_then(|r| r.get(1).cloned());
    assert_eq!(count.as_deref(), Some("1"), "{rows:?}");
}

#[test]
fn each_unit_folder_holds_its_training_plan_and_its_summary_figures() {
    let city = Office::new(EZHOU);
    let echeng = Office::new(ECHENG);
    city.pin(&echeng);
    echeng.pin(&city);
    let class = peixun::domain::plan::ClassInput {
        month: "5".into(),
        courses: "K,3".into(),
        audience: "鄂城区专精特新企业负责人".into(),
        people: "80".into(),
        enterprises: Some("40".into()),
        cohost: None,
        teachers: String::new(),
    };
    peixun::app::plans::add(&echeng.store, &class).unwrap();
    peixun::app::plans::submit(&echeng.store, today()).unwrap();
    publicise(&echeng, "鄂城区开班");
    city.applied(&echeng.send(&city));
    let files = package_files(&city);
    let in_unit = |prefix: &str| {
        files
            .keys()
            .find(|name| name.contains("-鄂城区/") && name.contains(prefix))
            .unwrap_or_else(|| panic!("no {prefix} for 鄂城区 in {:?}", files.keys()))
    };
    let plan = index_rows(&files[in_unit("/培训计划汇总表-鄂城区")]);
    assert!(
        plan.iter()
            .flatten()
            .any(|c| c == "鄂城区专精特新企业负责人"),
        "{plan:?}"
    );
    let summary = index_rows(&files[in_unit("/总结数据-鄂城区")]);
    let publicity = summary
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "宣传报道（篇）"))
        .and_then(|r| r.get(1).cloned());
    assert_eq!(publicity.as_deref(), Some("1"), "{summary:?}");
    let index = index_rows(&files["index.xlsx"]);
    assert!(
        index
            .iter()
            .any(|r| r.iter().any(|c| c.ends_with("/培训计划汇总表-鄂城区.xlsx"))),
        "{index:?}"
    );
    // A city makes no plan of its own: its folder has a summary and no plan sheet; its 附件2,
    // every unit's plan side by side, is at the top.
    assert!(!files.keys().any(|n| n.contains("/培训计划汇总表-鄂州市")));
    let summary = index_rows(&files["培训计划汇总表-鄂州市.xlsx"]);
    assert!(
        summary
            .iter()
            .flatten()
            .any(|c| c == "鄂城区专精特新企业负责人"),
        "{summary:?}"
    );
}
