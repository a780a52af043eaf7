//! A kept index file read a page at a time as a search needs it, into a few pages the process
//! holds. Mapping the file held far more than a search touched: the page cache keeps a file
//! written in large pieces as large folios, and touching one byte mapped up to 2 MB of it, so
//! one letter typed at the door at ten times the province mapped 51 MB.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::{Mutex, MutexGuard};

/// What is read from the file at once.
const PAGE: usize = 4096;

/// Pages held at most (4 MiB): a search at the door touches a few hundred; a walk over a whole
/// column (`doctor`'s check) passes through and holds no more.
const MOST_PAGES: usize = 1024;

/// Reads at least this long are of many strings or numbers at once (`U32s::iter`,
/// `Texts::iter`): they go to the file directly, not to pages held, which they would push out
/// for what is read once.
const READ_PAST_PAGES: usize = 4 * PAGE;

/// The first `len` bytes of a file, read through a small cache of its pages. The kept index is
/// only ever replaced by renaming a new file over it or removed (`store::derived`), never
/// written in place, so a page read later has the bytes one read earlier would have had.
pub(super) struct Paged {
    file: File,
    len: usize,
    pages: Mutex<Pages>,
}

impl std::fmt::Debug for Paged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paged").field("len", &self.len).finish()
    }
}

/// Pages held, by number, and the order they were read in: the oldest goes first.
#[derive(Default)]
struct Pages {
    held: HashMap<usize, Box<[u8]>>,
    order: VecDeque<usize>,
}

impl Pages {
    fn page(&mut self, file: &File, number: usize, file_len: usize) -> Option<&[u8]> {
        if !self.held.contains_key(&number) {
            let start = number.checked_mul(PAGE)?;
            let len = file_len.checked_sub(start)?.min(PAGE);
            // A file cut short (someone else's doing) gives the page's bytes that are there,
            // as a read straight from the file of those bytes would.
            let mut bytes = vec![0; len];
            let mut read = 0;
            while read < len {
                match file.read_at(&mut bytes[read..], (start + read) as u64) {
                    Ok(0) => break,
                    Ok(n) => read += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => return None,
                }
            }
            bytes.truncate(read);
            let bytes = bytes.into_boxed_slice();
            if self.order.len() >= MOST_PAGES {
                if let Some(oldest) = self.order.pop_front() {
                    self.held.remove(&oldest);
                }
            }
            self.order.push_back(number);
            self.held.insert(number, bytes);
        }
        self.held.get(&number).map(|bytes| &bytes[..])
    }
}

impl Paged {
    pub(super) fn of(file: File, len: usize) -> Paged {
        Paged {
            file,
            len,
            pages: Mutex::default(),
        }
    }

    fn pages(&self) -> MutexGuard<'_, Pages> {
        // A reader that panicked left whole pages or none: what is held is still the file's.
        self.pages.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The bytes of `range`, or `None` past the end or if the file cannot be read: a damaged
    /// file gives odd answers at worst, never a panic.
    fn read(&self, range: Range<usize>) -> Option<Vec<u8>> {
        if range.start > range.end || range.end > self.len {
            return None;
        }
        if range.len() >= READ_PAST_PAGES {
            let mut out = vec![0; range.len()];
            self.file.read_exact_at(&mut out, range.start as u64).ok()?;
            return Some(out);
        }
        let mut out = Vec::with_capacity(range.len());
        let mut pages = self.pages();
        let mut at = range.start;
        while at < range.end {
            let number = at / PAGE;
            let page = pages.page(&self.file, number, self.len)?;
            let from = at - number * PAGE;
            let to = (range.end - number * PAGE).min(PAGE);
            // A page cut short by the file's end does not hold them all.
            out.extend_from_slice(page.get(from..to)?);
            at = number * PAGE + to;
        }
        Some(out)
    }
}

/// Bytes an index's columns lie in: built in this process and held, or in a kept file.
#[derive(Debug, Clone, Copy)]
pub(super) enum Bytes<'a> {
    Held(&'a [u8]),
    Paged {
        file: &'a Paged,
        start: usize,
        len: usize,
    },
}

impl Default for Bytes<'_> {
    fn default() -> Self {
        Bytes::Held(&[])
    }
}

impl<'a> Bytes<'a> {
    /// All of a kept file's first `len` bytes.
    pub(super) fn paged(file: &'a Paged) -> Bytes<'a> {
        Bytes::Paged {
            file,
            start: 0,
            len: file.len,
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Bytes::Held(bytes) => bytes.len(),
            Bytes::Paged { len, .. } => *len,
        }
    }

    /// The bytes of `range` within these, as another `Bytes`; none if it is not within them.
    pub(super) fn within(&self, range: Range<usize>) -> Bytes<'a> {
        if range.start > range.end || range.end > self.len() {
            return Bytes::default();
        }
        match *self {
            Bytes::Held(bytes) => Bytes::Held(&bytes[range]),
            Bytes::Paged { file, start, .. } => Bytes::Paged {
                file,
                start: start + range.start,
                len: range.len(),
            },
        }
    }

    /// The bytes of `range`, borrowed when held; `None` if they are not all there.
    pub(super) fn get(&self, range: Range<usize>) -> Option<Cow<'a, [u8]>> {
        if range.start > range.end || range.end > self.len() {
            return None;
        }
        match *self {
            Bytes::Held(bytes) => bytes.get(range).map(Cow::Borrowed),
            Bytes::Paged { file, start, .. } => file
                .read(start + range.start..start + range.end)
                .map(Cow::Owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    fn kept(bytes: &[u8]) -> Paged {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(bytes).unwrap();
        Paged::of(file, bytes.len())
    }

    #[test]
    fn past_the_end_is_nothing() {
        let file = kept(b"peixun");
        let bytes = Bytes::paged(&file);
        assert_eq!(bytes.get(0..6).unwrap().as_ref(), b"peixun");
        assert!(bytes.get(4..7).is_none());
        assert_eq!(bytes.within(4..7).len(), 0);
        assert!(Paged::of(tempfile::tempfile().unwrap(), 3)
            .read(0..1)
            .is_none());
        // Cut short under a reader: what is there reads, what is not is nothing.
        let cut = Paged::of(file.file.try_clone().unwrap(), PAGE + 10);
        assert_eq!(cut.read(1..6).unwrap(), b"eixun");
        assert!(cut.read(4..8).is_none());
        assert!(cut.read(PAGE..PAGE + 1).is_none());
    }

    #[test]
    fn a_page_read_again_is_read_from_memory() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&[1; PAGE + 10]).unwrap();
        let paged = Paged::of(file.try_clone().unwrap(), PAGE + 10);
        assert_eq!(paged.read(PAGE - 2..PAGE + 2).unwrap(), [1; 4]);
        // Changed under it, which peixun never does to a kept index: the held pages show what
        // was read, so they were not read again.
        file.write_all_at(&[2; PAGE + 10], 0).unwrap();
        assert_eq!(paged.read(PAGE - 2..PAGE + 2).unwrap(), [1; 4]);
        assert_eq!(paged.pages().order, [0, 1]);
        assert_eq!(
            paged.read(0..READ_PAST_PAGES.min(PAGE + 10)).unwrap(),
            [1; PAGE + 10]
        );
    }

    #[test]
    fn pages_held_stay_few_on_a_walk_over_the_whole_file() {
        let whole: Vec<u8> = (0..(MOST_PAGES + 5) * PAGE)
            .map(|i| (i % 251) as u8)
            .collect();
        let file = kept(&whole);
        for (number, piece) in whole.chunks(PAGE).enumerate() {
            let start = number * PAGE;
            assert_eq!(file.read(start..start + piece.len()).unwrap(), piece);
        }
        assert_eq!(file.pages().held.len(), MOST_PAGES);
        assert_eq!(file.read(0..PAGE).unwrap(), whole[..PAGE]);
        assert_eq!(file.read(PAGE..PAGE * 10).unwrap(), whole[PAGE..PAGE * 10]);
        assert_eq!(file.pages().held.len(), MOST_PAGES);
        let mut long = Paged::of(file.file.try_clone().unwrap(), whole.len());
        assert_eq!(
            long.read(5..5 + READ_PAST_PAGES).unwrap(),
            whole[5..5 + READ_PAST_PAGES]
        );
        assert!(
            long.pages.get_mut().unwrap().held.is_empty(),
            "read past the pages"
        );
    }

    proptest! {
        /// Any range of any file reads as the file's bytes, however pages were read before.
        #[test]
        fn a_range_reads_as_the_files_bytes(
            len in 0usize..6 * PAGE + 9,
            ranges in proptest::collection::vec((0usize..7 * PAGE, 0usize..5 * PAGE), 1..8),
        ) {
            let whole: Vec<u8> = (0..len).map(|i| (i * 7 % 253) as u8).collect();
            let file = kept(&whole);
            let bytes = Bytes::paged(&file);
            for (start, take) in ranges {
                let range = start..start + take;
                let expected = whole.get(range.clone());
                let read = bytes.get(range.clone());
                prop_assert_eq!(read.as_deref(), expected);
                let inner = bytes.within(range.clone());
                prop_assert_eq!(inner.len(), expected.map_or(0, <[u8]>::len));
                let read = inner.get(0..inner.len());
                prop_assert_eq!(read.as_deref(), expected.or(Some(&[][..])));
            }
        }
    }
}
