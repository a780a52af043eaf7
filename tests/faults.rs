//! Faults: a full disk during check-in and bundle export, a read-only data dir, unreadable key
//! and store files, damaged sled files. Each gets a clear message and a non-zero exit, and what
//! the store had confirmed is still there.
//!
//! A full disk is a small tmpfs, or a file size limit where none can be mounted
//! (`common::disk`).
//!
//! Permissions: root ignores file modes, so when the tests run as root the child drops to the
//! `nobody` user (uid/gid 65534, in `pre_exec`) on files it owns; otherwise modes apply as they
//! are.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common::disk::{bin, is_root, Disk, SmallDisk};
use crate::common::{stdout, text};

const NOBODY: u32 = 65534;

/// Every file under `dir` with its bytes, to show nothing was overwritten.
/// Every file under `dir` with its bytes, but the lock file, which whoever takes the store
/// rewrites with its name (`store::holder`): it is not data.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.file_name().is_some_and(|n| n == "peixun.lock") {
            continue;
        }
        if path.is_dir() {
            out.extend(contents(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path, bytes));
        }
    }
    out.sort();
    out
}

/// A county store with one session and `n` people enrolled; returns the session and the codes.
fn county_with_people(dir: &Path, n: usize) -> (String, Vec<String>) {
    let store = peixun::store::Store::create(dir, "420704", "王芳").unwrap();
    let session = store.new_id('S').unwrap();
    store
        .commit(vec![peixun::log::Payload::SessionUpserted(
            peixun::domain::Session {
                id: session.clone(),
                office: "420704".into(),
                kind: peixun::domain::SessionKind::Offline,
                title: "第一场".into(),
                units: vec!["420704".into()],
                host: "420704".into(),
                cohost: None,
                date: "2023-03-15".parse().unwrap(),
                start: "09:00:00".parse().unwrap(),
                end: "11:30:00".parse().unwrap(),
                venue: "鄂城区政务服务中心".into(),
                courses: vec![],
                audience: String::new(),
                capacity: 5000,
            },
        )])
        .unwrap();
    let mut codes = Vec::new();
    for i in 0..n {
        let draft = peixun::store::PersonDraft {
            name: format!("学员{i}"),
            phone: format!("137{i:08}"),
            position: String::new(),
            enterprise: String::new(),
            credit_code: String::new(),
            new_enterprise: false,
        };
        codes.push(
            peixun::app::sessions::enrol(&store, &session, &draft, false)
                .unwrap()
                .person()
                .code
                .clone(),
        );
    }
    (session, codes)
}

fn doctor_passes(dir: &Path) {
    let out = bin(dir).arg("doctor").output().unwrap();
    assert!(stdout(&out).contains("检查通过"), "{}", text(&out));
}

type Answers = std::io::Lines<BufReader<std::process::ChildStdout>>;

/// `command` checking in at `session`'s door from standard input, at 08:55; its input and its
/// answers.
fn door_from_stdin(
    mut command: Command,
    session: &str,
) -> (std::process::Child, std::process::ChildStdin, Answers) {
    let mut child = command
        .args(["checkin", "--session", session, "--codes-from-stdin"])
        .args(["--at", "08:55"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take().unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    (child, stdin, lines)
}

/// Sends one code and reads its answer; true when the check-in was acknowledged.
fn answer(
    code: &str,
    stdin: &mut std::process::ChildStdin,
    lines: &mut Answers,
    acknowledged: &mut Vec<String>,
) -> bool {
    if writeln!(stdin, "{code}")
        .and_then(|()| stdin.flush())
        .is_err()
    {
        return false;
    }
    match lines.next() {
        Some(Ok(line)) if line.starts_with("ok ") => {
            acknowledged.push(code.to_string());
            true
        }
        _ => false,
    }
}

#[test]
fn disk_full_during_check_in_loses_nothing_acknowledged() {
    let mut disk = SmallDisk::new();
    let dir = disk.path().join("store");
    let (session, codes) = county_with_people(&dir, 1500);
    let (mut child, mut stdin, mut lines) = door_from_stdin(disk.command(&dir), &session);
    let mut acknowledged = Vec::new();
    for code in &codes[..5] {
        assert!(
            answer(code, &mut stdin, &mut lines, &mut acknowledged),
            "check-ins before the disk fills"
        );
    }
    if matches!(disk.kind, Disk::Rlimit(_)) {
        // The limit applies from the child's start: start again under it.
        drop(stdin);
        child.wait().unwrap();
        disk.fill(&dir);
        (child, stdin, lines) = door_from_stdin(disk.command(&dir), &session);
    } else {
        disk.fill(&dir);
    }
    let mut refused = None;
    for code in &codes[5..] {
        if !answer(code, &mut stdin, &mut lines, &mut acknowledged) {
            refused = Some(code.clone());
            break;
        }
    }
    drop(stdin);
    let status = child.wait().unwrap();
    let mut message = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut message).unwrap();
    let refused = refused.expect("the disk filled before every check-in was written");
    assert!(!status.success(), "a failed write ends with an error");
    assert!(
        message.contains("本次修改未保存") || message.contains("无法读取"),
        "a clear message: {message}"
    );
    assert!(
        message.contains(&dir.display().to_string()),
        "names the store: {message}"
    );
    eprintln!(
        "{} check-ins acknowledged before the disk was full; refused: {refused}",
        acknowledged.len()
    );

    disk.free();
    doctor_passes(&dir);
    let store = peixun::store::Store::open(&dir).unwrap();
    let present = peixun::store::lists::attendance(&store, &session).unwrap();
    let people = store.people().unwrap();
    for code in &acknowledged {
        let person = people.iter().find(|p| &p.code == code).unwrap();
        assert!(present.contains_key(&person.id), "{code} was acknowledged");
    }
    let refused = people.iter().find(|p| p.code == refused).unwrap();
    assert!(
        !present.contains_key(&refused.id),
        "the refused check-in is not half there"
    );
}

/// A county that trusts its city, with something to send.
fn county_and_city(root: &Path) -> (PathBuf, PathBuf) {
    let county = root.join("county");
    let city = root.join("city");
    stdout(
        &bin(&county)
            .args(["init", "--office", "鄂城区"])
            .output()
            .unwrap(),
    );
    stdout(
        &bin(&city)
            .args(["init", "--office", "鄂州市"])
            .output()
            .unwrap(),
    );
    let card = root.join("city.card");
    stdout(
        &bin(&city)
            .args(["keys", "export", "-o"])
            .arg(&card)
            .output()
            .unwrap(),
    );
    let shown: serde_json::Value = serde_json::from_str(&stdout(
        &bin(&city)
            .args(["keys", "show", "--json"])
            .output()
            .unwrap(),
    ))
    .unwrap();
    stdout(
        &bin(&county)
            .args(["keys", "trust"])
            .arg(&card)
            .args(["--fingerprint", shown["fingerprint"].as_str().unwrap()])
            .output()
            .unwrap(),
    );
    for day in ["2023-03-15", "2023-03-16", "2023-03-17"] {
        stdout(
            &bin(&county)
                .args(["session", "add", "--title", "鄂城区培训班", "--date", day])
                .args([
                    "--start",
                    "09:00",
                    "--end",
                    "11:30",
                    "--venue",
                    "鄂城区政务服务中心",
                ])
                .output()
                .unwrap(),
        );
    }
    (county, city)
}

#[test]
fn disk_full_during_bundle_export_leaves_no_bundle_and_the_store_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let (county, _city) = county_and_city(tmp.path());
    let mut stick = SmallDisk::new();
    let folder = stick.path();
    let before = contents(&county.join("db"));
    stick.fill(&folder);
    let out = stick
        .command(&county)
        .args(["bundle", "export", "--to", "鄂州市", "-o"])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    if let Disk::Tmpfs = stick.kind {
        assert!(
            text(&out).contains("无法写入") && text(&out).contains(&folder.display().to_string()),
            "names the file it could not write: {}",
            text(&out)
        );
    } else {
        // A file size limit binds the whole process, the store's files too, so the export may
        // already stop at opening the store: still a named refusal, and no bundle.
        assert!(text(&out).contains("peixun: "), "{}", text(&out));
    }
    let left = stick.left();
    assert!(left.is_empty(), "no bundle, whole or partial: {left:?}");
    stick.free();
    doctor_passes(&county);
    assert_eq!(
        contents(&county.join("db")).len(),
        before.len(),
        "the store's files are all there"
    );
    // The failed export did not use up the link number: the next one is still the first.
    let out = stdout(
        &stick
            .command(&county)
            .args(["bundle", "export", "--to", "鄂州市", "-o"])
            .arg(&folder)
            .output()
            .unwrap(),
    );
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{out}");
    assert!(names[0].contains("-0001-"), "{names:?}");
}

/// Runs as a user whom file modes bind: `nobody` when we are root (the files are given to it),
/// else ourselves.
fn unprivileged(dir: &Path) -> Command {
    let mut command = bin(dir);
    if is_root() {
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(NOBODY) != 0
                    || libc::setuid(NOBODY) != 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    command
}

/// Gives `path` (recursively) to the unprivileged user, and lets it reach `path`.
fn hand_over(root: &Path, path: &Path) {
    if !is_root() {
        return;
    }
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let status = Command::new("chown")
        .args(["-R", &format!("{NOBODY}:{NOBODY}")])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

fn chmod_r(path: &Path, mode: &str) {
    let status = Command::new("chmod")
        .args(["-R", mode])
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn a_read_only_data_dir_is_refused_by_name_and_left_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    county_with_people(&dir, 3);
    hand_over(tmp.path(), &dir);
    chmod_r(&dir, "a-w");
    let before = contents(&dir);
    for args in [
        &["sessions"][..],
        &["checklist", "mark", "county.plan", "done"],
    ] {
        let out = unprivileged(&dir).args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?}: {}", text(&out));
        assert!(
            text(&out).contains("无法打开数据目录")
                && text(&out).contains(&dir.display().to_string()),
            "{args:?}: {}",
            text(&out)
        );
        assert!(!text(&out).contains("panicked"), "{}", text(&out));
    }
    assert_eq!(contents(&dir), before, "nothing was written");
    chmod_r(&dir, "u+w");
    doctor_passes(&dir);
}

#[test]
fn unreadable_key_and_store_files_are_named_and_nothing_is_overwritten() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    county_with_people(&dir, 3);
    stdout(&bin(&dir).args(["keys", "init"]).output().unwrap());
    hand_over(tmp.path(), &dir);
    let sign_key = dir.join("keys").join("sign.key");
    std::fs::set_permissions(&sign_key, std::fs::Permissions::from_mode(0o000)).unwrap();
    let before = contents(&dir);
    let out = unprivileged(&dir)
        .args(["keys", "export", "-o"])
        .arg(tmp.path().join("a.card"))
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&sign_key.display().to_string()),
        "names the key file: {}",
        text(&out)
    );
    assert_eq!(contents(&dir), before, "no new keys were made over the old");
    assert!(!tmp.path().join("a.card").exists());
    std::fs::set_permissions(&sign_key, std::fs::Permissions::from_mode(0o600)).unwrap();

    let db_file = dir.join("db").join("db");
    std::fs::set_permissions(&db_file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = unprivileged(&dir).arg("sessions").output().unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("无法读取") && text(&out).contains("Permission denied"),
        "{}",
        text(&out)
    );
    std::fs::set_permissions(&db_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    doctor_passes(&dir);
}

#[test]
fn a_damaged_sled_file_is_refused_without_a_crash_and_a_backup_restores() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    stdout(&bin(&dir).args(["demo", "--no-tui"]).output().unwrap());
    stdout(&bin(&dir).arg("backup").output().unwrap());
    let before_keys = contents(&dir.join("keys"));
    let before_backups = contents(&dir.join("backups"));
    let db_file = dir.join("db").join("db");
    // 64 bytes in every 512 KiB segment of sled's log: damage in one dead segment alone is
    // (rightly) never read, so every segment gets some.
    let mut bytes = std::fs::read(&db_file).unwrap();
    for start in (1000..bytes.len().saturating_sub(64)).step_by(512 * 1024) {
        bytes[start..start + 64].fill(0xff);
    }
    std::fs::write(&db_file, &bytes).unwrap();
    for args in [
        &["doctor"][..],
        &["checkin", "--session", "x", "--code", "y"],
    ] {
        let out = bin(&dir).args(args).output().unwrap();
        assert!(!out.status.success(), "{}", text(&out));
        assert!(
            !text(&out).contains("panicked"),
            "no crash report: {}",
            text(&out)
        );
        assert!(
            text(&out).contains("已损坏") && text(&out).contains("peixun restore"),
            "{}",
            text(&out)
        );
    }
    assert_eq!(contents(&dir.join("keys")), before_keys);
    assert_eq!(contents(&dir.join("backups")), before_backups);
    let backup = before_backups[0].0.clone();
    let new = tmp.path().join("restored");
    let out = bin(&new)
        .arg("restore")
        .arg(&backup)
        .args(["--keys"])
        .arg(dir.join("keys"))
        .output()
        .unwrap();
    assert!(stdout(&out).contains("检查通过"), "{}", text(&out));
}

#[test]
fn a_half_written_sled_snapshot_does_not_lock_the_store_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    county_with_people(&dir, 3);
    // What a disk full or a kill during sled's snapshot leaves: an empty `.generating` file
    // that sorts after the finished snapshot.
    std::fs::write(dir.join("db").join("snap.FFFFFFFFFFFFFFFF.generating"), b"").unwrap();
    doctor_passes(&dir);
    let people = stdout(&bin(&dir).args(["people", "--json"]).output().unwrap());
    assert!(people.contains("学员2"), "{people}");
}

/// A dropped SSH session hangs up the terminal: a command goes on to its end rather than dying
/// part way (an export leaving its temp file, the day's backup not written).
#[test]
fn a_hang_up_does_not_stop_a_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("store");
    let (session, codes) = county_with_people(&dir, 3);
    let (mut child, mut stdin, mut lines) = door_from_stdin(bin(&dir), &session);
    let mut acknowledged = Vec::new();
    assert!(answer(&codes[0], &mut stdin, &mut lines, &mut acknowledged));
    // SAFETY: kill has no preconditions; the child is ours and still running.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGHUP) };
    assert_eq!(sent, 0);
    assert!(
        answer(&codes[1], &mut stdin, &mut lines, &mut acknowledged),
        "still checking in after the hang-up"
    );
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let out = stdout(&bin(&dir).args(["log", "--limit", "5"]).output().unwrap());
    assert_eq!(out.matches("签到").count(), 2, "{out}");
}
