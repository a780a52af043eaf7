//! A command stopped part way leaves nothing half-made beside its target: Ctrl-C or SIGTERM
//! removes what it was writing before it ends, and what one killed outright left (SIGKILL, a
//! power cut) is removed by the next peixun that writes into that folder, once it has lain
//! untouched for an hour.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, SystemTime};

use crate::common::disk::bin;
use crate::common::{names_in, stdout};

/// A package of the city written to `target`, signalled with `signal` as soon as it says it is
/// packing its first unit (its file or folder is then beside `target`, far from whole).
fn package_stopped_by(city: &Path, target: &Path, signal: libc::c_int) -> Child {
    let mut child = bin(city)
        .args(["report", "package", "-o"])
        .arg(target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while said.read_line(&mut line).unwrap() > 0 && !line.contains("正在打包") {
        line.clear();
    }
    assert!(line.contains("正在打包 1/"), "packing began: {line:?}");
    // SAFETY: kill has no preconditions; the child is ours and still running.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
    // The rest of what it says is not waited for; it must not block on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut said, &mut std::io::sink()));
    child
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
    for (signal, name) in [(libc::SIGTERM, "材料包.zip"), (libc::SIGINT, "材料包")] {
        let mut child = package_stopped_by(&city, &stick.join(name), signal);
        let status = child.wait().unwrap();
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
    let mut child = package_stopped_by(&city, &stick.join("材料包.zip"), libc::SIGKILL);
    let pid = child.id();
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
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
