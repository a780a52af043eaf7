//! What the benches share: demo stores built once and kept between runs, medians, peak memory.

#![allow(dead_code)] // each bench uses its own part of these

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use peixun::cli::Scale;

/// The scales a bench covers: `PEIXUN_BENCH_SCALES=city,province,stress`, default city and
/// province (the stress store takes minutes to build the first time).
pub fn scales() -> Vec<Scale> {
    let wanted = std::env::var("PEIXUN_BENCH_SCALES").unwrap_or_else(|_| "city,province".into());
    wanted
        .split(',')
        .filter_map(|s| match s.trim() {
            "city" => Some(Scale::City),
            "province" => Some(Scale::Province),
            "stress" => Some(Scale::Stress),
            _ => None,
        })
        .collect()
}

pub fn name(scale: Scale) -> &'static str {
    match scale {
        Scale::City => "city",
        Scale::Province => "province",
        Scale::Stress => "stress",
    }
}

/// The demo store of `scale` (seed 2023), built on first use under the target dir and kept:
/// built under a temporary name and renamed, so an interrupted build is never reused.
pub fn demo_store(scale: Scale) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-stores");
    let path = root.join(format!("{}-2023-v1", name(scale)));
    if path.join("db").exists() {
        return path;
    }
    std::fs::create_dir_all(&root).unwrap_or_else(|e| panic!("{e}"));
    let building = root.join(format!(".{}-{}", name(scale), std::process::id()));
    let start = Instant::now();
    let mut last = usize::MAX;
    let store = peixun::demo::build(&building, scale, 2023, &mut |done, total| {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if percent / 10 != last / 10 {
            last = percent;
            eprintln!("building the {} demo store: {percent}%", name(scale));
        }
    })
    .unwrap_or_else(|e| panic!("building the {} demo: {e}", name(scale)));
    drop(store);
    std::fs::rename(&building, &path).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "{} demo store built in {:.1} s (kept in {})",
        name(scale),
        start.elapsed().as_secs_f64(),
        path.display()
    );
    path
}

/// A freshly initialised store of the county 鄂城区: the in-run baseline of store work.
pub fn empty_store() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("empty");
    let store =
        peixun::store::Store::create(&path, "420704", "bench").unwrap_or_else(|e| panic!("{e}"));
    drop(store);
    (dir, path)
}

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median of `runs` timed calls of `f`.
pub fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Peak resident memory of this process so far, from /proc (Linux).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What is typed at the door in the benches that search.
pub const DOOR_QUERIES: &[&str] = &["zhangs", "zs", "1234", "wang", "张", "lv", "oyn"];

/// Every prefix of every query: what the door's screen searches as someone types.
pub fn keystrokes() -> Vec<String> {
    DOOR_QUERIES
        .iter()
        .flat_map(|q| {
            let chars: Vec<char> = q.chars().collect();
            (1..=chars.len()).map(move |n| chars[..n].iter().collect::<String>())
        })
        .collect()
}

/// One line of the report in docs/performance.md, easy to find in a bench's output.
pub fn report(what: &str, scale: &str, median: Duration, baseline: Duration, extra: &str) {
    println!(
        "REPORT | {what} | {scale} | median {:.2} ms | baseline {:.3} ms | ratio {:.1}x | {extra}",
        ms(median),
        ms(baseline),
        median.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
    );
}

/// The same walk-in registered again (one more op each run, no more people), written by this
/// office alone: the kept index and the kept screens stay, brought up to date.
pub fn walk_in(store: &peixun::store::Store) {
    let office = store.office().to_string();
    let person = peixun::domain::Person {
        id: format!("P-{office}-bench-walk-in"),
        office,
        name: "赵松林".into(),
        phone: "13912345678".into(),
        position: String::new(),
        enterprise: None,
        code: "BENCH1".into(),
    };
    store
        .commit(vec![peixun::log::Payload::PersonUpserted(person)])
        .unwrap_or_else(|e| panic!("{e}"));
}
