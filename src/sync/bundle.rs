//! The bundle file format, versions 1 and 2 (documented in `docs/bundle-format.md`).
//!
//! ```text
//! outer:  magic(8) version(u16) routing_len(u16) routing body_len(u64) body      -- nothing after
//! body:   age (X25519) encryption, to the recipient, of the inner bytes:
//! inner:  header_len(u32) header signature(64) payload
//! header: postcard(Header) in version 1, postcard((Header, files)) in version 2; signed by the
//!         sender (Ed25519, verify_strict)
//! payload: zstd(postcard(per range: the ops' exact encodings)), in version 2 followed inside
//!          the same postcard tuple by the evidence files' bytes
//! ```
//!
//! Version 2 is written only when evidence files travel (`--with-files`), so a bundle of ops
//! alone stays readable by every peixun since the first.
//!
//! Integers in the frame are big-endian. Every byte of the file is covered by something that
//! refuses a change: the routing header by its hash inside the signed header, the body by age's
//! authentication, the payload by its hash in the signed header, each range by its origin's
//! signed head.

use color_eyre::eyre::{Result, WrapErr};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::identity::{sign, verify, Keys};
use super::ChainKind;
use crate::domain::OfficeId;
use crate::log::{DeviceId, Hash};

/// PNG-style: a high-bit byte (caught by 7-bit transfers), the name, CR LF (caught by line-ending
/// conversion either way), ^Z (stops `type` on DOS) and LF.
pub const MAGIC: [u8; 8] = [0x89, b'P', b'X', b'B', b'\r', b'\n', 0x1A, b'\n'];
/// The newest version this peixun reads.
pub const VERSION: u16 = 2;
/// Ops only.
pub(super) const VERSION_OPS: u16 = 1;
/// Ops and evidence files.
const VERSION_FILES: u16 = 2;
/// A bundle file bigger than this is refused before anything is read.
pub const MAX_FILE: u64 = 1 << 30;
/// Cap on the decompressed payload, whatever the header claims.
pub const MAX_PAYLOAD: u64 = 1 << 30;
/// Cap on one op's encoding.
pub const MAX_OP: u64 = crate::log::Op::MAX_BYTES;
pub(super) const MAX_HEADER: usize = 16 << 20;
pub(super) const MAX_ROUTING: usize = 1024;
pub(super) const HEADER_DOMAIN: &[u8] = b"peixun bundle header v1\0";
const HEAD_DOMAIN: &[u8] = b"peixun head v1\0";
const ZSTD_LEVEL: i32 = 3;

/// The plaintext routing header: enough to say where a file goes without decrypting it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Routing {
    pub sender: OfficeId,
    pub sender_epoch: u32,
    pub recipient: OfficeId,
    pub recipient_epoch: u32,
    pub bundle_id: [u8; 16],
}

impl Routing {
    fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(64);
        for (office, epoch) in [
            (&self.sender, self.sender_epoch),
            (&self.recipient, self.recipient_epoch),
        ] {
            let len = u8::try_from(office.len()).wrap_err("office id too long")?;
            out.push(len);
            out.extend_from_slice(office.as_bytes());
            out.extend_from_slice(&epoch.to_be_bytes());
        }
        out.extend_from_slice(&self.bundle_id);
        Ok(out)
    }

    pub(super) fn decode(bytes: &[u8]) -> Option<Routing> {
        let mut reader = Cursor(bytes);
        let sender = reader.string()?;
        let sender_epoch = u32::from_be_bytes(reader.array()?);
        let recipient = reader.string()?;
        let recipient_epoch = u32::from_be_bytes(reader.array()?);
        let bundle_id = reader.array()?;
        reader.0.is_empty().then_some(Routing {
            sender,
            sender_epoch,
            recipient,
            recipient_epoch,
            bundle_id,
        })
    }

    /// Magic, version and routing header: the part of the file the signed header hashes.
    fn prefix(&self, version: u16) -> Result<Vec<u8>> {
        let routing = self.encode()?;
        let mut out = Vec::with_capacity(12 + routing.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&version.to_be_bytes());
        let len = u16::try_from(routing.len()).wrap_err("routing header too long")?;
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&routing);
        Ok(out)
    }
}

struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn string(&mut self) -> Option<String> {
        let len = usize::from(self.take(1)?[0]);
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}

/// What one device's chain has reached: "I have your ops up to here".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    pub device: DeviceId,
    pub seq: u64,
    pub hash: Hash,
}

/// A device's chain up to `seq`, whose last op hashes to `hash`, signed by the origin office.
/// The ops are hash-chained, so this one signature covers every op up to `seq`: a relay can pass
/// the chain on, and cannot change or add an op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedHead {
    pub origin: OfficeId,
    pub epoch: u32,
    pub device: DeviceId,
    pub kind: ChainKind,
    pub seq: u64,
    pub hash: Hash,
    pub signature: Vec<u8>,
}

impl SignedHead {
    fn message(
        origin: &str,
        epoch: u32,
        device: DeviceId,
        kind: ChainKind,
        seq: u64,
        hash: &Hash,
    ) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_stdvec(&(origin, epoch, device, kind, seq, hash))
    }

    pub fn sign(
        keys: &Keys,
        device: DeviceId,
        kind: ChainKind,
        seq: u64,
        hash: Hash,
    ) -> Result<SignedHead> {
        let message = Self::message(keys.office(), keys.epoch(), device, kind, seq, &hash)?;
        Ok(SignedHead {
            origin: keys.office().to_string(),
            epoch: keys.epoch(),
            device,
            kind,
            seq,
            hash,
            signature: sign(keys.signing_key(), HEAD_DOMAIN, &message),
        })
    }

    pub fn verify(&self, key: &VerifyingKey) -> bool {
        Self::message(
            &self.origin,
            self.epoch,
            self.device,
            self.kind,
            self.seq,
            &self.hash,
        )
        .is_ok_and(|m| verify(key, HEAD_DOMAIN, &m, &self.signature))
    }
}

/// Ops `first..=head.seq` of `head.device`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeHeader {
    pub first: u64,
    pub head: SignedHead,
}

impl RangeHeader {
    pub fn len(&self) -> u64 {
        (self.head.seq + 1).saturating_sub(self.first)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The signed inner header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub sender: OfficeId,
    pub sender_epoch: u32,
    pub recipient: OfficeId,
    pub recipient_epoch: u32,
    pub bundle_id: [u8; 16],
    /// blake3 of magic, version and routing header, so they cannot be changed either.
    pub routing_hash: Hash,
    /// 1, 2, 3... per (sender, recipient).
    pub link_seq: u64,
    /// The highest link sequence number the sender has taken in from the recipient.
    pub seen_link_seq: u64,
    pub created_ms: u64,
    /// What the sender holds of the chains the recipient may send it.
    pub acks: Vec<Ack>,
    pub ranges: Vec<RangeHeader>,
    pub payload_hash: Hash,
    pub payload_len: u64,
}

/// An evidence file carried by a version 2 bundle: its content hash and size, checked against
/// the bytes before they are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub hash: Hash,
    pub size: u64,
}

/// An evidence file by content hash, with its bytes.
pub type CarriedFile = (Hash, Vec<u8>);

/// What an opened bundle holds: the ops of each range, and the evidence files' bytes.
pub type Contents = (Vec<Vec<Vec<u8>>>, Vec<Vec<u8>>);

/// What goes into a bundle.
#[derive(Debug, Clone)]
pub struct Draft {
    pub routing: Routing,
    pub link_seq: u64,
    pub seen_link_seq: u64,
    pub created_ms: u64,
    pub acks: Vec<Ack>,
    /// Each range with the exact encodings of its ops, in chain order.
    pub ranges: Vec<(RangeHeader, Vec<Vec<u8>>)>,
    /// Evidence files by content hash; none makes a version 1 bundle.
    pub files: Vec<CarriedFile>,
}

/// Encrypts and signs `draft` into the bytes of a bundle file.
pub fn seal(draft: &Draft, keys: &Keys, recipient: &age::x25519::Recipient) -> Result<Vec<u8>> {
    let bodies: Vec<&Vec<Vec<u8>>> = draft.ranges.iter().map(|(_, ops)| ops).collect();
    let contents: Vec<&Vec<u8>> = draft.files.iter().map(|(_, bytes)| bytes).collect();
    let plain = if draft.files.is_empty() {
        postcard::to_stdvec(&bodies)?
    } else {
        postcard::to_stdvec(&(&bodies, &contents))?
    };
    let payload =
        zstd::stream::encode_all(plain.as_slice(), ZSTD_LEVEL).wrap_err("compressing ops")?;
    seal_payload(draft, &payload, plain.len() as u64, keys, recipient)
}

/// Seals `draft`'s routing, acknowledgements, ranges and file entries around a payload already
/// compressed, that says it decompresses to `payload_len` bytes. `seal` is this with the
/// payload made from the draft; a test builds what a dishonest office could send with it.
pub fn seal_payload(
    draft: &Draft,
    payload: &[u8],
    payload_len: u64,
    keys: &Keys,
    recipient: &age::x25519::Recipient,
) -> Result<Vec<u8>> {
    let version = if draft.files.is_empty() {
        VERSION_OPS
    } else {
        VERSION_FILES
    };
    let prefix = draft.routing.prefix(version)?;
    let entries: Vec<FileEntry> = draft
        .files
        .iter()
        .map(|(hash, bytes)| FileEntry {
            hash: *hash,
            size: bytes.len() as u64,
        })
        .collect();
    let header = Header {
        sender: draft.routing.sender.clone(),
        sender_epoch: draft.routing.sender_epoch,
        recipient: draft.routing.recipient.clone(),
        recipient_epoch: draft.routing.recipient_epoch,
        bundle_id: draft.routing.bundle_id,
        routing_hash: *blake3::hash(&prefix).as_bytes(),
        link_seq: draft.link_seq,
        seen_link_seq: draft.seen_link_seq,
        created_ms: draft.created_ms,
        acks: draft.acks.clone(),
        ranges: draft.ranges.iter().map(|(h, _)| h.clone()).collect(),
        payload_hash: *blake3::hash(payload).as_bytes(),
        payload_len,
    };
    let header_bytes = if version == VERSION_OPS {
        postcard::to_stdvec(&header)?
    } else {
        postcard::to_stdvec(&(&header, &entries))?
    };
    let signature = sign(keys.signing_key(), HEADER_DOMAIN, &header_bytes);
    let mut inner = Vec::with_capacity(4 + header_bytes.len() + 64 + payload.len());
    inner.extend_from_slice(&u32::try_from(header_bytes.len())?.to_be_bytes());
    inner.extend_from_slice(&header_bytes);
    inner.extend_from_slice(&signature);
    inner.extend_from_slice(payload);
    let body = age::encrypt(recipient, &inner).wrap_err("encrypting the bundle")?;
    let mut out = prefix;
    out.extend_from_slice(&(body.len() as u64).to_be_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
