//! Participant codes (参会码): short, printed on sign-in sheets, typed or scanned at the door.

/// Crockford's base 32: no I, L, O or U, so a code read aloud or off paper is not misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn base32(mut n: u64, min_len: usize) -> String {
    let mut out = Vec::new();
    while n > 0 || out.len() < min_len {
        out.push(ALPHABET[(n % 32) as usize]);
        n /= 32;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// The code of the person with record id `P-<office>-<device tag>-<counter>`: three characters
/// from the device tag, then the counter (at least three characters). The counter is unique per
/// device, so codes never repeat within a device, and two devices of one office share a code
/// only if their tags agree in 15 bits; the door then asks which person is meant.
pub fn participant_code(person_id: &str) -> String {
    let mut parts = person_id.rsplitn(3, '-');
    let counter = parts.next().and_then(|n| n.parse::<u64>().ok());
    let tag = parts.next().and_then(|t| u64::from_str_radix(t, 16).ok());
    match (tag, counter) {
        (Some(tag), Some(counter)) => format!("{}{}", base32(tag % 32768, 3), base32(counter, 3)),
        // Ids made elsewhere: a hash still gives a short, stable code.
        _ => {
            let hash = blake3::hash(person_id.as_bytes());
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&hash.as_bytes()[..8]);
            base32(u64::from_le_bytes(bytes) % (1 << 30), 6)
        }
    }
}

/// A typed or scanned code as stored: upper case, no spaces or dashes, and the letters people
/// confuse with digits read as those digits.
pub fn normalise_code(raw: &str) -> String {
    raw.chars()
        .map(super::text::fold_full_width)
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_short_distinct_and_read_back() {
        let a = participant_code("P-420704-a1b2-17");
        let b = participant_code("P-420704-a1b2-18");
        assert_eq!(a.len(), 6);
        assert_ne!(a, b);
        assert_eq!(normalise_code(&a.to_lowercase()), a);
        assert!(a.chars().all(|c| ALPHABET.contains(&(c as u8))));
        assert_eq!(participant_code("P-420704-a1b2c3-40000").len(), 7);
        assert_eq!(participant_code("odd id").len(), 6);
    }

    #[test]
    fn misread_letters_are_folded() {
        assert_eq!(normalise_code(" k7-o0l "), "K7001");
    }
}
