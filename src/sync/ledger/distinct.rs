//! How many different numbers an import saw, in bounded memory: the hashes of the records its
//! ops changed, one an op. Held in memory they were 8 bytes an op (8 MB a million ops); here a
//! full buffer is sorted, its repeats dropped, and written as a run to an unnamed file in the
//! store's folder, and the runs are merged at the end, counting each number once.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::path::Path;

/// Numbers held before a run is written: 2 MiB.
const BUFFER: usize = 1 << 18;

/// Bytes each run's reader holds while the runs are merged.
const RUN_READ: usize = 16 * 1024;

pub(super) struct DistinctCount {
    dir: std::path::PathBuf,
    buffer: Vec<u64>,
    /// The runs written so far, one after another in one file, and how many numbers each holds.
    runs: Option<File>,
    lengths: Vec<u64>,
}

impl DistinctCount {
    pub(super) fn new(dir: &Path) -> DistinctCount {
        DistinctCount {
            dir: dir.to_path_buf(),
            buffer: Vec::new(),
            runs: None,
            lengths: Vec::new(),
        }
    }

    pub(super) fn push(&mut self, number: u64) -> std::io::Result<()> {
        self.buffer.push(number);
        if self.buffer.len() >= BUFFER {
            self.write_run()?;
        }
        Ok(())
    }

    fn write_run(&mut self) -> std::io::Result<()> {
        self.buffer.sort_unstable();
        self.buffer.dedup();
        let file = match &mut self.runs {
            Some(file) => file,
            None => self.runs.insert(tempfile::tempfile_in(&self.dir)?),
        };
        let mut at = self.lengths.iter().sum::<u64>() * 8;
        let mut bytes = Vec::with_capacity(RUN_READ);
        for numbers in self.buffer.chunks(RUN_READ / 8) {
            bytes.clear();
            bytes.extend(numbers.iter().flat_map(|n| n.to_le_bytes()));
            crate::file_at::write_all_at(file, &bytes, at)?;
            at += bytes.len() as u64;
        }
        self.lengths.push(self.buffer.len() as u64);
        self.buffer.clear();
        Ok(())
    }

    /// How many different numbers were pushed.
    pub(super) fn count(mut self) -> std::io::Result<usize> {
        if self.runs.is_some() && !self.buffer.is_empty() {
            self.write_run()?;
        }
        let Some(file) = self.runs else {
            self.buffer.sort_unstable();
            self.buffer.dedup();
            return Ok(self.buffer.len());
        };
        drop(self.buffer);
        let mut readers = Vec::with_capacity(self.lengths.len());
        let mut start = 0u64;
        for &length in &self.lengths {
            readers.push(Run {
                file: &file,
                at: start * 8,
                end: (start + length) * 8,
                block: Vec::new(),
                taken: 0,
            });
            start += length;
        }
        // The smallest number each run has not yet given, and which run it is.
        let mut heads = BinaryHeap::with_capacity(readers.len());
        for (at, run) in readers.iter_mut().enumerate() {
            if let Some(number) = run.advance()? {
                heads.push(Reverse((number, at)));
            }
        }
        let mut count = 0;
        let mut last = None;
        while let Some(Reverse((number, at))) = heads.pop() {
            if last != Some(number) {
                count += 1;
                last = Some(number);
            }
            if let Some(next) = readers[at].advance()? {
                heads.push(Reverse((next, at)));
            }
        }
        Ok(count)
    }
}

/// One sorted run being read back, a block at a time, at offsets of its own in the shared file.
struct Run<'a> {
    file: &'a File,
    /// Where the next block starts, and where the run ends.
    at: u64,
    end: u64,
    block: Vec<u8>,
    /// Bytes of `block` already taken.
    taken: usize,
}

impl Run<'_> {
    /// The run's next number, or `None` once it has given them all.
    fn advance(&mut self) -> std::io::Result<Option<u64>> {
        if self.taken == self.block.len() {
            let left = usize::try_from(self.end - self.at).unwrap_or(RUN_READ);
            self.block.resize(left.min(RUN_READ), 0);
            crate::file_at::read_exact_at(self.file, &mut self.block, self.at)?;
            self.at += self.block.len() as u64;
            self.taken = 0;
        }
        let next = self.block.get(self.taken..self.taken + 8).map(|bytes| {
            let mut number = [0u8; 8];
            number.copy_from_slice(bytes);
            u64::from_le_bytes(number)
        });
        self.taken = (self.taken + 8).min(self.block.len());
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn counted(numbers: &[u64]) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let mut count = DistinctCount::new(dir.path());
        for &n in numbers {
            count.push(n).unwrap();
        }
        count.count().unwrap()
    }

    proptest! {
        /// Few numbers stay in memory; the count is a set's.
        #[test]
        fn counts_as_a_set_does(numbers in prop::collection::vec(0u64..500, 0..2000)) {
            prop_assert_eq!(counted(&numbers), numbers.iter().collect::<BTreeSet<_>>().len());
        }
    }

    /// Past the buffer, a number repeated in several runs is counted once.
    #[test]
    fn numbers_repeated_across_runs_count_once() {
        let numbers: Vec<u64> = (0..BUFFER as u64 * 3 + 17)
            .map(|i| (i * 7) % 400_009)
            .collect();
        let set: BTreeSet<u64> = numbers.iter().copied().collect();
        assert!(set.len() < numbers.len(), "the test repeats numbers");
        assert_eq!(counted(&numbers), set.len());
    }

    /// A run of one number repeated is counted once, and numbers still in the buffer when the
    /// runs are merged are counted with them.
    #[test]
    fn repeats_within_a_run_and_the_numbers_left_in_the_buffer_count() {
        let mut numbers = vec![0u64; BUFFER];
        numbers.extend([1, 2, 3]);
        assert_eq!(counted(&numbers), 4);
    }
}
