//! The backup file, version 1: a snapshot of every sled tree of a store, encrypted to the
//! office's own age key and signed by its own Ed25519 key, written and read as a stream so a
//! stress-scale store never has to fit in memory.
//!
//! ```text
//! prefix:    magic(8) version(u16) office_len(u8) office epoch(u32) created_ms(u64) device(u64)
//! body:      age (X25519) stream, to the office itself, of zstd(records)
//! signature: 64 bytes, Ed25519 over domain || blake3(prefix || body)
//! records:   1 name_len(u16) name          -- the tree the next entries belong to
//!            2 key_len(u32) key val_len(u32) val
//!            0 entries(u64)                -- the end, with the count of entries before it
//! ```
//!
//! Integers are big-endian. The magic differs from a bundle's in one letter (PXS, snapshot), so
//! `bundle import` refuses a backup as "not a bundle" and `restore` refuses a bundle.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};

use crate::error::{io_reason, user_error};
use crate::i18n::tf;
use crate::sync::identity::{sign, verify};
use crate::sync::Keys;

pub const MAGIC: [u8; 8] = [0x89, b'P', b'X', b'S', b'\r', b'\n', 0x1A, b'\n'];
pub const VERSION: u16 = 1;
const DOMAIN: &[u8] = b"peixun backup v1\0";
const SIGNATURE_LEN: u64 = 64;
/// sled keys are short; values are at most a held range of ops.
const MAX_KEY: u32 = 1 << 16;
const MAX_VALUE: u32 = 1 << 28;
const MAX_NAME: u16 = 1024;

/// The plaintext part: whose backup it is and when it was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prefix {
    pub office: String,
    pub epoch: u32,
    pub created_ms: u64,
    pub device: u64,
}

impl Prefix {
    fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(40 + self.office.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.push(u8::try_from(self.office.len()).wrap_err("office id too long")?);
        out.extend_from_slice(self.office.as_bytes());
        out.extend_from_slice(&self.epoch.to_be_bytes());
        out.extend_from_slice(&self.created_ms.to_be_bytes());
        out.extend_from_slice(&self.device.to_be_bytes());
        Ok(out)
    }

    /// Reads the prefix from the start of `reader`; `None` when it is not a backup of ours.
    fn read(reader: &mut impl Read) -> Result<Option<(Prefix, u64)>, Problem> {
        let mut magic = [0u8; 8];
        read_exact(reader, &mut magic)?;
        if magic != MAGIC {
            return Ok(None);
        }
        let version = u16::from_be_bytes(array(reader)?);
        if version != VERSION {
            return Err(Problem::Version(version));
        }
        let [len] = array(reader)?;
        let mut office = vec![0u8; usize::from(len)];
        read_exact(reader, &mut office)?;
        let office = String::from_utf8(office).map_err(|_| Problem::Damaged)?;
        let epoch = u32::from_be_bytes(array(reader)?);
        let created_ms = u64::from_be_bytes(array(reader)?);
        let device = u64::from_be_bytes(array(reader)?);
        let consumed = 8 + 2 + 1 + u64::from(len) + 4 + 8 + 8;
        Ok(Some((
            Prefix {
                office,
                epoch,
                created_ms,
                device,
            },
            consumed,
        )))
    }
}

/// Why a file could not be read as a backup.
#[derive(Debug, PartialEq, Eq)]
pub enum Problem {
    NotABackup,
    Version(u16),
    Truncated,
    Damaged,
    BadSignature,
    /// The backup's office, the keys' office.
    OtherOffice(String, String),
    Io(std::io::ErrorKind),
}

impl Problem {
    pub fn message(&self, file: &Path) -> String {
        let file = file.display();
        match self {
            Problem::NotABackup => tf("backup.read.not_a_backup", &[("file", &file)]),
            Problem::Version(found) => tf(
                "backup.read.newer",
                &[("file", &file), ("found", found), ("supported", &VERSION)],
            ),
            Problem::Truncated => tf("backup.read.truncated", &[("file", &file)]),
            Problem::Damaged => tf("backup.read.damaged", &[("file", &file)]),
            Problem::BadSignature => tf("backup.read.bad_signature", &[("file", &file)]),
            Problem::OtherOffice(office, keys) => tf(
                "backup.read.other_office",
                &[
                    ("file", &file),
                    ("office", &crate::campaign::unit_name(office)),
                    ("keys", &crate::campaign::unit_name(keys)),
                ],
            ),
            Problem::Io(kind) => tf(
                "backup.read.io",
                &[("file", &file), ("reason", &io_reason(&(*kind).into()))],
            ),
        }
    }
}

fn read_exact(reader: &mut impl Read, buf: &mut [u8]) -> Result<(), Problem> {
    reader.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => Problem::Truncated,
        kind => Problem::Io(kind),
    })
}

fn array<const N: usize>(reader: &mut impl Read) -> Result<[u8; N], Problem> {
    let mut out = [0u8; N];
    read_exact(reader, &mut out)?;
    Ok(out)
}

/// Hashes everything written through it, for the signature at the end.
struct Hashing<W> {
    inner: W,
    hasher: blake3::Hasher,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Writes the records of one snapshot.
pub struct RecordWriter<W: Write> {
    out: W,
    entries: u64,
}

impl<W: Write> RecordWriter<W> {
    pub fn tree(&mut self, name: &[u8]) -> Result<()> {
        let len = u16::try_from(name.len()).wrap_err("tree name too long")?;
        self.out.write_all(&[1])?;
        self.out.write_all(&len.to_be_bytes())?;
        self.out.write_all(name)?;
        Ok(())
    }

    pub fn entry(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.out.write_all(&[2])?;
        self.out
            .write_all(&u32::try_from(key.len())?.to_be_bytes())?;
        self.out.write_all(key)?;
        self.out
            .write_all(&u32::try_from(value.len())?.to_be_bytes())?;
        self.out.write_all(value)?;
        self.entries += 1;
        Ok(())
    }
}

/// Writes a backup to `file` (already created, empty): the prefix, then the records `fill`
/// produces, encrypted and signed. Returns the number of entries.
pub fn write(
    file: &mut File,
    keys: &Keys,
    prefix: &Prefix,
    fill: impl FnOnce(&mut RecordWriter<&mut dyn Write>) -> Result<()>,
) -> Result<u64> {
    let recipient = keys.age_identity().to_public();
    let mut hashing = Hashing {
        inner: BufWriter::new(&mut *file),
        hasher: blake3::Hasher::new(),
    };
    hashing.write_all(&prefix.encode()?)?;
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .wrap_err("encrypting the backup")?;
    let age_writer = encryptor.wrap_output(&mut hashing)?;
    let mut zstd = zstd::stream::Encoder::new(age_writer, 3)?;
    let entries = {
        let mut records = RecordWriter {
            out: &mut zstd as &mut dyn Write,
            entries: 0,
        };
        fill(&mut records)?;
        records.out.write_all(&[0])?;
        records.out.write_all(&records.entries.to_be_bytes())?;
        records.entries
    };
    zstd.finish()?.finish()?;
    let digest = hashing.hasher.finalize();
    let signature = sign(keys.signing_key(), DOMAIN, digest.as_bytes());
    hashing.inner.write_all(&signature)?;
    hashing.inner.flush()?;
    Ok(entries)
}

/// One record read back.
#[derive(Debug, PartialEq, Eq)]
pub enum Record {
    Tree(Vec<u8>),
    Entry(Vec<u8>, Vec<u8>),
}

/// Reads only the plaintext prefix: whose backup, from when. Nothing is decrypted.
pub fn peek(path: &Path) -> Result<Prefix, Problem> {
    let (file, _) = crate::input_file::open(path, u64::MAX).map_err(|_| Problem::NotABackup)?;
    let mut file = BufReader::new(file);
    Prefix::read(&mut file)?
        .map(|(p, _)| p)
        .ok_or(Problem::NotABackup)
}

/// Checks the signature with `keys`, then decrypts and hands every record to `each`, in order.
/// Nothing reaches `each` before the whole file's signature is checked.
pub fn read(
    path: &Path,
    keys: &Keys,
    mut each: impl FnMut(Record) -> Result<()>,
) -> Result<(Prefix, u64)> {
    let fail = |p: Problem| user_error(p.message(path));
    let (mut file, _) =
        crate::input_file::open(path, u64::MAX).map_err(|e| user_error(e.to_string()))?;
    let total = file
        .metadata()
        .map_err(|e| fail(Problem::Io(e.kind())))?
        .len();
    let (prefix, prefix_len) = Prefix::read(&mut BufReader::new(&mut file))
        .map_err(fail)?
        .ok_or_else(|| fail(Problem::NotABackup))?;
    if prefix.office != keys.office() {
        return Err(fail(Problem::OtherOffice(
            prefix.office,
            keys.office().to_string(),
        )));
    }
    if total < prefix_len + SIGNATURE_LEN {
        return Err(fail(Problem::Truncated));
    }
    let signed_len = total - SIGNATURE_LEN;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| fail(Problem::Io(e.kind())))?;
    let mut hasher = blake3::Hasher::new();
    std::io::copy(&mut (&mut file).take(signed_len), &mut hasher)
        .map_err(|e| fail(Problem::Io(e.kind())))?;
    let mut signature = [0u8; 64];
    read_exact(&mut file, &mut signature).map_err(fail)?;
    let key = keys.signing_key().verifying_key();
    if !verify(&key, DOMAIN, hasher.finalize().as_bytes(), &signature) {
        return Err(fail(Problem::BadSignature));
    }
    file.seek(SeekFrom::Start(prefix_len))
        .map_err(|e| fail(Problem::Io(e.kind())))?;
    let body = BufReader::new((&mut file).take(signed_len - prefix_len));
    let decryptor = age::Decryptor::new_buffered(body).map_err(|_| fail(Problem::Damaged))?;
    let plain = decryptor
        .decrypt(std::iter::once(keys.age_identity() as &dyn age::Identity))
        .map_err(|_| fail(Problem::Damaged))?;
    let mut records =
        BufReader::new(zstd::stream::Decoder::new(plain).map_err(|_| fail(Problem::Damaged))?);
    let entries = read_records(&mut records, &mut each).map_err(|e| match e {
        Failure::Problem(p) => fail(p),
        Failure::Caller(report) => report,
    })?;
    Ok((prefix, entries))
}

enum Failure {
    Problem(Problem),
    Caller(color_eyre::Report),
}

impl From<Problem> for Failure {
    fn from(p: Problem) -> Failure {
        Failure::Problem(p)
    }
}

/// Parses records until the end marker; the count there must match, and nothing may follow.
fn read_records(
    reader: &mut impl Read,
    each: &mut impl FnMut(Record) -> Result<()>,
) -> Result<u64, Failure> {
    // A damaged stream reads as garbage: any read failure inside it is damage, not I/O.
    let damaged = |p: Problem| match p {
        Problem::Io(_) => Problem::Damaged,
        other => other,
    };
    let mut entries = 0u64;
    let mut have_tree = false;
    loop {
        let [tag] = array(reader).map_err(damaged)?;
        match tag {
            0 => {
                let count = u64::from_be_bytes(array(reader).map_err(damaged)?);
                let mut rest = [0u8; 1];
                let trailing = reader.read(&mut rest).map_err(|_| Problem::Damaged)?;
                if count != entries || trailing != 0 {
                    return Err(Problem::Damaged.into());
                }
                return Ok(entries);
            }
            1 => {
                let len = u16::from_be_bytes(array(reader).map_err(damaged)?);
                if len > MAX_NAME {
                    return Err(Problem::Damaged.into());
                }
                let mut name = vec![0u8; usize::from(len)];
                read_exact(reader, &mut name).map_err(damaged)?;
                have_tree = true;
                each(Record::Tree(name)).map_err(Failure::Caller)?;
            }
            2 if have_tree => {
                let key = chunk(reader, MAX_KEY).map_err(damaged)?;
                let value = chunk(reader, MAX_VALUE).map_err(damaged)?;
                entries += 1;
                each(Record::Entry(key, value)).map_err(Failure::Caller)?;
            }
            _ => return Err(Problem::Damaged.into()),
        }
    }
}

fn chunk(reader: &mut impl Read, max: u32) -> Result<Vec<u8>, Problem> {
    let len = u32::from_be_bytes(array(reader)?);
    if len > max {
        return Err(Problem::Damaged);
    }
    let mut out = vec![0u8; len as usize];
    read_exact(reader, &mut out)?;
    Ok(out)
}

/// Parses a record stream from plain bytes: what the fuzz target and the property test drive,
/// since the outer layers are age's and ed25519's to defend.
pub fn parse_records(bytes: &[u8]) -> Result<Vec<Record>, Problem> {
    let mut out = Vec::new();
    let mut reader = bytes;
    match read_records(&mut reader, &mut |r| {
        out.push(r);
        Ok(())
    }) {
        Ok(_) => Ok(out),
        Err(Failure::Problem(p)) => Err(p),
        Err(Failure::Caller(_)) => Err(Problem::Damaged),
    }
}

/// A tree's name and its entries, in order.
pub type Tree = (Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>);

/// The plain record stream for `trees`, as `write` would encrypt it (for tests and fuzzing).
pub fn encode_records(trees: &[Tree]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut records = RecordWriter {
        out: &mut out,
        entries: 0,
    };
    for (name, entries) in trees {
        records.tree(name)?;
        for (k, v) in entries {
            records.entry(k, v)?;
        }
    }
    let count = records.entries;
    out.push(0);
    out.extend_from_slice(&count.to_be_bytes());
    Ok(out)
}
