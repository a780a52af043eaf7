//! Taking in a verified bundle: each range sorted against this store's chain of its device
//! (duplicate, next, future, fork), then every next op appended and applied with the bundle's
//! records; the writes are worked out first and written in one short transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::causal::{spool_failed, CausalOrder, Taken};
use super::distinct::DistinctCount;
use super::writes::{merge_peer_state, FoldError, Overlay};
use super::{
    get, key, range_key, scan, Fork, HeldHead, HeldRange, ImportCounts, ImportPlan, LeftOut,
    Quarantined, Received, VerifiedRange, HELD, LINK_IN, QUARANTINE, RECEIVED, SIGNED,
};
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::{apply, ApplyError, DeviceId, Hash, Hlc, Op};
use crate::store::voided::{void_key, Voided};
use crate::store::{Head, Store, TreeBatch, TreeName};
use crate::sync::bundle::{RangeHeader, SignedHead};
use crate::sync::op_spool::OpSlice;
use crate::sync::Rejection;

/// The longest range held until the ops before it come: a held range is stored as one value and
/// read back whole (about 250 bytes an op in memory while it is released). A longer one is left
/// out, to come again once the gap is filled.
pub const MAX_HELD_OPS: u64 = 100_000;

/// Refused ops an import's counts list; a dishonest bundle can carry millions, each stored.
const LISTED_REFUSED: usize = 1_000;

/// Where a device chain stands during an import.
#[derive(Debug, Clone)]
struct Tip {
    office: Option<OfficeId>,
    seq: u64,
    hash: Hash,
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
struct SetAside {
    key: Vec<u8>,
    range: RangeHeader,
    ops: OpSlice,
    bundle: [u8; 16],
    sender: OfficeId,
    at_ms: u64,
}

/// Everything one import will write.
#[derive(Default)]
struct Plan {
    tips: HashMap<DeviceId, Tip>,
    taken: Vec<Taken>,
    /// Each device's places in `taken`, for overlap checks of later ranges.
    taken_by_device: HashMap<DeviceId, Vec<usize>>,
    signed: BTreeMap<DeviceId, SignedHead>,
    hold: Vec<SetAside>,
    unhold: Vec<Vec<u8>>,
    quarantine: Vec<(SetAside, u64)>,
    counts: ImportCounts,
    latest: Hlc,
}

impl Store {
    fn load_tip(&self, device: DeviceId) -> Result<Tip> {
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
            Sorted::Hold if !from_hold && range.range.len() > MAX_HELD_OPS => {
                plan.counts.left_out.push(LeftOut {
                    origin: range.range.head.origin.clone(),
                    device,
                    first: range.range.first,
                    last: range.range.head.seq,
                    code: "too-long-to-hold",
                    reason: Rejection::TooLongToHold {
                        origin: range.range.head.origin.clone(),
                        device,
                        ops: range.range.len(),
                        max: MAX_HELD_OPS,
                    }
                    .to_string(),
                })
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
        let mut plan = Plan {
            latest: writer.hlc,
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
        // Only the ranges' heads wait here; a range's ops are read when it is taken.
        let mut held: Vec<(Vec<u8>, HeldHead)> = scan(&tree, HELD)?;
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

    fn commit_plan(
        &self,
        tree: &sled::Tree,
        bundle: &ImportPlan,
        mut origins: BTreeSet<OfficeId>,
        mut plan: Plan,
    ) -> Result<(ImportCounts, Hlc)> {
        let mut heads = Vec::new();
        for (device, tip) in &plan.tips {
            if plan.signed.contains_key(device) {
                let head = Head {
                    office: tip.office.clone().unwrap_or_default(),
                    seq: tip.seq,
                    hash: tip.hash,
                };
                heads.push((*device, postcard::to_stdvec(&head)?));
            }
        }
        let mut sync_writes: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for (device, head) in &plan.signed {
            sync_writes.push((
                key(SIGNED, &device.to_be_bytes()),
                postcard::to_stdvec(head)?,
            ));
        }
        for aside in std::mem::take(&mut plan.hold) {
            let held = HeldRange {
                ops: aside.ops.read_all().wrap_err(spool_failed())?,
                range: aside.range,
                bundle: aside.bundle,
                sender: aside.sender,
                at_ms: aside.at_ms,
            };
            sync_writes.push((aside.key, postcard::to_stdvec(&held)?));
        }
        for (aside, fork_at) in std::mem::take(&mut plan.quarantine) {
            let quarantined = Quarantined {
                ops: aside.ops.read_all().wrap_err(spool_failed())?,
                range: aside.range,
                bundle: aside.bundle,
                sender: aside.sender,
                at_ms: aside.at_ms,
                fork_at,
            };
            sync_writes.push((aside.key, postcard::to_stdvec(&quarantined)?));
        }
        let sender = bundle.sender.as_bytes();
        let received = Received {
            sender: bundle.sender.clone(),
            link_seq: bundle.link_seq,
            at_ms: bundle.at_ms,
            applied: plan.counts.applied,
        };
        sync_writes.push((
            key(RECEIVED, &bundle.bundle_id),
            postcard::to_stdvec(&received)?,
        ));
        // The first file to use a number keeps it; a twin install's file is told apart by id.
        let link_key = [LINK_IN, sender, b"/", &bundle.link_seq.to_be_bytes()].concat();
        if !tree.contains_key(&link_key)? {
            sync_writes.push((link_key, postcard::to_stdvec(&bundle.bundle_id)?));
        }
        let hlc_bytes = postcard::to_stdvec(&plan.latest)?;
        origins.insert(bundle.sender.clone());
        for ack in &bundle.acks {
            let office = match plan.tips.get(&ack.device) {
                Some(tip) => tip.office.clone(),
                None => self.load_tip(ack.device)?.office,
            };
            origins.extend(office);
        }
        let mut staging = self.staging()?;
        // The log's runs go down first and are not kept: the fold below holds the state's writes.
        let mut by_chain: Vec<&Taken> = plan.taken.iter().collect();
        by_chain.sort_by_key(|t| (t.device, t.first_seq));
        self.each_run_write(
            by_chain.into_iter().flat_map(|taken| {
                let mut cursor = taken.ops.cursor();
                let mut seq = taken.first_seq;
                std::iter::from_fn(move || {
                    let next = cursor.next_op().wrap_err(spool_failed()).transpose()?;
                    let at = seq;
                    seq += 1;
                    Some(next.map(|op| (taken.device, at, op.bytes)))
                })
            }),
            |key, run| staging.push(TreeName::Ops, key.to_vec(), Some(run)),
        )?;
        let spill_failed = || tf("cli.store.write_failed", &[("dir", &self.dir().display())]);
        let ops = plan.taken.iter().map(|taken| taken.ops.len()).sum();
        let mut overlay = Overlay::new(&self.state, self.dir(), ops).wrap_err_with(spill_failed)?;
        // Each changed record's name, hashed (64 bits: two names alike among millions is a
        // chance of one in millions), and counted once: the names of 400,000 ops took 30 MB, a
        // set of their hashes 9 MB, a list 3 MB; sorted runs in a file hold 2 MiB at most.
        let mut changed = DistinctCount::new(self.dir());
        // Causal order across devices (a session before the enrolments that name it): the
        // chains merged by stamp, each op decoded as it is applied and its bytes gone with it.
        let mut in_order = CausalOrder::new(&plan.taken).wrap_err_with(spill_failed)?;
        while let Some(bytes) = in_order.next_op().wrap_err_with(spill_failed)? {
            let op = Op::decode(&bytes).wrap_err("an op of the bundle does not decode")?;
            match apply(&mut overlay, &op) {
                Ok(true) => {
                    changed
                        .push(record_hash(&op.payload))
                        .wrap_err_with(spill_failed)?;
                }
                Ok(false) => {}
                // The op stays in its chain, so the chain and the link go on; it changes nothing.
                Err(FoldError::Apply(ApplyError::Unauthorised {
                    record,
                    origin,
                    rule,
                })) => {
                    let void = Voided {
                        device: op.device,
                        seq: op.seq,
                        origin,
                        kind: op.payload.kind().to_string(),
                        record,
                        rule,
                        sender: bundle.sender.clone(),
                        at_ms: bundle.at_ms,
                    };
                    staging.push(
                        TreeName::Sync,
                        void_key(op.device, op.seq),
                        Some(postcard::to_stdvec(&void)?),
                    )?;
                    plan.counts.refused_count += 1;
                    if plan.counts.refused_ops.len() < LISTED_REFUSED {
                        plan.counts.refused_ops.push(void);
                    }
                }
                Err(FoldError::Apply(error)) => return Err(error.into()),
                Err(FoldError::Storage(error)) => {
                    return Err(error).wrap_err("reading the state during an import")
                }
                Err(FoldError::Spill(error)) => return Err(error).wrap_err_with(spill_failed),
            }
        }
        // Counted now and let go: the runs are not wanted while the writes are committed.
        plan.counts.records_changed = changed.count().wrap_err_with(spill_failed)?;
        let fed = overlay.fed();
        for write in overlay.into_writes().wrap_err_with(spill_failed)? {
            let (key, value) = write.wrap_err_with(spill_failed)?;
            staging.push(TreeName::State, key, value)?;
        }
        for (device, head) in heads {
            staging.push(TreeName::Heads, device.to_be_bytes().to_vec(), Some(head))?;
        }
        staging.push(TreeName::Meta, b"hlc".to_vec(), Some(hlc_bytes))?;
        let mut sync = TreeBatch::default();
        for k in &plan.unhold {
            sync.remove(k.as_slice());
        }
        for (k, v) in sync_writes {
            sync.insert_owned(k, v);
        }
        merge_peer_state(tree, bundle, &origins, &mut sync)?;
        staging.batch(TreeName::Sync, sync)?;
        if !fed.is_empty() {
            self.invalidate_derived(fed)?;
        }
        staging.finish(&|_, _| {})?;
        Ok((plan.counts, plan.latest))
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

/// One name per record an op changes, hashed: an enrolment and an attendance of the same person
/// are two records, an undo changes the attendance its check-in made.
fn record_hash(payload: &crate::log::Payload) -> u64 {
    use crate::log::Payload;
    let class = match payload {
        Payload::CheckInUndone { .. } => "CheckedIn",
        other => other.kind(),
    };
    let name = format!("{class}:{}", payload.records().join("/"));
    let hash = blake3::hash(name.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(first)
}
