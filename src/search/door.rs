//! Search as the check-in door needs it: the session's own list first, then the rest of the
//! office after a divider, so someone on the wrong list is still found.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use color_eyre::eyre::Result;

use super::{Candidate, Hit, SearchIndex, Tier};
use crate::domain::code::normalise_code;
use crate::domain::Person;
use crate::store::Store;

/// What the index needs of each person, with enterprise names looked up once.
pub fn candidates(store: &Store, people: &[Person]) -> Result<Vec<Candidate>> {
    let names: HashMap<String, String> = store
        .enterprises()?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    Ok(people
        .iter()
        .map(|p| Candidate {
            id: p.id.clone(),
            name: p.name.clone(),
            phone: p.phone.clone(),
            code: p.code.clone(),
            enterprise: p
                .enterprise
                .as_ref()
                .and_then(|e| names.get(e).cloned())
                .unwrap_or_default(),
        })
        .collect())
}

/// Every person of the office; built once and shared by every session's search.
pub fn office_index(store: &Store) -> Result<SearchIndex> {
    Ok(SearchIndex::build(candidates(store, &store.people()?)?))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub candidate: Candidate,
    pub tier: Tier,
    pub in_session: bool,
}

pub struct DoorSearch {
    session: SearchIndex,
    office: Arc<SearchIndex>,
    enrolled: HashSet<String>,
}

impl DoorSearch {
    pub fn new(store: &Store, session: &str, office: Arc<SearchIndex>) -> Result<DoorSearch> {
        let people: Vec<Person> = store
            .enrolment_list(session)?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let enrolled = people.iter().map(|p| p.id.clone()).collect();
        Ok(DoorSearch {
            session: SearchIndex::build(candidates(store, &people)?),
            office,
            enrolled,
        })
    }

    pub fn enrolled(&self) -> usize {
        self.enrolled.len()
    }

    /// The session's matches (at most `limit`), then up to `others` from elsewhere in the office.
    pub fn search(&self, query: &str, limit: usize, others: usize) -> Vec<Found> {
        let found = |index: &SearchIndex, hit: &Hit, in_session: bool| Found {
            candidate: index.entry(hit).clone(),
            tier: hit.tier,
            in_session,
        };
        let mut out: Vec<Found> = self
            .session
            .search(query, limit)
            .iter()
            .map(|h| found(&self.session, h, true))
            .collect();
        if others > 0 {
            out.extend(
                self.office
                    .search(query, others + self.enrolled.len())
                    .iter()
                    .filter(|h| !self.enrolled.contains(&self.office.entry(h).id))
                    .take(others)
                    .map(|h| found(&self.office, h, false)),
            );
        }
        out
    }
}

/// The one person a query means, or everyone it could mean: an exact name, code or phone wins;
/// otherwise the best tier must hold a single person. The session's list is asked first.
pub fn resolve(found: &[Found], query: &str) -> Result<Candidate, Vec<Candidate>> {
    let query = query.trim();
    for in_session in [true, false] {
        let group: Vec<&Found> = found
            .iter()
            .filter(|f| f.in_session == in_session)
            .collect();
        let Some(best) = group.first().map(|f| f.tier) else {
            continue;
        };
        let exact: Vec<&Found> = group
            .iter()
            .filter(|f| {
                f.candidate.name == query
                    || f.candidate.phone == query
                    || f.candidate.code == normalise_code(query)
            })
            .copied()
            .collect();
        if let [one] = exact.as_slice() {
            return Ok(one.candidate.clone());
        }
        let top: Vec<&Found> = group.iter().filter(|f| f.tier == best).copied().collect();
        return match top.as_slice() {
            [one] => Ok(one.candidate.clone()),
            many => Err(many.iter().map(|f| f.candidate.clone()).collect()),
        };
    }
    Err(Vec::new())
}
