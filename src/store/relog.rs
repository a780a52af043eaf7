//! Changes of layout made by copying the store into a fresh database. Converted in place, sled
//! kept a page-table entry for every page it had freed, and the store opened slower and larger
//! than before; a fresh database has only the pages it holds.
//!
//! - Schema 4 to 5: a log of a key per op (`ops`) is copied with the log in runs (`oplog`,
//!   `store::oplog`), every op with its exact bytes.
//! - Schema 6 to 7: the phone and code lookups, a key per (phone or code, person), are made
//!   again in buckets (`log::lookup_buckets`) from the people's records.
//!
//! Every other record is copied as it is.
//!
//! The copy is built beside the store (`db.relog`) and swapped in by two renames (the store to
//! `db.before`, the copy to `db`). `settle` runs before every open and finishes or undoes a swap
//! a crash cut short: a copy exists under its own name only once it is complete and flushed.

use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::oplog::{merged, run_key};
use super::{StoreError, SCHEMA_VERSION};
use crate::domain::Person;
use crate::i18n::tf;
use crate::log::lookup_buckets::{self as buckets, Bucket};
use crate::log::Stored;

/// The op log's tree before schema 5, a key per op.
const OLD_LOG: &[u8] = b"ops";

/// Runs written per batch while the log is copied.
const RUNS_PER_BATCH: usize = 1_000;

/// A run being gathered from the old log: its key and its ops as stored there.
type OldRun = ([u8; 16], Vec<(u64, sled::IVec)>);

fn copy_path(db: &Path) -> PathBuf {
    db.with_extension("relog")
}

fn before_path(db: &Path) -> PathBuf {
    db.with_extension("before")
}

/// Finishes or undoes a swap cut short, and removes a copy left half built.
pub(super) fn settle(db: &Path) -> Result<()> {
    let (copy, before) = (copy_path(db), before_path(db));
    let failed = || tf("cli.store.write_failed", &[("dir", &db.display())]);
    if !db.exists() {
        // Between the two renames: the copy, complete, goes in; without one the store goes back.
        let back = if copy.exists() { &copy } else { &before };
        if back.exists() {
            std::fs::rename(back, db).wrap_err_with(failed)?;
            sync_folder(db).wrap_err_with(failed)?;
        }
    }
    if copy.exists() {
        std::fs::remove_dir_all(&copy).wrap_err_with(failed)?;
    }
    if before.exists() {
        std::fs::remove_dir_all(&before).wrap_err_with(failed)?;
    }
    Ok(())
}

/// Makes the renames in the folder holding `db` durable before what depends on them: the old
/// store is removed only once the copy's new name is on disk.
fn sync_folder(db: &Path) -> std::io::Result<()> {
    match db.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => std::fs::File::open(folder)?.sync_all(),
        Some(_) => std::fs::File::open(".")?.sync_all(),
        None => Ok(()),
    }
}

/// Whether a swap was under way when the store was last open.
pub(super) fn swapping(db: &Path) -> bool {
    before_path(db).exists()
}

/// Whether `db` keeps its log a key per op, as schema 4 and older did.
fn has_old_log(db: &sled::Db) -> bool {
    db.tree_names().iter().any(|name| &name[..] == OLD_LOG)
}

/// The schema `db`'s meta says it is in; none said is 0.
fn schema_of(db: &sled::Db) -> Result<u32> {
    Ok(db
        .open_tree("meta")?
        .get("schema")?
        .and_then(|b| b[..].try_into().ok().map(u32::from_be_bytes))
        .unwrap_or_default())
}

/// Whether `db` is older than this version and has a layout only a copy changes: its log a
/// key per op, or any phone or code lookup, which schema 6 and older kept a key per pair, or an
/// import still to finish, which may write them (a copy made before is made again: the copy's
/// schema is written only after it).
pub(super) fn needs_copy(db: &sled::Db) -> Result<bool> {
    if schema_of(db)? >= SCHEMA_VERSION {
        return Ok(false);
    }
    let state = db.open_tree("state")?;
    let mut lookups = buckets::PREFIXES.iter().map(|p| state.scan_prefix(p));
    // An import a crash cut short may hold lookups in the old layout still to write.
    let staged = !db.open_tree("staged")?.is_empty();
    Ok(has_old_log(db) || staged || lookups.any(|mut keys| keys.next().is_some()))
}

/// Copies `old` (open at `path`) into a fresh database in this version's layout and swaps it
/// in; `old` is closed on the way. `open` opens the result.
pub(super) fn into_fresh(
    path: &Path,
    old: sled::Db,
    open: impl Fn() -> Result<sled::Db>,
) -> Result<sled::Db> {
    let schema = schema_of(&old)?;
    let saying = if has_old_log(&old) {
        "cli.store.moving_log"
    } else {
        "cli.store.moving_lookups"
    };
    crate::errln!(
        "{}",
        tf(saying, &[("found", &schema), ("version", &SCHEMA_VERSION)])
    );
    let copy = copy_path(path);
    let failed = || tf("cli.store.write_failed", &[("dir", &path.display())]);
    // An import a crash cut short wrote in the old layout; finished after the copy, its writes
    // would land in the new one as keys it does not read.
    let log = if has_old_log(&old) { OLD_LOG } else { b"oplog" };
    super::staged::finish_writes_in(&old, std::str::from_utf8(log)?).wrap_err_with(failed)?;
    if copy.exists() {
        std::fs::remove_dir_all(&copy).wrap_err_with(failed)?;
    }
    {
        let fresh = sled::Config::new()
            .path(&copy)
            .cache_capacity(super::open::CACHE_BYTES)
            .open()
            .wrap_err_with(failed)?;
        let trees = old
            .tree_names()
            .into_iter()
            .map(|name| old.open_tree(&name).map(|tree| (name, tree)))
            .collect::<sled::Result<Vec<_>>>()?;
        // Counting first costs a read of every record, a tenth of the copy at ten times the
        // province; a copy that takes 20 s says how far it is.
        let mut progress = Progress::new(trees.iter().map(|(_, tree)| tree.len()).sum());
        let mut said = |done| {
            if let Some(percent) = progress.step(done) {
                crate::errln!(
                    "{}",
                    tf("cli.store.moving_progress", &[("percent", &percent)])
                );
            }
        };
        for (name, from) in &trees {
            if name[..] == *OLD_LOG {
                copy_log(from, &fresh.open_tree("oplog")?, &mut said).wrap_err_with(failed)?;
            } else if name[..] == *b"state" && schema >= super::migrate::SAME_STATE_SINCE {
                copy_state(from, &fresh.open_tree(name)?, &mut said, path)?;
            } else {
                copy_tree(from, &fresh.open_tree(name)?, &mut said).wrap_err_with(failed)?;
            }
        }
        fresh.flush().wrap_err_with(failed)?;
    }
    drop(old);
    // sled lets go of its files from a background thread: the rename waits for nothing, but
    // the old database must be closed before it moves.
    std::fs::rename(path, before_path(path)).wrap_err_with(failed)?;
    std::fs::rename(&copy, path).wrap_err_with(failed)?;
    sync_folder(path).wrap_err_with(failed)?;
    std::fs::remove_dir_all(before_path(path)).wrap_err_with(failed)?;
    open()
}

/// How far a copy of `total` records is, in tenths.
struct Progress {
    total: usize,
    done: usize,
    said: usize,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            said: 0,
        }
    }

    /// Counts `records` more copied; the percentage to say when a new tenth is reached.
    fn step(&mut self, records: usize) -> Option<usize> {
        self.done += records;
        let tenth = (self.done * 10)
            .checked_div(self.total)
            .unwrap_or(10)
            .min(10);
        (tenth > self.said).then(|| {
            self.said = tenth;
            tenth * 10
        })
    }
}

fn copy_tree(from: &sled::Tree, to: &sled::Tree, copied: &mut dyn FnMut(usize)) -> Result<()> {
    copy_records(from, to, copied, |_, _| Ok(true))
}

/// Copies `from` into `to` in batches; `keep` sees every record first and says whether it goes.
fn copy_records(
    from: &sled::Tree,
    to: &sled::Tree,
    copied: &mut dyn FnMut(usize),
    mut keep: impl FnMut(&[u8], &[u8]) -> Result<bool>,
) -> Result<()> {
    let mut batch = sled::Batch::default();
    let mut in_batch = 0;
    for entry in from.iter() {
        let (key, value) = entry.wrap_err("reading the store")?;
        if !keep(&key, &value)? {
            copied(1);
            continue;
        }
        batch.insert(key, value);
        in_batch += 1;
        if in_batch == RUNS_PER_BATCH {
            to.apply_batch(std::mem::take(&mut batch))?;
            copied(in_batch);
            in_batch = 0;
        }
    }
    copied(in_batch);
    to.apply_batch(batch)?;
    Ok(())
}

/// The state with its lookups in buckets, made from the people's records as `apply` makes them;
/// lookups kept a key per pair are left behind. (A state older than `SAME_STATE_SINCE` is copied
/// as it is: it is folded again from the log as it opens.)
/// A person that cannot be read stops the copy as a damaged store, which `restore` mends.
fn copy_state(
    from: &sled::Tree,
    to: &sled::Tree,
    copied: &mut dyn FnMut(usize),
    db: &Path,
) -> Result<()> {
    let failed = || tf("cli.store.write_failed", &[("dir", &db.display())]);
    let mut lookups: BTreeMap<String, Bucket> = BTreeMap::new();
    copy_records(from, to, copied, |key, value| {
        if buckets::PREFIXES
            .iter()
            .any(|p| key.starts_with(p.as_bytes()))
        {
            return Ok(false);
        }
        if key.starts_with(b"p/") {
            let person: Stored<Person> =
                postcard::from_bytes(value).map_err(|_| StoreError::Damaged {
                    dir: db.parent().unwrap_or(db).to_path_buf(),
                    detail: String::from_utf8_lossy(key).into_owned(),
                })?;
            let p = person.value;
            let phone = lookups.entry(buckets::phone_bucket(&p.phone)).or_default();
            phone.add(&p.phone, &p.id);
            let code = lookups.entry(buckets::code_bucket(&p.code)).or_default();
            code.add(&p.code, &p.id);
        }
        Ok(true)
    })
    .map_err(|report| match report.downcast_ref::<StoreError>() {
        Some(_) => report,
        None => report.wrap_err(failed()),
    })?;
    let mut batch = sled::Batch::default();
    for (at, (key, bucket)) in lookups.into_iter().enumerate() {
        if let Some(bytes) = bucket.encode()? {
            batch.insert(key.as_bytes(), bytes);
        }
        if at % RUNS_PER_BATCH == RUNS_PER_BATCH - 1 {
            to.apply_batch(std::mem::take(&mut batch))
                .wrap_err_with(failed)?;
        }
    }
    to.apply_batch(batch).wrap_err_with(failed)?;
    Ok(())
}

/// The old log's ops, gathered into runs in key order (device, seq).
fn copy_log(from: &sled::Tree, to: &sled::Tree, copied: &mut dyn FnMut(usize)) -> Result<()> {
    let mut batch = sled::Batch::default();
    let mut in_batch = 0;
    let mut put = |(key, ops): OldRun, last: bool| -> Result<()> {
        copied(ops.len());
        let entries: Vec<(u64, &[u8])> = ops.iter().map(|(s, b)| (*s, &b[..])).collect();
        let value = merged(None, &entries).ok_or_else(|| eyre!("an op too long to store"))?;
        batch.insert(&key[..], value);
        in_batch += 1;
        if in_batch == RUNS_PER_BATCH || last {
            to.apply_batch(std::mem::take(&mut batch))?;
            in_batch = 0;
        }
        Ok(())
    };
    let mut run: Option<OldRun> = None;
    for entry in from.iter() {
        let (key, bytes) = entry.wrap_err("reading the op log")?;
        let (device, seq) = match (key.get(..8), key.get(8..16)) {
            (Some(d), Some(s)) if key.len() == 16 => (
                u64::from_be_bytes(d.try_into()?),
                u64::from_be_bytes(s.try_into()?),
            ),
            _ => return Err(eyre!("an op key of {} bytes in the old log", key.len())),
        };
        let key = run_key(device, seq);
        match &mut run {
            Some((current, ops)) if *current == key => ops.push((seq, bytes)),
            _ => {
                if let Some(done) = run.replace((key, vec![(seq, bytes)])) {
                    put(done, false)?;
                }
            }
        }
    }
    if let Some(done) = run {
        put(done, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Progress;

    #[test]
    fn progress_says_each_tenth_once_and_ends_at_a_hundred() {
        let mut progress = Progress::new(45);
        let said: Vec<usize> = (0..45).filter_map(|_| progress.step(1)).collect();
        assert_eq!(said, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
        assert_eq!(progress.step(1), None, "past the count says nothing more");
        let mut in_batches = Progress::new(2_500);
        let said: Vec<usize> = [1_000, 1_000, 500]
            .into_iter()
            .filter_map(|n| in_batches.step(n))
            .collect();
        assert_eq!(said, [40, 80, 100]);
        assert_eq!(
            Progress::new(0).step(0),
            Some(100),
            "nothing to copy is done"
        );
    }
}
