//! The 企业 tab's rows held as a few flat buffers. At ten times the province the tab lists
//! 120,000 enterprises with 400,000 people; as records and a string per person that was 96 MB
//! for the whole session (eight allocations and a copy of the enterprise's record per row), as
//! text end to end with offsets it is about a quarter of that.

use serde::{Deserialize, Serialize};

use super::outreach::Outreach;
use super::{Categories, Enterprise, OfficeId};

/// The rows of an office's area, in list order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseRows {
    /// Every row's id, name and people's lines, end to end.
    text: String,
    /// Where each string of `text` ends: a row's id, its name, then one per person.
    ends: Vec<u32>,
    rows: Vec<Packed>,
    /// The units the rows are in, each once, with its name.
    units: Vec<(OfficeId, String)>,
    /// The offices that registered them, each once.
    offices: Vec<OfficeId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Packed {
    /// Index in `ends` of the row's id; its name and then its people follow.
    first: u32,
    people: u32,
    office: u32,
    unit: u32,
    categories: Categories,
    trained: bool,
    outreach: Option<Outreach>,
}

/// One row as the tab reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnterpriseRow<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// The office that registered it: only that office records its outreach.
    pub office: &'a str,
    pub unit_name: &'a str,
    pub categories: Categories,
    /// Someone of it was checked in at a class or trained online this year.
    pub trained: bool,
    pub outreach: Option<&'a Outreach>,
    rows: &'a EnterpriseRows,
    first_person: usize,
    people: usize,
}

impl<'a> EnterpriseRow<'a> {
    /// Its people as the panel shows them (name and masked phone), in the store's order.
    pub fn people(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let rows = self.rows;
        (self.first_person..self.first_person + self.people).map(move |i| rows.string(i))
    }
}

/// More text than the offsets can say (4 GiB): no store of people comes near it.
#[derive(Debug)]
pub struct TooLarge;

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::i18n::t("cli.outreach.rows_too_large"))
    }
}

impl std::error::Error for TooLarge {}

impl EnterpriseRows {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds a row after the others.
    pub fn push<'p>(
        &mut self,
        enterprise: &Enterprise,
        unit_name: &str,
        trained: bool,
        outreach: Option<Outreach>,
        people: impl IntoIterator<Item = &'p str>,
    ) -> Result<(), TooLarge> {
        let first = u32::try_from(self.ends.len()).map_err(|_| TooLarge)?;
        let office = index_of(
            &mut self.offices,
            &enterprise.office,
            |o| o,
            || enterprise.office.clone(),
        );
        let unit = index_of(
            &mut self.units,
            &enterprise.unit,
            |(id, _)| id,
            || (enterprise.unit.clone(), unit_name.to_string()),
        );
        self.push_string(&enterprise.id)?;
        self.push_string(&enterprise.name)?;
        let mut count = 0u32;
        for person in people {
            self.push_string(person)?;
            count = count.checked_add(1).ok_or(TooLarge)?;
        }
        self.rows.push(Packed {
            first,
            people: count,
            office: u32::try_from(office).map_err(|_| TooLarge)?,
            unit: u32::try_from(unit).map_err(|_| TooLarge)?,
            categories: enterprise.categories,
            trained,
            outreach,
        });
        Ok(())
    }

    fn push_string(&mut self, s: &str) -> Result<(), TooLarge> {
        self.text.push_str(s);
        self.ends
            .push(u32::try_from(self.text.len()).map_err(|_| TooLarge)?);
        Ok(())
    }

    /// String `i` of the text; a kept file damaged past its hash check reads as empty strings,
    /// never a panic.
    fn string(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).copied().unwrap_or(0) as usize,
        };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.text.get(start..end).unwrap_or("")
    }

    /// Whether row `i`'s enterprise had someone trained; the list's filter and counts ask it of
    /// every row on every key, so without finding its strings.
    pub fn trained(&self, i: usize) -> bool {
        self.rows.get(i).is_some_and(|packed| packed.trained)
    }

    /// Row `i`'s outreach, for the counts.
    pub fn outreach(&self, i: usize) -> Option<&Outreach> {
        self.rows.get(i).and_then(|packed| packed.outreach.as_ref())
    }

    pub fn get(&self, i: usize) -> Option<EnterpriseRow<'_>> {
        let packed = self.rows.get(i)?;
        let first = packed.first as usize;
        // A count past the strings there are (a damaged file) lists only those.
        let people = (packed.people as usize).min(self.ends.len().saturating_sub(first + 2));
        Some(EnterpriseRow {
            id: self.string(first),
            name: self.string(first + 1),
            office: self
                .offices
                .get(packed.office as usize)
                .map_or("", String::as_str),
            unit_name: self
                .units
                .get(packed.unit as usize)
                .map_or("", |(_, name)| name),
            categories: packed.categories,
            trained: packed.trained,
            outreach: packed.outreach.as_ref(),
            rows: self,
            first_person: first + 2,
            people,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = EnterpriseRow<'_>> {
        (0..self.rows.len()).filter_map(|i| self.get(i))
    }

    /// The row of enterprise `id`.
    pub fn position(&self, id: &str) -> Option<usize> {
        (0..self.rows.len()).find(|&i| self.string(self.rows[i].first as usize) == id)
    }

    /// Sets enterprise `id`'s outreach where it stands in the list; false when it is not listed.
    pub fn set_outreach(&mut self, id: &str, outreach: Outreach) -> bool {
        match self.position(id) {
            Some(i) => {
                self.rows[i].outreach = Some(outreach);
                true
            }
            None => false,
        }
    }
}

impl EnterpriseRows {
    /// The rows again, in the same order, each with the trained flag and people `change` gives
    /// it (`None`: as it is).
    pub fn changed(
        &self,
        mut change: impl FnMut(&EnterpriseRow<'_>) -> Option<(bool, Vec<String>)>,
    ) -> Result<EnterpriseRows, TooLarge> {
        let mut out = EnterpriseRows {
            units: self.units.clone(),
            offices: self.offices.clone(),
            ..EnterpriseRows::default()
        };
        for (i, packed) in self.rows.iter().enumerate() {
            let Some(row) = self.get(i) else {
                continue;
            };
            let first = u32::try_from(out.ends.len()).map_err(|_| TooLarge)?;
            out.push_string(row.id)?;
            out.push_string(row.name)?;
            let (trained, people) = match change(&row) {
                Some((trained, people)) => {
                    for person in &people {
                        out.push_string(person)?;
                    }
                    (trained, people.len())
                }
                None => {
                    for person in row.people() {
                        out.push_string(person)?;
                    }
                    (packed.trained, row.people)
                }
            };
            out.rows.push(Packed {
                first,
                people: u32::try_from(people).map_err(|_| TooLarge)?,
                trained,
                ..packed.clone()
            });
        }
        Ok(out)
    }
}

/// Where `id` is in `list`, added at the end when it is not there. Offices and units are few (an
/// area's counties and zones), so a look along the list is enough.
fn index_of<T>(
    list: &mut Vec<T>,
    id: &str,
    id_of: impl Fn(&T) -> &OfficeId,
    new: impl FnOnce() -> T,
) -> usize {
    match list.iter().position(|known| id_of(known) == id) {
        Some(i) => i,
        None => {
            list.push(new());
            list.len() - 1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outreach::OutreachStatus;
    use crate::domain::EnterpriseCategory;
    use proptest::prelude::*;

    fn enterprise(i: usize, name: &str, office: &str) -> Enterprise {
        Enterprise {
            id: format!("E-{i}"),
            office: office.to_string(),
            name: name.to_string(),
            credit_code: None,
            categories: Categories::of(
                [EnterpriseCategory::ALL[i % EnterpriseCategory::ALL.len()]],
            ),
            unit: office.to_string(),
        }
    }

    proptest! {
        /// Whatever the names hold (control characters, nothing at all), every row reads back
        /// as it was pushed.
        #[test]
        fn rows_read_back_as_pushed(
            rows in prop::collection::vec(
                (".{0,12}", prop::collection::vec(".{0,8}", 0..4), any::<bool>(), 0usize..3),
                0..30,
            )
        ) {
            let offices = ["420704", "420703", "420702"];
            let mut packed = EnterpriseRows::default();
            for (i, (name, people, trained, office)) in rows.iter().enumerate() {
                let e = enterprise(i, name, offices[*office]);
                packed
                    .push(&e, &format!("单位{office}"), *trained, None, people.iter().map(String::as_str))
                    .unwrap();
            }
            prop_assert_eq!(packed.len(), rows.len());
            for (i, (name, people, trained, office)) in rows.iter().enumerate() {
                let row = packed.get(i).unwrap();
                let id = format!("E-{i}");
                prop_assert_eq!(row.id, id.as_str());
                prop_assert_eq!(row.name, name.as_str());
                prop_assert_eq!(row.office, offices[*office]);
                prop_assert_eq!(row.unit_name, format!("单位{office}"));
                prop_assert_eq!(row.trained, *trained);
                prop_assert_eq!(packed.trained(i), *trained);
                prop_assert_eq!(row.people().collect::<Vec<_>>(), people.iter().map(String::as_str).collect::<Vec<_>>());
                prop_assert_eq!(packed.position(&id), Some(i));
            }
        }
    }

    #[test]
    fn an_outreach_is_set_on_its_own_row() {
        let mut packed = EnterpriseRows::default();
        for i in 0..3 {
            let e = enterprise(i, &format!("企业{i}"), "420704");
            packed
                .push(&e, "鄂城区", false, None, ["张三 139****0001"])
                .unwrap();
        }
        let outreach = Outreach {
            status: OutreachStatus::Invited,
            on: chrono::NaiveDate::from_ymd_opt(2023, 3, 2).unwrap(),
            note: String::new(),
        };
        assert!(packed.set_outreach("E-1", outreach.clone()));
        assert!(!packed.set_outreach("E-9", outreach.clone()));
        let statuses: Vec<_> = packed.iter().map(|r| r.outreach.cloned()).collect();
        assert_eq!(statuses, [None, Some(outreach), None]);
    }

    #[test]
    fn a_change_replaces_only_the_rows_it_names() {
        let mut packed = EnterpriseRows::default();
        for i in 0..3 {
            let e = enterprise(i, &format!("企业{i}"), "420704");
            packed
                .push(
                    &e,
                    "鄂城区",
                    i == 2,
                    None,
                    [format!("员工{i} 139****000{i}").as_str()],
                )
                .unwrap();
        }
        let changed = packed
            .changed(|row| (row.id == "E-1").then(|| (true, vec!["甲".into(), "乙".into()])))
            .unwrap();
        let rows: Vec<(bool, Vec<&str>)> = changed
            .iter()
            .map(|r| (r.trained, r.people().collect()))
            .collect();
        assert_eq!(
            rows,
            [
                (false, vec!["员工0 139****0000"]),
                (true, vec!["甲", "乙"]),
                (true, vec!["员工2 139****0002"]),
            ]
        );
        assert_eq!(changed.get(1).unwrap().name, "企业1");
        assert_eq!(changed.get(1).unwrap().unit_name, "鄂城区");
        assert_eq!(packed.changed(|_| None).unwrap(), packed, "nothing changed");
    }

    /// A count of people past the strings there are (a damaged file) lists only those.
    #[test]
    fn a_damaged_count_of_people_lists_only_what_is_there() {
        let mut packed = EnterpriseRows::default();
        let e = enterprise(0, "企业", "420704");
        packed
            .push(&e, "鄂城区", false, None, ["张三 139****0001"])
            .unwrap();
        packed.rows[0].people = u32::MAX;
        let row = packed.get(0).unwrap();
        assert_eq!(row.people().collect::<Vec<_>>(), ["张三 139****0001"]);
    }
}
