//! A long string serialised as a sequence of pieces, for `#[serde(with = "in_pieces")]`: a
//! kept value is read back through a buffer of `PIECE` bytes (`store::kept`), where a string
//! written whole (the 企业 tab's 15 MB of text at ten times the province) would need its whole
//! length read first.

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserializer, Serializer};

/// The most bytes one piece holds; the buffer a kept value is read through is at least this.
pub const PIECE: usize = 64 * 1024;

pub fn serialize<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    // postcard writes a sequence's length before it.
    let mut seq = serializer.serialize_seq(Some(pieces(text).count()))?;
    for piece in pieces(text) {
        seq.serialize_element(piece)?;
    }
    seq.end()
}

pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_seq(Pieces)
}

/// `text` cut into pieces of at most `PIECE` bytes, each whole characters.
fn pieces(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut cut = rest.len().min(PIECE);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, after) = rest.split_at(cut);
        rest = after;
        Some(piece)
    })
}

struct Pieces;

impl<'de> Visitor<'de> for Pieces {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string in pieces")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        let mut text = String::new();
        while seq.next_element_seed(AppendTo(&mut text))?.is_some() {}
        Ok(text)
    }
}

/// One piece, added to the end of the text so far without a string of its own.
struct AppendTo<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for AppendTo<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_string(self)
    }
}

impl<'de> Visitor<'de> for AppendTo<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a piece of a string")
    }

    fn visit_str<E: serde::de::Error>(self, piece: &str) -> Result<(), E> {
        self.0.push_str(piece);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Holder(#[serde(with = "super")] String, u32);

    proptest! {
        /// Whatever the text (characters of any width, cut anywhere), it reads back whole,
        /// through a buffer no larger than a piece.
        #[test]
        fn text_in_pieces_reads_back_whole(
            text in "(.{0,40}|[张三李四]{0,9000}|a{60000,70000})",
            after in any::<u32>(),
        ) {
            let held = Holder(text, after);
            let bytes = postcard::to_stdvec(&held).unwrap();
            let mut buffer = vec![0; PIECE + 16];
            let (back, _) = postcard::from_io::<Holder, _>((&bytes[..], &mut buffer[..])).unwrap();
            prop_assert_eq!(back, held);
        }
    }

    #[test]
    fn pieces_are_whole_characters_no_longer_than_a_piece() {
        let text = "培训".repeat(PIECE);
        let cut: Vec<&str> = pieces(&text).collect();
        assert!(cut.iter().all(|p| !p.is_empty() && p.len() <= PIECE));
        assert_eq!(cut.concat(), text);
        assert_eq!(pieces("").count(), 0);
    }
}
