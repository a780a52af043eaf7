//! One search index for every screen that finds people: pinyin initials, full pinyin, Hanzi,
//! phone tail, participant code, enterprise name or initials, then fuzzy. Results come in tiers so
//! the likeliest person is on top after two or three keystrokes.

pub mod door;
pub mod lookup;
pub use crate::domain::pinyin;

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::text::fold_full_width;

/// Why a result matched; lower tiers rank first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// The participant code, a whole phone number, or its last four or more digits.
    Exact,
    /// Pinyin initials prefix: zs → 张三.
    Initials,
    /// Full pinyin prefix: zhangs → 张三.
    Pinyin,
    /// Characters of the name: 张 → 张三.
    Hanzi,
    /// The enterprise's name or its initials.
    Enterprise,
    /// The letters appear in order somewhere in the name's pinyin.
    Fuzzy,
}

impl Tier {
    pub fn key(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Initials => "initials",
            Self::Pinyin => "pinyin",
            Self::Hanzi => "hanzi",
            Self::Enterprise => "enterprise",
            Self::Fuzzy => "fuzzy",
        }
    }
}

/// What the index knows of one person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub code: String,
    pub enterprise: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    pub tier: Tier,
    /// Lower is better within a tier: secondary readings and longer keys cost more.
    pub score: u32,
}

/// A key in the arena: sorted lists of these make prefix queries a binary search.
#[derive(Debug, Clone, Copy)]
struct Key {
    start: u32,
    len: u16,
    entry: u32,
    secondary: bool,
}

#[derive(Debug, Default)]
struct KeyList {
    arena: String,
    keys: Vec<Key>,
}

impl KeyList {
    fn push(&mut self, text: &str, entry: u32, secondary: bool) {
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
    fn push_suffixes(&mut self, text: &str, starts: &[usize], entry: u32) -> u32 {
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

    fn sort(&mut self) {
        let mut keys = std::mem::take(&mut self.keys);
        keys.sort_by(|a, b| self.text(a).cmp(self.text(b)).then(a.entry.cmp(&b.entry)));
        self.keys = keys;
    }

    /// Keys starting with `prefix`, in order, at most `cap` of them.
    fn prefixed<'a>(&'a self, prefix: &'a str, cap: usize) -> impl Iterator<Item = &'a Key> + 'a {
        let first = self.keys.partition_point(|k| self.text(k) < prefix);
        self.keys[first..]
            .iter()
            .take_while(move |k| self.text(k).starts_with(prefix))
            .take(cap)
    }
}

#[derive(Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Candidate>,
    initials: KeyList,
    full: KeyList,
    /// Each distinct enterprise's initials from the start and from after its place names (entry
    /// = enterprise id): people say 华宇光电 (`hygd`) for 鄂州市华宇光电科技有限公司.
    enterprise_initials: KeyList,
    /// Where each enterprise's initials start in that arena, to rank matches from the start first.
    enterprise_initials_at: Vec<u32>,
    /// Phone digits reversed, so a phone tail is a prefix.
    phone_tails: KeyList,
    /// Primary full pinyin and initials per entry, for the fuzzy scan, with a mask of the
    /// letters in them so most entries are skipped with one AND.
    fuzzy: Vec<(Box<str>, Box<str>, u32)>,
    codes: HashMap<String, u32>,
    /// Entries whose name holds a character: Hanzi queries start from the rarest one.
    name_chars: HashMap<char, Vec<u32>>,
    /// Distinct enterprise names, their people, and which names hold a character.
    enterprises: Vec<(String, Vec<u32>)>,
    enterprise_chars: HashMap<char, Vec<u32>>,
}

/// Query text as the index stores keys: full-width folded, lower-case, ü as v, no spaces.
pub fn normalise_query(query: &str) -> String {
    query
        .chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ü' { 'v' } else { c })
        .collect()
}

fn letter_mask(text: &str) -> u32 {
    text.bytes()
        .filter(u8::is_ascii_lowercase)
        .fold(0, |mask, b| mask | 1 << (b - b'a'))
}

/// Adds `id` to the posting list of each distinct character of `text`.
fn post(postings: &mut HashMap<char, Vec<u32>>, text: &str, id: u32) {
    for c in text.chars() {
        let list = postings.entry(c).or_default();
        if list.last() != Some(&id) {
            list.push(id);
        }
    }
}

/// The shortest posting list among the query's characters: every match is in it.
fn rarest<'a>(postings: &'a HashMap<char, Vec<u32>>, query: &str) -> &'a [u32] {
    query
        .chars()
        .map(|c| postings.get(&c).map_or(&[][..], Vec::as_slice))
        .min_by_key(|list| list.len())
        .unwrap_or(&[])
}

fn is_subsequence(needle: &str, haystack: &str) -> Option<u32> {
    let mut hay = haystack.char_indices();
    let mut first = None;
    let mut last = 0;
    for n in needle.chars() {
        let (i, _) = hay.by_ref().find(|(_, h)| *h == n)?;
        first.get_or_insert(i);
        last = i;
    }
    // Spread of the match: tighter matches rank first.
    Some((last - first.unwrap_or(0)) as u32)
}

impl SearchIndex {
    pub fn build(candidates: Vec<Candidate>) -> SearchIndex {
        let mut index = SearchIndex::default();
        let mut enterprise_ids: HashMap<String, u32> = HashMap::new();
        for (i, candidate) in candidates.iter().enumerate() {
            let entry = i as u32;
            let variants = pinyin::variants(&candidate.name);
            for variant in &variants {
                index
                    .initials
                    .push(&variant.initials, entry, !variant.primary);
                index.full.push(&variant.full, entry, !variant.primary);
            }
            let (full, initials) = variants
                .first()
                .map(|v| (v.full.clone(), v.initials.clone()))
                .unwrap_or_default();
            let mask = letter_mask(&full);
            index.fuzzy.push((full.into(), initials.into(), mask));
            post(&mut index.name_chars, &candidate.name, entry);
            if !candidate.enterprise.is_empty() {
                let next = index.enterprises.len() as u32;
                let id = *enterprise_ids
                    .entry(candidate.enterprise.clone())
                    .or_insert(next);
                if id == next {
                    index
                        .enterprises
                        .push((candidate.enterprise.clone(), Vec::new()));
                    post(&mut index.enterprise_chars, &candidate.enterprise, id);
                    let (initials, starts) = pinyin::name_part_initials(&candidate.enterprise);
                    let at = index
                        .enterprise_initials
                        .push_suffixes(&initials, &starts, id);
                    index.enterprise_initials_at.push(at);
                }
                index.enterprises[id as usize].1.push(entry);
            }
            let digits: String = candidate
                .phone
                .chars()
                .filter(char::is_ascii_digit)
                .rev()
                .collect();
            if !digits.is_empty() {
                index.phone_tails.push(&digits, entry, false);
            }
            if !candidate.code.is_empty() {
                index.codes.insert(normalise_query(&candidate.code), entry);
            }
        }
        for list in [
            &mut index.initials,
            &mut index.full,
            &mut index.enterprise_initials,
            &mut index.phone_tails,
        ] {
            list.sort();
        }
        index.entries = candidates;
        index
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, hit: &Hit) -> &Candidate {
        &self.entries[hit.entry as usize]
    }

    /// The best `limit` matches, best first; each person once, under their best tier.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query = normalise_query(query);
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        // Enough of each tier to rank well without sorting a whole alphabet's worth of keys.
        let cap = (limit * 8).max(256);
        let mut best: HashMap<u32, Hit> = HashMap::new();
        let add = |best: &mut HashMap<u32, Hit>, entry: u32, tier: Tier, score: u32| {
            let hit = Hit { entry, tier, score };
            best.entry(entry)
                .and_modify(|h| {
                    if (tier, score) < (h.tier, h.score) {
                        *h = hit;
                    }
                })
                .or_insert(hit);
        };
        let ascii = query.is_ascii();
        let digits = query.chars().all(|c| c.is_ascii_digit());
        if let Some(entry) = self.codes.get(&query) {
            add(&mut best, *entry, Tier::Exact, 0);
        }
        if digits && query.len() >= 4 {
            let reversed: String = query.chars().rev().collect();
            for key in self.phone_tails.prefixed(&reversed, cap) {
                add(&mut best, key.entry, Tier::Exact, 1);
            }
        }
        let tiers_full = |best: &HashMap<u32, Hit>| best.len() >= limit;
        if ascii && !digits {
            for (list, tier) in [(&self.initials, Tier::Initials), (&self.full, Tier::Pinyin)] {
                if tiers_full(&best) {
                    break;
                }
                for key in list.prefixed(&query, cap) {
                    let score = u32::from(key.secondary) * 1000 + u32::from(key.len);
                    add(&mut best, key.entry, tier, score);
                }
            }
        }
        if !ascii && !tiers_full(&best) {
            let mut found = 0;
            for &entry in rarest(&self.name_chars, &query) {
                if let Some(at) = self.entries[entry as usize].name.find(&query) {
                    add(&mut best, entry, Tier::Hanzi, at as u32);
                    found += 1;
                    if found >= cap {
                        break;
                    }
                }
            }
            let mut found = 0;
            for &id in rarest(&self.enterprise_chars, &query) {
                let (name, people) = &self.enterprises[id as usize];
                if name.contains(&query) {
                    for &entry in people {
                        add(&mut best, entry, Tier::Enterprise, 0);
                    }
                    found += people.len();
                    if found >= cap {
                        break;
                    }
                }
            }
        }
        if ascii && !digits && !tiers_full(&best) {
            let mut found = 0;
            for key in self.enterprise_initials.prefixed(&query, cap) {
                let id = key.entry as usize;
                // From the name's start first, then the shorter name.
                let offset = key.start - self.enterprise_initials_at[id];
                let score = offset * 1000 + u32::from(key.len);
                for &entry in &self.enterprises[id].1 {
                    add(&mut best, entry, Tier::Enterprise, score);
                }
                found += self.enterprises[id].1.len();
                if found >= cap {
                    break;
                }
            }
        }
        if ascii && !digits && !tiers_full(&best) {
            let wanted = letter_mask(&query);
            let mut found = 0;
            for (i, (full, initials, mask)) in self.fuzzy.iter().enumerate() {
                if mask & wanted != wanted {
                    continue;
                }
                let spread = is_subsequence(&query, initials)
                    .or_else(|| is_subsequence(&query, full).map(|s| s + 100));
                if let Some(spread) = spread {
                    add(&mut best, i as u32, Tier::Fuzzy, spread);
                    found += 1;
                    if found >= cap {
                        break;
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            (a.tier, a.score)
                .cmp(&(b.tier, b.score))
                .then_with(|| {
                    self.entries[a.entry as usize]
                        .name
                        .cmp(&self.entries[b.entry as usize].name)
                })
                .then(a.entry.cmp(&b.entry))
        });
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests;
