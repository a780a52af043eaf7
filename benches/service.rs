//! The store service at city and province scale: a check-in sent by another peixun through the
//! holder's socket and answered (the whole round trip: connect, request, the command run on the
//! holder's store, its output and exit status back), how soon an interface on the same store
//! hears of it, and how long that interface takes to read its tabs again. Reports p50/p99 of
//! each beside criterion's median of the round trip (the budget is a tail: p99 ≤ 5 ms at
//! province).

#[path = "support/mod.rs"]
mod support;

use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;

use peixun::commands::remote::{serve_while_running, stop_serving};
use peixun::service::wire::{self, Reply, Request};
use peixun::store::{lists, Store};
use peixun::tui::{data, drive, AppEvent, Keymap, Theme};

const ROUNDS: usize = 300;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("{e}")) {
        let entry = entry.unwrap_or_else(|e| panic!("{e}"));
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "peixun.lock" && entry.file_name() != peixun::service::SOCKET
        {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

/// A session on or before the store's day with people enrolled, and one of them's code.
fn session_and_code(store: &Store) -> (String, String) {
    let today = store.today().unwrap_or_else(|e| panic!("{e}"));
    for session in store.sessions().unwrap_or_else(|e| panic!("{e}")) {
        if session.date > today {
            continue;
        }
        let listed = lists::enrolment_list(store, &session.id).unwrap_or_else(|e| panic!("{e}"));
        if let Some((person, _)) = listed.first() {
            return (session.id.clone(), person.code.clone());
        }
    }
    panic!("no session with people before the store's day");
}

/// One command line through the socket, to its exit status.
fn round_trip(dir: &Path, args: &[&str]) -> u8 {
    let mut stream =
        UnixStream::connect(dir.join(peixun::service::SOCKET)).unwrap_or_else(|e| panic!("{e}"));
    let request = Request::Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        english: false,
        input: false,
        folder: dir.display().to_string(),
    };
    wire::write_frame(&mut stream, &request).unwrap_or_else(|e| panic!("{e}"));
    loop {
        match wire::read_frame::<Reply>(&mut stream) {
            Ok(Some(Reply::Exit(code))) => return code,
            Ok(Some(_)) => {}
            other => panic!("the service stopped answering: {other:?}"),
        }
    }
}

fn quantiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    for scale in support::scales() {
        let name = support::name(scale);
        let work = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = work.path().join("data");
        copy_dir(&support::demo_store(scale), &dir);
        let store = Arc::new(Store::open(&dir).unwrap_or_else(|e| panic!("{e}")));
        let hub = serve_while_running(&store);
        assert!(
            dir.join(peixun::service::SOCKET).exists(),
            "no socket in {}",
            dir.display()
        );
        let (_id, heard) = hub.join(&store);
        let (session, code) = session_and_code(&store);
        let dir_arg = dir.display().to_string();
        let line = |undo: bool| {
            let mut args = vec![
                "peixun",
                "--data-dir",
                &dir_arg,
                "checkin",
                "--session",
                &session,
            ];
            args.extend(["--code", &code]);
            args.extend(if undo {
                vec!["--undo"]
            } else {
                vec!["--at", "09:05"]
            });
            args
        };

        // Each round checks the person in or out again: every one is a write.
        assert_eq!(round_trip(&dir, &line(true)), 0);
        while heard.try_recv().is_ok() {}
        let (mut trips, mut fan_out) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let sent = Instant::now();
            assert_eq!(round_trip(&dir, &line(round % 2 == 1)), 0);
            trips.push(sent.elapsed());
            heard
                .recv_timeout(Duration::from_secs(5))
                .unwrap_or_else(|e| panic!("no notice: {e}"));
            fan_out.push(sent.elapsed());
            while heard.try_recv().is_ok() {}
        }
        let (p50, p99) = quantiles(trips);
        let (f50, f99) = quantiles(fan_out);
        println!(
            "{name}: check-in round trip through the service p50 {:.2} ms, p99 {:.2} ms; \
             an interface hears of it p50 {:.2} ms, p99 {:.2} ms after it was sent",
            ms(p50),
            ms(p99),
            ms(f50),
            ms(f99)
        );

        // What the interface then does: every tab read again (the door's too).
        let keymap = Keymap::built_in().unwrap_or_else(|e| panic!("{e}"));
        let today = store.today().unwrap_or_else(|e| panic!("{e}"));
        let mut state =
            data::load(&store, today, keymap, Theme::coloured()).unwrap_or_else(|e| panic!("{e}"));
        let mut reloads = Vec::new();
        for _ in 0..20 {
            let start = Instant::now();
            drive(&store, &mut state, AppEvent::StoreChanged);
            reloads.push(start.elapsed());
        }
        let (r50, r99) = quantiles(reloads);
        println!(
            "{name}: the interface reads its tabs again in p50 {:.1} ms, p99 {:.1} ms",
            ms(r50),
            ms(r99)
        );

        let mut round = 0usize;
        criterion.bench_function(&format!("service/checkin_round_trip/{name}"), |b| {
            b.iter(|| {
                round += 1;
                round_trip(&dir, &line(round % 2 == 1))
            })
        });
        stop_serving(None);
    }
    criterion.final_summary();
}
