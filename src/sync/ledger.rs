//! What a store keeps for syncing with other offices, in one sled tree (`sync`) with prefixed
//! keys: trusted peers, what each peer has acknowledged, the origin-signed head of each foreign
//! chain (so this office can relay it), ranges held until a gap fills, quarantined forks, and
//! the bundles taken in. Taking in a bundle's ops writes the op log, the state and all of this in
//! one transaction.

mod apply;
mod causal;
mod commit;
mod distinct;
mod files;
mod review;
mod set_aside;
mod slot_table;
mod spill;
mod writes;

pub use review::{forget_kept_review, review, Duplicate, DuplicateBy, Sighting};
pub use set_aside::{MAX_HELD_BYTES, MAX_HELD_OPS};

use std::collections::BTreeMap;

use color_eyre::eyre::{eyre, Result, WrapErr};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::bundle::{Ack, RangeHeader, SignedHead};
use super::identity::Card;
use super::op_spool::{OpSlice, OpSpool};
use super::trust::Peer;
use super::ChainKind;
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::{DeviceId, Hash, Op};
use crate::store::voided::{scan, values, Voided};
use crate::store::Store;

const PEER: &[u8] = b"peer/";
const ACK: &[u8] = b"ack/";
const SIGNED: &[u8] = b"head/";
const HELD: &[u8] = b"held/";
const QUARANTINE: &[u8] = b"quar/";
const RECEIVED: &[u8] = b"rx/";
/// A bundle taken in with ranges left out until their origin is trusted: it may be taken in
/// again once it is, and what it already brought counts as duplicates.
const RECEIVED_IN_PART: &[u8] = b"rxpart/";
const LINK_IN: &[u8] = b"rxseq/";
const LINK_IN_MAX: &[u8] = b"rxmax/";
const LINK_OUT: &[u8] = b"txseq/";
const PEER_SEEN: &[u8] = b"seen/";
const ROSTER_IN: &[u8] = b"roster-in/";
const ROSTER_OUT: &[u8] = b"roster-out";
const SENT: &[u8] = b"sent/";
const FROM_ORIGIN: &[u8] = b"origin/";
/// A card a roster named for an office trusted here with other keys: not trusted, only kept to
/// say why what it signs is left out.
const OFFERED: &[u8] = b"offered/";

fn key(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    [prefix, rest].concat()
}

pub(super) fn peer_key(office: &str) -> Vec<u8> {
    key(PEER, office.as_bytes())
}

pub(super) fn offered_key(office: &str) -> Vec<u8> {
    key(OFFERED, office.as_bytes())
}

/// Adds to `batch` the removal of what `office`'s install said: the numbers of its bundles and
/// what it holds. An office that started afresh numbers from one again and holds nothing; kept,
/// they would call its bundles a copied folder's and keep back what it no longer has.
pub(super) fn forget_install(
    tree: &sled::Tree,
    batch: &mut sled::Batch,
    office: &str,
) -> Result<()> {
    let numbers = [LINK_IN, office.as_bytes(), b"/"].concat();
    for entry in tree.scan_prefix(numbers) {
        batch.remove(entry?.0);
    }
    batch.remove(key(LINK_IN_MAX, office.as_bytes()));
    batch.remove(key(ACK, office.as_bytes()));
    Ok(())
}

fn range_key(prefix: &[u8], device: DeviceId, first: u64, extra: &[u8]) -> Vec<u8> {
    [prefix, &device.to_be_bytes(), &first.to_be_bytes(), extra].concat()
}

/// A bundle taken in part: its mark's key, what the bundle was, and the origins it waits for.
struct InPart {
    key: Vec<u8>,
    received: Received,
    origins: Vec<OfficeId>,
}

/// Every mark of a bundle taken in part whose bundle is recorded.
fn in_part_marks(tree: &sled::Tree) -> Result<Vec<InPart>> {
    let mut out = Vec::new();
    for entry in tree.scan_prefix(RECEIVED_IN_PART) {
        let (k, origins) = entry?;
        let bundle = &k[RECEIVED_IN_PART.len()..];
        if let Some(received) = get::<Received>(tree, &key(RECEIVED, bundle))? {
            out.push(InPart {
                key: k.to_vec(),
                received,
                origins: postcard::from_bytes(&origins).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// What a peer holds of each chain, as it told us: device -> (seq, hash of that op).
pub type AckMap = BTreeMap<DeviceId, (u64, Hash)>;

/// A range that arrived before the ops it follows; applied once the gap fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRange {
    pub range: RangeHeader,
    pub ops: Vec<Vec<u8>>,
    pub bundle: [u8; 16],
    pub sender: OfficeId,
    pub at_ms: u64,
}

/// A signed range that contradicts the chain this store has: its origin wrote two histories
/// (a restored backup, a copied install). Kept for a person to look at, never applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub range: RangeHeader,
    pub ops: Vec<Vec<u8>>,
    pub bundle: [u8; 16],
    pub sender: OfficeId,
    pub at_ms: u64,
    /// The first sequence number where the two histories differ.
    pub fork_at: u64,
}

/// A held range as listed: read from the same record, its ops counted as they are read past
/// and not kept (a store may hold ranges from before `MAX_HELD_OPS`, of any length).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct HeldHead {
    pub range: RangeHeader,
    pub ops: OpsCounted,
    pub bundle: [u8; 16],
    pub sender: OfficeId,
    pub at_ms: u64,
}

/// A quarantined range as listed, its ops counted as for `HeldHead`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct QuarantinedHead {
    pub range: RangeHeader,
    pub ops: OpsCounted,
    pub bundle: [u8; 16],
    pub sender: OfficeId,
    pub at_ms: u64,
    pub fork_at: u64,
}

/// How many ops a stored range holds and their bytes, read from its list of ops without keeping
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpsCounted(pub usize, pub u64);

impl<'de> Deserialize<'de> for OpsCounted {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Counting;
        impl<'de> serde::de::Visitor<'de> for Counting {
            type Value = OpsCounted;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of ops")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<OpsCounted, A::Error> {
                let (mut count, mut bytes) = (0, 0);
                // Each op borrowed from the record's bytes, never copied.
                while let Some(op) = seq.next_element::<&'de [u8]>()? {
                    count += 1;
                    bytes += op.len() as u64;
                }
                Ok(OpsCounted(count, bytes))
            }
        }
        deserializer.deserialize_seq(Counting)
    }
}

/// A bundle taken in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Received {
    pub sender: OfficeId,
    pub link_seq: u64,
    pub at_ms: u64,
    pub applied: u64,
}

/// The last bundle written for a peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub link_seq: u64,
    pub at_ms: u64,
    pub ops: u64,
    pub file: String,
}

/// The newest bundle that carried an office's work here (from the office itself, or relayed):
/// how current this store's copy of that office is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Freshness {
    pub sender: OfficeId,
    pub link_seq: u64,
    pub at_ms: u64,
}

/// One device chain this store holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainInfo {
    pub device: DeviceId,
    pub origin: OfficeId,
    pub kind: ChainKind,
    pub seq: u64,
    pub hash: Hash,
    /// The origin's signature on exactly this head, when the chain came in a bundle.
    pub signed: Option<SignedHead>,
}

/// A range whose signatures and links were checked by `sync::import`.
#[derive(Debug, Clone)]
pub struct VerifiedRange {
    pub range: RangeHeader,
    /// The hash the first op links back to.
    pub first_prev: Hash,
    /// The ops as set aside, with their stamps and hashes; each is decoded again as it is applied.
    pub ops: OpSlice,
}

impl VerifiedRange {
    /// Rebuilds a held range, checked when it was held; its ops (in memory already, read from
    /// the store) stay in memory.
    fn from_stored(range: RangeHeader, bytes: Vec<Vec<u8>>) -> Result<VerifiedRange> {
        let mut first_prev = [0; 32];
        let mut stamped = Vec::with_capacity(bytes.len());
        for b in &bytes {
            let op = Op::decode(b).wrap_err("a held op does not decode")?;
            if stamped.is_empty() {
                first_prev = op.prev;
            }
            stamped.push((Op::hash_of(b), op.hlc, b.as_slice()));
        }
        let ops = OpSpool::in_memory(stamped).wrap_err("a held op is too long")?;
        Ok(VerifiedRange {
            range,
            first_prev,
            ops,
        })
    }
}

/// A bundle's verified contents, ready to be sorted and applied.
#[derive(Debug, Clone)]
pub struct ImportPlan {
    pub bundle_id: [u8; 16],
    pub sender: OfficeId,
    pub link_seq: u64,
    pub seen_link_seq: u64,
    pub acks: Vec<Ack>,
    pub ranges: Vec<VerifiedRange>,
    pub at_ms: u64,
    /// The origins whose ranges were left out for want of trust this office can still give
    /// (`import::waits_for_trust`); the file may be taken in again once it does. Empty when
    /// nothing waits.
    pub waiting_for: Vec<OfficeId>,
    /// Sent, before a replacement, by the install whose keys were replaced: its ranges go in,
    /// what it says of itself (numbers, holdings) is not kept.
    pub old_install: bool,
}

/// A fork found while importing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fork {
    pub origin: OfficeId,
    pub device: DeviceId,
    pub at: u64,
    pub first: u64,
    pub last: u64,
}

/// A range not taken in for a reason of its own (its device belongs to another office, its clock
/// runs backwards); the rest of its bundle was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    pub origin: OfficeId,
    pub device: DeviceId,
    pub first: u64,
    pub last: u64,
    pub code: &'static str,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    /// Ops appended and applied.
    pub applied: u64,
    /// Ops this store already had.
    pub duplicates: u64,
    /// Ops held until the ops before them arrive.
    pub held: u64,
    /// Ops held by earlier bundles that could now be applied (included in `applied`).
    pub released: u64,
    pub quarantined: Vec<Fork>,
    /// Ops taken into their chains that the rules refuse: they change nothing. The first
    /// `LISTED_REFUSED` are listed here; every one is stored (`peixun bundle held`).
    pub refused_ops: Vec<Voided>,
    /// How many ops the rules refused, listed or not.
    pub refused_count: u64,
    /// Ranges not taken in; the rest of the bundle was.
    pub left_out: Vec<LeftOut>,
    /// Distinct records whose visible state changed.
    pub records_changed: usize,
}

pub(super) fn get<T: DeserializeOwned>(tree: &sled::Tree, key: &[u8]) -> Result<Option<T>> {
    match tree.get(key)? {
        None => Ok(None),
        Some(bytes) => Ok(Some(
            postcard::from_bytes(&bytes).wrap_err("sync record is damaged")?,
        )),
    }
}

impl Store {
    pub(super) fn sync_put<T: Serialize>(&self, key: &[u8], value: &T) -> Result<()> {
        self.sync_tree()?.insert(key, postcard::to_stdvec(value)?)?;
        self.sync_flush()
    }

    /// Writes `batch` to the sync records in one go, on disk before it returns.
    pub(super) fn sync_apply(&self, batch: sled::Batch) -> Result<()> {
        self.sync_tree()?.apply_batch(batch)?;
        self.sync_flush()
    }

    fn sync_flush(&self) -> Result<()> {
        self.db()
            .flush()
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir().display())]))?;
        Ok(())
    }

    pub fn peer(&self, office: &str) -> Result<Option<Peer>> {
        get(&self.sync_tree()?, &key(PEER, office.as_bytes()))
    }

    pub fn put_peer(&self, peer: &Peer) -> Result<()> {
        self.sync_put(&peer_key(peer.office()), peer)
    }

    pub fn peers(&self) -> Result<Vec<Peer>> {
        values(&self.sync_tree()?, PEER)
    }

    /// What `peer` told us it holds, from the newest bundle it sent.
    pub fn acks_from(&self, peer: &str) -> Result<AckMap> {
        Ok(get(&self.sync_tree()?, &key(ACK, peer.as_bytes()))?.unwrap_or_default())
    }

    /// The link sequence number for the next bundle to `peer`: past every one we sent and every
    /// one the peer says it has seen from us (after a restored backup, the peer remembers).
    pub fn next_link_seq(&self, peer: &str) -> Result<u64> {
        let tree = self.sync_tree()?;
        let sent: u64 = get(&tree, &key(LINK_OUT, peer.as_bytes()))?.unwrap_or(0);
        let seen: u64 = get(&tree, &key(PEER_SEEN, peer.as_bytes()))?.unwrap_or(0);
        Ok(sent.max(seen) + 1)
    }

    pub fn set_link_seq(&self, peer: &str, seq: u64) -> Result<()> {
        self.sync_put(&key(LINK_OUT, peer.as_bytes()), &seq)
    }

    /// Counts a written bundle's link number as used and remembers it as the last one sent.
    pub fn record_sent(&self, peer: &str, sent: &Sent) -> Result<()> {
        let mut batch = sled::Batch::default();
        batch.insert(
            key(LINK_OUT, peer.as_bytes()),
            postcard::to_stdvec(&sent.link_seq)?,
        );
        batch.insert(key(SENT, peer.as_bytes()), postcard::to_stdvec(sent)?);
        self.sync_apply(batch)
    }

    /// The last bundle written for `peer`, if any.
    pub fn last_sent(&self, peer: &str) -> Result<Option<Sent>> {
        get(&self.sync_tree()?, &key(SENT, peer.as_bytes()))
    }

    /// The newest bundle taken in from each sender (by link number).
    pub fn last_received(&self) -> Result<BTreeMap<OfficeId, Received>> {
        let mut out: BTreeMap<OfficeId, Received> = BTreeMap::new();
        for (_, r) in scan::<Received>(&self.sync_tree()?, RECEIVED)? {
            match out.get(&r.sender) {
                Some(old) if old.link_seq >= r.link_seq => {}
                _ => {
                    out.insert(r.sender.clone(), r);
                }
            }
        }
        Ok(out)
    }

    /// For each office whose work came in a bundle, the newest such bundle.
    pub fn freshness(&self) -> Result<BTreeMap<OfficeId, Freshness>> {
        Ok(scan::<Freshness>(&self.sync_tree()?, FROM_ORIGIN)?
            .into_iter()
            .map(|(k, f)| {
                let office = String::from_utf8_lossy(&k[FROM_ORIGIN.len()..]).into_owned();
                (office, f)
            })
            .collect())
    }

    /// The highest link sequence number taken in from `peer`.
    pub fn seen_link_seq(&self, peer: &str) -> Result<u64> {
        Ok(get(&self.sync_tree()?, &key(LINK_IN_MAX, peer.as_bytes()))?.unwrap_or(0))
    }

    /// The bundle that used `link_seq` from `sender`, if one did.
    pub fn link_seq_used(&self, sender: &str, link_seq: u64) -> Result<Option<[u8; 16]>> {
        let k = [LINK_IN, sender.as_bytes(), b"/", &link_seq.to_be_bytes()].concat();
        get(&self.sync_tree()?, &k)
    }

    pub fn received(&self, bundle: &[u8; 16]) -> Result<Option<Received>> {
        get(&self.sync_tree()?, &key(RECEIVED, bundle))
    }

    /// The bundle was taken in with ranges left out until their origin is trusted.
    pub fn received_in_part(&self, bundle: &[u8; 16]) -> Result<bool> {
        Ok(self
            .sync_tree()?
            .contains_key(key(RECEIVED_IN_PART, bundle))?)
    }

    /// Each bundle taken in with ranges left out until their origin is trusted, with the
    /// origins it waits for (none named when its mark cannot be read).
    pub fn received_in_part_each(&self) -> Result<Vec<(Received, Vec<OfficeId>)>> {
        Ok(in_part_marks(&self.sync_tree()?)?
            .into_iter()
            .map(|mark| (mark.received, mark.origins))
            .collect())
    }

    /// The held ranges, without their ops.
    pub fn held_ranges(&self) -> Result<Vec<HeldHead>> {
        values(&self.sync_tree()?, HELD)
    }

    /// The quarantined ranges, without their ops.
    pub fn quarantined(&self) -> Result<Vec<QuarantinedHead>> {
        values(&self.sync_tree()?, QUARANTINE)
    }

    /// The last roster version accepted from `signer` (0 when none).
    pub fn roster_version_from(&self, signer: &str) -> Result<u64> {
        Ok(get(&self.sync_tree()?, &key(ROSTER_IN, signer.as_bytes()))?.unwrap_or(0))
    }

    /// Records an accepted roster and the peers it introduced, together.
    /// Records roster `version` from `signer`, trusting the new `peers`; the cards it `offered`
    /// for offices trusted with other keys are kept aside, with who offered them.
    pub fn accept_roster(
        &self,
        (signer, version): (&str, u64),
        peers: &[Peer],
        offered: &[Card],
    ) -> Result<()> {
        let mut batch = sled::Batch::default();
        batch.insert(
            key(ROSTER_IN, signer.as_bytes()),
            postcard::to_stdvec(&version)?,
        );
        for card in offered {
            batch.insert(
                offered_key(&card.body.office),
                postcard::to_stdvec(&(signer, card))?,
            );
        }
        for peer in peers {
            batch.insert(
                key(PEER, peer.card.body.office.as_bytes()),
                postcard::to_stdvec(peer)?,
            );
        }
        self.sync_apply(batch)
    }

    /// The card a roster offered for `office`, and who offered it.
    pub fn offered_card(&self, office: &str) -> Result<Option<(OfficeId, Card)>> {
        get(&self.sync_tree()?, &offered_key(office))
    }

    /// The version for the next roster this office signs.
    pub fn next_roster_version(&self) -> Result<u64> {
        let tree = self.sync_tree()?;
        let last: u64 = get(&tree, ROSTER_OUT)?.unwrap_or(0);
        self.sync_put(ROSTER_OUT, &(last + 1))?;
        Ok(last + 1)
    }

    /// Every chain this store holds, with its origin's signed head where it has one.
    pub fn chains(&self) -> Result<Vec<ChainInfo>> {
        let tree = self.sync_tree()?;
        let mut out = Vec::new();
        for (device, head) in self.heads()? {
            let signed: Option<SignedHead> = get(&tree, &key(SIGNED, &device.to_be_bytes()))?;
            let kind = signed.as_ref().map_or(ChainKind::Full, |s| s.kind);
            out.push(ChainInfo {
                device,
                origin: head.office,
                kind,
                seq: head.seq,
                hash: head.hash,
                signed: signed.filter(|s| s.seq == head.seq && s.hash == head.hash),
            });
        }
        Ok(out)
    }

    /// The exact encodings of ops `from..=to` of `device`.
    pub fn chain_ops(&self, device: DeviceId, from: u64, to: u64) -> Result<Vec<Vec<u8>>> {
        if from > to {
            return Ok(Vec::new());
        }
        let mut out: Vec<Vec<u8>> = Vec::new();
        for stored in self.chain_from(device, from) {
            let stored = stored?;
            if stored.seq > to {
                break;
            }
            out.push(stored.bytes);
        }
        if out.len() as u64 != to - from + 1 {
            return Err(eyre!("the log of device {device:016x} has a gap"));
        }
        Ok(out)
    }

    /// The hash of op `seq` of `device`, when this store has it.
    pub fn op_hash(&self, device: DeviceId, seq: u64) -> Result<Option<Hash>> {
        Ok(self.op_bytes(device, seq)?.map(|bytes| Op::hash_of(&bytes)))
    }
}
