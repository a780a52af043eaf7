//! The 企业 tab's rows held as a few flat buffers. At ten times the province the tab lists
//! 120,000 enterprises with 400,000 people; as records and a string per person that was 96 MB
//! for the whole session (eight allocations and a copy of the enterprise's record per row), as
//! text end to end with offsets it is about a quarter of that.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::outreach::Outreach;
use super::splice::{splice_all, splice_text};
use super::{Categories, Enterprise, OfficeId};

/// The rows of an office's area, in list order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseRows {
    /// Every row's id, name and people's lines, end to end.
    #[serde(with = "super::in_pieces")]
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
#[derive(Debug, PartialEq, Eq)]
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
        super::room::in_list(&mut self.rows, 1);
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

    /// Gives back the room left by growing as rows were pushed (`room`): the rows are then held
    /// for the session.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.rows.shrink_to_fit();
        self.units.shrink_to_fit();
        self.offices.shrink_to_fit();
    }

    fn push_string(&mut self, s: &str) -> Result<(), TooLarge> {
        super::room::in_text(&mut self.text, s.len());
        super::room::in_list(&mut self.ends, 1);
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

/// A row's trained flag and people as they are now (`EnterpriseRows::with_people_replaced`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowChange {
    pub row: usize,
    pub trained: bool,
    pub people: Vec<String>,
}

impl EnterpriseRows {
    /// The rows with each change's trained flag and people in its row, made in place: only the
    /// text and offsets after a changed row move, and no second copy of the rows is made (at ten
    /// times the province that copy was 30 MB). `None` when the changes are not in row order or
    /// name a row not there, or the rows' offsets do not hold together (a damaged file).
    pub fn with_people_replaced(
        mut self,
        changes: &[RowChange],
    ) -> Result<Option<EnterpriseRows>, TooLarge> {
        let mut text_edits: Vec<(Range<usize>, String)> = Vec::with_capacity(changes.len());
        let mut ends_edits: Vec<(Range<usize>, Vec<u32>)> = Vec::with_capacity(changes.len());
        // How far the text before the change in hand moves.
        let mut byte_shift = 0i64;
        let (mut last_row, mut last_end, mut last_byte) = (None, 0, 0);
        for change in changes {
            let Some(packed) = self.rows.get(change.row) else {
                return Ok(None);
            };
            let first_person = packed.first as usize + 2;
            let people_end = first_person + packed.people as usize;
            let (Some(&start), Some(&end)) = (
                self.ends.get(first_person - 1),
                self.ends.get(people_end - 1),
            ) else {
                return Ok(None);
            };
            let bytes = start as usize..end as usize;
            let in_order = last_row.is_none_or(|last| change.row > last)
                && first_person > last_end
                && bytes.start >= last_byte
                && bytes.start <= bytes.end
                && self.text.is_char_boundary(bytes.start)
                && self.text.is_char_boundary(bytes.end);
            if !in_order {
                return Ok(None);
            }
            (last_row, last_end, last_byte) = (Some(change.row), people_end, bytes.end);
            let moved_start = bytes.start as i64 + byte_shift;
            let mut joined = String::new();
            u32::try_from(change.people.len()).map_err(|_| TooLarge)?;
            let mut new_ends = Vec::with_capacity(change.people.len());
            for line in &change.people {
                joined.push_str(line);
                let end = moved_start + joined.len() as i64;
                new_ends.push(u32::try_from(end).map_err(|_| TooLarge)?);
            }
            byte_shift += joined.len() as i64 - bytes.len() as i64;
            text_edits.push((bytes, joined));
            ends_edits.push((first_person..people_end, new_ends));
        }
        let strings = ends_edits
            .iter()
            .map(|(range, with)| with.len() as i64 - range.len() as i64);
        u32::try_from(self.ends.len() as i64 + strings.sum::<i64>()).map_err(|_| TooLarge)?;
        u32::try_from(self.text.len() as i64 + byte_shift).map_err(|_| TooLarge)?;
        if splice_text(&mut self.text, &text_edits).is_none()
            || splice_all(&mut self.ends, &ends_edits).is_none()
        {
            return Ok(None);
        }
        self.shift_after_changes(changes, &text_edits, &ends_edits);
        Ok(Some(self))
    }

    /// After the splices: every offset and row after a change moved by what the changes before
    /// it added or took away, and each changed row holds its new count and flag.
    fn shift_after_changes(
        &mut self,
        changes: &[RowChange],
        text_edits: &[(Range<usize>, String)],
        ends_edits: &[(Range<usize>, Vec<u32>)],
    ) {
        let (mut byte_shift, mut count_shift) = (0i64, 0i64);
        let mut at = 0;
        for ((bytes, joined), (strings, new_ends)) in text_edits.iter().zip(ends_edits) {
            let moved_start = (strings.start as i64 + count_shift) as usize;
            for end in &mut self.ends[at..moved_start] {
                *end = (i64::from(*end) + byte_shift) as u32;
            }
            at = moved_start + new_ends.len();
            byte_shift += joined.len() as i64 - bytes.len() as i64;
            count_shift += new_ends.len() as i64 - strings.len() as i64;
        }
        for end in &mut self.ends[at..] {
            *end = (i64::from(*end) + byte_shift) as u32;
        }
        let mut count_shift = 0i64;
        let mut next = changes.iter().peekable();
        for (i, packed) in self.rows.iter_mut().enumerate() {
            packed.first = (i64::from(packed.first) + count_shift) as u32;
            if let Some(change) = next.next_if(|change| change.row == i) {
                count_shift += change.people.len() as i64 - i64::from(packed.people);
                packed.people = change.people.len() as u32;
                packed.trained = change.trained;
            }
        }
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
        let change = RowChange {
            row: 1,
            trained: true,
            people: vec!["甲".into(), "乙".into()],
        };
        let changed = packed
            .clone()
            .with_people_replaced(&[change])
            .unwrap()
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
        assert_eq!(changed.get(2).unwrap().name, "企业2");
        assert_eq!(changed.get(1).unwrap().unit_name, "鄂城区");
        let unchanged = packed.clone().with_people_replaced(&[]).unwrap();
        assert_eq!(unchanged, Some(packed), "nothing changed");
    }

    #[test]
    fn changes_out_of_row_order_or_past_the_rows_are_refused() {
        let mut packed = EnterpriseRows::default();
        for i in 0..2 {
            let e = enterprise(i, &format!("企业{i}"), "420704");
            packed.push(&e, "鄂城区", false, None, ["张三"]).unwrap();
        }
        let change = |row| RowChange {
            row,
            trained: true,
            people: vec![],
        };
        let backwards = [change(1), change(0)];
        assert_eq!(packed.clone().with_people_replaced(&backwards), Ok(None));
        assert_eq!(packed.clone().with_people_replaced(&[change(2)]), Ok(None));
        let mut damaged = packed.clone();
        damaged.rows[1].first = 0;
        assert_eq!(
            damaged.with_people_replaced(&[change(0), change(1)]),
            Ok(None)
        );
    }

    proptest! {
        /// Whatever rows change (none, the first, the last, to no people or to more), the rows
        /// changed in place are those pushed from the start with the changes in them.
        #[test]
        fn rows_changed_in_place_are_the_rows_pushed_changed(
            rows in prop::collection::vec(
                (prop::collection::vec(".{0,6}", 0..4), any::<bool>()),
                0..12,
            ),
            changes in prop::collection::btree_map(
                0usize..12,
                (prop::collection::vec(".{0,6}", 0..5), any::<bool>()),
                0..6,
            ),
        ) {
            let push_all = |rows: &[(Vec<String>, bool)]| {
                let mut packed = EnterpriseRows::default();
                for (i, (people, trained)) in rows.iter().enumerate() {
                    let e = enterprise(i, &format!("企业{i}"), ["420704", "420703"][i % 2]);
                    packed
                        .push(&e, "单位", *trained, None, people.iter().map(String::as_str))
                        .unwrap();
                }
                packed
            };
            let changes: Vec<RowChange> = changes
                .into_iter()
                .filter(|(row, _)| *row < rows.len())
                .map(|(row, (people, trained))| RowChange { row, trained, people })
                .collect();
            let mut expected = rows.clone();
            for change in &changes {
                expected[change.row] = (change.people.clone(), change.trained);
            }
            let changed = push_all(&rows).with_people_replaced(&changes).unwrap();
            prop_assert_eq!(changed, Some(push_all(&expected)));
        }
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
