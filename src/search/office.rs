//! Everyone in the office as searched: the kept index, and the people changed since it was
//! built (`store::search_changes`) in a small index of their own, whose results take the place
//! of the kept index's for the same people.

use std::borrow::Cow;
use std::collections::HashSet;

use super::door::candidate_named;
use super::{Candidate, Hit, SearchIndex, Tier};
use crate::store::search_changes::Changes;

#[derive(Debug, Default)]
pub struct OfficeIndex {
    kept: SearchIndex,
    /// The people changed since `kept` was built, as they are now, by id.
    changed: SearchIndex,
    /// Everyone changed or gone since `kept` was built: `kept` no longer speaks for them.
    replaced: HashSet<String>,
}

/// A person found, in the kept index or among those changed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfficeHit {
    hit: Hit,
    changed: bool,
}

impl OfficeHit {
    pub fn tier(&self) -> Tier {
        self.hit.tier
    }
}

impl OfficeIndex {
    /// An index that is current as it is.
    pub fn whole(kept: SearchIndex) -> OfficeIndex {
        OfficeIndex {
            kept,
            ..OfficeIndex::default()
        }
    }

    /// `kept` with what changed since it was built: people (by id), and enterprises made.
    pub fn with_changes(kept: SearchIndex, changes: Changes) -> OfficeIndex {
        let replaced = changes.people.iter().map(|c| c.id.clone()).collect();
        let now = changes
            .people
            .into_iter()
            .filter_map(|c| c.now)
            .map(|now| candidate_named(&now.person, now.enterprise));
        OfficeIndex {
            kept,
            changed: SearchIndex::build(now, changes.enterprises),
            replaced,
        }
    }

    fn index(&self, hit: &OfficeHit) -> &SearchIndex {
        if hit.changed {
            &self.changed
        } else {
            &self.kept
        }
    }

    /// The best `limit` matches, best first, as an index of everyone built again would give
    /// them while no tier has more matching keys than a search looks at (`SearchIndex::search`
    /// takes the first 256, or 8 times `limit`); past that, either shows some of many alike.
    pub fn search(&self, query: &str, limit: usize) -> Vec<OfficeHit> {
        let mut hits = self.kept_search(query, limit);
        if self.replaced.is_empty() {
            return hits;
        }
        hits.extend(
            self.changed
                .search(query, limit)
                .into_iter()
                .map(|hit| OfficeHit { hit, changed: true }),
        );
        // As `SearchIndex::search` orders them, the kept index's entries being in id order.
        hits.sort_by_cached_key(|h| (h.hit.tier, h.hit.score, self.name(h), self.id(h)));
        hits.truncate(limit);
        hits
    }

    /// The kept index's best `limit` matches among the people it still speaks for. Most
    /// queries find none of the people changed since, so one search of `limit` is enough.
    fn kept_search(&self, query: &str, limit: usize) -> Vec<OfficeHit> {
        let current = |hits: Vec<Hit>| -> Vec<OfficeHit> {
            hits.into_iter()
                .filter(|h| !self.replaced.contains(self.kept.id(h).as_ref()))
                .map(|hit| OfficeHit {
                    hit,
                    changed: false,
                })
                .collect()
        };
        let first = self.kept.search(query, limit);
        let all_found = first.len() < limit;
        let hits = current(first);
        if hits.len() == limit || all_found {
            return hits;
        }
        current(self.kept.search(query, limit + self.replaced.len()))
    }

    fn name(&self, hit: &OfficeHit) -> Cow<'_, str> {
        self.index(hit).name(&hit.hit)
    }

    /// The person a hit names.
    pub fn entry(&self, hit: &OfficeHit) -> Candidate {
        self.index(hit).entry(&hit.hit)
    }

    /// The id of the person a hit names, without copying the rest.
    pub fn id(&self, hit: &OfficeHit) -> Cow<'_, str> {
        self.index(hit).id(&hit.hit)
    }

    /// Every enterprise's name, sorted, each once: those the kept index was built with and
    /// those made since.
    pub fn known_enterprises(&self) -> impl Iterator<Item = String> + '_ {
        let (mut kept, mut made) = (
            self.kept.known_enterprises().peekable(),
            self.changed.known_enterprises().peekable(),
        );
        std::iter::from_fn(move || match (kept.peek(), made.peek()) {
            (Some(k), Some(m)) if m < k => made.next(),
            (Some(k), Some(m)) if m == k => {
                made.next();
                kept.next()
            }
            (Some(_), _) => kept.next(),
            (None, _) => made.next(),
        })
    }

    /// Everyone, in id order (the store's order).
    pub fn people(&self) -> impl Iterator<Item = Candidate> + '_ {
        let kept = (0..self.kept.len() as u32)
            .filter(|&i| !self.replaced.contains(self.kept.id_at(i).as_ref()))
            .map(|i| self.kept.entry_at(i));
        let changed = (0..self.changed.len() as u32).map(|i| self.changed.entry_at(i));
        merge_by_id(kept, changed)
    }
}

/// Two lists each in id order, as one.
fn merge_by_id(
    a: impl Iterator<Item = Candidate>,
    b: impl Iterator<Item = Candidate>,
) -> impl Iterator<Item = Candidate> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y.id < x.id => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::Person;
    use crate::store::search_changes::{Changed, PersonNow};

    const NAMES: [&str; 8] = [
        "张三",
        "张伟",
        "赵四",
        "周山",
        "欧阳娜娜",
        "李思",
        "吕丽",
        "张珊",
    ];
    const ENTERPRISES: [&str; 3] = ["鄂州市华宇光电科技有限公司", "梁子湖生态农业", ""];
    const QUERIES: [&str; 12] = [
        "zs", "z", "zhang", "张", "欧阳", "hy", "华宇", "0012", "T3", "zws", "l", "13800000",
    ];

    fn person(i: u8, name: usize, enterprise: usize) -> (Person, String) {
        let person = Person {
            id: format!("P-420704-{i:03}"),
            office: "420704".into(),
            name: NAMES[name % NAMES.len()].into(),
            phone: format!("1380000{i:04}"),
            position: String::new(),
            enterprise: None,
            code: format!("T{i}"),
        };
        (person, ENTERPRISES[enterprise % ENTERPRISES.len()].into())
    }

    fn index_of(people: &std::collections::BTreeMap<u8, (Person, String)>) -> SearchIndex {
        let candidates = people.values().map(|(p, e)| candidate_named(p, e.clone()));
        SearchIndex::build(candidates, [])
    }

    fn found(index: &OfficeIndex, query: &str, limit: usize) -> Vec<(String, Tier)> {
        index
            .search(query, limit)
            .iter()
            .map(|h| (index.id(h).to_string(), h.tier()))
            .collect()
    }

    proptest! {
        /// The kept index with the changes since finds what an index built again would, in the
        /// same order.
        #[test]
        fn changes_beside_the_index_search_as_an_index_built_again(
            before in proptest::collection::btree_map(0u8..40, (0usize..8, 0usize..3), 0..25),
            changes in proptest::collection::btree_map(0u8..50, proptest::option::of((0usize..8, 0usize..3)), 0..12),
            limit in 1usize..12,
        ) {
            let before: std::collections::BTreeMap<u8, (Person, String)> = before
                .into_iter()
                .map(|(i, (n, e))| (i, person(i, n, e)))
                .collect();
            let mut after = before.clone();
            let mut changed = Vec::new();
            for (i, now) in changes {
                let now = now.map(|(n, e)| person(i, n, e));
                match &now {
                    Some(p) => after.insert(i, p.clone()),
                    None => after.remove(&i),
                };
                changed.push(Changed {
                    id: format!("P-420704-{i:03}"),
                    now: now.map(|(person, enterprise)| PersonNow { person, enterprise }),
                });
            }
            let changes = Changes { people: changed, enterprises: Vec::new() };
            let merged = OfficeIndex::with_changes(index_of(&before), changes);
            let rebuilt = OfficeIndex::whole(index_of(&after));
            for query in QUERIES {
                prop_assert_eq!(found(&merged, query, limit), found(&rebuilt, query, limit), "{}", query);
            }
            prop_assert_eq!(merged.people().collect::<Vec<_>>(), rebuilt.people().collect::<Vec<_>>());
        }
    }

    #[test]
    fn someone_renamed_or_gone_is_found_as_they_are_now() {
        let kept = index_of(&[(1, person(1, 0, 0)), (2, person(2, 1, 0))].into());
        let (renamed, enterprise) = person(1, 2, 1);
        let changes = vec![
            Changed {
                id: "P-420704-001".into(),
                now: Some(PersonNow {
                    person: renamed,
                    enterprise,
                }),
            },
            Changed {
                id: "P-420704-002".into(),
                now: None,
            },
        ];
        let changes = Changes {
            people: changes,
            enterprises: vec!["梁子湖新企业".into(), "鄂州市华宇光电科技有限公司".into()],
        };
        let index = OfficeIndex::with_changes(kept, changes);
        let known: Vec<String> = index.known_enterprises().collect();
        let mut sorted = known.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(known, sorted, "sorted, each once");
        assert!(known.contains(&"梁子湖新企业".to_string()));
        assert!(found(&index, "张", 5).is_empty());
        let hits = index.search("zs", 5);
        assert_eq!(hits.len(), 1);
        assert_eq!(index.entry(&hits[0]).name, "赵四");
        assert_eq!(index.entry(&hits[0]).enterprise, "梁子湖生态农业");
        assert_eq!(index.people().count(), 1);
    }
}
