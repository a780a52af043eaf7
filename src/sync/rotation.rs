//! Key rotation (`peixun keys rotate`): the office makes the next generation of its keys, signs
//! the new card with the old signing key, and keeps the old keys aside to read bundles still
//! encrypted to them. A peer that trusts the old generation accepts the new one from that signed
//! certificate without a phone call; it keeps the old verifying key, so ranges the office signed
//! before the rotation (relayed later, or held) still verify, until a revocation covers them.

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};
use serde::{Deserialize, Serialize};

use super::identity::{keys_dir, sign, verify, Card, CardError, Keys};
use super::trust::{Change, Peer};
use super::{hex, unhex, Fault};
use crate::campaign::unit_name;
use crate::domain::OfficeId;
use crate::error::user_error;
use crate::i18n::tf;
use crate::log::{DeviceId, Hash};
use crate::store::Store;

/// What every rotation certificate's format starts with.
pub(crate) const FORMAT: &str = "peixun-rotation-";
const FORMAT_1: &str = "peixun-rotation-1";
const FORMAT_2: &str = "peixun-rotation-2";
const DOMAIN: &[u8] = b"peixun rotation v1\0";
const DOMAIN_2: &[u8] = b"peixun rotation v2\0";

/// Where the old generation stops: what the office had written when it rotated. Anything the
/// old key signs beyond it is refused, so a copy of the old keys cannot go on writing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotationPoint {
    /// When the office rotated (Unix milliseconds).
    pub at_ms: u64,
    /// The heads of the office's own chains then: (device, seq, hash of that op).
    pub heads: Vec<(DeviceId, u64, Hash)>,
}

/// The new card, endorsed by the signing key of generation `old_epoch` together with the point
/// where that generation stops (`peixun-rotation-2`; a `-1` certificate names only the day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub card: Card,
    pub old_epoch: u32,
    pub endorsement: Vec<u8>,
    pub point: RotationPoint,
    /// Written as `peixun-rotation-1`, endorsing the card alone.
    pub first_format: bool,
}

#[derive(Serialize, Deserialize)]
struct HeadFile {
    device: String,
    seq: u64,
    hash: String,
}

#[derive(Serialize, Deserialize)]
struct RotationFile {
    format: String,
    office: String,
    old_epoch: u32,
    endorsement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at_ms: Option<u64>,
    /// The new identity card, as `keys export` writes it.
    card: String,
    #[serde(default, rename = "head", skip_serializing_if = "Vec::is_empty")]
    heads: Vec<HeadFile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotationError {
    Unreadable {
        detail: String,
    },
    Card(CardError),
    UnknownPeer {
        office: OfficeId,
    },
    Revoked {
        office: OfficeId,
        epoch: u32,
    },
    /// Endorsed by a generation other than the one trusted here.
    OtherGeneration {
        office: OfficeId,
        endorsed: u32,
        trusted: u32,
    },
    BadEndorsement {
        office: OfficeId,
    },
}

impl std::fmt::Display for RotationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |office: &str| format!("{}({office})", unit_name(office));
        let text = match self {
            Self::Unreadable { detail } => tf("sync.rotation.unreadable", &[("detail", detail)]),
            Self::Card(e) => e.to_string(),
            Self::UnknownPeer { office } => {
                tf("sync.rotation.unknown_peer", &[("office", &name(office))])
            }
            Self::Revoked { office, epoch } => tf(
                "sync.rotation.revoked",
                &[("office", &name(office)), ("epoch", epoch)],
            ),
            Self::OtherGeneration {
                office,
                endorsed,
                trusted,
            } => tf(
                "sync.rotation.other_generation",
                &[
                    ("office", &name(office)),
                    ("endorsed", endorsed),
                    ("trusted", trusted),
                ],
            ),
            Self::BadEndorsement { office } => tf(
                "sync.rotation.bad_endorsement",
                &[("office", &name(office))],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for RotationError {}

impl Rotation {
    /// What the old key endorsed, and under which domain.
    fn message(&self) -> Result<(Vec<u8>, &'static [u8]), postcard::Error> {
        Ok(if self.first_format {
            (postcard::to_stdvec(&self.card.body)?, DOMAIN)
        } else {
            (
                postcard::to_stdvec(&(&self.card.body, self.point.at_ms, &self.point.heads))?,
                DOMAIN_2,
            )
        })
    }

    /// Whether the old generation's key `key` endorsed this.
    fn endorsed_by(&self, key: &ed25519_dalek::VerifyingKey) -> bool {
        self.message()
            .is_ok_and(|(m, domain)| verify(key, domain, &m, &self.endorsement))
    }

    /// Where the old generation stops: the point itself, or for a first-format certificate the
    /// end of the day the new card was made (it names nothing finer).
    pub fn stop(&self) -> RotationPoint {
        if !self.first_format {
            return self.point.clone();
        }
        let end_of_day = self
            .card
            .body
            .created
            .succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(0, |t| {
                u64::try_from(t.and_utc().timestamp_millis()).unwrap_or(0)
            });
        RotationPoint {
            at_ms: end_of_day,
            heads: Vec::new(),
        }
    }

    pub fn to_text(&self) -> Result<String> {
        let heads = self
            .point
            .heads
            .iter()
            .map(|(device, seq, hash)| HeadFile {
                device: super::device_label(*device),
                seq: *seq,
                hash: hex(hash),
            })
            .collect();
        let file = RotationFile {
            format: if self.first_format {
                FORMAT_1
            } else {
                FORMAT_2
            }
            .to_string(),
            office: self.card.body.office.clone(),
            old_epoch: self.old_epoch,
            endorsement: hex(&self.endorsement),
            at_ms: (!self.first_format).then_some(self.point.at_ms),
            card: self.card.to_text()?,
            heads,
        };
        let toml = toml::to_string(&file).wrap_err("writing the rotation certificate")?;
        Ok(format!(
            "# {}\n# fingerprint: {}\n{toml}",
            tf("sync.rotation.comment", &[]),
            self.card.fingerprint()
        ))
    }

    pub fn from_text(text: &str) -> Result<Rotation, RotationError> {
        let unreadable = |detail: String| RotationError::Unreadable { detail };
        let file: RotationFile =
            toml::from_str(text).map_err(|e| unreadable(e.message().into()))?;
        let first_format = match file.format.as_str() {
            FORMAT_1 => true,
            FORMAT_2 => false,
            other => return Err(unreadable(format!("format = {other}"))),
        };
        let card = Card::from_text(&file.card).map_err(RotationError::Card)?;
        let bad = || RotationError::BadEndorsement {
            office: file.office.clone(),
        };
        let endorsement = unhex::<64>(&file.endorsement).ok_or_else(bad)?.to_vec();
        let mut heads = Vec::new();
        for head in &file.heads {
            let device = unhex::<8>(&head.device).ok_or_else(bad)?;
            let hash = unhex::<32>(&head.hash).ok_or_else(bad)?;
            heads.push((u64::from_be_bytes(device), head.seq, hash));
        }
        if !first_format && file.at_ms.is_none() {
            return Err(unreadable("at_ms".into()));
        }
        Ok(Rotation {
            card,
            old_epoch: file.old_epoch,
            endorsement,
            point: RotationPoint {
                at_ms: file.at_ms.unwrap_or(0),
                heads,
            },
            first_format,
        })
    }

    pub fn looks_like(text: &str) -> bool {
        text.contains(FORMAT)
    }
}

/// Where the keys of an earlier generation are kept.
pub fn archived_dir(data_dir: &Path, epoch: u32) -> PathBuf {
    data_dir.join(format!("keys-epoch-{epoch}"))
}

/// The keys of generation `epoch`, current or kept aside, if this office still has them.
pub fn keys_of_epoch(data_dir: &Path, current: &Keys, epoch: u32) -> Result<Option<Keys>> {
    if epoch == current.epoch() {
        return Ok(None);
    }
    let dir = archived_dir(data_dir, epoch);
    if !dir.join("identity.toml").exists() {
        return Ok(None);
    }
    Keys::read_from(&dir).map(Some)
}

/// The next generation's keys and certificate, whole once the folder has its name.
fn next_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys.next")
}

/// The certificate that introduced the current keys, kept beside them for peers who did not
/// get the copy `keys rotate` wrote.
pub const CERTIFICATE_FILE: &str = "rotation.toml";

/// Makes the next generation of this office's keys. The new keys and their certificate are
/// written together to `keys.next`; from then on the rotation only goes forward: the current
/// keys are moved aside to `keys-epoch-N` and the new ones put in place, and a crash between
/// the two is finished by the next `Keys::load`. Returns the new keys and the certificate.
pub fn rotate(store: &Store) -> Result<(Keys, Rotation)> {
    let data_dir = store.dir();
    let old = Keys::load(data_dir, store.office())?;
    let archive = archived_dir(data_dir, old.epoch());
    if archive.exists() {
        return Err(user_error(tf(
            "sync.rotation.archive_taken",
            &[("dir", &archive.display())],
        )));
    }
    let new = old.successor();
    // Every chain of this office this store holds, as it stands now: the old key signs nothing
    // beyond them from here on.
    let heads = store
        .chains()?
        .into_iter()
        .filter(|c| c.origin == store.office() && c.kind == super::ChainKind::Full && c.seq > 0)
        .map(|c| (c.device, c.seq, c.hash))
        .collect();
    let mut rotation = Rotation {
        card: new.card()?,
        old_epoch: old.epoch(),
        endorsement: Vec::new(),
        point: RotationPoint {
            at_ms: super::now_ms(),
            heads,
        },
        first_format: false,
    };
    let (message, domain) = rotation.message()?;
    rotation.endorsement = sign(old.signing_key(), domain, &message);
    new.write_with(
        &next_dir(data_dir),
        &[(CERTIFICATE_FILE, &rotation.to_text()?)],
    )?;
    finish_interrupted(data_dir)?;
    Ok((new, rotation))
}

/// Whether a rotation was written whole but not yet put in place.
pub(crate) fn interrupted(data_dir: &Path) -> bool {
    next_dir(data_dir).join("identity.toml").exists()
}

/// Puts a whole `keys.next` in place of the current keys, moving those aside first. Only the
/// very next generation of the same office, into a free archive name, is moved; anything else
/// is left as it is and named, for a person to look at.
pub(crate) fn finish_interrupted(data_dir: &Path) -> Result<()> {
    if !interrupted(data_dir) {
        return Ok(());
    }
    let next = next_dir(data_dir);
    let new = Keys::read_from(&next)?;
    let current = keys_dir(data_dir);
    let failed = || tf("sync.rotation.unfinished", &[("dir", &next.display())]);
    if current.exists() {
        let old = Keys::read_from(&current)?;
        let archive = archived_dir(data_dir, old.epoch());
        let follows = old.office() == new.office() && old.epoch() + 1 == new.epoch();
        if !follows || archive.exists() {
            return Err(user_error(failed()));
        }
        std::fs::rename(&current, &archive).wrap_err_with(failed)?;
    }
    std::fs::rename(&next, &current).wrap_err_with(failed)?;
    // The renames are only durable once the folder is flushed: a certificate already handed to
    // peers must not outlive the keys it introduces.
    #[cfg(unix)]
    std::fs::File::open(data_dir)
        .and_then(|d| d.sync_all())
        .wrap_err_with(failed)?;
    Ok(())
}

/// Takes in a peer's rotation: accepted when the trusted, unrevoked key of the endorsing
/// generation signed the new card. The old verifying key is kept for what it signed before.
pub fn accept_rotation(store: &Store, rotation: &Rotation) -> Result<Change, Fault<RotationError>> {
    let card = &rotation.card;
    if let Err(e) = card.verify() {
        return Err(Fault::Refused(RotationError::Card(e)));
    }
    let office = card.body.office.clone();
    let Some(peer) = store.peer(&office)? else {
        return Err(Fault::Refused(RotationError::UnknownPeer { office }));
    };
    if peer.card == *card {
        if let Some(revoked) = &peer.revoked {
            return Err(Fault::Refused(RotationError::Revoked {
                office,
                epoch: revoked.epoch,
            }));
        }
        if rotation.old_epoch + 1 != card.body.epoch {
            return Err(Fault::Refused(RotationError::BadEndorsement { office }));
        }
        // Taken in before: still only an intact certificate says so, when the old key is here
        // to check it. A card a roster brought with no earlier generation known has nothing to
        // check it against, and nothing changes either way.
        let Some(kept) = store.previous_key(&office, rotation.old_epoch)? else {
            return Ok(Change::Unchanged);
        };
        let intact = ed25519_dalek::VerifyingKey::from_bytes(&kept)
            .is_ok_and(|key| rotation.endorsed_by(&key));
        return if intact {
            Ok(Change::Unchanged)
        } else {
            Err(Fault::Refused(RotationError::BadEndorsement { office }))
        };
    }
    if peer
        .revoked
        .as_ref()
        .is_some_and(|r| r.epoch >= rotation.old_epoch)
    {
        return Err(Fault::Refused(RotationError::Revoked {
            office,
            epoch: rotation.old_epoch,
        }));
    }
    if store.is_revoked_key(&office, &card.body.sign_key)? {
        return Err(Fault::Refused(RotationError::Revoked {
            office,
            epoch: card.body.epoch,
        }));
    }
    let trusted = peer.card.body.epoch;
    if trusted != rotation.old_epoch || card.body.epoch <= trusted {
        return Err(Fault::Refused(RotationError::OtherGeneration {
            office,
            endorsed: rotation.old_epoch,
            trusted,
        }));
    }
    let old_key = match peer.card.verifying_key() {
        Ok(key) => key,
        Err(e) => return Err(Fault::Refused(RotationError::Card(e))),
    };
    if !rotation.endorsed_by(&old_key) {
        return Err(Fault::Refused(RotationError::BadEndorsement { office }));
    }
    let rotated = Peer {
        card: card.clone(),
        fingerprint: card.fingerprint(),
        source: peer.source.clone(),
        added_ms: super::now_ms(),
        revoked: peer.revoked.clone(),
    };
    store.rotate_peer(
        &rotated,
        (trusted, peer.card.body.sign_key),
        &rotation.stop(),
    )?;
    Ok(Change::Updated)
}
