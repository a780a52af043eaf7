//! Every known enterprise's name, id and code, with where it was seen, held as text in chunks
//! that never move. Held as an `Enterprise` each, 120,000 took 45 MB; held as one text, its
//! doublings held the old copy and the new one at once.

use super::{Known, Seen};
use crate::domain::Enterprise;

/// A chunk's size: a record that does not fit in what is left of the last one starts the next
/// (one longer than a chunk has one of its own), so no chunk grows and a record's place within
/// one fits in 16 bits.
const CHUNK: usize = 1 << 16;

#[derive(Debug, Default)]
pub(super) struct Records {
    chunks: Vec<String>,
    list: Vec<Record>,
}

/// Where a record's text is. It starts with the lengths of the name, the id and the code (0:
/// none, else one more than its length) and where it was seen (0: stored, else one more than
/// the row), then the name, the id and the code.
#[derive(Debug)]
struct Record {
    chunk: u32,
    start: u16,
    /// The name's length in characters: a name one character from another is within one of
    /// its length, which turns away most names sharing a place's pair (鄂州) unread.
    chars: u16,
}

impl Records {
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    /// Record `at`'s name's length in characters (`u16::MAX` for any longer).
    pub(super) fn chars(&self, at: u32) -> usize {
        usize::from(self.list[at as usize].chars)
    }

    pub(super) fn name(&self, at: u32) -> &str {
        self.read(at).0.name
    }

    pub(super) fn code(&self, at: u32) -> Option<&str> {
        self.read(at).0.credit_code
    }

    pub(super) fn has_code(&self, at: u32) -> bool {
        self.code(at).is_some()
    }

    pub(super) fn read(&self, at: u32) -> (Known<'_>, Seen) {
        let record = &self.list[at as usize];
        let text = &self.chunks[record.chunk as usize][usize::from(record.start)..];
        let mut place = 0;
        let name_len = number(text.as_bytes(), &mut place);
        let id_len = number(text.as_bytes(), &mut place);
        let code = number(text.as_bytes(), &mut place);
        let seen = match number(text.as_bytes(), &mut place) {
            0 => Seen::Stored,
            row => Seen::Row(row - 1),
        };
        let name = &text[place..place + name_len];
        let id = &text[place + name_len..place + name_len + id_len];
        let credit_code = code.checked_sub(1).map(|code_len| {
            let from = place + name_len + id_len;
            &text[from..from + code_len]
        });
        let known = Known {
            id,
            name,
            credit_code,
        };
        (known, seen)
    }

    /// Adds `e` as record number `len()`.
    pub(super) fn push(&mut self, e: &Enterprise, seen: Seen) -> u32 {
        self.push_parts(&e.name, &e.id, e.credit_code.as_deref(), seen)
    }

    /// Adds the enterprise `id` named `name` with `code` as record number `len()`.
    pub(super) fn push_parts(
        &mut self,
        name: &str,
        id: &str,
        code: Option<&str>,
        seen: Seen,
    ) -> u32 {
        let at = self.list.len() as u32;
        let mut head = String::new();
        put(&mut head, name.len());
        put(&mut head, id.len());
        put(&mut head, code.map_or(0, |code| code.len() + 1));
        put(
            &mut head,
            match seen {
                Seen::Stored => 0,
                Seen::Row(row) => row + 1,
            },
        );
        let code = code.unwrap_or_default();
        let size = head.len() + name.len() + id.len() + code.len();
        let fits = self
            .chunks
            .last()
            .is_some_and(|last| last.len() + size <= CHUNK);
        if !fits {
            self.chunks.push(String::with_capacity(size.max(CHUNK)));
        }
        let chunk = self.chunks.len() - 1;
        let text = &mut self.chunks[chunk];
        // Below CHUNK: a record starts a chunk, or fits in what is left of one.
        let start = text.len() as u16;
        for part in [head.as_str(), name, id, code] {
            text.push_str(part);
        }
        self.list.push(Record {
            chunk: chunk as u32,
            start,
            chars: u16::try_from(name.chars().count()).unwrap_or(u16::MAX),
        });
        at
    }
}

/// Writes `n` as characters below 0x80, so that the text stays UTF-8: six bits each, low ones
/// first, with 0x40 set on all but the last.
fn put(text: &mut String, mut n: usize) {
    loop {
        let low = (n & 0x3f) as u8;
        n >>= 6;
        if n == 0 {
            text.push(char::from(low));
            return;
        }
        text.push(char::from(low | 0x40));
    }
}

/// Reads a number `put` wrote at `place`, and moves past it.
fn number(bytes: &[u8], place: &mut usize) -> usize {
    let mut n = 0;
    let mut shift = 0;
    loop {
        let byte = bytes[*place];
        *place += 1;
        n |= usize::from(byte & 0x3f) << shift;
        if byte & 0x40 == 0 {
            return n;
        }
        shift += 6;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A record reads back as it was given, however long its parts and wherever it falls.
        #[test]
        fn a_record_reads_back_as_given(
            given in proptest::collection::vec(
                ("[鄂州a]{0,40}", "E-[0-9]{0,30}", proptest::option::of("[0-9A-Z]{0,20}"), proptest::option::of(0usize..1_000_000)),
                1..40,
            ),
            long in 0usize..(2 * CHUNK),
        ) {
            let mut records = Records::default();
            let mut made = Vec::new();
            for (i, (name, id, code, row)) in given.into_iter().enumerate() {
                // Now and then a name longer than a chunk, or near it.
                let name = if i % 7 == 3 { "鄂".repeat(long / 3) } else { name };
                let seen = row.map_or(Seen::Stored, Seen::Row);
                let e = super::super::test_enterprise(&id, &name, code.as_deref());
                proptest::prop_assert_eq!(records.push(&e, seen) as usize, made.len());
                made.push((e, seen));
            }
            for (at, (e, seen)) in made.iter().enumerate() {
                let (known, read_seen) = records.read(at as u32);
                proptest::prop_assert_eq!(known.name, e.name.as_str());
                proptest::prop_assert_eq!(known.id, e.id.as_str());
                proptest::prop_assert_eq!(known.credit_code, e.credit_code.as_deref());
                proptest::prop_assert_eq!(read_seen, *seen);
                proptest::prop_assert_eq!(records.chars(at as u32), e.name.chars().count().min(usize::from(u16::MAX)));
            }
        }
    }
}
