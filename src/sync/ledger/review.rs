//! People who turn up in more than one unit's records: the same phone, or the same name at an
//! enterprise with the same credit code. Each unit owns its people, so nothing merges
//! them; the office above them lists them for a person to sort out (one training counted twice,
//! a typo in a phone).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use color_eyre::eyre::Result;
use serde::{Deserialize, Serialize};

use crate::campaign::campaign;
use crate::domain::{OfficeId, Person};
use crate::log::authority::id_office;
use crate::store::kept::Kept;
use crate::store::write_journal::Since;
use crate::store::Store;

/// What two records have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DuplicateBy {
    Phone,
    CreditCodeAndName,
}

impl DuplicateBy {
    pub fn key(self) -> &'static str {
        match self {
            DuplicateBy::Phone => "phone",
            DuplicateBy::CreditCodeAndName => "credit_code_and_name",
        }
    }
}

/// One unit's record of the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    pub office: OfficeId,
    pub person: String,
    pub name: String,
    pub phone: String,
    pub enterprise: String,
}

/// Records of two or more units that look like one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub by: DuplicateBy,
    /// The shared phone, or the credit code and the name.
    pub value: String,
    pub sightings: Vec<Sighting>,
}

/// What a person shares with others: their phone, and the credit code of their enterprise with
/// their name.
fn shared(p: &Person, credit_code: impl Fn(&str) -> Option<String>) -> Vec<(DuplicateBy, String)> {
    let mut keys = Vec::new();
    let phone = p.phone.trim();
    if !phone.is_empty() {
        keys.push((DuplicateBy::Phone, phone.to_string()));
    }
    if let Some(code) = p.enterprise.as_deref().and_then(credit_code) {
        keys.push((
            DuplicateBy::CreditCodeAndName,
            format!("{code} {}", p.name.trim()),
        ));
    }
    keys
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// The review kept beside the store (`store::kept`), under the log's heads and the office.
const KEPT: Kept = Kept {
    file: "duplicates-review",
    magic: b"peixun duplicates review 1\n",
    max_bytes: 256 << 20,
};

/// People owned by two or more different units below `office`, grouped by what they share; a
/// pair found by phone is not listed again by credit code and name. Kept while the log has not
/// moved, and while it moves only by writes that leave it as it was: the 同步 tab asks on every
/// visit, and the answer reads everyone below the office.
pub fn review(store: &Store, office: &str) -> Result<Vec<Duplicate>> {
    KEPT.get_or_bring_up_to_date(
        store,
        office.as_bytes(),
        |kept, since| Ok(left_as_it_was(office, &since).then_some(kept)),
        || worked_out(store, office),
    )
}

/// What the review reads besides people's own records: enterprises (credit codes and names),
/// and a person's record under a key the journal could not read.
const SHARED: &[&str] = &["e", "p"];

/// Whether writes that changed only what `since` names leave the review of `office` as it was:
/// they wrote no enterprise, and no record of a person of a unit below the office (a check-in
/// or a certificate of such a person changes their lines, not who they are). A person's record
/// is only ever written by the office its id names (`log::authority`), so the id says whose the
/// person was before the write as well as after.
fn left_as_it_was(office: &str, since: &Since) -> bool {
    let below = units_below(office);
    !since.wrote_any(SHARED)
        && since
            .records
            .iter()
            .all(|id| id_office(id).is_some_and(|unit| !below.contains(unit)))
}

/// The units below `office`, not itself.
fn units_below(office: &str) -> BTreeSet<String> {
    campaign()
        .descendants(office)
        .into_iter()
        .filter(|(_, depth)| *depth > 0)
        .map(|(u, _)| u.id.clone())
        .collect()
}

/// Removes the kept review, if any (`doctor`).
pub fn forget_kept_review(store: &Store) -> Result<()> {
    KEPT.forget(store)
}

/// `review` from the people. Two passes over them, the first keeping a hash per value (a
/// collision only costs the second pass a look at a group it then drops): a province office
/// holds everyone once, not twice over (hundreds of MB at ten times the province).
fn worked_out(store: &Store, office: &str) -> Result<Vec<Duplicate>> {
    let below = units_below(office);
    let mut codes: HashMap<String, String> = HashMap::new();
    for e in store.enterprises_each() {
        let e = e?;
        if let Some(code) = e.credit_code {
            codes.insert(e.id, code);
        }
    }
    let credit_code = |enterprise: &str| codes.get(enterprise).cloned();
    let offices: Vec<&String> = below.iter().collect();
    // (hash of a value, the unit it was seen in), sorted and each once: a value seen in two
    // units appears twice.
    let mut seen: Vec<(u64, u32)> = Vec::new();
    for p in store.people_each() {
        let p = p?;
        let Some(office) = offices
            .binary_search(&&p.office)
            .ok()
            .and_then(|at| u32::try_from(at).ok())
        else {
            continue;
        };
        for key in shared(&p, credit_code) {
            seen.push((hash_of(&key), office));
        }
    }
    seen.sort_unstable();
    seen.dedup();
    let in_two_units: Vec<u64> = seen
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|units| units.len() > 1)
        .map(|units| units[0].0)
        .collect();
    drop(seen);
    let mut groups: BTreeMap<(DuplicateBy, String), Vec<Person>> = BTreeMap::new();
    for p in store.people_each() {
        let p = p?;
        if !below.contains(&p.office) {
            continue;
        }
        for key in shared(&p, credit_code) {
            if in_two_units.binary_search(&hash_of(&key)).is_ok() {
                groups.entry(key).or_default().push(p.clone());
            }
        }
    }
    let mut listed: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    let mut out = Vec::new();
    for ((by, value), group) in groups {
        let offices: BTreeSet<&str> = group.iter().map(|p| p.office.as_str()).collect();
        if offices.len() < 2 {
            continue;
        }
        let ids: BTreeSet<String> = group.iter().map(|p| p.id.clone()).collect();
        if !listed.insert(ids) {
            continue;
        }
        let mut sightings = Vec::new();
        for p in group {
            let enterprise = match &p.enterprise {
                Some(id) => store.enterprise(id)?.map(|e| e.name).unwrap_or_default(),
                None => String::new(),
            };
            sightings.push(Sighting {
                office: p.office,
                person: p.id,
                name: p.name,
                phone: p.phone,
                enterprise,
            });
        }
        out.push(Duplicate {
            by,
            value,
            sightings,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes of these people's own records and of records of these kinds.
    fn since(records: &[&str], kinds: &[&str]) -> Since {
        let people: BTreeSet<String> = records.iter().map(|p| p.to_string()).collect();
        Since {
            people: people.clone(),
            records: people,
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            ..Since::default()
        }
    }

    #[test]
    fn only_writes_to_people_of_no_unit_below_leave_the_review_as_it_was() {
        // 鄂州市 (420700) reviews its counties' people, 鄂城区 (420704) among them.
        let city = "420700";
        assert!(left_as_it_was(city, &since(&[], &[])));
        assert!(left_as_it_was(
            city,
            &since(&["P-420700-1a2b3c-7"], &["h", "o", "q"])
        ));
        assert!(
            left_as_it_was(city, &since(&["P-420100-1a2b3c-7"], &[])),
            "another city's"
        );
        assert!(
            !left_as_it_was(city, &since(&["P-420704-1a2b3c-7"], &[])),
            "a county's"
        );
        assert!(
            !left_as_it_was(city, &since(&["P-nobody"], &[])),
            "no office's id"
        );
        assert!(!left_as_it_was(city, &since(&[], &["e"])), "an enterprise");
        assert!(
            !left_as_it_was(city, &since(&[], &["p"])),
            "a person's record unread"
        );
        let checked_in = Since {
            people: ["P-420704-1a2b3c-7".to_string()].into(),
            ..Since::default()
        };
        assert!(
            left_as_it_was(city, &checked_in),
            "a county's person checked in or certified, their record not written"
        );
        // A county has nothing below it: its own people's writes never change its review.
        assert!(left_as_it_was(
            "420704",
            &since(&["P-420704-1a2b3c-7"], &[])
        ));
    }
}
