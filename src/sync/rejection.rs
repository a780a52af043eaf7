//! Why a bundle (or a card, or a roster) was refused: one line in the UI language naming the
//! cause. Nothing of a refused file is written.

use crate::campaign::unit_name;
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::DeviceId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// The file does not start with the bundle magic at all.
    NotABundle,
    /// The magic is there but altered the way text-mode copying alters files.
    Mangled,
    /// Written by a newer peixun.
    NewerFormat {
        found: u16,
        supported: u16,
    },
    /// The file ends early (a pulled USB stick, an interrupted copy).
    Truncated,
    /// Bytes follow the end of the bundle.
    TrailingGarbage {
        extra: u64,
    },
    /// The bytes do not decode or do not match their hash; `what` says which part.
    Corrupted {
        what: String,
    },
    /// Bigger than this version accepts.
    TooLarge {
        limit: u64,
    },
    NotForUs {
        recipient: OfficeId,
        us: OfficeId,
    },
    UnknownSender {
        sender: OfficeId,
    },
    RevokedSender {
        sender: OfficeId,
    },
    /// The sender signs with another key generation than the one we trust.
    SenderEpoch {
        sender: OfficeId,
        found: u32,
        trusted: u32,
    },
    /// Encrypted to a key this office does not hold (an old key, or another install).
    NotOurKey,
    /// The bundle header's signature does not verify with the sender's key.
    BadSignature {
        sender: OfficeId,
    },
    /// A range's signed head does not verify with its origin's key: altered or forged.
    BadRangeSignature {
        origin: OfficeId,
        device: DeviceId,
    },
    UnknownOrigin {
        origin: OfficeId,
    },
    RevokedOrigin {
        origin: OfficeId,
    },
    OriginEpoch {
        origin: OfficeId,
        found: u32,
        trusted: u32,
    },
    /// A chain this office may not hold (another county's people, say).
    NotVisible {
        origin: OfficeId,
        device: DeviceId,
    },
    /// An op touches a record its origin does not own.
    Unauthorised {
        record: String,
        origin: OfficeId,
    },
    /// A device's chain claimed by another office than the one it belongs to.
    WrongOffice {
        device: DeviceId,
        expected: OfficeId,
        found: OfficeId,
    },
    /// Signed with a generation of the office's key after the office rotated away from it.
    StaleKey {
        origin: OfficeId,
        epoch: u32,
        at_ms: u64,
    },
    /// Sent with keys this office replaced with others after a phone call.
    ReplacedSender {
        sender: OfficeId,
        at_ms: u64,
    },
    /// Signed with keys an office above named in its roster, which this office has not
    /// confirmed: it trusts other keys for the origin.
    KeysNotConfirmed {
        origin: OfficeId,
        via: OfficeId,
    },
    /// A chain on a device whose id carries another office's tag.
    DeviceOf {
        device: DeviceId,
        owner: OfficeId,
        found: OfficeId,
    },
    /// The per-link sequence number was already used by another bundle from the sender.
    Replay {
        sender: OfficeId,
        link_seq: u64,
        other: String,
    },
    /// A range that follows ops this office does not have yet, too long to hold until they come
    /// beside those held already.
    TooLongToHold {
        origin: OfficeId,
        device: DeviceId,
        ops: u64,
        held: u64,
        max: u64,
    },
    /// A second history of a chain, too long to keep aside as evidence.
    ForkTooLong {
        origin: OfficeId,
        device: DeviceId,
        at: u64,
        ops: u64,
        held: u64,
        max: u64,
    },
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |office: &str| format!("{}({office})", unit_name(office));
        let dev = |d: &DeviceId| super::device_label(*d);
        let text = match self {
            Self::NotABundle => tf("sync.reject.not_a_bundle", &[]),
            Self::Mangled => tf("sync.reject.mangled", &[]),
            Self::NewerFormat { found, supported } => tf(
                "sync.reject.newer",
                &[("found", found), ("supported", supported)],
            ),
            Self::Truncated => tf("sync.reject.truncated", &[]),
            Self::TrailingGarbage { extra } => tf("sync.reject.trailing", &[("extra", extra)]),
            Self::Corrupted { what } => tf("sync.reject.corrupted", &[("what", what)]),
            Self::TooLarge { limit } => tf("sync.reject.too_large", &[("limit", limit)]),
            Self::NotForUs { recipient, us } => tf(
                "sync.reject.not_for_us",
                &[("recipient", &name(recipient)), ("us", &name(us))],
            ),
            Self::UnknownSender { sender } => {
                tf("sync.reject.unknown_sender", &[("sender", &name(sender))])
            }
            Self::RevokedSender { sender } => {
                tf("sync.reject.revoked_sender", &[("sender", &name(sender))])
            }
            Self::SenderEpoch {
                sender,
                found,
                trusted,
            } => tf(
                "sync.reject.sender_epoch",
                &[
                    ("sender", &name(sender)),
                    ("found", found),
                    ("trusted", trusted),
                ],
            ),
            Self::NotOurKey => tf("sync.reject.not_our_key", &[]),
            Self::BadSignature { sender } => {
                tf("sync.reject.bad_signature", &[("sender", &name(sender))])
            }
            Self::BadRangeSignature { origin, device } => tf(
                "sync.reject.bad_range_signature",
                &[("origin", &name(origin)), ("device", &dev(device))],
            ),
            Self::UnknownOrigin { origin } => {
                tf("sync.reject.unknown_origin", &[("origin", &name(origin))])
            }
            Self::RevokedOrigin { origin } => {
                tf("sync.reject.revoked_origin", &[("origin", &name(origin))])
            }
            Self::OriginEpoch {
                origin,
                found,
                trusted,
            } => tf(
                "sync.reject.origin_epoch",
                &[
                    ("origin", &name(origin)),
                    ("found", found),
                    ("trusted", trusted),
                ],
            ),
            Self::NotVisible { origin, device } => tf(
                "sync.reject.not_visible",
                &[("origin", &name(origin)), ("device", &dev(device))],
            ),
            Self::Unauthorised { record, origin } => tf(
                "sync.reject.unauthorised",
                &[
                    ("record", &crate::log::records::describe(record)),
                    ("origin", &name(origin)),
                ],
            ),
            Self::StaleKey {
                origin,
                epoch,
                at_ms,
            } => tf(
                "sync.reject.stale_key",
                &[
                    ("origin", &name(origin)),
                    ("epoch", epoch),
                    ("at", &super::summary::when(*at_ms)),
                ],
            ),
            Self::ReplacedSender { sender, at_ms } => tf(
                "sync.reject.replaced_sender",
                &[
                    ("sender", &name(sender)),
                    ("at", &super::summary::when(*at_ms)),
                ],
            ),
            Self::KeysNotConfirmed { origin, via } => tf(
                "sync.reject.keys_not_confirmed",
                &[("origin", &name(origin)), ("via", &name(via))],
            ),
            Self::DeviceOf {
                device,
                owner,
                found,
            } => tf(
                "sync.reject.device_of",
                &[
                    ("device", &dev(device)),
                    ("owner", &name(owner)),
                    ("found", &name(found)),
                ],
            ),
            Self::WrongOffice {
                device,
                expected,
                found,
            } => tf(
                "sync.reject.wrong_office",
                &[
                    ("device", &dev(device)),
                    ("expected", &name(expected)),
                    ("found", &name(found)),
                ],
            ),
            Self::Replay {
                sender,
                link_seq,
                other,
            } => tf(
                "sync.reject.replay",
                &[
                    ("sender", &name(sender)),
                    ("seq", link_seq),
                    ("other", other),
                ],
            ),
            Self::TooLongToHold {
                origin,
                device,
                ops,
                held,
                max,
            } => tf(
                "sync.reject.too_long_to_hold",
                &[
                    ("mb", &(crate::sync::ledger::MAX_HELD_BYTES >> 20)),
                    ("origin", &name(origin)),
                    ("device", &dev(device)),
                    ("ops", ops),
                    ("held", held),
                    ("max", max),
                ],
            ),
            Self::ForkTooLong {
                origin,
                device,
                at,
                ops,
                held,
                max,
            } => tf(
                "sync.reject.fork_too_long",
                &[
                    ("mb", &(crate::sync::ledger::MAX_HELD_BYTES >> 20)),
                    ("origin", &name(origin)),
                    ("device", &dev(device)),
                    ("at", at),
                    ("ops", ops),
                    ("held", held),
                    ("max", max),
                ],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Rejection {}

impl Rejection {
    /// A stable name for `--json` output and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotABundle => "not-a-bundle",
            Self::Mangled => "mangled",
            Self::NewerFormat { .. } => "newer-format",
            Self::Truncated => "truncated",
            Self::TrailingGarbage { .. } => "trailing-garbage",
            Self::Corrupted { .. } => "corrupted",
            Self::TooLarge { .. } => "too-large",
            Self::NotForUs { .. } => "not-for-us",
            Self::UnknownSender { .. } => "unknown-sender",
            Self::RevokedSender { .. } => "revoked-sender",
            Self::SenderEpoch { .. } => "sender-epoch",
            Self::NotOurKey => "not-our-key",
            Self::BadSignature { .. } => "bad-signature",
            Self::BadRangeSignature { .. } => "bad-range-signature",
            Self::UnknownOrigin { .. } => "unknown-origin",
            Self::RevokedOrigin { .. } => "revoked-origin",
            Self::OriginEpoch { .. } => "origin-epoch",
            Self::NotVisible { .. } => "not-visible",
            Self::Unauthorised { .. } => "unauthorised",
            Self::WrongOffice { .. } => "wrong-office",
            Self::DeviceOf { .. } => "device-of",
            Self::StaleKey { .. } => "stale-key",
            Self::KeysNotConfirmed { .. } => "keys-not-confirmed",
            Self::ReplacedSender { .. } => "replaced-sender",
            Self::Replay { .. } => "replay",
            Self::TooLongToHold { .. } => "too-long-to-hold",
            Self::ForkTooLong { .. } => "fork-too-long",
        }
    }

    pub(crate) fn corrupted(what: &str) -> Rejection {
        Rejection::Corrupted {
            what: crate::i18n::t(&format!("sync.part.{what}")),
        }
    }
}
