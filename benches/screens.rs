//! What the 认证 and 企业 tabs read of the whole store, after a walk-in, at every scale
//! (`PEIXUN_BENCH_SCALES`): the certification summary and the enterprise rows brought up to date
//! from the kept ones with the one person changed (`store::write_journal`), against worked out
//! from everyone, in the same run and the same process.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion};
use peixun::app::outreach::{forget_kept_screen_rows, screen_rows};
use peixun::cert::kept::summary;
use peixun::cert::Rules;
use peixun::store::Store;

/// The median of `runs` timings of `read`, each after a walk-in that is not timed.
fn after_walk_ins(store: &Store, runs: usize, mut read: impl FnMut()) -> Duration {
    support::median(
        (0..runs)
            .map(|_| {
                support::walk_in(store);
                let start = Instant::now();
                read();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let rules = Rules::load().unwrap_or_else(|e| panic!("{e}"));
    let mut criterion = Criterion::default().configure_from_args().sample_size(10);
    for scale in support::scales() {
        let name = support::name(scale);
        let store = Store::open(&support::demo_store(scale)).unwrap_or_else(|e| panic!("{e}"));
        let cert_summary = || {
            std::hint::black_box(summary(&store, &rules).unwrap_or_else(|e| panic!("{e}")));
        };
        let rows = || {
            std::hint::black_box(screen_rows(&store).unwrap_or_else(|e| panic!("{e:?}")));
        };
        let summary_file = store.dir().join("cert-summary");
        let summary_worked_out = after_walk_ins(&store, 3, || {
            let _ = std::fs::remove_file(&summary_file);
            cert_summary();
        });
        let summary_brought = after_walk_ins(&store, 11, cert_summary);
        support::report(
            "认证 summary after a walk-in: brought up to date, against worked out from everyone",
            name,
            summary_brought,
            summary_worked_out,
            "",
        );
        // The summary is brought up to date first, as the tab's own visit leaves it.
        let rows_worked_out = after_walk_ins(&store, 3, || {
            cert_summary();
            forget_kept_screen_rows(&store).unwrap_or_else(|e| panic!("{e:?}"));
            rows();
        });
        let rows_brought = after_walk_ins(&store, 11, || {
            cert_summary();
            rows();
        });
        support::report(
            "企业 rows after a walk-in: brought up to date, against worked out from everyone",
            name,
            rows_brought,
            rows_worked_out,
            "both with the summary brought up to date",
        );
        criterion.bench_function(&format!("{name}/cert_summary_after_a_walk_in"), |b| {
            b.iter_batched(
                || support::walk_in(&store),
                |()| cert_summary(),
                BatchSize::PerIteration,
            )
        });
    }
    criterion.final_summary();
}
