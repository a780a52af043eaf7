//! An import's writes, worked out before anything is written: the ops are folded into the state
//! through an overlay over the state tree, its writes in a file (`spill`) (the store has one writer, under its lock
//! file, so reading the trees directly is safe), which leaves the state's writes. They go down
//! all or nothing with the log's and the rest (`store::staging`: one short transaction, or
//! staged chunks a crash cannot split).

use std::collections::BTreeSet;

use color_eyre::eyre::{Result, WrapErr};
use sled::IVec;

use super::spill::{Record, Spill};
use super::{key, AckMap, Freshness, ImportPlan, ACK, FROM_ORIGIN, LINK_IN_MAX, PEER_SEEN};
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::{ApplyError, Kv};
use crate::store::derived::Fed;
use crate::store::{Store, TreeBatch};

/// Why folding an op into the overlay stopped.
pub(super) enum FoldError {
    Apply(ApplyError),
    Storage(sled::Error),
    /// The file the overlay keeps its writes in (`spill`).
    Spill(std::io::Error),
}

/// `apply`'s view of the state during an import: the import's own writes over the stored tree.
pub(super) struct Overlay<'a> {
    tree: &'a sled::Tree,
    writes: Spill,
    /// The files derived from the state that a write changed the sources of.
    fed: Fed,
}

impl<'a> Overlay<'a> {
    /// An overlay keeping its writes in a file in `dir`, for about `ops` ops.
    pub(super) fn new(
        tree: &'a sled::Tree,
        dir: &std::path::Path,
        ops: usize,
    ) -> std::io::Result<Self> {
        // A county's season writes fewer than two records an op.
        let expected_keys = ops.saturating_mul(2);
        Ok(Overlay {
            tree,
            writes: Spill::new(dir, expected_keys)?,
            fed: Fed::default(),
        })
    }

    pub(super) fn fed(&self) -> Fed {
        self.fed
    }

    /// The last write of every key touched: a value, or a removal.
    pub(super) fn into_writes(
        self,
    ) -> std::io::Result<impl Iterator<Item = std::io::Result<Record>>> {
        self.writes.into_writes()
    }
}

impl Kv for Overlay<'_> {
    type Error = FoldError;
    type Bytes<'b>
        = IVec
    where
        Self: 'b;
    fn get(&self, key: &str) -> Result<Option<IVec>, FoldError> {
        match self.writes.get(key.as_bytes()).map_err(FoldError::Spill)? {
            Some(v) => Ok(v),
            None => self.tree.get(key).map_err(FoldError::Storage),
        }
    }
    fn put(&mut self, key: &str, value: Vec<u8>) -> Result<(), FoldError> {
        self.fed = self.fed.with(Fed::by(key.as_bytes()));
        self.writes
            .put(key.as_bytes(), Some(&value))
            .map_err(FoldError::Spill)
    }
    fn remove(&mut self, key: &str) -> Result<(), FoldError> {
        self.fed = self.fed.with(Fed::by(key.as_bytes()));
        self.writes
            .put(key.as_bytes(), None)
            .map_err(FoldError::Spill)
    }
    fn fail(error: ApplyError) -> FoldError {
        FoldError::Apply(error)
    }
}

impl Store {
    /// Removes the files derived from the state that an import's writes change the sources of,
    /// before the writes land.
    pub(super) fn invalidate_derived(&self, fed: Fed) -> Result<()> {
        let write_failed = || tf("cli.store.write_failed", &[("dir", &self.dir().display())]);
        self.derived.invalidate(fed).wrap_err_with(write_failed)
    }
}

/// Acknowledgements only grow: an older bundle read after a newer one changes nothing.
pub(super) fn merge_peer_state(
    tree: &sled::Tree,
    bundle: &ImportPlan,
    origins: &BTreeSet<OfficeId>,
    batch: &mut TreeBatch,
) -> Result<()> {
    let sender = bundle.sender.as_bytes();
    // Every office whose chains the bundle carried or the sender says it holds is known here as
    // of this bundle; a bundle read late (an older one after a newer) does not make it staler.
    for origin in origins {
        let k = key(FROM_ORIGIN, origin.as_bytes());
        let newer = match tree.get(&k)? {
            Some(bytes) => postcard::from_bytes::<Freshness>(&bytes)
                .map_or(true, |old| old.at_ms <= bundle.at_ms),
            None => true,
        };
        if newer {
            let fresh = Freshness {
                sender: bundle.sender.clone(),
                link_seq: bundle.link_seq,
                at_ms: bundle.at_ms,
            };
            batch.insert(k, postcard::to_stdvec(&fresh)?);
        }
    }
    if bundle.old_install {
        return Ok(());
    }
    let ack_key = key(ACK, sender);
    let mut acks: AckMap = match tree.get(&ack_key)? {
        Some(bytes) => postcard::from_bytes(&bytes).unwrap_or_default(),
        None => AckMap::new(),
    };
    for ack in &bundle.acks {
        let entry = acks.entry(ack.device).or_insert((0, [0; 32]));
        if ack.seq > entry.0 {
            *entry = (ack.seq, ack.hash);
        }
    }
    batch.insert(ack_key, postcard::to_stdvec(&acks)?);
    for (prefix, value) in [
        (LINK_IN_MAX, bundle.link_seq),
        (PEER_SEEN, bundle.seen_link_seq),
    ] {
        let k = key(prefix, sender);
        let old: u64 = match tree.get(&k)? {
            Some(bytes) => postcard::from_bytes(&bytes).unwrap_or(0),
            None => 0,
        };
        batch.insert(k, postcard::to_stdvec(&old.max(value))?);
    }
    Ok(())
}
