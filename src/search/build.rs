//! Building the index from the people, and finding its columns again in its buffers.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::Path;

use super::aside::{AsideIn, NumbersAside, Piece, TextsAside};
use super::columns::{
    write_char_postings, CharPostings, Columns, KeyList, KeysBuilder, Layout, Postings, Texts, U32s,
};
use super::paged::Bytes;
use super::{
    letter_mask, normalise_query, pinyin, Buffers, Candidate, SearchIndex, View, NO_ENTERPRISE,
};

/// Adds `id` to the posting list of each distinct character of `text`.
fn post(postings: &mut HashMap<char, Vec<u32>>, text: &str, id: u32) {
    for c in text.chars() {
        let list = postings.entry(c).or_default();
        if list.last() != Some(&id) {
            list.push(id);
        }
    }
}

/// Whether each column of the layout is text (else numbers, whose lengths are whole numbers), in
/// the order `build` writes them and `view` reads them.
const KINDS: &[bool] = &[
    // ids, names, phones, codes_shown, positions, fuzzy_full, fuzzy_initials, enterprise_names:
    // text and ends each.
    true, false, true, false, true, false, true, false, true, false, true, false, true, false, true,
    false, // enterprise_of, fuzzy_masks, enterprise_initials_at
    false, false, false,
    // initials, full, enterprise_initials, phone_tails, codes: text and keys each.
    true, false, true, false, true, false, true, false, true, false,
    // name_chars, enterprise_chars: chars, ends, ids each; enterprise_people: ends, ids.
    false, false, false, false, false, false, false, false,
    // known_enterprises: text and ends.
    true, false,
];

impl SearchIndex {
    /// The index of `candidates`, keeping `known_enterprises` (every enterprise's name, people
    /// or not) for the forms that offer them.
    pub fn build(
        candidates: impl IntoIterator<Item = Candidate>,
        known_enterprises: impl IntoIterator<Item = String>,
    ) -> SearchIndex {
        SearchIndex::build_numbered(candidates.into_iter().map(|c| (c, None)), known_enterprises)
    }

    /// The index of `people`, each with their enterprise's number (`EnterpriseNumber`).
    pub(super) fn build_numbered(
        people: impl IntoIterator<Item = (Candidate, EnterpriseNumber)>,
        known_enterprises: impl IntoIterator<Item = String>,
    ) -> SearchIndex {
        let built = Gathered::of(people, known_enterprises, AsideIn::Memory).and_then(|gathered| {
            // Sized once: grown by doubling, the bytes and their copy were held together.
            let mut body = Vec::with_capacity(gathered.len());
            let layout = gathered.write(&mut Columns::to(&mut body))?;
            Ok(SearchIndex {
                buffers: Buffers::Built { body },
                layout,
            })
        });
        // Gathering in and writing to memory do not fail.
        built.unwrap_or_default()
    }

    /// The index of `people` as `build_numbered` makes it, written to `out`, its columns put
    /// aside in unnamed files in `aside_in` until their place comes, so that the build holds
    /// only what it still has to sort.
    pub(super) fn write_built(
        people: impl IntoIterator<Item = (Candidate, EnterpriseNumber)>,
        known_enterprises: impl IntoIterator<Item = String>,
        aside_in: &Path,
        out: &mut dyn Write,
    ) -> io::Result<Layout> {
        Gathered::of(people, known_enterprises, AsideIn::Folder(aside_in))?
            .write(&mut Columns::to(out))
    }
}

/// A number for a person's enterprise given by the caller, the same for the same name and only
/// for it (`names::EnterpriseNames`), so that the build needs no map of names; without one the
/// build numbers the names itself. One index's people all have one, or none do.
pub(super) type EnterpriseNumber = Option<u32>;

/// The index's own number of each enterprise, in the order the people first name them.
#[derive(Default)]
struct Numbering {
    /// By the caller's number; `UNSEEN` where none yet.
    given: Vec<u32>,
    by_name: HashMap<String, u32>,
    count: u32,
}

const UNSEEN: u32 = u32::MAX;

impl Numbering {
    /// The index's number of `enterprise`, and whether it is new.
    fn of(&mut self, enterprise: &str, given: EnterpriseNumber) -> (u32, bool) {
        debug_assert!(
            given.is_some() || self.given.is_empty(),
            "one index's people all have a number for their enterprise, or none do"
        );
        debug_assert!(given.is_none() || self.by_name.is_empty());
        let next = self.count;
        let id = match given {
            Some(given) => {
                let given = given as usize;
                if self.given.len() <= given {
                    self.given.resize(given + 1, UNSEEN);
                }
                if self.given[given] == UNSEEN {
                    self.given[given] = next;
                }
                self.given[given]
            }
            None => *self.by_name.entry(enterprise.to_string()).or_insert(next),
        };
        let new = id == next;
        if new {
            self.count += 1;
        }
        (id, new)
    }
}

/// Every column of an index, gathered from the people and put aside, not yet written.
struct Gathered {
    /// ids, names, phones, codes_shown, positions, fuzzy_full, fuzzy_initials,
    /// enterprise_names.
    texts: [TextsAside; 8],
    /// enterprise_of, fuzzy_masks, enterprise_initials_at.
    numbers: [NumbersAside; 3],
    /// initials, full, enterprise_initials, phone_tails, codes.
    keys: [Piece; 5],
    /// name_chars, enterprise_chars, enterprise_people.
    postings: Piece,
    known: TextsAside,
}

/// For each character of the strings of `column`, the numbers of the strings it is in.
fn char_postings(column: &mut TextsAside) -> io::Result<HashMap<char, Vec<u32>>> {
    let mut postings = HashMap::new();
    column.each(|entry, text| {
        post(&mut postings, text, entry);
        Ok(())
    })?;
    Ok(postings)
}

/// Each enterprise's people, from the enterprise of each person read back, written as
/// `write_postings` writes lists: counted first, then laid end to end, not a list grown for
/// each of 120,000 enterprises at ten times (5.6 MB).
fn write_enterprise_people(
    enterprise_of: &mut NumbersAside,
    enterprises: usize,
    out: &mut Columns,
) -> io::Result<()> {
    let mut ends = vec![0u32; enterprises];
    enterprise_of.each(|_, enterprise| {
        if let Some(count) = ends.get_mut(enterprise as usize) {
            *count += 1;
        }
        Ok(())
    })?;
    let mut end = 0;
    for count in &mut ends {
        end += *count;
        *count = end;
    }
    // Where each enterprise's next person goes: its list's start.
    let mut next: Vec<u32> = std::iter::once(0)
        .chain(ends.iter().copied())
        .take(enterprises)
        .collect();
    let mut people = vec![0u32; end as usize];
    enterprise_of.each(|entry, enterprise| {
        if let Some(at) = next.get_mut(enterprise as usize) {
            let place = people.get_mut(*at as usize).ok_or_else(|| {
                io::Error::other("an enterprise's people changed while they were read back")
            })?;
            *place = entry;
            *at += 1;
        }
        Ok(())
    })?;
    drop(next);
    out.numbers(ends)?;
    out.numbers(people)
}

/// `keys` sorted and put aside.
fn sorted(keys: KeysBuilder, within: AsideIn) -> io::Result<Piece> {
    Piece::of(within, |out| keys.write(out))
}

/// A key for each string of `column` that `key_of` gives one, under the string's number,
/// sorted and put aside.
fn keys_of(
    column: &mut TextsAside,
    within: AsideIn,
    key_of: impl Fn(&str) -> Option<String>,
) -> io::Result<Piece> {
    let mut keys = KeysBuilder::default();
    column.each(|entry, text| {
        if let Some(key) = key_of(text) {
            keys.push(&key, entry, false);
        }
        Ok(())
    })?;
    sorted(keys, within)
}

impl Gathered {
    /// The people are read once, for the columns that need them whole; each list of keys is
    /// then made from the column it comes from, read back, so that only the keys being sorted
    /// are held.
    fn of(
        people: impl IntoIterator<Item = (Candidate, EnterpriseNumber)>,
        known_enterprises: impl IntoIterator<Item = String>,
        within: AsideIn,
    ) -> io::Result<Gathered> {
        let [mut ids, mut names, mut phones, mut codes_shown] =
            [(); 4].map(|_| TextsAside::new(within));
        let [mut positions, mut fuzzy_full, mut fuzzy_initials, mut enterprise_names] =
            [(); 4].map(|_| TextsAside::new(within));
        let [mut enterprise_of, mut fuzzy_masks, mut enterprise_initials_at] =
            [(); 3].map(|_| NumbersAside::new(within));
        // First, so that what the names are read from can be let go by the people's pass.
        let mut known_names: Vec<String> = known_enterprises.into_iter().collect();
        known_names.sort_unstable();
        known_names.dedup();
        let mut known = TextsAside::new(within);
        for name in known_names {
            known.push(&name)?;
        }
        let mut numbering = Numbering::default();
        for (candidate, number) in people {
            ids.push(&candidate.id)?;
            names.push(&candidate.name)?;
            phones.push(&candidate.phone)?;
            codes_shown.push(&candidate.code)?;
            positions.push(&candidate.position)?;
            let enterprise = candidate.enterprise.as_str();
            if enterprise.is_empty() {
                enterprise_of.push(NO_ENTERPRISE)?;
                continue;
            }
            let (id, new) = numbering.of(enterprise, number);
            if new {
                enterprise_names.push(enterprise)?;
            }
            enterprise_of.push(id)?;
        }
        drop(numbering);
        // The characters' lists are made from the columns read back, one list at a time, not
        // gathered through the people's pass beside everything else (15 MB at ten times).
        let postings = Piece::of(within, |out| {
            write_char_postings(char_postings(&mut names)?, out)?;
            write_char_postings(char_postings(&mut enterprise_names)?, out)?;
            write_enterprise_people(&mut enterprise_of, enterprise_names.count(), out)
        })?;

        // Initials then full pinyin, each list sorted and put aside before the next is made:
        // both at once held 20 MB at ten times, for reading the names twice.
        let mut initials = KeysBuilder::default();
        names.each(|entry, name| {
            let variants = pinyin::variants(name);
            for variant in &variants {
                initials.push(&variant.initials, entry, !variant.primary);
            }
            let (primary_full, primary_initials) = variants
                .first()
                .map(|v| (v.full.as_str(), v.initials.as_str()))
                .unwrap_or_default();
            fuzzy_full.push(primary_full)?;
            fuzzy_initials.push(primary_initials)?;
            fuzzy_masks.push(letter_mask(primary_full))
        })?;
        let initials = sorted(initials, within)?;
        let mut full = KeysBuilder::default();
        names.each(|entry, name| {
            for variant in &pinyin::variants(name) {
                full.push(&variant.full, entry, !variant.primary);
            }
            Ok(())
        })?;
        let full = sorted(full, within)?;

        let mut enterprise_initials = KeysBuilder::default();
        enterprise_names.each(|id, enterprise| {
            let (initials, starts) = pinyin::name_part_initials(enterprise);
            enterprise_initials_at.push(enterprise_initials.push_suffixes(&initials, &starts, id))
        })?;
        let enterprise_initials = sorted(enterprise_initials, within)?;

        let phone_tails = keys_of(&mut phones, within, |phone| {
            let digits: String = phone.chars().filter(char::is_ascii_digit).rev().collect();
            (!digits.is_empty()).then_some(digits)
        })?;
        let codes = keys_of(&mut codes_shown, within, |code| {
            (!code.is_empty()).then(|| normalise_query(code))
        })?;

        Ok(Gathered {
            texts: [
                ids,
                names,
                phones,
                codes_shown,
                positions,
                fuzzy_full,
                fuzzy_initials,
                enterprise_names,
            ],
            numbers: [enterprise_of, fuzzy_masks, enterprise_initials_at],
            keys: [initials, full, enterprise_initials, phone_tails, codes],
            postings,
            known,
        })
    }

    /// The bytes `write` writes.
    fn len(&self) -> usize {
        self.texts.iter().map(TextsAside::len).sum::<usize>()
            + self.numbers.iter().map(NumbersAside::len).sum::<usize>()
            + self.keys.iter().map(Piece::len).sum::<usize>()
            + self.postings.len()
            + self.known.len()
    }

    /// Writes the columns in the order `view` reads them, each aside let go once copied.
    fn write(self, out: &mut Columns) -> io::Result<Layout> {
        for column in self.texts {
            column.write(out)?;
        }
        for column in self.numbers {
            column.write(out)?;
        }
        for piece in self.keys {
            piece.write(out)?;
        }
        self.postings.write(out)?;
        self.known.write(out)?;
        Ok(std::mem::take(&mut out.layout))
    }
}

impl SearchIndex {
    /// The index's bytes and where each column lies in them, as a file keeps them.
    #[cfg(test)]
    pub(super) fn parts(&self) -> (&Layout, Bytes<'_>) {
        (&self.layout, self.buffers.body())
    }

    /// An index from what `parts` gave, or `None` if they are not a whole index.
    pub(super) fn from_parts(layout: Layout, buffers: Buffers) -> Option<Self> {
        let body = buffers.body().len();
        let fits = layout.len() == KINDS.len()
            && layout.iter().zip(KINDS).all(|(range, &is_text)| {
                let within = range.start <= range.end && range.end <= body;
                within && (is_text || range.len() % 4 == 0)
            });
        if !fits {
            return None;
        }
        let index = SearchIndex { buffers, layout };
        let v = index.view();
        let entries = v.ids.len();
        let whole = [
            v.names.len(),
            v.phones.len(),
            v.codes_shown.len(),
            v.positions.len(),
            v.fuzzy_full.len(),
            v.fuzzy_initials.len(),
            v.enterprise_of.len(),
            v.fuzzy_masks.len(),
        ]
        .iter()
        .all(|&n| n == entries)
            && v.enterprise_initials_at.len() == v.enterprise_names.len();
        whole.then_some(index)
    }

    /// The columns where `build` put them; checked by `from_parts`, so each is there.
    pub(super) fn view(&self) -> View<'_> {
        let mut c = Cursor { index: self, at: 0 };
        View {
            ids: c.texts(),
            names: c.texts(),
            phones: c.texts(),
            codes_shown: c.texts(),
            positions: c.texts(),
            fuzzy_full: c.texts(),
            fuzzy_initials: c.texts(),
            enterprise_names: c.texts(),
            enterprise_of: c.numbers(),
            fuzzy_masks: c.numbers(),
            enterprise_initials_at: c.numbers(),
            initials: c.keys(),
            full: c.keys(),
            enterprise_initials: c.keys(),
            phone_tails: c.keys(),
            codes: c.keys(),
            name_chars: c.char_postings(),
            enterprise_chars: c.char_postings(),
            enterprise_people: c.postings(),
            known_enterprises: c.texts(),
        }
    }
}

/// Reads the layout's columns in order (struct fields are evaluated as written).
struct Cursor<'a> {
    index: &'a SearchIndex,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn range(&mut self) -> Range<usize> {
        let range = self.index.layout.get(self.at).cloned().unwrap_or(0..0);
        self.at += 1;
        range
    }

    fn text(&mut self) -> Bytes<'a> {
        let range = self.range();
        self.index.buffers.body().within(range)
    }

    fn numbers(&mut self) -> U32s<'a> {
        U32s::new(self.text())
    }

    fn texts(&mut self) -> Texts<'a> {
        Texts {
            arena: self.text(),
            ends: self.numbers(),
        }
    }

    fn keys(&mut self) -> KeyList<'a> {
        KeyList {
            arena: self.text(),
            keys: self.numbers(),
        }
    }

    fn postings(&mut self) -> Postings<'a> {
        Postings {
            ends: self.numbers(),
            ids: self.numbers(),
        }
    }

    fn char_postings(&mut self) -> CharPostings<'a> {
        CharPostings {
            chars: self.numbers(),
            lists: self.postings(),
        }
    }
}
