//! Search as the check-in door needs it: the session's own list first, then the rest of the
//! office after a divider, so someone on the wrong list is still found.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use color_eyre::eyre::Result;

use super::build::EnterpriseNumber;
use super::names::EnterpriseNames;
use super::office::{OfficeHit, OfficeIndex};
use super::{Candidate, Hit, SearchIndex, Tier};
use crate::domain::code::normalise_code;
use crate::domain::Person;
use crate::store::lists;
use crate::store::Store;

/// What the index needs of each of `people`, with enterprise names read once.
pub fn candidates(store: &Store, people: &[Person]) -> Result<Vec<Candidate>> {
    let names = EnterpriseNames::read(store)?;
    Ok(people.iter().map(|p| names.candidate(p).0).collect())
}

/// What the index needs of one person whose enterprise is called `enterprise`.
pub fn candidate_named(p: &Person, enterprise: String) -> Candidate {
    Candidate {
        id: p.id.clone(),
        name: p.name.clone(),
        phone: p.phone.clone(),
        code: p.code.clone(),
        position: p.position.clone(),
        enterprise,
    }
}

/// What the index needs of a few people, their enterprises looked up one by one: a session's
/// list is a hundred people, the office's enterprises tens of thousands.
fn few_candidates(store: &Store, people: &[Person]) -> Result<Vec<Candidate>> {
    let mut names: HashMap<String, String> = HashMap::new();
    for id in people.iter().filter_map(|p| p.enterprise.as_ref()) {
        if !names.contains_key(id) {
            if let Some(e) = store.enterprise(id)? {
                names.insert(e.id, e.name);
            }
        }
    }
    Ok(people
        .iter()
        .map(|p| {
            let enterprise = p.enterprise.as_ref().and_then(|e| names.get(e));
            candidate_named(p, enterprise.cloned().unwrap_or_default())
        })
        .collect())
}

/// Every person of the office; built once and shared by every session's search. People are
/// read one at a time into the index's columns: at ten times the province, holding them all
/// first cost 385 MB on top of the index.
pub fn office_index(store: &Store) -> Result<SearchIndex> {
    let names = Rc::new(EnterpriseNames::read(store)?);
    let mut failed = None;
    let index = SearchIndex::build_numbered(
        office_candidates(store, Rc::clone(&names), &mut failed),
        EnterpriseNames::each_name(names),
    );
    match failed {
        Some(e) => Err(e),
        None => Ok(index),
    }
}

/// Every person of the office as the index needs them, read one at a time; the first that
/// cannot be read ends them and is left in `failed`. The enterprises' names are let go with
/// the last person, if nothing else holds them: the index's build goes on for a while after.
pub(super) fn office_candidates<'a>(
    store: &'a Store,
    enterprise_names: Rc<EnterpriseNames>,
    failed: &'a mut Option<color_eyre::Report>,
) -> impl Iterator<Item = (Candidate, EnterpriseNumber)> + 'a {
    store
        .people_each()
        .map_while(move |p| p.map_err(|e| *failed = Some(e)).ok())
        .map(move |p| enterprise_names.candidate(&p))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub candidate: Candidate,
    pub tier: Tier,
    pub in_session: bool,
}

impl Found {
    /// Someone found in the office, not on the session's list.
    pub fn elsewhere(office: &OfficeIndex, hit: &OfficeHit) -> Found {
        Found {
            candidate: office.entry(hit),
            tier: hit.tier(),
            in_session: false,
        }
    }
}

pub struct DoorSearch {
    session: SearchIndex,
    office: Arc<OfficeIndex>,
    enrolled: HashSet<String>,
}

impl DoorSearch {
    pub fn new(store: &Store, session: &str, office: Arc<OfficeIndex>) -> Result<DoorSearch> {
        let people: Vec<Person> = lists::enrolment_list(store, session)?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let enrolled = people.iter().map(|p| p.id.clone()).collect();
        Ok(DoorSearch {
            session: SearchIndex::build(few_candidates(store, &people)?, []),
            office,
            enrolled,
        })
    }

    pub fn enrolled(&self) -> usize {
        self.enrolled.len()
    }

    /// The session's matches (at most `limit`), then up to `others` from elsewhere in the office.
    pub fn search(&self, query: &str, limit: usize, others: usize) -> Vec<Found> {
        let mut out: Vec<Found> = self
            .session
            .search(query, limit)
            .iter()
            .map(|h: &Hit| Found {
                candidate: self.session.entry(h),
                tier: h.tier,
                in_session: true,
            })
            .collect();
        if others > 0 {
            out.extend(
                self.office
                    .search(query, others + self.enrolled.len())
                    .iter()
                    .filter(|h| !self.enrolled.contains(self.office.id(h).as_ref()))
                    .take(others)
                    .map(|h| Found::elsewhere(&self.office, h)),
            );
        }
        out
    }
}

/// What Enter at the door (or `checkin --who`) may do with a query and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice<'a> {
    /// The match is certain: a participant code, a phone number or a unique tail of four or
    /// more digits, a whole name only one person has, or a row the coordinator moved to.
    Person(&'a Found),
    /// A name (or a phone) nobody has exactly: someone new, to register as a walk-in, with the
    /// people it comes close to, to pick from instead.
    WalkIn {
        name: String,
        phone: String,
        near: Vec<&'a Found>,
    },
    /// Several people fit exactly (two 张伟, one phone tail): the coordinator picks.
    Several(Vec<&'a Found>),
    /// Pinyin or part of a name that someone fits: said back before anyone is checked in.
    Confirm(&'a Found),
}

/// How many near matches a walk-in is shown beside.
const NEAR: usize = 5;

/// Decides what a query certainly means. `chosen` is the row the coordinator moved to (or
/// confirmed), which is always certain.
pub fn decide<'a>(found: &'a [Found], query: &str, chosen: Option<usize>) -> Choice<'a> {
    if let Some(row) = chosen.and_then(|i| found.get(i)) {
        return Choice::Person(row);
    }
    let query = query.trim();
    let several = |hits: Vec<&'a Found>| match hits.as_slice() {
        [one] => Some(Choice::Person(one)),
        [] => None,
        _ => Some(Choice::Several(hits)),
    };
    let code = normalise_code(query);
    let by_code: Vec<&Found> = found
        .iter()
        .filter(|f| !code.is_empty() && normalise_code(&f.candidate.code) == code)
        .collect();
    if let Some(choice) = several(by_code) {
        return choice;
    }
    let near = || found.iter().take(NEAR).collect::<Vec<_>>();
    if !query.is_empty() && query.chars().all(|c| c.is_ascii_digit()) {
        let by_phone: Vec<&Found> = if query.len() >= 4 {
            found
                .iter()
                .filter(|f| digits(&f.candidate.phone).ends_with(query))
                .collect()
        } else {
            Vec::new()
        };
        return several(by_phone).unwrap_or_else(|| Choice::WalkIn {
            name: String::new(),
            phone: if query.len() >= 7 {
                query.to_string()
            } else {
                String::new()
            },
            near: near(),
        });
    }
    let by_name: Vec<&Found> = found.iter().filter(|f| f.candidate.name == query).collect();
    if let Some(choice) = several(by_name) {
        return choice;
    }
    if !query.is_ascii() || found.is_empty() {
        return Choice::WalkIn {
            name: if query.is_ascii() {
                String::new()
            } else {
                query.to_string()
            },
            phone: String::new(),
            near: near(),
        };
    }
    Choice::Confirm(&found[0])
}

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str, phone: &str, code: &str, tier: Tier) -> Found {
        Found {
            candidate: Candidate {
                id: format!("P-420704-{name}"),
                name: name.into(),
                phone: phone.into(),
                code: code.into(),
                enterprise: "华宇光电".into(),
                position: String::new(),
            },
            tier,
            in_session: true,
        }
    }

    #[test]
    fn only_a_certain_match_is_checked_in() {
        let list = vec![
            found("欧阳明勇", "13807110001", "6PH001", Tier::Hanzi),
            found("欧阳晓明", "13807118888", "6PH002", Tier::Hanzi),
        ];
        // A name nobody has exactly: a walk-in, with the near ones beside it.
        match decide(&list, "欧阳明", None) {
            Choice::WalkIn { name, near, .. } => {
                assert_eq!(name, "欧阳明");
                assert_eq!(near.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(decide(&list, "欧阳明勇", None), Choice::Person(&list[0]));
        assert_eq!(decide(&list, "6ph002", None), Choice::Person(&list[1]));
        assert_eq!(decide(&list, "8888", None), Choice::Person(&list[1]));
        assert!(matches!(decide(&list, "88", None), Choice::WalkIn { .. }));
        // Pinyin is said back first; a row moved to is certain.
        assert_eq!(decide(&list, "oy", None), Choice::Confirm(&list[0]));
        assert_eq!(decide(&list, "oy", Some(1)), Choice::Person(&list[1]));
        assert_eq!(decide(&list, "欧阳明", Some(0)), Choice::Person(&list[0]));
    }

    #[test]
    fn two_people_alike_are_never_told_apart_by_chance() {
        let list = vec![
            found("张伟", "13807110001", "A1", Tier::Hanzi),
            found("张伟", "13907110001", "A2", Tier::Hanzi),
        ];
        assert!(matches!(decide(&list, "张伟", None), Choice::Several(p) if p.len() == 2));
        assert!(matches!(decide(&list, "0001", None), Choice::Several(p) if p.len() == 2));
        assert_eq!(decide(&list, "13907110001", None), Choice::Person(&list[1]));
        assert!(matches!(
            decide(&[], "zs", None),
            Choice::WalkIn { near, .. } if near.is_empty()
        ));
    }
}
