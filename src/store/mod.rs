//! The sled store of one office install: its op log per device, the materialised state, and the
//! meta tree (office, device, schema). One process at a time.

pub mod checklist;
pub mod derived;
mod enrol;
pub mod foreign;
pub mod holder;
pub mod home;
mod in_order;
pub mod kept;
pub mod kept_records;
pub mod lists;
mod migrate;
mod open;
pub(crate) mod oplog;
mod paper;
mod payload_spool;
pub mod plans;
pub mod printed;
pub mod query;
mod refold_parts;
mod refold_scratch;
pub mod refolded;
mod relog;
pub mod search_changes;
mod staged;
mod staging;
pub mod voided;
pub mod write_journal;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use color_eyre::eyre::{eyre, Report, Result, WrapErr};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::Transactional;

use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::{ApplyError, DeviceId, Hash, Hlc, Kv, Op, Payload};

pub use enrol::{CheckIn, Enrolled, PersonDraft, SessionFull};
pub use open::{damaged_message, default_data_dir, is_locked, StoreError, StoreLock};
pub use paper::{PaperCheckIn, PaperRow};
pub use payload_spool::PayloadSpool;
pub use staged::{TreeBatch, TreeName, CHUNK as STAGED_CHUNK};

/// Bumped whenever the on-disk layout changes; an older peixun refuses a newer store, and a
/// newer one folds an older store's state again from its log (`migrate`).
/// 4: every write to people or enterprises removes the search index kept beside the store.
/// 6: every write to checklist marks, deadlines or evidence, sessions, enrolment or check-in
/// counts removes the records kept beside the store for the quick commands (`kept_records`).
/// 7: the phone and code lookups are kept in buckets (`log::lookup_buckets`).
pub const SCHEMA_VERSION: u32 = 7;

/// Why a commit wrote nothing.
#[derive(Debug)]
pub enum CommitError {
    /// The rules of who may write what keep an op from this office
    /// (`ApplyError::Unauthorised`): a refusal to say, not a failure.
    Refused(ApplyError),
    /// The store or the disk failed, or an op did not encode.
    Failed(color_eyre::Report),
}

impl From<color_eyre::Report> for CommitError {
    fn from(report: color_eyre::Report) -> CommitError {
        CommitError::Failed(report)
    }
}

impl std::fmt::Display for CommitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommitError::Refused(error) => error.fmt(f),
            CommitError::Failed(report) => std::fmt::Display::fmt(report, f),
        }
    }
}

/// A failure's causes stay its own, so its chain reads as it did before it was wrapped.
impl std::error::Error for CommitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CommitError::Refused(error) => error.source(),
            CommitError::Failed(report) => report.source(),
        }
    }
}

/// The last op of one device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub office: OfficeId,
    pub seq: u64,
    pub hash: Hash,
}

pub(crate) struct Writer {
    head: Head,
    pub(crate) hlc: Hlc,
    next_id: u64,
}

pub struct Store {
    dir: PathBuf,
    db: sled::Db,
    pub(crate) ops: sled::Tree,
    pub(crate) heads: sled::Tree,
    pub(crate) state: sled::Tree,
    pub(crate) meta: sled::Tree,
    office: OfficeId,
    device: DeviceId,
    /// This open found the folder copied or moved and made this install a new device.
    rehomed_on_open: bool,
    actor: String,
    pub(crate) writer: Mutex<Writer>,
    pub(crate) derived: derived::Derived,
    /// The rest of a long write not yet committed (`staged`).
    staged: sled::Tree,
    /// Held by the one long write being staged: two share the `staged` tree's chunk keys, and
    /// the store service runs other processes' commands side by side.
    staging_lock: Mutex<()>,
    /// Held by one import from its preview to its write (`import_turn`).
    import_lock: Mutex<()>,
    _lock: File,
}

/// Every office refuses an op over `Op::MAX_BYTES` in a bundle: kept here, it would stop every
/// bundle this office sends after it.
fn refuse_op_of(len: usize) -> Result<()> {
    if len as u64 > Op::MAX_BYTES {
        return Err(eyre!(tf(
            "cli.store.op_too_large",
            &[("kib", &(len / 1024)), ("max", &(Op::MAX_BYTES / 1024))]
        )));
    }
    Ok(())
}

impl Store {
    /// Refuses payloads of which an op would be too large, before a long write stages any of
    /// them: found while its chunks are committed, the rest would stay staged and block every
    /// later write. Each is encoded with the largest stamps, so none that passes is refused later.
    pub(super) fn refuse_oversized(&self, payloads: &[Payload]) -> Result<()> {
        for payload in payloads {
            let op = Op {
                office: self.office.clone(),
                device: self.device,
                seq: u64::MAX,
                hlc: Hlc {
                    wall_ms: u64::MAX,
                    counter: u32::MAX,
                },
                prev: [0xff; 32],
                actor: self.actor.clone(),
                payload: payload.clone(),
            };
            refuse_op_of(op.encode().wrap_err("encoding an op")?.len())?;
        }
        Ok(())
    }
}

/// What a transaction aborts with when `apply` refuses an op.
pub(crate) trait FromApply {
    fn from_apply(error: ApplyError) -> Self;
}

impl FromApply for ApplyError {
    fn from_apply(error: ApplyError) -> Self {
        error
    }
}

/// `apply`'s view of a sled transaction, aborting with `E`. The first write to what a derived
/// file is built from removes the file before the transaction commits.
pub(crate) struct TxKv<'a, E> {
    tree: &'a TransactionalTree,
    derived: &'a derived::Derived,
    invalidated: derived::Fed,
    /// Where a commit notes the people it changes, to bring the search index up to date
    /// after it rather than remove it.
    people: Option<&'a search_changes::PeopleTouched>,
    /// Where a commit notes what it changes, for its step in `write_journal`.
    writes: Option<&'a write_journal::Noting>,
    error: std::marker::PhantomData<E>,
}

impl<'a, E> TxKv<'a, E> {
    pub(crate) fn new(tree: &'a TransactionalTree, derived: &'a derived::Derived) -> Self {
        TxKv {
            tree,
            derived,
            invalidated: derived::Fed::default(),
            people: None,
            writes: None,
            error: std::marker::PhantomData,
        }
    }

    /// Notes in `people` whom the write changes.
    pub(crate) fn noting_people(mut self, people: &'a search_changes::PeopleTouched) -> Self {
        self.people = Some(people);
        self
    }

    /// Notes in `writes` what the write changes.
    pub(crate) fn noting_writes(mut self, writes: &'a write_journal::Noting) -> Self {
        self.writes = Some(writes);
        self
    }

    fn before_write(&mut self, key: &str) -> Result<(), ConflictableTransactionError<E>> {
        if let Some(writes) = self.writes {
            writes.note(key);
        }
        let mut fed = derived::Fed::by(key.as_bytes()).beyond(self.invalidated);
        let search = derived::Fed::only(derived::DerivedFile::Search);
        let io = |e| ConflictableTransactionError::Storage(sled::Error::Io(e));
        if let Some(people) = self.people.filter(|_| fed.with(search) == fed) {
            if let Some(id) = key.strip_prefix("p/") {
                people.touch(self.derived, id).map_err(io)?;
                fed = fed.beyond(search);
            } else if let Some(id) = key.strip_prefix("e/") {
                // An enterprise the store did not have changes no one's entry in the index:
                // its name is kept beside it. One changed renames people's enterprise.
                let made = people.made_enterprise(id).map_err(io)? || self.tree.get(key)?.is_none();
                if made {
                    people.touch_new_enterprise(self.derived, id).map_err(io)?;
                    fed = fed.beyond(search);
                }
            }
        }
        if !fed.is_empty() {
            self.derived
                .invalidate(fed)
                .map_err(|e| ConflictableTransactionError::Storage(sled::Error::Io(e)))?;
            self.invalidated = self.invalidated.with(fed);
        }
        Ok(())
    }
}

impl<E: FromApply> Kv for TxKv<'_, E> {
    type Error = ConflictableTransactionError<E>;
    type Bytes<'b>
        = sled::IVec
    where
        Self: 'b;
    fn get(&self, key: &str) -> Result<Option<sled::IVec>, Self::Error> {
        Ok(self.tree.get(key)?)
    }
    fn put(&mut self, key: &str, value: Vec<u8>) -> Result<(), Self::Error> {
        self.before_write(key)?;
        self.tree.insert(key, value)?;
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), Self::Error> {
        self.before_write(key)?;
        self.tree.remove(key)?;
        Ok(())
    }
    fn fail(error: ApplyError) -> Self::Error {
        ConflictableTransactionError::Abort(E::from_apply(error))
    }
}

pub(crate) fn op_key(device: DeviceId, seq: u64) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&device.to_be_bytes());
    key[8..].copy_from_slice(&seq.to_be_bytes());
    key
}

impl Store {
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn office(&self) -> &str {
        &self.office
    }

    /// Every tree, for a backup's snapshot.
    /// The folded records under `prefix`, for the features that read their own (the
    /// certification book).
    pub(crate) fn scan_state(&self, prefix: &str) -> sled::Iter {
        self.state.scan_prefix(prefix)
    }

    pub(crate) fn db(&self) -> &sled::Db {
        &self.db
    }

    pub fn device(&self) -> DeviceId {
        self.device
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// A new record id, unique across this office's devices: kind, office, device tag, counter.
    pub fn new_id(&self, kind: char) -> Result<String> {
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| eyre!("store writer lock poisoned"))?;
        writer.next_id += 1;
        Ok(format!(
            "{kind}-{}-{}-{}",
            self.office,
            crate::log::device::short_label(self.device),
            writer.next_id
        ))
    }

    /// Appends `payloads` as ops of this device and applies them, all in one transaction, and
    /// returns only once the transaction is flushed to disk.
    pub fn commit(&self, payloads: Vec<Payload>) -> Result<Vec<Op>, CommitError> {
        self.finish_pending()?;
        self.commit_removing(payloads, None)
    }

    /// `commit`, removing the staged chunk `staged` in the same transaction (`staged`).
    fn commit_removing(
        &self,
        payloads: Vec<Payload>,
        staged: Option<&[sled::IVec]>,
    ) -> Result<Vec<Op>, CommitError> {
        if payloads.is_empty() {
            return Ok(Vec::new());
        }
        // A step of the journal is written only for a write no other overlapped.
        let alone = self.derived.quiet();
        let _writing = self.derived.writing();
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| eyre!("store writer lock poisoned"))?;
        let before = alone.map(|_| self.heads_digest()).transpose()?;
        // Another thread finishing the same staged write committed this chunk while this one
        // waited for the lock: it is not written twice.
        if let Some(first) = staged.and_then(|keys| keys.first()) {
            if !self.staged.contains_key(first).map_err(Report::from)? {
                return Ok(Vec::new());
            }
        }
        let mut head = writer.head.clone();
        let mut hlc = writer.hlc;
        let now = crate::log::hlc::now_ms();
        let mut encoded = Vec::with_capacity(payloads.len());
        for payload in payloads {
            hlc = hlc.tick(now);
            let op = Op {
                office: self.office.clone(),
                device: self.device,
                seq: head.seq + 1,
                hlc,
                prev: head.hash,
                actor: self.actor.clone(),
                payload,
            };
            let bytes = op.encode().wrap_err("encoding an op")?;
            refuse_op_of(bytes.len())?;
            head.seq = op.seq;
            head.hash = Op::hash_of(&bytes);
            encoded.push((op, bytes));
        }
        let head_bytes = postcard::to_stdvec(&head).map_err(Report::from)?;
        let hlc_bytes = postcard::to_stdvec(&hlc).map_err(Report::from)?;
        let next_id = writer.next_id;
        let derived_before = self.derived.generations()?;
        let people = search_changes::PeopleTouched::default();
        let noting = write_journal::Noting::default();
        let trees = (
            &self.ops,
            &self.heads,
            &self.state,
            &self.meta,
            &self.staged,
        );
        let result = trees.transaction(|(ops, heads, state, meta, staged_tree)| {
            people.new_attempt();
            for key in staged.into_iter().flatten() {
                staged_tree.remove(key)?;
            }
            let mut kv = TxKv::<ApplyError>::new(state, &self.derived)
                .noting_people(&people)
                .noting_writes(&noting);
            oplog::append_and_fold(ops, &mut kv, &encoded)?;
            heads.insert(&self.device.to_be_bytes(), head_bytes.as_slice())?;
            meta.insert("hlc", hlc_bytes.as_slice())?;
            meta.insert("next_id", &next_id.to_be_bytes())?;
            Ok(())
        });
        if let Err(TransactionError::Abort(_)) = result {
            // Nothing was written: the index set aside goes back as it was. The refusal is what
            // the coordinator needs to hear; an index not put back is built by the next search.
            let _ = self.derived.bring_back_search(&people, None);
        }
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(error @ ApplyError::Unauthorised { .. })) => {
                return Err(CommitError::Refused(error))
            }
            Err(TransactionError::Abort(error)) => return Err(CommitError::Failed(error.into())),
            Err(TransactionError::Storage(error)) => {
                return Err(CommitError::Failed(Report::from(error).wrap_err(tf(
                    "cli.store.write_failed",
                    &[("dir", &self.dir.display())],
                ))))
            }
        }
        self.db
            .flush()
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        writer.head = head;
        writer.hlc = hlc;
        let search = derived::Fed::only(derived::DerivedFile::Search);
        // The write is made: an index that cannot be brought up to date is removed, not a
        // failure of the write.
        let done = match self.derived.bring_back_search(&people, Some(self)) {
            Ok(true) => search,
            _ => derived::Fed::default(),
        };
        self.derived.settle_beyond(derived_before, done)?;
        // The write is made: a step not written only breaks the chain.
        if let (Some(begun), Some(before)) = (alone, before) {
            if self.derived.still_quiet(begun + 1) {
                if let Ok(after) = self.heads_digest() {
                    let _ = write_journal::record(&self.dir, before, after, &noting);
                }
            }
        }
        Ok(encoded.into_iter().map(|(op, _)| op).collect())
    }

    /// Runs `read` with every write of this process held back, so that what it reads across
    /// trees (a backup, a check) is one moment of the store, with other threads writing.
    pub fn without_writes<T>(&self, read: impl FnOnce() -> T) -> Result<T> {
        let _writer = self
            .writer
            .lock()
            .map_err(|_| eyre!("store writer lock poisoned"))?;
        Ok(read())
    }

    /// How many ops the log holds (each device's ops are numbered from one): it grows with
    /// every write and import, so a change is seen by comparing two readings.
    pub fn ops_written(&self) -> Result<u64> {
        Ok(self.heads()?.iter().map(|(_, head)| head.seq).sum())
    }

    /// Every device's head as one hash: it names the log, and every op changes it.
    pub fn heads_digest(&self) -> Result<[u8; 32]> {
        let mut hash = blake3::Hasher::new();
        for (device, head) in self.heads()? {
            hash.update(&device.to_be_bytes());
            hash.update(&head.seq.to_be_bytes());
            hash.update(&head.hash);
        }
        Ok(*hash.finalize().as_bytes())
    }

    pub fn heads(&self) -> Result<Vec<(DeviceId, Head)>> {
        let mut heads = Vec::new();
        for entry in self.heads.iter() {
            let (key, value) = entry?;
            let device = u64::from_be_bytes(key.as_ref().try_into().unwrap_or([0; 8]));
            heads.push((device, postcard::from_bytes(&value)?));
        }
        Ok(heads)
    }

    /// The materialised state, key by key, for `doctor` to compare with a rebuild.
    pub fn state_entries(&self) -> Result<Vec<(String, Vec<u8>)>> {
        self.state
            .iter()
            .map(|entry| {
                let (k, v) = entry?;
                Ok((String::from_utf8_lossy(&k).into_owned(), v.to_vec()))
            })
            .collect()
    }

    /// The date the checklist counts from: a demo store pins its own "today".
    pub fn today(&self) -> Result<chrono::NaiveDate> {
        Ok(self
            .set_day()?
            .unwrap_or_else(|| chrono::Local::now().date_naive()))
    }

    /// The day the store is set to (a demo's), if any.
    pub fn set_day(&self) -> Result<Option<chrono::NaiveDate>> {
        match self.meta.get("today")? {
            Some(bytes) => Ok(Some(postcard::from_bytes(&bytes)?)),
            None => Ok(None),
        }
    }

    /// Sets the day the store takes for today; the records kept beside it carry it.
    pub fn set_today(&self, today: chrono::NaiveDate) -> Result<()> {
        let before = self.derived.generations()?;
        self.derived
            .invalidate(derived::Fed::kept_records())
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        self.meta.insert("today", postcard::to_stdvec(&today)?)?;
        self.db.flush()?;
        self.derived.settle(before)
    }
}
