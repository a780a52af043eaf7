//! The whole log in fold order (`Op::order_key`), read as a merge of the devices' chains: each
//! chain's stamps only grow, so the least of the chains' next ops is the next op overall. One run
//! of ops per device is held, so the whole log is never in memory (1.1 million ops sorted in
//! memory took 2 GB for `peixun log`).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use color_eyre::eyre::{eyre, Result};

use super::oplog::{Ops, Stored};
use super::Store;
use crate::log::{DeviceId, Hlc, Op};

/// Where an op goes in the fold (`Op::order_key`).
pub(crate) type OrderKey = (Hlc, DeviceId, u64);

/// Every op with its stored bytes, least order key first. A chain whose stamps go back (only a
/// damaged or forged chain does) is still read to its end, but the ops are then no longer in
/// fold order: `went_back` says so, for a caller that must have the order exactly.
pub(crate) struct InFoldOrder {
    chains: Vec<Ops>,
    /// Each chain's last op to read, when the log is read as it was at a snapshot.
    ends: Vec<u64>,
    heads: BinaryHeap<Reverse<(OrderKey, usize)>>,
    held: Vec<Option<(Op, Vec<u8>)>>,
    pub went_back: bool,
}

/// The log as one read through it found it: each device's last op, and whether merging the
/// chains gave the fold order. Reading it again through `ops_as_at` gives those ops alone, in
/// fold order, whatever was written since.
pub(crate) struct LogSnapshot {
    ends: HashMap<DeviceId, u64>,
    merged_in_order: bool,
}

impl Store {
    pub(crate) fn ops_in_fold_order(&self) -> Result<InFoldOrder> {
        self.merged(None)
    }

    /// Reads every op once, decoding each, so that a damaged op is found before anything is
    /// shown of the log.
    pub(crate) fn log_snapshot(&self) -> Result<LogSnapshot> {
        let mut ops = self.ops_in_fold_order()?;
        let mut ends = HashMap::new();
        for op in ops.by_ref() {
            let (op, _) = op?;
            ends.insert(op.device, op.seq);
        }
        Ok(LogSnapshot {
            ends,
            merged_in_order: !ops.went_back,
        })
    }

    /// The ops `snapshot` found, in fold order: merged as they were then, or, when a chain's
    /// stamps went back, every op's order key sorted and each op read again.
    pub(crate) fn ops_as_at<'a>(
        &'a self,
        snapshot: &LogSnapshot,
    ) -> Result<Box<dyn Iterator<Item = Result<Op>> + 'a>> {
        if snapshot.merged_in_order {
            let merged = self.merged(Some(&snapshot.ends))?;
            return Ok(Box::new(merged.map(|op| op.map(|(op, _)| op))));
        }
        let mut order: Vec<OrderKey> = Vec::new();
        for op in self.ops() {
            let op = op?;
            if snapshot
                .ends
                .get(&op.device)
                .is_some_and(|end| op.seq <= *end)
            {
                order.push(op.order_key());
            }
        }
        order.sort_unstable();
        Ok(Box::new(order.into_iter().map(|(_, device, seq)| {
            let bytes = self
                .op_bytes(device, seq)?
                .ok_or_else(|| eyre!("op {seq} of device {device:016x} went missing"))?;
            Stored { device, seq, bytes }.op()
        })))
    }

    /// The chains merged: every device's whole chain, or only the devices of `ends`, each up to
    /// its end.
    fn merged(&self, ends: Option<&HashMap<DeviceId, u64>>) -> Result<InFoldOrder> {
        let devices: Vec<DeviceId> = self
            .devices()?
            .into_iter()
            .filter(|device| ends.is_none_or(|ends| ends.contains_key(device)))
            .collect();
        let mut ops = InFoldOrder {
            chains: devices.iter().map(|device| self.chain(*device)).collect(),
            ends: devices
                .iter()
                .map(|device| {
                    ends.and_then(|ends| ends.get(device))
                        .copied()
                        .unwrap_or(u64::MAX)
                })
                .collect(),
            heads: BinaryHeap::new(),
            held: Vec::with_capacity(devices.len()),
            went_back: false,
        };
        for i in 0..devices.len() {
            let op = ops.next_of(i)?;
            if let Some((op, _)) = &op {
                ops.heads.push(Reverse((op.order_key(), i)));
            }
            ops.held.push(op);
        }
        Ok(ops)
    }
}

impl InFoldOrder {
    /// The next op of chain `i`, if it has one before its end.
    fn next_of(&mut self, i: usize) -> Result<Option<(Op, Vec<u8>)>> {
        match self.chains[i].next().transpose()? {
            Some(stored) if stored.seq <= self.ends[i] => {
                let op = stored.op()?;
                Ok(Some((op, stored.bytes)))
            }
            _ => Ok(None),
        }
    }

    fn step(&mut self) -> Result<Option<(Op, Vec<u8>)>> {
        let Some(Reverse((key, i))) = self.heads.pop() else {
            return Ok(None);
        };
        let op = self.held[i]
            .take()
            .ok_or_else(|| eyre!("a chain's op went missing"))?;
        if let Some((next, next_bytes)) = self.next_of(i)? {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Payload;

    fn person(i: usize) -> Payload {
        let (id, phone) = (format!("P-420704-o{i}"), format!("137{i:08}"));
        crate::log::fixtures::person(&id, "欧阳明月", &phone, &format!("O{i}"))
    }

    fn keys(ops: impl Iterator<Item = Result<Op>>) -> Vec<OrderKey> {
        ops.map(|op| op.unwrap().order_key()).collect()
    }

    fn sorted(store: &Store) -> Vec<OrderKey> {
        let mut all = keys(store.ops());
        all.sort();
        all
    }

    /// Three devices' chains interleaved by their stamps, read as they were at the snapshot:
    /// in fold order, without what was written after it.
    #[test]
    fn the_chains_merged_are_the_log_sorted_as_at_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        let mut writers: Vec<crate::demo::ChainWriter> = (0..3)
            .map(|i| crate::demo::ChainWriter::new("420704", 70 + i, "测试"))
            .collect();
        let mut ops = Vec::new();
        for round in 0..5 {
            for (i, writer) in writers.iter_mut().enumerate().rev() {
                ops.push(writer.push(person(round * 3 + i)).unwrap());
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
        ops.sort_by_key(Op::order_key);
        store.import_foreign_chain(ops).unwrap();
        let snapshot = store.log_snapshot().unwrap();
        assert!(snapshot.merged_in_order);
        let expected = sorted(&store);
        store.commit(vec![person(99)]).unwrap();
        assert_eq!(keys(store.ops_as_at(&snapshot).unwrap()), expected);
        assert_eq!(sorted(&store).len(), expected.len() + 1);
    }

    /// A chain whose stamps go back is not in fold order when merged: it is read sorted.
    #[test]
    fn a_chain_whose_stamps_go_back_is_read_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        let first = store.commit(vec![person(1)]).unwrap().remove(0);
        store.commit(vec![person(2)]).unwrap();
        let third = store.commit(vec![person(3)]).unwrap().remove(0);
        store.stamp_before(third.clone(), &first);
        let snapshot = store.log_snapshot().unwrap();
        assert!(!snapshot.merged_in_order);
        let read = keys(store.ops_as_at(&snapshot).unwrap());
        assert_eq!(read, sorted(&store));
        assert_eq!(read[0].2, third.seq);
    }
}
