//! Taking in a verified bundle: each range sorted against this store's chain of its device
//! (duplicate, next, future, fork) into a plan of what the import will write; `commit.rs` writes
//! it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::causal::{spool_failed, Taken};
use super::set_aside::{SetAsideBound, Size};
use super::{
    get, range_key, scan, Fork, HeldHead, HeldRange, ImportCounts, ImportPlan, LeftOut,
    Quarantined, VerifiedRange, HELD, QUARANTINE,
};
use crate::domain::OfficeId;
use crate::log::{DeviceId, Hash, Hlc, Op};
use crate::store::{Head, Store};
use crate::sync::bundle::{RangeHeader, SignedHead};
use crate::sync::op_spool::OpSlice;
use crate::sync::Rejection;

/// Where a device chain stands during an import.
#[derive(Debug, Clone)]
pub(super) struct Tip {
    pub(super) office: Option<OfficeId>,
    pub(super) seq: u64,
    pub(super) hash: Hash,
    hlc: Option<Hlc>,
}

enum Sorted {
    Duplicate(u64),
    Apply {
        skip: usize,
    },
    Hold,
    Fork(u64),
    /// Not taken in, for a reason that concerns this range only; the rest of the bundle goes on.
    LeftOut(Rejection),
}

enum Source {
    Bundle,
    Held(Vec<u8>),
}

/// A range kept whole in the sync tree: held until its gap fills, or quarantined at a fork.
pub(super) struct SetAside {
    pub(super) key: Vec<u8>,
    pub(super) range: RangeHeader,
    pub(super) ops: OpSlice,
    pub(super) bundle: [u8; 16],
    pub(super) sender: OfficeId,
    pub(super) at_ms: u64,
}

/// Everything one import will write.
#[derive(Default)]
pub(super) struct Plan {
    pub(super) tips: HashMap<DeviceId, Tip>,
    pub(super) taken: Vec<Taken>,
    /// Each device's places in `taken`, for overlap checks of later ranges.
    pub(super) taken_by_device: HashMap<DeviceId, Vec<usize>>,
    pub(super) signed: BTreeMap<DeviceId, SignedHead>,
    pub(super) hold: Vec<SetAside>,
    pub(super) unhold: Vec<Vec<u8>>,
    pub(super) quarantine: Vec<(SetAside, u64)>,
    pub(super) counts: ImportCounts,
    pub(super) latest: Hlc,
    /// The ranges held in the store before this import, with those it holds or quarantines.
    set_aside: SetAsideBound,
}

impl Store {
    pub(super) fn load_tip(&self, device: DeviceId) -> Result<Tip> {
        let Some(bytes) = self.heads.get(device.to_be_bytes())? else {
            return Ok(Tip {
                office: None,
                seq: 0,
                hash: [0; 32],
                hlc: None,
            });
        };
        let head: Head = postcard::from_bytes(&bytes)
            .wrap_err_with(|| format!("head of device {device:016x} is damaged"))?;
        let hlc = match self.op_bytes(device, head.seq)? {
            Some(op) => Some(Op::decode(&op).wrap_err("a stored op is damaged")?.hlc),
            None => None,
        };
        Ok(Tip {
            office: Some(head.office),
            seq: head.seq,
            hash: head.hash,
            hlc,
        })
    }

    /// The hash of `device`'s op `seq` as the chain will be: taken in this import, or stored.
    fn hash_at(&self, plan: &Plan, device: DeviceId, seq: u64) -> Result<Option<Hash>> {
        for &i in plan.taken_by_device.get(&device).into_iter().flatten() {
            let taken = &plan.taken[i];
            if let Some(at) = seq.checked_sub(taken.first_seq) {
                if at < taken.ops.len() as u64 {
                    return Ok(Some(taken.ops.hash(at as usize).wrap_err(spool_failed())?));
                }
            }
        }
        self.op_hash(device, seq)
    }

    /// Where a range stands against the chain as it will be after the ranges sorted before it.
    fn sort(&self, plan: &mut Plan, range: &VerifiedRange) -> Result<Sorted> {
        let head = &range.range.head;
        let device = head.device;
        let tip = match plan.tips.get(&device) {
            Some(tip) => tip.clone(),
            None => {
                let tip = self.load_tip(device)?;
                plan.tips.insert(device, tip.clone());
                tip
            }
        };
        if let Some(office) = &tip.office {
            if *office != head.origin {
                return Ok(Sorted::LeftOut(Rejection::WrongOffice {
                    device,
                    expected: office.clone(),
                    found: head.origin.clone(),
                }));
            }
        }
        let (first, last) = (range.range.first, head.seq);
        let first_difference = |store: &Store, plan: &Plan| -> Result<u64> {
            for seq in first..=last.min(tip.seq) {
                let ours = store.hash_at(plan, device, seq)?;
                let theirs = range.ops.hash((seq - first) as usize);
                if ours != Some(theirs.wrap_err(spool_failed())?) {
                    return Ok(seq);
                }
            }
            Ok(tip.seq + 1)
        };
        if last <= tip.seq {
            return Ok(if self.hash_at(plan, device, last)? == Some(head.hash) {
                Sorted::Duplicate(range.range.len())
            } else {
                Sorted::Fork(first_difference(self, plan)?)
            });
        }
        if device == self.device() {
            // Ops of our own device that we never wrote.
            return Ok(Sorted::Fork(tip.seq + 1));
        }
        if first > tip.seq + 1 {
            return Ok(Sorted::Hold);
        }
        let joins = if first <= tip.seq {
            range
                .ops
                .hash((tip.seq - first) as usize)
                .wrap_err(spool_failed())?
                == tip.hash
        } else {
            range.first_prev == tip.hash
        };
        if !joins {
            return Ok(Sorted::Fork(first_difference(self, plan)?));
        }
        let skip = (tip.seq + 1 - first) as usize;
        let first_new = range.ops.hlc(skip).wrap_err(spool_failed())?;
        if tip.hlc.is_some_and(|h| first_new <= h) {
            return Ok(Sorted::LeftOut(Rejection::corrupted("clock")));
        }
        Ok(Sorted::Apply { skip })
    }

    /// Adds a sorted range to the plan; true when it moves its chain forward.
    fn take(
        &self,
        plan: &mut Plan,
        range: VerifiedRange,
        source: Source,
        sender: &str,
        bundle: [u8; 16],
        at_ms: u64,
    ) -> Result<bool> {
        let from_hold = matches!(source, Source::Held(_));
        let sorted = match self.sort(plan, &range)? {
            // A held range that no longer fits is set aside rather than blocking new bundles.
            Sorted::LeftOut(_) if from_hold => Sorted::Fork(range.range.first),
            sorted @ (Sorted::Hold | Sorted::Fork(_)) if !from_hold => {
                let size = Size {
                    ops: range.range.len(),
                    bytes: range.ops.byte_len().wrap_err(spool_failed())?,
                };
                let fork_at = match sorted {
                    Sorted::Fork(at) => Some(at),
                    _ => None,
                };
                match plan.set_aside.admit(&range.range, size, fork_at) {
                    Ok(()) => sorted,
                    Err(rejection) => Sorted::LeftOut(rejection),
                }
            }
            sorted => sorted,
        };
        let device = range.range.head.device;
        let mut progressed = false;
        if let Source::Held(k) = &source {
            if !matches!(sorted, Sorted::Hold) {
                plan.unhold.push(k.clone());
            }
        }
        match sorted {
            Sorted::LeftOut(rejection) => plan.counts.left_out.push(LeftOut {
                origin: range.range.head.origin.clone(),
                device,
                first: range.range.first,
                last: range.range.head.seq,
                code: rejection.code(),
                reason: rejection.to_string(),
            }),
            Sorted::Duplicate(n) => {
                if !from_hold {
                    plan.counts.duplicates += n;
                }
            }
            Sorted::Hold => {
                if !from_hold {
                    plan.counts.held += range.range.len();
                    plan.hold.push(SetAside {
                        key: range_key(HELD, device, range.range.first, &[]),
                        range: range.range,
                        ops: range.ops,
                        bundle,
                        sender: sender.to_string(),
                        at_ms,
                    });
                }
            }
            Sorted::Fork(at) => {
                plan.counts.quarantined.push(Fork {
                    origin: range.range.head.origin.clone(),
                    device,
                    at,
                    first: range.range.first,
                    last: range.range.head.seq,
                });
                plan.quarantine.push((
                    SetAside {
                        key: range_key(QUARANTINE, device, range.range.first, &bundle),
                        range: range.range,
                        ops: range.ops,
                        bundle,
                        sender: sender.to_string(),
                        at_ms,
                    },
                    at,
                ));
            }
            Sorted::Apply { skip } => {
                progressed = true;
                let ops = range.ops.skip(skip);
                let new = ops.len() as u64;
                plan.counts.applied += new;
                if from_hold {
                    plan.counts.released += new;
                } else {
                    plan.counts.duplicates += skip as u64;
                }
                // Stamps rise along a verified range: its last is its latest.
                let last_hlc = match ops.len().checked_sub(1) {
                    Some(last) => Some(ops.hlc(last).wrap_err(spool_failed())?),
                    None => None,
                };
                plan.latest = plan.latest.max(last_hlc.unwrap_or(plan.latest));
                plan.taken_by_device
                    .entry(device)
                    .or_default()
                    .push(plan.taken.len());
                plan.taken.push(Taken {
                    device,
                    first_seq: range.range.first + skip as u64,
                    ops,
                });
                let head = range.range.head;
                plan.tips.insert(
                    device,
                    Tip {
                        office: Some(head.origin.clone()),
                        seq: head.seq,
                        hash: head.hash,
                        hlc: last_hlc,
                    },
                );
                plan.signed.insert(device, head);
            }
        }
        Ok(progressed)
    }

    /// Sorts the bundle's ranges (and any held ranges they unblock) into duplicate, next,
    /// future (held) and fork (quarantined), then appends and applies every next op, records the
    /// bundle, the acknowledgements and the signed heads, all in one transaction, flushed before
    /// returning. `Err` holding a `Rejection` means nothing was written.
    pub fn import_verified(&self, mut bundle: ImportPlan) -> Result<ImportCounts> {
        self.finish_pending()?;
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| eyre!("store writer lock poisoned"))?;
        let tree = self.sync_tree()?;
        // Only the ranges' heads wait here; a range's ops are read when it is taken.
        let mut held: Vec<(Vec<u8>, HeldHead)> = scan(&tree, HELD)?;
        let mut plan = Plan {
            latest: writer.hlc,
            set_aside: SetAsideBound::of_store(held.iter().map(|(_, h)| h)),
            ..Plan::default()
        };
        // The ranges move into the plan (a copy would hold every op twice); what is kept of
        // them is their heads' offices.
        let ranges = std::mem::take(&mut bundle.ranges);
        let range_origins: BTreeSet<OfficeId> =
            ranges.iter().map(|r| r.range.head.origin.clone()).collect();
        for range in ranges {
            self.take(
                &mut plan,
                range,
                Source::Bundle,
                &bundle.sender,
                bundle.bundle_id,
                bundle.at_ms,
            )?;
        }
        held.sort_by_key(|(_, h)| (h.range.head.device, h.range.first));
        let mut progressed = true;
        while progressed {
            progressed = false;
            let mut waiting = Vec::new();
            for (k, h) in held {
                let tip_seq = match plan.tips.get(&h.range.head.device) {
                    Some(tip) => tip.seq,
                    None => self.load_tip(h.range.head.device)?.seq,
                };
                if h.range.first > tip_seq + 1 {
                    waiting.push((k, h));
                    continue;
                }
                let whole =
                    get::<HeldRange>(&tree, &k)?.ok_or_else(|| eyre!("held range vanished"))?;
                let range = VerifiedRange::from_stored(whole.range, whole.ops)?;
                if self.take(
                    &mut plan,
                    range,
                    Source::Held(k),
                    &h.sender,
                    h.bundle,
                    h.at_ms,
                )? {
                    progressed = true;
                }
            }
            held = waiting;
        }
        let (counts, latest) = self.commit_plan(&tree, &bundle, range_origins, plan)?;
        writer.hlc = writer.hlc.max(latest);
        Ok(counts)
    }

    /// Moves the held range of `device` starting at `first` into quarantine (its origin is no
    /// longer accepted here).
    pub fn quarantine_held_range(&self, device: DeviceId, first: u64) -> Result<()> {
        let tree = self.sync_tree()?;
        self.quarantine_held(&tree, &range_key(HELD, device, first, &[]))
            .map(drop)
    }

    /// Moves a held range that an op of it refused into quarantine.
    fn quarantine_held(&self, tree: &sled::Tree, k: &[u8]) -> Result<Fork> {
        let held = get::<HeldRange>(tree, k)?.ok_or_else(|| eyre!("held range vanished"))?;
        let device = held.range.head.device;
        let q = Quarantined {
            fork_at: held.range.first,
            range: held.range,
            ops: held.ops,
            bundle: held.bundle,
            sender: held.sender,
            at_ms: held.at_ms,
        };
        let mut batch = sled::Batch::default();
        batch.remove(k);
        batch.insert(
            range_key(QUARANTINE, device, q.range.first, &q.bundle),
            postcard::to_stdvec(&q)?,
        );
        tree.apply_batch(batch)?;
        self.db().flush()?;
        Ok(Fork {
            origin: q.range.head.origin,
            device,
            at: q.fork_at,
            first: q.range.first,
            last: q.range.head.seq,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::ledger::MAX_HELD_OPS;
    use crate::sync::ChainKind;

    fn range(device: DeviceId, first: u64, last: u64) -> VerifiedRange {
        let head = SignedHead {
            origin: "420704".into(),
            epoch: 0,
            device,
            kind: ChainKind::Full,
            seq: last,
            hash: [7; 32],
            signature: Vec::new(),
        };
        VerifiedRange::from_stored(RangeHeader { first, head }, Vec::new()).unwrap()
    }

    fn codes(plan: &Plan) -> Vec<&'static str> {
        plan.counts.left_out.iter().map(|l| l.code).collect()
    }

    /// The ranges one import holds and quarantines count together, up to the bound and not
    /// past it.
    #[test]
    fn one_import_sets_aside_at_most_the_bound_across_its_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("s"), "420700", "测试员").unwrap();
        let own = store.device();
        let mut plan = Plan::default();
        let take = |plan: &mut Plan, r: VerifiedRange| {
            store
                .take(plan, r, Source::Bundle, "420704", [1; 16], 0)
                .unwrap()
        };
        take(&mut plan, range(11, 2, 60_001));
        assert_eq!(
            (plan.counts.held, plan.set_aside.total().ops),
            (60_000, 60_000)
        );
        take(&mut plan, range(12, 2, 50_001));
        assert_eq!(codes(&plan), ["too-long-to-hold"]);
        assert_eq!(plan.counts.held, 60_000);
        // Ops of this store's own device it never wrote: a fork, exactly filling the bound.
        take(&mut plan, range(own, 1, MAX_HELD_OPS - 60_000));
        assert_eq!(plan.quarantine.len(), 1);
        assert_eq!(plan.set_aside.total().ops, MAX_HELD_OPS);
        take(&mut plan, range(own, 1, 1));
        assert_eq!(codes(&plan), ["too-long-to-hold", "fork-too-long"]);
        assert!(plan.counts.left_out[1]
            .reason
            .contains(&MAX_HELD_OPS.to_string()));
        assert_eq!((plan.hold.len(), plan.quarantine.len()), (1, 1));
    }
}
