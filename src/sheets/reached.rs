//! What each unit reached, for the coverage roll-up: its enterprises, those with someone
//! trained, and the people trained, each by who they are rather than by record.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use color_eyre::eyre::Result;

use crate::domain::outreach::{Outreach, OutreachStatus};
use crate::domain::{EnterpriseCategory, Person};
use crate::store::Store;

/// A unit's enterprises and people by identity (`Identities`), so that a subtotal over several
/// units counts once an enterprise or a person known to two of them.
#[derive(Default, Clone)]
pub(super) struct Figures {
    pub(super) enterprises: BTreeSet<String>,
    pub(super) enterprises_reached: BTreeSet<String>,
    pub(super) reached_by_category: [BTreeSet<String>; 4],
    pub(super) people_reached: HashSet<u64>,
    pub(super) contacted: BTreeSet<String>,
    pub(super) visited: BTreeSet<String>,
}

impl Figures {
    pub(super) fn add(&mut self, other: &Figures) {
        self.enterprises.extend(other.enterprises.iter().cloned());
        self.enterprises_reached
            .extend(other.enterprises_reached.iter().cloned());
        for (mine, theirs) in self
            .reached_by_category
            .iter_mut()
            .zip(&other.reached_by_category)
        {
            mine.extend(theirs.iter().cloned());
        }
        self.people_reached
            .extend(other.people_reached.iter().copied());
        self.contacted.extend(other.contacted.iter().cloned());
        self.visited.extend(other.visited.iter().cloned());
    }

    pub(super) fn is_empty(&self) -> bool {
        self.enterprises.is_empty()
            && self.enterprises_reached.is_empty()
            && self.people_reached.is_empty()
    }

    /// The sizes a union can only lose by counting one identity once.
    pub(super) fn sizes(&self) -> [usize; 3] {
        [
            self.enterprises.len(),
            self.enterprises_reached.len(),
            self.people_reached.len(),
        ]
    }
}

/// Who an enterprise or a person is across the units that registered them: units register
/// independently, so one firm or one trainee can be a record in each of two counties.
/// - An enterprise is its credit code; without one, the code of a coded record with the same
///   name, else its name (company names are unique where they are registered).
/// - A person is their name and phone; without a phone, their name at their enterprise.
struct Identities {
    unit_and_key: HashMap<String, (String, String)>,
    code_of_name: HashMap<String, String>,
}

impl Identities {
    fn read(store: &Store) -> Result<Identities> {
        let mut unit_and_key = HashMap::new();
        let mut code_of_name = HashMap::new();
        for e in store.enterprises_each() {
            let e = e?;
            let key = match e.credit_code {
                Some(code) => {
                    code_of_name.entry(e.name).or_insert_with(|| code.clone());
                    code
                }
                None => format!("{NAMED}{}", e.name),
            };
            unit_and_key.insert(e.id, (e.unit, key));
        }
        Ok(Identities {
            unit_and_key,
            code_of_name,
        })
    }

    fn unit(&self, enterprise: &str) -> Option<&str> {
        self.unit_and_key
            .get(enterprise)
            .map(|(unit, _)| unit.as_str())
    }

    fn enterprise(&self, enterprise: &str) -> Option<&str> {
        let (_, key) = self.unit_and_key.get(enterprise)?;
        Some(match key.strip_prefix(NAMED) {
            Some(name) => self.code_of_name.get(name).unwrap_or(key),
            None => key,
        })
    }

    fn person(&self, p: &Person) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        p.name.trim().hash(&mut hasher);
        match (p.phone.trim(), p.enterprise.as_deref()) {
            ("", Some(e)) => self.enterprise(e).unwrap_or(e).hash(&mut hasher),
            ("", None) => p.id.hash(&mut hasher),
            (phone, _) => phone.hash(&mut hasher),
        }
        hasher.finish()
    }
}

/// Marks a key that is an enterprise's name, not a credit code (no code holds it).
const NAMED: &str = "名称:";

/// The people trained: 参训达标 as certification decides it (online to the rule's minutes, or
/// checked in at the rule's number of offline classes), so that coverage, the 通报 and
/// `cert list` count the same people.
pub fn trained_people(store: &Store) -> Result<BTreeSet<String>> {
    let rules = crate::cert::Rules::load()?;
    Ok(crate::cert::kept::summary(store, &rules)?
        .trained()
        .map(str::to_string)
        .collect())
}

/// Each unit's own figures: enterprises known, enterprises with someone trained, and people
/// trained: at a session, or online to the trained rule (by their enterprise's unit, else the
/// office that enrolled them). Read a record at a time: at ten times the province, everyone's
/// records held at once were 126 MB of the 400 MB `report coverage` took.
pub(super) fn own_figures(store: &Store) -> Result<BTreeMap<String, Figures>> {
    let identities = Identities::read(store)?;
    let attended = trained_people(store)?;
    let mut own: BTreeMap<String, Figures> = BTreeMap::new();
    let mut reached: HashSet<String> = HashSet::new();
    for person in store.people_each() {
        let person = person?;
        if !attended.contains(&person.id) {
            continue;
        }
        let unit = person
            .enterprise
            .as_deref()
            .and_then(|e| identities.unit(e))
            .unwrap_or(&person.office);
        own.entry(unit.to_string())
            .or_default()
            .people_reached
            .insert(identities.person(&person));
        if let Some(e) = person.enterprise {
            reached.insert(e);
        }
    }
    // Whether each enterprise contacted was visited.
    let visited: HashMap<String, bool> = store
        .each_with_ids::<Outreach>("r/")
        .map(|entry| entry.map(|(id, o)| (id, o.status == OutreachStatus::Visited)))
        .collect::<Result<_>>()?;
    for e in store.enterprises_each() {
        let e = e?;
        let identity = identities.enterprise(&e.id).unwrap_or(&e.id).to_string();
        let figures = own.entry(e.unit.clone()).or_default();
        if let Some(&was_visited) = visited.get(&e.id) {
            figures.contacted.insert(identity.clone());
            if was_visited {
                figures.visited.insert(identity.clone());
            }
        }
        if reached.contains(&e.id) {
            figures.enterprises_reached.insert(identity.clone());
            for (i, category) in EnterpriseCategory::ALL.iter().enumerate() {
                if e.categories.contains(*category) {
                    figures.reached_by_category[i].insert(identity.clone());
                }
            }
        }
        figures.enterprises.insert(identity);
    }
    Ok(own)
}
