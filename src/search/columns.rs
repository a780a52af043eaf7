//! The index as a few flat columns one after another, text or little-endian numbers, searched
//! where they lie: each column is written to the file as it is finished, and a later process
//! reads from the file only the pages a search touches, with no decoding, so it has 400,000
//! people ready in tens of milliseconds.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::ops::Range;

use super::paged::Bytes;

/// Numbers as they lie in the buffer; anything out of range reads as absent, so a damaged
/// file gives odd answers at worst, never a panic.
#[derive(Clone, Copy, Default)]
pub(super) struct U32s<'a>(Bytes<'a>);

/// Numbers read at once by `U32s::iter` from a kept file.
const NUMBERS_AT_ONCE: usize = 4096;

fn as_u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> U32s<'a> {
    pub(super) fn new(bytes: Bytes<'a>) -> U32s<'a> {
        U32s(bytes)
    }

    pub(super) fn len(&self) -> usize {
        self.0.len() / 4
    }

    pub(super) fn get(&self, i: usize) -> Option<u32> {
        let at = i.checked_mul(4)?;
        let b = self.0.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(super) fn slice(&self, range: Range<usize>) -> U32s<'a> {
        match range.start.checked_mul(4).zip(range.end.checked_mul(4)) {
            Some((start, end)) => U32s(self.0.within(start..end)),
            None => U32s::default(),
        }
    }

    /// Every number in order; a kept file's are read a few thousand at a time.
    pub(super) fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        let (numbers, len) = (*self, self.len());
        (0..len).step_by(NUMBERS_AT_ONCE).flat_map(move |first| {
            let end = (first + NUMBERS_AT_ONCE).min(len);
            match numbers.0.get(first * 4..end * 4) {
                Some(piece) => as_u32s(&piece).collect::<Vec<_>>(),
                // A file cut short: each as `get` reads it, absent as zero, so the numbers
                // after it stay in their places.
                None => (first..end).map(|i| numbers.get(i).unwrap_or(0)).collect(),
            }
        })
    }
}

/// Strings end to end in an arena, found by number: string `i` ends at `ends[i]` and starts
/// where the one before ends. Each is checked to be UTF-8 as it is read, so a kept file is
/// never read whole to check it.
#[derive(Clone, Copy, Default)]
pub(super) struct Texts<'a> {
    pub arena: Bytes<'a>,
    pub ends: U32s<'a>,
}

/// Bytes of an arena as text: a string cut in the middle of a character (a damaged file) is
/// empty.
fn as_text(bytes: Option<Cow<'_, [u8]>>) -> Cow<'_, str> {
    match bytes {
        Some(Cow::Borrowed(b)) => Cow::Borrowed(std::str::from_utf8(b).unwrap_or("")),
        Some(Cow::Owned(b)) => Cow::Owned(String::from_utf8(b).unwrap_or_default()),
        None => Cow::Borrowed(""),
    }
}

fn start_of(ends: &U32s, i: usize) -> usize {
    match i {
        0 => 0,
        _ => ends.get(i - 1).unwrap_or(0) as usize,
    }
}

impl<'a> Texts<'a> {
    pub(super) fn get(&self, i: u32) -> Cow<'a, str> {
        let i = i as usize;
        let end = self.ends.get(i).unwrap_or(0) as usize;
        as_text(self.arena.get(start_of(&self.ends, i)..end))
    }

    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Every string in order, as `get` reads each; a kept file's are read a few thousand at a
    /// time, each few thousand in one read.
    pub(super) fn iter(&self) -> impl Iterator<Item = String> + 'a {
        let texts = *self;
        (0..self.len())
            .step_by(NUMBERS_AT_ONCE)
            .flat_map(move |first| texts.piece(first..(first + NUMBERS_AT_ONCE).min(texts.len())))
    }

    /// The strings of `numbers`, reading the arena from the first's start to the last's end.
    fn piece(&self, numbers: Range<usize>) -> Vec<String> {
        let bounds: Vec<(usize, usize)> = std::iter::once(start_of(&self.ends, numbers.start))
            .chain(
                self.ends
                    .slice(numbers.clone())
                    .iter()
                    .map(|end| end as usize),
            )
            .collect::<Vec<_>>()
            .windows(2)
            .map(|pair| (pair[0], pair[1]))
            .collect();
        // A damaged file's strings may end before they start or past the arena: read as `get`
        // reads them, empty.
        let whole = |&(start, end): &(usize, usize)| start <= end && end <= self.arena.len();
        // The arena from the first whole string's start to the last's end.
        let (from, to) = bounds
            .iter()
            .filter(|b| whole(b))
            .fold(None, |span: Option<(usize, usize)>, &(start, end)| {
                Some(span.map_or((start, end), |(from, to)| (from.min(start), to.max(end))))
            })
            .unwrap_or((0, 0));
        let Some(arena) = self.arena.get(from..to) else {
            // A file cut short: each as `get` reads it.
            return numbers.map(|i| self.get(i as u32).into_owned()).collect();
        };
        let text = |bounds: &(usize, usize)| -> Option<String> {
            let bytes = arena.get(bounds.0.checked_sub(from)?..bounds.1.checked_sub(from)?)?;
            Some(std::str::from_utf8(bytes).ok()?.to_string())
        };
        bounds
            .iter()
            .map(|bounds| whole(bounds).then(|| text(bounds)).flatten())
            .map(Option::unwrap_or_default)
            .collect()
    }
}

/// A list of numbers per slot: the people of an enterprise, the entries holding a character.
#[derive(Clone, Copy, Default)]
pub(super) struct Postings<'a> {
    pub ends: U32s<'a>,
    pub ids: U32s<'a>,
}

impl<'a> Postings<'a> {
    pub(super) fn get(&self, i: u32) -> U32s<'a> {
        let i = i as usize;
        let end = self.ends.get(i).unwrap_or(0) as usize;
        self.ids.slice(start_of(&self.ends, i)..end)
    }
}

/// For each character (sorted, found by binary search), the entries whose text holds it.
#[derive(Clone, Copy, Default)]
pub(super) struct CharPostings<'a> {
    pub chars: U32s<'a>,
    pub lists: Postings<'a>,
}

impl<'a> CharPostings<'a> {
    fn get(&self, c: char) -> U32s<'a> {
        let wanted = u32::from(c);
        let (mut low, mut high) = (0, self.chars.len());
        while low < high {
            let mid = (low + high) / 2;
            match self.chars.get(mid) {
                Some(found) if found < wanted => low = mid + 1,
                Some(found) if found == wanted => return self.lists.get(mid as u32),
                _ => high = mid,
            }
        }
        U32s::default()
    }

    /// The shortest list among the query's characters: every match is in it.
    pub(super) fn rarest(&self, query: &str) -> U32s<'a> {
        query
            .chars()
            .map(|c| self.get(c))
            .min_by_key(U32s::len)
            .unwrap_or_default()
    }
}

/// A key in an arena naming an entry.
#[derive(Debug, Clone, Copy)]
pub(super) struct Key {
    pub start: u32,
    pub len: u16,
    pub entry: u32,
    pub secondary: bool,
}

/// The bit of a stored key's length that marks a secondary reading.
const SECONDARY: u32 = 1 << 31;

/// Keys sorted by their text, three numbers each (start, length and flag, entry): a prefix
/// query is a binary search.
#[derive(Clone, Copy, Default)]
pub(super) struct KeyList<'a> {
    pub arena: Bytes<'a>,
    pub keys: U32s<'a>,
}

impl<'a> KeyList<'a> {
    fn len(&self) -> usize {
        self.keys.len() / 3
    }

    fn key(&self, i: usize) -> Option<Key> {
        let flagged = self.keys.get(i * 3 + 1)?;
        Some(Key {
            start: self.keys.get(i * 3)?,
            len: (flagged & !SECONDARY).min(u32::from(u16::MAX)) as u16,
            entry: self.keys.get(i * 3 + 2)?,
            secondary: flagged & SECONDARY != 0,
        })
    }

    fn text(&self, key: &Key) -> Cow<'a, str> {
        let start = key.start as usize;
        as_text(self.arena.get(start..start + key.len as usize))
    }

    /// Keys starting with `prefix`, in order, at most `cap` of them.
    pub(super) fn prefixed(&self, prefix: &'a str, cap: usize) -> impl Iterator<Item = Key> + 'a {
        let list = *self;
        let (mut low, mut high) = (0, list.len());
        while low < high {
            let mid = (low + high) / 2;
            match list.key(mid) {
                Some(key) if *list.text(&key) < *prefix => low = mid + 1,
                _ => high = mid,
            }
        }
        (low..list.len())
            .map_while(move |i| list.key(i))
            .take_while(move |key| list.text(key).starts_with(prefix))
            .take(cap)
    }
}

/// Where each column lies in the index's bytes, in order.
pub(super) type Layout = Vec<Range<usize>>;

/// Numbers gathered before they are written.
const NUMBERS_WRITTEN_AT_ONCE: usize = 16 * 1024;

/// Writes the columns one after another, to memory or straight to a file; `layout` records
/// where each went.
pub(super) struct Columns<'w> {
    out: &'w mut dyn Write,
    written: usize,
    pub layout: Layout,
}

impl<'w> Columns<'w> {
    pub(super) fn to(out: &'w mut dyn Write) -> Columns<'w> {
        Columns {
            out,
            written: 0,
            layout: Layout::new(),
        }
    }

    pub(super) fn text(&mut self, text: &str) -> std::io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        self.layout.push(self.written..self.written + text.len());
        self.written += text.len();
        Ok(())
    }

    /// Columns put aside, copied in whole: `layout` is where each lies among `bytes`.
    pub(super) fn copied(
        &mut self,
        bytes: &mut dyn Read,
        layout: &[Range<usize>],
    ) -> std::io::Result<()> {
        let copied = std::io::copy(bytes, &mut *self.out)? as usize;
        if layout.iter().any(|range| range.end > copied) {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let at = self.written;
        self.layout
            .extend(layout.iter().map(|range| at + range.start..at + range.end));
        self.written += copied;
        Ok(())
    }

    pub(super) fn numbers(
        &mut self,
        numbers: impl IntoIterator<Item = u32>,
    ) -> std::io::Result<()> {
        let start = self.written;
        let mut gathered = Vec::with_capacity(4 * NUMBERS_WRITTEN_AT_ONCE);
        for n in numbers {
            gathered.extend_from_slice(&n.to_le_bytes());
            if gathered.len() == gathered.capacity() {
                self.out.write_all(&gathered)?;
                self.written += gathered.len();
                gathered.clear();
            }
        }
        self.out.write_all(&gathered)?;
        self.written += gathered.len();
        self.layout.push(start..self.written);
        Ok(())
    }
}

/// Lists written as a `Postings` column: where each ends, then all of them.
pub(super) fn write_postings(lists: Vec<Vec<u32>>, out: &mut Columns) -> std::io::Result<()> {
    let mut end = 0u32;
    out.numbers(lists.iter().map(|list| {
        end += list.len() as u32;
        end
    }))?;
    out.numbers(lists.into_iter().flatten())
}

/// Each character's entries, written as a `CharPostings`.
pub(super) fn write_char_postings(
    map: HashMap<char, Vec<u32>>,
    out: &mut Columns,
) -> std::io::Result<()> {
    let mut pairs: Vec<(char, Vec<u32>)> = map.into_iter().collect();
    pairs.sort_unstable_by_key(|(c, _)| *c);
    out.numbers(pairs.iter().map(|(c, _)| u32::from(*c)))?;
    write_postings(pairs.into_iter().map(|(_, list)| list).collect(), out)
}

/// Keys being gathered into a `KeyList`, sorted when written.
#[derive(Default)]
pub(super) struct KeysBuilder {
    arena: String,
    keys: Vec<Key>,
}

impl KeysBuilder {
    pub(super) fn push(&mut self, text: &str, entry: u32, secondary: bool) {
        let start = self.arena.len() as u32;
        self.arena.push_str(text);
        self.keys.push(Key {
            start,
            len: text.len().min(u16::MAX as usize) as u16,
            entry,
            secondary,
        });
    }

    /// `text` under `entry` from each of `starts` (byte offsets), so a prefix query finds it
    /// from the middle too; the text is stored once. Returns where it starts in the arena.
    pub(super) fn push_suffixes(&mut self, text: &str, starts: &[usize], entry: u32) -> u32 {
        let start = self.arena.len() as u32;
        self.arena.push_str(text);
        for &offset in starts {
            self.keys.push(Key {
                start: start + offset as u32,
                len: (text.len() - offset).min(u16::MAX as usize) as u16,
                entry,
                secondary: false,
            });
        }
        start
    }

    fn text(&self, key: &Key) -> &str {
        let start = key.start as usize;
        self.arena
            .get(start..start + key.len as usize)
            .unwrap_or("")
    }

    pub(super) fn write(mut self, out: &mut Columns) -> std::io::Result<()> {
        let mut keys = std::mem::take(&mut self.keys);
        // In place: a stable sort's room was 5 MB at ten times. The order is the stable one by
        // text and entry: keys of one text and entry were pushed in the order of their starts.
        // Only empty keys pushed one after another share a start; they match no query, and
        // the primary reading goes first.
        keys.sort_unstable_by(|a, b| {
            (self.text(a), a.entry, a.start, a.secondary).cmp(&(
                self.text(b),
                b.entry,
                b.start,
                b.secondary,
            ))
        });
        out.text(&self.arena)?;
        drop(self.arena);
        out.numbers(keys.iter().flat_map(|key| {
            let flagged = u32::from(key.len) | if key.secondary { SECONDARY } else { 0 };
            [key.start, flagged, key.entry]
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::paged::Paged;
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    /// Strings and their ends laid out as an index lays a `Texts`: the arena, then the ends.
    fn laid_out(strings: &[String]) -> (Vec<u8>, usize) {
        let mut bytes: Vec<u8> = strings.concat().into_bytes();
        let arena_len = bytes.len();
        let mut end = 0u32;
        for s in strings {
            end += s.len() as u32;
            bytes.extend_from_slice(&end.to_le_bytes());
        }
        (bytes, arena_len)
    }

    fn texts(bytes: Bytes<'_>, arena_len: usize) -> Texts<'_> {
        Texts {
            arena: bytes.within(0..arena_len),
            ends: U32s::new(bytes.within(arena_len..bytes.len())),
        }
    }

    fn one_by_one(texts: &Texts) -> Vec<String> {
        (0..texts.len() as u32)
            .map(|i| texts.get(i).into_owned())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Read a few thousand at a time, held or from a file (cut short or not), with ends
        /// damaged anywhere, the strings and numbers are what reading each alone gives.
        #[test]
        fn reading_in_pieces_reads_what_one_at_a_time_reads(
            count in 4090usize..8300,
            damage in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let strings: Vec<String> =
                (0..count).map(|i| ["张三", "ab", "", "鄂州市华宇光电"][i % 4].repeat(i % 3)).collect();
            let (mut bytes, arena_len) = laid_out(&strings);
            for (at, byte) in damage {
                let at = arena_len + at % (bytes.len() - arena_len);
                bytes[at] = byte;
            }
            let mut file = tempfile::tempfile().unwrap();
            let written = cut.map_or(bytes.len(), |cut| cut % bytes.len());
            file.write_all(&bytes[..written]).unwrap();
            let kept = Paged::of(file, bytes.len());
            for bytes in [Bytes::Held(&bytes), Bytes::paged(&kept)] {
                let texts = texts(bytes, arena_len);
                prop_assert_eq!(texts.iter().collect::<Vec<_>>(), one_by_one(&texts));
                let ends: Vec<u32> =
                    (0..texts.ends.len()).map(|i| texts.ends.get(i).unwrap_or(0)).collect();
                prop_assert_eq!(texts.ends.iter().collect::<Vec<_>>(), ends);
            }
            if cut.is_none() {
                prop_assert_eq!(one_by_one(&texts(Bytes::Held(&bytes), arena_len)).len(), count);
            }
        }

        /// Keys are written in the order a stable sort by text and entry gives, whatever the
        /// texts, entries and readings pushed; empty keys of one entry pushed one after another
        /// put the primary reading first.
        #[test]
        fn keys_are_written_in_the_stable_order(
            pushed in proptest::collection::vec(("(|a|ab|b|zs)", 0u32..4, any::<bool>()), 0..60),
        ) {
            let mut keys = KeysBuilder::default();
            for (text, entry, secondary) in &pushed {
                keys.push(text, *entry, *secondary);
            }
            let mut written = Vec::new();
            keys.write(&mut Columns::to(&mut written)).unwrap();

            let (mut arena, mut expected) = (String::new(), Vec::new());
            for (text, entry, secondary) in &pushed {
                expected.push((arena.len() as u32, text.as_str(), *entry, *secondary));
                arena.push_str(text);
            }
            expected.sort_by(|a, b| (a.1, a.2).cmp(&(b.1, b.2)));
            for run in expected.chunk_by_mut(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2)) {
                run.sort_by_key(|key| key.3);
            }
            let mut stable = Vec::new();
            let mut out = Columns::to(&mut stable);
            out.text(&arena).unwrap();
            out.numbers(expected.iter().flat_map(|&(start, text, entry, secondary)| {
                let flagged = text.len() as u32 | if secondary { SECONDARY } else { 0 };
                [start, flagged, entry]
            }))
            .unwrap();
            prop_assert_eq!(written, stable);
        }
    }
}
