//! `peixun due` and `peixun checklist` answer from the checklists' records kept beside the store
//! (`checklists.kept`), and `peixun sessions` and the 样表 from the sessions' (`sessions.kept`),
//! while holding only the store's lock. Every change to what a copy holds (a mark, evidence, a
//! city's deadline arriving in a bundle, a session, an enrolment, a check-in, the store's set
//! day) removes it before it is acknowledged; a damaged, another version's or another kind's copy
//! is made again, and one copied in from another store is found out by `doctor`.

use crate::common;

use std::path::Path;

use crate::common::offices::{Office, ECHENG, EZHOU};
use crate::common::{json, peixun, stdout};
use chrono::NaiveDate;
use peixun::store::checklist::rows;
use peixun::store::derived::DerivedFile;
use peixun::store::kept_records::{keep as keep_records, load as load_records, KeptRecords};
use peixun::store::Store;

fn keep(store: &Store) -> color_eyre::Result<KeptRecords> {
    keep_records(store, DerivedFile::Checklist)
}

fn load(dir: &Path) -> Option<KeptRecords> {
    load_records(dir, DerivedFile::Checklist)
}

fn kept(dir: &Path) -> std::path::PathBuf {
    DerivedFile::Checklist.path(dir)
}

/// The items `due` lists on 2023-03-01 (the county's plan is then overdue).
fn due_items(dir: &Path) -> Vec<String> {
    let rows = json(&peixun(dir, &["--today", "2023-03-01", "due", "--json"]));
    rows.as_array()
        .unwrap()
        .iter()
        .map(|row| row["item"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn due_reads_the_kept_copy_and_sees_every_mark() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    let first = due_items(dir.path());
    assert!(first.contains(&"county.plan".to_string()), "{first:?}");
    assert!(
        kept(dir.path()).exists(),
        "the first due keeps the checklists"
    );
    assert_eq!(due_items(dir.path()), first, "read back, the same answer");

    stdout(&peixun(
        dir.path(),
        &["checklist", "mark", "county.plan", "done"],
    ));
    assert!(!kept(dir.path()).exists(), "a mark removes the kept copy");
    let marked = due_items(dir.path());
    assert!(!marked.contains(&"county.plan".to_string()), "{marked:?}");
    assert_eq!(marked.len(), first.len() - 1);

    // Damaged, or written by another peixun: made again from the store.
    let mut bytes = std::fs::read(kept(dir.path())).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(kept(dir.path()), &bytes).unwrap();
    assert_eq!(due_items(dir.path()), marked);
    let mut bytes = std::fs::read(kept(dir.path())).unwrap();
    let version_at = b"peixun kept records 1\n".len() + 1;
    bytes[version_at] = b'9';
    std::fs::write(kept(dir.path()), &bytes).unwrap();
    assert_eq!(due_items(dir.path()), marked);

    // Evidence attached also removes it.
    let evidence = dir.path().join("签到表.pdf");
    std::fs::write(&evidence, b"sign-in sheet").unwrap();
    let path = evidence.to_str().unwrap();
    stdout(&peixun(
        dir.path(),
        &["checklist", "attach", "county.signin", path],
    ));
    assert!(!kept(dir.path()).exists());
}

#[test]
fn due_without_a_date_takes_the_day_the_store_is_set_to() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), "420704", "测试员").unwrap();
    let day = NaiveDate::from_ymd_opt(2023, 3, 1).unwrap();
    store.set_today(day).unwrap();
    assert_eq!(keep(&store).unwrap().today(), day);
    let later = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap();
    store.set_today(later).unwrap();
    assert!(load(dir.path()).is_none(), "the set day removes the copy");
    assert_eq!(keep(&store).unwrap().today(), later);
    assert_eq!(load(dir.path()).unwrap().today(), later);
    // The sessions' copy carries the day too (the 样表 counts the classes held by then).
    let sessions = keep_records(&store, DerivedFile::Sessions).unwrap();
    assert_eq!(sessions.today(), later);
    store.set_today(day).unwrap();
    assert!(load_records(dir.path(), DerivedFile::Sessions).is_none());
    assert_eq!(
        keep_records(&store, DerivedFile::Sessions).unwrap().today(),
        day
    );
}

#[test]
fn a_deadline_arriving_in_a_bundle_removes_the_kept_copy() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    keep(&county.store).unwrap();
    assert!(load(county.store.dir()).is_some());

    let due = NaiveDate::from_ymd_opt(2023, 11, 20).unwrap();
    peixun::app::checklist::set_deadline(&city.store, ECHENG, "county.summary", due).unwrap();
    county.imported(&city.send(&county));
    assert!(
        load(county.store.dir()).is_none(),
        "the import removed the copy kept before it"
    );

    let checklists = keep(&county.store).unwrap();
    let summary = rows(&checklists, ECHENG, due)
        .unwrap()
        .into_iter()
        .find(|row| row.item == "county.summary")
        .unwrap();
    assert_eq!(summary.due, due);
    assert!(summary.due_set_by_city);
}

#[test]
fn checklists_written_in_another_folder_are_not_believed() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours");
    let theirs = dir.path().join("theirs");
    for store in [&ours, &theirs] {
        stdout(&peixun(store, &["init", "--office", "鄂城区"]));
    }
    stdout(&peixun(
        &theirs,
        &["checklist", "mark", "county.plan", "done"],
    ));
    let ours_due = due_items(&ours);
    due_items(&theirs);
    assert_ne!(due_items(&theirs), ours_due);
    // Someone copies the other office's folder contents over ours, all but the database.
    std::fs::copy(kept(&theirs), kept(&ours)).unwrap();
    assert_eq!(
        due_items(&ours),
        ours_due,
        "read from our store, not the copy"
    );
    stdout(&peixun(&ours, &["doctor"]));
    // The same folder however it is named: the kept copy is read, not made again.
    let written = std::fs::metadata(kept(&ours)).unwrap().modified().unwrap();
    std::os::unix::fs::symlink(&ours, dir.path().join("link")).unwrap();
    for (cwd, named) in [
        (dir.path(), "ours"),
        (ours.as_path(), "."),
        (dir.path(), "link/"),
        (ours.as_path(), "../ours"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
            .current_dir(cwd)
            .args(["--lang", "en", "--data-dir", named, "due"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", common::text(&out));
        assert!(
            !common::text(&out).contains("moved"),
            "{named}: {}",
            common::text(&out)
        );
    }
    let still = std::fs::metadata(kept(&ours)).unwrap().modified().unwrap();
    assert_eq!(written, still, "the kept copy was made again");
    // A stale copy written in this folder bears its mark: only doctor finds it out.
    let stale = std::fs::read(kept(&ours)).unwrap();
    stdout(&peixun(
        &ours,
        &["checklist", "mark", "county.plan", "done"],
    ));
    let marked = due_items(&ours);
    std::fs::write(kept(&ours), &stale).unwrap();
    assert_eq!(due_items(&ours), ours_due, "a stale copy here is believed");
    let doctor = peixun(&ours, &["--lang", "en", "doctor"]);
    assert!(!doctor.status.success());
    assert!(
        common::text(&doctor).contains("checklists.kept"),
        "{}",
        common::text(&doctor)
    );
    assert_eq!(due_items(&ours), marked);
    // The whole folder copied: the copy's first quick look opens the store, which says so.
    let copy = dir.path().join("copy");
    common::copy_folder(&ours, &copy);
    assert!(kept(&copy).exists());
    let due = peixun(&copy, &["--lang", "en", "due"]);
    assert!(due.status.success(), "{}", common::text(&due));
    assert!(
        common::text(&due).contains("copied or moved"),
        "{}",
        common::text(&due)
    );
}

/// Another store's checklists, as if left in `dir` by a store deleted from it.
fn leave_other_checklists(dir: &Path) {
    stdout(&peixun(dir, &["init", "--office", "鄂城区"]));
    stdout(&peixun(dir, &["checklist", "mark", "county.plan", "done"]));
    due_items(dir);
    // The store goes; its checklists, written in this very folder, stay.
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path == kept(dir) {
            continue;
        }
        match path.is_dir() {
            true => std::fs::remove_dir_all(&path).unwrap(),
            false => std::fs::remove_file(&path).unwrap(),
        }
    }
    assert!(kept(dir).exists());
}

#[test]
fn a_store_made_or_restored_in_a_folder_does_not_believe_checklists_left_there() {
    let tmp = tempfile::tempdir().unwrap();
    let made = tmp.path().join("made");
    leave_other_checklists(&made);
    stdout(&peixun(&made, &["init", "--office", "鄂城区"]));
    assert!(due_items(&made).contains(&"county.plan".to_string()));

    let summary = json(&peixun(&made, &["backup", "--json"]));
    let file = std::path::PathBuf::from(summary["path"].as_str().unwrap());
    let restored = tmp.path().join("restored");
    leave_other_checklists(&restored);
    let out = peixun(&restored, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::text(&out));
    assert_eq!(due_items(&restored), due_items(&made));
}

#[test]
fn a_store_of_schema_5_opens_without_the_checklists_an_older_peixun_left() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(dir.path(), "420704", "测试员").unwrap();
    keep(&store).unwrap();
    drop(store);
    let db = (0..100)
        .find_map(|_| {
            sled::open(dir.path().join("db"))
                .map_err(|_| std::thread::sleep(std::time::Duration::from_millis(20)))
                .ok()
        })
        .unwrap();
    db.open_tree("meta")
        .unwrap()
        .insert("schema", &5u32.to_be_bytes())
        .unwrap();
    db.flush().unwrap();
    drop(db);
    assert!(load(dir.path()).is_some());
    let store = Store::open(dir.path()).unwrap();
    assert!(
        load(dir.path()).is_none(),
        "an older peixun may have marked items without removing the copy"
    );
    drop(store);
}

fn sessions_kept(dir: &Path) -> std::path::PathBuf {
    DerivedFile::Sessions.path(dir)
}

/// The 样表 as CSV, made on 2023-03-20.
fn stats_csv(dir: &Path) -> String {
    let out = dir.join("样表.csv");
    let output = out.to_str().unwrap();
    stdout(&peixun(
        dir,
        &[
            "--today",
            "2023-03-20",
            "report",
            "stats",
            "--output",
            output,
        ],
    ));
    String::from_utf8_lossy(&std::fs::read(&out).unwrap()).into_owned()
}

#[test]
fn sessions_and_the_stats_table_read_the_kept_copy_and_see_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    stdout(&peixun(dir, &["init", "--office", "鄂城区"]));
    let add = [
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
        "--capacity",
        "120",
    ];
    let id = stdout(&peixun(dir, &add)).trim().to_string();
    let listed = stdout(&peixun(dir, &["sessions"]));
    assert!(listed.contains(&id) && listed.contains("0/120"), "{listed}");
    assert!(
        sessions_kept(dir).exists(),
        "the listing keeps the sessions"
    );
    assert_eq!(
        stdout(&peixun(dir, &["sessions"])),
        listed,
        "read back, the same"
    );

    let enrol = [
        "enrol",
        "--session",
        &id,
        "--name",
        "张三",
        "--phone",
        "13800001234",
    ];
    stdout(&peixun(dir, &enrol));
    assert!(
        !sessions_kept(dir).exists(),
        "an enrolment removes the kept copy"
    );
    let listed = stdout(&peixun(dir, &["sessions"]));
    assert!(listed.contains("1/120"), "{listed}");

    assert!(stats_csv(dir).contains("第一场"));
    let checkin = [
        "checkin",
        "--session",
        &id,
        "--who",
        "张三",
        "--at",
        "09:05",
    ];
    stdout(&peixun(dir, &checkin));
    assert!(
        !sessions_kept(dir).exists(),
        "a check-in removes the kept copy"
    );
    let table = stats_csv(dir);
    let row = table.lines().find(|l| l.contains("第一场")).unwrap();
    assert!(
        row.contains(",1,") || row.ends_with(",1"),
        "one person came: {row}"
    );

    let edit = ["session", "edit", &id, "--title", "第一场改期"];
    stdout(&peixun(dir, &edit));
    assert!(stdout(&peixun(dir, &["sessions"])).contains("第一场改期"));
}
