//! The real binary in a pseudo-terminal at 80x24: the screen is read back through a vt100 parser
//! (raw output has cursor moves between CJK cells), keys are written as a terminal would send
//! them, and every wait polls the screen with a deadline instead of sleeping a fixed time.

#![cfg(unix)]

use crate::pty_session;

use std::process::Command;
use std::time::{Duration, Instant};

use pty_session::{door_count, path_str, prepare_store, Session, BIN, DEADLINE};
use tempfile::TempDir;

#[test]
fn tabs_help_and_quit_leave_the_terminal_as_found() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("the header", |screen| {
        screen.contains("1 日历") && screen.contains("3 清单")
    });
    assert!(s.parser.screen().alternate_screen());
    assert!(!s.cooked(), "raw mode while the interface runs");

    // The city shows the grid of its units.
    let checklist = |screen: &str| screen.contains("单位");
    s.send("3");
    s.wait_for("the checklist tab", checklist);
    s.send("2");
    s.wait_for("the sessions tab", |screen| screen.contains("报名"));
    s.send("\t");
    s.wait_for("the checklist tab again", checklist);
    s.send("?");
    s.wait_text("按键帮助");
    s.send("\x1b");
    s.wait_for("the help to close", |screen| !screen.contains("按键帮助"));

    s.send("q");
    assert!(s.wait_exit(), "peixun exited with a failure");
    s.assert_restored();
    assert!(s.cooked(), "the terminal was left in raw mode");
}

#[test]
fn a_moved_folder_is_said_on_the_screen_at_the_first_open_only() {
    let made = TempDir::new().expect("temp dir");
    prepare_store(made.path());
    let dir = TempDir::new().expect("temp dir");
    std::fs::rename(made.path().join("data"), dir.path().join("data")).expect("move the folder");
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("the notice under the calendar", |screen| {
        screen.contains("1 日历") && screen.contains("数据文件夹是复制或移动来的")
    });
    s.send("q");
    assert!(s.wait_exit());
    let mut s = Session::start(dir.path(), &["--lang", "en"]);
    s.wait_for("the calendar", |screen| screen.contains("1 Cal "));
    s.pump(Duration::from_millis(300));
    assert!(
        !s.screen_text().contains("folder copied"),
        "{}",
        s.screen_text()
    );
    s.send("q");
    assert!(s.wait_exit());
}

#[test]
fn english_screens_with_lang_en() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut s = Session::start(dir.path(), &["--lang", "en"]);
    // English titles are too long for eight tabs at 80 columns: every tab has its short one.
    s.wait_for("the English header with every tab", |screen| {
        let header = screen.lines().next().unwrap_or_default();
        header.contains("1 Cal ") && header.contains("7 Sync ") && header.contains("8 Firms")
    });
    s.send("3");
    s.wait_for("the checklist tab", |screen| screen.contains("open unit"));
    s.send("?");
    s.wait_text("Keys");
    // Esc and q in one write would read as alt-q.
    s.send("\x1b");
    s.wait_for("the help to close", |screen| !screen.contains("Keys"));
    s.send("q");
    assert!(s.wait_exit());
    s.assert_restored();
}

/// `kill`, a hang-up and SIGQUIT sent to a live terminal close the interface as `q` does, and
/// the process ends with the shell's status for the signal.
#[test]
fn stop_signals_restore_the_terminal_and_end_as_stopped() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    for (signal, status) in [
        (libc::SIGTERM, 143),
        (libc::SIGHUP, 129),
        (libc::SIGQUIT, 131),
    ] {
        let mut s = Session::start(dir.path(), &[]);
        s.wait_text("1 日历");
        s.signal(signal);
        let ended = s.wait_status();
        assert_eq!(
            (ended.exit_code(), ended.signal()),
            (status, None),
            "signal {signal}"
        );
        s.assert_restored();
        assert!(s.cooked(), "the terminal was left in raw mode");
    }
}

/// SIGTERM while the 报表 tab writes the 附件5 package: the interface closes at once without
/// offering a second Ctrl-C, the half-made package is removed, and the process ends as stopped.
/// A package finished before the signal took effect is removed and written again, up to five
/// times.
#[test]
fn sigterm_while_a_report_is_written_removes_it_and_ends_as_stopped() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let reports = dir.path().join("peixun-reports");
    let entries = || -> Vec<String> {
        std::fs::read_dir(&reports)
            .into_iter()
            .flatten()
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    for _ in 0..5 {
        let mut s = Session::start(dir.path(), &[]);
        s.wait_text("1 日历");
        // The package is the tenth entry; its form writes to ~/peixun-reports by default.
        s.send("5");
        s.wait_text("附件5 材料包");
        s.send("g");
        s.send(&"j".repeat(9));
        s.send("\r");
        s.wait_text(".zip");
        s.send("\r");
        let deadline = Instant::now() + DEADLINE;
        while !entries().iter().any(|n| n.starts_with(".peixun-package-")) {
            assert!(
                Instant::now() < deadline,
                "no package was begun: {:?}",
                entries()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        s.signal(libc::SIGTERM);
        let ended = s.wait_status();
        s.assert_restored();
        let screen = s.screen_text();
        assert!(!screen.contains("Ctrl-C"), "{screen}");
        let left = entries();
        if left
            .iter()
            .any(|n| n.ends_with(".zip") && !n.starts_with('.'))
        {
            std::fs::remove_dir_all(&reports).expect("remove the package");
            continue;
        }
        assert_eq!((ended.exit_code(), ended.signal()), (143, None), "{screen}");
        assert!(left.is_empty(), "nothing half-made: {left:?}");
        return;
    }
    panic!("the package was finished five times before the signal reached it");
}

/// A panic inside the event loop (provoked through `PEIXUN_DEBUG_PANIC`, which exists only in
/// debug builds, so this test does too): the terminal comes back to the shell, raw mode, the
/// alternate screen and the hidden cursor undone, and the report is readable on the main screen.
#[cfg(debug_assertions)]
#[test]
fn a_panic_restores_the_terminal() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let data = dir.path().join("data");
    let mut s = Session::spawn_with_env(
        dir.path(),
        &["--data-dir", path_str(&data), "--today", "2023-03-10"],
        &[("PEIXUN_DEBUG_PANIC", "1"), ("RUST_BACKTRACE", "0")],
    );
    assert!(!s.wait_exit(), "a panic ends with a failure");
    s.assert_restored();
    let screen = s.screen_text();
    assert!(screen.contains("PEIXUN_DEBUG_PANIC"), "{screen}");
    assert!(s.cooked(), "the terminal was left in raw mode");
}

#[test]
fn a_hang_up_ends_the_program_at_once_and_frees_the_store() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut s = Session::start(dir.path(), &[]);
    s.wait_text("1 日历");
    let closed = s.hang_up();
    // Any exit status will do: the terminal is gone, what matters is that the program is too,
    // at once: not after spinning on a dead tty until the signal watcher's grace (1.5 s) ran out.
    s.wait_exit();
    let took = closed.elapsed();
    eprintln!("exited {took:?} after the hang-up");
    assert!(took < Duration::from_millis(300), "took {took:?}");
    // The store lock went with the process: the CLI opens the store again.
    let reopened = Command::new(BIN)
        .args(["sessions", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .expect("run peixun sessions");
    assert!(
        reopened.status.success(),
        "{}",
        String::from_utf8_lossy(&reopened.stderr)
    );
}

/// "已签到 70 / 84" on screen as (70, 84).
#[test]
fn the_door_checks_someone_in_and_the_count_moves_on_screen() {
    let dir = TempDir::new().expect("temp dir");
    let data = dir.path().join("door");
    // What a coordinator runs: build the demo and open it.
    let mut s = Session::spawn(dir.path(), &["demo", "--data-dir", path_str(&data)]);
    s.wait_text("4 签到");
    s.send("4");
    // The default session (the nearest to the demo's today), once the office index is in.
    s.wait_for("the door with its count and index", |screen| {
        door_count(screen).is_some() && !screen.contains("正在建立索引")
    });
    let (present, enrolled) = door_count(&s.screen_text()).expect("count");

    // Typing at 80x24: each keystroke redraws only what changed.
    let mut keys = 0;
    let mut total = 0;
    let mut worst = 0;
    let mut query = String::new();
    let strokes: Vec<Option<char>> = "zhang"
        .chars()
        .map(Some)
        .chain(std::iter::repeat_n(None, 5))
        .chain("zs".chars().map(Some))
        .collect();
    for stroke in strokes {
        s.bytes = 0;
        match stroke {
            Some(c) => {
                query.push(c);
                s.send(&c.to_string());
            }
            None => {
                query.pop();
                s.send("\x7f");
            }
        }
        let shown = format!("查找› {query}");
        s.wait_for(&shown, |screen| {
            screen.contains(&shown) && (query.is_empty() || screen.contains("本场 "))
        });
        // The rest of the frame, if it came in several reads: until the program is quiet.
        loop {
            let before = s.bytes;
            s.pump(Duration::from_millis(150));
            if s.bytes == before {
                break;
            }
        }
        keys += 1;
        total += s.bytes;
        worst = worst.max(s.bytes);
        eprintln!("{query:?}: {}", s.bytes);
    }
    let average = total / keys;
    eprintln!("bytes to the terminal per keystroke at 80x24: average {average}, worst {worst}");
    assert!(average <= 1536, "average {average} bytes per keystroke");

    // Initials are said back first; the second Enter checks that person in.
    s.send("\r");
    // On the list or not, the question says to press Enter again.
    s.wait_text("再按 Enter");
    s.send("\r");
    // The demo's day may not be the session's: then the door asks which time to record.
    s.wait_for("a check-in or the time question", |screen| {
        screen.contains("✓ 已签到") || screen.contains("补录")
    });
    if s.screen_text().contains("补录") {
        s.send("\r");
    }
    s.wait_text("✓ 已签到");
    let (after, enrolled_after) = door_count(&s.screen_text()).expect("count after");
    assert_eq!(after, present + 1, "{}", s.screen_text());
    // zs matches nobody on this list: the person came from another list and joined it.
    assert!(enrolled_after == enrolled || enrolled_after == enrolled + 1);
    assert!(
        s.screen_text().contains("查找› 拼音"),
        "the line is cleared"
    );

    s.send("\x03");
    assert!(s.wait_exit());
    s.assert_restored();
}

#[test]
fn an_outreach_status_is_recorded_in_a_few_keys_and_is_in_the_store_after() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut s = Session::start(dir.path(), &[]);
    s.wait_text("8 企业");
    s.send("8");
    s.wait_text("未联络");
    // `/` narrows to one enterprise; Enter opens its form, → moves to 已确认, Enter records it.
    s.send("/");
    s.send("三晶纺织");
    s.send("\r");
    s.wait_text("湖北三晶纺织有限公司");
    s.send("\r");
    s.wait_text("记录联络");
    s.send("\x1b[C");
    s.wait_text("已确认");
    s.send("\r");
    s.wait_text("已记录");
    assert!(
        s.screen_text().contains("已确认 2023-03-10"),
        "{}",
        s.screen_text()
    );
    s.send("\x03");
    assert!(s.wait_exit());
    s.assert_restored();

    let listed = Command::new(BIN)
        .args(["outreach", "list", "--json", "--data-dir"])
        .arg(dir.path().join("data"))
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .expect("run peixun outreach list");
    let rows: serde_json::Value =
        serde_json::from_slice(&listed.stdout).expect("outreach list --json");
    let row = rows
        .as_array()
        .expect("a list")
        .iter()
        .find(|r| r["enterprise"]["name"] == "湖北三晶纺织有限公司")
        .expect("the enterprise");
    assert_eq!(row["outreach"]["status"], "confirmed");
    assert_eq!(row["outreach"]["on"], "2023-03-10");
}

#[test]
fn the_daily_backup_is_written_after_the_interface_closes_without_holding_it_up() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let data = dir.path().join("data");
    let backups = data.join("backups");
    let made = || {
        std::fs::read_dir(&backups)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".pxs"))
                    .count()
            })
            .unwrap_or(0)
    };
    assert_eq!(made(), 0, "no backup before the first session of the day");
    let mut s = Session::start(dir.path(), &[]);
    s.wait_text("1 日历");
    s.send("q");
    assert!(s.wait_exit(), "peixun exited with a failure");
    s.assert_restored();
    // A command straight after waits for the backup if it is still being written, then runs.
    let due = Command::new(BIN)
        .args(["due", "--data-dir"])
        .arg(&data)
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .expect("run peixun due");
    assert!(
        due.status.success(),
        "{}",
        String::from_utf8_lossy(&due.stderr)
    );
    let marked = || backups.join(".writing").exists();
    let deadline = Instant::now() + DEADLINE;
    while (made() == 0 || marked()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(made(), 1, "the day's backup was written");
    assert!(!marked(), "the mark is gone once it is written");
}
