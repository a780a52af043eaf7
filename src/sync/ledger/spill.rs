//! The state's writes of an import's fold, kept in a file of its own rather than in memory. A
//! bundle of 400,000 ops writes about 900,000 records, which held in a map were 130 MB at the
//! import's peak; here the file (unnamed, in the store's folder, gone when the import ends or
//! the process dies) keeps the records, in the page cache while it is read back, and a table
//! keeps where each key's last write lies, by a hash of its key (`slot_table`: in memory up to
//! a bound, then in a file too).
//!
//! A record is `key length (u32 LE) | 0 removed, 1 value | value length (u32 LE) | key | value`,
//! then zeros up to a multiple of 8 bytes.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasher, RandomState};
use std::io::{BufReader, Read};
use std::path::Path;

use sled::IVec;

use super::slot_table::SlotTable;

const HEADER: usize = 9;

/// Records start at multiples of this, so that where one starts fits in 32 bits (up to 32 GiB).
const ALIGN: u64 = 8;

/// Bytes gathered before they go to the file, and what one read asks for first: most records
/// are shorter.
const BUFFER: usize = 1 << 20;
const FIRST_READ: usize = 512;

/// A record read back: its key and its value, or its removal.
pub(super) type Record = (Vec<u8>, Option<Vec<u8>>);

pub(super) struct Spill<S = RandomState> {
    file: File,
    /// Bytes after `written` not yet in the file.
    pending: Vec<u8>,
    written: u64,
    /// Hashed with keys of this process's own (a bundle cannot aim its keys at one slot).
    hasher: S,
    /// Where each key's last record begins (in units of `ALIGN`), by 32 bits of the key's hash:
    /// the key itself, read back, tells keys with the same 32 bits apart.
    at: SlotTable,
    /// Keys whose hash another key had first.
    collided: HashMap<Vec<u8>, u64>,
}

impl Spill {
    /// A spill for about `expected_keys` keys.
    pub(super) fn new(dir: &Path, expected_keys: usize) -> std::io::Result<Spill> {
        let table = SlotTable::new(dir, expected_keys);
        Spill::with_hasher(dir, RandomState::new(), table)
    }
}

impl<S: BuildHasher> Spill<S> {
    fn with_hasher(dir: &Path, hasher: S, at: SlotTable) -> std::io::Result<Spill<S>> {
        Ok(Spill {
            file: tempfile::tempfile_in(dir)?,
            pending: Vec::with_capacity(BUFFER),
            written: 0,
            hasher,
            at,
            collided: HashMap::new(),
        })
    }

    /// Records `key`'s last write: a value, or a removal.
    pub(super) fn put(&mut self, key: &[u8], value: Option<&[u8]>) -> std::io::Result<()> {
        let offset = self.written + self.pending.len() as u64;
        // The last slot is left out: the table keeps `slot + 1`.
        let slot = u32::try_from(offset / ALIGN)
            .ok()
            .filter(|&slot| slot < u32::MAX)
            .ok_or_else(|| std::io::Error::other("an import's scratch file past 32 GiB"))?;
        let value_len = value.map_or(0, <[u8]>::len);
        let too_long = || std::io::Error::other("a record longer than 4 GiB");
        self.pending.extend_from_slice(
            &u32::try_from(key.len())
                .map_err(|_| too_long())?
                .to_le_bytes(),
        );
        self.pending.push(u8::from(value.is_some()));
        self.pending.extend_from_slice(
            &u32::try_from(value_len)
                .map_err(|_| too_long())?
                .to_le_bytes(),
        );
        self.pending.extend_from_slice(key);
        self.pending.extend_from_slice(value.unwrap_or_default());
        self.pending
            .resize(self.pending.len().next_multiple_of(ALIGN as usize), 0);
        if let Some(at) = self.collided.get_mut(key) {
            *at = offset;
        } else {
            let hash = self.hasher.hash_one(key) as u32;
            match self.at.get(hash)? {
                None => self.at.insert(hash, slot)?,
                Some(earlier) if self.read(u64::from(earlier) * ALIGN)?.0 == key => {
                    self.at.insert(hash, slot)?;
                }
                Some(_) => {
                    self.collided.insert(key.to_vec(), offset);
                }
            }
        }
        if self.pending.len() >= BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    /// `key`'s last write, or `None` when the import has not written it.
    pub(super) fn get(&self, key: &[u8]) -> std::io::Result<Option<Option<IVec>>> {
        let offset = match self.collided.get(key) {
            Some(&offset) => offset,
            None => match self.at.get(self.hasher.hash_one(key) as u32)? {
                Some(slot) => u64::from(slot) * ALIGN,
                None => return Ok(None),
            },
        };
        let (found, value) = self.read(offset)?;
        Ok((found == key).then(|| value.map(IVec::from)))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        crate::file_at::write_all_at(&self.file, &self.pending, self.written)?;
        self.written += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    fn read(&self, offset: u64) -> std::io::Result<Record> {
        if let Some(at) = offset.checked_sub(self.written) {
            let at = usize::try_from(at).map_err(std::io::Error::other)?;
            return parse(self.pending.get(at..).unwrap_or_default());
        }
        let mut buf = vec![0; FIRST_READ];
        let got = crate::file_at::read_at(&self.file, &mut buf, offset)?;
        buf.truncate(got);
        let (key_len, value_len) = lengths(&buf)?;
        let whole = HEADER + key_len + value_len;
        if buf.len() < whole {
            buf.resize(whole, 0);
            let more = crate::file_at::read_at(&self.file, &mut buf[got..], offset + got as u64)?;
            if got + more < whole {
                return Err(cut_short());
            }
        }
        parse(&buf)
    }

    /// Whether the record of `key` at `offset` is its last write.
    fn is_last(&self, key: &[u8], offset: u64) -> std::io::Result<bool> {
        Ok(match self.collided.get(key) {
            Some(&at) => at == offset,
            None => self
                .at
                .get(self.hasher.hash_one(key) as u32)?
                .is_some_and(|slot| u64::from(slot) * ALIGN == offset),
        })
    }

    /// Every key's last write, in the order written; the file is read once, front to back,
    /// each record kept if the table still points at it.
    pub(super) fn into_writes(
        mut self,
    ) -> std::io::Result<impl Iterator<Item = std::io::Result<Record>>> {
        self.flush()?;
        let mut reader = BufReader::with_capacity(BUFFER, self.file.try_clone()?);
        std::io::Seek::rewind(&mut reader)?;
        let mut offset = 0u64;
        let end = self.written;
        Ok(std::iter::from_fn(move || loop {
            if offset >= end {
                return None;
            }
            let mut header = [0u8; HEADER];
            if let Err(error) = reader.read_exact(&mut header) {
                return Some(Err(error));
            }
            let (key_len, value_len) = match lengths(&header) {
                Ok(lengths) => lengths,
                Err(error) => return Some(Err(error)),
            };
            let whole = (HEADER + key_len + value_len) as u64;
            let padded = whole.next_multiple_of(ALIGN);
            let mut body = vec![0; key_len + value_len + (padded - whole) as usize];
            if let Err(error) = reader.read_exact(&mut body) {
                return Some(Err(error));
            }
            body.truncate(key_len + value_len);
            let here = offset;
            offset += padded;
            match self.is_last(&body[..key_len], here) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(error) => return Some(Err(error)),
            }
            let value = (header[4] == 1).then(|| body.split_off(key_len));
            body.truncate(key_len);
            return Some(Ok((body, value)));
        }))
    }
}

fn cut_short() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "a spilled record cut short",
    )
}

fn lengths(bytes: &[u8]) -> std::io::Result<(usize, usize)> {
    let header = bytes.get(..HEADER).ok_or_else(cut_short)?;
    let number = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
    Ok((number(&header[..4]), number(&header[5..9])))
}

fn parse(bytes: &[u8]) -> std::io::Result<Record> {
    let (key_len, value_len) = lengths(bytes)?;
    let body = bytes
        .get(HEADER..HEADER + key_len + value_len)
        .ok_or_else(cut_short)?;
    let (key, value) = body.split_at(key_len);
    Ok((key.to_vec(), (bytes[4] == 1).then(|| value.to_vec())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        /// Whatever is written, overwritten and removed, in memory or past the buffer, with
        /// the table in memory or moved to a file, reads back as a map of the same writes
        /// would.
        #[test]
        fn reads_back_as_a_map(
            writes in prop::collection::vec(
                (0u16..300, prop::option::of(prop::collection::vec(any::<u8>(), 0..3000))),
                0..600,
            ),
            memory_keys in prop_oneof![Just(usize::MAX), 0usize..100],
        ) {
            let dir = tempfile::tempdir().unwrap();
            let table = SlotTable::holding(dir.path(), memory_keys, 0, 2);
            let mut spill = Spill::with_hasher(dir.path(), RandomState::new(), table).unwrap();
            let mut map: BTreeMap<Vec<u8>, Option<Vec<u8>>> = BTreeMap::new();
            for (key, value) in &writes {
                let key = format!("p/{key}").into_bytes();
                spill.put(&key, value.as_deref()).unwrap();
                map.insert(key, value.clone());
            }
            for key in 0u16..300 {
                let key = format!("p/{key}").into_bytes();
                let got = spill.get(&key).unwrap().map(|v| v.map(|v| v.to_vec()));
                prop_assert_eq!(got, map.get(&key).cloned());
            }
            let mut back: Vec<Record> = spill.into_writes().unwrap().map(Result::unwrap).collect();
            back.sort();
            let expected: Vec<Record> = map.into_iter().collect();
            prop_assert_eq!(back, expected);
        }
    }

    /// Every key hashes the same.
    #[derive(Default)]
    struct OneSlot;

    impl std::hash::Hasher for OneSlot {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    impl BuildHasher for OneSlot {
        type Hasher = OneSlot;
        fn build_hasher(&self) -> OneSlot {
            OneSlot
        }
    }

    /// Keys with one hash are told apart by name, each overwritten in its own place, with the
    /// table in memory or in a file.
    #[test]
    fn keys_sharing_a_hash_are_kept_apart() {
        for memory_keys in [usize::MAX, 0] {
            kept_apart(memory_keys);
        }
    }

    fn kept_apart(memory_keys: usize) {
        let dir = tempfile::tempdir().unwrap();
        let table = SlotTable::holding(dir.path(), memory_keys, 0, 2);
        let mut spill = Spill::with_hasher(dir.path(), OneSlot, table).unwrap();
        for (key, value) in [("a", "1"), ("b", "2"), ("c", "3"), ("b", "4"), ("a", "5")] {
            spill.put(key.as_bytes(), Some(value.as_bytes())).unwrap();
        }
        spill.put(b"c", None).unwrap();
        let got = |spill: &Spill<OneSlot>, key: &[u8]| {
            spill.get(key).unwrap().map(|v| v.map(|v| v.to_vec()))
        };
        assert_eq!(got(&spill, b"a"), Some(Some(b"5".to_vec())));
        assert_eq!(got(&spill, b"b"), Some(Some(b"4".to_vec())));
        assert_eq!(got(&spill, b"c"), Some(None));
        assert_eq!(got(&spill, b"d"), None);
        let mut back: Vec<Record> = spill.into_writes().unwrap().map(Result::unwrap).collect();
        back.sort();
        assert_eq!(
            back,
            [
                (b"a".to_vec(), Some(b"5".to_vec())),
                (b"b".to_vec(), Some(b"4".to_vec())),
                (b"c".to_vec(), None),
            ]
        );
    }
}
