//! The phone and participant-code lookups, kept in buckets: each key holds every (phone or code,
//! person) pair whose phone or code hashes to it. sled keeps a page-table entry for every leaf
//! of at most 16 keys, read whole at every open; a key per pair was 800,000 of the 2,000,000
//! keys at ten times the province, and buckets of a few pairs each make them 131,072 at most.

use serde::{Deserialize, Serialize};

/// Buckets per lookup: about six pairs each at ten times the province.
const BUCKETS: u32 = 1 << 16;

/// The two lookups, by the prefix their buckets' keys start with.
pub const PREFIXES: [&str; 2] = ["h/", "o/"];

/// The bucket holding `phone`'s people.
pub fn phone_bucket(phone: &str) -> String {
    format!("h/{:04x}", bucket_of(phone))
}

/// The bucket holding `code`'s people.
pub fn code_bucket(code: &str) -> String {
    format!("o/{:04x}", bucket_of(code))
}

/// FNV-1a: a hash that never changes between builds or machines, as the buckets stored on disk
/// need.
fn bucket_of(text: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % BUCKETS
}

/// Whether `key` is a bucket of either lookup (and not a key of the older layout, a pair per key).
pub fn is_bucket(key: &str) -> bool {
    PREFIXES.iter().any(|prefix| {
        key.strip_prefix(prefix)
            .is_some_and(|rest| rest.len() == 4 && !rest.contains('/'))
    })
}

/// A bucket's pairs, sorted, each once.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bucket {
    pairs: Vec<(String, String)>,
}

impl Bucket {
    /// The bucket stored as `bytes`; `None` if they are not one.
    pub fn decode(bytes: Option<&[u8]>) -> Option<Bucket> {
        match bytes {
            None => Some(Bucket::default()),
            Some(bytes) => postcard::from_bytes(bytes).ok(),
        }
    }

    /// The bytes to store, or `None` for an empty bucket, which is removed.
    pub fn encode(&self) -> Result<Option<Vec<u8>>, postcard::Error> {
        if self.pairs.is_empty() {
            return Ok(None);
        }
        postcard::to_stdvec(self).map(Some)
    }

    pub fn add(&mut self, value: &str, person: &str) {
        let pair = (value.to_string(), person.to_string());
        if let Err(at) = self.pairs.binary_search(&pair) {
            self.pairs.insert(at, pair);
        }
    }

    pub fn remove(&mut self, value: &str, person: &str) {
        self.pairs
            .retain(|(v, p)| !(v.as_str() == value && p.as_str() == person));
    }

    /// The people listed under `value`, in id order.
    pub fn people(&self, value: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(v, _)| v == value)
            .map(|(_, person)| person.clone())
            .collect()
    }

    /// Both buckets' pairs as one bucket: how the parts of a fold (`store::refold_parts`),
    /// each holding its own people's pairs, come together.
    pub fn union(mut self, other: Bucket) -> Bucket {
        for (value, person) in other.pairs {
            self.add(&value, &person);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_bucket_key_is_told_from_a_pair_key_of_the_older_layout() {
        assert!(is_bucket(&phone_bucket("13800000001")));
        assert!(is_bucket(&code_bucket("T07A9MP")));
        assert!(!is_bucket("h/13800000001/P-1"));
        assert!(!is_bucket("h/1380/P-1"));
        assert!(!is_bucket("p/0abc"));
    }

    #[test]
    fn the_hash_is_the_one_stored_buckets_were_made_with() {
        // Moving a phone to another bucket would lose it in every store made before. The
        // values are FNV-1a's, worked out apart from this code.
        assert_eq!(phone_bucket(""), "h/9dc5");
        assert_eq!(phone_bucket("13800000001"), "h/562c");
        assert_eq!(code_bucket("a"), "o/292c");
    }

    proptest! {
        #[test]
        fn a_bucket_lists_what_was_added_and_not_removed(
            steps in prop::collection::vec((any::<bool>(), 0u8..4, 0u8..4), 0..40),
            split in any::<prop::sample::Index>(),
        ) {
            let mut bucket = Bucket::default();
            let mut model = BTreeSet::new();
            for (add, value, person) in &steps {
                let (value, person) = (format!("v{value}"), format!("P-{person}"));
                if *add {
                    bucket.add(&value, &person);
                    model.insert((value, person));
                } else {
                    bucket.remove(&value, &person);
                    model.remove(&(value, person));
                }
                let stored = Bucket::decode(bucket.encode().unwrap().as_deref()).unwrap();
                prop_assert_eq!(&stored, &bucket);
            }
            for value in 0..4 {
                let value = format!("v{value}");
                let expected: Vec<String> = model
                    .iter()
                    .filter(|(v, _)| *v == value)
                    .map(|(_, p)| p.clone())
                    .collect();
                prop_assert_eq!(bucket.people(&value), expected);
            }
            // Split by person, as the parts of a fold split them, and joined again.
            let pairs: Vec<_> = model.iter().cloned().collect();
            let at = split.index(pairs.len() + 1);
            let (mut left, mut right) = (Bucket::default(), Bucket::default());
            for (i, (value, person)) in pairs.iter().enumerate() {
                if i < at { left.add(value, person) } else { right.add(value, person) }
            }
            prop_assert_eq!(right.union(left), bucket);
        }
    }
}
