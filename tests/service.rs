//! The store service: while one peixun holds a store with its interface open, the office's other
//! peixuns on the same data folder run their commands through it instead of being refused, and
//! the interface shows what they changed.

#![cfg(unix)]

use crate::pty_session;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use pty_session::{door_count, path_str, prepare_store, Session, BIN, DEADLINE};
use tempfile::TempDir;

/// `peixun` on the test's store, from `cwd`.
fn peixun_in(dir: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(args)
        .current_dir(cwd)
        .env("XDG_CONFIG_HOME", dir)
        .env("HOME", dir)
        .output()
        .expect("run peixun")
}

fn peixun(dir: &Path, args: &[&str]) -> Output {
    peixun_in(dir, dir, args)
}

/// `checkin --codes-from-stdin` on the test's store with its input a pipe, as a scanner's.
fn scanner(dir: &Path, session: &str, at: &str) -> std::process::Child {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args([
            "checkin",
            "--session",
            session,
            "--at",
            at,
            "--codes-from-stdin",
        ])
        .env("XDG_CONFIG_HOME", dir)
        .env("HOME", dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run peixun")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

/// The interface open on the demo store (on the demo's own day), at the door of its default
/// session once the office index is in.
fn open_door(dir: &Path) -> Session {
    let data = dir.join("data");
    let mut s = Session::spawn(dir, &["--data-dir", path_str(&data)]);
    s.wait_text("4 签到");
    s.send("4");
    s.wait_for("the door with its count and index", |screen| {
        door_count(screen).is_some() && !screen.contains("正在建立索引")
    });
    s
}

/// The id of the session whose title the door shows, and the code of someone on its list who
/// is not in yet.
fn door_session_and_absent_code(dir: &Path, screen: &str) -> (String, String) {
    let sessions = json(&peixun(dir, &["sessions", "--json"]));
    let session = sessions
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| {
            let title = s["title"].as_str().unwrap_or("");
            !title.is_empty() && screen.lines().nth(1).unwrap_or("").contains(title)
        })
        .unwrap_or_else(|| panic!("the door's session among {sessions}\n{screen}"));
    let id = session["id"].as_str().expect("an id").to_string();
    let people = json(&peixun(dir, &["people", "--session", &id, "--json"]));
    let present = json(&peixun(dir, &["attendance", "--session", &id, "--json"]));
    let present: Vec<&str> = present
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|row| row["person"].as_str())
        .collect();
    let code = people
        .as_array()
        .expect("a list")
        .iter()
        .find(|p| !present.contains(&p["id"].as_str().unwrap_or("")))
        .and_then(|p| p["code"].as_str())
        .expect("someone not in yet");
    (id, code.to_string())
}

#[test]
fn commands_run_while_the_interface_is_open_and_the_door_sees_their_check_ins() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut s = open_door(dir.path());
    let (present, enrolled) = door_count(&s.screen_text()).expect("count");
    let (session, code) = door_session_and_absent_code(dir.path(), &s.screen_text());

    // A read, as a login banner would run it.
    let due = peixun(dir.path(), &["due"]);
    assert!(due.status.success(), "{}", text(&due.stderr));
    assert!(
        text(&due.stdout).contains("county.plan"),
        "{}",
        text(&due.stdout)
    );

    // A check-in from the command line reaches the door's count on screen.
    let checked = peixun(
        dir.path(),
        &[
            "checkin",
            "--session",
            &session,
            "--code",
            &code,
            "--at",
            "09:05",
        ],
    );
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    assert!(
        text(&checked.stdout).contains("09:05"),
        "{}",
        text(&checked.stdout)
    );
    let acknowledged = Instant::now();
    s.wait_for("the count with the command line's check-in", |screen| {
        door_count(screen) == Some((present + 1, enrolled))
    });
    eprintln!(
        "the door showed the command line's check-in {} ms after it was acknowledged",
        acknowledged.elapsed().as_millis()
    );

    // The same person at the door is told when they came in, and not counted again (the
    // demo's day is after the session's: the door first asks which time a late entry takes).
    s.send(&code);
    s.send("\r");
    s.wait_for("the time question or the warning", |screen| {
        screen.contains("补录") || screen.contains("已于 09:05 签到")
    });
    if s.screen_text().contains("补录") {
        s.send("\r");
    }
    s.wait_text("已于 09:05 签到");
    assert_eq!(door_count(&s.screen_text()), Some((present + 1, enrolled)));

    // `who` names the interface's process.
    let who = peixun(dir.path(), &["who"]);
    let pid = s
        .child
        .process_id()
        .expect("the interface's pid")
        .to_string();
    assert!(text(&who.stdout).contains(&pid), "{}", text(&who.stdout));

    s.send("\x03");
    assert!(s.wait_exit());
    assert!(
        !dir.path()
            .join("data")
            .join(peixun::service::SOCKET)
            .exists(),
        "the socket goes with the interface"
    );
    // With nobody holding the store, commands open it themselves, and the check-in is there.
    let present_after = json(&peixun(
        dir.path(),
        &["attendance", "--session", &session, "--json"],
    ));
    assert_eq!(
        present_after.as_array().map(Vec::len),
        Some(present as usize + 1)
    );
}

#[test]
fn a_command_sent_to_the_interface_keeps_its_folder_its_language_and_its_exit_status() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut s = open_door(dir.path());
    let (present, enrolled) = door_count(&s.screen_text()).expect("count");
    let (session, code) = door_session_and_absent_code(dir.path(), &s.screen_text());

    // A relative path is the caller's, not the interface's.
    let elsewhere = dir.path().join("desk");
    std::fs::create_dir(&elsewhere).expect("a folder");
    let made = peixun_in(
        dir.path(),
        &elsewhere,
        &["report", "stats", "-o", "stats.xlsx"],
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    assert!(elsewhere.join("stats.xlsx").is_file());
    assert!(text(&made.stdout).contains("stats.xlsx"));
    // So is the folder a report goes to when no file is named.
    let named_by_default = peixun_in(dir.path(), &elsewhere, &["report", "stats"]);
    assert!(
        named_by_default.status.success(),
        "{}",
        text(&named_by_default.stderr)
    );
    let made_there: Vec<_> = std::fs::read_dir(&elsewhere)
        .expect("the folder")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(made_there.len(), 2, "{made_there:?}");
    assert!(
        text(&named_by_default.stdout).contains(&elsewhere.display().to_string()),
        "{}",
        text(&named_by_default.stdout)
    );

    // A refusal in English, with the user's exit status, while the interface speaks Chinese.
    let refused = peixun(dir.path(), &["--lang", "en", "session", "show", "NOPE"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("there is no session NOPE"),
        "{}",
        text(&refused.stderr)
    );
    let refused = peixun(dir.path(), &["session", "show", "NOPE"]);
    assert!(text(&refused.stderr).contains("没有编号为 NOPE 的场次"));
    assert!(s.screen_text().contains("已签到"), "{}", s.screen_text());

    // Standard input travels with the command: codes from a scanner's pipe.
    let mut piped = scanner(dir.path(), &session, "09:10");
    // Each code is checked in as it arrives, while the pipe is still open (a scanner's).
    let mut input = piped.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut input, format!("{code}\n").as_bytes()).expect("write");
    s.wait_for("the piped code's check-in on the door", |screen| {
        door_count(screen) == Some((present + 1, enrolled))
    });
    std::io::Write::write_all(&mut input, b"NOBODY\n").expect("write");
    drop(input);
    let piped = piped.wait_with_output().expect("wait");
    assert_eq!(piped.status.code(), Some(2), "{}", text(&piped.stderr));
    let said = text(&piped.stdout);
    assert!(said.contains(&format!("ok {code}")), "{said}");
    assert!(said.contains("09:10") && said.contains("NOBODY"), "{said}");

    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn a_socket_left_by_a_holder_that_died_is_not_waited_for() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    // A socket nobody listens on any more, as a killed interface leaves it.
    let socket = dir.path().join("data").join(peixun::service::SOCKET);
    drop(std::os::unix::net::UnixListener::bind(&socket).expect("bind"));
    assert!(socket.exists());
    let started = Instant::now();
    let due = peixun(dir.path(), &["due"]);
    assert!(due.status.success(), "{}", text(&due.stderr));
    assert!(started.elapsed() < DEADLINE);
    // The next interface replaces it and answers on it.
    let mut s = Session::spawn(
        dir.path(),
        &["--data-dir", path_str(&dir.path().join("data"))],
    );
    s.wait_text("4 签到");
    let who = peixun(dir.path(), &["due"]);
    assert!(who.status.success(), "{}", text(&who.stderr));
    s.send("\x03");
    assert!(s.wait_exit());
}

/// What a code's check-in is known to be: the last acknowledged command says, until a command
/// that was not acknowledged leaves it unknown.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Known {
    In,
    Out,
    Unknown,
}

/// The interface killed while two other peixuns check people in and out through it, again and
/// again: after each kill the store opens, and every check-in or undo a peixun said was done is
/// there.
#[test]
fn a_killed_holder_loses_no_acknowledged_check_in() {
    let cycles: usize = std::env::var("PEIXUN_KILL_CYCLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let data = dir.path().join("data");
    let s = open_door(dir.path());
    let (session, _) = door_session_and_absent_code(dir.path(), &s.screen_text());
    drop(s);
    let people = json(&peixun(
        dir.path(),
        &["people", "--session", &session, "--json"],
    ));
    let codes: Vec<String> = people
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["code"].as_str().map(str::to_string))
        .collect();
    let mut known = vec![Known::Unknown; codes.len()];
    let (mut acknowledged, mut through_the_holder) = (0, 0);
    let mut next = 0usize;
    for cycle in 0..cycles {
        let mut holder = Session::spawn(dir.path(), &["--data-dir", path_str(&data)]);
        holder.wait_text("4 签到");
        let started = Instant::now();
        let kill_after = Duration::from_millis(20 + (cycle as u64 * 37) % 150);
        // Two peixuns, six people each, one command after another: in where known out, else
        // out.
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                let mine: Vec<(usize, bool)> = (0..6)
                    .map(|i| {
                        let at = (next + worker * 6 + i) % codes.len();
                        (at, known[at] != Known::In)
                    })
                    .collect();
                let (dir, session, codes) =
                    (dir.path().to_path_buf(), session.clone(), codes.clone());
                std::thread::spawn(move || {
                    mine.into_iter()
                        .map(|(at, checking_in)| {
                            let mut args =
                                vec!["checkin", "--session", &session, "--code", &codes[at]];
                            args.extend(if checking_in {
                                ["--at", "09:05"]
                            } else {
                                ["--undo", ""]
                            });
                            args.retain(|a| !a.is_empty());
                            let out = peixun(&dir, &args);
                            (at, checking_in, out.status.success(), started.elapsed())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        next += 12;
        std::thread::sleep(kill_after);
        let killed = started.elapsed();
        holder.child.kill().expect("kill -9 the holder");
        let _ = holder.child.wait();
        for worker in workers {
            for (at, checking_in, done, when) in worker.join().expect("a worker") {
                known[at] = match (done, checking_in) {
                    (true, true) => Known::In,
                    (true, false) => Known::Out,
                    (false, _) => Known::Unknown,
                };
                acknowledged += usize::from(done);
                // Before the kill the store was held: only the holder could have done it.
                through_the_holder += usize::from(done && when < killed);
            }
        }
        // Every reopen works, and has every acknowledged check-in and undo.
        let present = json(&peixun(
            dir.path(),
            &["attendance", "--session", &session, "--json"],
        ));
        let present: Vec<&str> = present
            .as_array()
            .expect("a list")
            .iter()
            .filter_map(|row| row["code"].as_str())
            .collect();
        for (code, known) in codes.iter().zip(&known) {
            let is_in = present.contains(&code.as_str());
            assert!(
                *known == Known::Unknown || is_in == (*known == Known::In),
                "cycle {cycle}: {code} was acknowledged {known:?} but is in: {is_in}"
            );
        }
    }
    eprintln!(
        "{cycles} kills; {acknowledged} check-ins and undos acknowledged, \
         {through_the_holder} of them by the holder before it was killed; all kept"
    );
    assert!(through_the_holder > 0);
}

/// Checks `code` in at the door on screen, answering the late-entry question if it is asked.
fn check_in_at_the_door(s: &mut Session, code: &str, expect: &str) {
    s.send(code);
    s.send("\r");
    s.wait_for("the time question or the outcome", |screen| {
        screen.contains("补录") || screen.contains(expect)
    });
    if s.screen_text().contains("补录") {
        s.send("\r");
    }
    s.wait_text(expect);
}

#[test]
fn two_doors_on_one_store_see_each_others_check_ins_and_the_second_takes_over() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut first = open_door(dir.path());
    // The second interface on the same data folder is shown by the first, on its own terminal.
    let mut second = open_door(dir.path());
    let (present, enrolled) = door_count(&second.screen_text()).expect("count");
    let (_, code) = door_session_and_absent_code(dir.path(), &second.screen_text());

    check_in_at_the_door(&mut second, &code, "✓ 已签到");
    let at_second = Instant::now();
    first.wait_for("the other door's check-in in the count", |screen| {
        door_count(screen) == Some((present + 1, enrolled))
    });
    eprintln!(
        "the first door showed the second's check-in within {} ms",
        at_second.elapsed().as_millis()
    );
    // The same person at the first door: already in, at the second door's time, not counted.
    check_in_at_the_door(&mut first, &code, "不重复计数");
    assert!(
        first.screen_text().contains("已于 09:00 签到"),
        "{}",
        first.screen_text()
    );
    assert_eq!(
        door_count(&first.screen_text()),
        Some((present + 1, enrolled))
    );
    assert_eq!(
        door_count(&second.screen_text()),
        Some((present + 1, enrolled))
    );

    // Reads while both are open; `who` lists the visiting interface.
    let due = peixun(dir.path(), &["due"]);
    assert!(due.status.success(), "{}", text(&due.stderr));
    let who = text(&peixun(dir.path(), &["who"]).stdout);
    let first_pid = first.child.process_id().expect("pid").to_string();
    let second_pid = second.child.process_id().expect("pid").to_string();
    assert!(
        who.contains(&first_pid) && who.contains(&second_pid),
        "{who}"
    );

    // The holder closes: the second interface takes the store over and goes on working.
    first.send("\x03");
    assert!(first.wait_exit());
    first.assert_restored();
    // The first day's backup may hold the store for a moment before the second has it.
    let deadline = Instant::now() + DEADLINE;
    loop {
        let who = text(&peixun(dir.path(), &["who"]).stdout);
        if who.contains(&format!("进程 {second_pid}")) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the second never took over: {who}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    second.wait_text("本终端已接管");
    // It opens where it was: at the door of the same session, with the count.
    second.wait_for("the same door after taking over", |screen| {
        door_count(screen) == Some((present + 1, enrolled)) && screen.contains("查找›")
    });
    check_in_at_the_door(&mut second, &code, "不重复计数");
    second.send("\x03");
    assert!(second.wait_exit());
    second.assert_restored();
}

#[test]
fn a_visiting_terminal_that_goes_away_leaves_the_holder_working() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut holder = open_door(dir.path());
    let mut visitor = open_door(dir.path());
    let (_, code) = door_session_and_absent_code(dir.path(), &holder.screen_text());
    // A dropped SSH session: the visitor's terminal goes away under it, and it ends.
    visitor.hang_up();
    visitor.wait_exit();
    let who = |dir: &Path| text(&peixun(dir, &["who"]).stdout);
    let deadline = Instant::now() + DEADLINE;
    while who(dir.path()).contains("：peixun") {
        assert!(Instant::now() < deadline, "the visitor is still listed");
        std::thread::sleep(Duration::from_millis(50));
    }
    check_in_at_the_door(&mut holder, &code, "✓ 已签到");
    let due = peixun(dir.path(), &["due"]);
    assert!(due.status.success(), "{}", text(&due.stderr));
    holder.send("\x03");
    assert!(holder.wait_exit());
}

#[test]
fn a_visitor_takes_the_store_over_from_a_holder_that_was_killed() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let data = dir.path().join("data");
    let mut holder = Session::spawn(dir.path(), &["--data-dir", path_str(&data)]);
    holder.wait_text("4 签到");
    let mut visitor = Session::spawn(dir.path(), &["--data-dir", path_str(&data)]);
    visitor.wait_text("4 签到");
    let visitor_pid = visitor.child.process_id().expect("pid").to_string();
    holder.child.kill().expect("kill -9 the holder");
    let _ = holder.child.wait();
    visitor.wait_text("本终端已接管");
    let who = text(&peixun(dir.path(), &["who"]).stdout);
    assert!(who.contains(&format!("进程 {visitor_pid}")), "{who}");
    let due = peixun(dir.path(), &["due"]);
    assert!(due.status.success(), "{}", text(&due.stderr));
    visitor.send("\x03");
    assert!(visitor.wait_exit());
    visitor.assert_restored();
}

#[test]
fn when_the_holder_closes_one_visitor_takes_over_and_the_other_visits_it() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let data = dir.path().join("data");
    let args = ["--data-dir", path_str(&data)];
    let mut holder = Session::spawn(dir.path(), &args);
    holder.wait_text("4 签到");
    let mut visitors = [
        Session::spawn(dir.path(), &args),
        Session::spawn(dir.path(), &args),
    ];
    for visitor in &mut visitors {
        visitor.wait_text("4 签到");
    }
    let pids: Vec<String> = visitors
        .iter()
        .map(|v| v.child.process_id().expect("pid").to_string())
        .collect();
    holder.send("\x03");
    assert!(holder.wait_exit());
    // One holds the store, the other is listed as visiting it.
    let deadline = Instant::now() + DEADLINE;
    let (holding, visiting) = loop {
        let who = text(&peixun(dir.path(), &["who"]).stdout);
        let held_by = pids
            .iter()
            .position(|p| who.contains(&format!("（进程 {p}）")));
        if let Some(at) = held_by {
            let other = &pids[1 - at];
            if who.contains(&format!("进程 {other}（")) {
                break (at, 1 - at);
            }
        }
        assert!(Instant::now() < deadline, "no one took over cleanly: {who}");
        std::thread::sleep(Duration::from_millis(50));
    };
    visitors[holding].wait_text("本终端已接管");
    // Both work: the visitor's keys reach the new holder.
    visitors[visiting].send("2");
    visitors[visiting].wait_text("日期  时间");
    for at in [visiting, holding] {
        visitors[at].send("\x03");
        assert!(visitors[at].wait_exit());
        visitors[at].assert_restored();
    }
}

/// Any peixun holding the store serves it, not only an interface: a scanner's pipe open at the
/// door (a command that runs for hours) does not keep a colleague's `due` or interface out.
#[test]
fn a_command_holding_the_store_serves_it_and_an_interface_takes_over_when_it_ends() {
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let mut first_look = open_door(dir.path());
    let (session, code) = door_session_and_absent_code(dir.path(), &first_look.screen_text());
    first_look.send("\x03");
    assert!(first_look.wait_exit());
    let mut scanner = scanner(dir.path(), &session, "09:05");
    let socket = dir.path().join("data").join(peixun::service::SOCKET);
    let deadline = Instant::now() + DEADLINE;
    while !socket.exists() {
        assert!(
            Instant::now() < deadline,
            "the scanner's peixun never served"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let due = peixun(dir.path(), &["due"]);
    assert!(due.status.success(), "{}", text(&due.stderr));
    let mut visitor = open_door(dir.path());
    let (present, enrolled) = door_count(&visitor.screen_text()).expect("count");
    // What the holding command writes reaches the visiting door.
    let mut input = scanner.stdin.take().expect("stdin");
    std::io::Write::write_all(&mut input, format!("{code}\n").as_bytes()).expect("write");
    visitor.wait_for("the scanner's check-in at the visiting door", |screen| {
        door_count(screen) == Some((present + 1, enrolled))
    });
    // The pipe closes: the command ends, and the interface has the store from then on.
    drop(input);
    let ended = scanner.wait_with_output().expect("wait");
    assert!(ended.status.success(), "{}", text(&ended.stderr));
    visitor.wait_text("本终端已接管");
    visitor.send("\x03");
    assert!(visitor.wait_exit());
    visitor.assert_restored();
}

/// `peixun people | head`: the reader goes away, the closed pipe ends the command (as it ends
/// any Unix tool), and the socket it served the store on goes with it.
#[test]
fn a_command_ended_by_a_closed_pipe_leaves_no_socket() {
    use std::os::unix::process::ExitStatusExt;
    let dir = TempDir::new().expect("temp dir");
    prepare_store(dir.path());
    let data = dir.path().join("data");
    let mut people = Command::new(BIN)
        .args(["--data-dir", path_str(&data), "people"])
        .env("XDG_CONFIG_HOME", dir.path())
        .env("HOME", dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    drop(people.stdout.take());
    let ended = people.wait().expect("wait");
    assert_eq!(ended.signal(), Some(libc::SIGPIPE), "{ended:?}");
    assert!(!data.join(peixun::service::SOCKET).exists());
}
