//! Running the real binary on a store, as scripts do; `offices` drives the library directly.
#![allow(dead_code)] // each test file uses its own part of these

pub mod disk;
pub mod offices;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Copies a data folder whole, as a coordinator would with `cp -r`.
pub fn copy_folder(from: &Path, to: &Path) {
    let copied = Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()
        .unwrap();
    assert!(
        copied.success(),
        "cp -r {} {}",
        from.display(),
        to.display()
    );
}

/// The names in `dir`, sorted: what a test compares before and after to see nothing was left.
pub fn names_in(dir: &Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    names
}

pub fn peixun(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PEIXUN_LANG")
        .output()
        .unwrap()
}

/// Standard output of a run that must succeed.
pub fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Everything a run said, both streams.
pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(output)
    )
}

pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).unwrap()
}

/// Runs peixun with `args` on `dir` and kills it with SIGKILL after `after`: no destructor, no
/// flush, no goodbye. `false` when it had already finished by then.
pub fn run_killed(dir: &Path, args: &[&str], after: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    true
}

/// The store's sled database itself, once the dropped store's background thread lets go of it.
pub fn raw_sled(dir: &Path) -> sled::Db {
    for _ in 0..100 {
        match sled::open(dir.join("db")) {
            Ok(db) => return db,
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    sled::open(dir.join("db")).unwrap()
}

/// The schema number a sled database's `meta` says it is in.
pub fn schema_of(db: &sled::Db) -> u32 {
    let bytes = db
        .open_tree("meta")
        .unwrap()
        .get("schema")
        .unwrap()
        .unwrap();
    u32::from_be_bytes(bytes[..].try_into().unwrap())
}

/// A session on 2023-03-15 added with `more` options; its id.
pub fn small_session(dir: &Path, more: &[&str]) -> String {
    let mut args = vec![
        "session",
        "add",
        "--title",
        "小班",
        "--date",
        "2023-03-15",
        "--venue",
        "v",
    ];
    args.extend_from_slice(more);
    stdout(&peixun(dir, &args))
}

/// The call list's rows `filter` keeps, every person whole, gathered.
pub fn outreach_rows(
    store: &peixun::store::Store,
    filter: peixun::app::outreach::CallFilter,
) -> peixun::app::Outcome<Vec<peixun::domain::outreach::OutreachRow>> {
    let mut rows = Vec::new();
    peixun::app::outreach::each_row(
        store,
        filter,
        |person| person,
        |row| {
            rows.push(row);
            Ok(())
        },
    )?;
    Ok(rows)
}

/// A session's form with a title, a date and a venue, the rest left as the form leaves it.
pub fn session_input(title: &str, date: &str) -> peixun::domain::input::SessionInput {
    peixun::domain::input::SessionInput {
        title: Some(title.into()),
        date: Some(date.into()),
        venue: Some("区图书馆".into()),
        ..Default::default()
    }
}
