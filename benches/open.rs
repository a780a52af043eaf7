//! Opening a store and drawing the first frame at 80x24: the wait a coordinator sees after
//! typing `peixun`, from city to province to stress (`PEIXUN_BENCH_SCALES`). Each figure is
//! taken in a fresh child process that does only that, so the page cache is warm but nothing
//! else is, and its peak memory (VmHWM) is the program's. The in-run baseline is the same on a
//! freshly initialised store.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use peixun::cli::Scale;
use peixun::store::Store;
use peixun::tui::{data, view, Keymap, Theme};

const CHILD: &str = "PEIXUN_BENCH_OPEN_ONCE";
const RUNS: usize = 5;

/// The store comes back with the frame: the interface closes it at quit, not before its first
/// frame, so closing it (sled's page table let go, up to a fifth of the time at ten times) is no
/// part of the wait measured here.
fn open_and_draw(dir: &Path) -> (Store, Terminal<TestBackend>) {
    let store = Store::open(dir).unwrap_or_else(|e| panic!("opening {}: {e}", dir.display()));
    let today = store.today().unwrap_or_else(|e| panic!("{e}"));
    let keymap = Keymap::built_in().unwrap_or_else(|e| panic!("{e}"));
    let state =
        data::load(&store, today, keymap, Theme::coloured()).unwrap_or_else(|e| panic!("{e}"));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|frame| view::render(frame, &state))
        .unwrap_or_else(|e| panic!("{e}"));
    (store, terminal)
}

/// Median time and peak RSS (KiB) of `RUNS` fresh processes opening `dir`.
fn fresh(dir: &Path) -> (Duration, u64) {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        let out = Command::new(&exe)
            .env(CHILD, dir)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<u64> = text
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        if let [micros, rss] = fields[..] {
            runs.push((micros, rss));
        }
    }
    assert!(!runs.is_empty(), "the child runs failed");
    runs.sort();
    let (micros, rss) = runs[runs.len() / 2];
    (Duration::from_micros(micros), rss)
}

fn main() {
    if let Ok(dir) = std::env::var(CHILD) {
        let start = Instant::now();
        let opened = open_and_draw(Path::new(&dir));
        let elapsed = start.elapsed();
        drop(opened);
        println!(
            "{} {}",
            elapsed.as_micros(),
            support::peak_rss_kb().unwrap_or(0)
        );
        return;
    }
    let (_keep, empty) = support::empty_store();
    // Once before measuring: the first child pays for loading the binary and sled's first
    // open of a new store.
    fresh(&empty);
    let (baseline, baseline_rss) = fresh(&empty);
    let mut province = None;
    for scale in support::scales() {
        let path = support::demo_store(scale);
        let (median, rss) = fresh(&path);
        support::report(
            "open + first frame 80x24 (fresh process)",
            support::name(scale),
            median,
            baseline,
            &format!(
                "peak RSS {:.1} MB (empty store {:.1} MB)",
                rss as f64 / 1024.0,
                baseline_rss as f64 / 1024.0
            ),
        );
        if scale == Scale::Province {
            province = Some(path);
        }
    }
    if let Some(path) = province {
        let mut criterion = Criterion::default().configure_from_args().sample_size(20);
        criterion.bench_function("province/open_and_first_frame_80x24", |b| {
            // One store open at a time (the lock), each closed outside the timing.
            b.iter_batched(|| (), |()| open_and_draw(&path), BatchSize::PerIteration)
        });
        criterion.final_summary();
    }
}
