//! Ops the rules refused: kept in the log so a chain and its link go on, applied nowhere, and
//! listed with the reason. Written by a bundle import and by folding the log again.

use color_eyre::eyre::{Result, WrapErr};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{op_key, Store};
use crate::domain::OfficeId;
use crate::log::DeviceId;

/// Where refused ops are listed, in the store's "sync" tree.
pub(crate) const VOID: &[u8] = b"void/";

pub(crate) fn void_key(device: DeviceId, seq: u64) -> Vec<u8> {
    [VOID, &op_key(device, seq)].concat()
}

/// An op that arrived in its chain but breaks the rules of who may write what: kept in the log
/// so the chain and the link go on, applied nowhere, and listed with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voided {
    pub device: DeviceId,
    pub seq: u64,
    pub origin: OfficeId,
    /// The op's kind (`SessionUpserted`...).
    pub kind: String,
    /// The state key it would have changed.
    pub record: String,
    pub rule: crate::log::authority::Rule,
    /// The office whose bundle brought it.
    pub sender: OfficeId,
    pub at_ms: u64,
}

impl Voided {
    /// `op`, refused for writing `record` as `origin` against `rule`, as `sender` brought it.
    pub fn of(
        op: &crate::log::Op,
        (record, origin, rule): (String, OfficeId, crate::log::authority::Rule),
        sender: OfficeId,
        at_ms: u64,
    ) -> Voided {
        Voided {
            device: op.device,
            seq: op.seq,
            origin,
            kind: op.payload.kind().to_string(),
            record,
            rule,
            sender,
            at_ms,
        }
    }

    /// The refusal in words.
    pub fn reason(&self) -> String {
        crate::log::ApplyError::Unauthorised {
            record: self.record.clone(),
            origin: self.origin.clone(),
            rule: self.rule.clone(),
        }
        .to_string()
    }
}

/// The records under `prefix` of a tree of postcard values, with their keys.
pub(crate) fn scan<T: DeserializeOwned>(
    tree: &sled::Tree,
    prefix: &[u8],
) -> Result<Vec<(Vec<u8>, T)>> {
    tree.scan_prefix(prefix)
        .map(|entry| {
            let (k, v) = entry?;
            let value = postcard::from_bytes(&v).wrap_err("sync record is damaged")?;
            Ok((k.to_vec(), value))
        })
        .collect()
}

/// The values under `prefix`, in key order.
pub(crate) fn values<T: DeserializeOwned>(tree: &sled::Tree, prefix: &[u8]) -> Result<Vec<T>> {
    Ok(scan(tree, prefix)?.into_iter().map(|(_, v)| v).collect())
}

impl Store {
    /// The tree of what crossed each link (acks, heads, quarantine, refused ops).
    pub(crate) fn sync_tree(&self) -> Result<sled::Tree> {
        Ok(self.db().open_tree("sync")?)
    }

    /// Whether the rules refused op `seq` of `device`.
    pub fn is_voided(&self, device: DeviceId, seq: u64) -> Result<bool> {
        Ok(self.sync_tree()?.contains_key(void_key(device, seq))?)
    }

    /// Ops taken in that the rules refused, read one at a time: a dishonest bundle can bring
    /// millions.
    pub fn voided_each(&self) -> Result<impl Iterator<Item = Result<Voided>>> {
        Ok(self
            .sync_tree()?
            .scan_prefix(VOID)
            .values()
            .map(|value| postcard::from_bytes(&value?).wrap_err("sync record is damaged")))
    }

    /// Lists exactly `voided` as the refused ops, after the whole log was folded again.
    pub(crate) fn replace_voided(&self, voided: &[Voided]) -> Result<()> {
        let tree = self.sync_tree()?;
        let mut batch = sled::Batch::default();
        for key in tree.scan_prefix(VOID).keys() {
            batch.remove(key?);
        }
        for void in voided {
            batch.insert(void_key(void.device, void.seq), postcard::to_stdvec(void)?);
        }
        tree.apply_batch(batch)?;
        Ok(())
    }
}
