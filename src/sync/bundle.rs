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

use std::io::Read;

use color_eyre::eyre::{Result, WrapErr};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::identity::{sign, verify, Keys};
use super::{ChainKind, Rejection};
use crate::domain::OfficeId;
use crate::log::{DeviceId, Hash};

/// PNG-style: a high-bit byte (caught by 7-bit transfers), the name, CR LF (caught by line-ending
/// conversion either way), ^Z (stops `type` on DOS) and LF.
pub const MAGIC: [u8; 8] = [0x89, b'P', b'X', b'B', b'\r', b'\n', 0x1A, b'\n'];
/// The newest version this peixun reads.
pub const VERSION: u16 = 2;
/// Ops only.
const VERSION_OPS: u16 = 1;
/// Ops and evidence files.
const VERSION_FILES: u16 = 2;
/// A bundle file bigger than this is refused before anything is read into memory.
pub const MAX_FILE: u64 = 1 << 30;
/// Cap on the decompressed payload, whatever the header claims.
pub const MAX_PAYLOAD: u64 = 1 << 30;
const MAX_HEADER: usize = 16 << 20;
const MAX_ROUTING: usize = 1024;
const HEADER_DOMAIN: &[u8] = b"peixun bundle header v1\0";
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

    fn decode(bytes: &[u8]) -> Option<Routing> {
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
    let version = if draft.files.is_empty() {
        VERSION_OPS
    } else {
        VERSION_FILES
    };
    let prefix = draft.routing.prefix(version)?;
    let bodies: Vec<&Vec<Vec<u8>>> = draft.ranges.iter().map(|(_, ops)| ops).collect();
    let contents: Vec<&Vec<u8>> = draft.files.iter().map(|(_, bytes)| bytes).collect();
    let entries: Vec<FileEntry> = draft
        .files
        .iter()
        .map(|(hash, bytes)| FileEntry {
            hash: *hash,
            size: bytes.len() as u64,
        })
        .collect();
    let plain = if version == VERSION_OPS {
        postcard::to_stdvec(&bodies)?
    } else {
        postcard::to_stdvec(&(&bodies, &contents))?
    };
    let payload =
        zstd::stream::encode_all(plain.as_slice(), ZSTD_LEVEL).wrap_err("compressing ops")?;
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
        payload_hash: *blake3::hash(&payload).as_bytes(),
        payload_len: plain.len() as u64,
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
    inner.extend_from_slice(&payload);
    let body = age::encrypt(recipient, &inner).wrap_err("encrypting the bundle")?;
    let mut out = prefix;
    out.extend_from_slice(&(body.len() as u64).to_be_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// The plaintext parts of a bundle file.
#[derive(Debug)]
pub struct Outer<'a> {
    pub routing: Routing,
    pub version: u16,
    prefix: &'a [u8],
    body: &'a [u8],
}

fn mangled(bytes: &[u8]) -> bool {
    let name = &MAGIC[1..4];
    let after = |skip: usize| bytes.get(skip..skip + 3) == Some(name);
    // 0x89 kept but line endings converted; high bit stripped; re-encoded as UTF-8 from
    // Latin-1 or with a replacement character.
    (bytes.first() == Some(&0x89) && after(1))
        || (bytes.first() == Some(&0x09) && after(1))
        || (bytes.starts_with(&[0xC2, 0x89]) && after(2))
        || (bytes.starts_with(&[0xEF, 0xBF, 0xBD]) && after(3))
}

/// Reads the frame: magic, version, routing header, and a body that ends exactly at the end of
/// the file.
pub fn parse_outer(bytes: &[u8]) -> Result<Outer<'_>, Rejection> {
    if bytes.len() < MAGIC.len() {
        return Err(if MAGIC.starts_with(bytes) {
            Rejection::Truncated
        } else if mangled(bytes) {
            Rejection::Mangled
        } else {
            Rejection::NotABundle
        });
    }
    if bytes[..MAGIC.len()] != MAGIC {
        return Err(if mangled(bytes) {
            Rejection::Mangled
        } else {
            Rejection::NotABundle
        });
    }
    let mut cursor = Cursor(&bytes[MAGIC.len()..]);
    let version = u16::from_be_bytes(cursor.array().ok_or(Rejection::Truncated)?);
    if version > VERSION {
        return Err(Rejection::NewerFormat {
            found: version,
            supported: VERSION,
        });
    }
    if version == 0 {
        return Err(Rejection::corrupted("version"));
    }
    let routing_len = usize::from(u16::from_be_bytes(
        cursor.array().ok_or(Rejection::Truncated)?,
    ));
    if routing_len > MAX_ROUTING {
        return Err(Rejection::corrupted("routing"));
    }
    let routing = cursor.take(routing_len).ok_or(Rejection::Truncated)?;
    let routing = Routing::decode(routing).ok_or_else(|| Rejection::corrupted("routing"))?;
    let prefix_len = MAGIC.len() + 4 + routing_len;
    let body_len = u64::from_be_bytes(cursor.array().ok_or(Rejection::Truncated)?);
    let rest = cursor.0.len() as u64;
    if body_len > MAX_FILE {
        return Err(Rejection::TooLarge { limit: MAX_FILE });
    }
    if body_len > rest {
        return Err(Rejection::Truncated);
    }
    if body_len < rest {
        return Err(Rejection::TrailingGarbage {
            extra: rest - body_len,
        });
    }
    Ok(Outer {
        routing,
        version,
        prefix: &bytes[..prefix_len],
        body: cursor.0,
    })
}

/// A decrypted bundle whose header has not been checked yet.
#[derive(Debug)]
pub struct Opened {
    pub header: Header,
    /// The evidence files a version 2 bundle carries (none in version 1).
    pub files: Vec<FileEntry>,
    header_bytes: Vec<u8>,
    signature: Vec<u8>,
    payload: Vec<u8>,
}

/// Decrypts the body with this office's age identity and splits the inner bytes.
pub fn decrypt(outer: &Outer<'_>, identity: &age::x25519::Identity) -> Result<Opened, Rejection> {
    let decryptor =
        age::Decryptor::new(outer.body).map_err(|_| Rejection::corrupted("encryption"))?;
    let reader = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => Rejection::NotOurKey,
            _ => Rejection::corrupted("encryption"),
        })?;
    let limit = MAX_PAYLOAD + MAX_HEADER as u64;
    let mut inner = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut inner)
        .map_err(|_| Rejection::corrupted("body"))?;
    if inner.len() as u64 > limit {
        return Err(Rejection::TooLarge { limit });
    }
    let mut cursor = Cursor(&inner);
    let header_len =
        u32::from_be_bytes(cursor.array().ok_or_else(|| Rejection::corrupted("body"))?);
    let header_len = usize::try_from(header_len).unwrap_or(usize::MAX);
    if header_len > MAX_HEADER {
        return Err(Rejection::corrupted("header"));
    }
    let header_bytes = cursor
        .take(header_len)
        .ok_or_else(|| Rejection::corrupted("header"))?
        .to_vec();
    let signature = cursor
        .take(64)
        .ok_or_else(|| Rejection::corrupted("header"))?
        .to_vec();
    let decoded = if outer.version == VERSION_OPS {
        postcard::take_from_bytes::<Header>(&header_bytes).map(|(h, rest)| ((h, Vec::new()), rest))
    } else {
        postcard::take_from_bytes::<(Header, Vec<FileEntry>)>(&header_bytes)
    };
    let (header, files) = match decoded {
        Ok((both, [])) => both,
        _ => return Err(Rejection::corrupted("header")),
    };
    Ok(Opened {
        header,
        files,
        header_bytes,
        signature,
        payload: cursor.0.to_vec(),
    })
}

impl Opened {
    /// The sender's signature, then that the header agrees with the routing header.
    pub fn verify(&self, outer: &Outer<'_>, sender_key: &VerifyingKey) -> Result<(), Rejection> {
        if !verify(
            sender_key,
            HEADER_DOMAIN,
            &self.header_bytes,
            &self.signature,
        ) {
            return Err(Rejection::BadSignature {
                sender: outer.routing.sender.clone(),
            });
        }
        let h = &self.header;
        let r = &outer.routing;
        let agrees = h.sender == r.sender
            && h.sender_epoch == r.sender_epoch
            && h.recipient == r.recipient
            && h.recipient_epoch == r.recipient_epoch
            && h.bundle_id == r.bundle_id
            && h.routing_hash == *blake3::hash(outer.prefix).as_bytes();
        if !agrees {
            return Err(Rejection::corrupted("routing"));
        }
        Ok(())
    }

    /// The ops of each range, as encoded bytes. Call only after `verify`.
    pub fn ranges(&self) -> Result<Vec<Vec<Vec<u8>>>, Rejection> {
        self.contents().map(|(ranges, _)| ranges)
    }

    /// The ops of each range, and the evidence files in the order of `files`, each checked
    /// against its signed hash and size. Call only after `verify`: the payload is checked against
    /// the signed hash before it is decompressed, and never grows past its stated size.
    pub fn contents(&self) -> Result<Contents, Rejection> {
        if *blake3::hash(&self.payload).as_bytes() != self.header.payload_hash {
            return Err(Rejection::corrupted("payload"));
        }
        let len = self.header.payload_len;
        if len > MAX_PAYLOAD {
            return Err(Rejection::TooLarge { limit: MAX_PAYLOAD });
        }
        let decoder = zstd::stream::read::Decoder::new(self.payload.as_slice())
            .map_err(|_| Rejection::corrupted("payload"))?;
        let mut plain = Vec::with_capacity(usize::try_from(len.min(64 << 20)).unwrap_or(0));
        decoder
            .take(len + 1)
            .read_to_end(&mut plain)
            .map_err(|_| Rejection::corrupted("payload"))?;
        if plain.len() as u64 != len {
            return Err(Rejection::corrupted("payload"));
        }
        let decoded = if self.files.is_empty() {
            postcard::take_from_bytes::<Vec<Vec<Vec<u8>>>>(&plain)
                .map(|(ranges, rest)| ((ranges, Vec::new()), rest))
        } else {
            postcard::take_from_bytes::<Contents>(&plain)
        };
        let (ranges, files) = match decoded {
            Ok((both, [])) => both,
            _ => return Err(Rejection::corrupted("payload")),
        };
        if ranges.len() != self.header.ranges.len() || files.len() != self.files.len() {
            return Err(Rejection::corrupted("payload"));
        }
        for (entry, bytes) in self.files.iter().zip(&files) {
            if bytes.len() as u64 != entry.size || *blake3::hash(bytes).as_bytes() != entry.hash {
                return Err(Rejection::corrupted("files"));
            }
        }
        Ok((ranges, files))
    }
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
