//! People who turn up in more than one unit's records: the same phone, or the same name at an
//! enterprise with the same credit code. Each unit owns its people, so nothing merges
//! them; the office above them lists them for a person to sort out (one training counted twice,
//! a typo in a phone).

use std::collections::{BTreeMap, BTreeSet};

use color_eyre::eyre::Result;
use serde::Serialize;

use crate::campaign::campaign;
use crate::domain::{OfficeId, Person};
use crate::store::Store;

/// What two records have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sighting {
    pub office: OfficeId,
    pub person: String,
    pub name: String,
    pub phone: String,
    pub enterprise: String,
}

/// Records of two or more units that look like one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    pub by: DuplicateBy,
    /// The shared phone, or the credit code and the name.
    pub value: String,
    pub sightings: Vec<Sighting>,
}

/// People owned by two or more different units below `office`, grouped by what they share;
/// a pair found by phone is not listed again by credit code and name.
pub fn review(store: &Store, office: &str) -> Result<Vec<Duplicate>> {
    let below: BTreeSet<String> = campaign()
        .descendants(office)
        .into_iter()
        .filter(|(_, depth)| *depth > 0)
        .map(|(u, _)| u.id.clone())
        .collect();
    let enterprises: BTreeMap<String, (String, Option<String>)> = store
        .enterprises()?
        .into_iter()
        .map(|e| (e.id, (e.name, e.credit_code)))
        .collect();
    let people: Vec<Person> = store
        .people()?
        .into_iter()
        .filter(|p| below.contains(&p.office))
        .collect();
    let mut groups: BTreeMap<(DuplicateBy, String), Vec<&Person>> = BTreeMap::new();
    for p in &people {
        let phone = p.phone.trim();
        if !phone.is_empty() {
            groups
                .entry((DuplicateBy::Phone, phone.to_string()))
                .or_default()
                .push(p);
        }
        let code = p
            .enterprise
            .as_ref()
            .and_then(|e| enterprises.get(e))
            .and_then(|(_, code)| code.as_deref());
        if let Some(code) = code {
            let value = format!("{code} {}", p.name.trim());
            groups
                .entry((DuplicateBy::CreditCodeAndName, value))
                .or_default()
                .push(p);
        }
    }
    let mut listed: BTreeSet<BTreeSet<&str>> = BTreeSet::new();
    let mut out = Vec::new();
    for ((by, value), group) in groups {
        let offices: BTreeSet<&str> = group.iter().map(|p| p.office.as_str()).collect();
        if offices.len() < 2 {
            continue;
        }
        let ids: BTreeSet<&str> = group.iter().map(|p| p.id.as_str()).collect();
        if !listed.insert(ids) {
            continue;
        }
        let sightings = group
            .iter()
            .map(|p| Sighting {
                office: p.office.clone(),
                person: p.id.clone(),
                name: p.name.clone(),
                phone: p.phone.clone(),
                enterprise: p
                    .enterprise
                    .as_ref()
                    .and_then(|e| enterprises.get(e))
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default(),
            })
            .collect();
        out.push(Duplicate {
            by,
            value,
            sightings,
        });
    }
    Ok(out)
}
