//! Reading a bundle in bounded memory, whatever its file claims (docs/bundle-format.md §1-§4a).
//!
//! The file is read as a stream: the frame, then the age body decrypted as it is read, the
//! signed header, then the compressed payload copied aside (in memory while small, on disk
//! beyond that) while it is hashed. Only a payload whose hash the sender signed is
//! decompressed, again as a stream, and every count and length in it is held against the signed
//! header and the caps before anything is allocated for it; each op is decoded and linked to the
//! one before as it arrives, so a payload that is going to be refused is refused at its first
//! bad op. Evidence files go to spooled files, never whole into memory.

use std::io::{BufReader, Read, Seek, Write};
use std::path::Path;

use color_eyre::eyre::eyre;

use ed25519_dalek::VerifyingKey;

use super::bundle::{
    FileEntry, Header, RangeHeader, Routing, HEADER_DOMAIN, MAGIC, MAX_FILE, MAX_HEADER, MAX_OP,
    MAX_PAYLOAD, MAX_ROUTING, VERSION, VERSION_OPS,
};
use super::identity::verify;
use super::op_spool::{OpSlice, OpSpoolWriter};
use super::{Fault, Rejection};
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::{Hash, Hlc, Op};

/// A payload or a file past this size moves from memory to a temporary file.
const SPOOL_IN_MEMORY: usize = 8 << 20;
/// The largest zstd window a payload may need (8 MiB); the exporter's level uses 2 MiB.
const WINDOW_LOG_MAX: u32 = 23;

/// The plaintext frame of a bundle: its routing header and where the body is.
#[derive(Debug)]
pub struct Frame {
    pub routing: Routing,
    pub version: u16,
    /// Magic, version, length and routing header: what the signed header hashes.
    prefix: Vec<u8>,
    pub body_len: u64,
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

/// Reads up to `n` bytes; fewer only at the end of the input.
fn read_up_to(reader: &mut impl Read, n: usize) -> Result<Vec<u8>, Rejection> {
    let mut out = Vec::with_capacity(n);
    reader
        .take(n as u64)
        .read_to_end(&mut out)
        .map_err(|_| Rejection::corrupted("body"))?;
    Ok(out)
}

fn read_exact(reader: &mut impl Read, n: usize, what: &str) -> Result<Vec<u8>, Rejection> {
    let bytes = read_up_to(reader, n)?;
    if bytes.len() < n {
        return Err(Rejection::corrupted(what));
    }
    Ok(bytes)
}

/// Reads the frame of a file of `total` bytes, leaving `reader` at the start of the body, which
/// must end exactly at the end of the file.
pub fn read_frame(reader: &mut impl Read, total: u64) -> Result<Frame, Rejection> {
    let magic = read_up_to(reader, MAGIC.len())?;
    if magic.len() < MAGIC.len() || magic[..] != MAGIC {
        let mut seen = magic.clone();
        seen.extend(read_up_to(reader, 8)?);
        return Err(if magic.len() < MAGIC.len() && MAGIC.starts_with(&magic) {
            Rejection::Truncated
        } else if mangled(&seen) {
            Rejection::Mangled
        } else {
            Rejection::NotABundle
        });
    }
    let fixed = read_up_to(reader, 4)?;
    let [v0, v1, l0, l1] = fixed[..] else {
        return Err(Rejection::Truncated);
    };
    let version = u16::from_be_bytes([v0, v1]);
    // Versions count up one at a time: a number past any this program could meet is damage.
    if version > u16::from(u8::MAX) {
        return Err(Rejection::corrupted("version"));
    }
    if version > VERSION {
        return Err(Rejection::NewerFormat {
            found: version,
            supported: VERSION,
        });
    }
    if version == 0 {
        return Err(Rejection::corrupted("version"));
    }
    let routing_len = usize::from(u16::from_be_bytes([l0, l1]));
    if routing_len > MAX_ROUTING {
        return Err(Rejection::corrupted("routing"));
    }
    let routing_bytes = read_up_to(reader, routing_len)?;
    if routing_bytes.len() < routing_len {
        return Err(Rejection::Truncated);
    }
    let routing = Routing::decode(&routing_bytes).ok_or_else(|| Rejection::corrupted("routing"))?;
    let len_bytes = read_up_to(reader, 8)?;
    let len_bytes: [u8; 8] = len_bytes[..].try_into().map_err(|_| Rejection::Truncated)?;
    let body_len = u64::from_be_bytes(len_bytes);
    let mut prefix = magic;
    prefix.extend_from_slice(&fixed);
    prefix.extend_from_slice(&routing_bytes);
    let rest = total.saturating_sub(prefix.len() as u64 + 8);
    // Too large only when the file is: a length past the cap in a small file is a damaged one.
    if body_len > MAX_FILE && rest > MAX_FILE {
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
    Ok(Frame {
        routing,
        version,
        prefix,
        body_len,
    })
}

/// The frame of a bundle held in memory.
pub fn parse_outer(bytes: &[u8]) -> Result<Frame, Rejection> {
    read_frame(&mut &bytes[..], bytes.len() as u64)
}

/// The frame and the decrypted header of a bundle held in memory.
pub fn open_bytes<'a>(
    bytes: &'a [u8],
    identity: &age::x25519::Identity,
) -> Result<(Frame, Opened<'a>), Rejection> {
    let mut input = bytes;
    let frame = read_frame(&mut input, bytes.len() as u64)?;
    let opened = decrypt(&frame, input, identity)?;
    Ok((frame, opened))
}

/// A decrypted bundle whose header has not been checked yet; the payload is still unread.
pub struct Opened<'a> {
    pub header: Header,
    /// The evidence files a version 2 bundle carries (none in version 1).
    pub files: Vec<FileEntry>,
    header_bytes: Vec<u8>,
    signature: Vec<u8>,
    payload: Box<dyn Read + 'a>,
}

/// Decrypts the body that `body` reads (right after the frame) with this office's age identity,
/// up to the payload.
pub fn decrypt<'a>(
    frame: &Frame,
    body: impl Read + 'a,
    identity: &age::x25519::Identity,
) -> Result<Opened<'a>, Rejection> {
    let body = BufReader::new(body.take(frame.body_len));
    let decryptor = age::Decryptor::new(body).map_err(|_| Rejection::corrupted("encryption"))?;
    let mut inner = decryptor
        .decrypt(std::iter::once(identity as &dyn age::Identity))
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => Rejection::NotOurKey,
            _ => Rejection::corrupted("encryption"),
        })?;
    let len = read_exact(&mut inner, 4, "body")?;
    let header_len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]);
    let header_len = usize::try_from(header_len).unwrap_or(usize::MAX);
    if header_len > MAX_HEADER {
        return Err(Rejection::corrupted("header"));
    }
    let header_bytes = read_exact(&mut inner, header_len, "header")?;
    let signature = read_exact(&mut inner, 64, "header")?;
    let decoded = if frame.version == VERSION_OPS {
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
        payload: Box::new(inner),
    })
}

/// The ops of one range as they arrived: each checked to decode and linked to the one before,
/// kept in the bundle's spool (its exact bytes, hash and stamp) with the little the checks after
/// it need. Neither decoded ops nor their bytes are kept in memory: a bundle of 400,000 held
/// 190 MB of decoded ops, then 80 MB of bytes, hashes and stamps, before anything was written.
#[derive(Debug, Clone, Default)]
pub struct RangeOps {
    pub ops: OpSlice,
    /// The hash the first op links back to.
    pub first_prev: Hash,
    /// The first op (by place in the range) whose office is not the head's origin, and its office.
    pub other_office: Option<(usize, OfficeId)>,
    /// The first op (by place) whose stamp is not after the one before it.
    pub clock_back: Option<usize>,
    /// The latest wall-clock time of any op's stamp.
    pub latest_wall_ms: u64,
    /// Why the range's ops do not hold together (altered, forged, or badly written): the rest
    /// of it was read past, not kept, so the bundle's other ranges can still be judged.
    pub broken: Option<Rejection>,
}

/// An evidence file the bundle carried, checked against its signed size and hash.
pub struct IncomingFile {
    pub hash: Hash,
    pub data: tempfile::SpooledTempFile,
}

impl IncomingFile {
    /// The file's bytes, for tests and small uses.
    pub fn read_all(&mut self) -> std::io::Result<Vec<u8>> {
        self.data.rewind()?;
        let mut out = Vec::new();
        self.data.read_to_end(&mut out)?;
        Ok(out)
    }
}

impl Opened<'_> {
    /// Whether the header sealed inside was written for another routing header than the file's:
    /// the plaintext part was changed on the way.
    pub fn routing_changed(&self, frame: &Frame) -> bool {
        self.header.routing_hash != *blake3::hash(&frame.prefix).as_bytes()
    }

    /// The sender's signature, then that the header agrees with the routing header.
    pub fn verify(&self, frame: &Frame, sender_key: &VerifyingKey) -> Result<(), Rejection> {
        if !verify(
            sender_key,
            HEADER_DOMAIN,
            &self.header_bytes,
            &self.signature,
        ) {
            return Err(Rejection::BadSignature {
                sender: frame.routing.sender.clone(),
            });
        }
        let h = &self.header;
        let r = &frame.routing;
        let agrees = h.sender == r.sender
            && h.sender_epoch == r.sender_epoch
            && h.recipient == r.recipient
            && h.recipient_epoch == r.recipient_epoch
            && h.bundle_id == r.bundle_id
            && !self.routing_changed(frame);
        if !agrees {
            return Err(Rejection::corrupted("routing"));
        }
        Ok(())
    }

    /// The ops of each range and the evidence files. Call only after `verify`. The payload is
    /// set aside while it is hashed and decompressed only when its hash is the signed one, and
    /// never read past its signed size. The ops go to a spool in `scratch` (the store's folder).
    pub fn contents(
        self,
        scratch: &Path,
    ) -> Result<(Vec<RangeOps>, Vec<IncomingFile>), Fault<Rejection>> {
        let header = self.header;
        let entries = self.files;
        if header.payload_len > MAX_PAYLOAD {
            return Err(Fault::Refused(Rejection::TooLarge { limit: MAX_PAYLOAD }));
        }
        let mut spool = tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY);
        let mut hasher = blake3::Hasher::new();
        let mut payload = self.payload;
        let mut buffer = vec![0u8; 64 << 10];
        loop {
            let n = payload
                .read(&mut buffer)
                .map_err(|_| Rejection::corrupted("body"))?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
            spool
                .write_all(&buffer[..n])
                .map_err(|_| Rejection::corrupted("body"))?;
        }
        if *hasher.finalize().as_bytes() != header.payload_hash {
            return Err(Fault::Refused(Rejection::corrupted("payload")));
        }
        spool.rewind().map_err(|_| Rejection::corrupted("body"))?;
        let mut decoder =
            zstd::stream::read::Decoder::new(spool).map_err(|_| Rejection::corrupted("payload"))?;
        // A frame may ask for a window of up to 2 GiB; bundles are written with 2 MiB.
        decoder
            .window_log_max(WINDOW_LOG_MAX)
            .map_err(|_| Rejection::corrupted("payload"))?;
        let mut reader = Counted {
            inner: decoder.take(header.payload_len + 1),
            left: header.payload_len,
        };
        // A full disk, most likely; the store is not touched yet.
        let spool_failed = |error: std::io::Error| {
            Fault::Failed(
                eyre!(error).wrap_err(tf("cli.store.write_failed", &[("dir", &scratch.display())])),
            )
        };
        let mut spool = OpSpoolWriter::new_in(scratch).map_err(spool_failed)?;
        let (places, files) = read_payload(
            &mut reader,
            &header.ranges,
            &entries,
            (&mut spool, &spool_failed),
        )?;
        if reader.left != 0 || reader.inner.read(&mut [0u8; 1]).map_or(true, |n| n != 0) {
            return Err(Fault::Refused(Rejection::corrupted("payload")));
        }
        let spool = spool.finish().map_err(spool_failed)?;
        let ranges = places
            .into_iter()
            .map(|(mut ops, first, len)| {
                ops.ops = OpSlice::of(&spool, first, len);
                ops
            })
            .collect();
        Ok((ranges, files))
    }
}

/// A reader that counts what is left of the signed payload length and refuses to go past it.
struct Counted<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Counted<R> {
    fn bytes(&mut self, n: u64) -> Result<Vec<u8>, Rejection> {
        if n > self.left {
            return Err(Rejection::corrupted("payload"));
        }
        self.left -= n;
        let n = usize::try_from(n).map_err(|_| Rejection::corrupted("payload"))?;
        let mut out = vec![0u8; n];
        self.inner
            .read_exact(&mut out)
            .map_err(|_| Rejection::corrupted("payload"))?;
        Ok(out)
    }

    /// A postcard varint (LEB128), as lengths are written.
    fn varint(&mut self) -> Result<u64, Rejection> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.bytes(1)?[0];
            value |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Rejection::corrupted("payload"))
    }

    /// A count that must equal what the signed header says.
    fn count(&mut self, expected: u64) -> Result<(), Rejection> {
        if self.varint()? == expected {
            Ok(())
        } else {
            Err(Rejection::corrupted("payload"))
        }
    }

    /// Copies `n` bytes into `out`, hashing them, without holding them all at once.
    fn copy(&mut self, mut n: u64, out: &mut impl Write) -> Result<Hash, Rejection> {
        let mut hasher = blake3::Hasher::new();
        let mut buffer = vec![0u8; 64 << 10];
        while n > 0 {
            let chunk = n.min(buffer.len() as u64);
            let piece = &mut buffer[..chunk as usize];
            if chunk > self.left {
                return Err(Rejection::corrupted("files"));
            }
            self.left -= chunk;
            self.inner
                .read_exact(piece)
                .map_err(|_| Rejection::corrupted("files"))?;
            hasher.update(piece);
            out.write_all(piece)
                .map_err(|_| Rejection::corrupted("files"))?;
            n -= chunk;
        }
        Ok(*hasher.finalize().as_bytes())
    }
}

/// `postcard(Vec<Vec<Vec<u8>>>)`, in version 2 followed by `Vec<Vec<u8>>` of files, read against
/// the signed ranges and file entries.
fn read_payload<R: Read>(
    reader: &mut Counted<R>,
    ranges: &[RangeHeader],
    entries: &[FileEntry],
    (spool, spool_failed): Spool<'_>,
) -> Result<(Vec<Placed>, Vec<IncomingFile>), Fault<Rejection>> {
    reader.count(ranges.len() as u64)?;
    let mut out = Vec::with_capacity(ranges.len());
    for range in ranges {
        out.push(read_range(reader, range, (&mut *spool, spool_failed))?);
    }
    let mut files = Vec::new();
    if !entries.is_empty() {
        reader.count(entries.len() as u64)?;
        for entry in entries {
            if reader.varint()? != entry.size {
                return Err(Fault::Refused(Rejection::corrupted("files")));
            }
            let mut data = tempfile::SpooledTempFile::new(SPOOL_IN_MEMORY);
            let hash = reader.copy(entry.size, &mut data)?;
            if hash != entry.hash {
                return Err(Fault::Refused(Rejection::corrupted("files")));
            }
            files.push(IncomingFile { hash, data });
        }
    }
    Ok((out, files))
}

/// A range's checks, and the place and count of its ops in the spool.
type Placed = (RangeOps, usize, usize);

/// Where the ops go as they are read, and what a failure to put them there is.
type Spool<'a> = (
    &'a mut OpSpoolWriter,
    &'a dyn Fn(std::io::Error) -> Fault<Rejection>,
);

/// One range's ops: as many as the signed head says, each at most `MAX_OP` bytes, decoded
/// exactly, on the range's device in sequence and linked by hash, each added to the spool.
fn read_range<R: Read>(
    reader: &mut Counted<R>,
    range: &RangeHeader,
    (spool, spool_failed): Spool<'_>,
) -> Result<Placed, Fault<Rejection>> {
    let head = &range.head;
    if range.first == 0 || range.first > head.seq {
        return Err(Fault::Refused(Rejection::corrupted("ranges")));
    }
    let len = range.len();
    reader.count(len)?;
    let first_place = spool.count();
    let mut ops = RangeOps::default();
    let mut kept = 0usize;
    let mut last: Option<(Hash, Hlc)> = None;
    let forged = || Rejection::BadRangeSignature {
        origin: head.origin.clone(),
        device: head.device,
    };
    for i in 0..len {
        let size = reader.varint()?;
        if size > MAX_OP {
            return Err(Fault::Refused(Rejection::TooLarge { limit: MAX_OP }));
        }
        let bytes = reader.bytes(size)?;
        if ops.broken.is_some() {
            continue;
        }
        let hash = Op::hash_of(&bytes);
        let Ok(op) = Op::decode(&bytes) else {
            ops.broken = Some(forged());
            continue;
        };
        let canonical = op.encode().is_ok_and(|b| b == bytes);
        ops.broken = if last.is_some_and(|(prev, _)| op.prev != prev) {
            Some(forged())
        } else if !canonical || op.device != head.device || op.seq != range.first + i {
            Some(Rejection::corrupted("ops"))
        } else {
            None
        };
        if ops.broken.is_some() {
            continue;
        }
        match last {
            None => ops.first_prev = op.prev,
            Some((_, before)) if op.hlc <= before && ops.clock_back.is_none() => {
                ops.clock_back = Some(kept);
            }
            Some(_) => {}
        }
        if ops.other_office.is_none() && op.office != head.origin {
            ops.other_office = Some((kept, op.office));
        }
        ops.latest_wall_ms = ops.latest_wall_ms.max(op.hlc.wall_ms);
        spool.push(&hash, op.hlc, &bytes).map_err(spool_failed)?;
        last = Some((hash, op.hlc));
        kept += 1;
    }
    if ops.broken.is_some() {
        ops.other_office = None;
        ops.clock_back = None;
        ops.latest_wall_ms = 0;
        kept = 0;
    }
    Ok((ops, first_place, kept))
}
