//! Importing an enrolment sheet of 10,000 rows: reading and checking it, and the whole import
//! (committed in chunks, all or nothing, flushed) into a fresh store, then 20,000 rows against
//! 10,000 (imports should grow linearly). The in-run baseline is decoding the same GB18030
//! bytes and splitting them into CSV records, with no header finding, cleaning or checks.

#[path = "support/mod.rs"]
mod support;

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion};
use peixun::sheets::{people, read};
use peixun::store::Store;

const ROWS: usize = 10_000;

fn sheet(rows: usize) -> Vec<u8> {
    let crowd = peixun::demo::crowd(7, rows).unwrap_or_else(|e| panic!("{e}"));
    let mut text =
        String::from("2023年“百县万企”知识产权培训报名表\n\n序号,姓名,手机号,单位名称,职务\n");
    for (i, p) in crowd.iter().enumerate() {
        text.push_str(&format!(
            "{},{},{},{},知识产权专员\n",
            i + 1,
            p.name,
            p.phone,
            p.enterprise
        ));
    }
    encoding_rs::GB18030.encode(&text).0.into_owned()
}

/// The sheet of `rows` written as a file in `dir`, as an office sends it.
fn sheet_file(dir: &Path, rows: usize) -> PathBuf {
    let path = dir.join(format!("报名表-{rows}.csv"));
    std::fs::write(&path, sheet(rows)).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn rows_of(path: &Path) -> read::SheetRows<'static> {
    read::read(path, None).unwrap_or_else(|e| panic!("{e}"))
}

fn fresh_store(dir: &Path) -> Store {
    Store::create(dir, "420704", "bench").unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let files = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let file = sheet_file(files.path(), ROWS);
    let mut group = c.benchmark_group("import_10k_rows");
    group.sample_size(10);
    group.bench_function("read_and_check", |b| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = fresh_store(dir.path());
        b.iter(|| {
            people::plan(&store, rows_of(black_box(&file)), None).unwrap_or_else(|e| panic!("{e}"))
        })
    });
    group.bench_function("whole_import", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
                let store = fresh_store(dir.path());
                (dir, store)
            },
            |(dir, store)| {
                let plan =
                    people::plan(&store, rows_of(&file), None).unwrap_or_else(|e| panic!("{e}"));
                store
                    .commit_staged(&plan.payloads, &|_, _| {})
                    .unwrap_or_else(|e| panic!("{e}"));
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// The floor under any import of these bytes: decode and split into records.
fn baseline(bytes: &[u8]) -> usize {
    let (text, _, _) = encoding_rs::GB18030.decode(bytes);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .count()
}

fn report() {
    let bytes = sheet(ROWS);
    let floor = support::time(9, || {
        black_box(baseline(&bytes));
    });
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = fresh_store(&dir.path().join("check"));
    let file = sheet_file(dir.path(), ROWS);
    let check = support::time(9, || {
        black_box(people::plan(&store, rows_of(&file), None).unwrap_or_else(|e| panic!("{e}")));
    });
    support::report("import 10,000 rows: read and check", "-", check, floor, "");
    // Fresh stores made beforehand: the figure is the import, not creating a store.
    let whole = |rows: usize| {
        let file = sheet_file(dir.path(), rows);
        let mut stores: Vec<Store> = (0..5)
            .map(|n| fresh_store(&dir.path().join(format!("import-{rows}-{n}"))))
            .collect();
        support::time(5, || {
            let store = stores.pop().unwrap_or_else(|| panic!("a store per run"));
            let plan = people::plan(&store, rows_of(&file), None).unwrap_or_else(|e| panic!("{e}"));
            store
                .commit_staged(&plan.payloads, &|_, _| {})
                .unwrap_or_else(|e| panic!("{e}"));
        })
    };
    let ten = whole(ROWS);
    support::report("import 10,000 rows: whole, flushed", "-", ten, floor, "");
    let twenty = whole(2 * ROWS);
    support::report(
        "import 20,000 rows: whole, flushed, against 10,000",
        "-",
        twenty,
        ten,
        "budget 2.2x",
    );
}

fn main() {
    report();
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
