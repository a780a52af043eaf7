//! Certificate numbers (证书编号) in a configurable format: literal text with `{year}` and one
//! `{seq}` or `{seq:0N}` (zero-padded to N digits).

use crate::i18n::tf;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Year,
    Seq { width: usize },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NumberFormat {
    pieces: Vec<Piece>,
}

impl NumberFormat {
    pub fn parse(format: &str) -> Result<NumberFormat, String> {
        let bad = || Err(tf("cert.rules.bad_format", &[("format", &format)]));
        let mut pieces = Vec::new();
        let mut rest = format;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return bad();
            };
            let inner = &rest[open + 1..open + close];
            pieces.push(match inner {
                "year" => Piece::Year,
                "seq" => Piece::Seq { width: 0 },
                _ => match inner.strip_prefix("seq:0").map(str::parse::<usize>) {
                    Some(Ok(width)) if (1..=9).contains(&width) => Piece::Seq { width },
                    _ => return bad(),
                },
            });
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        let seqs = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Seq { .. }))
            .count();
        let stray = pieces
            .iter()
            .any(|p| matches!(p, Piece::Text(t) if t.contains('}')));
        // The number must end where the text after it starts, or a number could not be read back.
        let unreadable = pieces.windows(2).any(|w| match (&w[0], &w[1]) {
            (Piece::Seq { .. }, Piece::Text(t)) => t.starts_with(|c: char| c.is_ascii_digit()),
            (Piece::Seq { .. }, _) => true,
            _ => false,
        });
        if seqs != 1 || stray || unreadable {
            return bad();
        }
        Ok(NumberFormat { pieces })
    }

    pub fn render(&self, year: i32, seq: u32) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Year => year.to_string(),
                Piece::Seq { width } => format!("{seq:0width$}"),
            })
            .collect()
    }

    /// The sequence number of a certificate number written in this format for `year`.
    pub fn seq_of(&self, number: &str, year: i32) -> Option<u32> {
        let mut rest = number;
        let mut seq = None;
        for (i, piece) in self.pieces.iter().enumerate() {
            match piece {
                Piece::Text(t) => rest = rest.strip_prefix(t.as_str())?,
                Piece::Year => rest = rest.strip_prefix(year.to_string().as_str())?,
                Piece::Seq { width } => {
                    let digits = match self.pieces.get(i + 1) {
                        Some(Piece::Text(t)) => &rest[..rest.find(t.as_str())?],
                        _ => rest,
                    };
                    if digits.is_empty()
                        || !digits.bytes().all(|b| b.is_ascii_digit())
                        || digits.len() < *width
                    {
                        return None;
                    }
                    seq = Some(digits.parse().ok()?);
                    rest = &rest[digits.len()..];
                }
            }
        }
        if rest.is_empty() {
            seq
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_default_format_reads_back() {
        let f = NumberFormat::parse("鄂知专{year}{seq:05}").unwrap();
        assert_eq!(f.render(2023, 42), "鄂知专202300042");
        assert_eq!(f.seq_of("鄂知专202300042", 2023), Some(42));
        assert_eq!(f.seq_of("鄂知专202200042", 2023), None);
        assert_eq!(f.seq_of("鄂知专2023000x2", 2023), None);
    }

    #[test]
    fn bad_formats_are_refused() {
        for bad in [
            "",
            "HB",
            "{seq}{seq}",
            "{seq}{year}",
            "{seq}1",
            "{seq:0}",
            "{seq",
            "a}{seq}",
            "{x}{seq}",
        ] {
            assert!(NumberFormat::parse(bad).is_err(), "{bad}");
        }
        assert!(NumberFormat::parse("HB-{year}-{seq}").is_ok());
        assert!(NumberFormat::parse("{year}{seq}").is_ok());
    }

    proptest! {
        /// Any format text parses or is refused without panicking, and a format that parses
        /// reads back every number it renders.
        #[test]
        fn formats_round_trip(format in "[A-Z鄂{}:0-9a-z-]{0,16}", year in 2000i32..2100, seq in 0u32..10_000_000) {
            if let Ok(f) = NumberFormat::parse(&format) {
                let number = f.render(year, seq);
                prop_assert_eq!(f.seq_of(&number, year), Some(seq));
            }
        }

        #[test]
        fn known_formats_round_trip(prefix in "[A-Z鄂知专]{0,4}", sep in "[-/]?", width in 1usize..7, year in 2000i32..2100, seq in 0u32..10_000_000) {
            let f = NumberFormat::parse(&format!("{prefix}{{year}}{sep}{{seq:0{width}}}")).unwrap();
            let number = f.render(year, seq);
            prop_assert_eq!(f.seq_of(&number, year), Some(seq));
            prop_assert_eq!(f.seq_of(&format!("{number}x"), year), None);
        }
    }
}
