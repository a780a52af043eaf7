//! The state folded again from the log and compared with the stored state, as `doctor` and the
//! check after `restore` do, from city to province to stress (`PEIXUN_BENCH_SCALES`). The in-run
//! baseline is one read of every op of the same log: what any check of it costs at least.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;

use criterion::Criterion;

use peixun::cli::Scale;
use peixun::store::Store;

const RUNS: usize = 3;

/// Every op of the log read and decoded once; how many there are.
fn read_every_op(store: &Store) -> usize {
    let mut ops = 0;
    for op in store.ops() {
        black_box(op.unwrap_or_else(|e| panic!("{e}")));
        ops += 1;
    }
    ops
}

fn check(store: &Store, ops: usize) {
    let check = store.check_state(ops).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(check.differing, 0, "{check:?}");
}

fn main() {
    let mut province_store = None;
    for scale in support::scales() {
        let store = Store::open(&support::demo_store(scale)).unwrap_or_else(|e| panic!("{e}"));
        let ops = read_every_op(&store);
        let baseline = support::time(RUNS, || {
            black_box(read_every_op(&store));
        });
        let median = support::time(RUNS, || check(&store, ops));
        support::report(
            "state folded again and compared",
            support::name(scale),
            median,
            baseline,
            &format!(
                "{ops} ops, {:.2} µs an op",
                median.as_secs_f64() * 1e6 / ops as f64
            ),
        );
        if scale == Scale::Province {
            province_store = Some((store, ops));
        }
    }
    if let Some((store, ops)) = province_store {
        let mut criterion = Criterion::default().configure_from_args().sample_size(10);
        criterion.bench_function("province/state_folded_again", |b| {
            b.iter(|| check(&store, ops))
        });
        criterion.final_summary();
    }
}
