//! What the importer targets share: one small store to plan imports against.

use std::sync::OnceLock;

use peixun::sheets::read::Grid;
use peixun::store::Store;

/// A county store in a temporary dir, made once per fuzzing process.
pub fn store() -> &'static Store {
    static STORE: OnceLock<(tempfile::TempDir, Store)> = OnceLock::new();
    &STORE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary dir");
            let store =
                Store::create(&dir.path().join("store"), "420704", "fuzz").expect("a new store");
            (dir, store)
        })
        .1
}

/// Plans the grid as a people list, an enterprise list and a watch log (results sheets need an
/// exam session, which `tests/fuzz_props.rs` makes); errors are fine, panics are not.
pub fn plan(store: &Store, grid: &Grid) {
    let _ = peixun::sheets::people::plan(store, grid, None);
    let _ = peixun::sheets::enterprises::plan(store, grid);
    let _ = peixun::sheets::watch_log::plan(store, grid);
}
