//! Importing an enrolment sheet of 10,000 rows: reading and checking it, and the whole import
//! (one batch of ops, flushed) into a fresh store.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use peixun::sheets::{people, read};
use peixun::store::Store;

const ROWS: usize = 10_000;

fn sheet() -> Vec<u8> {
    let crowd = peixun::demo::crowd(7, ROWS).unwrap_or_else(|e| panic!("{e}"));
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

fn fresh_store(dir: &Path) -> Store {
    Store::create(dir, "420704", "bench").unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let bytes = sheet();
    let mut group = c.benchmark_group("import_10k_rows");
    group.sample_size(10);
    group.bench_function("read_and_check", |b| {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = fresh_store(dir.path());
        b.iter(|| {
            let grid = read::read_csv(black_box(&bytes), Path::new("报名表.csv"))
                .unwrap_or_else(|e| panic!("{e}"));
            people::plan(&store, &grid, None).unwrap_or_else(|e| panic!("{e}"))
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
                let grid = read::read_csv(&bytes, Path::new("报名表.csv"))
                    .unwrap_or_else(|e| panic!("{e}"));
                let plan = people::plan(&store, &grid, None).unwrap_or_else(|e| panic!("{e}"));
                store
                    .commit(plan.payloads)
                    .unwrap_or_else(|e| panic!("{e}"));
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
