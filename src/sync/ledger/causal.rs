//! The ops an import takes, in the order they are applied: by stamp across the chains, as a
//! merge of the chains read back from the bundle's spool.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use color_eyre::eyre::{eyre, Result, WrapErr};

use crate::log::{DeviceId, Hlc};
use crate::sync::op_spool::{OpCursor, OpSlice};

pub(super) fn spool_failed() -> &'static str {
    "reading a bundle's ops set aside"
}

/// Next ops of one device taken from one range, to be appended and applied: read back from the
/// bundle's spool as they are written, one at a time.
pub(super) struct Taken {
    pub device: DeviceId,
    pub first_seq: u64,
    pub ops: OpSlice,
}

/// The ops taken, in causal order: every chain's ops rise in stamp, so merging the chains by
/// (stamp, device, seq) gives the order a sort of every op would, one op per chain in memory.
pub(super) struct CausalOrder {
    cursors: Vec<(OpCursor, DeviceId, u64)>,
    next: BinaryHeap<Reverse<(Hlc, DeviceId, u64, usize)>>,
}

impl CausalOrder {
    pub fn new(taken: &[Taken]) -> Result<CausalOrder> {
        let mut order = CausalOrder {
            cursors: Vec::with_capacity(taken.len()),
            next: BinaryHeap::with_capacity(taken.len()),
        };
        for (i, t) in taken.iter().enumerate() {
            order.cursors.push((t.ops.cursor(), t.device, t.first_seq));
            order.queue(i)?;
        }
        Ok(order)
    }

    fn queue(&mut self, i: usize) -> Result<()> {
        let (cursor, device, seq) = &mut self.cursors[i];
        if let Some(hlc) = cursor.peek_hlc().wrap_err(spool_failed())? {
            self.next.push(Reverse((hlc, *device, *seq, i)));
        }
        Ok(())
    }

    pub fn next_op(&mut self) -> Result<Option<Vec<u8>>> {
        let Some(Reverse((_, _, _, i))) = self.next.pop() else {
            return Ok(None);
        };
        let (cursor, _, seq) = &mut self.cursors[i];
        let op = cursor
            .next_op()
            .wrap_err(spool_failed())?
            .ok_or_else(|| eyre!("an op set aside went missing"))?;
        *seq += 1;
        self.queue(i)?;
        Ok(Some(op.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Hash;
    use crate::sync::op_spool::OpSpool;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Chains whose stamps rise, some sharing stamps with others, come out in the order a
        /// sort of all their ops by (stamp, device, seq) gives.
        #[test]
        fn chains_merge_in_the_order_a_sort_gives(
            chains in prop::collection::vec(
                (0u64..4, prop::collection::vec((0u64..3, 0u32..2), 0..30)),
                0..6,
            ),
        ) {
            let mut taken = Vec::new();
            let mut expected = Vec::new();
            for (i, (device_pick, steps)) in chains.iter().enumerate() {
                let device = *device_pick * 10 + i as u64;
                let first_seq = 1 + i as u64 * 100;
                let mut wall = 0;
                let mut ops = Vec::new();
                for (n, (gap, counter)) in steps.iter().enumerate() {
                    wall += 1 + gap;
                    let hlc = Hlc { wall_ms: wall, counter: *counter };
                    let seq = first_seq + n as u64;
                    let bytes = format!("{device}/{seq}").into_bytes();
                    expected.push(((hlc, device, seq), bytes.clone()));
                    ops.push(([0u8; 32] as Hash, hlc, bytes));
                }
                let slice = OpSpool::in_memory(ops.iter().map(|(h, t, b)| (*h, *t, b.as_slice())))
                    .unwrap();
                taken.push(Taken { device, first_seq, ops: slice });
            }
            expected.sort_by_key(|(order, _)| *order);
            let mut order = CausalOrder::new(&taken).unwrap();
            let mut got = Vec::new();
            while let Some(bytes) = order.next_op().unwrap() {
                got.push(bytes);
            }
            let expected: Vec<Vec<u8>> = expected.into_iter().map(|(_, b)| b).collect();
            prop_assert_eq!(got, expected);
        }
    }
}
