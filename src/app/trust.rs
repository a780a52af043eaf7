//! Taking in a file another office gave, to trust it: its card (checked against the fingerprint
//! its coordinator read out on the phone), a roster the province signed, or a key rotation
//! certificate. One use case for `peixun keys trust` and the 同步 tab's form.

use std::path::Path;

use super::{Confirm, Outcome, Refusal};
use crate::i18n::tf;
use crate::store::Store;
use crate::sync::rotation::{self, Rotation};
use crate::sync::summary::office_name as name;
use crate::sync::trust::{self, Change, Roster, TrustError};
use crate::sync::{Card, Fault, Keys};

/// A file to trust, read and told apart by its first line.
pub enum TrustFile {
    Card(Card),
    Roster(Roster),
    Rotation(Box<Rotation>),
}

impl TrustFile {
    /// The card's office when the file is a card: the one kind that needs a fingerprint.
    pub fn card_office(&self) -> Option<&str> {
        match self {
            TrustFile::Card(card) => Some(&card.body.office),
            _ => None,
        }
    }
}

/// What trusting a file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    Card {
        office: String,
        change: Change,
        fingerprint: String,
        /// The fingerprint of the keys replaced, when the change is a replacement.
        previous: Option<String>,
    },
    Roster {
        signer: String,
        version: u64,
        offices: Vec<(String, Change)>,
    },
    Rotation {
        office: String,
        epoch: u32,
        change: Change,
        fingerprint: String,
    },
}

impl Trusted {
    /// In the UI language, a line each: what the file was and what it changed.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Trusted::Card {
                office,
                fingerprint,
                previous: Some(previous),
                ..
            } => vec![tf(
                "sync.trust.replaced",
                &[
                    ("office", &name(office)),
                    // As the command takes it: the name alone.
                    ("unit", &crate::campaign::unit_name(office)),
                    ("fingerprint", fingerprint),
                    ("previous", previous),
                ],
            )],
            Trusted::Card {
                office,
                change,
                fingerprint,
                ..
            } => vec![tf(
                "sync.trust.done",
                &[
                    ("office", &name(office)),
                    ("change", &change.label()),
                    ("fingerprint", fingerprint),
                ],
            )],
            Trusted::Roster {
                signer,
                version,
                offices,
            } => {
                let mut lines = vec![tf(
                    "sync.trust.roster_done",
                    &[("signer", &name(signer)), ("version", version)],
                )];
                lines.extend(offices.iter().map(|(office, change)| {
                    tf(
                        "sync.trust.roster_entry",
                        &[("office", &name(office)), ("change", &change.label())],
                    )
                }));
                lines
            }
            Trusted::Rotation {
                office,
                epoch,
                change: Change::Unchanged,
                ..
            } => vec![tf(
                "sync.rotation.already",
                &[("office", &name(office)), ("epoch", epoch)],
            )],
            Trusted::Rotation {
                office,
                epoch,
                change,
                fingerprint,
            } => vec![tf(
                "sync.rotation.accepted",
                &[
                    ("office", &name(office)),
                    ("epoch", epoch),
                    ("change", &change.label()),
                    ("fingerprint", fingerprint),
                ],
            )],
        }
    }
}

/// The file at `path`: a card, a roster or a rotation certificate, or what it is not.
pub fn read(path: &Path) -> Outcome<TrustFile> {
    let bytes = crate::input_file::read(path, trust::MAX_TRUST_FILE)
        .map_err(|e| Refusal::said(e.to_string()))?;
    // Not text at all: most likely a bundle or a spreadsheet picked by mistake.
    let text = String::from_utf8(bytes)
        .map_err(|_| Refusal::said(tf("sync.trust.not_text", &[("file", &path.display())])))?;
    if Rotation::looks_like(&text) {
        let rotation = Rotation::from_text(&text).map_err(|e| Refusal::said(e.to_string()))?;
        return Ok(TrustFile::Rotation(Box::new(rotation)));
    }
    if Roster::looks_like(&text) {
        let roster = Roster::from_text(&text).map_err(|e| Refusal::said(e.to_string()))?;
        return Ok(TrustFile::Roster(roster));
    }
    // A sheet or a note picked by mistake: said as what it is not, not as a parser's detail.
    if !text.contains(crate::sync::identity::CARD_FORMAT) {
        return Err(Refusal::said(tf(
            "sync.trust.not_a_trust_file",
            &[("file", &path.display())],
        )));
    }
    let card = Card::from_text(&text).map_err(|e| Refusal::said(e.to_string()))?;
    Ok(TrustFile::Card(card))
}

/// Trusts what `file` holds. A card needs the fingerprint its office read out (what is wrong
/// with it is that field's), and `replace` when the office is trusted with other keys; a roster
/// is checked against its signer's key, with this office's `keys` (made on first use, so asked
/// for only then); a rotation against the generation it replaces.
pub fn take_in(
    store: &Store,
    file: &TrustFile,
    (fingerprint, replace): (Option<&str>, bool),
    keys: impl FnOnce() -> color_eyre::Result<Keys>,
) -> Outcome<Trusted> {
    match file {
        TrustFile::Rotation(rotation) if rotation.card.body.office == store.office() => {
            Err(Refusal::said(TrustError::OwnRotation.to_string()))
        }
        TrustFile::Rotation(rotation) => {
            let change = rotation::accept_rotation(store, rotation).map_err(said)?;
            Ok(Trusted::Rotation {
                office: rotation.card.body.office.clone(),
                epoch: rotation.card.body.epoch,
                change,
                fingerprint: rotation.card.fingerprint(),
            })
        }
        TrustFile::Roster(roster) => {
            let offices = trust::accept_roster(store, &keys()?, roster).map_err(said)?;
            Ok(Trusted::Roster {
                signer: roster.body.signer.clone(),
                version: roster.body.version,
                offices,
            })
        }
        TrustFile::Card(card) if card.body.office == store.office() => {
            Err(Refusal::said(own_card(store, card)?.to_string()))
        }
        TrustFile::Card(card) => {
            let Some(typed) = fingerprint else {
                let needed = TrustError::FingerprintNeeded {
                    office: card.body.office.clone(),
                };
                return Err(Refusal::field("fingerprint", needed.to_string()));
            };
            let before = store.peer(&card.body.office)?.map(|peer| peer.fingerprint);
            let change =
                trust::trust_card_replacing(store, card, typed, replace).map_err(|fault| {
                    match fault {
                        Fault::Refused(
                            wrong @ (TrustError::Mismatch { .. } | TrustError::Fingerprint(_)),
                        ) => Refusal::field("fingerprint", wrong.to_string()),
                        Fault::Refused(TrustError::ReplacesKey { office, trusted }) => {
                            Refusal::Confirm(Confirm::ReplaceKey {
                                office,
                                trusted,
                                found: card.body.epoch,
                                same_key: false,
                            })
                        }
                        Fault::Refused(TrustError::AlteredCard { office }) => {
                            Refusal::Confirm(Confirm::ReplaceKey {
                                office,
                                trusted: card.body.epoch,
                                found: card.body.epoch,
                                same_key: true,
                            })
                        }
                        Fault::Refused(TrustError::OlderEpoch {
                            office,
                            found,
                            trusted,
                        }) => Refusal::Confirm(Confirm::ReplaceKey {
                            office,
                            trusted,
                            found,
                            same_key: false,
                        }),
                        fault => said(fault),
                    }
                })?;
            Ok(Trusted::Card {
                office: card.body.office.clone(),
                change,
                fingerprint: card.fingerprint(),
                previous: before.filter(|_| change == Change::Replaced),
            })
        }
    }
}

/// What a card in this office's name is: its card, one of a generation it rotated away from,
/// or, with keys it never made, someone passing as it.
fn own_card(store: &Store, card: &Card) -> color_eyre::Result<TrustError> {
    if !Keys::exists(store.dir()) {
        return Ok(TrustError::NotOwnKeys);
    }
    let current = Keys::load(store.dir(), store.office())?;
    let epoch = card.body.epoch;
    let keys = rotation::keys_of_epoch(store.dir(), &current, epoch)?;
    let ours = keys
        .as_ref()
        .unwrap_or(&current)
        .signing_key()
        .verifying_key()
        .to_bytes()
        == card.body.sign_key;
    Ok(match (ours, keys.is_some()) {
        (false, _) => TrustError::NotOwnKeys,
        (true, false) => TrustError::Own,
        (true, true) => TrustError::OwnEarlier { epoch },
    })
}

fn said<E: std::fmt::Display>(fault: Fault<E>) -> Refusal {
    match fault {
        Fault::Refused(e) => Refusal::said(e.to_string()),
        Fault::Failed(report) => Refusal::Failed(report),
    }
}
