//! Which enterprise a row, a form or a walk-in names. An enterprise is its 统一社会信用代码 when
//! it has one: a row is matched by code first, then by name, and a name that differs from the one
//! known for its code (or a code that differs from the one known for its name) is a conflict a
//! person must settle, never a silent merge or a second record.

mod index;
mod records;
mod stored;

use index::{pairs_of, ByText, Pairs};
use records::Records;
pub use stored::StoredEnterprises;

use super::text::{near_name, Places, ShortForm};
use super::Enterprise;
use crate::i18n::tf;

/// Where a known enterprise was seen: in the store, or on an earlier row of the same sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    Stored,
    Row(usize),
}

/// What matching holds of a known enterprise; the whole record is the store's, read by its id
/// for the few a sheet names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub credit_code: Option<&'a str>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Match<'a> {
    Known(Known<'a>, Seen),
    New,
    /// Said in the UI language, naming both names or both codes.
    Conflict(String),
}

#[derive(Debug, Default)]
pub struct KnownEnterprises {
    records: Records,
    by_code: ByText,
    by_name: ByText,
    /// What `like` looks names up by.
    pairs: Pairs,
}

impl KnownEnterprises {
    /// The enterprises `stored` holds, filed for matching.
    pub fn of(stored: StoredEnterprises) -> KnownEnterprises {
        let records = stored.into_records();
        let count = records.len() as u32;
        let by_code = ByText::filed(count, |at| records.code(at), |_, _| true);
        // A name's record with a code is the better one to match by name.
        let by_name = ByText::filed(
            count,
            |at| Some(records.name(at)),
            |filed, later| records.has_code(filed) || !records.has_code(later),
        );
        let pairs = Pairs::new((0..count).map(|at| records.name(at)));
        KnownEnterprises {
            records,
            by_code,
            by_name,
            pairs,
        }
    }

    /// Remembers `e`; the first record for a code or a name stays the one rows match.
    pub fn add(&mut self, e: &Enterprise, seen: Seen) {
        let at = self.records.push(e, seen);
        self.file(at);
        self.pairs.add(at, &e.name);
    }

    /// Record `at` filed by its code and name, not yet by its pairs, as `of` files them.
    fn file(&mut self, at: u32) {
        let records = &self.records;
        let (e, _) = records.read(at);
        if let Some(code) = e.credit_code {
            let code_of = |i| records.code(i).unwrap_or_default();
            self.by_code.insert(code, at, code_of, |_| true);
        }
        let keep = |i| records.has_code(i) || e.credit_code.is_none();
        self.by_name.insert(e.name, at, |i| records.name(i), keep);
    }

    /// The enterprise `name` and `code` (already validated, upper case) name. An empty name with
    /// a known code is that enterprise.
    pub fn resolve(&self, name: &str, code: Option<&str>) -> Match<'_> {
        let records = &self.records;
        if let Some(code) = code {
            let code_of = |i| records.code(i).unwrap_or_default();
            if let Some(i) = self.by_code.get(code, code_of) {
                let (known, seen) = records.read(i);
                // A short form of the known name (新越科技 for 鄂州新越科技有限公司) is no conflict.
                let short_form = name.chars().count() >= 2 && known.name.contains(name);
                if name.is_empty() || known.name == name || short_form {
                    return Match::Known(known, seen);
                }
                return Match::Conflict(tf(
                    "cli.enterprise.code_taken",
                    &[
                        ("code", &code),
                        ("known", &known.name),
                        ("where", &where_seen(seen)),
                        ("name", &name),
                    ],
                ));
            }
        }
        let Some(i) = self.by_name.get(name, |i| records.name(i)) else {
            return Match::New;
        };
        let (known, seen) = records.read(i);
        match (known.credit_code, code) {
            (Some(known_code), Some(code)) if known_code != code => Match::Conflict(tf(
                "cli.enterprise.name_has_code",
                &[
                    ("name", &name),
                    ("where", &where_seen(seen)),
                    ("known", &known_code),
                    ("code", &code),
                ],
            )),
            _ => Match::Known(known, seen),
        }
    }

    /// Up to `most` enterprises one character from `typed`, or of which it may be a short or a
    /// full form (`text::ShortForm`, by the `places` names begin with), each once, with where it
    /// was met: registered (said as nothing) first, as the one that would be counted twice, then
    /// on an earlier row of the sheet (said as “（第 3 行）”).
    /// All of them, not the first: 湖北信化 is one character from both 湖北信华 and 湖北信嘉,
    /// and the one meant may be either.
    ///
    /// Only names sharing a pair of characters with the typed one are tried: a sheet of 10,000
    /// new firms at the province tried every known name for each, 170 million in all.
    pub fn like(&self, typed: &str, places: &Places, most: usize) -> Vec<(Known<'_>, String)> {
        let records = &self.records;
        let typed_chars: Vec<char> = typed.chars().collect();
        let short_form = ShortForm::new(places, typed);
        let mut found: Vec<u32> = Vec::new();
        // One edit breaks at most one of two pairs that do not overlap: a name one character
        // from the typed one holds the other. The rarest two are taken.
        let holding: Vec<[&[u32]; 2]> = pairs_of(typed)
            .iter()
            .map(|pair| self.pairs.holding(pair))
            .collect();
        let size = |at: usize| holding[at][0].len() + holding[at][1].len();
        if typed_chars.len() >= 4 {
            let mut best: Option<(usize, usize, usize)> = None;
            for i in 0..holding.len() {
                for j in i + 2..holding.len() {
                    let both = size(i) + size(j);
                    if best.is_none_or(|(least, _, _)| both < least) {
                        best = Some((both, i, j));
                    }
                }
            }
            if let Some((_, i, j)) = best {
                let length = typed_chars.len();
                found.extend(
                    [i, j]
                        .into_iter()
                        .flat_map(|at| holding[at].into_iter().flatten())
                        .filter(|&&k| records.chars(k).abs_diff(length) <= 1)
                        .filter(|&&k| near_name(&typed_chars, records.name(k))),
                );
            }
        }
        // A short or full form holds the first two characters of the typed core.
        if let Some(pair) = short_form.must_hold() {
            found.extend(
                self.pairs
                    .holding(&pair)
                    .into_iter()
                    .flatten()
                    .filter(|&&k| short_form.of(records.name(k))),
            );
        }
        found.sort_unstable();
        found.dedup();
        let mut found: Vec<(Known<'_>, Seen)> = found
            .into_iter()
            .map(|i| records.read(i))
            .filter(|(e, _)| e.name != typed)
            .collect();
        found.sort_by_key(|(_, seen)| *seen != Seen::Stored);
        // Two units may have registered one name: it is said once.
        let mut said = std::collections::HashSet::new();
        found.retain(|(e, _)| said.insert(e.name));
        found
            .into_iter()
            .take(most)
            .map(|(e, seen)| (e, where_seen(seen)))
            .collect()
    }
}

fn where_seen(seen: Seen) -> String {
    match seen {
        Seen::Stored => String::new(),
        Seen::Row(row) => tf("cli.enterprise.on_row", &[("row", &row)]),
    }
}

/// An enterprise of 鄂城区 for tests, with no categories.
#[cfg(test)]
fn test_enterprise(id: &str, name: &str, code: Option<&str>) -> Enterprise {
    Enterprise {
        id: id.into(),
        office: "420704".into(),
        name: name.into(),
        credit_code: code.map(String::from),
        categories: crate::domain::Categories::NONE,
        unit: "420704".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "91420700MA4F2XQ27Q";
    const B: &str = "91420700MA4F2XQ35G";

    /// Known from the store, read as `new` reads it.
    fn stored(list: Vec<Enterprise>) -> KnownEnterprises {
        let read = StoredEnterprises::read(list.into_iter().map(Ok::<_, std::convert::Infallible>));
        match read {
            Ok(stored) => KnownEnterprises::of(stored),
            Err(never) => match never {},
        }
    }

    use super::test_enterprise as enterprise;

    #[test]
    fn a_code_names_its_enterprise_before_any_name() {
        let known = stored(vec![
            enterprise("E1", "鄂州市晶晶水产科技有限公司", Some(A)),
            enterprise("E2", "鄂州市华达机械有限公司", None),
        ]);
        assert!(
            matches!(known.resolve("鄂州市晶晶水产科技有限公司", Some(A)), Match::Known(e, Seen::Stored) if e.id == "E1")
        );
        assert!(matches!(known.resolve("", Some(A)), Match::Known(e, _) if e.id == "E1"));
        assert!(matches!(known.resolve("晶晶水产", Some(A)), Match::Known(e, _) if e.id == "E1"));
        assert!(
            matches!(known.resolve("鄂州市华达机械有限公司", Some(B)), Match::Known(e, _) if e.id == "E2")
        );
        assert_eq!(known.resolve("别的公司", Some(B)), Match::New);
        assert!(
            matches!(known.resolve("别的公司", Some(A)), Match::Conflict(m) if m.contains("鄂州市晶晶水产科技有限公司") && m.contains("别的公司"))
        );
        assert!(
            matches!(known.resolve("鄂州市晶晶水产科技有限公司", Some(B)), Match::Conflict(m) if m.contains(A) && m.contains(B))
        );
    }

    fn places() -> Places {
        crate::text::sample_places()
    }

    #[test]
    fn every_near_name_is_given_the_registered_first_each_once() {
        let mut known = stored(vec![
            enterprise("E1", "湖北信嘉科技有限公司", None),
            enterprise("E2", "湖北信华科技有限公司", None),
            enterprise("E3", "湖北光谷材料有限公司", None),
        ]);
        known.add(
            &enterprise("E4", "湖北信佳科技有限公司", None),
            Seen::Row(3),
        );
        known.add(
            &enterprise("E5", "湖北信嘉科技有限公司", None),
            Seen::Stored,
        );
        let places = places();
        let found: Vec<(&str, String)> = known
            .like("湖北信化科技有限公司", &places, 3)
            .into_iter()
            .map(|(e, seen)| (e.id, seen))
            .collect();
        let ids: Vec<&str> = found.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, ["E1", "E2", "E4"]);
        assert!(found[0].1.is_empty() && found[2].1.contains('3'));
        assert_eq!(
            known.like("湖北信化科技有限公司", &places, 2).len(),
            2,
            "no more than asked"
        );
    }

    #[test]
    fn a_short_form_finds_the_names_it_starts_or_that_start_it() {
        let known = stored(vec![
            enterprise("E1", "鄂州市晶晶水产科技有限公司", None),
            enterprise("E2", "鄂州市晶华水产有限公司", None),
            enterprise("E3", "湖北宏达", None),
        ]);
        let places = places();
        let ids = |typed: &str| -> Vec<String> {
            known
                .like(typed, &places, 5)
                .into_iter()
                .map(|(e, _)| e.id.to_string())
                .collect()
        };
        assert_eq!(ids("鄂州晶晶水产"), ["E1"]);
        assert_eq!(ids("晶晶"), ["E1"], "two characters are enough");
        assert_eq!(
            ids("湖北省宏达机械有限公司"),
            ["E3"],
            "the known one in short"
        );
        assert!(ids("华容晶晶水产").is_empty(), "another place");
        assert!(ids("鄂州科技").is_empty(), "nothing tells it apart");
    }

    proptest::proptest! {
        /// Looking names up by their pairs finds what trying every name finds, whether the
        /// names were read at first (the sorted array) or added since (the map).
        #[test]
        fn the_pairs_miss_no_near_name(
            names in proptest::collection::vec("[鄂州华容晶水产达a]{2,8}", 0..12),
            first in 0usize..12,
            typed in "[鄂州华容晶水产达a]{1,9}",
        ) {
            let first = first.min(names.len());
            let made = |(i, name): (usize, &String)| enterprise(&format!("E{i}"), name, None);
            let mut known = stored(names.iter().enumerate().take(first).map(made).collect());
            for e in names.iter().enumerate().skip(first).map(made) {
                known.add(&e, Seen::Stored);
            }
            let places = places();
            let short_form = ShortForm::new(&places, &typed);
            let chars: Vec<char> = typed.chars().collect();
            let mut every: Vec<&str> = names
                .iter()
                .map(String::as_str)
                .filter(|name| *name != typed && (near_name(&chars, name) || short_form.of(name)))
                .collect();
            // Each name once, as `like` says them.
            let mut said = std::collections::HashSet::new();
            every.retain(|name| said.insert(*name));
            let found: Vec<&str> = known.like(&typed, &places, 50).into_iter().map(|(e, _)| e.name).collect();
            proptest::prop_assert_eq!(found, every);
        }
    }

    #[test]
    fn rows_of_the_same_sheet_are_named_by_number() {
        let mut known = stored(Vec::new());
        known.add(&enterprise("E1", "甲公司", Some(A)), Seen::Row(4));
        match known.resolve("乙公司", Some(A)) {
            Match::Conflict(m) => assert!(m.contains('4'), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}
