//! Taking in a bundle: refuse anything not addressed to us, from a sender we do not trust, or
//! altered in any byte; check every range against its origin's signed head and that this office
//! may hold it; then hand the ranges to the store, which sorts them into duplicate, next, future
//! (held) and fork (quarantined) and applies them in one transaction. A refused file changes
//! nothing.

use std::collections::HashSet;

use color_eyre::eyre::{Result, WrapErr};
use serde::Serialize;

use std::io::Read;

use super::bundle::{Header, RangeHeader};
use super::export::RangeSummary;
use super::identity::Keys;
use super::incoming::{decrypt, read_frame, Frame, Opened, RangeOps};
use super::rotation::keys_of_epoch;
use super::signers::{range_signed, replaced_key_point, signing_key, stale_sender};
use super::visibility::{is_strict_ancestor, may_hold, view_may_carry};
use super::{hex, ChainKind, Fault, Rejection};
use crate::domain::OfficeId;
use crate::log::device::tag_owner;
use crate::log::DeviceId;
use crate::log::Op;
use crate::store::Store;
use crate::sync::ledger::{ImportCounts, ImportPlan, VerifiedRange};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub sender: OfficeId,
    pub link_seq: u64,
    pub bundle_id: String,
    #[serde(flatten)]
    pub counts: ImportCounts,
    /// Ranges left out because their origin is not trusted here (unknown, revoked, another key
    /// generation); the rest of the bundle was taken in.
    pub refused: Vec<RefusedRange>,
    /// Evidence files the bundle carried that were not kept here before.
    pub files_kept: usize,
    /// Another file from the sender used the same number: the sender has two installs (a copied
    /// folder) or restored a backup. Its bundle id.
    pub twin_of: Option<String>,
    /// Devices of this office that the sender hears from and this store does not know: another
    /// install of this office.
    pub other_installs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedRange {
    pub range: RangeSummary,
    pub code: &'static str,
    pub reason: String,
    /// Refused for want of trust this office can still give: the same file may bring the
    /// range once it does.
    pub waits_for_trust: bool,
}

/// Refusals that concern one origin's range rather than the file: a relay passing on the work of
/// an office this office does not (or no longer) trusts, a chain on another office's device, a
/// view carrying what views do not carry. Refusing the whole file would stop everything else
/// the relay carries until the two offices agree about a third.
fn refuses_only_the_range(rejection: &Rejection) -> bool {
    matches!(
        rejection,
        Rejection::UnknownOrigin { .. }
            | Rejection::RevokedOrigin { .. }
            | Rejection::OriginEpoch { .. }
            | Rejection::DeviceOf { .. }
            | Rejection::Unauthorised { .. }
            | Rejection::StaleKey { .. }
            | Rejection::KeysNotConfirmed { .. }
    )
}

/// A range refused for want of trust in its origin that accepting its card, a roster or a
/// rotation can give: an office not known here, or a newer key generation of another office.
/// (A revoked generation is never trusted again; an older one, or our own office's, never
/// becomes trusted.)
fn waits_for_trust(rejection: &Rejection, us: &str) -> bool {
    match rejection {
        Rejection::UnknownOrigin { .. } | Rejection::KeysNotConfirmed { .. } => true,
        Rejection::OriginEpoch {
            origin,
            found,
            trusted,
        } => origin != us && found > trusted,
        _ => false,
    }
}

/// The origins of the ranges left out that wait for trust, each once.
pub fn waiting_for(refused: &[RefusedRange]) -> Vec<OfficeId> {
    let waiting: std::collections::BTreeSet<&OfficeId> = refused
        .iter()
        .filter(|r| r.waits_for_trust)
        .map(|r| &r.range.origin)
        .collect();
    waiting.into_iter().cloned().collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    Imported(Box<ImportSummary>),
    /// The same file (bundle id) was taken in before; nothing was done.
    AlreadyImported {
        sender: OfficeId,
        link_seq: u64,
        bundle_id: String,
        at_ms: u64,
    },
}

/// Checks one range: visible to us, signed by its origin's trusted key, the last op hashing to
/// the signed head. (Each op was decoded and linked to the one before as it was read.)
fn verify_range(
    store: &Store,
    keys: &Keys,
    range: &RangeHeader,
    read: RangeOps,
) -> Result<VerifiedRange, Fault<Rejection>> {
    let head = &range.head;
    let origin = head.origin.clone();
    if !may_hold(store.office(), &origin, head.kind) {
        return Err(Fault::Refused(Rejection::NotVisible {
            origin,
            device: head.device,
        }));
    }
    if let Some(owner) = tag_owner(head.device).filter(|owner| *owner != origin) {
        return Err(Fault::Refused(Rejection::DeviceOf {
            device: head.device,
            owner: owner.to_string(),
            found: origin,
        }));
    }
    range_signed(store, keys, head, &read)?;
    // Signed by the origin from here on; what is left are mistakes of the origin's software,
    // named at the first op that makes one.
    let wrong_office = read.other_office.as_ref().map(|(at, _)| *at);
    let first_mistake = wrong_office.into_iter().chain(read.clock_back).min();
    if head.kind == ChainKind::PublicView {
        let mut cursor = read.ops.cursor();
        for _ in 0..first_mistake.unwrap_or(read.ops.len()) {
            let Some(spooled) = cursor
                .next_op()
                .wrap_err("reading a bundle's ops set aside")?
            else {
                break;
            };
            let op = Op::decode(&spooled.bytes)
                .map_err(|_| Fault::Refused(Rejection::corrupted("ops")))?;
            if !view_may_carry(&op.payload, store.office()) {
                return Err(Fault::Refused(Rejection::Unauthorised {
                    record: op.payload.records().into_iter().next().unwrap_or_default(),
                    origin,
                }));
            }
        }
    }
    if let Some((at, found)) = read.other_office {
        if first_mistake == Some(at) {
            return Err(Fault::Refused(Rejection::WrongOffice {
                device: head.device,
                expected: origin,
                found,
            }));
        }
    }
    if read.clock_back.is_some() {
        return Err(Fault::Refused(Rejection::corrupted("clock")));
    }
    Ok(VerifiedRange {
        range: range.clone(),
        first_prev: read.first_prev,
        ops: read.ops,
    })
}

/// A decrypted bundle whose sender's signature verified.
struct Checked<'a> {
    frame: Frame,
    opened: Opened<'a>,
    twin_of: Option<String>,
    /// When the file was first taken in, in part: taking it in again is dated so, and the
    /// offices and ranges it brought are no fresher for it.
    first_taken_ms: Option<u64>,
    /// Sent by an install whose keys this office replaced, before the replacement.
    old_install: bool,
}

enum Stage<'a> {
    Done(Outcome),
    Checked(Box<Checked<'a>>),
}

fn check<'a>(
    store: &Store,
    keys: &Keys,
    mut input: impl Read + 'a,
    total: u64,
) -> Result<Stage<'a>, Fault<Rejection>> {
    let frame = read_frame(&mut input, total)?;
    let routing = &frame.routing;
    if routing.recipient != store.office() {
        let not_for_us = Rejection::NotForUs {
            recipient: routing.recipient.clone(),
            us: store.office().to_string(),
        };
        return Err(Fault::Refused(damaged_or(
            not_for_us, &frame, input, store, keys,
        )));
    }
    let (sender, epoch) = (&routing.sender, routing.sender_epoch);
    // A key this office replaced may have signed it before the replacement.
    let replaced_at_epoch = store
        .replaced_keys(sender)?
        .iter()
        .any(|old| old.epoch == epoch);
    let sender_key = match signing_key(store, keys, sender, epoch, true) {
        Ok(key) => Ok(key),
        Err(Fault::Refused(why)) if !replaced_at_epoch => {
            return Err(Fault::Refused(damaged_or(why, &frame, input, store, keys)));
        }
        Err(Fault::Refused(why)) => Err(why),
        Err(failed) => return Err(failed),
    };
    // A peer that has not heard of a rotation yet encrypts to the keys kept aside.
    let kept = keys_of_epoch(store.dir(), keys, routing.recipient_epoch)?;
    let identity = kept.as_ref().unwrap_or(keys).age_identity();
    let opened = decrypt(&frame, input, identity)?;
    let verified = match &sender_key {
        Ok(key) => opened.verify(&frame, key),
        Err(why) => Err(why.clone()),
    };
    // A bundle the replaced keys signed is the old install's: one made before the replacement
    // (on a stick when the machine died) is taken in, but what it says of the install (its
    // numbers, what it holds) would undo the replacement and is not kept; one made after is
    // refused.
    let created = opened.header.created_ms;
    let mut old_install = false;
    if let Err(why) = verified {
        let verifies = |key: &ed25519_dalek::VerifyingKey| opened.verify(&frame, key).is_ok();
        let replaced = match replaced_at_epoch {
            true => replaced_key_point(store, sender, epoch, verifies)?,
            false => None,
        };
        match replaced {
            Some(point) if created <= point.at_ms => old_install = true,
            Some(point) => {
                return Err(Fault::Refused(Rejection::ReplacedSender {
                    sender: sender.clone(),
                    at_ms: point.at_ms,
                }))
            }
            // Revoked by key (an impostor's replaced keys): said so, not as altered.
            None if store.revoked_keys(sender)?.iter().any(|key| {
                ed25519_dalek::VerifyingKey::from_bytes(key).is_ok_and(|key| verifies(&key))
            }) =>
            {
                return Err(Fault::Refused(Rejection::RevokedSender {
                    sender: sender.clone(),
                }))
            }
            None => return Err(Fault::Refused(why)),
        }
    }
    // A copy of an old key kept after the office rotated away from it sends nothing new.
    if let Some(stale) = stale_sender(store, sender, epoch, created)? {
        return Err(Fault::Refused(stale));
    }
    let header = &opened.header;
    let earlier = store.received(&header.bundle_id)?;
    if let Some(received) = &earlier {
        if !store.received_in_part(&header.bundle_id)? {
            return Ok(Stage::Done(Outcome::AlreadyImported {
                sender: header.sender.clone(),
                link_seq: header.link_seq,
                bundle_id: hex(&header.bundle_id),
                at_ms: received.at_ms,
            }));
        }
    }
    // The same number on another file: the sender's folder was copied (two installs number
    // their bundles alike) or a backup was restored. Every range is checked on its own, so
    // taking it in loses nothing and the copy's work still arrives; the summary says so.
    let twin_of = store
        .link_seq_used(&header.sender, header.link_seq)?
        .filter(|other| *other != header.bundle_id && !old_install)
        .map(|other| hex(&other));
    Ok(Stage::Checked(Box::new(Checked {
        frame,
        opened,
        twin_of,
        first_taken_ms: earlier.map(|r| r.at_ms),
        old_install,
    })))
}

/// A refusal read from the routing header, which nothing has checked yet (an unknown sender, a
/// key generation, another recipient). When the body opens with this office's key and the
/// header sealed inside disagrees with the routing header, the file was damaged on its way, and
/// that is what is said, not advice about trust or keys that would send the coordinator astray.
fn damaged_or(
    why: Rejection,
    frame: &Frame,
    body: impl Read,
    store: &Store,
    keys: &Keys,
) -> Rejection {
    let kept = keys_of_epoch(store.dir(), keys, frame.routing.recipient_epoch)
        .ok()
        .flatten();
    let identity = kept.as_ref().unwrap_or(keys).age_identity();
    match decrypt(frame, body, identity) {
        Ok(opened) if opened.routing_changed(frame) => Rejection::corrupted("routing"),
        _ => why,
    }
}

/// Held ranges whose origin this office no longer accepts (revoked since they were held) move
/// to quarantine: holding a range is no promise to apply it later. Returns how many moved.
pub fn recheck_held(store: &Store, keys: &Keys) -> Result<usize> {
    let mut moved = 0;
    for held in store.held_ranges()? {
        let head = &held.range.head;
        let accepted = match signing_key(store, keys, &head.origin, head.epoch, false) {
            Ok(key) if head.verify(&key) => true,
            Ok(_) | Err(Fault::Refused(_)) => {
                // Held before its office's keys were replaced, and signed by them then.
                replaced_key_point(store, &head.origin, head.epoch, |key| head.verify(key))?
                    .is_some()
            }
            Err(Fault::Failed(report)) => return Err(report),
        };
        if !accepted {
            store.quarantine_held_range(head.device, held.range.first)?;
            moved += 1;
        }
    }
    Ok(moved)
}

/// Takes in the bundle in `bytes`. A refusal leaves the store unchanged.
pub fn import_bytes(store: &Store, keys: &Keys, bytes: &[u8]) -> Result<Outcome, Fault<Rejection>> {
    import_from(store, keys, bytes, bytes.len() as u64)
}

/// Takes in the bundle `input` reads, of `total` bytes, in bounded memory. Errors as
/// `import_bytes`.
pub fn import_from(
    store: &Store,
    keys: &Keys,
    input: impl Read,
    total: u64,
) -> Result<Outcome, Fault<Rejection>> {
    let checked = match check(store, keys, input, total)? {
        Stage::Done(outcome) => return Ok(outcome),
        Stage::Checked(checked) => checked,
    };
    let Checked {
        frame,
        opened,
        twin_of,
        first_taken_ms,
        old_install,
    } = *checked;
    drop(frame);
    let header = opened.header.clone();
    let other_installs = other_installs(store, &header)?;
    let (ranges, files) = opened.contents(store.dir())?;
    let mut devices = HashSet::new();
    let mut verified = Vec::with_capacity(ranges.len());
    let mut refused = Vec::new();
    for (range, ops) in header.ranges.iter().zip(ranges) {
        if !devices.insert(range.head.device) {
            return Err(Fault::Refused(Rejection::corrupted("ranges")));
        }
        // A relay vouches for nothing it relays: another office's range that does not verify
        // is left out, and the relay's own work still goes in.
        let relayed = range.head.origin != header.sender;
        match verify_range(store, keys, range, ops) {
            Ok(v) => verified.push(v),
            Err(Fault::Refused(rejection))
                if refuses_only_the_range(&rejection)
                    || (relayed
                        && matches!(
                            rejection,
                            Rejection::BadRangeSignature { .. } | Rejection::Corrupted { .. }
                        )) =>
            {
                refused.push(RefusedRange {
                    range: RangeSummary::of(range),
                    code: rejection.code(),
                    reason: rejection.to_string(),
                    waits_for_trust: waits_for_trust(&rejection, store.office()),
                })
            }
            Err(fault) => return Err(fault),
        }
    }
    // Only once the file is known to go in: a refused one changes nothing.
    recheck_held(store, keys)?;
    // Kept by hash before the ops that name them are committed: a file no op names yet is
    // harmless, an op whose file is missing is not.
    let mut files_kept = 0;
    for mut file in files {
        if store.keep_file_from_reader(&file.hash, &mut file.data)? {
            files_kept += 1;
        }
    }
    let mut counts = store.import_verified(ImportPlan {
        bundle_id: header.bundle_id,
        sender: header.sender.clone(),
        link_seq: header.link_seq,
        seen_link_seq: header.seen_link_seq,
        acks: header.acks.clone(),
        ranges: verified,
        at_ms: first_taken_ms.unwrap_or_else(super::now_ms),
        waiting_for: waiting_for(&refused),
        old_install,
    })?;
    for left in std::mem::take(&mut counts.left_out) {
        let range = header
            .ranges
            .iter()
            .find(|r| r.head.device == left.device && r.first == left.first);
        if let Some(range) = range {
            refused.push(RefusedRange {
                range: RangeSummary::of(range),
                code: left.code,
                reason: left.reason,
                waits_for_trust: false,
            });
        }
    }
    Ok(Outcome::Imported(Box::new(ImportSummary {
        sender: header.sender,
        link_seq: header.link_seq,
        bundle_id: hex(&header.bundle_id),
        counts,
        refused,
        files_kept,
        twin_of,
        other_installs,
    })))
}

/// Devices of this office that an office above holds chains of and this store never wrote or saw:
/// another install of this office (a copied folder) sends its work to the same office. (What an
/// office below holds of ours are the views we derive for it.)
fn other_installs(store: &Store, header: &Header) -> Result<Vec<String>> {
    if !is_strict_ancestor(&header.sender, store.office()) {
        return Ok(Vec::new());
    }
    let mine: HashSet<DeviceId> = store.heads()?.into_iter().map(|(d, _)| d).collect();
    Ok(header
        .acks
        .iter()
        .filter(|ack| {
            ack.device != store.device()
                && !mine.contains(&ack.device)
                && tag_owner(ack.device) == Some(store.office())
        })
        .map(|ack| super::device_label(ack.device))
        .collect())
}

/// What `bundle inspect` shows.
#[derive(Debug, Clone, Serialize)]
pub struct Inspection {
    pub bytes: u64,
    pub version: u16,
    pub sender: OfficeId,
    pub sender_epoch: u32,
    pub recipient: OfficeId,
    pub recipient_epoch: u32,
    pub bundle_id: String,
    /// Present when the bundle is addressed to this office and could be decrypted.
    pub contents: Option<Contents>,
    /// Why the contents are not shown, or why the signature could not be checked.
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contents {
    pub signature_verified: bool,
    pub link_seq: u64,
    pub created_ms: u64,
    pub acks: usize,
    pub ranges: Vec<RangeSummary>,
    pub ops: u64,
    /// Evidence files carried (format version 2).
    pub files: usize,
    pub already_imported: bool,
    /// Taken in with ranges left out until their origin is trusted: it may be taken in again.
    pub imported_in_part: bool,
}

/// The routing header of any bundle; the contents too when it is ours to read.
pub fn inspect(
    mut input: impl Read,
    total: u64,
    store: Option<(&Store, &Keys)>,
) -> Result<Inspection, Fault<Rejection>> {
    let outer = read_frame(&mut input, total)?;
    let r = &outer.routing;
    let mut inspection = Inspection {
        bytes: total,
        version: outer.version,
        sender: r.sender.clone(),
        sender_epoch: r.sender_epoch,
        recipient: r.recipient.clone(),
        recipient_epoch: r.recipient_epoch,
        bundle_id: hex(&r.bundle_id),
        contents: None,
        note: None,
    };
    let Some((store, keys)) = store else {
        return Ok(inspection);
    };
    if r.recipient != store.office() {
        let not_for_us = Rejection::NotForUs {
            recipient: r.recipient.clone(),
            us: store.office().to_string(),
        };
        inspection.note = Some(damaged_or(not_for_us, &outer, input, store, keys).to_string());
        return Ok(inspection);
    }
    let kept = keys_of_epoch(store.dir(), keys, r.recipient_epoch)?;
    let opened = match decrypt(&outer, input, kept.as_ref().unwrap_or(keys).age_identity()) {
        Ok(opened) => opened,
        Err(rejection) => {
            inspection.note = Some(rejection.to_string());
            return Ok(inspection);
        }
    };
    // The routing header said who sent it and with which keys; changed on the way, it says
    // nothing to trust.
    if opened.routing_changed(&outer) {
        inspection.note = Some(Rejection::corrupted("routing").to_string());
        return Ok(inspection);
    }
    let verified = match signing_key(store, keys, &r.sender, r.sender_epoch, true) {
        Ok(key) => match opened.verify(&outer, &key) {
            Ok(()) => true,
            Err(rejection) => {
                inspection.note = Some(rejection.to_string());
                false
            }
        },
        Err(Fault::Refused(rejection)) => {
            inspection.note = Some(rejection.to_string());
            false
        }
        Err(fault) => return Err(fault),
    };
    let h = &opened.header;
    let in_part = store.received_in_part(&h.bundle_id)?;
    let ranges: Vec<RangeSummary> = h.ranges.iter().map(RangeSummary::of).collect();
    inspection.contents = Some(Contents {
        signature_verified: verified,
        link_seq: h.link_seq,
        created_ms: h.created_ms,
        acks: h.acks.len(),
        ops: ranges.iter().map(|r| r.ops).sum(),
        ranges,
        files: opened.files.len(),
        already_imported: store.received(&h.bundle_id)?.is_some() && !in_part,
        imported_in_part: in_part,
    });
    Ok(inspection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trust_this_office_can_still_give_is_waited_for() {
        let unknown = Rejection::UnknownOrigin {
            origin: "420704".into(),
        };
        let epoch = |origin: &str, found, trusted| Rejection::OriginEpoch {
            origin: origin.into(),
            found,
            trusted,
        };
        let revoked = Rejection::RevokedOrigin {
            origin: "420704".into(),
        };
        assert!(waits_for_trust(&unknown, "420700"));
        assert!(waits_for_trust(&epoch("420704", 2, 1), "420700"));
        assert!(!waits_for_trust(&epoch("420704", 1, 2), "420700"));
        assert!(!waits_for_trust(&epoch("420700", 2, 1), "420700"));
        assert!(!waits_for_trust(&revoked, "420700"));
    }
}
