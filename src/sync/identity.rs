//! This office's keys and its identity card.
//!
//! Keys live as files in `DATA/keys/` (directory 0700, files 0600): `sign.key` (the Ed25519
//! signing key, hex), `age.key` (the X25519 age identity, in age's own file format) and
//! `identity.toml` (office, key epoch, date). `peixun keys init` creates them; every command that
//! needs them creates them on first use and says so.
//!
//! The identity card carries the office, its parent and role, both public keys and the key
//! epoch, signed by the signing key itself (which proves the sender holds it). Trust comes from
//! comparing the card's fingerprint over the phone, never from the card alone.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::PoisonError;

use age::secrecy::ExposeSecret;
use chrono::NaiveDate;
use color_eyre::eyre::{eyre, Result, WrapErr};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::{fingerprint, hex, unhex};
use crate::campaign::{campaign, UnitLevel};
use crate::domain::OfficeId;
use crate::i18n::tf;

/// Keys are made once per data folder; threads of one process take turns.
static KEYS_MADE: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub const CARD_FORMAT: &str = "peixun-card-1";
const CARD_DOMAIN: &[u8] = b"peixun card v1\0";

/// What an office does, from its unit's level (zones and 直管市 work as counties do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Province,
    City,
    County,
}

impl Role {
    pub fn of(office: &str) -> Option<Role> {
        campaign().unit(office).map(|u| match u.level {
            UnitLevel::Province => Role::Province,
            UnitLevel::City => Role::City,
            UnitLevel::County | UnitLevel::Zone => Role::County,
        })
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
        }
    }

    pub fn label(self) -> String {
        crate::i18n::t(&format!("cli.role.{}", self.key()))
    }
}

/// Signs `domain || body`. Domains keep a signature on one kind of object from passing as
/// another.
pub(crate) fn sign(key: &SigningKey, domain: &[u8], body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(domain.len() + body.len());
    message.extend_from_slice(domain);
    message.extend_from_slice(body);
    key.sign(&message).to_bytes().to_vec()
}

/// `verify_strict`: refuses weak keys and malleable signatures.
pub(crate) fn verify(key: &VerifyingKey, domain: &[u8], body: &[u8], signature: &[u8]) -> bool {
    let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
        return false;
    };
    let mut message = Vec::with_capacity(domain.len() + body.len());
    message.extend_from_slice(domain);
    message.extend_from_slice(body);
    key.verify_strict(&message, &Signature::from_bytes(&bytes))
        .is_ok()
}

/// What a card says. Its postcard encoding is what the card's signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardBody {
    pub office: OfficeId,
    pub parent: Option<OfficeId>,
    pub role: Role,
    /// Generation of the keys: a new pair gets the next epoch, and a revoked epoch stays revoked.
    pub epoch: u32,
    pub sign_key: [u8; 32],
    /// The age recipient (`age1...`) bundles to this office are encrypted to.
    pub age_recipient: String,
    pub created: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Card {
    pub body: CardBody,
    /// Ed25519 over `"peixun card v1\0" || postcard(body)` by `body.sign_key`.
    pub signature: Vec<u8>,
}

/// Why a card or its file was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardError {
    Unreadable {
        detail: String,
    },
    BadKey,
    BadSignature {
        office: OfficeId,
    },
    UnknownOffice {
        office: OfficeId,
    },
    /// The card's parent or role disagrees with the campaign's list of units.
    Mismatch {
        office: OfficeId,
        field: &'static str,
    },
}

impl std::fmt::Display for CardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::Unreadable { detail } => tf("sync.card.unreadable", &[("detail", detail)]),
            Self::BadKey => tf("sync.card.bad_key", &[]),
            Self::BadSignature { office } => tf("sync.card.bad_signature", &[("office", office)]),
            Self::UnknownOffice { office } => tf("sync.card.unknown_office", &[("office", office)]),
            Self::Mismatch { office, field } => tf(
                "sync.card.mismatch",
                &[
                    ("office", office),
                    (
                        "field",
                        &crate::i18n::t(&format!("sync.card.field_{field}")),
                    ),
                ],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for CardError {}

/// The card as a text file: TOML, so it survives email and can be read by a person.
#[derive(Serialize, Deserialize)]
pub(crate) struct CardFile {
    format: String,
    office: String,
    /// For people only; not signed, not read back.
    #[serde(default)]
    name: String,
    parent: Option<String>,
    role: Role,
    epoch: u32,
    sign_key: String,
    age_recipient: String,
    created: NaiveDate,
    signature: String,
}

impl CardFile {
    pub(crate) fn from_card(card: &Card) -> CardFile {
        CardFile {
            format: CARD_FORMAT.to_string(),
            office: card.body.office.clone(),
            name: crate::campaign::unit_name(&card.body.office),
            parent: card.body.parent.clone(),
            role: card.body.role,
            epoch: card.body.epoch,
            sign_key: hex(&card.body.sign_key),
            age_recipient: card.body.age_recipient.clone(),
            created: card.body.created,
            signature: hex(&card.signature),
        }
    }

    pub(crate) fn into_card(self) -> Result<Card, CardError> {
        if self.format != CARD_FORMAT {
            return Err(CardError::Unreadable {
                detail: format!("format = {}", self.format),
            });
        }
        let sign_key = unhex::<32>(&self.sign_key).ok_or(CardError::BadKey)?;
        let signature = unhex::<64>(&self.signature)
            .ok_or_else(|| CardError::BadSignature {
                office: self.office.clone(),
            })?
            .to_vec();
        Ok(Card {
            body: CardBody {
                office: self.office,
                parent: self.parent,
                role: self.role,
                epoch: self.epoch,
                sign_key,
                age_recipient: self.age_recipient,
                created: self.created,
            },
            signature,
        })
    }
}

impl Card {
    pub fn verifying_key(&self) -> Result<VerifyingKey, CardError> {
        VerifyingKey::from_bytes(&self.body.sign_key).map_err(|_| CardError::BadKey)
    }

    pub fn recipient(&self) -> Result<age::x25519::Recipient, CardError> {
        age::x25519::Recipient::from_str(&self.body.age_recipient).map_err(|_| CardError::BadKey)
    }

    /// The self-signature, the keys, and the office's place in the campaign.
    pub fn verify(&self) -> Result<(), CardError> {
        let key = self.verifying_key()?;
        self.recipient()?;
        let body = postcard::to_stdvec(&self.body).map_err(|_| CardError::BadKey)?;
        if !verify(&key, CARD_DOMAIN, &body, &self.signature) {
            return Err(CardError::BadSignature {
                office: self.body.office.clone(),
            });
        }
        let office = self.body.office.clone();
        let unit = campaign()
            .unit(&office)
            .ok_or_else(|| CardError::UnknownOffice {
                office: office.clone(),
            })?;
        if unit.parent != self.body.parent {
            return Err(CardError::Mismatch {
                office,
                field: "parent",
            });
        }
        if Role::of(&office) != Some(self.body.role) {
            return Err(CardError::Mismatch {
                office,
                field: "role",
            });
        }
        Ok(())
    }

    /// The 30-character fingerprint people compare over the phone.
    pub fn fingerprint(&self) -> String {
        let mut hasher = blake3::Hasher::new_derive_key("peixun 2023 card fingerprint v1");
        hasher.update(self.body.office.as_bytes());
        hasher.update(&[0]);
        hasher.update(&self.body.epoch.to_be_bytes());
        hasher.update(&self.body.sign_key);
        hasher.update(self.body.age_recipient.as_bytes());
        fingerprint::format(hasher.finalize().as_bytes())
    }

    pub fn to_text(&self) -> Result<String> {
        let toml =
            toml::to_string(&CardFile::from_card(self)).wrap_err("writing the identity card")?;
        Ok(format!(
            "# {}\n# fingerprint: {}\n{toml}",
            tf("sync.card.comment", &[]),
            self.fingerprint()
        ))
    }

    /// Reads a card file; `verify` is a separate step.
    pub fn from_text(text: &str) -> Result<Card, CardError> {
        let file: CardFile = toml::from_str(text).map_err(|e| CardError::Unreadable {
            detail: e.message().into(),
        })?;
        file.into_card()
    }
}

/// This office's secret keys.
pub struct Keys {
    office: OfficeId,
    epoch: u32,
    created: NaiveDate,
    signing: SigningKey,
    age: age::x25519::Identity,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("office", &self.office)
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
struct IdentityFile {
    office: String,
    epoch: u32,
    created: NaiveDate,
}

pub fn keys_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(unix)]
fn private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().mode(0o700).create(path)
}

#[cfg(not(unix))]
fn private_dir(path: &Path) -> std::io::Result<()> {
    std::fs::create_dir(path)
}

impl Keys {
    /// New keys for `office`, epoch 1.
    pub fn generate(office: &str) -> Keys {
        Keys {
            office: office.to_string(),
            epoch: 1,
            created: chrono::Local::now().date_naive(),
            signing: SigningKey::generate(&mut rand_core::OsRng),
            age: age::x25519::Identity::generate(),
        }
    }

    pub fn office(&self) -> &str {
        &self.office
    }

    /// Fresh keys of the next generation, for `keys rotate`.
    pub fn successor(&self) -> Keys {
        Keys {
            epoch: self.epoch + 1,
            ..Keys::generate(&self.office)
        }
    }

    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    pub fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }

    /// Also true between the two renames of an interrupted rotation, which `load` finishes.
    pub fn exists(data_dir: &Path) -> bool {
        keys_dir(data_dir).join("identity.toml").exists()
            || crate::sync::rotation::interrupted(data_dir)
    }

    /// Writes the three files into `dir`, which must not exist yet: they are written under a
    /// temporary name and renamed, so a crash leaves either all of them or none.
    pub fn write_to(&self, dir: &Path) -> Result<()> {
        self.write_with(dir, &[])
    }

    /// `write_to` with further files that must appear together with the keys.
    pub(crate) fn write_with(&self, dir: &Path, extra: &[(&str, &str)]) -> Result<()> {
        let failed = || tf("sync.keys.write_failed", &[("dir", &dir.display())]);
        if dir.exists() {
            return Err(crate::error::user_error(tf(
                "sync.keys.exist",
                &[("dir", &dir.display())],
            )));
        }
        let parent = dir.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).wrap_err_with(failed)?;
        let temp = parent.join(format!(".keys-{}.tmp", std::process::id()));
        if temp.exists() {
            std::fs::remove_dir_all(&temp).wrap_err_with(failed)?;
        }
        private_dir(&temp).wrap_err_with(failed)?;
        let identity = toml::to_string(&IdentityFile {
            office: self.office.clone(),
            epoch: self.epoch,
            created: self.created,
        })?;
        let sign = format!(
            "# {}\n{}\n",
            tf("sync.keys.secret_comment", &[("office", &self.office)]),
            hex(self.signing.as_bytes())
        );
        let age = format!(
            "# created: {}\n# public key: {}\n{}\n",
            self.created,
            self.age.to_public(),
            self.age.to_string().expose_secret()
        );
        let files = [
            ("identity.toml", identity.as_str()),
            ("sign.key", sign.as_str()),
            ("age.key", age.as_str()),
        ];
        for &(name, text) in files.iter().chain(extra) {
            let mut file = private_file(&temp.join(name)).wrap_err_with(failed)?;
            file.write_all(text.as_bytes()).wrap_err_with(failed)?;
            file.sync_all().wrap_err_with(failed)?;
        }
        std::fs::rename(&temp, dir).wrap_err_with(failed)?;
        Ok(())
    }

    /// Reads keys from `dir` (as `write_to` left them).
    pub fn read_from(dir: &Path) -> Result<Keys> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).wrap_err_with(|| {
                tf(
                    "sync.keys.unreadable",
                    &[("file", &dir.join(name).display())],
                )
            })
        };
        let damaged = |name: &str| {
            crate::error::user_error(tf(
                "sync.keys.damaged",
                &[("file", &dir.join(name).display())],
            ))
        };
        let identity: IdentityFile =
            toml::from_str(&read("identity.toml")?).map_err(|_| damaged("identity.toml"))?;
        let secret_line = |text: String| {
            text.lines()
                .map(str::trim)
                .find(|l| !l.is_empty() && !l.starts_with('#'))
                .map(str::to_string)
        };
        let sign = secret_line(read("sign.key")?)
            .and_then(|l| unhex::<32>(&l))
            .ok_or_else(|| damaged("sign.key"))?;
        let age = secret_line(read("age.key")?)
            .and_then(|l| age::x25519::Identity::from_str(&l).ok())
            .ok_or_else(|| damaged("age.key"))?;
        Ok(Keys {
            office: identity.office,
            epoch: identity.epoch,
            created: identity.created,
            signing: SigningKey::from_bytes(&sign),
            age,
        })
    }

    /// Creates the keys of `office` in the store's data dir; refuses when they exist.
    pub fn create(data_dir: &Path, office: &str) -> Result<Keys> {
        let _one = KEYS_MADE.lock().unwrap_or_else(PoisonError::into_inner);
        Keys::create_unlocked(data_dir, office)
    }

    fn create_unlocked(data_dir: &Path, office: &str) -> Result<Keys> {
        // Also between the renames of a rotation: those keys are finished, never replaced.
        if Keys::exists(data_dir) {
            return Err(crate::error::user_error(tf(
                "sync.keys.exist",
                &[("dir", &keys_dir(data_dir).display())],
            )));
        }
        let keys = Keys::generate(office);
        keys.write_to(&keys_dir(data_dir))?;
        Ok(keys)
    }

    /// The keys of the store in `data_dir`, checked to belong to `office`.
    pub fn load(data_dir: &Path, office: &str) -> Result<Keys> {
        crate::sync::rotation::finish_interrupted(data_dir)?;
        let keys = Keys::read_from(&keys_dir(data_dir))?;
        if keys.office != office {
            return Err(crate::error::user_error(tf(
                "sync.keys.other_office",
                &[("found", &keys.office), ("office", &office)],
            )));
        }
        Ok(keys)
    }

    /// The keys, created now when this office has none yet; the flag says whether they were.
    pub fn load_or_create(data_dir: &Path, office: &str) -> Result<(Keys, bool)> {
        // Two threads of one process (the store service) asking at once: one makes them, the
        // other loads them.
        let _one = KEYS_MADE.lock().unwrap_or_else(PoisonError::into_inner);
        if Keys::exists(data_dir) {
            Ok((Keys::load(data_dir, office)?, false))
        } else {
            Ok((Keys::create_unlocked(data_dir, office)?, true))
        }
    }

    /// This office's identity card, signed by its own key.
    pub fn card(&self) -> Result<Card> {
        let unit = campaign()
            .unit(&self.office)
            .ok_or_else(|| eyre!(tf("sync.card.unknown_office", &[("office", &self.office)])))?;
        let role = Role::of(&self.office).unwrap_or(Role::County);
        let body = CardBody {
            office: self.office.clone(),
            parent: unit.parent.clone(),
            role,
            epoch: self.epoch,
            sign_key: self.signing.verifying_key().to_bytes(),
            age_recipient: self.age.to_public().to_string(),
            created: self.created,
        };
        let bytes = postcard::to_stdvec(&body)?;
        Ok(Card {
            signature: sign(&self.signing, CARD_DOMAIN, &bytes),
            body,
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn threads_asking_for_keys_at_once_get_the_same_ones() {
        let dir = tempfile::tempdir().unwrap();
        let made: Vec<(String, bool)> = std::thread::scope(|scope| {
            let asks: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| {
                        let (keys, created) = Keys::load_or_create(dir.path(), "420704").unwrap();
                        (keys.card().unwrap().fingerprint(), created)
                    })
                })
                .collect();
            asks.into_iter().map(|a| a.join().unwrap()).collect()
        });
        assert_eq!(made.iter().filter(|(_, created)| *created).count(), 1);
        assert!(made.iter().all(|(print, _)| *print == made[0].0));
    }

    use super::*;

    #[test]
    fn cards_verify_and_survive_their_text_form() {
        let keys = Keys::generate("420704");
        let card = keys.card().unwrap();
        card.verify().unwrap();
        let text = card.to_text().unwrap();
        assert!(text.contains(&card.fingerprint()), "{text}");
        let back = Card::from_text(&text).unwrap();
        assert_eq!(back, card);
        back.verify().unwrap();
    }

    #[test]
    fn altered_cards_are_refused() {
        let keys = Keys::generate("420704");
        let mut card = keys.card().unwrap();
        card.body.parent = Some("420100".into());
        assert!(matches!(card.verify(), Err(CardError::BadSignature { .. })));
        let other = Keys::generate("420703").card().unwrap();
        let mut swapped = keys.card().unwrap();
        swapped.body.sign_key = other.body.sign_key;
        assert!(swapped.verify().is_err());
        assert_ne!(keys.card().unwrap().fingerprint(), other.fingerprint());
    }

    #[test]
    fn keys_are_written_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::create(dir.path(), "420704").unwrap();
        let back = Keys::load(dir.path(), "420704").unwrap();
        assert_eq!(back.card().unwrap().body, keys.card().unwrap().body);
        assert!(Keys::create(dir.path(), "420704").is_err());
        assert!(Keys::load(dir.path(), "420703").is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for name in ["sign.key", "age.key", "identity.toml"] {
                let mode = std::fs::metadata(keys_dir(dir.path()).join(name))
                    .unwrap()
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o600, "{name}");
            }
        }
    }
}
