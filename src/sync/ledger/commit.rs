//! Writing an import's plan: the taken ops' runs, the state they fold to, the heads and the
//! sync records, staged so that a reader sees all of it or none.

use std::collections::BTreeSet;

use color_eyre::eyre::{Result, WrapErr};

use super::apply::Plan;
use super::causal::{spool_failed, CausalOrder, Taken};
use super::distinct::DistinctCount;
use super::writes::{merge_peer_state, FoldError, Overlay};
use super::{
    get, in_part_marks, key, HeldRange, ImportCounts, ImportPlan, Quarantined, Received, LINK_IN,
    RECEIVED, RECEIVED_IN_PART, SIGNED,
};
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::{apply, ApplyError, Hlc, Op};
use crate::store::voided::{void_key, Voided};
use crate::store::{Head, Store, TreeBatch, TreeName};

/// Refused ops an import's counts list; a dishonest bundle can carry millions, each stored.
const LISTED_REFUSED: usize = 1_000;

impl Store {
    /// Writes what `plan` worked out: the log's runs, the folded state, the heads, and the
    /// sync tree's records, staged and swapped in as one.
    pub(super) fn commit_plan(
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
        let in_part = key(RECEIVED_IN_PART, &bundle.bundle_id);
        // Taken in again once trusted: the first time's ops count as well.
        let applied_before = if tree.contains_key(&in_part)? {
            get::<Received>(tree, &key(RECEIVED, &bundle.bundle_id))?.map_or(0, |r| r.applied)
        } else {
            0
        };
        let received = Received {
            sender: bundle.sender.clone(),
            link_seq: bundle.link_seq,
            at_ms: bundle.at_ms,
            applied: applied_before + plan.counts.applied,
        };
        sync_writes.push((
            key(RECEIVED, &bundle.bundle_id),
            postcard::to_stdvec(&received)?,
        ));
        if !bundle.waiting_for.is_empty() {
            sync_writes.push((in_part.clone(), postcard::to_stdvec(&bundle.waiting_for)?));
        }
        // The first file to use a number keeps it; a twin install's file is told apart by id.
        let link_key = [LINK_IN, sender, b"/", &bundle.link_seq.to_be_bytes()].concat();
        if !bundle.old_install && !tree.contains_key(&link_key)? {
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
                    let void = Voided::of(
                        &op,
                        (record, origin, rule),
                        bundle.sender.clone(),
                        bundle.at_ms,
                    );
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
        // Taken in whole, this file settles its own mark, and those of the sender's earlier
        // files: the sender offers again what was left out until it is acknowledged, so this
        // file brought that work, or the sender no longer has it to bring.
        if bundle.waiting_for.is_empty() {
            for mark in in_part_marks(tree)? {
                let earlier = &mark.received;
                let settled = mark.key == in_part
                    || (earlier.sender == bundle.sender && earlier.link_seq < bundle.link_seq);
                if settled {
                    sync.remove(mark.key.as_slice());
                }
            }
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
