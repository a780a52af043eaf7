//! A long write (a sheet of 20,000 rows) as a run of small transactions that is still all or
//! nothing. sled holds every write of one transaction in memory and splits its nodes by copying
//! them, so one commit of 20,000 people took 430 MB and time that grew faster than the rows.
//!
//! The whole list is first written to the `staged` tree in one batch; each chunk is then
//! committed together with the removal of its staged part. A crash in between leaves the rest
//! staged, and the next open finishes it before anything else (`resume_staged`): the store ends
//! with all of the write, or (if the staging itself was not written) none of it.

use color_eyre::eyre::{eyre, Report, Result, WrapErr};

use super::{CommitError, Store};
use crate::i18n::tf;
use crate::log::{Op, Payload};

/// Payloads per transaction: small enough for sled, large enough that flushing is not the cost.
pub const CHUNK: usize = 1_000;

fn chunk_key(i: usize) -> [u8; 8] {
    (i as u64).to_be_bytes()
}

impl Store {
    /// `commit` for any number of payloads, in chunks of `CHUNK`, all or nothing across a crash.
    /// `progress` hears (payloads written, all of them) after each chunk.
    pub fn commit_staged(
        &self,
        payloads: Vec<Payload>,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Vec<Op>, CommitError> {
        let total = payloads.len();
        if total <= CHUNK {
            let ops = self.commit(payloads)?;
            progress(total, total);
            return Ok(ops);
        }
        self.stage(&payloads)?;
        self.commit_pending(&|done| progress(done, total))
    }

    /// Writes every chunk to the `staged` tree in one batch, flushed.
    fn stage(&self, payloads: &[Payload]) -> Result<()> {
        if !self.staged.is_empty() {
            return Err(eyre!("an earlier staged write is still pending"));
        }
        let write_failed = || tf("cli.store.write_failed", &[("dir", &self.dir.display())]);
        let mut batch = sled::Batch::default();
        for (i, chunk) in payloads.chunks(CHUNK).enumerate() {
            let bytes = postcard::to_stdvec(chunk).map_err(Report::from)?;
            batch.insert(&chunk_key(i), bytes);
        }
        self.staged.apply_batch(batch).wrap_err_with(write_failed)?;
        self.db.flush().wrap_err_with(write_failed)?;
        Ok(())
    }

    /// Finishes a staged write a crash interrupted. Called on open, before anything else.
    pub(super) fn resume_staged(&self) -> Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        eprintln!(
            "{}",
            tf("cli.store.resuming", &[("chunks", &self.staged.len())])
        );
        self.commit_pending(&|_| {}).map_err(|e| match e {
            CommitError::Refused(error) => Report::from(error),
            CommitError::Failed(report) => report,
        })?;
        Ok(())
    }

    /// Commits each staged chunk in order, removing it in the same transaction. A sheet writes
    /// only the office's own records, which the rules never refuse; were a chunk refused, the
    /// chunks before it stay written and the rest is dropped, so the store still opens.
    fn commit_pending(&self, progress: &dyn Fn(usize)) -> Result<Vec<Op>, CommitError> {
        let mut ops = Vec::new();
        while let Some((key, bytes)) = self.staged.first().map_err(Report::from)? {
            let chunk: Vec<Payload> = postcard::from_bytes(&bytes)
                .map_err(|e| Report::from(e).wrap_err("reading a staged write"))?;
            match self.commit_removing(chunk, Some(key.as_ref())) {
                Ok(written) => ops.extend(written),
                Err(CommitError::Refused(error)) => {
                    self.staged.clear().map_err(Report::from)?;
                    self.db.flush().map_err(Report::from)?;
                    return Err(CommitError::Refused(error));
                }
                Err(failed) => return Err(failed),
            }
            progress(ops.len());
        }
        Ok(ops)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Person;

    fn people(n: usize) -> Vec<Payload> {
        (0..n)
            .map(|i| {
                Payload::PersonUpserted(Person {
                    id: format!("P-420704-s{i}"),
                    office: "420704".into(),
                    name: "欧阳明月".into(),
                    phone: format!("138{i:08}"),
                    position: String::new(),
                    enterprise: None,
                    code: format!("S{i}"),
                })
            })
            .collect()
    }

    #[test]
    fn a_long_write_goes_in_chunks_and_leaves_nothing_staged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let heard = std::cell::RefCell::new(Vec::new());
        let ops = store
            .commit_staged(people(CHUNK * 2 + 7), &|done, total| {
                heard.borrow_mut().push((done, total))
            })
            .unwrap();
        assert_eq!(ops.len(), CHUNK * 2 + 7);
        assert_eq!(store.people().unwrap().len(), CHUNK * 2 + 7);
        assert!(store.staged.is_empty());
        let total = CHUNK * 2 + 7;
        assert_eq!(
            *heard.borrow(),
            [(CHUNK, total), (CHUNK * 2, total), (total, total)]
        );
    }

    #[test]
    fn a_write_cut_short_is_finished_when_the_store_next_opens() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let payloads = people(CHUNK * 3);
        store.stage(&payloads).unwrap();
        // The first chunk is committed, then the process dies.
        let (key, bytes) = store.staged.first().unwrap().unwrap();
        let chunk: Vec<Payload> = postcard::from_bytes(&bytes).unwrap();
        store.commit_removing(chunk, Some(key.as_ref())).unwrap();
        assert_eq!(store.people().unwrap().len(), CHUNK);
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.people().unwrap().len(), CHUNK * 3);
        assert!(store.staged.is_empty());
        assert_eq!(store.ops().count(), CHUNK * 3);
    }
}
