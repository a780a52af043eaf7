//! The log folded whole into a scratch sled database beside the store: the check's way when a
//! fold in parts strays (`refold_parts`), in memory bounded by sled's cache rather than by the
//! store. At ten times the province this took 213 MB, where one map in memory took 1.5 GiB.

use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};

use super::refold_parts::{scratch_failed, Folded, Record};
use crate::log::{apply, ApplyError, Kv, Op};

/// Where the scratch database goes, in the store's folder.
const SCRATCH: &str = ".peixun-check-";

/// What a check killed before it could clean up left behind.
pub(super) fn remove_old_scratch(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(SCRATCH) {
            // Another try at the next check if this one fails; nothing depends on it.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Folds `ops` (in fold order) into a scratch database in `dir`.
pub(super) fn fold_whole(dir: &Path, ops: impl Iterator<Item = Result<Op>>) -> Result<Folded> {
    let scratch_dir = tempfile::Builder::new()
        .prefix(SCRATCH)
        .tempdir_in(dir)
        .wrap_err_with(|| scratch_failed(dir))?;
    let db = sled::Config::new()
        .path(scratch_dir.path().join("db"))
        .cache_capacity(4 * 1024 * 1024)
        .temporary(true)
        .open()
        .wrap_err_with(|| scratch_failed(dir))?;
    let tree = db.open_tree("state")?;
    for op in ops {
        match apply(&mut Scratch(&tree), &op?) {
            Ok(_) | Err(ScratchError::Apply(ApplyError::Unauthorised { .. })) => {}
            Err(ScratchError::Apply(other)) => return Ok(Folded::Failed(other.to_string())),
            Err(ScratchError::Storage(error)) => {
                return Err(error).wrap_err_with(|| scratch_failed(dir))
            }
        }
    }
    Ok(Folded::Records(Box::new(ScratchRecords {
        entries: tree.iter(),
        _db: db,
        _dir: scratch_dir,
    })))
}

/// The scratch database's records in key order; the database and its folder go with them
/// (fields drop in this order).
struct ScratchRecords {
    entries: sled::Iter,
    _db: sled::Db,
    _dir: tempfile::TempDir,
}

impl Iterator for ScratchRecords {
    type Item = Result<Record>;
    fn next(&mut self) -> Option<Result<Record>> {
        let entry = self.entries.next()?;
        Some(
            entry
                .map(|(key, value)| (key.to_vec(), value.to_vec()))
                .wrap_err("reading the scratch database of the check"),
        )
    }
}

/// `apply`'s view of the scratch tree: plain writes, no transaction.
struct Scratch<'a>(&'a sled::Tree);

enum ScratchError {
    Apply(ApplyError),
    Storage(sled::Error),
}

impl Kv for Scratch<'_> {
    type Error = ScratchError;
    type Bytes<'b>
        = sled::IVec
    where
        Self: 'b;
    fn get(&self, key: &str) -> Result<Option<sled::IVec>, ScratchError> {
        self.0.get(key).map_err(ScratchError::Storage)
    }
    fn put(&mut self, key: &str, value: Vec<u8>) -> Result<(), ScratchError> {
        self.0
            .insert(key, value)
            .map(|_| ())
            .map_err(ScratchError::Storage)
    }
    fn remove(&mut self, key: &str) -> Result<(), ScratchError> {
        self.0
            .remove(key)
            .map(|_| ())
            .map_err(ScratchError::Storage)
    }
    fn fail(error: ApplyError) -> ScratchError {
        ScratchError::Apply(error)
    }
}
