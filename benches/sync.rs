//! Bundles at realistic sizes: a county sending a busy season to its city (build, then take in
//! to an empty city store), and the 鄂州 demo city deriving its public view for a county.
//!
//! Each is paired with the least the machine must do for the same records, measured in the same
//! run: import against a raw sled batch insert of the same op encodings and the state they fold
//! to (then a flush), export against a raw scan of the op log and a postcard encoding of it. The
//! ratio of the two times is the figure the issue asks for (import and export at least half the
//! raw throughput).

use std::hint::black_box;

use criterion::{BatchSize, Criterion};

use peixun::cli::Scale;
use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::identity::keys_dir;
use peixun::sync::import::import_bytes;
use peixun::sync::{trust, Keys};

const COUNTY: &str = "420704";
const CITY: &str = "420700";
/// People a busy county enrols in a season; each costs an enterprise, a person, an enrolment
/// and a check-in: 100,000 ops with the sessions.
const PEOPLE: usize = 25_000;

/// sled keeps freeing a closed store's cache on its own threads for seconds after the last
/// handle is dropped; a pause before each sample keeps that work out of the next one.
fn settle() {
    std::thread::sleep(std::time::Duration::from_secs(3));
}

fn fail<T, E: std::fmt::Debug>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e:?}"))
}

struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    keys: Keys,
}

fn office(id: &str) -> Office {
    let dir = fail(tempfile::tempdir());
    let store = fail(Store::create(&dir.path().join("store"), id, "bench"));
    let keys = fail(Keys::create(store.dir(), id));
    Office {
        _dir: dir,
        store,
        keys,
    }
}

fn pin(a: &Office, b: &Office) {
    let card = fail(b.keys.card());
    fail(trust::trust_card(&a.store, &card, &card.fingerprint()));
}

fn busy_county() -> Office {
    let county = office(COUNTY);
    for chunk in peixun::demo::county_season(COUNTY, PEOPLE).chunks(2_000) {
        fail(county.store.commit(chunk.to_vec()));
    }
    county
}

fn main() {
    let mut criterion = Criterion::default().sample_size(10).configure_from_args();
    let county = busy_county();
    let city = office(CITY);
    pin(&county, &city);
    pin(&city, &county);
    let options = ExportOptions::default();
    let (bytes, exported) = fail(build(&county.store, &county.keys, CITY, &options));
    println!(
        "county bundle: {} ops, {} bytes ({:.1} bytes per op)",
        exported.ops,
        bytes.len(),
        bytes.len() as f64 / exported.ops as f64
    );
    criterion.bench_function("sync/export county season", |b| {
        b.iter(|| black_box(fail(build(&county.store, &county.keys, CITY, &options))))
    });
    let chains = fail(county.store.chains());
    criterion.bench_function("sync/raw scan + postcard encode of the same ops", |b| {
        b.iter(|| {
            let mut all: Vec<Vec<u8>> = Vec::new();
            for chain in &chains {
                all.extend(fail(county.store.chain_ops(chain.device, 1, chain.seq)));
            }
            black_box(fail(postcard::to_stdvec(&all)))
        })
    });
    // The same records a raw writer would put down: every op under its key, every state entry.
    let mut ops: Vec<([u8; 16], Vec<u8>)> = Vec::new();
    for chain in &chains {
        for (i, bytes) in fail(county.store.chain_ops(chain.device, 1, chain.seq))
            .into_iter()
            .enumerate()
        {
            let mut key = [0u8; 16];
            key[..8].copy_from_slice(&chain.device.to_be_bytes());
            key[8..].copy_from_slice(&(i as u64 + 1).to_be_bytes());
            ops.push((key, bytes));
        }
    }
    let state = fail(county.store.state_entries());
    criterion.bench_function("sync/raw sled batch insert of the same records", |b| {
        b.iter_batched(
            || {
                settle();
                let dir = fail(tempfile::tempdir());
                let db = fail(sled::open(dir.path().join("raw")));
                (dir, db)
            },
            |(dir, db)| {
                let (log, folded) = (fail(db.open_tree("ops")), fail(db.open_tree("state")));
                let mut batch = sled::Batch::default();
                for (k, v) in &ops {
                    batch.insert(&k[..], v.as_slice());
                }
                fail(log.apply_batch(batch));
                let mut batch = sled::Batch::default();
                for (k, v) in &state {
                    batch.insert(k.as_bytes(), v.as_slice());
                }
                fail(folded.apply_batch(batch));
                fail(db.flush());
                black_box((dir, db))
            },
            BatchSize::PerIteration,
        )
    });
    criterion.bench_function("sync/import county season", |b| {
        b.iter_batched(
            || {
                settle();
                // A fresh store each time, holding the keys the bundle was encrypted to.
                let dir = fail(tempfile::tempdir());
                let store = fail(Store::create(&dir.path().join("store"), CITY, "bench"));
                let keys = fail(Keys::read_from(&keys_dir(city.store.dir())));
                fail(keys.write_to(&keys_dir(store.dir())));
                let fresh = Office {
                    _dir: dir,
                    store,
                    keys,
                };
                pin(&fresh, &county);
                fresh
            },
            // The store is handed back so that closing it and deleting its folder fall outside
            // the timing, as they do for the raw insert.
            |city| {
                let outcome = fail(import_bytes(&city.store, &city.keys, &bytes));
                black_box((outcome, city))
            },
            BatchSize::PerIteration,
        )
    });

    // The 鄂州 demo city: its public view (sessions, deadlines) derived for one county.
    let dir = fail(tempfile::tempdir());
    let demo = fail(peixun::demo::build(
        &dir.path().join("city"),
        Scale::City,
        2023,
        &mut |_, _| {},
    ));
    let demo_keys = fail(Keys::create(demo.dir(), CITY));
    let demo_city = Office {
        _dir: dir,
        store: demo,
        keys: demo_keys,
    };
    pin(&demo_city, &county);
    criterion.bench_function("sync/export city public view to a county", |b| {
        b.iter(|| {
            black_box(fail(build(
                &demo_city.store,
                &demo_city.keys,
                COUNTY,
                &options,
            )))
        })
    });
    criterion.final_summary();
}
