//! The whole log in fold order (`Op::order_key`), read as a merge of the devices' chains: each
//! chain's stamps only grow, so the least of the chains' next ops is the next op overall. One op
//! per device is held, so the whole log is never in memory (1.1 million ops sorted in memory took
//! 2 GB for `peixun log`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use color_eyre::eyre::{eyre, Result};

use super::oplog::Ops;
use super::Store;
use crate::log::{DeviceId, Hlc, Op};

/// Where an op goes in the fold (`Op::order_key`).
pub(crate) type OrderKey = (Hlc, DeviceId, u64);

/// Every op with its stored bytes, least order key first. A chain whose stamps go back (only a
/// damaged or forged chain does) is still read to its end, but the ops are then no longer in
/// fold order: `went_back` says so, for a caller that must have the order exactly.
pub(crate) struct InFoldOrder {
    chains: Vec<Ops>,
    heads: BinaryHeap<Reverse<(OrderKey, usize)>>,
    held: Vec<Option<(Op, Vec<u8>)>>,
    pub went_back: bool,
}

impl Store {
    pub(crate) fn ops_in_fold_order(&self) -> Result<InFoldOrder> {
        let mut chains: Vec<Ops> = self
            .devices()?
            .into_iter()
            .map(|device| self.chain(device))
            .collect();
        let mut heads = BinaryHeap::new();
        let mut held = Vec::with_capacity(chains.len());
        for (i, chain) in chains.iter_mut().enumerate() {
            let op = next_op(chain)?;
            if let Some((op, _)) = &op {
                heads.push(Reverse((op.order_key(), i)));
            }
            held.push(op);
        }
        Ok(InFoldOrder {
            chains,
            heads,
            held,
            went_back: false,
        })
    }
}

impl InFoldOrder {
    fn step(&mut self) -> Result<Option<(Op, Vec<u8>)>> {
        let Some(Reverse((key, i))) = self.heads.pop() else {
            return Ok(None);
        };
        let op = self.held[i]
            .take()
            .ok_or_else(|| eyre!("a chain's op went missing"))?;
        if let Some((next, next_bytes)) = next_op(&mut self.chains[i])? {
            if next.order_key() < key {
                self.went_back = true;
            }
            self.heads.push(Reverse((next.order_key(), i)));
            self.held[i] = Some((next, next_bytes));
        }
        Ok(Some(op))
    }
}

impl Iterator for InFoldOrder {
    type Item = Result<(Op, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        self.step().transpose()
    }
}

fn next_op(chain: &mut Ops) -> Result<Option<(Op, Vec<u8>)>> {
    match chain.next().transpose()? {
        Some(stored) => Ok(Some((Op::decode(&stored.bytes)?, stored.bytes))),
        None => Ok(None),
    }
}
