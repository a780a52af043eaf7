//! What each unit reached, for the coverage roll-up: its enterprises, those with someone
//! trained, and the people trained, each by who they are rather than by record.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use color_eyre::eyre::Result;

use crate::domain::outreach::{Outreach, OutreachStatus};
use crate::domain::{EnterpriseCategory, Person};
use crate::store::Store;

/// A unit's enterprises and people by identity (`Identities`), so that a subtotal over several
/// units counts once an enterprise or a person known to two of them. Identities are hashes: at
/// ten times the province, names and codes as text took 40 MB more.
#[derive(Default, Clone)]
pub(super) struct Figures {
    pub(super) enterprises: HashSet<u64>,
    pub(super) enterprises_reached: HashSet<u64>,
    pub(super) reached_by_category: [HashSet<u64>; 4],
    pub(super) people_reached: HashSet<u64>,
    pub(super) contacted: HashSet<u64>,
    pub(super) visited: HashSet<u64>,
}

impl Figures {
    pub(super) fn add(&mut self, other: &Figures) {
        self.enterprises.extend(&other.enterprises);
        self.enterprises_reached.extend(&other.enterprises_reached);
        for (mine, theirs) in self
            .reached_by_category
            .iter_mut()
            .zip(&other.reached_by_category)
        {
            mine.extend(theirs);
        }
        self.people_reached.extend(&other.people_reached);
        self.contacted.extend(&other.contacted);
        self.visited.extend(&other.visited);
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
///
/// Both are lists sorted by their first hash and searched: as maps, at ten times the province,
/// they held 15 MB.
struct Identities {
    /// By the hash of the enterprise's record id: its unit, and its code's or name's hash.
    enterprises: Vec<(u64, &'static str, Key)>,
    /// A name's hash and the code of the first coded record with it.
    code_of_name: Vec<(u64, u64)>,
}

#[derive(Clone, Copy)]
enum Key {
    Code(u64),
    Name(u64),
}

fn hash_of(value: &(impl Hash + ?Sized)) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

impl Identities {
    fn read(store: &Store) -> Result<Identities> {
        // The campaign's own copy of a unit's id, so that each enterprise does not keep one; a
        // unit the campaign does not know is counted under no unit's row.
        let units: HashMap<&str, &'static str> = crate::campaign::campaign()
            .units
            .iter()
            .map(|u| (u.id.as_str(), u.id.as_str()))
            .collect();
        let mut enterprises = Vec::new();
        let mut code_of_name = Vec::new();
        for e in store.enterprises_each() {
            let e = e?;
            let key = match &e.credit_code {
                Some(code) => {
                    let code = hash_of(code.as_str());
                    crate::domain::room::in_list(&mut code_of_name, 1);
                    code_of_name.push((hash_of(e.name.as_str()), code));
                    Key::Code(code)
                }
                None => Key::Name(hash_of(e.name.as_str())),
            };
            let unit = units.get(e.unit.as_str()).copied().unwrap_or("");
            crate::domain::room::in_list(&mut enterprises, 1);
            enterprises.push((hash_of(e.id.as_str()), unit, key));
        }
        enterprises.sort_unstable_by_key(|&(id, _, _)| id);
        // Stable, so that of the records with one name the first read stays.
        code_of_name.sort_by_key(|&(name, _)| name);
        code_of_name.dedup_by_key(|&mut (name, _)| name);
        code_of_name.shrink_to_fit();
        Ok(Identities {
            enterprises,
            code_of_name,
        })
    }

    fn of(&self, enterprise: &str) -> Option<&(u64, &'static str, Key)> {
        let id = hash_of(enterprise);
        let at = self
            .enterprises
            .binary_search_by_key(&id, |&(id, _, _)| id)
            .ok()?;
        self.enterprises.get(at)
    }

    fn unit(&self, enterprise: &str) -> Option<&'static str> {
        self.of(enterprise).map(|&(_, unit, _)| unit)
    }

    fn enterprise(&self, enterprise: &str) -> u64 {
        match self.of(enterprise) {
            Some((_, _, Key::Code(code))) => *code,
            Some((_, _, Key::Name(name))) => self
                .code_of_name
                .binary_search_by_key(name, |&(name, _)| name)
                .map_or(*name, |at| self.code_of_name[at].1),
            None => hash_of(enterprise),
        }
    }

    fn person(&self, p: &Person) -> u64 {
        let name = p.name.trim();
        match (p.phone.trim(), p.enterprise.as_deref()) {
            ("", Some(e)) => hash_of(&(name, self.enterprise(e))),
            ("", None) => hash_of(&(name, p.id.as_str())),
            (phone, _) => hash_of(&(name, phone)),
        }
    }
}

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
        let unit = match person
            .enterprise
            .as_deref()
            .and_then(|e| identities.unit(e))
        {
            Some(unit) => unit.to_string(),
            None => person.office.clone(),
        };
        own.entry(unit)
            .or_default()
            .people_reached
            .insert(identities.person(&person));
        if let Some(e) = person.enterprise {
            reached.insert(e);
        }
    }
    // The outreach statuses are kept by enterprise id, as the enterprises are: read side by
    // side with them in the ids' order rather than gathered into a map.
    let mut statuses = store.each_with_ids::<Outreach>("r/").peekable();
    for e in store.enterprises_each() {
        let e = e?;
        let identity = identities.enterprise(&e.id);
        let figures = own.entry(e.unit.clone()).or_default();
        // Whether the enterprise was contacted, and if so visited; a status before its id is
        // of an enterprise no longer kept.
        let mut contacted = None;
        while let Some(status) = statuses.next_if(|status| {
            status
                .as_ref()
                .map_or(true, |(id, _)| id.as_str() <= e.id.as_str())
        }) {
            let (id, status) = status?;
            if id == e.id {
                contacted = Some(status.status == OutreachStatus::Visited);
            }
        }
        if let Some(was_visited) = contacted {
            figures.contacted.insert(identity);
            if was_visited {
                figures.visited.insert(identity);
            }
        }
        if reached.contains(&e.id) {
            figures.enterprises_reached.insert(identity);
            for (i, category) in EnterpriseCategory::ALL.iter().enumerate() {
                if e.categories.contains(*category) {
                    figures.reached_by_category[i].insert(identity);
                }
            }
        }
        figures.enterprises.insert(identity);
    }
    Ok(own)
}
