//! A long string serialised as a sequence of pieces, for `#[serde(with = "in_pieces")]`: a
//! kept value is read back through a buffer of `PIECE` bytes (`store::kept`), where a string
//! written whole (the 企业 tab's 15 MB of text at ten times the province) would need its whole
//! length read first. And dates read as owned strings, for the same buffer.

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

/// A date as chrono writes it, read as an owned string (`deserialize_with`): through the
/// buffer, a string read borrowed keeps its bytes there for the rest of the value, and the 企业
/// rows hold a date per enterprise reached (120,000 at ten times the province).
pub fn date_read_owned<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<chrono::NaiveDate, D::Error> {
    deserializer.deserialize_string(DateText)
}

struct DateText;

impl Visitor<'_> for DateText {
    type Value = chrono::NaiveDate;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a date written 2023-03-15")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<chrono::NaiveDate, E> {
        text.parse().map_err(E::custom)
    }
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
    fn a_date_reads_back_owned_as_chrono_wrote_it_and_borrowed_ones_still_read() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Dated(#[serde(deserialize_with = "super::date_read_owned")] chrono::NaiveDate);
        let on = chrono::NaiveDate::from_ymd_opt(2023, 3, 15).unwrap();
        let bytes = postcard::to_stdvec(&on).unwrap();
        assert_eq!(
            postcard::to_stdvec(&Dated(on)).unwrap(),
            bytes,
            "the same bytes"
        );
        // Many more dates than a buffer of 64 bytes could hold borrowed.
        let many: Vec<Dated> = (0..1000).map(|_| Dated(on)).collect();
        let written = postcard::to_stdvec(&many).unwrap();
        let mut buffer = [0; 64];
        let (back, _) =
            postcard::from_io::<Vec<Dated>, _>((&written[..], &mut buffer[..])).unwrap();
        assert_eq!(back, many);
        let json = serde_json::to_string(&Dated(on)).unwrap();
        assert_eq!(serde_json::from_str::<Dated>(&json).unwrap(), Dated(on));
        assert!(serde_json::from_str::<Dated>("\"2023-02-30\"").is_err());
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
