//! Files beside the store that are built from its people and enterprises (the search index),
//! so that a command can answer from them without opening the store. A write that changes
//! people or enterprises removes them inside its transaction, before it is acknowledged: a file
//! found while holding the store's lock is therefore current, whoever wrote it.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::Store;
use crate::i18n::tf;

/// The search index of every person of the office (`search::cache`).
pub fn search_index_path(dir: &Path) -> PathBuf {
    dir.join("search.idx")
}

/// Whether a state key holds something the search index is built from.
pub(crate) fn feeds_search(key: &[u8]) -> bool {
    key.starts_with(b"p/") || key.starts_with(b"e/")
}

/// Counts the writes that changed what the derived files are built from, so that a file built
/// before one of them is never saved after it.
pub(crate) struct Derived {
    dir: PathBuf,
    generation: Mutex<u64>,
    /// Writes begun and ended in this process: a summary of a read no write overlapped may be
    /// kept (the store's lock keeps every other process's writes out).
    begun: AtomicU64,
    ended: AtomicU64,
}

/// A write under way; it ends when this drops.
pub(crate) struct Writing<'a>(&'a AtomicU64);

impl Drop for Writing<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

impl Derived {
    pub(crate) fn new(dir: &Path) -> Derived {
        Derived {
            dir: dir.to_path_buf(),
            generation: Mutex::new(0),
            begun: AtomicU64::new(0),
            ended: AtomicU64::new(0),
        }
    }

    /// Marks a write begun, until the guard drops.
    pub(crate) fn writing(&self) -> Writing<'_> {
        self.begun.fetch_add(1, Ordering::SeqCst);
        Writing(&self.ended)
    }

    /// The writes begun so far, when none is under way.
    pub(crate) fn quiet(&self) -> Option<u64> {
        let begun = self.begun.load(Ordering::SeqCst);
        (self.ended.load(Ordering::SeqCst) == begun).then_some(begun)
    }

    /// Whether no write has begun since `quiet` gave `begun`.
    pub(crate) fn still_quiet(&self, begun: u64) -> bool {
        self.begun.load(Ordering::SeqCst) == begun
    }

    /// Removes the derived files ahead of a write that changes their sources. The removal is
    /// made durable first: a crash after the write must not leave the old file to be believed.
    pub(crate) fn invalidate(&self) -> std::io::Result<()> {
        let mut generation = self
            .generation
            .lock()
            .map_err(|_| std::io::Error::other("derived files lock poisoned"))?;
        *generation += 1;
        match std::fs::remove_file(search_index_path(&self.dir)) {
            Ok(()) => File::open(&self.dir)?.sync_all(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e),
        }
    }

    pub(crate) fn generation(&self) -> Result<u64> {
        self.generation
            .lock()
            .map(|g| *g)
            .map_err(|_| eyre!("derived files lock poisoned"))
    }

    /// After a write that removed the files (`generation` moved since `before`, taken before the
    /// write) is visible: removes them again, since an index built from the state before the
    /// write may have been saved while it was being made.
    pub(crate) fn settle(&self, before: u64) -> Result<()> {
        if self.generation()? != before {
            self.invalidate()
                .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        }
        Ok(())
    }

    /// Writes what `write` gives as the search index unless a write changed people since
    /// `generation`.
    fn save(
        &self,
        generation: u64,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<bool> {
        let current = self
            .generation
            .lock()
            .map_err(|_| eyre!("derived files lock poisoned"))?;
        if *current != generation {
            return Ok(false);
        }
        let path = search_index_path(&self.dir);
        let failed = || tf("cli.store.write_failed", &[("dir", &self.dir.display())]);
        let file = tempfile::NamedTempFile::new_in(&self.dir).wrap_err_with(failed)?;
        let mut out = std::io::BufWriter::with_capacity(1 << 18, file);
        write(&mut out).wrap_err_with(failed)?;
        let file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .wrap_err_with(failed)?;
        file.as_file().sync_all().wrap_err_with(failed)?;
        file.persist(&path)
            .map_err(|e| e.error)
            .wrap_err_with(failed)?;
        Ok(true)
    }
}

impl Store {
    /// A mark to take before a read whose summary may be kept: `None` while a write is under
    /// way. Pass it to `unwritten_since` after the read.
    pub fn quiet(&self) -> Option<u64> {
        self.derived.quiet()
    }

    /// Whether no write began since `quiet` gave `mark`.
    pub fn unwritten_since(&self, mark: u64) -> bool {
        self.derived.still_quiet(mark)
    }

    /// Where the derived files stand now; pass it to `save_search_index` with what was built
    /// from the store after this call.
    pub fn search_generation(&self) -> Result<u64> {
        self.derived.generation()
    }

    /// Keeps a search index built from this store for later processes, unless people or
    /// enterprises changed since `generation`. Returns whether it was kept.
    pub fn save_search_index(
        &self,
        generation: u64,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<bool> {
        self.derived.save(generation, write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_to_people_removes_the_index_and_a_stale_one_is_not_saved() {
        let dir = tempfile::tempdir().unwrap();
        let derived = Derived::new(dir.path());
        let before = derived.generation().unwrap();
        assert!(derived.save(before, |out| out.write_all(b"one")).unwrap());
        assert!(search_index_path(dir.path()).exists());
        derived.invalidate().unwrap();
        assert!(!search_index_path(dir.path()).exists());
        // Built before the write, saved after it: refused.
        assert!(!derived.save(before, |out| out.write_all(b"stale")).unwrap());
        assert!(!search_index_path(dir.path()).exists());
        let now = derived.generation().unwrap();
        assert!(derived.save(now, |out| out.write_all(b"two")).unwrap());
        assert_eq!(
            std::fs::read(search_index_path(dir.path())).unwrap(),
            b"two"
        );
        // Nothing to remove is no failure.
        derived.invalidate().unwrap();
        derived.invalidate().unwrap();
    }

    #[test]
    fn an_index_saved_while_a_write_was_being_made_is_removed_when_it_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let derived = Derived::new(dir.path());
        let before = derived.generation().unwrap();
        // The write removes the index inside its transaction...
        derived.invalidate().unwrap();
        // ...a build that read the state before the write was visible saves...
        let during = derived.generation().unwrap();
        assert!(derived
            .save(during, |out| out.write_all(b"built from the state before"))
            .unwrap());
        // ...and the write, once visible, removes it again.
        derived.settle(before).unwrap();
        assert!(!search_index_path(dir.path()).exists());
        // A write that changed no people leaves a saved index alone.
        let now = derived.generation().unwrap();
        assert!(derived.save(now, |out| out.write_all(b"current")).unwrap());
        derived.settle(now).unwrap();
        assert!(search_index_path(dir.path()).exists());
    }

    #[test]
    fn only_people_and_enterprises_feed_the_search() {
        assert!(feeds_search(b"p/P-420704-1"));
        assert!(feeds_search(b"e/E-420704-1"));
        assert!(!feeds_search(b"a/S-1/P-1"));
        assert!(!feeds_search(b"n/S-1/P-1"));
        assert!(!feeds_search(b"h/13800000000/P-1"));
    }
}
