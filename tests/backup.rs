//! Backups: `peixun backup`, the daily automatic one, `peixun restore`, and refusals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{stdout, text};

/// The binary with its own config dir, so the user's config.toml does not leak in.
fn run(config: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PEIXUN_LANG")
        .env("XDG_CONFIG_HOME", config)
        .output()
        .unwrap()
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("backups"))
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn demo(config: &Path, dir: &Path) {
    stdout(&run(config, dir, &["demo", "--no-tui"]));
}

/// What a coordinator sees of a store, for comparing two of them.
fn records(config: &Path, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for args in [
        &["sessions", "--json"][..],
        &["people", "--json"],
        &["enterprises", "--json"],
        &["checklist", "--json"],
        &["log", "--json"],
    ] {
        out.push(stdout(&run(config, dir, args)));
    }
    let keys: serde_json::Value =
        serde_json::from_str(&stdout(&run(config, dir, &["keys", "show", "--json"]))).unwrap();
    out.push(keys["fingerprint"].to_string());
    let sessions: serde_json::Value = serde_json::from_str(&out[0]).unwrap();
    for session in sessions.as_array().unwrap().iter().take(5) {
        let id = session["id"].as_str().unwrap();
        out.push(stdout(&run(
            config,
            dir,
            &["attendance", "--session", id, "--json"],
        )));
    }
    out
}

#[test]
fn a_backup_restores_into_a_new_dir_with_equal_records_and_a_clean_doctor() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let old = tmp.path().join("old");
    let new = tmp.path().join("new");
    demo(&config, &old);
    let out = stdout(&run(&config, &old, &["backup", "--json"]));
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    let file = PathBuf::from(summary["path"].as_str().unwrap());
    assert_eq!(file.parent().unwrap(), old.join("backups"));
    assert!(summary["entries"].as_u64().unwrap() > 1000, "{out}");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"\x89PXS\r\n\x1a\n"), "backup magic");
    // Encrypted: no name of the demo appears in the file.
    assert!(!String::from_utf8_lossy(&bytes).contains("鄂州"));

    let out = stdout(&run(&config, &new, &["restore", file.to_str().unwrap()]));
    assert!(out.contains("检查通过"), "{out}");
    // From now on the restored store writes as a new device, and says so.
    assert!(out.contains("本机作为新设备"), "{out}");
    let doctor = stdout(&run(&config, &new, &["doctor"]));
    assert!(doctor.contains("检查通过"), "{doctor}");
    assert!(doctor.contains("起本机作为新设备"), "{doctor}");
    assert_eq!(records(&config, &old), records(&config, &new));
    // The restored store works on: a change, then a clean doctor.
    stdout(&run(
        &config,
        &new,
        &["checklist", "mark", "city.stats", "done"],
    ));
    assert!(stdout(&run(&config, &new, &["doctor"])).contains("检查通过"));
}

#[test]
fn restore_refuses_an_existing_store_and_damaged_or_foreign_files() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    stdout(&run(&config, &a, &["init", "--office", "鄂城区"]));
    stdout(&run(&config, &b, &["init", "--office", "华容区"]));
    stdout(&run(&config, &a, &["backup"]));
    stdout(&run(&config, &b, &["backup"]));
    let file_a = backups(&a).pop().unwrap();
    let file_b = backups(&b).pop().unwrap();

    // Onto a store: refused, the store untouched.
    let before = stdout(&run(&config, &b, &["log", "--json"]));
    let out = run(&config, &b, &["restore", file_a.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("不会覆盖"), "{}", text(&out));
    assert_eq!(stdout(&run(&config, &b, &["log", "--json"])), before);

    let target = tmp.path().join("target");
    let refused = |file: &Path, extra: &[&str], expect: &str| {
        let mut args = vec!["--lang", "en", "restore", file.to_str().unwrap()];
        args.extend_from_slice(extra);
        let out = run(&config, &target, &args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(expect), "{expect}: {}", text(&out));
        assert!(!target.join("db").exists(), "no store after a refusal");
    };
    // One changed byte in the encrypted body.
    let mut bytes = std::fs::read(&file_a).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    let changed = a.join("backups").join("changed.pxs");
    std::fs::write(&changed, &bytes).unwrap();
    refused(&changed, &[], "signature");
    // Cut short, as by a pulled stick.
    let cut = a.join("backups").join("cut.pxs");
    std::fs::write(&cut, &std::fs::read(&file_a).unwrap()[..30]).unwrap();
    refused(&cut, &[], "truncated");
    // Not a backup at all.
    let card = a.join("backups").join("a.card");
    stdout(&run(
        &config,
        &a,
        &["keys", "export", "-o", card.to_str().unwrap()],
    ));
    refused(&card, &[], "not a peixun backup");
    // Another office's keys.
    let keys_b = b.join("keys");
    refused(
        &file_a,
        &["--keys", keys_b.to_str().unwrap()],
        "a backup of 鄂城区",
    );
    refused(
        &file_a,
        &["--keys", keys_b.to_str().unwrap()],
        "keys are of 华容区",
    );
    // Another office's backup beside this office's keys.
    let keys_a = a.join("keys");
    refused(
        &file_b,
        &["--keys", keys_a.to_str().unwrap()],
        "a backup of 华容区",
    );
}

#[test]
fn backups_are_automatic_at_most_daily_and_only_the_newest_are_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let dir = tmp.path().join("store");
    stdout(&run(&config, &dir, &["init", "--office", "鄂城区"]));
    stdout(&run(&config, &dir, &["sessions"]));
    for look in [
        &["cert", "list"][..],
        &["cert", "evaluate"],
        &["cert", "show", "13800000000"],
        &["bundle", "held"],
        &["keys", "list"],
    ] {
        run(&config, &dir, look);
        assert!(
            backups(&dir).is_empty(),
            "{look:?}: reading makes no backup"
        );
    }
    let first = run(&config, &dir, &["checklist", "mark", "county.plan", "done"]);
    stdout(&first);
    assert_eq!(backups(&dir).len(), 1, "the first change of the day");
    assert!(text(&first).contains("已自动创建"), "keys made and said so");
    assert!(text(&first).contains("自动备份"), "{}", text(&first));
    let second = run(&config, &dir, &["checklist", "mark", "county.plan", "todo"]);
    stdout(&second);
    assert!(!text(&second).contains("自动备份"), "{}", text(&second));
    assert_eq!(backups(&dir).len(), 1, "at most one a day");

    // Older days' backups: the configured number is kept, the oldest go first.
    let real = backups(&dir).pop().unwrap();
    for day in 1..=5 {
        std::fs::copy(
            &real,
            dir.join("backups")
                .join(format!("peixun-420704-2023030{day}-080000-000.pxs")),
        )
        .unwrap();
    }
    std::fs::write(dir.join("backups").join("notes.txt"), "keep me").unwrap();
    std::fs::create_dir_all(config.join("peixun")).unwrap();
    std::fs::write(
        config.join("peixun").join("config.toml"),
        "backup_keep = 3\n",
    )
    .unwrap();
    let out = stdout(&run(&config, &dir, &["backup"]));
    assert!(
        out.contains("20230301") && out.contains("20230303"),
        "{out}"
    );
    let names: Vec<String> = backups(&dir)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        5,
        "three automatic backups, the one asked for and the notes: {names:?}"
    );
    assert!(names.contains(&"notes.txt".to_string()));
    assert!(names.iter().any(|n| n.ends_with(".kept.pxs")), "{names:?}");
    assert!(names.iter().any(|n| n.contains("20230304")), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("20230303")), "{names:?}");

    // 0 turns the automatic ones off.
    std::fs::write(
        config.join("peixun").join("config.toml"),
        "backup_keep = 0\n",
    )
    .unwrap();
    for file in backups(&dir) {
        if file.extension().is_some_and(|e| e == "pxs") {
            std::fs::remove_file(file).unwrap();
        }
    }
    stdout(&run(
        &config,
        &dir,
        &["checklist", "mark", "county.plan", "done"],
    ));
    assert_eq!(backups(&dir).len(), 1, "only the notes");
}

#[test]
fn a_failed_automatic_backup_does_not_fail_the_change() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let dir = tmp.path().join("store");
    stdout(&run(&config, &dir, &["init", "--office", "鄂城区"]));
    // A plain file where the backups folder should be: the backup cannot be written.
    std::fs::write(dir.join("backups"), "in the way").unwrap();
    let out = run(&config, &dir, &["checklist", "mark", "county.plan", "done"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("自动备份未完成"), "{}", text(&out));
    let list = stdout(&run(&config, &dir, &["checklist", "--json"]));
    assert!(list.contains("done"), "the mark is saved: {list}");
}
