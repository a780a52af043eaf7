//! Values worked out from the whole store, kept in a file beside it under a key of the log's
//! heads and this peixun, and read back while the log has not moved. A read of every record
//! leaves its pages in sled's cache (at ten times the province, about 100 MB that stay), so what
//! a screen needs of the whole store is read once per change of the log, not once per visit.
//!
//! A value is kept only from a read no write overlapped (`Store::quiet`): a bundle's chunks move
//! the state before the heads. The file is whole or not read: a magic line, the key, a blake3
//! of the body, the body (postcard).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::write_journal::{self, Since};
use super::Store;
use crate::i18n::tf;

/// One kind of kept value: its file beside the store, the line it starts with, and how large
/// one can be (a bigger file is not one of ours).
pub struct Kept {
    pub file: &'static str,
    pub magic: &'static [u8],
    pub max_bytes: u64,
}

impl Kept {
    fn path(&self, dir: &Path) -> PathBuf {
        dir.join(self.file)
    }

    /// What a kept value must have been made under: this peixun and schema, what else it
    /// depends on (`extra`: the rules, the office asking), and the log (`Store::heads_digest`:
    /// every op changes it).
    pub fn key(&self, store: &Store, extra: &[u8]) -> Result<[u8; 32]> {
        Ok(self.key_at(extra, &store.heads_digest()?))
    }

    fn key_at(&self, extra: &[u8], log: &[u8; 32]) -> [u8; 32] {
        let mut hash = blake3::Hasher::new();
        hash.update(env!("CARGO_PKG_VERSION").as_bytes());
        hash.update(&super::SCHEMA_VERSION.to_be_bytes());
        hash.update(self.magic);
        hash.update(&(extra.len() as u64).to_be_bytes());
        hash.update(extra);
        hash.update(log);
        *hash.finalize().as_bytes()
    }

    /// The value `input` holds with the log it was made from, when it is a whole one kept
    /// under the key `extra` gives with that log. Decoded as it is read, through its hash,
    /// rather than read whole first: at ten times the province the 企业 tab's rows are 20 MB.
    fn decode<T: DeserializeOwned>(&self, input: impl Read, extra: &[u8]) -> Option<(T, [u8; 32])> {
        let mut input = input.take(self.max_bytes);
        let mut head = vec![0; self.magic.len() + 3 * 32];
        input.read_exact(&mut head).ok()?;
        let rest = head.strip_prefix(self.magic)?;
        let (kept_under, rest) = rest.split_at_checked(32)?;
        let (log, check) = rest.split_at_checked(32)?;
        let log: [u8; 32] = log.try_into().ok()?;
        if kept_under != self.key_at(extra, &log) {
            return None;
        }
        let mut body = std::io::BufReader::new(Hashing {
            input,
            hash: blake3::Hasher::new(),
        });
        let mut buffer = vec![0; READ_BUFFER];
        let (value, _) = postcard::from_io::<T, _>((&mut body, &mut buffer[..])).ok()?;
        // Nothing follows the value, and the body is the one hashed when it was written.
        if body.read(&mut [0; 1]).ok()? != 0 {
            return None;
        }
        let hashed = body.into_inner().hash.finalize();
        (hashed.as_bytes()[..] == *check).then_some((value, log))
    }

    /// Writes `value` kept under `key` from the log `log`, serialising it twice (once for its
    /// hash, once to `out`) rather than holding its bytes: at ten times the province the 企业
    /// tab's rows are 20 MB.
    fn write_to<T: Serialize>(
        &self,
        value: &T,
        key: &[u8; 32],
        log: &[u8; 32],
        out: impl Write,
    ) -> Result<()> {
        let mut hash = blake3::Hasher::new();
        postcard::to_io(value, &mut hash)?;
        let mut out = std::io::BufWriter::new(out);
        out.write_all(self.magic)?;
        out.write_all(key)?;
        out.write_all(log)?;
        out.write_all(hash.finalize().as_bytes())?;
        postcard::to_io(value, &mut out)?;
        out.flush()?;
        Ok(())
    }

    fn open(&self, dir: &Path) -> Option<std::fs::File> {
        crate::file_at::open_regular(&self.path(dir)).ok()
    }

    /// Keeps `value`, read under `key` (made with `extra`) from `mark` on, unless a write came
    /// since. Keeping it only spares the next read: a full disk costs time, not answers.
    pub fn keep<T: Serialize>(
        &self,
        store: &Store,
        extra: &[u8],
        key: &[u8; 32],
        mark: Option<u64>,
        value: &T,
    ) {
        let unwritten = mark.is_some_and(|mark| store.unwritten_since(mark));
        let Ok(log) = store.heads_digest() else {
            return;
        };
        if !unwritten || self.key_at(extra, &log) != *key {
            return;
        }
        let Ok(mut file) = tempfile::NamedTempFile::new_in(store.dir()) else {
            return;
        };
        if self.write_to(value, key, &log, &mut file).is_ok() {
            let _ = file.persist(self.path(store.dir()));
        }
    }

    /// The value kept under the log's present key; else the one kept under an earlier log,
    /// brought up to date by `update` with what the writes since changed (`write_journal`),
    /// when the journal has them all and `update` can (`Some`); else `worked_out`. Kept either
    /// way.
    pub fn get_or_bring_up_to_date<T: Serialize + DeserializeOwned>(
        &self,
        store: &Store,
        extra: &[u8],
        update: impl FnOnce(T, Since) -> Result<Option<T>>,
        worked_out: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let mark = store.quiet();
        let log = store.heads_digest()?;
        let value = match self.kept_now(store, extra, &log, update)? {
            FromFile::AtThisLog(value) => return Ok(value),
            FromFile::BroughtUpToDate(value) => value,
            FromFile::Nothing => worked_out()?,
        };
        self.keep(store, extra, &self.key_at(extra, &log), mark, &value);
        Ok(value)
    }

    /// What the kept file gives for the log `log`, without working anything out.
    fn kept_now<T: DeserializeOwned>(
        &self,
        store: &Store,
        extra: &[u8],
        log: &[u8; 32],
        update: impl FnOnce(T, Since) -> Result<Option<T>>,
    ) -> Result<FromFile<T>> {
        let Some((value, kept_at)) = self
            .open(store.dir())
            .and_then(|file| self.decode::<T>(file, extra))
        else {
            return Ok(FromFile::Nothing);
        };
        if kept_at == *log {
            return Ok(FromFile::AtThisLog(value));
        }
        let Some(since) = write_journal::since(store.dir(), &kept_at, log) else {
            return Ok(FromFile::Nothing);
        };
        Ok(update(value, since)?.map_or(FromFile::Nothing, FromFile::BroughtUpToDate))
    }

    /// Removes the kept value, if any.
    pub fn forget(&self, store: &Store) -> Result<()> {
        super::derived::remove_if_there(&self.path(store.dir()))
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &store.dir().display())]))
    }

    /// Whether the value a read would take from the kept file now (kept under the log's
    /// present key, or under an earlier one and brought up to date by `update`) is the one
    /// `worked_out` gives; a file that gives another is removed, to be worked out again by the
    /// next read.
    pub fn kept_is_current<T: PartialEq + DeserializeOwned>(
        &self,
        store: &Store,
        extra: &[u8],
        update: impl FnOnce(T, Since) -> Result<Option<T>>,
        worked_out: impl FnOnce() -> Result<T>,
    ) -> Result<bool> {
        let log = store.heads_digest()?;
        let kept = match self.kept_now(store, extra, &log, update)? {
            FromFile::AtThisLog(value) | FromFile::BroughtUpToDate(value) => value,
            FromFile::Nothing => return Ok(true),
        };
        if worked_out()? == kept {
            return Ok(true);
        }
        super::derived::remove_if_there(&self.path(store.dir()))
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &store.dir().display())]))?;
        Ok(false)
    }
}

/// The buffer a kept value is read through: its longest string must fit in it (`in_pieces`
/// cuts the long ones), and a string read borrowed (chrono reads dates so) keeps its bytes
/// there to the end (`in_pieces::date_read_owned`). A value that does not fit reads as not
/// kept, and is worked out again.
const READ_BUFFER: usize = 1 << 20;

/// A reader that hashes what it reads.
struct Hashing<R> {
    input: R,
    hash: blake3::Hasher,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.input.read(buf)?;
        self.hash.update(&buf[..read]);
        Ok(read)
    }
}

/// What a kept file gives for the present log.
enum FromFile<T> {
    AtThisLog(T),
    BroughtUpToDate(T),
    Nothing,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEPT: Kept = Kept {
        file: "kept-for-test",
        magic: b"peixun kept test 1\n",
        max_bytes: 1 << 20,
    };

    #[test]
    fn a_value_reads_back_only_under_its_own_key_and_whole() {
        let log = [9; 32];
        let key = KEPT.key_at(b"", &log);
        let value = (vec!["P-1".to_string(), "P-2".to_string()], 3u64);
        let mut bytes = Vec::new();
        KEPT.write_to(&value, &key, &log, &mut bytes).unwrap();
        assert_eq!(KEPT.decode(&bytes[..], b""), Some((value.clone(), log)));
        assert_eq!(
            KEPT.decode::<(Vec<String>, u64)>(&bytes[..], b"420700"),
            None,
            "another office's"
        );
        let mut another_log = Vec::new();
        KEPT.write_to(&value, &key, &[8; 32], &mut another_log)
            .unwrap();
        assert_eq!(
            KEPT.decode::<(Vec<String>, u64)>(&another_log[..], b""),
            None,
            "another log's"
        );
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(
            KEPT.decode::<(Vec<String>, u64)>(&flipped[..], b""),
            None,
            "damaged"
        );
        let cut = &bytes[..bytes.len() - 1];
        assert_eq!(KEPT.decode::<(Vec<String>, u64)>(cut, b""), None, "cut");
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            KEPT.decode::<(Vec<String>, u64)>(&longer[..], b""),
            None,
            "with more after it"
        );
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct InPieces(#[serde(with = "crate::domain::in_pieces")] String);

    /// For values larger than the read buffer.
    const LARGE: Kept = Kept {
        max_bytes: 64 << 20,
        ..KEPT
    };

    /// A value written under `LARGE`'s key with the log `[9; 32]`, and read back.
    fn written_and_read<T: Serialize + DeserializeOwned>(value: &T) -> Option<T> {
        let log = [9; 32];
        let mut bytes = Vec::new();
        LARGE
            .write_to(value, &LARGE.key_at(b"", &log), &log, &mut bytes)
            .unwrap();
        LARGE.decode::<T>(&bytes[..], b"").map(|(value, read_log)| {
            assert_eq!(read_log, log);
            value
        })
    }

    #[test]
    fn a_string_longer_than_the_read_buffer_reads_back_only_in_pieces() {
        let long = "培".repeat(READ_BUFFER / 3 + 1);
        assert_eq!(written_and_read(&long), None);
        let in_pieces = InPieces(long);
        assert_eq!(written_and_read(&in_pieces), Some(in_pieces));
    }

    /// As many rows as ten times the province has enterprises, each with an outreach date.
    #[test]
    fn the_enterprise_rows_read_back_however_many_dates_they_hold() {
        use crate::domain::enterprise_rows::EnterpriseRows;
        use crate::domain::outreach::{Outreach, OutreachStatus};
        let on = chrono::NaiveDate::from_ymd_opt(2023, 4, 9).unwrap();
        let mut rows = EnterpriseRows::default();
        for i in 0..120_000 {
            let e = crate::domain::Enterprise {
                id: format!("E-{i}"),
                office: "420704".into(),
                name: format!("企业{i}"),
                credit_code: None,
                categories: Default::default(),
                unit: "420704".into(),
            };
            let outreach = Outreach {
                status: OutreachStatus::Invited,
                on,
                note: String::new(),
            };
            rows.push(&e, "鄂城区", false, Some(outreach), ["张三 139****0001"])
                .unwrap();
        }
        assert_eq!(written_and_read(&rows), Some(rows));
    }

    proptest! {
        /// Whatever a kept file holds, reading it gives a value or nothing, never a panic.
        #[test]
        fn any_bytes_read_as_a_value_or_nothing(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let key = KEPT.key_at(b"", &[2; 32]);
            let mut bytes = KEPT.magic.to_vec();
            bytes.extend_from_slice(&key);
            bytes.extend_from_slice(&[2; 32]);
            bytes.extend_from_slice(blake3::hash(&body).as_bytes());
            bytes.extend_from_slice(&body);
            let _ = KEPT.decode::<(Vec<String>, u64)>(&bytes[..], b"");
            let _ = KEPT.decode::<(Vec<String>, u64)>(&bytes[..], b"extra");
            let _ = KEPT.decode::<(Vec<String>, u64)>(&body[..], b"");
        }
    }
}
