//! Writing ops as another office's device would: a demo store has to hold the units' own
//! checklist marks, which only the units may write, so the demo forges nothing but plays each
//! unit's device and hands its chain to `Store::import_foreign_chain`.

use color_eyre::eyre::{Result, WrapErr};

use crate::domain::OfficeId;
use crate::log::hlc::now_ms;
use crate::log::{DeviceId, Hash, Hlc, Op, Payload};
use crate::store::Head;

/// The tip of one device's chain and the ops appended after it.
#[derive(Debug, Clone)]
pub struct ChainWriter {
    office: OfficeId,
    device: DeviceId,
    actor: String,
    seq: u64,
    prev: Hash,
    hlc: Hlc,
}

impl ChainWriter {
    /// A new device: its first op will have sequence 1 and a zero previous hash.
    pub fn new(office: &str, device: DeviceId, actor: &str) -> ChainWriter {
        ChainWriter {
            office: office.to_string(),
            device,
            actor: actor.to_string(),
            seq: 0,
            prev: [0; 32],
            hlc: Hlc::default(),
        }
    }

    /// A device whose chain already ends at `head` (as `Store::heads` reports it).
    pub fn continuing(device: DeviceId, head: &Head, actor: &str, hlc: Hlc) -> ChainWriter {
        ChainWriter {
            office: head.office.clone(),
            device,
            actor: actor.to_string(),
            seq: head.seq,
            prev: head.hash,
            hlc,
        }
    }

    /// The next op of this chain, linked to the previous one by hash.
    pub fn push(&mut self, payload: Payload) -> Result<Op> {
        self.hlc = self.hlc.tick(now_ms());
        let op = Op {
            office: self.office.clone(),
            device: self.device,
            seq: self.seq + 1,
            hlc: self.hlc,
            prev: self.prev,
            actor: self.actor.clone(),
            payload,
        };
        let bytes = op.encode().wrap_err("encoding a demo op")?;
        self.seq = op.seq;
        self.prev = Op::hash_of(&bytes);
        Ok(op)
    }
}
