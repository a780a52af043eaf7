//! Which key verifies what another office signed: the card trusted for the generation named,
//! an earlier generation's kept by a rotation, or one a coordinator replaced, each only as far
//! as it stopped.

use color_eyre::eyre::{Result, WrapErr};
use ed25519_dalek::VerifyingKey;

use super::identity::Keys;
use super::incoming::RangeOps;
use super::rotation::RotationPoint;
use super::{Fault, Rejection, SignedHead};
use crate::store::Store;

/// The key `office` signs with at `epoch`, if this office accepts it. `as_sender` picks the
/// wording of the refusal: the sender of a bundle or the origin of a range.
pub fn signing_key(
    store: &Store,
    keys: &Keys,
    office: &str,
    epoch: u32,
    as_sender: bool,
) -> Result<VerifyingKey, Fault<Rejection>> {
    let owned = office.to_string();
    if office == keys.office() {
        if epoch != keys.epoch() {
            return Err(Fault::Refused(Rejection::OriginEpoch {
                origin: owned,
                found: epoch,
                trusted: keys.epoch(),
            }));
        }
        return Ok(keys.signing_key().verifying_key());
    }
    let Some(peer) = store.peer(office)? else {
        return Err(Fault::Refused(if as_sender {
            Rejection::UnknownSender { sender: owned }
        } else {
            Rejection::UnknownOrigin { origin: owned }
        }));
    };
    if peer.revoked.as_ref().is_some_and(|r| r.epoch >= epoch) {
        return Err(Fault::Refused(if as_sender {
            Rejection::RevokedSender { sender: owned }
        } else {
            Rejection::RevokedOrigin { origin: owned }
        }));
    }
    let trusted = peer.card.body.epoch;
    // An earlier generation this office rotated away from still verifies what it signed then.
    if epoch < trusted {
        if let Some(bytes) = store.previous_key(office, epoch)? {
            return VerifyingKey::from_bytes(&bytes)
                .map_err(|_| Fault::Refused(Rejection::corrupted("trust")));
        }
    }
    if epoch != trusted {
        return Err(Fault::Refused(if as_sender {
            Rejection::SenderEpoch {
                sender: owned,
                found: epoch,
                trusted,
            }
        } else {
            Rejection::OriginEpoch {
                origin: owned,
                found: epoch,
                trusted,
            }
        }));
    }
    peer.card
        .verifying_key()
        .map_err(|_| Fault::Refused(Rejection::corrupted("trust")))
}

/// What an earlier generation of `office`'s key signed, checked against the point where that
/// generation stopped (a rotation certificate names it): `Some` refusal when it signed `beyond`
/// it.
pub fn stale_signature(
    store: &Store,
    office: &str,
    epoch: u32,
    signed: &super::incoming::RangeOps,
    head: &SignedHead,
) -> Result<Option<Rejection>> {
    let Some(point) = store.rotation_point(office, epoch)? else {
        return Ok(None);
    };
    Ok(beyond(&point, signed, head).then(|| Rejection::StaleKey {
        origin: office.to_string(),
        epoch,
        at_ms: point.at_ms,
    }))
}

/// Where a key that `verifies` stops, when it is one `office` signed with at `epoch` before this
/// office replaced it.
pub fn replaced_key_point(
    store: &Store,
    office: &str,
    epoch: u32,
    verifies: impl Fn(&VerifyingKey) -> bool,
) -> Result<Option<RotationPoint>> {
    Ok(store
        .replaced_keys(office)?
        .into_iter()
        .find(|old| {
            old.epoch == epoch && VerifyingKey::from_bytes(&old.key).is_ok_and(|key| verifies(&key))
        })
        .map(|old| old.point))
}

/// Whether a range signed by a generation that stopped at `point` goes beyond it: on a chain the
/// point names, past that chain's head then; on any other chain, an op stamped after it (a
/// weaker rule: it trusts the clock, which is all a chain the point does not name can be held
/// to).
pub fn beyond(
    point: &RotationPoint,
    signed: &super::incoming::RangeOps,
    head: &SignedHead,
) -> bool {
    let last_seq = head.seq;
    let within = match point.heads.iter().find(|(d, _, _)| *d == head.device) {
        Some((_, seq, hash)) => last_seq < *seq || (last_seq == *seq && head.hash == *hash),
        None => signed.latest_wall_ms <= point.at_ms,
    };
    !within
}

/// A bundle the sender signed with an earlier generation after it rotated away from it.
pub fn stale_sender(
    store: &Store,
    office: &str,
    epoch: u32,
    created_ms: u64,
) -> Result<Option<Rejection>> {
    let Some(point) = store.rotation_point(office, epoch)? else {
        return Ok(None);
    };
    Ok((created_ms > point.at_ms).then(|| Rejection::StaleKey {
        origin: office.to_string(),
        epoch,
        at_ms: point.at_ms,
    }))
}

/// That `head`, over the ops `read` (as set aside), is signed by its origin: with the key this
/// office trusts for that generation, or one it replaced, for what that signed before the
/// replacement; and, for a generation the origin rotated away from, no further than it stopped.
pub fn range_signed(
    store: &Store,
    keys: &Keys,
    head: &SignedHead,
    read: &RangeOps,
) -> Result<(), Fault<Rejection>> {
    let origin = head.origin.as_str();
    let key = signing_key(store, keys, origin, head.epoch, false);
    // Keys this office replaced still verify what they signed before: records an office took in
    // before its peer started afresh travel on.
    let by_trusted = key.as_ref().is_ok_and(|key| head.verify(key));
    let replaced_point = match &key {
        Err(Fault::Failed(_)) => None,
        _ if by_trusted => None,
        _ => replaced_key_point(store, origin, head.epoch, |key| head.verify(key))?,
    };
    let offered = || offered_instead(store, head);
    if replaced_point.is_none() {
        if let Err(fault) = key {
            return Err(match offered()? {
                Some(rejection) => Fault::Refused(rejection),
                None => fault,
            });
        }
    }
    if let Some(broken) = &read.broken {
        return Err(Fault::Refused(broken.clone()));
    }
    let last_hash = match read.ops.len().checked_sub(1) {
        Some(last) => Some(
            read.ops
                .hash(last)
                .wrap_err("reading a bundle's ops set aside")?,
        ),
        None => None,
    };
    let signed = by_trusted || replaced_point.is_some();
    if !signed && last_hash == Some(head.hash) {
        if let Some(rejection) = offered()? {
            return Err(Fault::Refused(rejection));
        }
    }
    if !signed || last_hash != Some(head.hash) {
        return Err(Fault::Refused(Rejection::BadRangeSignature {
            origin: origin.to_string(),
            device: head.device,
        }));
    }
    let stale = match &replaced_point {
        Some(point) => beyond(point, read, head).then(|| Rejection::StaleKey {
            origin: origin.to_string(),
            epoch: head.epoch,
            at_ms: point.at_ms,
        }),
        None => stale_signature(store, origin, head.epoch, read, head)?,
    };
    if let Some(stale) = stale {
        return Err(Fault::Refused(stale));
    }
    Ok(())
}

/// Why a range is left out when the keys a roster offered for its origin, and not those trusted
/// here, signed it: the office started afresh and the office above has confirmed it; this one
/// has not.
fn offered_instead(store: &Store, head: &SignedHead) -> Result<Option<Rejection>> {
    let Some((via, card)) = store.offered_card(&head.origin)? else {
        return Ok(None);
    };
    // Keys this office put behind it (revoked, rotated away from, replaced) are no news.
    let key = &card.body.sign_key;
    let origin = head.origin.as_str();
    let behind = store.is_revoked_key(origin, key)?
        || store.previous_keys(origin)?.iter().any(|(_, k)| k == key)
        || store
            .replaced_keys(origin)?
            .iter()
            .any(|old| old.key == *key);
    if behind {
        return Ok(None);
    }
    let signed =
        card.body.epoch == head.epoch && card.verifying_key().is_ok_and(|key| head.verify(&key));
    Ok(signed.then(|| Rejection::KeysNotConfirmed {
        origin: head.origin.clone(),
        via,
    }))
}
