//! Files beside the store that are built from parts of its state (the search index from people
//! and enterprises; the checklists' and the sessions' records for `due`, `checklist`,
//! `sessions` and the 样表), so that a command can answer from them without opening the store. A write that changes what a file is built from removes
//! that file inside its transaction, before it is acknowledged: a file found while holding the
//! store's lock is therefore current, whoever wrote it. A commit that changes a few people sets
//! the search index aside instead and brings it back with them (`search_changes`).

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
    DerivedFile::Search.path(dir)
}

/// A file derived from the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivedFile {
    /// Every person of the office (`search::cache`), from people and enterprises.
    Search,
    /// Every unit's checklist marks, deadlines and evidence, for `due` and `checklist`.
    Checklist,
    /// The sessions with their enrolled and present counts, for `sessions` and the 样表.
    Sessions,
}

impl DerivedFile {
    const ALL: [DerivedFile; 3] = [
        DerivedFile::Search,
        DerivedFile::Checklist,
        DerivedFile::Sessions,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DerivedFile::Search => "search.idx",
            DerivedFile::Checklist => "checklists.kept",
            DerivedFile::Sessions => "sessions.kept",
        }
    }

    pub fn path(self, dir: &Path) -> PathBuf {
        dir.join(self.name())
    }

    /// Removes the file from `dir` with what goes with it; whether anything was there.
    pub fn remove_from(self, dir: &Path) -> std::io::Result<bool> {
        let mut removed = removed_if_there(&self.path(dir))?;
        if self == DerivedFile::Search {
            for companion in super::search_changes::companions(dir) {
                removed |= removed_if_there(&companion)?;
            }
        }
        Ok(removed)
    }

    /// The state keys' prefixes the file is built from.
    pub fn prefixes(self) -> &'static [&'static str] {
        match self {
            DerivedFile::Search => &["p/", "e/"],
            DerivedFile::Checklist => &["c/", "d/", "v/"],
            DerivedFile::Sessions => &["s/", "k/", "q/"],
        }
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// Removes `path` if it is there: a file another write removed first is no failure.
pub fn remove_if_there(path: &Path) -> std::io::Result<()> {
    removed_if_there(path).map(drop)
}

/// Whether `path` was there to remove.
pub(super) fn removed_if_there(path: &Path) -> std::io::Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Removes every derived file in `dir`, for a store about to appear there (made or restored):
/// files left in the folder were built from some other store.
pub fn remove_all(dir: &Path) -> std::io::Result<()> {
    for file in DerivedFile::ALL {
        file.remove_from(dir)?;
    }
    Ok(())
}

/// Which derived files a write touches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fed(u8);

impl Fed {
    /// Every derived file: a write that replaces the state wholesale.
    pub(crate) const ALL: Fed = Fed((1 << DerivedFile::ALL.len()) - 1);

    /// The files of `store::kept_records`, which carry the store's set day.
    pub(crate) fn kept_records() -> Fed {
        Fed::only(DerivedFile::Checklist).with(Fed::only(DerivedFile::Sessions))
    }

    pub(crate) fn only(file: DerivedFile) -> Fed {
        Fed(file.bit())
    }

    /// The files built from what a state key holds.
    pub(crate) fn by(key: &[u8]) -> Fed {
        Fed(DerivedFile::ALL
            .into_iter()
            .filter(|file| {
                file.prefixes()
                    .iter()
                    .any(|p| key.starts_with(p.as_bytes()))
            })
            .fold(0, |bits, file| bits | file.bit()))
    }

    pub(crate) fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The files of `self` and those of `other`.
    pub(crate) fn with(self, other: Fed) -> Fed {
        Fed(self.0 | other.0)
    }

    /// The files of `self` that `done` does not have.
    pub(crate) fn beyond(self, done: Fed) -> Fed {
        Fed(self.0 & !done.0)
    }

    fn has(self, file: DerivedFile) -> bool {
        self.0 & file.bit() != 0
    }
}

/// Where each derived file stands: bumped by every write that changes its sources.
type Generations = [u64; DerivedFile::ALL.len()];

/// Counts the writes that changed what the derived files are built from, so that a file built
/// before one of them is never saved after it.
pub(crate) struct Derived {
    pub(super) dir: PathBuf,
    pub(super) generation: Mutex<Generations>,
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
            generation: Mutex::new([0; DerivedFile::ALL.len()]),
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

    /// Removes the derived files `fed` ahead of a write that changes their sources. The removal
    /// is made durable first: a crash after the write must not leave an old file to be believed.
    pub(crate) fn invalidate(&self, fed: Fed) -> std::io::Result<()> {
        let mut generation = self
            .generation
            .lock()
            .map_err(|_| std::io::Error::other("derived files lock poisoned"))?;
        let mut removed = false;
        for file in DerivedFile::ALL.into_iter().filter(|file| fed.has(*file)) {
            generation[file as usize] += 1;
            removed |= file.remove_from(&self.dir)?;
        }
        if removed {
            File::open(&self.dir)?.sync_all()?;
        }
        Ok(())
    }

    pub(crate) fn generations(&self) -> Result<Generations> {
        self.generation
            .lock()
            .map(|g| *g)
            .map_err(|_| eyre!("derived files lock poisoned"))
    }

    /// After a write that removed files (their generation moved since `before`, taken before
    /// the write) is visible: removes them again, since one built from the state before the
    /// write may have been saved while it was being made.
    pub(crate) fn settle(&self, before: Generations) -> Result<()> {
        self.settle_beyond(before, Fed::default())
    }

    /// `settle`, but for the files of `done`, which the write already settled itself.
    pub(crate) fn settle_beyond(&self, before: Generations, done: Fed) -> Result<()> {
        let now = self.generations()?;
        let moved = DerivedFile::ALL
            .into_iter()
            .filter(|file| now[*file as usize] != before[*file as usize])
            .fold(Fed::default(), |fed, file| fed.with(Fed::only(file)))
            .beyond(done);
        if !moved.is_empty() {
            self.invalidate(moved)
                .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        }
        Ok(())
    }

    /// Writes what `write` gives as `file` unless a write changed its sources since
    /// `generation`.
    pub(super) fn save(
        &self,
        file: DerivedFile,
        generation: u64,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<bool> {
        let current = self
            .generation
            .lock()
            .map_err(|_| eyre!("derived files lock poisoned"))?;
        if current[file as usize] != generation {
            return Ok(false);
        }
        let failed = || tf("cli.store.write_failed", &[("dir", &self.dir.display())]);
        let written = |written: &File| match file {
            DerivedFile::Search => super::search_changes::changes_for_new_build(&self.dir, written),
            _ => Ok(()),
        };
        write_durably(&self.dir, &file.path(&self.dir), write, written).wrap_err_with(failed)?;
        Ok(true)
    }
}

/// Writes what `write` gives to `path` in `dir` whole or not at all, on disk before it returns;
/// `written` sees the file written before it takes its name.
fn write_durably(
    dir: &Path,
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    written: impl FnOnce(&File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let temp = tempfile::NamedTempFile::new_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 18, temp);
    write(&mut out)?;
    let temp = out.into_inner().map_err(|e| e.into_error())?;
    temp.as_file().sync_all()?;
    written(temp.as_file())?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
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

    /// Where `file` stands now; pass it to `save_derived` with what was built from the store
    /// after this call.
    pub fn derived_generation(&self, file: DerivedFile) -> Result<u64> {
        Ok(self.derived.generations()?[file as usize])
    }

    /// Keeps `file` built from this store for later processes, unless its sources changed
    /// since `generation`. Returns whether it was kept.
    pub fn save_derived(
        &self,
        file: DerivedFile,
        generation: u64,
        write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<bool> {
        self.derived.save(file, generation, write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEARCH: DerivedFile = DerivedFile::Search;

    fn search_generation(derived: &Derived) -> u64 {
        derived.generations().unwrap()[0]
    }

    #[test]
    fn a_write_to_people_removes_the_index_and_a_stale_one_is_not_saved() {
        let dir = tempfile::tempdir().unwrap();
        let derived = Derived::new(dir.path());
        let before = search_generation(&derived);
        assert!(derived
            .save(SEARCH, before, |out| out.write_all(b"one"))
            .unwrap());
        assert!(search_index_path(dir.path()).exists());
        derived.invalidate(Fed::by(b"p/P-1")).unwrap();
        assert!(!search_index_path(dir.path()).exists());
        // Built before the write, saved after it: refused.
        assert!(!derived
            .save(SEARCH, before, |out| out.write_all(b"stale"))
            .unwrap());
        assert!(!search_index_path(dir.path()).exists());
        let now = search_generation(&derived);
        assert!(derived
            .save(SEARCH, now, |out| out.write_all(b"two"))
            .unwrap());
        assert_eq!(
            std::fs::read(search_index_path(dir.path())).unwrap(),
            b"two"
        );
        // Nothing to remove is no failure.
        derived.invalidate(Fed::ALL).unwrap();
        derived.invalidate(Fed::ALL).unwrap();
    }

    #[test]
    fn an_index_saved_while_a_write_was_being_made_is_removed_when_it_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let derived = Derived::new(dir.path());
        let before = derived.generations().unwrap();
        // The write removes the index inside its transaction...
        derived.invalidate(Fed::by(b"e/E-1")).unwrap();
        // ...a build that read the state before the write was visible saves...
        let during = search_generation(&derived);
        assert!(derived
            .save(SEARCH, during, |out| out
                .write_all(b"built from the state before"))
            .unwrap());
        // ...and the write, once visible, removes it again.
        derived.settle(before).unwrap();
        assert!(!search_index_path(dir.path()).exists());
        // A write that changed no people leaves a saved index alone.
        let now = derived.generations().unwrap();
        assert!(derived
            .save(SEARCH, now[0], |out| out.write_all(b"current"))
            .unwrap());
        derived.settle(now).unwrap();
        assert!(search_index_path(dir.path()).exists());
    }

    #[test]
    fn each_file_is_fed_by_its_own_records_only() {
        let search = Fed::only(DerivedFile::Search);
        let checklist = Fed::only(DerivedFile::Checklist);
        assert_eq!(Fed::by(b"p/P-420704-1"), search);
        assert_eq!(Fed::by(b"e/E-420704-1"), search);
        assert_eq!(Fed::by(b"c/420704/plan"), checklist);
        assert_eq!(Fed::by(b"d/420704/plan"), checklist);
        assert_eq!(Fed::by(b"v/420704/plan/ab12"), checklist);
        let sessions = Fed::only(DerivedFile::Sessions);
        assert_eq!(Fed::by(b"s/S-420704-1"), sessions);
        assert_eq!(Fed::by(b"k/S-420704-1"), sessions);
        assert_eq!(Fed::by(b"q/S-420704-1"), sessions);
        for other in [
            &b"a/S-1/P-1"[..],
            b"n/S-1/P-1",
            b"h/0a1b",
            b"lo/420704",
            b"sy/x",
        ] {
            assert!(Fed::by(other).is_empty());
        }
        assert_eq!(search.with(checklist).with(sessions), Fed::ALL);
        assert_eq!(Fed::ALL.beyond(search), checklist.with(sessions));
    }

    #[test]
    fn a_checklist_mark_leaves_the_search_index_and_a_new_person_the_checklists() {
        let dir = tempfile::tempdir().unwrap();
        let derived = Derived::new(dir.path());
        let [search, checklists, _] = derived.generations().unwrap();
        assert!(derived
            .save(SEARCH, search, |out| out.write_all(b"s"))
            .unwrap());
        assert!(derived
            .save(DerivedFile::Checklist, checklists, |out| out
                .write_all(b"c"))
            .unwrap());
        let before = derived.generations().unwrap();
        derived.invalidate(Fed::by(b"c/420704/plan")).unwrap();
        derived.settle(before).unwrap();
        assert!(search_index_path(dir.path()).exists());
        assert!(!DerivedFile::Checklist.path(dir.path()).exists());
        derived.invalidate(Fed::by(b"p/P-1")).unwrap();
        assert!(!search_index_path(dir.path()).exists());
    }
}
