//! Suggestions under the enrol form's fields: typing a name or a phone offers the office's
//! people (the door's `SearchIndex`: pinyin, Hanzi, phone tail), the enterprise field offers
//! known enterprises by any part of the name or its initials. ↓ highlights one, Enter fills the
//! form from it, so a known person is enrolled without typing their whole phone again. In the
//! session form, a course typed without a lecturer offers the register's teachers of it.

use super::app::{Overlay, State};
use super::forms::{Form, FormKind};
use super::tabs::checkin::{CheckinState, IndexJob};
use crate::campaign;
use crate::domain::teacher::Teacher;
use crate::domain::text::mask_phone;
use crate::search::normalise_query;
use crate::search::pinyin::name_part_initials;

/// How many suggestions a field shows.
pub const SHOWN: usize = 5;

/// The known enterprises as the enterprise field matches them, sorted, each once, end to end in
/// one text: at ten times the province 120,000 names held as three strings each took 11 MB more.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownEnterprises {
    /// Each enterprise's name, its initials (from its start and from after each place in it,
    /// apart), then its name with Latin letters in lower case (empty when the name has no
    /// upper-case ones), end to end.
    text: String,
    /// Where each enterprise's three strings end in `text`.
    ends: Vec<[u32; 3]>,
}

/// A known enterprise as the enterprise field matches it.
struct KnownEnterprise<'a> {
    name: &'a str,
    initials: &'a str,
    /// What a query typed in ASCII (in lower case) is looked for in.
    latin_key: &'a str,
}

impl KnownEnterprises {
    /// Their names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.iter().map(|known| known.name)
    }

    fn iter(&self) -> impl Iterator<Item = KnownEnterprise<'_>> {
        let mut start = 0;
        self.ends.iter().map(move |ends| {
            let [name, initials, lowered] = ends.map(|end| end as usize);
            let text = |range: std::ops::Range<usize>| self.text.get(range).unwrap_or("");
            let known = KnownEnterprise {
                name: text(start..name),
                initials: text(name..initials),
                latin_key: if lowered > initials {
                    text(initials..lowered)
                } else {
                    text(start..name)
                },
            };
            start = lowered;
            known
        })
    }
}

/// One suggestion: the line shown, and the fields it fills.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub label: String,
    pub fill: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions {
    /// The field they are for.
    pub field: &'static str,
    pub items: Vec<Suggestion>,
    /// The highlighted one, after ↓.
    pub selected: Option<usize>,
}

impl Suggestions {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn down(&mut self) {
        let last = self.items.len().saturating_sub(1);
        self.selected = Some(self.selected.map_or(0, |i| (i + 1).min(last)));
    }

    /// Up from the first leaves the list.
    pub fn up(&mut self) {
        self.selected = self.selected.and_then(|i| i.checked_sub(1));
    }

    pub fn chosen(&self) -> Option<&Suggestion> {
        self.items.get(self.selected?)
    }
}

/// Whether the office index must be built (an enrol form opens, the door opens): not there
/// yet, or someone registered since the last build is missing from it. Marks it building.
pub fn want_index(state: &mut State) -> bool {
    let c = &mut state.checkin;
    if c.index == IndexJob::NotStarted || (c.index == IndexJob::Ready && c.office_stale) {
        c.index = IndexJob::Building;
        c.office_stale = false;
        return true;
    }
    false
}

/// Works out the focused field's suggestions again (after typing or moving between fields),
/// from the door's index of the office's people and enterprises, or the teachers' register.
pub fn refresh(door: &CheckinState, teachers: &[Teacher], overlay: &mut Overlay) {
    let Overlay::Form(form) = &*overlay else {
        return;
    };
    let items = match form.kind {
        FormKind::Enrol { .. } => for_field(door, form),
        FormKind::WalkIn { .. } => for_walk_in(door, form),
        FormKind::Session(_) => for_lecturer(teachers, form),
        _ => Vec::new(),
    };
    let field = form.fields.get(form.focus).map_or("", |f| f.name);
    if let Overlay::Form(form) = overlay {
        // The highlight stays only while the list is the same.
        let selected = (form.suggest.field == field && form.suggest.items == items)
            .then_some(form.suggest.selected)
            .flatten();
        form.suggest = Suggestions {
            field,
            items,
            selected,
        };
    }
}

/// In the session form's courses (`K:讲师,3`), the register's teachers of the last course typed
/// without a lecturer; picking one writes them after it.
fn for_lecturer(teachers: &[Teacher], form: &Form) -> Vec<Suggestion> {
    let Some(field) = form.fields.get(form.focus).filter(|f| f.name == "courses") else {
        return Vec::new();
    };
    let typed = field.value();
    let cut = typed
        .char_indices()
        .rfind(|(_, c)| matches!(c, ',' | '，'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (head, last) = typed.split_at(cut);
    let course = last.trim();
    if course.is_empty() || course.contains([':', '：']) {
        return Vec::new();
    }
    let id = course.to_ascii_uppercase();
    teachers
        .iter()
        .filter(|t| t.courses.contains(&id))
        .take(SHOWN)
        .map(|t| Suggestion {
            label: crate::app::teachers::named(t),
            fill: vec![("courses", format!("{head}{course}:{}", t.name))],
        })
        .collect()
}

fn for_field(door: &CheckinState, form: &Form) -> Vec<Suggestion> {
    let Some(field) = form.fields.get(form.focus) else {
        return Vec::new();
    };
    let typed = field.value().trim();
    match field.name {
        "name" | "phone" => people(door, field.name, typed),
        "enterprise" => enterprises(&door.enterprises, typed),
        _ => Vec::new(),
    }
}

/// A walk-in may be someone the office knows under a near name: the people like the name (or
/// the phone, once four digits are typed) are offered whichever field is focused, and picking
/// one checks that person in instead of registering someone new. Nobody like them: the
/// enterprise field offers the office's enterprises.
fn for_walk_in(door: &CheckinState, form: &Form) -> Vec<Suggestion> {
    let value = |name: &str| form.field(name).map_or("", |f| f.value().trim());
    let phone = value("phone");
    let focus = form.fields.get(form.focus).map(|f| f.name);
    if phone.chars().filter(char::is_ascii_digit).count() >= 4 {
        let known = people(door, "phone", phone);
        if !known.is_empty() || focus != Some("enterprise") {
            return known;
        }
    }
    match focus {
        Some("name" | "phone") => people(door, "name", value("name")),
        // Someone new: their enterprise may be known, and picking it keeps one record of it.
        Some("enterprise") => enterprises(&door.enterprises, value("enterprise")),
        _ => Vec::new(),
    }
}

fn people(door: &CheckinState, field: &str, typed: &str) -> Vec<Suggestion> {
    let Some(index) = &door.office else {
        return Vec::new();
    };
    // A phone is found by its last four digits or more; fewer match too many people.
    let digits = typed.chars().filter(char::is_ascii_digit).count();
    if typed.is_empty() || (field == "phone" && digits < 4) {
        return Vec::new();
    }
    index
        .search(typed, SHOWN)
        .iter()
        .map(|hit| {
            let c = index.entry(hit);
            let mut label = format!("{}  {}", c.name, mask_phone(&c.phone));
            for extra in [&c.position, &c.enterprise] {
                if !extra.is_empty() {
                    label.push_str("  ");
                    label.push_str(extra);
                }
            }
            Suggestion {
                label,
                fill: vec![
                    ("name", c.name.clone()),
                    ("phone", c.phone.clone()),
                    ("position", c.position.clone()),
                    ("enterprise", c.enterprise.clone()),
                ],
            }
        })
        .collect()
}

/// Between a name's initials from its start and from after each place in it.
const INITIALS_APART: char = '|';

/// Enterprises whose name holds what was typed (without the places it begins with and the stock
/// words it ends with), or whose initials start with it (from the name's start or its trade
/// name's); the shorter
/// names first (the likelier meant), and nothing once the name is typed out.
pub fn enterprises(known: &KnownEnterprises, typed: &str) -> Vec<Suggestion> {
    let query = normalise_query(typed);
    if query.is_empty() {
        return Vec::new();
    }
    let ascii = query.is_ascii();
    // A short form (鄂州晶晶 for 鄂州市晶晶水产…) is looked for by what tells it apart.
    let core = campaign::places().core(typed);
    let needle = match (ascii, core.chars().nth(1).is_some()) {
        (true, _) => query.as_str(),
        (false, true) => core,
        (false, false) => typed,
    };
    let finder = memchr::memmem::Finder::new(needle);
    // Each match as (whether it lacks the text typed whole, length, name) to rank by, without
    // a copy: at ten times the province the field looks through 120,000 names on every
    // keystroke. A name holding all that was typed (鄂州宏达 in 鄂州宏达机械) comes before one
    // found by its trade name alone (武汉宏达…).
    let mut found: Vec<(bool, usize, &str)> = known
        .iter()
        .filter(|e| {
            if ascii {
                e.initials
                    .split(INITIALS_APART)
                    .any(|from| from.starts_with(&query))
                    || finder.find(e.latin_key.as_bytes()).is_some()
            } else {
                finder.find(e.name.as_bytes()).is_some()
            }
        })
        .map(|e| (!e.name.contains(typed), e.name.chars().count(), e.name))
        .collect();
    if found.iter().any(|(_, _, name)| *name == typed) {
        return Vec::new();
    }
    if found.len() > SHOWN {
        found.select_nth_unstable(SHOWN - 1);
        found.truncate(SHOWN);
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(_, _, name)| Suggestion {
            label: name.to_string(),
            fill: vec![("enterprise", name.to_string())],
        })
        .collect()
}

/// The enterprises of the store, with initials, for the enterprise field. Names given sorted
/// (as the office index gives them, 120,000 at ten times the province) are taken one at a time;
/// others are gathered and sorted first.
pub fn known_enterprises<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> KnownEnterprises {
    let mut known = KnownEnterprises::default();
    let mut names = names.into_iter();
    for name in names.by_ref() {
        let name = name.as_ref();
        match known.last_name().map(|last| last.cmp(name)) {
            Some(std::cmp::Ordering::Equal) => continue,
            Some(std::cmp::Ordering::Greater) => {
                let mut all: Vec<String> = known.iter().map(|e| e.name.to_string()).collect();
                all.push(name.to_string());
                all.extend(names.map(|name| name.as_ref().to_string()));
                all.sort_unstable();
                return known_enterprises(all);
            }
            _ => {}
        }
        if !known.push(name) {
            break;
        }
    }
    known
}

impl KnownEnterprises {
    /// Where enterprise `i`'s strings start in `text`.
    fn start_of(&self, i: usize) -> usize {
        match i {
            0 => 0,
            _ => self.ends.get(i - 1).map_or(0, |ends| ends[2] as usize),
        }
    }

    fn name_at(&self, i: usize) -> Option<&str> {
        let name_end = self.ends.get(i)?[0] as usize;
        self.text.get(self.start_of(i)..name_end)
    }

    fn last_name(&self) -> Option<&str> {
        self.name_at(self.ends.len().checked_sub(1)?)
    }

    pub fn knows(&self, name: &str) -> bool {
        self.place(name).is_ok()
    }

    /// Where `name` is (`Ok`), or would go (`Err`).
    fn place(&self, name: &str) -> Result<usize, usize> {
        let (mut low, mut high) = (0, self.ends.len());
        while low < high {
            let mid = (low + high) / 2;
            match self.name_at(mid).map(|known| known.cmp(name)) {
                Some(std::cmp::Ordering::Less) => low = mid + 1,
                Some(std::cmp::Ordering::Equal) => return Ok(mid),
                _ => high = mid,
            }
        }
        Err(low)
    }

    /// Adds `name` in its place, unless it is known: an enterprise a walk-in just made is
    /// offered to the next walk-in without working out every name's initials again.
    pub fn insert(&mut self, name: &str) {
        let Err(low) = self.place(name) else {
            return;
        };
        let mut entry = KnownEnterprises::default();
        if !entry.push(name) || self.text.len() + entry.text.len() > u32::MAX as usize {
            return;
        }
        let at = self.start_of(low);
        let (Ok(at_u32), Ok(added), Some(&entry_ends)) = (
            u32::try_from(at),
            u32::try_from(entry.text.len()),
            entry.ends.first(),
        ) else {
            return;
        };
        self.text.insert_str(at, &entry.text);
        for ends in &mut self.ends[low..] {
            *ends = ends.map(|end| end + added);
        }
        self.ends.insert(low, entry_ends.map(|end| end + at_u32));
    }

    /// Adds `name` at the end; false past 4 GiB of names, which no office comes near.
    fn push(&mut self, name: &str) -> bool {
        self.text.push_str(name);
        let name_end = self.text.len();
        // From each place a name may be said from (the start, after 市 or 区, where the trade
        // name begins), apart: 瀚墨 (hm) finds 东西湖区瀚墨测绘技术有限公司.
        let (initials, starts) = name_part_initials(name);
        for (i, &start) in starts.iter().enumerate() {
            if i > 0 {
                self.text.push(INITIALS_APART);
            }
            self.text
                .push_str(initials.get(start..).unwrap_or_default());
        }
        let initials_end = self.text.len();
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.text.push_str(&name.to_ascii_lowercase());
        }
        let ends = [name_end, initials_end, self.text.len()].map(u32::try_from);
        let [Ok(name_end), Ok(initials_end), Ok(end)] = ends else {
            return false;
        };
        self.ends.push([name_end, initials_end, end]);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Names in any order, repeated or not, are known as the same list sorted and each once,
        /// whether they came sorted (taken one at a time) or not (gathered first).
        #[test]
        fn known_enterprises_are_sorted_each_once(
            names in proptest::collection::vec("(华宇|光电|ABC|鄂州市|a){0,3}", 0..12),
        ) {
            let mut sorted = names.clone();
            sorted.sort();
            sorted.dedup();
            let known = known_enterprises(&names);
            prop_assert_eq!(known.names().collect::<Vec<_>>(), sorted.clone());
            prop_assert_eq!(&known, &known_enterprises(&sorted));
            // Each added one at a time, in any order, as all known at once.
            let mut one_by_one = KnownEnterprises::default();
            for name in names.iter().rev() {
                one_by_one.insert(name);
            }
            prop_assert_eq!(one_by_one, known);
        }
    }

    fn labels(found: Vec<Suggestion>) -> Vec<String> {
        found.into_iter().map(|s| s.label).collect()
    }

    #[test]
    fn the_enterprise_field_offers_the_shortest_matches_in_any_case() {
        let known = known_enterprises(
            [
                "鄂州市华宇光电科技有限公司",
                "华宇光电",
                "ABC光电科技有限公司",
                "华宇",
                "武汉华宇物流有限公司",
            ]
            .map(String::from),
        );
        assert_eq!(labels(enterprises(&known, "abc")), ["ABC光电科技有限公司"]);
        assert_eq!(
            labels(enterprises(&known, "华宇光")),
            ["华宇光电", "鄂州市华宇光电科技有限公司"]
        );
        assert_eq!(
            labels(enterprises(&known, "hy")),
            ["华宇", "华宇光电", "鄂州市华宇光电科技有限公司"],
            "by initials from the start, or after a place (市)"
        );
        assert!(
            enterprises(&known, "zs").is_empty(),
            "not from the middle of a place (州市)"
        );
        assert!(enterprises(&known, "华宇").is_empty(), "typed out");
        assert_eq!(
            labels(enterprises(&known, "鄂州华宇光")),
            ["华宇光电", "鄂州市华宇光电科技有限公司"],
            "a short form, by what tells it apart"
        );
        assert_eq!(
            labels(enterprises(&known, "武汉华宇")),
            [
                "武汉华宇物流有限公司",
                "华宇",
                "华宇光电",
                "鄂州市华宇光电科技有限公司"
            ],
            "what holds all that was typed first"
        );
        let twice = known_enterprises(["华宇光电", "ABC", "华宇光电"]);
        assert_eq!(
            labels(enterprises(&twice, "hygd")),
            ["华宇光电"],
            "each once"
        );
        assert_eq!(
            labels(enterprises(&twice, "ab")),
            ["ABC"],
            "after a name in Hanzi"
        );
        assert!(enterprises(&known, "  ").is_empty());

        let many = known_enterprises(
            (0..40)
                .rev()
                .map(|i| format!("光电{}厂", "号".repeat(i % 9))),
        );
        let shown = labels(enterprises(&many, "光电"));
        assert_eq!(shown.len(), SHOWN);
        let lengths: Vec<usize> = shown.iter().map(|n| n.chars().count()).collect();
        assert_eq!(lengths, [3, 4, 5, 6, 7], "{shown:?}");
    }
}
