//! The `/` filter of the sessions list and of an enrolment list. People are found the way the
//! door finds them (the shared `SearchIndex`: initials, full pinyin, Hanzi, phone tail,
//! enterprise); sessions by their words and by the pinyin of title, venue and units.

use std::fmt;
use std::sync::Arc;

use pinyin::ToPinyin;

use crate::campaign::unit_name;
use crate::domain::Session;
use crate::search::pinyin::text_initials;
use crate::search::{Candidate, SearchIndex, Tier};
use crate::tui::action::Action;
use crate::tui::forms::TextInput;
use crate::tui::labels::kind_label;
use crate::tui::tabs::sessions::EnrolRow;

/// A `/` filter: a text input that narrows a list as it is typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub input: TextInput,
    pub editing: bool,
}

impl Filter {
    pub fn is_active(&self) -> bool {
        !self.input.value().trim().is_empty()
    }

    /// Whether a row's `keys` (lower-case already) hold every space-separated word of the
    /// filter; the words are lower-cased once for a whole list, not once per row.
    pub fn matcher(&self) -> impl Fn(&str) -> bool {
        let words: Vec<String> = self
            .input
            .value()
            .to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        move |keys| words.iter().all(|word| keys.contains(word.as_str()))
    }
}

/// Full pinyin of a text, first reading of each character, other characters as they are.
fn full_pinyin(text: &str) -> String {
    text.chars()
        .map(|c| match c.to_pinyin() {
            Some(p) => p.plain().to_string(),
            None => c.to_lowercase().collect(),
        })
        .collect()
}

/// `words` lower-case, then, per named text (so a word never spans two), its pinyin initials and
/// full pinyin (`ezs` and `ezhou` find 鄂州市).
pub fn named_keys(words: &str, named: &[&str]) -> String {
    let mut keys = words.to_lowercase();
    for text in named {
        keys.push('\n');
        keys.push_str(&text_initials(text));
        keys.push('\n');
        keys.push_str(&full_pinyin(text));
    }
    keys
}

/// What `/` finds a session by: title, date, kind, venue, units, host, audience, and the pinyin
/// of title, venue, host and units.
pub fn session_keys(s: &Session) -> String {
    let units: Vec<String> = s.units.iter().map(|u| unit_name(u)).collect();
    let host = unit_name(&s.host);
    let words = format!(
        "{} {} {} {} {} {} {} {}",
        s.title,
        s.date,
        kind_label(s.kind),
        s.kind.key(),
        s.venue,
        units.join(" "),
        host,
        s.audience
    );
    let mut named: Vec<&str> = vec![&s.title, &s.venue, &host];
    named.extend(units.iter().map(String::as_str));
    named_keys(&words, &named)
}

/// What `/` finds a person by in a plain list, lower-case: name, unit and `extra` (a certificate
/// number), then each reading's initials and full pinyin (`zs`, `zhangsan`; 单 as shan).
pub fn person_keys(name: &str, unit: &str, extra: &[&str]) -> String {
    let mut keys = format!("{name} {unit} {}", extra.join(" ")).to_lowercase();
    for variant in crate::search::pinyin::variants(name) {
        keys.push('\n');
        keys.push_str(&variant.initials);
        keys.push('\n');
        keys.push_str(&variant.full);
    }
    keys
}

/// An enrolment list's people in a `SearchIndex`; candidates' ids are their places in the list.
#[derive(Clone, Default)]
pub struct PeopleIndex(Arc<SearchIndex>);

impl PeopleIndex {
    pub fn build(people: &[EnrolRow]) -> PeopleIndex {
        let candidates = people.iter().enumerate().map(|(i, p)| Candidate {
            id: i.to_string(),
            name: p.name.clone(),
            phone: p.phone.clone(),
            code: p.code.clone(),
            enterprise: p.enterprise.clone(),
            position: String::new(),
        });
        PeopleIndex(Arc::new(SearchIndex::build(candidates, [])))
    }

    /// The people `query` finds, best first: the index's ranked matches (fuzzy ones only when
    /// nothing better matched), then anyone whose name, phone, position or enterprise holds
    /// every word (the index does not know positions).
    pub fn matches(&self, people: &[EnrolRow], query: &str) -> Vec<usize> {
        if query.trim().is_empty() {
            return (0..people.len()).collect();
        }
        let hits = self.0.search(query, people.len().max(1));
        let place = |hit| self.0.id(hit).parse::<usize>().ok();
        let mut out: Vec<usize> = hits
            .iter()
            .filter(|h| h.tier != Tier::Fuzzy)
            .filter_map(place)
            .collect();
        let mut taken = vec![false; people.len()];
        for &i in &out {
            if let Some(t) = taken.get_mut(i) {
                *t = true;
            }
        }
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        for (i, p) in people.iter().enumerate() {
            let text =
                format!("{} {} {} {}", p.name, p.phone, p.position, p.enterprise).to_lowercase();
            if !taken[i] && words.iter().all(|w| text.contains(w.as_str())) {
                out.push(i);
            }
        }
        if out.is_empty() {
            out = hits.iter().filter_map(place).collect();
        }
        out
    }
}

/// Built from the list it sits next to, so two equal lists have equal indexes.
impl PartialEq for PeopleIndex {
    fn eq(&self, _: &PeopleIndex) -> bool {
        true
    }
}

impl Eq for PeopleIndex {}

impl fmt::Debug for PeopleIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PeopleIndex({} people)", self.0.len())
    }
}

/// Keys for a filter being typed; returns true when the key was the filter's.
pub fn filter_key(filter: &mut Filter, selected: &mut usize, action: Action) -> bool {
    if !filter.editing {
        return false;
    }
    match action {
        Action::Text(key) => {
            filter.input.edit(key);
            *selected = 0;
        }
        Action::Open => filter.editing = false,
        Action::Back => {
            *filter = Filter::default();
            *selected = 0;
        }
        _ => return false,
    }
    true
}
