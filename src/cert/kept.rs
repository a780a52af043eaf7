//! What the whole certification book comes to for the 认证 tab's counts and the 企业 tab's
//! trained enterprises: each city's people by stage, and who is trained. Working it out reads
//! every person and every record, so the summary is kept beside the store (`store::kept`),
//! under the log's heads and the rules.

use color_eyre::eyre::Result;
use serde::{Deserialize, Serialize};

use super::book::CertPerson;
use super::{Rules, Stage};
use crate::store::kept::Kept;
use crate::store::write_journal::Since;
use crate::store::Store;

/// One city's people by the furthest stage each reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityCounts {
    pub city: String,
    /// People who reached each stage, in `Stage::ALL` order.
    pub counts: [u64; 5],
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// By city code.
    pub cities: Vec<CityCounts>,
    /// Each person who reached a stage, by id: who is trained, and what a change to a few
    /// people takes back before counting them again (`brought_up_to_date`).
    reached: Vec<Reached>,
}

/// One person counted in a city's row, with the stages they reached (a bit each, in
/// `Stage::ALL` order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Reached {
    id: String,
    city: String,
    stages: u8,
}

impl Summary {
    /// Ids of the people trained (参训达标, the first stage), in order.
    pub fn trained(&self) -> impl Iterator<Item = &str> {
        self.reached
            .iter()
            .filter(|r| r.stages & 1 != 0)
            .map(|r| r.id.as_str())
    }

    /// Whether person `id` is trained.
    pub fn is_trained(&self, id: &str) -> bool {
        self.reached
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .is_ok_and(|at| self.reached[at].stages & 1 != 0)
    }

    /// Counts one person of the book.
    pub fn add(&mut self, c: &CertPerson) {
        if c.status.stage().is_none() {
            return;
        }
        let at = match self.cities.iter().position(|r| r.city == c.city) {
            Some(at) => at,
            None => {
                self.cities.push(CityCounts {
                    city: c.city.clone(),
                    counts: [0; 5],
                });
                self.cities.len() - 1
            }
        };
        let mut stages = 0;
        for (i, stage) in Stage::ALL.into_iter().enumerate() {
            if c.status.reached(stage) {
                self.cities[at].counts[i] += 1;
                stages |= 1 << i;
            }
        }
        self.reached.push(Reached {
            id: c.person.id.clone(),
            city: c.city.clone(),
            stages,
        });
    }

    /// Takes back what person `id` counted for, as if they had not been added.
    fn take_back(&mut self, id: &str) {
        let Ok(at) = self.reached.binary_search_by(|r| r.id.as_str().cmp(id)) else {
            return;
        };
        let reached = self.reached.remove(at);
        let Some(row) = self.cities.iter_mut().position(|r| r.city == reached.city) else {
            return;
        };
        for (i, count) in self.cities[row].counts.iter_mut().enumerate() {
            if reached.stages & (1 << i) != 0 {
                *count = count.saturating_sub(1);
            }
        }
        // A city is listed while someone in it reached a stage, as a count from everyone has it.
        if !self.reached.iter().any(|r| r.city == reached.city) {
            self.cities.remove(row);
        }
    }

    /// Puts the cities and the trained in order, once every person is added.
    pub fn finish(&mut self) {
        self.cities.sort_by(|a, b| a.city.cmp(&b.city));
        self.reached.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    }
}

/// The kept summary's file.
const KEPT: Kept = Kept {
    file: "cert-summary",
    magic: b"peixun cert summary 4\n",
    // Larger than any summary (17 cities, and a person id, city and stages for each of
    // 400,000 people who reached a stage is 12 MB): a bigger file is not one of ours.
    max_bytes: 64 << 20,
};

/// What the summary depends on besides the log: the rules.
fn extra(rules: &Rules) -> Vec<u8> {
    format!("{rules:?}").into_bytes()
}

/// What a kept summary must have been made under (`Kept::key`).
pub fn key(store: &Store, rules: &Rules) -> Result<[u8; 32]> {
    KEPT.key(store, &extra(rules))
}

/// Keeps `summary`, read under `key` from `mark` on, unless a write came since.
pub fn keep(store: &Store, rules: &Rules, key: &[u8; 32], mark: Option<u64>, summary: &Summary) {
    KEPT.keep(store, &extra(rules), key, mark, summary);
}

/// Beyond this many people changed since the summary was kept, it is worked out again from
/// everyone: bringing one person up to date looks them up in every session's lists.
const MOST_BROUGHT_UP_TO_DATE: usize = 64;

/// What a person's place in the chain is read from besides their own records: sessions,
/// enterprises, and the certification records shared by everyone (`write_journal::Since`).
pub const SHARED: &[&str] = &["s", "e", "x", "p", "a", "n"];

/// The book's summary: kept, when the log has not moved since it was; else brought up to date
/// from the few people changed since, or worked out from every person; and kept.
pub fn summary(store: &Store, rules: &Rules) -> Result<Summary> {
    KEPT.get_or_bring_up_to_date(
        store,
        &extra(rules),
        |kept, since| brought_up_to_date(store, rules, kept, since),
        || worked_out(store, rules),
    )
}

/// The summary `kept` with the people `since` changed counted again, when only they changed
/// and they are few; `None` otherwise.
fn brought_up_to_date(
    store: &Store,
    rules: &Rules,
    mut kept: Summary,
    since: Since,
) -> Result<Option<Summary>> {
    if since.wrote_any(SHARED) || since.people.len() > MOST_BROUGHT_UP_TO_DATE {
        return Ok(None);
    }
    for id in &since.people {
        kept.take_back(id);
    }
    for person in store.cert_people(rules, &since.people)? {
        kept.add(&person);
    }
    kept.finish();
    Ok(Some(kept))
}

/// The summary from every person of the book.
fn worked_out(store: &Store, rules: &Rules) -> Result<Summary> {
    let mut summary = Summary::default();
    store.each_cert_person(rules, |c| {
        summary.add(&c);
        Ok(())
    })?;
    summary.finish();
    Ok(summary)
}

/// Whether the summary kept under the log's present key (if any) is the one the book gives; one
/// that is not is removed, to be worked out again by the next read.
pub fn kept_is_current(store: &Store, rules: &Rules) -> Result<bool> {
    KEPT.kept_is_current(
        store,
        &extra(rules),
        |kept, since| brought_up_to_date(store, rules, kept, since),
        || worked_out(store, rules),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::pipeline::{status, Facts};
    use crate::domain::Person;

    /// A person of `city`, trained when `trained` (at the door), else counted for nothing.
    fn person(id: &str, city: &str, trained: bool) -> CertPerson {
        let rules = Rules::load().unwrap();
        let facts = Facts {
            offline_attended: if trained { rules.offline_sessions } else { 0 },
            ..Facts::default()
        };
        CertPerson {
            person: Person {
                id: id.into(),
                office: city.into(),
                name: id.into(),
                phone: String::new(),
                position: String::new(),
                enterprise: None,
                code: String::new(),
            },
            enterprise: String::new(),
            unit: city.into(),
            city: city.into(),
            status: status(&facts, &rules),
            facts,
        }
    }

    fn summary_of(people: &[CertPerson]) -> Summary {
        let mut summary = Summary::default();
        for p in people {
            summary.add(p);
        }
        summary.finish();
        summary
    }

    #[test]
    fn taking_a_person_back_leaves_the_summary_of_everyone_else() {
        let people = [
            person("P-1", "420700", true),
            person("P-2", "420100", true),
            person("P-3", "420700", false),
            person("P-4", "420700", true),
        ];
        let all = summary_of(&people);
        assert_eq!(all.cities.len(), 2);
        assert!(all.is_trained("P-1") && all.is_trained("P-4"));
        assert!(!all.is_trained("P-3") && !all.is_trained("P-9"));
        assert_eq!(all.trained().collect::<Vec<_>>(), ["P-1", "P-2", "P-4"]);
        for (i, gone) in people.iter().enumerate() {
            let mut taken = summary_of(&people);
            taken.take_back(&gone.person.id);
            let rest: Vec<CertPerson> = people
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, p)| p.clone())
                .collect();
            assert_eq!(taken, summary_of(&rest), "without {}", gone.person.id);
        }
        // Someone never counted: nothing to take back.
        let mut taken = summary_of(&people);
        taken.take_back("P-9");
        assert_eq!(taken, summary_of(&people));
    }
}
