//! A bundle's ops set aside on disk as they are read, so that an import holds none of them in
//! memory whatever the bundle's size: at 400,000 ops their bytes, stamps and hashes were 80 MB
//! of an import's peak. Two unnamed files in the store's folder (gone when the import ends or
//! the process dies): one of the ops' bytes, one of a fixed record per op (its hash, its stamp,
//! where its bytes are), so that the op at any place is one read away. A range held in the
//! store, whose ops are in memory when it is read back, is kept the same way in memory: two
//! files a range would run out of open files with a few hundred held ranges.
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

    /// Adds an op's record to `index` and its bytes to `data`, whose first byte is at `base`.
    fn append(
        index: &mut Vec<u8>,
        data: &mut Vec<u8>,
        base: u64,
        (hash, hlc, bytes): (&Hash, Hlc, &[u8]),
    ) -> io::Result<()> {
        Entry {
            hash: *hash,
            hlc,
            len: u32::try_from(bytes.len()).map_err(|_| io::ErrorKind::InvalidInput)?,
            offset: base + data.len() as u64,
        }
        .encode(index);
        data.extend_from_slice(bytes);
        Ok(())
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
        Entry::append(
            &mut self.index_pending,
            &mut self.data_pending,
            self.data_written,
            (hash, hlc, bytes),
        )?;
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
            kept: Kept::Files {
                index: self.index,
                data: self.data,
            },
            count: self.count,
        }))
    }
}

/// Where a spool's records and bytes are.
#[derive(Debug)]
enum Kept {
    Files { index: File, data: File },
    Memory { index: Vec<u8>, data: Vec<u8> },
}

/// The spool once written.
#[derive(Debug)]
pub struct OpSpool {
    kept: Kept,
    count: usize,
}

impl OpSpool {
    /// Ops already in memory, with their hashes and stamps as given, kept there.
    pub fn in_memory<'a>(
        ops: impl IntoIterator<Item = (Hash, Hlc, &'a [u8])>,
    ) -> io::Result<OpSlice> {
        let (mut index, mut data) = (Vec::new(), Vec::new());
        let mut count = 0;
        for (hash, hlc, bytes) in ops {
            Entry::append(&mut index, &mut data, 0, (&hash, hlc, bytes))?;
            count += 1;
        }
        let spool = Arc::new(OpSpool {
            kept: Kept::Memory { index, data },
            count,
        });
        Ok(OpSlice::of(&spool, 0, count))
    }

    /// Fills `buf` with records from byte `at`.
    fn read_index(&self, buf: &mut [u8], at: u64) -> io::Result<()> {
        match &self.kept {
            Kept::Files { index, .. } => read_exact_at(index, buf, at),
            Kept::Memory { index, .. } => {
                let from = usize::try_from(at).map_err(|_| out_of_slice())?;
                let held = index.get(from..from + buf.len()).ok_or_else(out_of_slice)?;
                buf.copy_from_slice(held);
                Ok(())
            }
        }
    }

    /// Fills as much of `buf` with op bytes from `at` as there are; how much.
    fn read_data(&self, buf: &mut [u8], at: u64) -> io::Result<usize> {
        match &self.kept {
            Kept::Files { data, .. } => read_at(data, buf, at),
            Kept::Memory { data, .. } => {
                let from = usize::try_from(at).map_err(|_| out_of_slice())?;
                let held = data.get(from..).unwrap_or_default();
                let n = held.len().min(buf.len());
                buf[..n].copy_from_slice(&held[..n]);
                Ok(n)
            }
        }
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
        self.spool()?.read_index(&mut record, at)?;
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

    /// The bytes of the slice's ops, which a spool holds one after another.
    pub fn byte_len(&self) -> io::Result<u64> {
        let Some(last) = self.len.checked_sub(1) else {
            return Ok(0);
        };
        let (first, last) = (self.entry(0)?, self.entry(last)?);
        Ok((last.offset + u64::from(last.len)).saturating_sub(first.offset))
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
            self.slice.spool()?.read_index(&mut records, at)?;
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
            // Done: a merge of many chains holds no block for the chains that are.
            self.entries = Vec::new();
            self.block = Vec::new();
            return Ok(None);
        };
        self.next += 1;
        let len = entry.len as usize;
        let block_end = self.block_at + self.block.len() as u64;
        if entry.offset < self.block_at || entry.offset + len as u64 > block_end {
            // No more than the records read so far need: a chain of one op holds one op.
            let needed = self.entries.last().map_or(0, |last| {
                (last.offset + u64::from(last.len)).saturating_sub(entry.offset) as usize
            });
            self.block.resize(len.max(CURSOR_BYTES.min(needed)), 0);
            self.block.shrink_to_fit();
            let got = self
                .slice
                .spool()?
                .read_data(&mut self.block, entry.offset)?;
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

    /// The same ops in a spool of two files.
    fn on_disk(dir: &Path, ops: &[(Hash, Hlc, Vec<u8>)]) -> OpSlice {
        let mut writer = OpSpoolWriter::new_in(dir).unwrap();
        for (hash, stamp, bytes) in ops {
            writer.push(hash, *stamp, bytes).unwrap();
        }
        let spool = writer.finish().unwrap();
        OpSlice::of(&spool, 0, ops.len())
    }

    fn reads_back(
        slice: &OpSlice,
        ops: &[(Hash, Hlc, Vec<u8>)],
        skip: usize,
    ) -> Result<(), TestCaseError> {
        prop_assert_eq!(slice.len(), ops.len());
        let mut cursor = slice.cursor();
        for (hash, stamp, bytes) in ops {
            prop_assert_eq!(cursor.peek_hlc().unwrap(), Some(*stamp));
            let op = cursor.next_op().unwrap().unwrap();
            prop_assert_eq!((&op.hash, op.hlc, &op.bytes), (hash, *stamp, bytes));
        }
        prop_assert_eq!(cursor.next_op().unwrap(), None);
        let later = slice.skip(skip);
        let expected: Vec<Vec<u8>> = ops.iter().skip(skip).map(|o| o.2.clone()).collect();
        let bytes: usize = expected.iter().map(Vec::len).sum();
        prop_assert_eq!(later.byte_len().unwrap(), bytes as u64);
        prop_assert_eq!(later.read_all().unwrap(), expected);
        for (i, (hash, stamp, _)) in ops.iter().enumerate().skip(skip) {
            prop_assert_eq!(later.hash(i - skip).unwrap(), *hash);
            prop_assert_eq!(later.hlc(i - skip).unwrap(), *stamp);
        }
        prop_assert!(later.hash(later.len()).is_err());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Ops of any length, some longer than a cursor's block, read back as added, through a
        /// cursor, by place, and from any later place, from files and from memory alike.
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
            reads_back(&on_disk(dir.path(), &ops), &ops, skip)?;
            let in_memory = OpSpool::in_memory(ops.iter().map(|(h, t, b)| (*h, *t, b.as_slice())))
                .unwrap();
            reads_back(&in_memory, &ops, skip)?;
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

    /// A merge holds a cursor a chain: one of a short chain holds no more than its ops, and one
    /// that is done holds nothing.
    #[test]
    fn a_cursor_holds_what_its_chain_needs_and_nothing_once_done() {
        let dir = tempfile::tempdir().unwrap();
        let ops: Vec<(Hash, Hlc, Vec<u8>)> = (0..3)
            .map(|i| ([i; 32], hlc(i.into()), vec![i; 100]))
            .collect();
        let mut cursor = on_disk(dir.path(), &ops).cursor();
        cursor.next_op().unwrap();
        assert!(
            cursor.block.capacity() <= 300,
            "{}",
            cursor.block.capacity()
        );
        while cursor.next_op().unwrap().is_some() {}
        assert_eq!((cursor.block.capacity(), cursor.entries.capacity()), (0, 0));
    }
}
