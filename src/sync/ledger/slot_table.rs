//! Where each key's last write lies in an import's scratch file (`spill`), by 32 bits of the
//! key's hash. A bundle of up to about 900,000 keys keeps the table in memory (at most 9.4 MB);
//! past that it moves to an unnamed file in the store's folder, so that a bundle of any size
//! holds the same: an open-addressed table of 8-byte entries, probed a block of 8 at a time,
//! with a cache of recently read blocks.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Keys kept in memory: hashbrown's table for this many is 2^20 buckets of 9 bytes.
const MEMORY_KEYS: usize = 917_504;

/// Entries read and written together: 64 bytes.
const BLOCK: usize = 8;

/// Blocks the file table keeps in memory, by block number modulo this: 80 bytes each, 5 MiB
/// (twice that while a doubling fills the next table).
const CACHED_BLOCKS: usize = 1 << 16;

pub(super) struct SlotTable {
    dir: PathBuf,
    memory_keys: usize,
    /// How many keys the import is expected to write: the file's table is made big enough for
    /// them at once, as each doubling moves every entry (half the time of a bundle of
    /// 4,000,000 ops went to doubling).
    expected_keys: usize,
    cached_blocks: usize,
    slots: Slots,
}

enum Slots {
    Memory(HashMap<u32, u32>),
    File(FileTable),
}

impl SlotTable {
    /// A table for about `expected_keys` keys.
    pub(super) fn new(dir: &Path, expected_keys: usize) -> SlotTable {
        SlotTable::holding(dir, MEMORY_KEYS, expected_keys, CACHED_BLOCKS)
    }

    /// A table that moves to a file past `memory_keys` keys, keeping up to `cached_blocks` of
    /// the file's blocks in memory.
    pub(super) fn holding(
        dir: &Path,
        memory_keys: usize,
        expected_keys: usize,
        cached_blocks: usize,
    ) -> SlotTable {
        SlotTable {
            dir: dir.to_path_buf(),
            memory_keys,
            expected_keys,
            cached_blocks,
            slots: Slots::Memory(HashMap::new()),
        }
    }

    pub(super) fn get(&self, hash: u32) -> std::io::Result<Option<u32>> {
        match &self.slots {
            Slots::Memory(map) => Ok(map.get(&hash).copied()),
            Slots::File(table) => table.get(hash),
        }
    }

    pub(super) fn insert(&mut self, hash: u32, slot: u32) -> std::io::Result<()> {
        match &mut self.slots {
            Slots::Memory(map) if map.len() < self.memory_keys || map.contains_key(&hash) => {
                map.insert(hash, slot);
                Ok(())
            }
            Slots::Memory(map) => {
                let keys = (map.len() * 2).max(self.expected_keys);
                let capacity = (keys * 2).next_power_of_two().max(BLOCK * BLOCK);
                let mut table = FileTable::new(&self.dir, capacity, self.cached_blocks)?;
                for (&hash, &slot) in map.iter() {
                    table.insert(hash, slot)?;
                }
                table.insert(hash, slot)?;
                self.slots = Slots::File(table);
                Ok(())
            }
            Slots::File(table) => table.insert(hash, slot),
        }
    }
}

/// A block's number and its entries.
type CachedBlock = (usize, [u64; BLOCK]);

/// An entry is `slot + 1` in its high 32 bits and the hash in its low 32; 0 is empty.
struct FileTable {
    file: File,
    /// Entries the file holds room for, a power of two, and how many are used.
    capacity: usize,
    used: usize,
    /// Blocks read, each with its number; `get` fills it too, through a shared table.
    cache: RefCell<Vec<Option<CachedBlock>>>,
    cached_blocks: usize,
    dir: PathBuf,
}

impl FileTable {
    fn new(dir: &Path, capacity: usize, cached_blocks: usize) -> std::io::Result<FileTable> {
        let file = tempfile::tempfile_in(dir)?;
        file.set_len(capacity as u64 * 8)?;
        Ok(FileTable {
            file,
            capacity,
            used: 0,
            cache: RefCell::new(vec![None; cached_blocks.min(capacity / BLOCK).max(1)]),
            cached_blocks,
            dir: dir.to_path_buf(),
        })
    }

    fn block(&self, number: usize) -> std::io::Result<[u64; BLOCK]> {
        let mut cache = self.cache.borrow_mut();
        let at = number % cache.len();
        if let Some((cached, entries)) = cache[at] {
            if cached == number {
                return Ok(entries);
            }
        }
        let mut bytes = [0u8; BLOCK * 8];
        crate::file_at::read_exact_at(&self.file, &mut bytes, (number * BLOCK * 8) as u64)?;
        let mut entries = [0u64; BLOCK];
        for (entry, bytes) in entries.iter_mut().zip(bytes.chunks_exact(8)) {
            let mut word = [0u8; 8];
            word.copy_from_slice(bytes);
            *entry = u64::from_le_bytes(word);
        }
        cache[at] = Some((number, entries));
        Ok(entries)
    }

    /// Where `hash` is, or the empty place it would go.
    fn find(&self, hash: u32) -> std::io::Result<(usize, u64)> {
        let mask = self.capacity - 1;
        // The hash is of this process's own keyed hasher: its low bits choose the place.
        let mut place = hash as usize & mask;
        loop {
            let entries = self.block(place / BLOCK)?;
            let first = place % BLOCK;
            for (entry_at, &entry) in entries.iter().enumerate().skip(first) {
                if entry == 0 || entry as u32 == hash {
                    return Ok((place - first + entry_at, entry));
                }
            }
            place = (place - place % BLOCK + BLOCK) & mask;
        }
    }

    fn get(&self, hash: u32) -> std::io::Result<Option<u32>> {
        let (_, entry) = self.find(hash)?;
        Ok((entry != 0).then(|| ((entry >> 32) - 1) as u32))
    }

    fn insert(&mut self, hash: u32, slot: u32) -> std::io::Result<()> {
        if (self.used + 1) * 2 > self.capacity {
            self.grow()?;
        }
        let (place, old) = self.find(hash)?;
        let entry = ((u64::from(slot) + 1) << 32) | u64::from(hash);
        crate::file_at::write_all_at(&self.file, &entry.to_le_bytes(), (place * 8) as u64)?;
        let mut cache = self.cache.borrow_mut();
        let at = (place / BLOCK) % cache.len();
        if let Some((number, entries)) = &mut cache[at] {
            if *number == place / BLOCK {
                entries[place % BLOCK] = entry;
            }
        }
        if old == 0 {
            self.used += 1;
        }
        Ok(())
    }

    /// Moves every entry to a table twice the size.
    fn grow(&mut self) -> std::io::Result<()> {
        let mut bigger = FileTable::new(&self.dir, self.capacity * 2, self.cached_blocks)?;
        let mut bytes = vec![0u8; 1 << 20];
        let mut at = 0u64;
        let end = self.capacity as u64 * 8;
        while at < end {
            let length = bytes
                .len()
                .min(usize::try_from(end - at).unwrap_or(usize::MAX));
            crate::file_at::read_exact_at(&self.file, &mut bytes[..length], at)?;
            for word in bytes[..length].chunks_exact(8) {
                let mut entry = [0u8; 8];
                entry.copy_from_slice(word);
                let entry = u64::from_le_bytes(entry);
                if entry != 0 {
                    bigger.insert(entry as u32, ((entry >> 32) - 1) as u32)?;
                }
            }
            at += length as u64;
        }
        *self = bigger;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// In memory, in a file, and moved from one to the other while being written, with
        /// blocks sharing a place in a small cache or each with its own, the table reads back as
        /// a map.
        #[test]
        fn reads_back_as_a_map(
            writes in prop::collection::vec((0u32..5000, 0u32..u32::MAX - 1), 0..3000),
            memory_keys in 0usize..40,
            expected_keys in 0usize..6000,
            cached_blocks in prop_oneof![Just(CACHED_BLOCKS), 1usize..4],
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut table =
                SlotTable::holding(dir.path(), memory_keys, expected_keys, cached_blocks);
            let mut map = HashMap::new();
            for &(hash, slot) in &writes {
                table.insert(hash.wrapping_mul(2_654_435_761), slot).unwrap();
                map.insert(hash.wrapping_mul(2_654_435_761), slot);
            }
            for hash in 0u32..5000 {
                let hash = hash.wrapping_mul(2_654_435_761);
                prop_assert_eq!(table.get(hash).unwrap(), map.get(&hash).copied());
            }
        }
    }
}
