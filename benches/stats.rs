//! The statistics table (样表) of the province office: every class held in the province with its
//! people, written as .xlsx and as .pdf, as `peixun report stats -o 统计表.xlsx` does at the
//! province. The in-run baseline is the same table of the city store (鄂州, five units).

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;

use criterion::Criterion;

use peixun::cli::Scale;
use peixun::sheets::output::write_document;
use peixun::sheets::report::{stats_document, stats_rows};
use peixun::sheets::write::Encoding;
use peixun::store::Store;

const RUNS: usize = 7;

/// Builds the table of the store's own office and writes it; returns the number of rows.
fn table(store: &Store, out: &std::path::Path) -> usize {
    let today = store.today().unwrap_or_else(|e| panic!("{e}"));
    let rows = stats_rows(store, store.office(), 2023, today).unwrap_or_else(|e| panic!("{e}"));
    let doc = stats_document("湖北省知识产权局", &rows, today);
    write_document(out, &doc, Encoding::Utf8).unwrap_or_else(|e| panic!("{e}"));
    rows.len()
}

fn main() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for ext in ["xlsx", "pdf"] {
        let out = dir.path().join(format!("统计表.{ext}"));
        let city = Store::open(&support::demo_store(Scale::City)).unwrap_or_else(|e| panic!("{e}"));
        let baseline = support::time(RUNS, || {
            black_box(table(&city, &out));
        });
        drop(city);
        let mut province_store = None;
        for scale in support::scales() {
            let store = Store::open(&support::demo_store(scale)).unwrap_or_else(|e| panic!("{e}"));
            let rows = table(&store, &out);
            let median = support::time(RUNS, || {
                black_box(table(&store, &out));
            });
            support::report(
                &format!("statistics table 样表 .{ext}"),
                support::name(scale),
                median,
                baseline,
                &format!("{rows} rows"),
            );
            if scale == Scale::Province {
                province_store = Some(store);
            }
        }
        if let Some(store) = province_store {
            let mut criterion = Criterion::default().configure_from_args().sample_size(10);
            criterion.bench_function(&format!("province/statistics_table_{ext}"), |b| {
                b.iter(|| table(&store, &out))
            });
            criterion.final_summary();
        }
    }
}
