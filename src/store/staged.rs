//! A long write (a sheet of 20,000 rows, a bundle of 40,000 ops) as a run of small transactions
//! that is still all or nothing. sled holds every write of one transaction in memory and splits
//! its nodes by copying them, so one commit of 20,000 people took 430 MB, one bundle of 40,000
//! ops 670 MB, and their time grew faster than their size.
//!
//! The whole write is first put in the `staged` tree in one batch; each chunk is then committed
//! together with the removal of its staged part. A crash in between leaves the rest staged, and
//! the next open finishes it before anything else (`resume_staged`): the store ends with all of
//! the write, or (if the staging itself was not written) none of it. A chunk that fails while
//! the process goes on (a full disk) leaves the rest staged, and every later write finishes it
//! first (`finish_pending`), so nothing newer lands under it. Within the process doing the
//! write, a reader between two chunks sees part of it; the CLI has no such reader, and the
//! interface reads its tabs again when the write is done.

use color_eyre::eyre::{eyre, Report, Result, WrapErr};
use serde::{Deserialize, Serialize};
use sled::transaction::TransactionError;
use sled::Transactional;

use super::derived::Fed;
use super::{CommitError, PayloadSpool, Store};
use crate::i18n::tf;
use crate::log::Payload;

/// Payloads per transaction: small enough for sled, large enough that flushing is not the cost.
pub const CHUNK: usize = 1_000;

/// Raw writes per transaction (an op and the state it changes are two or three).
pub(super) const WRITES_CHUNK: usize = 1_000;

/// The trees a raw write may go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TreeName {
    Ops,
    Heads,
    State,
    Meta,
    Sync,
}

/// Writes to one tree, each a value or a removal, in the order made; a later write to a key
/// wins, as in a sled batch.
#[derive(Debug, Default)]
pub struct TreeBatch(pub(super) Vec<(Vec<u8>, Option<Vec<u8>>)>);

impl TreeBatch {
    pub fn insert(&mut self, key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        self.0
            .push((key.as_ref().to_vec(), Some(value.as_ref().to_vec())));
    }

    /// `insert` of a key and value already owned, without copying them.
    pub fn insert_owned(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.0.push((key, Some(value)));
    }

    pub fn remove(&mut self, key: impl AsRef<[u8]>) {
        self.0.push((key.as_ref().to_vec(), None));
    }
}

pub(super) type RawWrite = (TreeName, Vec<u8>, Option<Vec<u8>>);

/// What the `staged` tree holds: own payloads still to commit as ops, or raw writes worked out
/// in full before (a bundle import's).
#[derive(Serialize, Deserialize)]
pub(super) enum Staged {
    Payloads(Vec<Payload>),
    Writes(Vec<RawWrite>),
}

/// In `meta` while chunks are being staged: a store opened with it still there holds part of a
/// write that was never complete, and none of it is applied.
pub(super) const STAGING: &str = "staging";

pub(super) fn chunk_key(i: usize) -> [u8; 8] {
    (i as u64).to_be_bytes()
}

/// A staged chunk is kept in parts of at most this many bytes. sled keeps the page it touched
/// last in each of its 256 cache shards (96 KB each when the cache was 24 MB), so pages of whole chunks
/// (80 KB values, up to 16 to a page) were never let go: 50 MB of a 400,000-op import's peak.
const PART_BYTES: usize = 4 << 10;

/// Keys of a chunk's parts: the chunk's key, then the part's number.
fn part_key(chunk: usize, part: usize) -> [u8; 12] {
    let mut key = [0; 12];
    key[..8].copy_from_slice(&chunk_key(chunk));
    key[8..].copy_from_slice(&(part as u32).to_be_bytes());
    key
}

/// Stages chunk `i`'s encoded bytes, in parts.
pub(super) fn insert_chunk(staged: &sled::Tree, i: usize, bytes: &[u8]) -> sled::Result<()> {
    for (part, piece) in bytes.chunks(PART_BYTES).enumerate() {
        staged.insert(part_key(i, part), piece)?;
    }
    Ok(())
}

/// The keys of one staged chunk's parts, removed together when it is committed.
pub(super) type ChunkKeys = Vec<sled::IVec>;

/// The first chunk still staged: its keys and its bytes. A chunk staged by an earlier peixun is
/// one key of 8 bytes, read the same way. Another thread finishing the same write may commit the
/// chunk while its parts are read: parts missing from the front or the middle, or all of them,
/// are seen here and the chunk is read again (a few times: parts that stay missing are a damaged
/// store, and the bytes read, which do not decode, say so); the caller sees a missing end (the
/// bytes do not decode) with `still_staged`.
pub(super) fn first_chunk(staged: &sled::Tree) -> sled::Result<Option<(ChunkKeys, Vec<u8>)>> {
    let mut tries = 0;
    loop {
        let Some((first, _)) = staged.first()? else {
            return Ok(None);
        };
        let chunk = &first[..first.len().min(8)];
        let mut keys = Vec::new();
        let mut bytes = Vec::new();
        let mut whole = true;
        for part in staged.scan_prefix(chunk) {
            let (key, piece) = part?;
            // No number: a chunk of one key, staged by an earlier peixun.
            let number = key
                .get(8..12)
                .and_then(|n| n.try_into().ok())
                .map(u32::from_be_bytes);
            whole &= number.is_none_or(|n| n as usize == keys.len());
            keys.push(key);
            bytes.extend_from_slice(&piece);
        }
        tries += 1;
        if (whole && !keys.is_empty()) || tries == 100 {
            return Ok(Some((keys, bytes)));
        }
    }
}

/// Whether every part of a chunk is still staged: a chunk that does not decode and is not is one
/// another thread committed while it was read, not a damaged one.
pub(super) fn still_staged(staged: &sled::Tree, keys: &[sled::IVec]) -> sled::Result<bool> {
    if keys.is_empty() {
        return Ok(false);
    }
    for key in keys {
        if !staged.contains_key(key)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// How many chunks are staged.
pub(super) fn chunks_staged(staged: &sled::Tree) -> sled::Result<usize> {
    let mut count = 0;
    for key in staged.iter().keys() {
        let key = key?;
        count += usize::from(key.len() == 8 || key[8..] == [0; 4]);
    }
    Ok(count)
}

impl Store {
    /// `commit` for any number of payloads, in chunks of `CHUNK`, all or nothing across a crash;
    /// how many ops were written. `progress` hears (payloads written, all of them) after each
    /// chunk. The ops are not handed back: 40,000 rows' held 23 MB until the last chunk.
    pub fn commit_staged(
        &self,
        payloads: &PayloadSpool,
        progress: &dyn Fn(usize, usize),
    ) -> Result<usize, CommitError> {
        self.finish_pending()?;
        let total = payloads.len();
        if total <= CHUNK {
            let all = payloads.chunks()?.collect::<Result<Vec<_>>>()?.concat();
            let written = self.commit(all)?.len();
            progress(total, total);
            return Ok(written);
        }
        // Read back once to refuse before anything is staged, then once to stage: the spool is
        // never in memory whole.
        for chunk in payloads.chunks()? {
            self.refuse_oversized(&chunk?)?;
        }
        let _only_one = self.only_long_write()?;
        self.stage(payloads)?;
        self.commit_pending(&|done| progress(done, total))
    }

    fn stage(&self, payloads: &PayloadSpool) -> Result<()> {
        self.stage_chunks(payloads.chunks()?.map(|c| c.map(Staged::Payloads)))
    }

    /// Writes every chunk to the `staged` tree, one at a time so that the whole write is never
    /// held twice (once made, once encoded), under the `STAGING` mark, flushed. Staged in one
    /// batch, 400,000 ops of a bundle took 120 MB more at their peak.
    fn stage_chunks(&self, chunks: impl Iterator<Item = Result<Staged>>) -> Result<()> {
        if !self.staged.is_empty() {
            return Err(eyre!("an earlier staged write is still pending"));
        }
        let write_failed = || tf("cli.store.write_failed", &[("dir", &self.dir.display())]);
        self.meta.insert(STAGING, &[]).wrap_err_with(write_failed)?;
        let staged = chunks.enumerate().try_for_each(|(i, chunk)| -> Result<()> {
            let bytes = postcard::to_stdvec(&chunk?).map_err(Report::from)?;
            insert_chunk(&self.staged, i, &bytes)?;
            Ok(())
        });
        if let Err(error) = staged {
            // Nothing of it was applied; what was staged goes, or goes at the next open.
            let _ = self.drop_unfinished_staging();
            return Err(error).wrap_err_with(write_failed);
        }
        self.meta.remove(STAGING).wrap_err_with(write_failed)?;
        self.db.flush().wrap_err_with(write_failed)?;
        Ok(())
    }

    /// Removes the chunks of a staging that never completed, and its mark.
    pub(super) fn drop_unfinished_staging(&self) -> Result<()> {
        self.staged.clear()?;
        self.meta.remove(STAGING)?;
        self.db.flush()?;
        Ok(())
    }

    /// Raw writes in one transaction, with the removal of their staged chunk, flushed.
    pub(super) fn apply_removing(
        &self,
        writes: &[RawWrite],
        staged: Option<&[sled::IVec]>,
    ) -> Result<()> {
        let write_failed = || tf("cli.store.write_failed", &[("dir", &self.dir.display())]);
        let derived_before = self.derived.generations()?;
        let _writing = self.derived.writing();
        let fed = writes
            .iter()
            .filter(|(tree, _, _)| *tree == TreeName::State)
            .fold(Fed::default(), |fed, (_, key, _)| fed.with(Fed::by(key)));
        if !fed.is_empty() {
            self.derived.invalidate(fed).wrap_err_with(write_failed)?;
        }
        let sync = self.sync_tree().wrap_err_with(write_failed)?;
        let trees = (
            &self.ops,
            &self.heads,
            &self.state,
            &self.meta,
            &sync,
            &self.staged,
        );
        let result = apply_chunk(trees, writes, staged);
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(true)) => return Ok(()),
            Err(TransactionError::Abort(false)) => {
                return Err(eyre!("write transaction aborted")).wrap_err_with(write_failed)
            }
            Err(TransactionError::Storage(error)) => return Err(error).wrap_err_with(write_failed),
        }
        self.db.flush().wrap_err_with(write_failed)?;
        self.derived.settle(derived_before)?;
        Ok(())
    }

    /// Finishes a staged write a crash interrupted. Called on open, before anything else.
    pub(super) fn resume_staged(&self) -> Result<()> {
        if self.meta.contains_key(STAGING)? {
            crate::errln!("{}", crate::i18n::t("cli.store.staging_dropped"));
            return self.drop_unfinished_staging();
        }
        if self.staged.is_empty() {
            return Ok(());
        }
        crate::errln!(
            "{}",
            tf(
                "cli.store.resuming",
                &[("chunks", &chunks_staged(&self.staged)?)]
            )
        );
        self.finish_pending()
    }

    /// Finishes a staged write that a failure (a full disk, say) left part done in this
    /// process. Every other write calls this first: the rest was worked out against the state
    /// before it, so it must land before anything newer, as it would after a crash.
    pub(crate) fn finish_pending(&self) -> Result<()> {
        // Still being staged by another thread, which commits it once staged.
        if self.staged.is_empty() || self.meta.contains_key(STAGING)? {
            return Ok(());
        }
        self.commit_pending(&|_| {}).map_err(|e| match e {
            CommitError::Refused(error) => Report::from(error),
            CommitError::Failed(report) => report,
        })?;
        self.catch_up_clock()
    }

    /// A bundle's staged writes move the stored clock past remote stamps; the writer's copy,
    /// read before them, must follow, or the next op here would sort before ops it came after.
    fn catch_up_clock(&self) -> Result<()> {
        let Some(bytes) = self.meta.get("hlc")? else {
            return Ok(());
        };
        let stored: crate::log::Hlc = postcard::from_bytes(&bytes)
            .map_err(|e| Report::from(e).wrap_err("reading the clock"))?;
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| eyre!("store writer lock poisoned"))?;
        writer.hlc = writer.hlc.max(stored);
        Ok(())
    }

    /// Commits each staged chunk in order, removing it in the same transaction. A sheet writes
    /// only the office's own records, which the rules never refuse; were a chunk refused, the
    /// chunks before it stay written and the rest is dropped, so the store still opens.
    pub(super) fn commit_pending(&self, progress: &dyn Fn(usize)) -> Result<usize, CommitError> {
        // The chunks are one write to a reader keeping a summary: between two of them the state
        // may be ahead of the heads.
        let _writing = self.derived.writing();
        let mut written = 0;
        while let Some((keys, bytes)) = first_chunk(&self.staged).map_err(Report::from)? {
            let chunk: Staged = match postcard::from_bytes(&bytes) {
                Ok(chunk) => chunk,
                Err(_) if !still_staged(&self.staged, &keys).map_err(Report::from)? => continue,
                Err(e) => return Err(Report::from(e).wrap_err("reading a staged write").into()),
            };
            match chunk {
                Staged::Writes(writes) => {
                    self.apply_removing(&writes, Some(&keys))?;
                    written += writes.len();
                }
                Staged::Payloads(payloads) => match self.commit_removing(payloads, Some(&keys)) {
                    Ok(committed) => written += committed.len(),
                    Err(CommitError::Refused(error)) => {
                        self.staged.clear().map_err(Report::from)?;
                        self.db.flush().map_err(Report::from)?;
                        return Err(CommitError::Refused(error));
                    }
                    Err(failed) => return Err(failed),
                },
            }
            progress(written);
        }
        Ok(written)
    }
}

/// The trees a staged chunk writes to, in `TreeName` order, then the staged tree.
type ChunkTrees<'a> = (
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
    &'a sled::Tree,
);

/// Raw writes in one transaction with the removal of their chunk's parts from `staged`.
/// Aborted with `true` when the chunk is no longer staged: another thread finishing the same
/// write applied it first, and it is not applied twice.
fn apply_chunk(
    trees: ChunkTrees<'_>,
    writes: &[RawWrite],
    staged: Option<&[sled::IVec]>,
) -> Result<(), TransactionError<bool>> {
    trees.transaction(|(ops, heads, state, meta, sync, staged_tree)| {
        for key in staged.into_iter().flatten() {
            if staged_tree.remove(key)?.is_none() {
                return Err(sled::transaction::ConflictableTransactionError::Abort(true));
            }
        }
        for (tree, key, value) in writes {
            let tree = match tree {
                TreeName::Ops => ops,
                TreeName::Heads => heads,
                TreeName::State => state,
                TreeName::Meta => meta,
                TreeName::Sync => sync,
            };
            match value {
                Some(value) => tree.insert(key.as_slice(), value.as_slice())?,
                None => tree.remove(key.as_slice())?,
            };
        }
        Ok(())
    })
}

/// Finishes, in an older store about to be copied into the new layout (`relog`), the raw
/// writes of a bundle import a crash cut short. They were worked out for that store's layout
/// (its op log `log`, its lookups); finished after the copy they would land in the new one as
/// keys it cannot read. Staged payloads are left: they become ops only when committed. A write
/// cut short while it was being staged is left too, for the open to drop whole, as it would.
pub(super) fn finish_writes_in(db: &sled::Db, log: &str) -> Result<()> {
    if db.open_tree("meta")?.contains_key(STAGING)? {
        return Ok(());
    }
    let staged = db.open_tree("staged")?;
    let trees = [log, "heads", "state", "meta", "sync"]
        .into_iter()
        .map(|name| db.open_tree(name))
        .collect::<sled::Result<Vec<_>>>()?;
    let [ops, heads, state, meta, sync] = &trees[..] else {
        return Err(eyre!("five trees were opened"));
    };
    let mut finished = false;
    while let Some((keys, bytes)) = first_chunk(&staged)? {
        let chunk: Staged = postcard::from_bytes(&bytes)
            .map_err(|e| Report::from(e).wrap_err("reading a staged write"))?;
        let Staged::Writes(writes) = chunk else {
            break;
        };
        match apply_chunk(
            (ops, heads, state, meta, sync, &staged),
            &writes,
            Some(&keys),
        ) {
            Ok(()) | Err(TransactionError::Abort(true)) => finished = true,
            Err(TransactionError::Abort(false)) => return Err(eyre!("write transaction aborted")),
            Err(TransactionError::Storage(error)) => return Err(error.into()),
        }
    }
    if finished {
        db.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Person;
    use crate::log::Op;

    /// Stages raw writes without committing them, as a write cut short after staging leaves them.
    fn stage_writes(store: &Store, writes: Vec<RawWrite>) {
        let mut staging = store.staging().unwrap();
        for (tree, key, value) in writes {
            staging.push(tree, key, value).unwrap();
        }
        assert!(staging.seal().unwrap(), "long enough to be staged");
    }

    /// The first staged chunk, as a write cut short after staging would leave it.
    fn first_staged(store: &Store) -> (ChunkKeys, Staged) {
        let (keys, bytes) = first_chunk(&store.staged).unwrap().unwrap();
        (keys, postcard::from_bytes(&bytes).unwrap())
    }

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
        let written = store
            .commit_staged(&people(CHUNK * 2 + 7).into(), &|done, total| {
                heard.borrow_mut().push((done, total))
            })
            .unwrap();
        assert_eq!(written, CHUNK * 2 + 7);
        assert_eq!(store.ops().count(), CHUNK * 2 + 7);
        assert_eq!(store.people().unwrap().len(), CHUNK * 2 + 7);
        assert!(store.staged.is_empty());
        let total = CHUNK * 2 + 7;
        assert_eq!(
            *heard.borrow(),
            [(CHUNK, total), (CHUNK * 2, total), (total, total)]
        );
    }

    #[test]
    fn a_chunk_is_staged_in_small_parts_and_committed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.stage(&people(CHUNK * 2).into()).unwrap();
        assert_eq!(chunks_staged(&store.staged).unwrap(), 2);
        assert!(
            store.staged.len() > 2,
            "a chunk of people is more than one part"
        );
        for part in store.staged.iter().values() {
            assert!(part.unwrap().len() <= PART_BYTES);
        }
        let (keys, Staged::Payloads(chunk)) = first_staged(&store) else {
            panic!("payloads were staged");
        };
        assert_eq!(chunk, people(CHUNK * 2)[..CHUNK]);
        store.commit_removing(chunk, Some(&keys)).unwrap();
        assert_eq!(
            chunks_staged(&store.staged).unwrap(),
            1,
            "every part went with it"
        );
        store.commit_pending(&|_| {}).unwrap();
        assert!(store.staged.is_empty());
        assert_eq!(store.people().unwrap().len(), CHUNK * 2);
    }

    #[test]
    fn a_write_cut_short_is_finished_when_the_store_next_opens() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let payloads = people(CHUNK * 3);
        store.stage(&payloads.into()).unwrap();
        // The first chunk is committed, then the process dies.
        let (key, Staged::Payloads(chunk)) = first_staged(&store) else {
            panic!("payloads were staged");
        };
        store.commit_removing(chunk, Some(&key)).unwrap();
        assert_eq!(store.people().unwrap().len(), CHUNK);
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.people().unwrap().len(), CHUNK * 3);
        assert!(store.staged.is_empty());
        assert_eq!(store.ops().count(), CHUNK * 3);
    }

    #[test]
    fn a_write_left_part_done_lands_before_the_next_one_in_the_same_process() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.stage(&people(CHUNK * 2).into()).unwrap();
        let (key, Staged::Payloads(chunk)) = first_staged(&store) else {
            panic!("payloads were staged");
        };
        store.commit_removing(chunk, Some(&key)).unwrap();
        // The second chunk failed; the coordinator goes on and checks someone in.
        let later = store.commit(people(1)).unwrap();
        assert!(store.staged.is_empty());
        assert_eq!(store.ops().count(), CHUNK * 2 + 1);
        assert_eq!(later[0].seq, (CHUNK * 2 + 1) as u64, "the rest went first");
        // A second long write is no longer refused as "still pending".
        store
            .commit_staged(&people(CHUNK + 1).into(), &|_, _| {})
            .unwrap();
    }

    #[test]
    fn the_clock_follows_a_bundle_finished_after_open() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let ahead = crate::log::Hlc {
            wall_ms: crate::log::hlc::now_ms() + 3_600_000,
            counter: 7,
        };
        let writes: Vec<RawWrite> = (0..WRITES_CHUNK + 1)
            .map(|i| {
                (
                    TreeName::Sync,
                    format!("k{i:06}").into_bytes(),
                    Some(vec![1]),
                )
            })
            .chain([(
                TreeName::Meta,
                b"hlc".to_vec(),
                Some(postcard::to_stdvec(&ahead).unwrap()),
            )])
            .collect();
        stage_writes(&store, writes);
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        let ops = store.commit(people(1)).unwrap();
        assert!(
            ops[0].hlc > ahead,
            "{:?} must come after {ahead:?}",
            ops[0].hlc
        );
    }

    #[test]
    fn a_chunk_committed_by_one_thread_is_not_committed_again_by_another() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.stage(&people(CHUNK * 2).into()).unwrap();
        let (key, Staged::Payloads(chunk)) = first_staged(&store) else {
            panic!("payloads were staged");
        };
        // Both threads read the same first chunk; the second reaches the lock after the first.
        store.commit_removing(chunk.clone(), Some(&key)).unwrap();
        let again = store.commit_removing(chunk, Some(&key)).unwrap();
        assert!(again.is_empty());
        assert_eq!(store.ops().count(), CHUNK);

        let writes: Vec<RawWrite> = (0..WRITES_CHUNK * 2)
            .map(|i| {
                (
                    TreeName::Sync,
                    format!("k{i:06}").into_bytes(),
                    Some(vec![1]),
                )
            })
            .collect();
        store.staged.clear().unwrap();
        stage_writes(&store, writes);
        let (key, Staged::Writes(chunk)) = first_staged(&store) else {
            panic!("raw writes were staged");
        };
        store.apply_removing(&chunk, Some(&key)).unwrap();
        // A later write changed a key the chunk wrote; the chunk applied again would undo it.
        let sync = store.sync_tree().unwrap();
        sync.insert("k000000", vec![2]).unwrap();
        store.apply_removing(&chunk, Some(&key)).unwrap();
        assert_eq!(sync.get("k000000").unwrap().as_deref(), Some(&[2u8][..]));
    }

    #[test]
    fn threads_finishing_the_same_write_together_write_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.stage(&people(CHUNK * 4).into()).unwrap();
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| store.finish_pending().unwrap());
            }
        });
        assert!(store.staged.is_empty());
        assert_eq!(store.ops().count(), CHUNK * 4);
    }

    #[test]
    fn raw_writes_cut_short_are_finished_when_the_store_next_opens() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let writes: Vec<RawWrite> = (0..WRITES_CHUNK * 2 + 3)
            .map(|i| {
                (
                    TreeName::Sync,
                    format!("k{i:06}").into_bytes(),
                    Some(vec![1]),
                )
            })
            .chain([(TreeName::Sync, b"k000000".to_vec(), None)])
            .collect();
        stage_writes(&store, writes);
        let (key, Staged::Writes(chunk)) = first_staged(&store) else {
            panic!("raw writes were staged");
        };
        store.apply_removing(&chunk, Some(&key)).unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        let sync = store.sync_tree().unwrap();
        assert_eq!(
            sync.len(),
            WRITES_CHUNK * 2 + 2,
            "the last write, a removal, wins"
        );
        assert!(sync.get("k000000").unwrap().is_none());
        assert!(store.staged.is_empty());
    }
    /// `writes` staged as the one chunk of an import cut short in a store of `schema`.
    fn left_half_written(db: &sled::Db, writes: Vec<RawWrite>, schema: u32) {
        let chunk = postcard::to_stdvec(&Staged::Writes(writes)).unwrap();
        db.open_tree("staged")
            .unwrap()
            .insert(chunk_key(0), chunk)
            .unwrap();
        let meta = db.open_tree("meta").unwrap();
        meta.insert("schema", &schema.to_be_bytes()).unwrap();
        db.flush().unwrap();
    }

    /// A bundle import a schema-4 peixun left half written holds op writes keyed by device and
    /// seq; the upgrade finishes them in that layout before it moves the log into runs.
    #[test]
    fn an_old_stores_unfinished_import_lands_in_the_new_log() {
        let (dir, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let own = store.commit(people(2)).unwrap();
        let sender = Store::create(other.path(), "420704", "另一台").unwrap();
        let theirs = sender.commit(people(3)).unwrap();
        drop((store, sender));
        let db = sled::open(dir.path().join("db")).unwrap();
        db.drop_tree("oplog").unwrap();
        let old_key = |op: &Op| [op.device.to_be_bytes(), op.seq.to_be_bytes()].concat();
        let old_log = db.open_tree("ops").unwrap();
        for op in &own {
            old_log.insert(old_key(op), op.encode().unwrap()).unwrap();
        }
        let last = theirs.last().unwrap();
        let head = super::super::Head {
            office: "420704".into(),
            seq: last.seq,
            hash: Op::hash_of(&last.encode().unwrap()),
        };
        let writes: Vec<RawWrite> = theirs
            .iter()
            .map(|op| (TreeName::Ops, old_key(op), Some(op.encode().unwrap())))
            .chain([(
                TreeName::Heads,
                last.device.to_be_bytes().to_vec(),
                Some(postcard::to_stdvec(&head).unwrap()),
            )])
            .collect();
        left_half_written(&db, writes, 4);
        drop((old_log, db));

        let store = Store::open(dir.path()).unwrap();
        assert!(store.staged.is_empty());
        let read: Vec<Op> = store.ops().collect::<Result<_>>().unwrap();
        assert_eq!(read.len(), own.len() + theirs.len(), "{read:?}");
        for op in own.iter().chain(&theirs) {
            assert!(read.contains(op), "{op:?} is in the new log");
        }
    }
    /// A bundle import a schema-6 peixun left half written holds state writes with the lookups a
    /// key per pair; the upgrade finishes them in that layout before it copies them into buckets,
    /// so the people it brought are found by phone and code, even in a store that had nobody.
    #[test]
    fn an_unfinished_import_of_lookups_a_key_per_pair_lands_in_the_buckets() {
        use crate::log::lookup_buckets::{code_bucket, phone_bucket, PREFIXES};
        let (dir, other) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        // A store with nobody yet, as a new office's first bundle finds it: only the import
        // still to finish says the store needs copying.
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let sender = Store::create(other.path(), "420704", "另一台").unwrap();
        let brought = Person {
            id: "P-420704-t1".into(),
            office: "420704".into(),
            name: "司马光".into(),
            phone: "13912345678".into(),
            position: String::new(),
            enterprise: None,
            code: "T1".into(),
        };
        sender
            .commit(vec![Payload::PersonUpserted(brought.clone())])
            .unwrap();
        let record = sender.state.get(format!("p/{}", brought.id)).unwrap();
        drop((store, sender));
        let db = sled::open(dir.path().join("db")).unwrap();
        let state = db.open_tree("state").unwrap();
        let pairs = |p: &Person| {
            [
                format!("h/{}/{}", p.phone, p.id),
                format!("o/{}/{}", p.code, p.id),
            ]
        };
        assert_eq!(state.scan_prefix("h/").count(), 0, "nobody's lookups yet");
        let writes: Vec<RawWrite> = pairs(&brought)
            .into_iter()
            .map(|key| (TreeName::State, key.into_bytes(), Some(Vec::new())))
            .chain([(
                TreeName::State,
                format!("p/{}", brought.id).into_bytes(),
                record.map(|bytes| bytes.to_vec()),
            )])
            .collect();
        left_half_written(&db, writes, 6);
        drop((state, db));

        let store = Store::open(dir.path()).unwrap();
        assert!(store.staged.is_empty());
        let found = crate::search::lookup::by_phone(&store, &brought.phone).unwrap();
        assert_eq!(found.map(|p| p.id), Some(brought.id.clone()));
        let by_code = crate::search::lookup::by_code(&store, &brought.code).unwrap();
        assert_eq!(by_code.len(), 1);
        for prefix in PREFIXES {
            for key in store.state.scan_prefix(prefix).keys() {
                let key = String::from_utf8(key.unwrap().to_vec()).unwrap();
                assert!(crate::log::lookup_buckets::is_bucket(&key), "{key}");
            }
        }
        assert!(store
            .state
            .get(phone_bucket(&brought.phone))
            .unwrap()
            .is_some());
        assert!(store
            .state
            .get(code_bucket(&brought.code))
            .unwrap()
            .is_some());
    }
    /// Staging stopped part way (the process killed between two chunks): none of the write is
    /// applied at the next open, the part staged is gone, and the next write goes in whole.
    #[test]
    fn a_write_cut_short_while_it_was_staged_is_dropped_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.meta.insert(STAGING, &[]).unwrap();
        let chunk = Staged::Payloads(people(CHUNK)[..10].to_vec());
        store
            .staged
            .insert(chunk_key(0), postcard::to_stdvec(&chunk).unwrap())
            .unwrap();
        // Another thread of the same process does not take part of a write still being staged.
        store.finish_pending().unwrap();
        assert_eq!(store.staged.len(), 1);
        store.db.flush().unwrap();
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert!(store.staged.is_empty());
        assert!(!store.meta.contains_key(STAGING).unwrap());
        assert_eq!(store.ops().count(), 0, "none of it applied");
        store
            .commit_staged(&people(CHUNK + 5).into(), &|_, _| {})
            .unwrap();
        assert_eq!(store.people().unwrap().len(), CHUNK + 5);
        assert!(!store.meta.contains_key(STAGING).unwrap());
    }
}
