//! Columns put aside while the index is gathered, then copied into it in their place. An index
//! built into a file puts them in unnamed files in the store's folder, so the build holds only
//! the columns it still has to sort; a small index built to be held keeps them in memory.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::columns::{Columns, Layout};

/// Where asides are put.
#[derive(Clone, Copy)]
pub(super) enum AsideIn<'a> {
    Memory,
    /// Unnamed files in this folder, gone once closed; memory if none can be made there.
    Folder(&'a Path),
}

/// Bytes put aside.
enum Aside {
    Held(Vec<u8>),
    File { out: BufWriter<File>, len: usize },
}

/// What an aside writes through at once.
const ASIDE_BUFFER: usize = 64 * 1024;

impl Aside {
    fn new(within: AsideIn) -> Aside {
        match within {
            AsideIn::Folder(dir) => match tempfile::tempfile_in(dir) {
                Ok(file) => Aside::File {
                    out: BufWriter::with_capacity(ASIDE_BUFFER, file),
                    len: 0,
                },
                Err(_) => Aside::Held(Vec::new()),
            },
            AsideIn::Memory => Aside::Held(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Aside::Held(bytes) => bytes.len(),
            Aside::File { len, .. } => *len,
        }
    }

    /// Everything written so far, from the start; writing after it goes on at the end.
    fn read(&mut self) -> io::Result<Box<dyn Read + '_>> {
        match self {
            Aside::Held(bytes) => Ok(Box::new(&bytes[..])),
            Aside::File { out, len } => {
                out.flush()?;
                let whole = ReadAt {
                    file: out.get_ref(),
                    at: 0,
                    end: *len as u64,
                };
                Ok(Box::new(BufReader::with_capacity(ASIDE_BUFFER, whole)))
            }
        }
    }
}

/// A file's bytes up to `end`, read where they lie, so the file's own position, where writing
/// goes on, is left alone.
struct ReadAt<'a> {
    file: &'a File,
    at: u64,
    end: u64,
}

impl Read for ReadAt<'_> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end - self.at).unwrap_or(usize::MAX);
        let want = into.len().min(left);
        let read = self.file.read_at(&mut into[..want], self.at)?;
        self.at += read as u64;
        Ok(read)
    }
}

impl Aside {
    /// Copies everything written as one column.
    fn write_whole(mut self, out: &mut Columns) -> io::Result<()> {
        let whole = 0..self.len();
        out.copied(&mut self.read()?, std::slice::from_ref(&whole))
    }
}

impl Write for Aside {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Aside::Held(held) => held.write(bytes),
            Aside::File { out, len } => {
                let written = out.write(bytes)?;
                *len += written;
                Ok(written)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Aside::Held(_) => Ok(()),
            Aside::File { out, .. } => out.flush(),
        }
    }
}

/// Whole columns put aside, and where each lies among its bytes.
pub(super) struct Piece {
    aside: Aside,
    layout: Layout,
}

impl Piece {
    /// The columns `write` writes, put aside.
    pub(super) fn of(
        within: AsideIn,
        write: impl FnOnce(&mut Columns) -> io::Result<()>,
    ) -> io::Result<Piece> {
        let mut aside = Aside::new(within);
        let layout = {
            let mut columns = Columns::to(&mut aside);
            write(&mut columns)?;
            std::mem::take(&mut columns.layout)
        };
        Ok(Piece { aside, layout })
    }

    pub(super) fn len(&self) -> usize {
        self.aside.len()
    }

    /// Copies the columns to `out` in their place.
    pub(super) fn write(mut self, out: &mut Columns) -> io::Result<()> {
        let layout = std::mem::take(&mut self.layout);
        out.copied(&mut self.aside.read()?, &layout)
    }
}

/// Strings put aside as a `Texts` column: the arena and the ends apart, since both grow at once.
pub(super) struct TextsAside {
    arena: Aside,
    ends: Aside,
}

impl TextsAside {
    pub(super) fn new(within: AsideIn) -> TextsAside {
        TextsAside {
            arena: Aside::new(within),
            ends: Aside::new(within),
        }
    }

    /// Refused once the arena passes 4 GiB, where its ends no longer fit the format.
    pub(super) fn push(&mut self, text: &str) -> io::Result<()> {
        let end = u32::try_from(self.arena.len() + text.len()).map_err(io::Error::other)?;
        self.arena.write_all(text.as_bytes())?;
        self.ends.write_all(&end.to_le_bytes())
    }

    pub(super) fn len(&self) -> usize {
        self.arena.len() + self.ends.len()
    }

    /// How many strings were pushed.
    pub(super) fn count(&self) -> usize {
        self.ends.len() / 4
    }

    /// Each string with its number, in the order pushed.
    pub(super) fn each(
        &mut self,
        mut visit: impl FnMut(u32, &str) -> io::Result<()>,
    ) -> io::Result<()> {
        let count = self.count();
        let mut ends = self.ends.read()?;
        let mut arena = self.arena.read()?;
        let (mut start, mut end, mut text) = (0usize, [0u8; 4], Vec::new());
        for number in 0..count {
            ends.read_exact(&mut end)?;
            let end = u32::from_le_bytes(end) as usize;
            text.resize(end.saturating_sub(start), 0);
            arena.read_exact(&mut text)?;
            start = end;
            let text = std::str::from_utf8(&text).map_err(io::Error::other)?;
            visit(u32::try_from(number).map_err(io::Error::other)?, text)?;
        }
        Ok(())
    }

    /// The column in its place: the arena, then the ends.
    pub(super) fn write(self, out: &mut Columns) -> io::Result<()> {
        self.arena.write_whole(out)?;
        self.ends.write_whole(out)
    }
}

/// Numbers put aside as a column.
pub(super) struct NumbersAside(Aside);

impl NumbersAside {
    pub(super) fn new(within: AsideIn) -> NumbersAside {
        NumbersAside(Aside::new(within))
    }

    pub(super) fn push(&mut self, number: u32) -> io::Result<()> {
        self.0.write_all(&number.to_le_bytes())
    }

    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    /// Each number with its place, in the order pushed.
    pub(super) fn each(
        &mut self,
        mut visit: impl FnMut(u32, u32) -> io::Result<()>,
    ) -> io::Result<()> {
        let count = self.0.len() / 4;
        let mut numbers = self.0.read()?;
        let mut number = [0u8; 4];
        for at in 0..count {
            numbers.read_exact(&mut number)?;
            visit(
                u32::try_from(at).map_err(io::Error::other)?,
                u32::from_le_bytes(number),
            )?;
        }
        Ok(())
    }

    pub(super) fn write(self, out: &mut Columns) -> io::Result<()> {
        self.0.write_whole(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_back(texts: &mut TextsAside) -> Vec<String> {
        let mut read = Vec::new();
        texts
            .each(|number, text| {
                assert_eq!(number as usize, read.len());
                read.push(text.to_string());
                Ok(())
            })
            .unwrap();
        read
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Numbers put aside, in memory or in a folder, are read back with their places as
        /// pushed, as often as asked, and counted.
        #[test]
        fn numbers_put_aside_come_back_as_pushed(
            numbers in proptest::collection::vec(any::<u32>(), 0..3000),
        ) {
            let dir = tempfile::tempdir().unwrap();
            for within in [AsideIn::Memory, AsideIn::Folder(dir.path())] {
                let mut aside = NumbersAside::new(within);
                for &n in &numbers {
                    aside.push(n).unwrap();
                }
                for _ in 0..2 {
                    let mut read = Vec::new();
                    aside.each(|at, n| {
                        read.push((at, n));
                        Ok(())
                    }).unwrap();
                    let pushed: Vec<(u32, u32)> = (0..).zip(numbers.iter().copied()).collect();
                    prop_assert_eq!(&read, &pushed);
                }
                prop_assert_eq!(aside.len(), numbers.len() * 4);
            }
        }

        /// In memory, in a folder, or in a folder that cannot take them, strings put aside are
        /// read back as pushed, as often as asked, and copied as the column `Columns` writes.
        #[test]
        fn texts_put_aside_come_back_as_pushed(
            strings in proptest::collection::vec("[a-z张三鄂州]{0,12}", 0..300),
            before in "[a-z]{0,9}",
        ) {
            let dir = tempfile::tempdir().unwrap();
            let missing = dir.path().join("not-there");
            let in_file = [false, true, false];
            let places = [AsideIn::Memory, AsideIn::Folder(dir.path()), AsideIn::Folder(&missing)];
            for (within, in_file) in places.into_iter().zip(in_file) {
                let mut texts = TextsAside::new(within);
                prop_assert_eq!(matches!(texts.arena, Aside::File { .. }), in_file);
                for s in &strings {
                    texts.push(s).unwrap();
                }
                prop_assert_eq!(&read_back(&mut texts), &strings);
                texts.push(&before).unwrap();
                let mut strings = strings.clone();
                strings.push(before.clone());
                prop_assert_eq!(&read_back(&mut texts), &strings);

                let (mut copied, mut written) = (Vec::new(), Vec::new());
                let mut out = Columns::to(&mut copied);
                out.text(&before).unwrap();
                texts.write(&mut out).unwrap();
                let copied_layout = std::mem::take(&mut out.layout);
                let mut out = Columns::to(&mut written);
                out.text(&before).unwrap();
                out.text(&strings.concat()).unwrap();
                let mut end = 0u32;
                out.numbers(strings.iter().map(|s| {
                    end += s.len() as u32;
                    end
                }))
                .unwrap();
                prop_assert_eq!(&copied_layout, &out.layout);
                prop_assert_eq!(&copied, &written);
            }
            prop_assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        }
    }

    /// Past the buffers: strings longer than one, and more than fill many, through a file.
    #[test]
    fn strings_past_the_buffers_come_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let strings: Vec<String> = (0..5000)
            .map(|i| match i {
                7 => "鄂".repeat(3 * ASIDE_BUFFER),
                _ => format!("张三{i}"),
            })
            .collect();
        let mut texts = TextsAside::new(AsideIn::Folder(dir.path()));
        for s in &strings {
            texts.push(s).unwrap();
        }
        assert!(texts.len() > 9 * ASIDE_BUFFER);
        assert_eq!(read_back(&mut texts), strings);
    }

    #[test]
    fn a_piece_cut_short_is_an_error_not_a_column() {
        let dir = tempfile::tempdir().unwrap();
        let mut piece =
            Piece::of(AsideIn::Folder(dir.path()), |out| out.numbers([1, 2, 3])).unwrap();
        let Aside::File { out, len } = &mut piece.aside else {
            panic!("a folder that takes files holds the piece in one");
        };
        out.flush().unwrap();
        out.get_ref().set_len(8).unwrap();
        *len = 8;
        let mut copied = Vec::new();
        let failed = piece.write(&mut Columns::to(&mut copied));
        assert_eq!(failed.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }
}
