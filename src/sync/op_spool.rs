//! A bundle's ops set aside on disk as they are read, so that an import holds none of them in
//! memory whatever the bundle's size: at 400,000 ops their bytes, stamps and hashes were 80 MB
//! of an import's peak. Two unnamed files in the store's folder (gone when the import ends or
//! the process dies): one of the ops' bytes, one of a fixed record per op (its hash, its stamp,
//! where its bytes are), so that the op at any place is one read away.
//!
//! A record is `hash (32) | wall ms (u64 LE) | counter (u32 LE) | length (u32 LE) | offset (u64
//! LE)`.

use std::fs::File;
use std::io;
use std::path::Path;
use std::sync::Arc;

use crate::file_at::{read_at, read_exact_at, write_all_at};
use crate::log::{Hash, Hlc};

const RECORD: usize = 32 + 8 + 4 + 4 + 8;
/// Bytes gathered before they go to a file.
const BUFFER: usize = 256 << 10;
/// Records a cursor reads at once, and the bytes it reads at once (more for a longer op).
const CURSOR_RECORDS: usize = 64;
const CURSOR_BYTES: usize = 16 << 10;

/// One op's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    hash: Hash,
    hlc: Hlc,
    len: u32,
    offset: u64,
}

impl Entry {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.hash);
        out.extend_from_slice(&self.hlc.wall_ms.to_le_bytes());
        out.extend_from_slice(&self.hlc.counter.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.offset.to_le_bytes());
    }

    fn decode(bytes: &[u8]) -> Entry {
        let take = |from: usize, n: usize| &bytes[from..from + n];
        let mut hash = [0; 32];
        hash.copy_from_slice(take(0, 32));
        let u64_at = |from| u64::from_le_bytes(take(from, 8).try_into().unwrap_or_default());
        let u32_at = |from| u32::from_le_bytes(take(from, 4).try_into().unwrap_or_default());
        Entry {
            hash,
            hlc: Hlc {
                wall_ms: u64_at(32),
                counter: u32_at(40),
            },
            len: u32_at(44),
            offset: u64_at(48),
        }
    }
}

/// The spool while ops are added to it.
pub struct OpSpoolWriter {
    index: File,
    data: File,
    index_pending: Vec<u8>,
    index_written: u64,
    data_pending: Vec<u8>,
    data_written: u64,
    count: usize,
}

impl OpSpoolWriter {
    pub fn new_in(dir: &Path) -> io::Result<OpSpoolWriter> {
        Ok(OpSpoolWriter {
            index: tempfile::tempfile_in(dir)?,
            data: tempfile::tempfile_in(dir)?,
            index_pending: Vec::new(),
            index_written: 0,
            data_pending: Vec::new(),
            data_written: 0,
            count: 0,
        })
    }

    /// How many ops were added: the place the next one takes.
    pub fn count(&self) -> usize {
        self.count
    }

    pub fn push(&mut self, hash: &Hash, hlc: Hlc, bytes: &[u8]) -> io::Result<()> {
        let len = u32::try_from(bytes.len()).map_err(|_| io::ErrorKind::InvalidInput)?;
        let offset = self.data_written + self.data_pending.len() as u64;
        Entry {
            hash: *hash,
            hlc,
            len,
            offset,
        }
        .encode(&mut self.index_pending);
        self.data_pending.extend_from_slice(bytes);
        self.count += 1;
        if self.data_pending.len() >= BUFFER || self.index_pending.len() >= BUFFER {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        write_all_at(&self.index, &self.index_pending, self.index_written)?;
        self.index_written += self.index_pending.len() as u64;
        self.index_pending.clear();
        write_all_at(&self.data, &self.data_pending, self.data_written)?;
        self.data_written += self.data_pending.len() as u64;
        self.data_pending.clear();
        Ok(())
    }

    /// Everything added, ready to be read.
    pub fn finish(mut self) -> io::Result<Arc<OpSpool>> {
        self.flush()?;
        Ok(Arc::new(OpSpool {
            index: self.index,
            data: self.data,
            count: self.count,
        }))
    }
}

/// The spool once written.
#[derive(Debug)]
pub struct OpSpool {
    index: File,
    data: File,
    count: usize,
}

impl OpSpool {
    /// Ops kept in a spool of their own, with their hashes and stamps as given.
    pub fn of<'a>(
        dir: &Path,
        ops: impl IntoIterator<Item = (Hash, Hlc, &'a [u8])>,
    ) -> io::Result<OpSlice> {
        let mut writer = OpSpoolWriter::new_in(dir)?;
        for (hash, hlc, bytes) in ops {
            writer.push(&hash, hlc, bytes)?;
        }
        let spool = writer.finish()?;
        let len = spool.count;
        Ok(OpSlice::of(&spool, 0, len))
    }
}

/// Some consecutive ops of a spool, by place.
#[derive(Debug, Clone, Default)]
pub struct OpSlice {
    spool: Option<Arc<OpSpool>>,
    first: usize,
    len: usize,
}

fn out_of_slice() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "an op past the end of its range",
    )
}

impl OpSlice {
    /// The `len` ops from place `first`, which the spool must hold.
    pub fn of(spool: &Arc<OpSpool>, first: usize, len: usize) -> OpSlice {
        let len = len.min(spool.count.saturating_sub(first));
        OpSlice {
            spool: Some(Arc::clone(spool)),
            first,
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The slice without its first `n` ops.
    pub fn skip(&self, n: usize) -> OpSlice {
        let n = n.min(self.len);
        OpSlice {
            spool: self.spool.clone(),
            first: self.first + n,
            len: self.len - n,
        }
    }

    fn spool(&self) -> io::Result<&OpSpool> {
        self.spool.as_deref().ok_or_else(out_of_slice)
    }

    fn entry(&self, i: usize) -> io::Result<Entry> {
        if i >= self.len {
            return Err(out_of_slice());
        }
        let mut record = [0u8; RECORD];
        let at = (self.first + i) as u64 * RECORD as u64;
        read_exact_at(&self.spool()?.index, &mut record, at)?;
        Ok(Entry::decode(&record))
    }

    pub fn hash(&self, i: usize) -> io::Result<Hash> {
        Ok(self.entry(i)?.hash)
    }

    pub fn hlc(&self, i: usize) -> io::Result<Hlc> {
        Ok(self.entry(i)?.hlc)
    }

    /// The ops in order, one at a time.
    pub fn cursor(&self) -> OpCursor {
        OpCursor {
            slice: self.clone(),
            next: 0,
            entries: Vec::new(),
            entries_from: 0,
            block: Vec::new(),
            block_at: 0,
        }
    }

    /// Every op's bytes, for a range kept whole in the store (held or quarantined).
    pub fn read_all(&self) -> io::Result<Vec<Vec<u8>>> {
        let mut cursor = self.cursor();
        let mut out = Vec::with_capacity(self.len);
        while let Some(op) = cursor.next_op()? {
            out.push(op.bytes);
        }
        Ok(out)
    }
}

/// One op read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpooledOp {
    pub hash: Hash,
    pub hlc: Hlc,
    pub bytes: Vec<u8>,
}

/// Reads a slice's ops in order, a block of records and a block of bytes at a time.
pub struct OpCursor {
    slice: OpSlice,
    next: usize,
    entries: Vec<Entry>,
    /// The place (in the slice) of `entries[0]`.
    entries_from: usize,
    block: Vec<u8>,
    /// Where `block` starts in the data file.
    block_at: u64,
}

impl OpCursor {
    fn entry(&mut self, i: usize) -> io::Result<Option<Entry>> {
        if i >= self.slice.len {
            return Ok(None);
        }
        if !(self.entries_from..self.entries_from + self.entries.len()).contains(&i) {
            let n = CURSOR_RECORDS.min(self.slice.len - i);
            let mut records = vec![0u8; n * RECORD];
            let at = (self.slice.first + i) as u64 * RECORD as u64;
            read_exact_at(&self.slice.spool()?.index, &mut records, at)?;
            self.entries = records.chunks_exact(RECORD).map(Entry::decode).collect();
            self.entries_from = i;
        }
        Ok(self.entries.get(i - self.entries_from).copied())
    }

    /// The stamp of the op `next_op` gives next.
    pub fn peek_hlc(&mut self) -> io::Result<Option<Hlc>> {
        Ok(self.entry(self.next)?.map(|e| e.hlc))
    }

    pub fn next_op(&mut self) -> io::Result<Option<SpooledOp>> {
        let Some(entry) = self.entry(self.next)? else {
            return Ok(None);
        };
        self.next += 1;
        let len = entry.len as usize;
        let block_end = self.block_at + self.block.len() as u64;
        if entry.offset < self.block_at || entry.offset + len as u64 > block_end {
            self.block.resize(len.max(CURSOR_BYTES), 0);
            let got = read_at(&self.slice.spool()?.data, &mut self.block, entry.offset)?;
            if got < len {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            self.block.truncate(got);
            self.block_at = entry.offset;
        }
        let from = (entry.offset - self.block_at) as usize;
        Ok(Some(SpooledOp {
            hash: entry.hash,
            hlc: entry.hlc,
            bytes: self.block[from..from + len].to_vec(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hlc(n: u64) -> Hlc {
        Hlc {
            wall_ms: n,
            counter: n as u32 ^ 7,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Ops of any length, some longer than a cursor's block, read back as added, through a
        /// cursor, by place, and from any later place.
        #[test]
        fn ops_read_back_as_added(
            lens in prop::collection::vec(
                prop_oneof![0usize..300, 15_000usize..40_000],
                0..80,
            ),
            skip in 0usize..90,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let ops: Vec<(Hash, Hlc, Vec<u8>)> = lens
                .iter()
                .enumerate()
                .map(|(i, len)| {
                    let bytes: Vec<u8> = (0..*len).map(|b| (b * 31 + i) as u8).collect();
                    (*blake3::hash(&bytes).as_bytes(), hlc(i as u64), bytes)
                })
                .collect();
            let slice = OpSpool::of(
                dir.path(),
                ops.iter().map(|(h, t, b)| (*h, *t, b.as_slice())),
            )
            .unwrap();
            prop_assert_eq!(slice.len(), ops.len());
            let mut cursor = slice.cursor();
            for (hash, stamp, bytes) in &ops {
                prop_assert_eq!(cursor.peek_hlc().unwrap(), Some(*stamp));
                let op = cursor.next_op().unwrap().unwrap();
                prop_assert_eq!((&op.hash, op.hlc, &op.bytes), (hash, *stamp, bytes));
            }
            prop_assert_eq!(cursor.next_op().unwrap(), None);
            let later = slice.skip(skip);
            let expected: Vec<Vec<u8>> = ops.iter().skip(skip).map(|o| o.2.clone()).collect();
            prop_assert_eq!(later.read_all().unwrap(), expected);
            for (i, (hash, stamp, _)) in ops.iter().enumerate().skip(skip) {
                prop_assert_eq!(later.hash(i - skip).unwrap(), *hash);
                prop_assert_eq!(later.hlc(i - skip).unwrap(), *stamp);
            }
            prop_assert!(later.hash(later.len()).is_err());
        }
    }

    #[test]
    fn a_writer_spills_to_its_files_past_its_buffer_and_reads_back_all() {
        let dir = tempfile::tempdir().unwrap();
        let mut writer = OpSpoolWriter::new_in(dir.path()).unwrap();
        let op = vec![9u8; 1000];
        let n = 3 * BUFFER / op.len();
        for i in 0..n {
            writer.push(&[i as u8; 32], hlc(i as u64), &op).unwrap();
        }
        assert_eq!(writer.count(), n);
        let spool = writer.finish().unwrap();
        let all = OpSlice::of(&spool, 0, n).read_all().unwrap();
        assert_eq!(all.len(), n);
        assert!(all.iter().all(|b| *b == op));
        assert_eq!(
            OpSlice::of(&spool, n - 1, 5).len(),
            1,
            "a slice stops at the end"
        );
        assert!(OpSlice::default().hash(0).is_err());
    }
}
