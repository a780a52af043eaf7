//! Every enterprise's name by its id, as the office's index is built from: two arenas and a
//! number for each name. At ten times the province a map of id strings to name strings held
//! 20 MB, and the build's own map of names to numbers 13 MB more, both through the people's pass.

use std::rc::Rc;

use color_eyre::eyre::Result;

use super::build::EnterpriseNumber;
use super::Candidate;
use crate::domain::Person;
use crate::store::Store;

/// Strings end to end, found by position: string `i` ends at `ends[i]`.
#[derive(Default)]
struct Arena {
    text: String,
    ends: Vec<usize>,
}

impl Arena {
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len());
    }

    fn get(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1],
        };
        &self.text[start..self.ends[i]]
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    /// The strings in the order of `positions`.
    fn reordered(&self, positions: &[usize]) -> Arena {
        let mut out = Arena {
            text: String::with_capacity(self.text.len()),
            ends: Vec::with_capacity(self.len()),
        };
        for &i in positions {
            out.push(self.get(i));
        }
        out
    }
}

/// Enterprises' names by id, with a number for each name: the same for enterprises of the same
/// name, and only for them, so the index can count enterprises by name without a map of names.
#[derive(Default)]
pub struct EnterpriseNames {
    /// Sorted, for a binary search.
    ids: Arena,
    /// In the order of `ids`.
    names: Arena,
    /// In the order of `ids`: the position of the first enterprise of the same name.
    first_of_name: Vec<u32>,
}

impl EnterpriseNames {
    /// Every enterprise of the store, read one at a time.
    pub fn read(store: &Store) -> Result<EnterpriseNames> {
        let (mut ids, mut names) = (Arena::default(), Arena::default());
        for enterprise in store.enterprises_each() {
            let enterprise = enterprise?;
            ids.push(&enterprise.id);
            names.push(&enterprise.name);
        }
        for arena in [&mut ids, &mut names] {
            arena.text.shrink_to_fit();
            arena.ends.shrink_to_fit();
        }
        Ok(EnterpriseNames::of(ids, names))
    }

    /// `ids` with their `names`, in any order.
    fn of(ids: Arena, names: Arena) -> EnterpriseNames {
        // The store gives them in key order, which is the ids' order; sorted here otherwise.
        let (ids, names) = if (1..ids.len()).all(|i| ids.get(i - 1) <= ids.get(i)) {
            (ids, names)
        } else {
            let mut order: Vec<usize> = (0..ids.len()).collect();
            order.sort_by(|&a, &b| ids.get(a).cmp(ids.get(b)));
            (ids.reordered(&order), names.reordered(&order))
        };
        let mut by_name: Vec<u32> = (0..names.len() as u32).collect();
        by_name.sort_by(|&a, &b| (names.get(a as usize), a).cmp(&(names.get(b as usize), b)));
        let mut first_of_name = vec![0; names.len()];
        let mut first = 0;
        for (at, &position) in by_name.iter().enumerate() {
            if at == 0 || names.get(position as usize) != names.get(by_name[at - 1] as usize) {
                first = position;
            }
            first_of_name[position as usize] = first;
        }
        EnterpriseNames {
            ids,
            names,
            first_of_name,
        }
    }

    /// The name of enterprise `id` and its number, if there is such an enterprise.
    fn of_id(&self, id: &str) -> Option<(u32, &str)> {
        let (mut low, mut high) = (0, self.ids.len());
        while low < high {
            let middle = low + (high - low) / 2;
            match self.ids.get(middle).cmp(id) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => {
                    return Some((self.first_of_name[middle], self.names.get(middle)))
                }
            }
        }
        None
    }

    /// Each name once; `names` is let go with the last of them, if nothing else holds it.
    pub fn each_name(names: Rc<EnterpriseNames>) -> impl Iterator<Item = String> {
        let for_filter = Rc::clone(&names);
        (0..names.names.len())
            .filter(move |&i| for_filter.first_of_name[i] as usize == i)
            .map(move |i| names.names.get(i).to_string())
    }

    /// What the index needs of `person`, with their enterprise's number if it is known.
    pub fn candidate(&self, person: &Person) -> (Candidate, EnterpriseNumber) {
        let found = person.enterprise.as_deref().and_then(|id| self.of_id(id));
        let name = found.map(|(_, name)| name.to_string()).unwrap_or_default();
        (
            super::door::candidate_named(person, name),
            found.map(|(number, _)| number),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn arena(strings: &[String]) -> Arena {
        let mut arena = Arena::default();
        for s in strings {
            arena.push(s);
        }
        arena
    }

    proptest! {
        /// Every id is found with its own name, an absent id is not, and two enterprises share
        /// a number exactly when they share a name.
        #[test]
        fn names_are_found_by_id_and_numbered_by_name(
            pairs in proptest::collection::btree_map("[a-e]{1,3}", "[甲乙丙]{0,2}", 0..40),
            shuffle in any::<u64>(),
            absent in "[f-g]{1,2}",
        ) {
            let mut pairs: Vec<(String, String)> = pairs.into_iter().collect();
            let turn = (shuffle as usize) % pairs.len().max(1);
            pairs.rotate_left(turn);
            let ids: Vec<String> = pairs.iter().map(|(id, _)| id.clone()).collect();
            let names: Vec<String> = pairs.iter().map(|(_, name)| name.clone()).collect();
            let read = EnterpriseNames::of(arena(&ids), arena(&names));
            for (id, name) in &pairs {
                let (number, found) = read.of_id(id).unwrap();
                prop_assert_eq!(found, name.as_str());
                for (other_id, other_name) in &pairs {
                    let other = read.of_id(other_id).unwrap().0;
                    prop_assert_eq!(number == other, name == other_name);
                }
            }
            prop_assert!(read.of_id(&absent).is_none());
            let mut each: Vec<String> = EnterpriseNames::each_name(Rc::new(read)).collect();
            each.sort_unstable();
            let mut expected: Vec<String> = names.clone();
            expected.sort_unstable();
            expected.dedup();
            prop_assert_eq!(each, expected);
        }
    }
}
