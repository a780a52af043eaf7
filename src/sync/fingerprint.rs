//! Fingerprints people read to each other over the phone: 120 bits of a card's key hash in
//! Crockford base32 (no I, L, O, U, so nothing reads as another letter), six groups of four
//! with a check character after each. A mistyped character is caught in the group it is in
//! before any comparison is made.

/// Crockford's base32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const GROUPS: usize = 6;
const GROUP_DATA: usize = 4;
/// Bytes of hash shown: 6 groups x 4 characters x 5 bits = 120 bits.
pub const BYTES: usize = 15;

/// Why a typed fingerprint was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FingerprintError {
    /// Not 6 groups of 5 characters.
    Length { found: usize },
    /// A character outside the alphabet; `group` counts from 1.
    Character { group: usize, ch: char },
    /// The group's check character does not match its four characters.
    Check { group: usize },
}

impl std::fmt::Display for FingerprintError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::i18n::tf;
        let text = match self {
            Self::Length { found } => tf("sync.fingerprint.length", &[("found", found)]),
            Self::Character { group, ch } => tf(
                "sync.fingerprint.character",
                &[("group", group), ("ch", ch)],
            ),
            Self::Check { group } => tf("sync.fingerprint.check", &[("group", group)]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for FingerprintError {}

fn value(ch: u8) -> Option<u8> {
    // Crockford's decoding folds the letters people confuse with digits.
    let ch = match ch.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        other => other,
    };
    ALPHABET.iter().position(|&a| a == ch).map(|p| p as u8)
}

/// Luhn mod 32 over the group's position and its four values: catches every single wrong
/// character, most swaps of neighbours, and two whole groups read in the wrong order.
fn check(group: usize, data: &[u8]) -> u8 {
    let mut sum = 0u32;
    let mut factor = 2u32;
    let position = (group % 32) as u8;
    for &v in data.iter().rev().chain(std::iter::once(&position)) {
        let addend = factor * u32::from(v);
        sum += addend / 32 + addend % 32;
        factor = if factor == 2 { 1 } else { 2 };
    }
    ((32 - sum % 32) % 32) as u8
}

/// The fingerprint of `hash` (its first 15 bytes): `XXXXC XXXXC ...`, C the check characters.
pub fn format(hash: &[u8; 32]) -> String {
    let mut values = Vec::with_capacity(GROUPS * GROUP_DATA);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &byte in &hash[..BYTES] {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            values.push(((acc >> bits) & 31) as u8);
        }
    }
    let groups: Vec<String> = values
        .chunks(GROUP_DATA)
        .enumerate()
        .map(|(i, data)| {
            data.iter()
                .chain(std::iter::once(&check(i, data)))
                .map(|&v| ALPHABET[usize::from(v)] as char)
                .collect()
        })
        .collect();
    groups.join(" ")
}

/// A typed fingerprint in canonical form (groups upper-case, single spaces), each group's check
/// character verified. Spaces and dashes may be typed anywhere or left out.
pub fn parse(typed: &str) -> Result<String, FingerprintError> {
    let chars: Vec<char> = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let width = GROUP_DATA + 1;
    if chars.len() != GROUPS * width {
        return Err(FingerprintError::Length { found: chars.len() });
    }
    let mut groups = Vec::with_capacity(GROUPS);
    for (i, group) in chars.chunks(width).enumerate() {
        let mut values = Vec::with_capacity(width);
        for &ch in group {
            let v = u8::try_from(ch)
                .ok()
                .and_then(value)
                .ok_or(FingerprintError::Character { group: i + 1, ch })?;
            values.push(v);
        }
        if check(i, &values[..GROUP_DATA]) != values[GROUP_DATA] {
            return Err(FingerprintError::Check { group: i + 1 });
        }
        groups.push(
            values
                .iter()
                .map(|&v| ALPHABET[usize::from(v)] as char)
                .collect::<String>(),
        );
    }
    Ok(groups.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> String {
        format(blake3::hash(b"card").as_bytes())
    }

    #[test]
    fn formats_six_groups_that_parse_back() {
        let fp = sample();
        assert_eq!(fp.len(), 6 * 5 + 5, "{fp}");
        assert_eq!(parse(&fp).as_ref(), Ok(&fp));
        let sloppy = fp.to_lowercase().replace(' ', "-");
        assert_eq!(parse(&sloppy).as_ref(), Ok(&fp));
    }

    #[test]
    fn every_single_wrong_character_is_caught_in_its_group() {
        let fp: Vec<char> = sample().chars().collect();
        for i in 0..fp.len() {
            if fp[i] == ' ' {
                continue;
            }
            for &other in ALPHABET {
                let other = other as char;
                if other == fp[i] {
                    continue;
                }
                let mut typed = fp.clone();
                typed[i] = other;
                let typed: String = typed.into_iter().collect();
                assert_eq!(
                    parse(&typed),
                    Err(FingerprintError::Check { group: i / 6 + 1 }),
                    "{typed}"
                );
            }
        }
    }

    #[test]
    fn swapped_groups_and_bad_lengths_are_refused() {
        let fp = sample();
        let groups: Vec<&str> = fp.split(' ').collect();
        let swapped = format!("{} {} {}", groups[1], groups[0], groups[2..].join(" "));
        assert!(parse(&swapped).is_err());
        assert_eq!(parse("ABCD"), Err(FingerprintError::Length { found: 4 }));
        assert!(matches!(
            parse(&fp.replacen(|c: char| c.is_ascii_alphanumeric(), "U", 1)),
            Err(FingerprintError::Character { group: 1, .. })
        ));
    }
}
