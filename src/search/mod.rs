//! One search index for every screen that finds people: pinyin initials, full pinyin, Hanzi,
//! phone tail, participant code, enterprise name or initials, then fuzzy. Results come in tiers so
//! the likeliest person is on top after two or three keystrokes.

mod aside;
mod build;
/// The fewest digits that search phone tails: fewer match a tenth of everyone.
pub const PHONE_TAIL_DIGITS: usize = 4;

/// Digits too few to be a phone tail, so nothing is searched for them: worth saying, since
/// that is why nothing was found.
pub fn too_few_digits(query: &str) -> bool {
    // As searched: full-width digits from an input method are digits too.
    let query = normalise_query(query);
    !query.is_empty()
        && query.len() < PHONE_TAIL_DIGITS
        && query.chars().all(|c| c.is_ascii_digit())
}

pub mod cache;
mod columns;
pub mod door;
pub mod lookup;
pub mod names;
pub mod office;
mod paged;
pub use crate::domain::pinyin;

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Serialize;

use crate::domain::text::fold_full_width;
use columns::{CharPostings, KeyList, Postings, Texts, U32s};
use paged::Bytes;

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
    /// Shown beside the name where people are offered to pick from; not searched.
    pub position: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub entry: u32,
    pub tier: Tier,
    /// Lower is better within a tier: secondary readings and longer keys cost more.
    pub score: u32,
}

/// `enterprise_of` for someone without an enterprise.
const NO_ENTERPRISE: u32 = u32::MAX;

/// Every column is indexed by entry (a person's place in the list it was built from), by
/// enterprise (each distinct name once), or is a sorted key list naming either. They lie one
/// after another (`columns`); `view` finds them there.
#[derive(Debug, Default)]
pub struct SearchIndex {
    buffers: Buffers,
    layout: columns::Layout,
}

/// Where an index's bytes lie: built in this process, or in the kept file, read a page at a
/// time.
#[derive(Debug)]
enum Buffers {
    Built {
        body: Vec<u8>,
    },
    Kept {
        file: paged::Paged,
        body: std::ops::Range<usize>,
    },
}

impl Default for Buffers {
    fn default() -> Buffers {
        Buffers::Built { body: Vec::new() }
    }
}

impl Buffers {
    fn body(&self) -> Bytes<'_> {
        match self {
            Buffers::Built { body } => Bytes::Held(body),
            Buffers::Kept { file, body } => Bytes::paged(file).within(body.clone()),
        }
    }
}

/// The columns of a `SearchIndex`, in the order `build` writes them.
#[derive(Default)]
struct View<'a> {
    ids: Texts<'a>,
    names: Texts<'a>,
    phones: Texts<'a>,
    /// Codes as the person was given them, for showing; `codes` holds them normalised.
    codes_shown: Texts<'a>,
    positions: Texts<'a>,
    /// Primary full pinyin and initials per entry, for the fuzzy scan, with a mask of the
    /// letters in them so most entries are skipped with one AND.
    fuzzy_full: Texts<'a>,
    fuzzy_initials: Texts<'a>,
    enterprise_names: Texts<'a>,
    enterprise_of: U32s<'a>,
    fuzzy_masks: U32s<'a>,
    /// Where each enterprise's initials start in their arena, to rank matches from the start
    /// first.
    enterprise_initials_at: U32s<'a>,
    initials: KeyList<'a>,
    full: KeyList<'a>,
    /// Each distinct enterprise's initials from the start and from after its place names (entry
    /// = enterprise id): people say 华宇光电 (`hygd`) for 鄂州市华宇光电科技有限公司.
    enterprise_initials: KeyList<'a>,
    /// Phone digits reversed, so a phone tail is a prefix.
    phone_tails: KeyList<'a>,
    codes: KeyList<'a>,
    /// Entries whose name holds a character: Hanzi queries start from the rarest one.
    name_chars: CharPostings<'a>,
    enterprise_chars: CharPostings<'a>,
    enterprise_people: Postings<'a>,
    /// Every enterprise of the office by name, sorted, people or not: what the enrol form
    /// offers, read from here rather than from every enterprise record of the store.
    known_enterprises: Texts<'a>,
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
    pub fn len(&self) -> usize {
        self.view().ids.len()
    }

    /// Every enterprise's name the index was built with, sorted, each once.
    pub fn known_enterprises(&self) -> impl Iterator<Item = String> + '_ {
        self.view().known_enterprises.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The person a hit names.
    pub fn entry(&self, hit: &Hit) -> Candidate {
        self.entry_at(hit.entry)
    }

    /// The person at `entry`, their place in the list the index was built from.
    pub fn entry_at(&self, entry: u32) -> Candidate {
        let v = self.view();
        let enterprise = match v.enterprise_of.get(entry as usize) {
            Some(id) if id != NO_ENTERPRISE => v.enterprise_names.get(id),
            _ => Cow::Borrowed(""),
        };
        Candidate {
            id: v.ids.get(entry).into_owned(),
            name: v.names.get(entry).into_owned(),
            phone: v.phones.get(entry).into_owned(),
            code: v.codes_shown.get(entry).into_owned(),
            enterprise: enterprise.into_owned(),
            position: v.positions.get(entry).into_owned(),
        }
    }

    /// The id of the person a hit names, without copying the rest.
    pub fn id(&self, hit: &Hit) -> Cow<'_, str> {
        self.id_at(hit.entry)
    }

    fn id_at(&self, entry: u32) -> Cow<'_, str> {
        self.view().ids.get(entry)
    }

    fn name(&self, hit: &Hit) -> Cow<'_, str> {
        self.view().names.get(hit.entry)
    }

    /// The best `limit` matches, best first; each person once, under their best tier.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let query = normalise_query(query);
        if query.is_empty() || limit == 0 {
            return Vec::new();
        }
        let v = self.view();
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
        // A code read aloud or off paper: O for 0, I or L for 1, as the codes never use them
        // (a code has digits; a name's pinyin is left as typed).
        let code = if ascii && query.bytes().any(|b| b.is_ascii_digit()) {
            crate::domain::code::normalise_code(&query).to_ascii_lowercase()
        } else {
            String::new()
        };
        if !code.is_empty() {
            for key in v.codes.prefixed(&code, cap) {
                if usize::from(key.len) == code.len() {
                    add(&mut best, key.entry, Tier::Exact, 0);
                }
            }
        }
        if digits && query.len() >= PHONE_TAIL_DIGITS {
            let reversed: String = query.chars().rev().collect();
            for key in v.phone_tails.prefixed(&reversed, cap) {
                add(&mut best, key.entry, Tier::Exact, 1);
            }
        }
        let tiers_full = |best: &HashMap<u32, Hit>| best.len() >= limit;
        if ascii && !digits {
            for (list, tier) in [(v.initials, Tier::Initials), (v.full, Tier::Pinyin)] {
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
            for entry in v.name_chars.rarest(&query).iter() {
                if let Some(at) = v.names.get(entry).find(&query) {
                    add(&mut best, entry, Tier::Hanzi, at as u32);
                    found += 1;
                    if found >= cap {
                        break;
                    }
                }
            }
            let mut found = 0;
            for id in v.enterprise_chars.rarest(&query).iter() {
                if v.enterprise_names.get(id).contains(&query) {
                    let people = v.enterprise_people.get(id);
                    for entry in people.iter() {
                        add(&mut best, entry, Tier::Enterprise, 0);
                    }
                    found += people.len();
                    if found >= cap {
                        break;
                    }
                }
            }
        }
        if !ascii && best.is_empty() {
            // Nobody with these characters: someone whose name sounds the same (于含 typed for
            // 于涵, an input method's slip), offered as approximate.
            for variant in crate::domain::pinyin::variants(&query) {
                for key in v.full.prefixed(&variant.full, cap) {
                    if usize::from(key.len) == variant.full.len() {
                        let score = u32::from(key.secondary) * 1000 + u32::from(!variant.primary);
                        add(&mut best, key.entry, Tier::Fuzzy, score);
                    }
                }
            }
        }
        if ascii && !digits && !tiers_full(&best) {
            let mut found = 0;
            for key in v.enterprise_initials.prefixed(&query, cap) {
                let id = key.entry;
                // From the name's start first, then the shorter name.
                let from = v.enterprise_initials_at.get(id as usize);
                let offset = key.start.saturating_sub(from.unwrap_or(0));
                let score = offset
                    .saturating_mul(1000)
                    .saturating_add(u32::from(key.len));
                let people = v.enterprise_people.get(id);
                for entry in people.iter() {
                    add(&mut best, entry, Tier::Enterprise, score);
                }
                found += people.len();
                if found >= cap {
                    break;
                }
            }
        }
        if ascii && !digits && !tiers_full(&best) {
            let wanted = letter_mask(&query);
            let mut found = 0;
            for (i, mask) in v.fuzzy_masks.iter().enumerate() {
                if mask & wanted != wanted {
                    continue;
                }
                let i = i as u32;
                let spread = is_subsequence(&query, &v.fuzzy_initials.get(i))
                    .or_else(|| is_subsequence(&query, &v.fuzzy_full.get(i)).map(|s| s + 100));
                if let Some(spread) = spread {
                    add(&mut best, i, Tier::Fuzzy, spread);
                    found += 1;
                    if found >= cap {
                        break;
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        // Names are read only for the hits kept and those tied with the last kept: from a
        // kept file, each read is a copy.
        let rank = |hit: &Hit| (hit.tier, hit.score);
        if hits.len() > limit {
            let (_, last_kept, _) = hits.select_nth_unstable_by_key(limit - 1, rank);
            let cut = rank(last_kept);
            hits.retain(|hit| rank(hit) <= cut);
        }
        hits.sort_by_cached_key(|hit| (rank(hit), v.names.get(hit.entry), hit.entry));
        hits.truncate(limit);
        hits
    }
}

#[cfg(test)]
mod tests;
