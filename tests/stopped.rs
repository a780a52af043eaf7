//! A command stopped part way leaves nothing half-made beside its target: Ctrl-C or SIGTERM
//! removes what it was writing before it ends, and what one killed outright left (SIGKILL, a
//! power cut) is removed by the next peixun that writes into that folder, once it has lain
//! untouched for an hour.

use std::io::{BufRead, BufReader};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, SystemTime};

use crate::common::disk::bin;
use crate::common::{names_in, stdout, text};

/// Runs `command` as from a terminal and sends it `signal` as soon as it says `marker` on
/// standard error: its pid, how it ended and what it said after.
fn signalled_after(
    command: Command,
    marker: &str,
    signal: libc::c_int,
) -> (u32, ExitStatus, String) {
    signalled_after_doing(command, marker, signal, || {})
}

/// The same, doing `meanwhile` between the marker and the signal.
fn signalled_after_doing(
    mut command: Command,
    marker: &str,
    signal: libc::c_int,
    meanwhile: impl FnOnce(),
) -> (u32, ExitStatus, String) {
    command.stdout(Stdio::null()).stderr(Stdio::piped());
    // As from a terminal: a test run in the background of a script ignores SIGINT and SIGQUIT,
    // and the command would rightly leave them ignored. No core file from a SIGQUIT.
    // SAFETY: signal and setrlimit are async-signal-safe, the only calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::signal(libc::SIGQUIT, libc::SIG_DFL);
            let no_core = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &no_core);
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    let mut said = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while said.read_line(&mut line).unwrap() > 0 && !line.contains(marker) {
        line.clear();
    }
    assert!(line.contains(marker), "{marker} was never said: {line:?}");
    meanwhile();
    // SAFETY: kill has no preconditions; the child is ours and not yet waited for.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    // Read meanwhile: it must not block on a full pipe.
    let rest = std::thread::spawn(move || {
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut said, &mut rest).map(|_| rest)
    });
    let status = child.wait().unwrap();
    (child.id(), status, rest.join().unwrap().unwrap())
}

/// Removes what a run finished before the signal took effect (a loaded machine) made.
fn remove(target: &Path) {
    if target.is_dir() {
        std::fs::remove_dir_all(target).unwrap();
    } else {
        std::fs::remove_file(target).unwrap();
    }
}

/// A package of the city written to `target`, signalled with `signal` as soon as it says it is
/// packing its first unit (its file or folder is then beside `target`, far from whole). A
/// package that was finished, or named, before the signal took effect is removed and written
/// again, up to five times; anything left beside it stays for the test to see.
fn package_stopped_by(city: &Path, target: &Path, signal: libc::c_int) -> (u32, ExitStatus) {
    for _ in 0..5 {
        let mut command = bin(city);
        command.args(["report", "package", "-o"]).arg(target);
        let (pid, status, _) = signalled_after(command, "正在打包 1/", signal);
        if !status.success() && !target.exists() {
            return (pid, status);
        }
        remove(target);
    }
    panic!("the package was finished five times before the signal reached it");
}

/// A demo stopped while it is built is removed, not left to pass for a whole store that a
/// second `demo` then refuses to replace.
#[test]
fn a_demo_stopped_while_it_is_built_leaves_no_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    for _ in 0..5 {
        let mut command = bin(&dir);
        command.args(["demo", "--no-tui"]);
        let (_, status, _) = signalled_after(command, "正在生成演示数据", libc::SIGINT);
        if status.success() {
            remove(&dir);
            continue;
        }
        assert_eq!(status.signal(), Some(libc::SIGINT));
        assert!(!dir.exists(), "{:?}", names_in(&dir));
        stdout(&bin(&dir).args(["demo", "--no-tui"]).output().unwrap());
        return;
    }
    panic!("the demo was built five times before the signal reached it");
}

/// What another process put in the demo's new folder while it was built (a store of its own)
/// stays when the demo is stopped: only the demo's own work goes, and the folder only if empty.
#[test]
fn a_demo_stopped_keeps_what_another_put_in_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let other = dir.join("另一个进程的数据.txt");
    for _ in 0..5 {
        let mut command = bin(&dir);
        command.args(["demo", "--no-tui"]);
        let (_, status, _) =
            signalled_after_doing(command, "正在生成演示数据", libc::SIGINT, || {
                std::fs::write(&other, "kept").unwrap()
            });
        if status.success() {
            remove(&dir);
            continue;
        }
        assert_eq!(status.signal(), Some(libc::SIGINT));
        assert_eq!(names_in(&dir), ["另一个进程的数据.txt"]);
        return;
    }
    panic!("the demo was built five times before the signal reached it");
}

/// A demo killed outright while it is built (no handler runs) leaves no store to pass for a
/// whole one: `doctor` finds none there, and a second demo into the same folder builds it whole
/// and removes what the killed one left.
#[test]
fn a_demo_killed_while_it_is_built_is_built_whole_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    for _ in 0..5 {
        let mut command = bin(&dir);
        command.args(["demo", "--no-tui"]);
        let (_, status, _) = signalled_after(command, "正在生成演示数据… 0%", libc::SIGKILL);
        if status.success() {
            remove(&dir);
            continue;
        }
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        let doctor = bin(&dir).arg("doctor").output().unwrap();
        assert!(
            !doctor.status.success() && text(&doctor).contains("没有 peixun 数据"),
            "no store is there to check: {}",
            text(&doctor)
        );
        stdout(&bin(&dir).args(["demo", "--no-tui"]).output().unwrap());
        let left: Vec<_> = names_in(&dir)
            .into_iter()
            .filter(|n| n.to_string_lossy().starts_with(".peixun-"))
            .collect();
        assert!(left.is_empty(), "the killed demo's work is gone: {left:?}");
        let checked = stdout(&bin(&dir).arg("doctor").output().unwrap());
        assert!(checked.contains("检查通过"), "{checked}");
        let sessions = stdout(&bin(&dir).args(["sessions", "--json"]).output().unwrap());
        assert!(sessions.contains("（第一场）"), "a whole demo: {sessions}");
        return;
    }
    panic!("the demo was built five times before the signal reached it");
}

fn city() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("city");
    stdout(&bin(&city).args(["demo", "--no-tui"]).output().unwrap());
    let stick = tmp.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    (tmp, city, stick)
}

#[test]
fn a_package_stopped_part_way_leaves_nothing_beside_it() {
    let (_tmp, city, stick) = city();
    for (signal, name) in [
        (libc::SIGTERM, "材料包.zip"),
        (libc::SIGINT, "材料包"),
        (libc::SIGQUIT, "材料包.zip"),
    ] {
        let (_, status) = package_stopped_by(&city, &stick.join(name), signal);
        assert_eq!(status.signal(), Some(signal), "{name}: ends as stopped");
        assert!(
            names_in(&stick).is_empty(),
            "{name}: no package, whole or partial: {:?}",
            names_in(&stick)
        );
    }
    let written = stick.join("材料包.zip");
    stdout(
        &bin(&city)
            .args(["report", "package", "-o"])
            .arg(&written)
            .output()
            .unwrap(),
    );
    assert_eq!(
        names_in(&stick),
        vec![std::ffi::OsString::from("材料包.zip")]
    );
}

#[test]
fn what_a_killed_export_left_is_removed_by_the_next_once_idle() {
    let (_tmp, city, stick) = city();
    let (pid, status) = package_stopped_by(&city, &stick.join("材料包.zip"), libc::SIGKILL);
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    let left = names_in(&stick);
    assert_eq!(left.len(), 1, "SIGKILL cannot be caught: {left:?}");
    let left = stick.join(&left[0]);
    let name = left.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!(".peixun-package-{pid}-")) && name.ends_with(".zip"),
        "known for what it is and whose: {name}"
    );
    let calls = |name: &str| {
        stdout(
            &bin(&city)
                .args(["report", "calls", "-o"])
                .arg(stick.join(name))
                .output()
                .unwrap(),
        );
    };
    calls("电话清单.csv");
    assert!(
        left.exists(),
        "touched lately: perhaps a peixun this one cannot see"
    );
    let two_hours_ago = SystemTime::now() - Duration::from_secs(2 * 60 * 60);
    std::fs::File::options()
        .write(true)
        .open(&left)
        .unwrap()
        .set_modified(two_hours_ago)
        .unwrap();
    calls("电话清单.xlsx");
    assert!(!left.exists(), "idle for two hours, its peixun gone");
    assert_eq!(
        names_in(&stick),
        vec![
            std::ffi::OsString::from("电话清单.csv"),
            std::ffi::OsString::from("电话清单.xlsx")
        ]
    );
}

/// Ctrl-C while the day's automatic backup is written after a change: the change stands, the
/// backup goes without leaving a part, and the command ends as the success it was, saying so.
#[test]
fn a_stop_during_the_days_backup_keeps_the_change_and_says_so() {
    let (_tmp, city, _) = city();
    let backups = city.join("backups");
    for n in 0..5 {
        let _ = std::fs::remove_dir_all(&backups);
        let name = format!("欧阳{}", ["一", "二", "三", "四", "五"][n]);
        let mut command = bin(&city);
        command.args(["person", "add", "--name", &name, "--phone"]);
        command.arg(format!("1391234000{n}"));
        let (_, status, said) = signalled_after(command, "自动备份", libc::SIGINT);
        assert!(
            status.success(),
            "a saved change is a success: {status:?} {said}"
        );
        if !said.contains("自动备份被中断") {
            continue; // written whole before the signal took effect
        }
        let people = stdout(&bin(&city).args(["people", "--json"]).output().unwrap());
        assert!(people.contains(&name), "the change stands");
        // The folder itself may not have been made yet.
        let left: Vec<_> = std::fs::read_dir(&backups)
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n.to_string_lossy().starts_with(".peixun-"))
            .collect();
        assert!(left.is_empty(), "no part of the backup: {left:?}");
        return;
    }
    panic!("the backup was written five times before the signal reached it");
}
