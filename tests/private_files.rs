//! The data folder is its owner's alone, whatever the umask: folders 0700, files 0600, kept by
//! every command (backups and restore included); reports written elsewhere keep the user's mask.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under the usual umask 022, as a shell would start it.
fn run(config: &Path, dir: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PEIXUN_LANG")
        .env("XDG_CONFIG_HOME", config)
        .output()
        .unwrap()
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every entry under `dir` whose mode is not private, with its mode.
fn open_modes(dir: &Path) -> Vec<(PathBuf, u32)> {
    let mut out = Vec::new();
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    if mode(dir) != 0o700 {
        out.push((dir.to_path_buf(), mode(dir)));
    }
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(open_modes(&path));
        } else if mode(&path) != 0o600 {
            out.push((path.clone(), mode(&path)));
        }
    }
    out
}

#[test]
fn every_file_of_a_store_is_private_under_umask_022() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let city = tmp.path().join("city");
    ok(run(&config, &city, &["demo", "--no-tui"]));
    ok(run(&config, &city, &["keys", "show"]));
    let sessions: serde_json::Value =
        serde_json::from_str(&ok(run(&config, &city, &["sessions", "--json"]))).unwrap();
    let session = sessions[0]["id"].as_str().unwrap();
    ok(run(
        &config,
        &city,
        &[
            "enrol",
            "--session",
            session,
            "--name",
            "欧阳明",
            "--phone",
            "13807110001",
        ],
    ));
    let backup: serde_json::Value =
        serde_json::from_str(&ok(run(&config, &city, &["backup", "--json"]))).unwrap();
    let file = backup["path"].as_str().unwrap();
    let restored = tmp.path().join("restored");
    ok(run(&config, &restored, &["restore", file]));
    for dir in [&city, &restored] {
        assert_eq!(open_modes(dir), vec![], "{}", dir.display());
    }

    // A report for colleagues, outside the data folder, keeps the usual mode.
    let report = tmp.path().join("统计表.xlsx");
    ok(run(
        &config,
        &city,
        &["report", "stats", "-o", report.to_str().unwrap()],
    ));
    let mode = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

#[test]
fn a_store_with_open_modes_is_made_private_by_the_next_command() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let dir = tmp.path().join("county");
    ok(run(&config, &dir, &["init", "--office", "鄂城区"]));
    // As an older peixun left it.
    fn open_up(dir: &Path) {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                open_up(&path);
            } else {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
    }
    open_up(&dir);
    assert!(!open_modes(&dir).is_empty());
    ok(run(&config, &dir, &["sessions"]));
    assert_eq!(open_modes(&dir), vec![]);
}
