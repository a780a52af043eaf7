//! Opening a province-scale store and drawing the first frame at 80x24: the wait a coordinator
//! sees after typing `peixun`. Peak memory is read from a child process that does only that.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use criterion::Criterion;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use peixun::cli::Scale;
use peixun::store::Store;
use peixun::tui::{data, view, Keymap, Theme};

const CHILD: &str = "PEIXUN_BENCH_OPEN_ONCE";

fn open_and_draw(dir: &Path) -> Terminal<TestBackend> {
    let store = Store::open(dir).unwrap_or_else(|e| panic!("opening {}: {e}", dir.display()));
    let today = store.today().unwrap_or_else(|e| panic!("{e}"));
    let keymap = Keymap::built_in().unwrap_or_else(|e| panic!("{e}"));
    let state =
        data::load(&store, today, keymap, Theme::coloured()).unwrap_or_else(|e| panic!("{e}"));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| panic!("{e}"));
    terminal
        .draw(|frame| view::render(frame, &state))
        .unwrap_or_else(|e| panic!("{e}"));
    terminal
}

/// Peak resident memory of this process so far, from /proc (Linux).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn province_store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("province");
    let start = Instant::now();
    let store = peixun::demo::build(&path, Scale::Province, 2023, &mut |_, _| {})
        .unwrap_or_else(|e| panic!("building the province demo: {e}"));
    drop(store);
    println!("province demo store built in {:?}", start.elapsed());
    (dir, path)
}

fn main() {
    if let Ok(dir) = std::env::var(CHILD) {
        let start = Instant::now();
        open_and_draw(Path::new(&dir));
        println!(
            "{} {}",
            start.elapsed().as_micros(),
            peak_rss_kb().unwrap_or(0)
        );
        return;
    }
    let (_keep, path) = province_store();
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("{e}"));
    let mut cold = Vec::new();
    for _ in 0..5 {
        let out = Command::new(&exe)
            .env(CHILD, &path)
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<u64> = text
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        if let [micros, rss] = fields[..] {
            cold.push((micros, rss));
        }
    }
    cold.sort();
    if let Some((micros, rss)) = cold.get(cold.len() / 2) {
        println!(
            "fresh process, province store: open + first frame median {:.1} ms, peak RSS {:.1} MB (of {} runs)",
            *micros as f64 / 1000.0,
            *rss as f64 / 1024.0,
            cold.len()
        );
    }
    let mut criterion = Criterion::default().configure_from_args().sample_size(20);
    criterion.bench_function("province/open_and_first_frame_80x24", |b| {
        b.iter(|| open_and_draw(&path))
    });
    criterion.final_summary();
}
