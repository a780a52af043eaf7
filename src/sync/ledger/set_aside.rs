//! How much an import may set aside. A held or quarantined range is stored as one sled value
//! and read whole when it is written or released, so what is set aside at a time is bounded in
//! ops and in bytes: the ranges held in the store, with those one import holds or quarantines.

use std::collections::HashMap;

use super::HeldHead;
use crate::log::DeviceId;
use crate::sync::bundle::RangeHeader;
use crate::sync::Rejection;

/// The most ops set aside at a time (about 250 bytes an op in memory when read whole).
pub const MAX_HELD_OPS: u64 = 100_000;

/// The most bytes of ops set aside at a time: an op may be up to 1 MiB.
pub const MAX_HELD_BYTES: u64 = 32 << 20;

/// Ops and their bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Size {
    pub(super) ops: u64,
    pub(super) bytes: u64,
}

impl Size {
    fn within_bound(self) -> bool {
        self.ops <= MAX_HELD_OPS && self.bytes <= MAX_HELD_BYTES
    }
}

/// What is set aside while an import is planned.
#[derive(Debug, Default)]
pub(super) struct SetAsideBound {
    /// The ranges held in the store, by device and first op: a range from the bundle that starts
    /// at the same op replaces one (the same key), and is counted instead of it.
    held: HashMap<(DeviceId, u64), Size>,
    total: Size,
}

impl SetAsideBound {
    pub(super) fn of_store<'a>(held: impl Iterator<Item = &'a HeldHead>) -> SetAsideBound {
        let mut bound = SetAsideBound::default();
        for head in held {
            let size = Size {
                ops: head.ops.0 as u64,
                bytes: head.ops.1,
            };
            bound.total.ops = bound.total.ops.saturating_add(size.ops);
            bound.total.bytes = bound.total.bytes.saturating_add(size.bytes);
            bound
                .held
                .insert((head.range.head.device, head.range.first), size);
        }
        bound
    }

    /// Counts `range` (of `size`) as set aside, a hold replacing a held range with the same
    /// first op; the cause, when it would pass the bound, and nothing counted.
    pub(super) fn admit(
        &mut self,
        range: &RangeHeader,
        size: Size,
        fork_at: Option<u64>,
    ) -> Result<(), Rejection> {
        let key = (range.head.device, range.first);
        let replaced = match fork_at {
            None => self.held.get(&key).copied().unwrap_or_default(),
            Some(_) => Size::default(),
        };
        let total = Size {
            ops: self
                .total
                .ops
                .saturating_sub(replaced.ops)
                .saturating_add(size.ops),
            bytes: self
                .total
                .bytes
                .saturating_sub(replaced.bytes)
                .saturating_add(size.bytes),
        };
        if total.within_bound() {
            if fork_at.is_none() {
                self.held.insert(key, size);
            }
            self.total = total;
            return Ok(());
        }
        let (origin, device, held) = (range.head.origin.clone(), range.head.device, self.total.ops);
        Err(match fork_at {
            Some(at) => Rejection::ForkTooLong {
                origin,
                device,
                at,
                ops: size.ops,
                held,
                max: MAX_HELD_OPS,
            },
            None => Rejection::TooLongToHold {
                origin,
                device,
                ops: size.ops,
                held,
                max: MAX_HELD_OPS,
            },
        })
    }

    #[cfg(test)]
    pub(super) fn total(&self) -> Size {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::bundle::SignedHead;
    use crate::sync::ChainKind;

    fn range(device: DeviceId, first: u64) -> RangeHeader {
        let head = SignedHead {
            origin: "420704".into(),
            epoch: 0,
            device,
            kind: ChainKind::Full,
            seq: first,
            hash: [7; 32],
            signature: Vec::new(),
        };
        RangeHeader { first, head }
    }

    fn size(ops: u64, bytes: u64) -> Size {
        Size { ops, bytes }
    }

    /// Ops and bytes are each bounded, exactly at the bound and not past it; a refusal counts
    /// nothing.
    #[test]
    fn ops_and_bytes_are_each_bounded() {
        let mut bound = SetAsideBound::default();
        assert!(bound
            .admit(&range(1, 5), size(MAX_HELD_OPS - 1, 100), None)
            .is_ok());
        let refused = bound.admit(&range(2, 5), size(2, 100), Some(5));
        assert!(
            matches!(refused, Err(Rejection::ForkTooLong { held, .. }) if held == MAX_HELD_OPS - 1)
        );
        assert!(bound.admit(&range(2, 5), size(1, 100), Some(5)).is_ok());
        assert_eq!(bound.total(), size(MAX_HELD_OPS, 200));

        let mut bound = SetAsideBound::default();
        assert!(bound
            .admit(&range(1, 5), size(10, MAX_HELD_BYTES - 1), None)
            .is_ok());
        let refused = bound.admit(&range(2, 5), size(1, 2), None);
        assert!(matches!(refused, Err(Rejection::TooLongToHold { .. })));
        assert!(bound.admit(&range(2, 5), size(1, 1), None).is_ok());
        assert_eq!(bound.total(), size(11, MAX_HELD_BYTES));
    }

    /// A range held again from the same first op (a county sending twice from one
    /// acknowledgement) takes the place of the one held, in the store or earlier in the import;
    /// a fork at the same place does not.
    #[test]
    fn a_range_held_again_is_counted_once() {
        let mut bound = SetAsideBound::default();
        assert!(bound.admit(&range(1, 7), size(60_000, 10), None).is_ok());
        assert!(bound.admit(&range(1, 7), size(70_000, 20), None).is_ok());
        assert_eq!(bound.total(), size(70_000, 20));
        assert!(bound
            .admit(&range(1, 7), size(40_000, 20), Some(7))
            .is_err());
    }
}
