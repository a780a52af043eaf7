//! Which offices' keys this office accepts. A peer is trusted by pinning its card after the
//! fingerprint was compared over the phone, or by a signed roster from a trusted office above it
//! (a city introducing its counties to the province). Revoking refuses the peer's current key
//! generation from then on; ops already taken in stay.

use std::path::Path;

use color_eyre::eyre::{Report, Result, WrapErr};
use serde::{Deserialize, Serialize};

use super::fingerprint::{self, FingerprintError};
use super::identity::{sign, verify, Card, CardError, CardFile, Keys};
use super::key_history::ReplacedKey;
use super::rotation::RotationPoint;
use super::signers::signing_key;
use super::visibility::is_strict_ancestor;
use super::{hex, unhex, Fault, Rejection};
use crate::campaign::unit_name;
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::store::Store;

pub(crate) const ROSTER_FORMAT: &str = "peixun-roster-1";
const ROSTER_DOMAIN: &[u8] = b"peixun roster v1\0";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TrustSource {
    /// Fingerprint compared by a person.
    Pinned,
    /// Introduced by a roster signed by a trusted office above.
    Roster { signer: OfficeId, version: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revoked {
    /// Key generations up to this one are refused.
    pub epoch: u32,
    pub at_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Peer {
    pub card: Card,
    pub fingerprint: String,
    pub source: TrustSource,
    pub added_ms: u64,
    pub revoked: Option<Revoked>,
}

impl Peer {
    pub fn office(&self) -> &str {
        &self.card.body.office
    }

    pub fn is_revoked(&self) -> bool {
        self.revoked
            .as_ref()
            .is_some_and(|r| r.epoch >= self.card.body.epoch)
    }
}

/// Why a card, a fingerprint or a roster was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustError {
    Card(CardError),
    Fingerprint(FingerprintError),
    /// The typed fingerprint is well formed but belongs to other keys.
    Mismatch {
        office: OfficeId,
    },
    FingerprintNeeded {
        office: OfficeId,
    },
    Own,
    StillRevoked {
        office: OfficeId,
        epoch: u32,
    },
    OlderEpoch {
        office: OfficeId,
        found: u32,
        trusted: u32,
    },
    /// A card of the keys trusted, saying something else than the card trusted: edited.
    AlteredCard {
        office: OfficeId,
    },
    /// A card of keys the office rotated away from.
    Superseded {
        office: OfficeId,
        found: u32,
        trusted: u32,
    },
    /// A card naming this office, with keys that are not this office's.
    NotOwnKeys,
    /// This office's card of a generation it rotated away from.
    OwnEarlier {
        epoch: u32,
    },
    /// This office's own rotation certificate, for the others.
    OwnRotation,
    /// The office is trusted with other keys, and this card is no rotation signed by them.
    ReplacesKey {
        office: OfficeId,
        trusted: u32,
    },
    UnknownPeer {
        office: OfficeId,
    },
    RosterUnreadable {
        detail: String,
    },
    RosterSigner(Rejection),
    RosterBadSignature {
        signer: OfficeId,
    },
    RosterVersion {
        signer: OfficeId,
        found: u64,
        last: u64,
    },
    RosterNotBelow {
        signer: OfficeId,
        office: OfficeId,
    },
}

impl std::fmt::Display for TrustError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |office: &str| format!("{}({office})", unit_name(office));
        let text = match self {
            Self::Card(e) => e.to_string(),
            Self::Fingerprint(e) => e.to_string(),
            Self::Mismatch { office } => tf("sync.trust.mismatch", &[("office", &name(office))]),
            Self::FingerprintNeeded { office } => tf(
                "sync.trust.fingerprint_needed",
                &[("office", &name(office))],
            ),
            Self::Own => tf("sync.trust.own", &[]),
            Self::NotOwnKeys => tf("sync.trust.not_own_keys", &[]),
            Self::OwnEarlier { epoch } => tf("sync.trust.own_earlier", &[("epoch", epoch)]),
            Self::OwnRotation => tf("sync.trust.own_rotation", &[]),
            Self::AlteredCard { office } => {
                tf("sync.trust.altered_card", &[("office", &name(office))])
            }
            Self::Superseded {
                office,
                found,
                trusted,
            } => tf(
                "sync.trust.superseded",
                &[
                    ("office", &name(office)),
                    ("found", found),
                    ("trusted", trusted),
                ],
            ),
            Self::StillRevoked { office, epoch } => tf(
                "sync.trust.still_revoked",
                &[("office", &name(office)), ("epoch", epoch)],
            ),
            Self::ReplacesKey { office, trusted } => tf(
                "sync.trust.replaces_key",
                &[("office", &name(office)), ("trusted", trusted)],
            ),
            Self::OlderEpoch {
                office,
                found,
                trusted,
            } => tf(
                "sync.trust.older_epoch",
                &[
                    ("office", &name(office)),
                    ("found", found),
                    ("trusted", trusted),
                ],
            ),
            Self::UnknownPeer { office } => {
                tf("sync.trust.unknown_peer", &[("office", &name(office))])
            }
            Self::RosterUnreadable { detail } => {
                tf("sync.roster.unreadable", &[("detail", detail)])
            }
            Self::RosterSigner(rejection) => rejection.to_string(),
            Self::RosterBadSignature { signer } => {
                tf("sync.roster.bad_signature", &[("signer", &name(signer))])
            }
            Self::RosterVersion {
                signer,
                found,
                last,
            } => tf(
                "sync.roster.version",
                &[("signer", &name(signer)), ("found", found), ("last", last)],
            ),
            Self::RosterNotBelow { signer, office } => tf(
                "sync.roster.not_below",
                &[("signer", &name(signer)), ("office", &name(office))],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for TrustError {}

/// What trusting a card did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    Added,
    Updated,
    Unchanged,
    /// Other keys confirmed by phone took the place of those trusted.
    Replaced,
    /// A card of the keys trusted, saying something else, confirmed by phone.
    Corrected,
    /// A roster named other keys for an office pinned by fingerprint; the pinned keys stay.
    KeptPinned,
    /// A roster named other keys for an office this office already trusts: a roster only
    /// introduces offices, it never replaces a key (a rotation certificate or a phone call does).
    KeptHeld,
    /// A roster named a key generation this office revoked.
    KeptRevoked,
}

impl Change {
    pub fn label(self) -> String {
        let key = match self {
            Self::Added => "added",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Replaced => "replaced",
            Self::Corrected => "corrected",
            Self::KeptPinned => "kept_pinned",
            Self::KeptHeld => "kept_held",
            Self::KeptRevoked => "kept_revoked",
        };
        crate::i18n::t(&format!("sync.change.{key}"))
    }
}

/// The most a card, a roster of every office or a rotation certificate takes.
pub const MAX_TRUST_FILE: u64 = 1 << 20;

pub fn read_card(path: &Path) -> Result<Card> {
    let bytes = crate::input_file::read(path, MAX_TRUST_FILE)
        .map_err(|e| crate::error::user_error(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        crate::error::user_error(tf("sync.trust.not_text", &[("file", &path.display())]))
    })?;
    Card::from_text(&text).map_err(|e| crate::error::user_error(e.to_string()))
}

/// Pins `card` after checking that `typed` (the fingerprint as the peer read it out) matches.
/// An office trusted with other keys keeps them (`trust_card_replacing` replaces them).
pub fn trust_card(store: &Store, card: &Card, typed: &str) -> Result<Change, Fault<TrustError>> {
    trust_card_replacing(store, card, typed, false)
}

/// The same; with `replace`, the keys an office is trusted with give way to the card's even when
/// it is no rotation signed by them: the office started afresh, and its coordinator confirmed
/// the new fingerprint on the phone.
pub fn trust_card_replacing(
    store: &Store,
    card: &Card,
    typed: &str,
    replace: bool,
) -> Result<Change, Fault<TrustError>> {
    let peer = |revoked| Peer {
        card: card.clone(),
        fingerprint: card.fingerprint(),
        source: TrustSource::Pinned,
        added_ms: super::now_ms(),
        revoked,
    };
    match check_card(store, card, typed, replace)? {
        Checked::Keys(change, revoked) => {
            store.put_peer(&peer(revoked))?;
            Ok(change)
        }
        Checked::Replaces {
            revoked_keys,
            replaced,
        } => {
            store.replace_peer(&peer(None), &revoked_keys, &replaced)?;
            Ok(Change::Replaced)
        }
    }
}

enum Checked {
    /// The card's keys are new here or the ones trusted; the revocation held stays.
    Keys(Change, Option<Revoked>),
    /// Other keys, confirmed: the keys a revocation covered are remembered by key, the others
    /// kept to where they stop.
    Replaces {
        revoked_keys: Vec<[u8; 32]>,
        replaced: Vec<ReplacedKey>,
    },
}

/// The keys `peer` is trusted with, and those of its earlier generations, as replaced now: each
/// stops where a rotation stopped it, the current ones at this moment by the signer's clock. Not
/// at this office's heads of its chains: a bundle written before the loss may still be on its
/// way. Whoever may hold the replaced keys and move its clock back is stopped by revoking them
/// (`keys revoke --replaced`). Revoked keys are not kept.
fn replaced_now(store: &Store, peer: &Peer, revoked: &[[u8; 32]]) -> Result<Vec<ReplacedKey>> {
    let office = peer.office();
    let now = RotationPoint {
        at_ms: super::now_ms(),
        heads: Vec::new(),
    };
    let mut replaced = vec![ReplacedKey {
        epoch: peer.card.body.epoch,
        key: peer.card.body.sign_key,
        point: now.clone(),
    }];
    for (epoch, key) in store.previous_keys(office)? {
        let point = store
            .rotation_point(office, epoch)?
            .unwrap_or_else(|| now.clone());
        replaced.push(ReplacedKey { epoch, key, point });
    }
    replaced.retain(|old| !revoked.contains(&old.key));
    Ok(replaced)
}

/// The keys of `peer`'s office that its revocation covers: the card's, when its generation is
/// revoked, and the earlier generations' up to the revoked one.
fn keys_revocation_covers(store: &Store, peer: &Peer) -> Result<Vec<[u8; 32]>> {
    let Some(revoked) = &peer.revoked else {
        return Ok(Vec::new());
    };
    let mut keys: Vec<[u8; 32]> = store
        .previous_keys(peer.office())?
        .into_iter()
        .filter(|(epoch, _)| *epoch <= revoked.epoch)
        .map(|(_, key)| key)
        .collect();
    if peer.is_revoked() {
        keys.push(peer.card.body.sign_key);
    }
    Ok(keys)
}

fn check_card(
    store: &Store,
    card: &Card,
    typed: &str,
    replace: bool,
) -> Result<Checked, Fault<TrustError>> {
    if let Err(e) = card.verify() {
        return Err(Fault::Refused(TrustError::Card(e)));
    }
    let office = card.body.office.clone();
    let typed = match fingerprint::parse(typed) {
        Ok(typed) => typed,
        Err(e) => return Err(Fault::Refused(TrustError::Fingerprint(e))),
    };
    if typed != card.fingerprint() {
        return Err(Fault::Refused(TrustError::Mismatch { office }));
    }
    if office == store.office() {
        return Err(Fault::Refused(TrustError::Own));
    }
    let Some(peer) = store.peer(&office)? else {
        return Ok(Checked::Keys(Change::Added, None));
    };
    let epoch = card.body.epoch;
    let trusted = peer.card.body.epoch;
    let key = &card.body.sign_key;
    // By key, not by the generation a card names: whoever holds a revoked key can write any.
    let revoked_keys = keys_revocation_covers(store, &peer)?;
    if revoked_keys.contains(key) || store.is_revoked_key(&office, key)? {
        return Err(Fault::Refused(TrustError::StillRevoked { office, epoch }));
    }
    let rotated_away = store.previous_keys(&office)?;
    if rotated_away.iter().any(|(_, kept)| kept == key) {
        return Err(Fault::Refused(TrustError::Superseded {
            office,
            found: epoch,
            trusted,
        }));
    }
    if peer.card.body.sign_key == *key {
        // peixun writes one card for a key: the same key saying another generation, date or
        // encryption key was edited by whoever holds it, and would lock the office's own
        // bundles out. Confirmed, it is taken: the card trusted may be the edited one.
        let altered = peer.card.body != card.body;
        if altered && !replace {
            return Err(Fault::Refused(TrustError::AlteredCard { office }));
        }
        let change = if altered {
            Change::Corrected
        } else if peer.card == *card && peer.source == TrustSource::Pinned {
            Change::Unchanged
        } else {
            Change::Updated
        };
        return Ok(Checked::Keys(change, peer.revoked));
    }
    // A card with other keys would let whoever made it speak for the office from now on. Once
    // confirmed by phone it is taken whatever its generation: an office that started afresh is
    // at its first again, and an impostor trusted by mistake must give way to the real one.
    if !replace {
        return Err(Fault::Refused(if trusted > epoch {
            TrustError::OlderEpoch {
                office,
                found: epoch,
                trusted,
            }
        } else {
            TrustError::ReplacesKey { office, trusted }
        }));
    }
    let replaced = replaced_now(store, &peer, &revoked_keys)?;
    Ok(Checked::Replaces {
        revoked_keys,
        replaced,
    })
}

/// Refuses `office`'s current keys from now on.
pub fn revoke(store: &Store, office: &str) -> Result<Peer> {
    let mut peer = store.peer(office)?.ok_or_else(|| {
        crate::error::user_error(
            TrustError::UnknownPeer {
                office: office.to_string(),
            }
            .to_string(),
        )
    })?;
    peer.revoked = Some(Revoked {
        epoch: peer.card.body.epoch,
        at_ms: super::now_ms(),
    });
    store.put_peer_revoking(&peer, &keys_revocation_covers(store, &peer)?)?;
    Ok(peer)
}

/// A signed list of cards of offices below the signer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterBody {
    pub signer: OfficeId,
    pub epoch: u32,
    /// Grows with every roster the signer issues; an older one is refused.
    pub version: u64,
    pub created_ms: u64,
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub body: RosterBody,
    pub signature: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct RosterFile {
    format: String,
    signer: String,
    epoch: u32,
    version: u64,
    created_ms: u64,
    signature: String,
    #[serde(default)]
    card: Vec<CardFile>,
}

impl Roster {
    pub fn to_text(&self) -> Result<String> {
        let file = RosterFile {
            format: ROSTER_FORMAT.to_string(),
            signer: self.body.signer.clone(),
            epoch: self.body.epoch,
            version: self.body.version,
            created_ms: self.body.created_ms,
            signature: hex(&self.signature),
            card: self.body.cards.iter().map(CardFile::from_card).collect(),
        };
        let toml = toml::to_string(&file).wrap_err("writing the roster")?;
        Ok(format!("# {}\n{toml}", tf("sync.roster.comment", &[])))
    }

    pub fn from_text(text: &str) -> Result<Roster, TrustError> {
        let unreadable = |detail: String| TrustError::RosterUnreadable { detail };
        let file: RosterFile = toml::from_str(text).map_err(|e| unreadable(e.message().into()))?;
        if file.format != ROSTER_FORMAT {
            return Err(unreadable(format!("format = {}", file.format)));
        }
        let signature = unhex::<64>(&file.signature)
            .ok_or_else(|| TrustError::RosterBadSignature {
                signer: file.signer.clone(),
            })?
            .to_vec();
        let cards = file
            .card
            .into_iter()
            .map(CardFile::into_card)
            .collect::<Result<Vec<_>, _>>()
            .map_err(TrustError::Card)?;
        Ok(Roster {
            body: RosterBody {
                signer: file.signer,
                epoch: file.epoch,
                version: file.version,
                created_ms: file.created_ms,
                cards,
            },
            signature,
        })
    }

    /// Whether a text file is a roster rather than a card.
    pub fn looks_like(text: &str) -> bool {
        text.contains(ROSTER_FORMAT)
    }
}

/// A roster of every office below this one that this office trusts.
pub fn make_roster(store: &Store, keys: &Keys) -> Result<Roster> {
    let cards: Vec<Card> = store
        .peers()?
        .into_iter()
        .filter(|p| !p.is_revoked() && is_strict_ancestor(keys.office(), p.office()))
        .map(|p| p.card)
        .collect();
    let body = RosterBody {
        signer: keys.office().to_string(),
        epoch: keys.epoch(),
        version: store.next_roster_version()?,
        created_ms: super::now_ms(),
        cards,
    };
    let bytes = postcard::to_stdvec(&body)?;
    Ok(Roster {
        signature: sign(keys.signing_key(), ROSTER_DOMAIN, &bytes),
        body,
    })
}

/// Takes in a roster: signed by a trusted office, newer than the last one from it, and naming
/// only offices below it. All or nothing; it introduces offices not known here and never
/// replaces a key held, whatever brought it.
pub fn accept_roster(
    store: &Store,
    keys: &Keys,
    roster: &Roster,
) -> Result<Vec<(OfficeId, Change)>, Fault<TrustError>> {
    let signer = roster.body.signer.clone();
    let key = signing_key(store, keys, &signer, roster.body.epoch, true)
        .map_err(|fault| fault.map(TrustError::RosterSigner))?;
    let bytes = postcard::to_stdvec(&roster.body).map_err(Report::from)?;
    if !verify(&key, ROSTER_DOMAIN, &bytes, &roster.signature) {
        return Err(Fault::Refused(TrustError::RosterBadSignature { signer }));
    }
    let last = store.roster_version_from(&signer)?;
    if roster.body.version <= last {
        return Err(Fault::Refused(TrustError::RosterVersion {
            signer,
            found: roster.body.version,
            last,
        }));
    }
    let mut report = Vec::new();
    let mut updates = Vec::new();
    let mut offered = Vec::new();
    for card in &roster.body.cards {
        let office = card.body.office.clone();
        if let Err(e) = card.verify() {
            return Err(Fault::Refused(TrustError::Card(e)));
        }
        if !is_strict_ancestor(&signer, &office) {
            return Err(Fault::Refused(TrustError::RosterNotBelow {
                signer,
                office,
            }));
        }
        if office == keys.office() {
            continue;
        }
        let existing = store.peer(&office)?;
        let change = match &existing {
            None => Change::Added,
            Some(p) if p.card == *card => Change::Unchanged,
            Some(p) if p.is_revoked() => Change::KeptRevoked,
            Some(p) if p.source == TrustSource::Pinned => Change::KeptPinned,
            // Whatever brought the key held here, another office's list cannot swap it: that
            // is how a city would re-key its county at the province and forge its work.
            Some(_) => Change::KeptHeld,
        };
        if matches!(change, Change::KeptPinned | Change::KeptHeld) {
            offered.push(card.clone());
        }
        if change == Change::Added {
            updates.push(Peer {
                fingerprint: card.fingerprint(),
                card: card.clone(),
                source: TrustSource::Roster {
                    signer: signer.clone(),
                    version: roster.body.version,
                },
                added_ms: super::now_ms(),
                revoked: existing.and_then(|p| p.revoked),
            });
        }
        report.push((office, change));
    }
    store.accept_roster((&signer, roster.body.version), &updates, &offered)?;
    Ok(report)
}
