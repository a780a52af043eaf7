//! Two imports on one store at once: the second, run by the first's peixun through the store
//! service, waits for the first to be written before it reads its sheet, so no firm and no
//! person is registered twice.

#![cfg(unix)]

use crate::pty_session::{prepare_store, BIN, DEADLINE};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

fn peixun(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(dir.join("data"))
        .env("XDG_CONFIG_HOME", dir)
        .env("HOME", dir);
    command
}

/// A sign-up sheet of `rows`: person `i` (phone from `first_phone`) works for firm `firms(i)`.
fn sheet(
    dir: &Path,
    name: &str,
    rows: usize,
    first_phone: u64,
    firm: impl Fn(usize) -> usize,
) -> PathBuf {
    let path = dir.join(name);
    let mut text = String::from("学员姓名,手机号码,企业名称（全称）,统一社会信用代码,企业类型\n");
    for i in 0..rows {
        text.push_str(&format!(
            "学员{i},{},鄂州市并行{}号机械有限公司,,\n",
            first_phone + i as u64,
            firm(i)
        ));
    }
    std::fs::write(&path, text).expect("write sheet");
    path
}

/// `long` imported, and `short` while it runs (once it serves the store, with `served`), both
/// going in.
fn both_imported(d: &Path, long: &Path, short: &Path, served: bool) {
    let first = peixun(d)
        .arg("import")
        .arg(long)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the first import");
    let socket = d.join("data").join(peixun::service::SOCKET);
    let deadline = Instant::now() + DEADLINE;
    while served && !socket.exists() {
        assert!(Instant::now() < deadline, "the first import never served");
        std::thread::sleep(Duration::from_millis(5));
    }
    let second = peixun(d).arg("import").arg(short).output().expect("second");
    let first = first.wait_with_output().expect("first");
    for out in [first, second] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn a_second_import_waits_for_the_first_and_registers_no_firm_twice() {
    let dir = TempDir::new().expect("temp dir");
    let d = dir.path();
    prepare_store(d);
    let long = sheet(d, "long.csv", 3_000, 13_900_000_000, |i| i);
    let short = sheet(d, "short.csv", 3, 13_700_000_000, |i| [0, 1_500, 2_999][i]);
    both_imported(d, &long, &short, true);
    let listed = peixun(d)
        .args(["enterprises", "--json"])
        .output()
        .expect("list");
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("json");
    let firms: Vec<&str> = listed
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .filter(|name| name.contains("并行"))
        .collect();
    let distinct: std::collections::BTreeSet<&str> = firms.iter().copied().collect();
    assert_eq!(distinct.len(), 3_000);
    assert_eq!(firms.len(), 3_000, "each firm once");
}

/// Started together, two imports each go in: the second, finding the first just starting,
/// waits for it to serve the store rather than being told to close it.
#[test]
fn two_imports_started_together_both_go_in() {
    let dir = TempDir::new().expect("temp dir");
    let d = dir.path();
    prepare_store(d);
    for round in 0..3u64 {
        let firm = |i: usize| i + round as usize * 1_000;
        let long = sheet(d, "long.csv", 500, 13_900_000_000 + round * 10_000, firm);
        let short = sheet(d, "short.csv", 2, 13_700_000_000 + round * 10, firm);
        both_imported(d, &long, &short, false);
    }
}
