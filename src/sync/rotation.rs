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
use super::{hex, unhex};
use crate::campaign::unit_name;
use crate::domain::OfficeId;
use crate::error::user_error;
use crate::i18n::tf;
use crate::store::Store;

pub(crate) const FORMAT: &str = "peixun-rotation-1";
const DOMAIN: &[u8] = b"peixun rotation v1\0";

/// The new card, endorsed by the signing key of generation `old_epoch`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub card: Card,
    pub old_epoch: u32,
    pub endorsement: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct RotationFile {
    format: String,
    office: String,
    old_epoch: u32,
    endorsement: String,
    /// The new identity card, as `keys export` writes it.
    card: String,
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
    fn message(card: &Card) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_stdvec(&card.body)
    }

    pub fn to_text(&self) -> Result<String> {
        let file = RotationFile {
            format: FORMAT.to_string(),
            office: self.card.body.office.clone(),
            old_epoch: self.old_epoch,
            endorsement: hex(&self.endorsement),
            card: self.card.to_text()?,
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
        if file.format != FORMAT {
            return Err(unreadable(format!("format = {}", file.format)));
        }
        let card = Card::from_text(&file.card).map_err(RotationError::Card)?;
        let endorsement = unhex::<64>(&file.endorsement)
            .ok_or(RotationError::BadEndorsement {
                office: file.office.clone(),
            })?
            .to_vec();
        Ok(Rotation {
            card,
            old_epoch: file.old_epoch,
            endorsement,
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
    let card = new.card()?;
    let endorsement = sign(old.signing_key(), DOMAIN, &Rotation::message(&card)?);
    let rotation = Rotation {
        card,
        old_epoch: old.epoch(),
        endorsement,
    };
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
pub fn accept_rotation(
    store: &Store,
    rotation: &Rotation,
) -> Result<Result<Change, RotationError>> {
    let card = &rotation.card;
    if let Err(e) = card.verify() {
        return Ok(Err(RotationError::Card(e)));
    }
    let office = card.body.office.clone();
    let Some(peer) = store.peer(&office)? else {
        return Ok(Err(RotationError::UnknownPeer { office }));
    };
    if peer.card == *card {
        if let Some(revoked) = &peer.revoked {
            return Ok(Err(RotationError::Revoked {
                office,
                epoch: revoked.epoch,
            }));
        }
        if rotation.old_epoch + 1 != card.body.epoch {
            return Ok(Err(RotationError::BadEndorsement { office }));
        }
        // Taken in before: still only an intact certificate says so, when the old key is here
        // to check it. A card a roster brought with no earlier generation known has nothing to
        // check it against, and nothing changes either way.
        let Some(kept) = store.previous_key(&office, rotation.old_epoch)? else {
            return Ok(Ok(Change::Unchanged));
        };
        let intact = ed25519_dalek::VerifyingKey::from_bytes(&kept).is_ok_and(|key| {
            Rotation::message(card).is_ok_and(|m| verify(&key, DOMAIN, &m, &rotation.endorsement))
        });
        return Ok(if intact {
            Ok(Change::Unchanged)
        } else {
            Err(RotationError::BadEndorsement { office })
        });
    }
    if peer
        .revoked
        .as_ref()
        .is_some_and(|r| r.epoch >= rotation.old_epoch)
    {
        return Ok(Err(RotationError::Revoked {
            office,
            epoch: rotation.old_epoch,
        }));
    }
    let trusted = peer.card.body.epoch;
    if trusted != rotation.old_epoch || card.body.epoch <= trusted {
        return Ok(Err(RotationError::OtherGeneration {
            office,
            endorsed: rotation.old_epoch,
            trusted,
        }));
    }
    let old_key = match peer.card.verifying_key() {
        Ok(key) => key,
        Err(e) => return Ok(Err(RotationError::Card(e))),
    };
    if !verify(
        &old_key,
        DOMAIN,
        &Rotation::message(card)?,
        &rotation.endorsement,
    ) {
        return Ok(Err(RotationError::BadEndorsement { office }));
    }
    store.put_previous_key(&office, trusted, &peer.card.body.sign_key)?;
    store.put_peer(&Peer {
        card: card.clone(),
        fingerprint: card.fingerprint(),
        source: peer.source,
        added_ms: super::now_ms(),
        revoked: peer.revoked,
    })?;
    Ok(Ok(Change::Updated))
}
