//! Offices exchange their change logs as bundle files on USB sticks (docs/bundle-format.md).
//!
//! - `identity`: this office's Ed25519 signing key and age (X25519) encryption key, and the
//!   identity card others pin.
//! - `fingerprint`: the card's fingerprint, in base32 groups with a check character each, to be
//!   read over the phone.
//! - `trust`: the offices whose keys we accept (pinned by fingerprint or introduced by a signed
//!   roster of a higher office), and revocation.
//! - `rotation`: the next generation of an office's keys, endorsed by the one before.
//! - `visibility`: which device chains an office may receive.
//! - `bundle`: the file format (outer frame, signed inner header, compressed ops).
//! - `export` / `import`: building a bundle for a peer, and taking one in.
//! - `media`: mounted removable media to offer for bundles.
//! - `summary`: importing files and the lines that say what happened.
//! - `status`: how current this store is about another office, in words.
//!
//! - `attention`: what about the links needs a person (refused ops, forks, stalled links).
//!
//! The format is documented in `docs/bundle-format.md`.

pub mod attention;
pub mod bundle;
pub mod export;
mod fault;
pub mod fingerprint;
pub mod identity;
pub mod import;
pub mod incoming;
pub mod key_history;
pub mod ledger;
pub mod media;
pub mod op_spool;
mod rejection;
pub mod rotation;
pub mod signers;
pub mod status;
pub mod summary;
pub mod tallies;
pub mod trust;
pub mod visibility;

pub use bundle::{RangeHeader, SignedHead};
pub use fault::Fault;
pub use identity::{Card, Keys, Role};
pub use rejection::Rejection;
pub use visibility::ChainKind;

/// Milliseconds since the epoch, for "imported at" records.
pub(crate) fn now_ms() -> u64 {
    crate::log::hlc::now_ms()
}

/// Lower-case hex, for ids and keys in files and messages.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses lower- or upper-case hex of exactly `N` bytes.
pub fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.trim();
    if text.len() != N * 2 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).ok()?;
    }
    Some(out)
}

pub use crate::log::device::device_label;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips() {
        let bytes = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex(&bytes), "0001abff");
        assert_eq!(unhex::<4>("0001ABFF"), Some(bytes));
        assert_eq!(unhex::<4>("0001abf"), None);
        assert_eq!(unhex::<2>("zz00"), None);
    }
}
