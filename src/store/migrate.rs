//! Bringing an older store's state up to this version's layout. The op log is the truth and
//! never changes shape; the state is folded from it again whenever its layout changes.
//!
//! - Schema 1 to 2: enrolment lists and check-ins keep each office's entries apart (a joint
//!   session's host and co-host both keep its list), deadlines go to the higher office, and ops
//!   the rules of who may write what refuse are kept in their chains and listed.
//! - Schema 2 to 3: every result given for an exam attempt is kept in the person's history, not
//!   only the latest.
//! - Schema 3 to 4: the state keeps its layout; every write to people or enterprises now removes
//!   the search index kept beside the store (`derived`), so an older peixun, which would not,
//!   must not write to the store any more.
//! - Schema 4 to 5: the op log moves from a key per op (`ops`) to runs of ops (`oplog`,
//!   `store::oplog`); each op keeps its exact bytes.

use std::collections::BTreeMap;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::oplog::{merged, run_key};
use super::voided::Voided;
use super::{Store, SCHEMA_VERSION};
use crate::i18n::tf;
use crate::log::{apply, ApplyError, Op};

/// The last schema whose state layout is this version's.
const SAME_STATE_SINCE: u32 = 3;

/// The first schema whose op log is kept in runs.
const LOG_IN_RUNS_SINCE: u32 = 5;

/// The op log's tree before schema 5, a key per op.
const OLD_LOG: &str = "ops";

/// Runs written per batch while the log is moved.
const RUNS_PER_BATCH: usize = 1_000;

/// A run being gathered from the old log: its key and its ops as stored there.
type OldRun = ([u8; 16], Vec<(u64, sled::IVec)>);

impl Store {
    /// Brings a store of an older `schema` to this version's.
    pub(super) fn upgrade(&self, schema: u32) -> Result<()> {
        if schema < LOG_IN_RUNS_SINCE {
            self.log_into_runs(schema)?;
        }
        if schema < SAME_STATE_SINCE {
            crate::errln!(
                "{}",
                tf(
                    "cli.store.upgrading",
                    &[("found", &schema), ("version", &SCHEMA_VERSION)]
                )
            );
            return self.refold();
        }
        self.derived
            .invalidate()
            .wrap_err("removing the search index of an older peixun")?;
        self.meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
        self.db
            .flush()
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        Ok(())
    }

    /// Copies the old log, a key per op, into runs. The schema number moves on only after every
    /// run is written, so an upgrade cut short starts again from the old log, which is removed
    /// once the number has moved on (`drop_old_log`).
    fn log_into_runs(&self, schema: u32) -> Result<()> {
        crate::errln!(
            "{}",
            tf(
                "cli.store.moving_log",
                &[("found", &schema), ("version", &SCHEMA_VERSION)]
            )
        );
        let write_failed = || tf("cli.store.write_failed", &[("dir", &self.dir.display())]);
        self.ops.clear().wrap_err_with(write_failed)?;
        let old = self.db.open_tree(OLD_LOG)?;
        let mut run: Option<OldRun> = None;
        let mut batch = sled::Batch::default();
        let mut in_batch = 0;
        let mut put = |(key, ops): OldRun, last: bool| -> Result<()> {
            let entries: Vec<(u64, &[u8])> = ops.iter().map(|(s, b)| (*s, &b[..])).collect();
            let value = merged(None, &entries).ok_or_else(|| eyre!("an op too long to store"))?;
            batch.insert(&key[..], value);
            in_batch += 1;
            if in_batch >= RUNS_PER_BATCH || last {
                self.ops
                    .apply_batch(std::mem::take(&mut batch))
                    .wrap_err_with(write_failed)?;
                in_batch = 0;
            }
            Ok(())
        };
        for entry in old.iter() {
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
        self.db.flush().wrap_err_with(write_failed)?;
        Ok(())
    }

    /// Removes the old log once the schema says the runs hold it.
    pub(super) fn drop_old_log(&self) -> Result<()> {
        if self
            .db
            .tree_names()
            .iter()
            .any(|n| &n[..] == OLD_LOG.as_bytes())
        {
            self.db.drop_tree(OLD_LOG)?;
            self.db.flush()?;
        }
        Ok(())
    }

    /// Folds the whole log into a fresh state, keeping the ops the rules refuse as listed voids,
    /// and writes the state and the schema number at once.
    fn refold(&self) -> Result<()> {
        let mut ops: Vec<Op> = self.ops().collect::<Result<_>>()?;
        ops.sort_by_key(Op::order_key);
        let mut state: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut voided = Vec::new();
        let now = crate::log::hlc::now_ms();
        for op in &ops {
            match apply(&mut state, op) {
                Ok(_) => {}
                Err(ApplyError::Unauthorised {
                    record,
                    origin,
                    rule,
                }) => voided.push(Voided {
                    device: op.device,
                    seq: op.seq,
                    origin,
                    kind: op.payload.kind().to_string(),
                    record,
                    rule,
                    sender: String::new(),
                    at_ms: now,
                }),
                Err(other) => return Err(other).wrap_err("folding the log again"),
            }
        }
        let mut batch = sled::Batch::default();
        for key in self.state.iter().keys() {
            batch.remove(key?);
        }
        for (key, value) in state {
            batch.insert(key.as_bytes(), value);
        }
        self.derived
            .invalidate()
            .wrap_err("removing the search index before folding again")?;
        self.state.apply_batch(batch)?;
        self.replace_voided(&voided)?;
        self.meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
        self.db
            .flush()
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        Ok(())
    }
}
