//! A long raw write (a bundle import's) staged as it is worked out, chunk by chunk, then made
//! all or nothing by `store::staged`: the log's runs can go down before the state's writes are
//! folded, so the import never holds both, nor the whole write twice.
//!
//! The chunks are written under the `STAGING` mark, which goes when the last is down: a store
//! opened with the mark still there drops what was staged (none of it was applied), and a
//! staging given up in the process (an op that does not decode) is dropped at once.

use std::sync::MutexGuard;

use color_eyre::eyre::{eyre, Report, Result, WrapErr};

use super::staged::{insert_chunk, RawWrite, Staged, STAGING, WRITES_CHUNK};
use super::{CommitError, Store, TreeBatch, TreeName};
use crate::i18n::tf;

/// Raw writes being staged; `finish` makes them land.
pub struct Staging<'a> {
    store: &'a Store,
    /// Dropped after `drop` has let go of what was staged.
    _only_one: MutexGuard<'a, ()>,
    chunk: Vec<RawWrite>,
    chunks: usize,
    total: usize,
    sealed: bool,
}

impl Store {
    /// Starts a long raw write; refused while another is being staged or an earlier one is
    /// still pending.
    pub(crate) fn staging(&self) -> Result<Staging<'_>> {
        let only_one = self.only_long_write()?;
        if !self.staged.is_empty() {
            return Err(eyre!("an earlier staged write is still pending"));
        }
        Ok(Staging {
            store: self,
            _only_one: only_one,
            chunk: Vec::new(),
            chunks: 0,
            total: 0,
            sealed: false,
        })
    }
}

impl Store {
    /// One import at a time, from the read its preview makes to its write: the store service
    /// runs other processes' commands side by side, and a second sheet read before the first
    /// was written would register the same new firms and people again. `waiting` is told once
    /// when another import holds it, before this one waits for it.
    pub fn import_turn(&self, waiting: impl FnOnce()) -> MutexGuard<'_, ()> {
        match self.import_lock.try_lock() {
            Ok(turn) => turn,
            // An import that panicked wrote all of its sheet or none of it.
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => {
                waiting();
                self.import_lock
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
            }
        }
    }

    /// The right to stage a long write, or a refusal naming the one under way. Never waited
    /// for: a bundle import takes it while holding the writer, which a sheet's staged chunks
    /// need to commit.
    pub(super) fn only_long_write(&self) -> Result<MutexGuard<'_, ()>> {
        match self.staging_lock.try_lock() {
            Ok(guard) => Ok(guard),
            // A panic mid-staging: its `Drop` let go of what it staged.
            Err(std::sync::TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => Err(eyre!(tf(
                "cli.store.long_write_under_way",
                &[("dir", &self.dir.display())]
            ))),
        }
        .and_then(|guard| {
            // Nobody is staging now, so a mark is what a staging that could not let go of its
            // chunks left: it would keep every later write from finishing a pending one.
            if self.meta.contains_key(STAGING)? {
                self.drop_unfinished_staging()?;
            }
            Ok(guard)
        })
    }
}

impl Staging<'_> {
    fn write_failed(&self) -> String {
        tf(
            "cli.store.write_failed",
            &[("dir", &self.store.dir.display())],
        )
    }

    /// Adds a write to `tree`: a value, or a removal. A later write to a key wins.
    pub(crate) fn push(
        &mut self,
        tree: TreeName,
        key: Vec<u8>,
        value: Option<Vec<u8>>,
    ) -> Result<()> {
        self.chunk.push((tree, key, value));
        self.total += 1;
        if self.chunk.len() == WRITES_CHUNK {
            self.write_chunk()?;
        }
        Ok(())
    }

    /// Adds every write of `batch`, in order.
    pub(crate) fn batch(&mut self, tree: TreeName, batch: TreeBatch) -> Result<()> {
        batch
            .0
            .into_iter()
            .try_for_each(|(key, value)| self.push(tree, key, value))
    }

    fn write_chunk(&mut self) -> Result<()> {
        let failed = self.write_failed();
        if self.chunks == 0 {
            self.store
                .meta
                .insert(STAGING, &[])
                .wrap_err_with(|| failed.clone())?;
        }
        let chunk = Staged::Writes(std::mem::take(&mut self.chunk));
        let bytes = postcard::to_stdvec(&chunk).map_err(Report::from)?;
        insert_chunk(&self.store.staged, self.chunks, &bytes).wrap_err(failed)?;
        self.chunks += 1;
        Ok(())
    }

    /// Ends the staging: a write short enough for one transaction is made at once (false);
    /// a longer one is staged whole and flushed, to be committed (true).
    pub(super) fn seal(&mut self) -> Result<bool> {
        if self.chunks == 0 {
            self.store
                .apply_removing(&std::mem::take(&mut self.chunk), None)?;
            self.sealed = true;
            return Ok(false);
        }
        if !self.chunk.is_empty() {
            self.write_chunk()?;
        }
        let failed = self.write_failed();
        self.store
            .meta
            .remove(STAGING)
            .wrap_err_with(|| failed.clone())?;
        self.store.db.flush().wrap_err(failed)?;
        self.sealed = true;
        Ok(true)
    }

    /// Makes every write land, all or nothing across a crash; `progress` hears (writes made,
    /// all of them).
    pub(crate) fn finish(mut self, progress: &dyn Fn(usize, usize)) -> Result<()> {
        let total = self.total;
        if !self.seal()? {
            progress(total, total);
            return Ok(());
        }
        self.store
            .commit_pending(&|done| progress(done, total))
            .map_err(|e| match e {
                CommitError::Refused(error) => Report::from(error),
                CommitError::Failed(report) => report,
            })?;
        Ok(())
    }
}

impl Drop for Staging<'_> {
    /// A staging given up part way: what it staged goes, as it would at the next open.
    fn drop(&mut self) {
        if !self.sealed && self.chunks > 0 {
            let _ = self.store.drop_unfinished_staging();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::staged::{chunks_staged, CHUNK as STAGED_CHUNK};
    use super::*;

    fn writes(n: usize) -> impl Iterator<Item = RawWrite> {
        (0..n).map(|i| {
            (
                TreeName::Sync,
                format!("k{i:06}").into_bytes(),
                Some(vec![1]),
            )
        })
    }

    #[test]
    fn a_staging_given_up_leaves_nothing_and_a_finished_one_lands_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let sync = store.sync_tree().unwrap();
        let mut staging = store.staging().unwrap();
        for (tree, key, value) in writes(WRITES_CHUNK * 2 + 1) {
            staging.push(tree, key, value).unwrap();
        }
        assert_eq!(
            chunks_staged(&store.staged).unwrap(),
            2,
            "staged as it goes"
        );
        assert!(store.meta.contains_key(STAGING).unwrap());
        drop(staging);
        assert!(store.staged.is_empty() && !store.meta.contains_key(STAGING).unwrap());
        assert!(sync.is_empty(), "none of it applied");

        let heard = std::cell::Cell::new((0, 0));
        let mut staging = store.staging().unwrap();
        for (tree, key, value) in writes(WRITES_CHUNK * 2 + 1) {
            staging.push(tree, key, value).unwrap();
        }
        staging
            .finish(&|done, total| heard.set((done, total)))
            .unwrap();
        assert_eq!(sync.len(), WRITES_CHUNK * 2 + 1);
        assert_eq!(heard.get(), (WRITES_CHUNK * 2 + 1, WRITES_CHUNK * 2 + 1));
        assert!(store.staged.is_empty() && !store.meta.contains_key(STAGING).unwrap());

        // A short write is one transaction, never staged.
        let mut staging = store.staging().unwrap();
        staging
            .push(TreeName::Sync, b"short".to_vec(), Some(vec![2]))
            .unwrap();
        staging.finish(&|_, _| {}).unwrap();
        assert_eq!(sync.get("short").unwrap().as_deref(), Some(&[2u8][..]));
    }

    fn person(i: usize, name: String) -> crate::log::Payload {
        let (id, phone) = (format!("P-420704-s{i}"), format!("138{i:08}"));
        crate::log::fixtures::person(&id, &name, &phone, &format!("S{i}"))
    }

    /// The store service runs two offices' imports side by side: the second long write is
    /// refused, whole, while the first is staged, and the first lands whole.
    #[test]
    fn a_second_long_write_is_refused_while_one_is_staged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let sync = store.sync_tree().unwrap();
        let mut staging = store.staging().unwrap();
        staging
            .push(TreeName::Sync, b"first".to_vec(), Some(vec![1]))
            .unwrap();
        let sheet: Vec<_> = (0..STAGED_CHUNK * 2)
            .map(|i| person(i, "欧阳明月".into()))
            .collect();
        let refused = store
            .commit_staged(&sheet.clone().into(), &|_, _| {})
            .err()
            .map(|e| match e {
                CommitError::Failed(report) => report.to_string(),
                CommitError::Refused(error) => format!("refused by the rules: {error:?}"),
            });
        assert!(
            refused.as_deref().is_some_and(|m| m.contains("导入")),
            "{refused:?}"
        );
        assert!(store.staging().is_err(), "nor a second bundle");
        for (tree, key, value) in writes(WRITES_CHUNK * 2) {
            staging.push(tree, key, value).unwrap();
        }
        staging.finish(&|_, _| {}).unwrap();
        assert_eq!(sync.len(), WRITES_CHUNK * 2 + 1, "the first landed whole");
        assert!(store.people().unwrap().is_empty(), "none of the second");

        store.commit_staged(&sheet.into(), &|_, _| {}).unwrap();
        assert_eq!(store.people().unwrap().len(), STAGED_CHUNK * 2);
    }

    /// A mark a staging could not remove does not keep later long writes out: nobody else is
    /// staging, so what it marks was never applied and goes.
    #[test]
    fn a_mark_left_behind_is_let_go_by_the_next_long_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.meta.insert(STAGING, &[]).unwrap();
        let leftover = postcard::to_stdvec(&Staged::Writes(vec![(
            TreeName::Sync,
            b"half".to_vec(),
            Some(vec![1]),
        )]))
        .unwrap();
        insert_chunk(&store.staged, 0, &leftover).unwrap();
        let mut staging = store.staging().unwrap();
        staging
            .push(TreeName::Sync, b"whole".to_vec(), Some(vec![2]))
            .unwrap();
        staging.finish(&|_, _| {}).unwrap();
        let sync = store.sync_tree().unwrap();
        assert!(sync.get("half").unwrap().is_none(), "never applied");
        assert!(sync.get("whole").unwrap().is_some());
        assert!(store.staged.is_empty() && !store.meta.contains_key(STAGING).unwrap());
    }

    /// Every office refuses an op over `Op::MAX_BYTES` in a bundle, so none is written here.
    #[test]
    fn an_op_no_office_would_take_is_not_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let huge = "长".repeat((crate::log::Op::MAX_BYTES / 3 + 1) as usize);
        let refused = store.commit(vec![person(1, huge)]).err().map(|e| match e {
            CommitError::Failed(report) => report.to_string(),
            CommitError::Refused(error) => format!("refused by the rules: {error:?}"),
        });
        assert!(
            refused.as_deref().is_some_and(|m| m.contains("KiB")),
            "{refused:?}"
        );
        assert_eq!(store.ops().count(), 0);
        store.commit(vec![person(1, "欧阳明月".into())]).unwrap();
        assert_eq!(store.ops().count(), 1);

        // In a sheet long enough to be staged, it is refused before any chunk is: nothing of
        // the sheet is written, nothing is left staged, and the store goes on and opens again.
        let mut sheet: Vec<_> = (2..STAGED_CHUNK * 2)
            .map(|i| person(i, "欧阳明月".into()))
            .collect();
        sheet[STAGED_CHUNK + 5] = person(
            9_999,
            "长".repeat((crate::log::Op::MAX_BYTES / 3 + 1) as usize),
        );
        assert!(store.commit_staged(&sheet.into(), &|_, _| {}).is_err());
        assert_eq!(store.ops().count(), 1);
        assert!(store.staged.is_empty());
        store.commit(vec![person(2, "欧阳明日".into())]).unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.ops().count(), 2);
    }
}
