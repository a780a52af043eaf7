//! The indexes `KnownEnterprises` keeps over its records, which hold the texts themselves: at
//! ten times the province (120,000 enterprises) a map of every pair to a list of names, and
//! every name and code kept again as a map's key, held more than the names did.

use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::BuildHasher;

/// Records by a text of theirs (a name, a code), filed by 32 bits of the text's hash: the text
/// is read from the record. A text whose hash another text's record is filed by, rare, is kept
/// by itself. Those filed at first, every stored record, are one array sorted by hash (a map of
/// 120,000 took twice the room); those filed later, a sheet's new firms, are in a map.
#[derive(Debug, Default)]
pub(super) struct ByText<S = RandomState> {
    first: Vec<(u32, u32)>,
    hashes: HashMap<u32, u32>,
    collided: HashMap<Box<str>, u32>,
    state: S,
}

impl<S: BuildHasher + Default> ByText<S> {
    /// Records `0..count` filed by their texts (`None`: not filed), as many `insert`s one
    /// after another would file them: `keep(filed, later)` says whether the record filed
    /// stays when a later one has the same text.
    pub(super) fn filed<'a>(
        count: u32,
        text_of: impl Fn(u32) -> Option<&'a str>,
        keep: impl Fn(u32, u32) -> bool,
    ) -> ByText<S> {
        let mut by_text = ByText::<S>::default();
        let mut first: Vec<(u32, u32)> = (0..count)
            .filter_map(|at| text_of(at).map(|text| (by_text.hash(text), at)))
            .collect();
        // By hash, and within one hash in the order the records came.
        first.sort_unstable();
        let mut kept = 0;
        let mut at = 0;
        while at < first.len() {
            let (hash, mut filed) = first[at];
            let mut next = at + 1;
            while next < first.len() && first[next].0 == hash {
                let later = first[next].1;
                let text = text_of(later).unwrap_or_default();
                if text_of(filed) == Some(text) {
                    if !keep(filed, later) {
                        filed = later;
                    }
                } else {
                    by_text.file_collided(text, later, |other| keep(other, later));
                }
                next += 1;
            }
            first[kept] = (hash, filed);
            kept += 1;
            at = next;
        }
        first.truncate(kept);
        first.shrink_to_fit();
        by_text.first = first;
        by_text
    }
}

impl<S: BuildHasher> ByText<S> {
    fn hash(&self, text: &str) -> u32 {
        // The low bits are as good as any: a collision only costs a look in `collided`.
        self.state.hash_one(text) as u32
    }

    fn first_at(&self, hash: u32) -> Option<usize> {
        self.first.binary_search_by_key(&hash, |&(h, _)| h).ok()
    }

    /// The record filed by `text`; `text_of` reads a record's.
    pub(super) fn get<'a>(&self, text: &str, text_of: impl Fn(u32) -> &'a str) -> Option<u32> {
        let hash = self.hash(text);
        let filed = match self.first_at(hash) {
            Some(at) => self.first[at].1,
            None => *self.hashes.get(&hash)?,
        };
        if text_of(filed) == text {
            return Some(filed);
        }
        self.collided.get(text).copied()
    }

    /// Files `at` by `text`, unless a record is filed by it already and `keep` says it stays.
    pub(super) fn insert<'a>(
        &mut self,
        text: &str,
        at: u32,
        text_of: impl Fn(u32) -> &'a str,
        keep: impl FnOnce(u32) -> bool,
    ) {
        let hash = self.hash(text);
        let slot = match self.first_at(hash) {
            Some(first) => &mut self.first[first].1,
            None => match self.hashes.entry(hash) {
                Entry::Vacant(slot) => {
                    slot.insert(at);
                    return;
                }
                Entry::Occupied(slot) => slot.into_mut(),
            },
        };
        if text_of(*slot) == text {
            if !keep(*slot) {
                *slot = at;
            }
            return;
        }
        self.file_collided(text, at, keep);
    }

    fn file_collided(&mut self, text: &str, at: u32, keep: impl FnOnce(u32) -> bool) {
        match self.collided.entry(text.into()) {
            Entry::Vacant(other) => {
                other.insert(at);
            }
            Entry::Occupied(mut other) => {
                if !keep(*other.get()) {
                    other.insert(at);
                }
            }
        }
    }
}

/// Each pair of characters next to each other in a known name, with the names (by number)
/// holding it. The names known at first, all those read from the store, are held as one sorted
/// array: each pair once, its names one after another. Those added later, a sheet's new firms,
/// are kept by pair in a map.
#[derive(Debug, Default)]
pub(super) struct Pairs {
    /// Each pair a first name holds, in order.
    keys: Vec<[char; 2]>,
    /// Where each key's names start in `names`, then where the last key's end.
    starts: Vec<u32>,
    names: Vec<u32>,
    added: HashMap<[char; 2], Vec<u32>>,
}

impl Pairs {
    /// The pairs of `names`, numbered from 0 in order. Read twice: once to count each pair's
    /// names, once to place them.
    pub(super) fn new<'a>(names: impl Iterator<Item = &'a str> + Clone) -> Pairs {
        let mut each = Vec::new();
        let mut counts: HashMap<[char; 2], u32> = HashMap::new();
        for name in names.clone() {
            distinct_pairs(name, &mut each);
            for pair in &each {
                *counts.entry(*pair).or_default() += 1;
            }
        }
        let mut keys: Vec<[char; 2]> = counts.keys().copied().collect();
        keys.sort_unstable();
        let mut starts = Vec::with_capacity(keys.len() + 1);
        let mut total = 0;
        // Each pair's count becomes where its next name goes.
        for key in &keys {
            starts.push(total);
            if let Some(next) = counts.get_mut(key) {
                total += std::mem::replace(next, total);
            }
        }
        starts.push(total);
        let mut placed = vec![0; total as usize];
        for (at, name) in names.enumerate() {
            distinct_pairs(name, &mut each);
            for pair in &each {
                if let Some(next) = counts.get_mut(pair) {
                    placed[*next as usize] = at as u32;
                    *next += 1;
                }
            }
        }
        Pairs {
            keys,
            starts,
            names: placed,
            added: HashMap::new(),
        }
    }

    /// Adds name number `at`.
    pub(super) fn add(&mut self, at: u32, name: &str) {
        let mut each = Vec::new();
        distinct_pairs(name, &mut each);
        for pair in each {
            self.added.entry(pair).or_default().push(at);
        }
    }

    /// The names holding `pair`: the first ones, then those added.
    pub(super) fn holding(&self, pair: &[char; 2]) -> [&[u32]; 2] {
        let first = match self.keys.binary_search(pair) {
            Ok(k) => &self.names[self.starts[k] as usize..self.starts[k + 1] as usize],
            Err(_) => &[],
        };
        let added = self.added.get(pair).map_or(&[][..], Vec::as_slice);
        [first, added]
    }
}

/// Each pair of characters next to each other in `name`, in order.
pub(super) fn pairs_of(name: &str) -> Vec<[char; 2]> {
    let chars: Vec<char> = name.chars().collect();
    chars.windows(2).map(|w| [w[0], w[1]]).collect()
}

/// The pairs of `name` into `each`, each once.
fn distinct_pairs(name: &str, each: &mut Vec<[char; 2]>) {
    each.clear();
    let mut chars = name.chars();
    if let Some(mut before) = chars.next() {
        for c in chars {
            each.push([before, c]);
            before = c;
        }
    }
    each.sort_unstable();
    each.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasherDefault, Hasher};

    /// Every text hashes alike: each past the first is a collision.
    #[derive(Default)]
    struct Same;

    impl Hasher for Same {
        fn finish(&self) -> u64 {
            7
        }
        fn write(&mut self, _: &[u8]) {}
    }

    /// The first `at_first` texts filed at once, the rest one at a time.
    fn filed<S: BuildHasher + Default>(
        texts: &[String],
        coded: &[bool],
        at_first: usize,
    ) -> ByText<S> {
        let at_first = at_first.min(texts.len());
        let text_of = |i: u32| texts[i as usize].as_str();
        let mut by_text = ByText::<S>::filed(
            at_first as u32,
            |i| Some(text_of(i)),
            |filed, later| coded[filed as usize] || !coded[later as usize],
        );
        for (at, text) in texts.iter().enumerate().skip(at_first) {
            let keep = |i: u32| coded[i as usize] || !coded[at];
            by_text.insert(text, at as u32, text_of, keep);
        }
        by_text
    }

    proptest::proptest! {
        /// Filed by hash, colliding or not, a text finds what a map by the text finds: the first
        /// record, or the first with a code.
        #[test]
        fn texts_find_what_a_map_finds(
            texts in proptest::collection::vec("[ab]{0,3}", 0..16),
            coded in proptest::collection::vec(proptest::bool::ANY, 16),
            asked in "[ab]{0,3}",
            at_first in 0usize..17,
        ) {
            let mut map: HashMap<&str, usize> = HashMap::new();
            for (at, text) in texts.iter().enumerate() {
                match map.entry(text) {
                    Entry::Vacant(slot) => {
                        slot.insert(at);
                    }
                    Entry::Occupied(mut slot) => {
                        if !coded[*slot.get()] && coded[at] {
                            slot.insert(at);
                        }
                    }
                }
            }
            let expected = map.get(asked.as_str()).map(|&at| at as u32);
            let text_of = |i: u32| texts[i as usize].as_str();
            let hashed = filed::<RandomState>(&texts, &coded, at_first);
            proptest::prop_assert_eq!(hashed.get(&asked, text_of), expected);
            let colliding = filed::<BuildHasherDefault<Same>>(&texts, &coded, at_first);
            proptest::prop_assert_eq!(colliding.get(&asked, text_of), expected);
        }

        /// The array and the map give each name holding a pair once, whichever holds it.
        #[test]
        fn a_pair_gives_the_names_holding_it(
            names in proptest::collection::vec("[鄂州华a]{0,5}", 0..12),
            first in 0usize..12,
            pair in proptest::array::uniform2("[鄂州华a]"),
        ) {
            let first = first.min(names.len());
            let mut pairs = Pairs::new(names[..first].iter().map(String::as_str));
            for (at, name) in names.iter().enumerate().skip(first) {
                pairs.add(at as u32, name);
            }
            let pair = pair.map(|c| c.chars().next().unwrap_or('a'));
            let holding: Vec<u32> = pairs.holding(&pair).into_iter().flatten().copied().collect();
            let every: Vec<u32> = (0..names.len() as u32)
                .filter(|&at| pairs_of(&names[at as usize]).contains(&pair))
                .collect();
            proptest::prop_assert_eq!(holding, every);
        }
    }
}
