//! Importing the live platform's exports (watch log, questionnaire, test scores) into online
//! records, through the shared importer (`sheets::import`). People are matched by phone, then by
//! name and enterprise; rows that match nobody are listed. Only what differs from the store
//! becomes an op, so the same file twice changes nothing.

use std::collections::{BTreeMap, HashMap};

use color_eyre::eyre::Result;
use serde::Serialize;

use crate::cert::cells::{parse_minutes, parse_score, parse_yes_no};
use crate::cert::model::OnlineEntry;
use crate::domain::text;
use crate::domain::Person;
use crate::i18n::tf;
use crate::log::Payload;
use crate::sheets::import::{self, clean_phone, Column, Need, Row, Schema, Sheet};
use crate::sheets::read::SheetRows;
use crate::store::Store;

pub const SCHEMA: Schema = Schema {
    columns: &[
        (Column::Name, Need::Key),
        (Column::Phone, Need::Optional),
        (Column::Enterprise, Need::Optional),
        (Column::Course, Need::Optional),
        (Column::Minutes, Need::Sign),
        (Column::Questionnaire, Need::Sign),
        (Column::Score, Need::Sign),
    ],
    no_header: "cert.import.no_header",
};

/// A row naming nobody known, as the sheet names them (the phone masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmatched {
    pub row: usize,
    pub name: String,
    pub phone: String,
    pub enterprise: String,
}

impl Unmatched {
    pub(super) fn of(row: &Row) -> Unmatched {
        Unmatched {
            row: row.number,
            name: row.get(Column::Name),
            phone: text::mask_phone(&clean_phone(&row.get(Column::Phone))),
            enterprise: row.get(Column::Enterprise),
        }
    }

    /// The preview's line for it.
    pub(super) fn warning(&self) -> String {
        tf(
            "cert.import.unmatched",
            &[
                ("row", &self.row),
                ("name", &self.name),
                ("phone", &self.phone),
                ("enterprise", &self.enterprise),
            ],
        )
    }
}

/// Rows matching nobody: how many, and the first `KEPT_ERRORS` of them (a platform's log of
/// half a million rows may match few).
#[derive(Debug, Default, Serialize)]
pub struct UnmatchedRows {
    pub rows: usize,
    pub listed: Vec<Unmatched>,
}

impl UnmatchedRows {
    /// Notes `row`, named in the preview's `warnings` while it is listed.
    fn note(&mut self, row: &Row, warnings: &mut Vec<String>) {
        self.rows += 1;
        if self.listed.len() < import::KEPT_ERRORS {
            let unmatched = Unmatched::of(row);
            warnings.push(unmatched.warning());
            self.listed.push(unmatched);
        }
    }
}

/// What a watch log would record.
#[derive(Debug, Default, Serialize)]
pub struct WatchCounts {
    pub matched_rows: usize,
    pub people: usize,
    /// Records that differ from the store (new or changed).
    pub changes: usize,
    pub unchanged: usize,
    pub unmatched: UnmatchedRows,
}

impl import::Counts for WatchCounts {
    fn line(&self, rows: usize, bad: usize) -> String {
        tf(
            "cert.import.counts",
            &[
                ("rows", &rows),
                ("matched", &self.matched_rows),
                ("people", &self.people),
                ("changes", &self.changes),
                ("unchanged", &self.unchanged),
                ("unmatched", &self.unmatched.rows),
                ("bad", &bad),
            ],
        )
    }
}

pub type WatchPlan = import::Plan<WatchCounts>;

/// Finds people as the platform names them: by phone, else by name within the enterprise.
pub(super) struct Matcher {
    by_name: HashMap<String, Vec<(Person, String)>>,
}

impl Matcher {
    pub(super) fn new(store: &Store) -> Result<Matcher> {
        let enterprises: HashMap<String, String> = store
            .enterprises()?
            .into_iter()
            .map(|e| (e.id, e.name))
            .collect();
        let mut by_name: HashMap<String, Vec<(Person, String)>> = HashMap::new();
        for p in store.people()? {
            let enterprise = p
                .enterprise
                .as_ref()
                .and_then(|e| enterprises.get(e).cloned())
                .unwrap_or_default();
            by_name
                .entry(p.name.clone())
                .or_default()
                .push((p, enterprise));
        }
        Ok(Matcher { by_name })
    }

    /// The person `row` names, or none, with the row noted in `unmatched`.
    pub(super) fn row_person(
        &self,
        store: &Store,
        row: &Row,
        unmatched: &mut UnmatchedRows,
        warnings: &mut Vec<String>,
    ) -> Result<Option<Person>> {
        let (name, phone, enterprise) = (
            row.get(Column::Name),
            row.get(Column::Phone),
            row.get(Column::Enterprise),
        );
        let person = self.find(store, &name, &phone, &enterprise)?;
        if person.is_none() {
            unmatched.note(row, warnings);
        }
        Ok(person)
    }

    pub(super) fn find(
        &self,
        store: &Store,
        name: &str,
        phone: &str,
        enterprise: &str,
    ) -> Result<Option<Person>> {
        if let Ok(phone) = text::normalise_phone(&clean_phone(phone)) {
            // The phone's owner only when the row names them: a mistyped digit would credit
            // someone else's study to them. Otherwise the name and enterprise decide.
            let owner = crate::search::lookup::by_phone_named(store, &phone, name)?;
            if let crate::search::lookup::Owner::Named(p) = owner {
                return Ok(Some(p));
            }
        }
        if enterprise.is_empty() {
            return Ok(None);
        }
        let same: Vec<&Person> = self
            .by_name
            .get(name)
            .into_iter()
            .flatten()
            .filter(|(_, e)| {
                !e.is_empty()
                    && (e == enterprise
                        || e.contains(enterprise)
                        || enterprise.contains(e.as_str()))
            })
            .map(|(p, _)| p)
            .collect();
        // Two people of one name in one enterprise cannot be told apart without a phone.
        Ok(match same.as_slice() {
            [one] => Some((*one).clone()),
            _ => None,
        })
    }
}

#[derive(Default)]
struct Gathered {
    minutes: BTreeMap<String, u32>,
    questionnaire: Option<bool>,
    score: Option<u16>,
}

pub fn plan(store: &Store, rows: SheetRows<'_>) -> Result<WatchPlan> {
    let sheet = Sheet::find(rows, &SCHEMA, store.dir())?;
    let matcher = Matcher::new(store)?;
    let mut gathered: BTreeMap<String, (Person, Gathered)> = BTreeMap::new();
    let mut plan = sheet.plan(|row, plan: &mut WatchPlan| {
        let mut reasons = Vec::new();
        let mut bad = |key: &str, column: Column| {
            reasons.push(tf(key, &[("value", &row.get(column))]));
        };
        let minutes = parse_minutes(&row.get(Column::Minutes)).unwrap_or_else(|_| {
            bad("cert.import.bad_minutes", Column::Minutes);
            None
        });
        let score = parse_score(&row.get(Column::Score)).unwrap_or_else(|_| {
            bad("cert.import.bad_score", Column::Score);
            None
        });
        let returned = parse_yes_no(&row.get(Column::Questionnaire)).unwrap_or_else(|_| {
            bad("cert.import.bad_answer", Column::Questionnaire);
            None
        });
        reasons.extend(row.required(Column::Name));
        reasons.extend(row.forbidden(&[Column::Name, Column::Course]));
        if !reasons.is_empty() {
            return Ok(reasons);
        }
        let found =
            matcher.row_person(store, row, &mut plan.counts.unmatched, &mut plan.warnings)?;
        let Some(person) = found else {
            return Ok(reasons);
        };
        plan.counts.matched_rows += 1;
        let (_, g) = gathered
            .entry(person.id.clone())
            .or_insert_with(|| (person, Gathered::default()));
        if let Some(m) = minutes {
            // A person watching a course in several sittings has several rows: they add up.
            *g.minutes.entry(row.get(Column::Course)).or_default() += m;
        }
        if let Some(r) = returned {
            g.questionnaire = Some(g.questionnaire.unwrap_or(false) || r);
        }
        if let Some(s) = score {
            g.score = Some(g.score.map_or(s, |old| old.max(s)));
        }
        Ok(reasons)
    })?;
    plan.counts.people = gathered.len();
    for (id, (person, g)) in gathered {
        let stored = store.online_entries(&id)?;
        let mut entries: Vec<OnlineEntry> = g
            .minutes
            .into_iter()
            .map(|(course, minutes)| OnlineEntry::Watched { course, minutes })
            .collect();
        entries.extend(
            g.questionnaire
                .map(|returned| OnlineEntry::Questionnaire { returned }),
        );
        entries.extend(g.score.map(|score| OnlineEntry::Test { score }));
        for entry in entries {
            if stored.get(&entry.slot()) == Some(&entry) {
                plan.counts.unchanged += 1;
                continue;
            }
            plan.counts.changes += 1;
            plan.payloads.push(Payload::OnlineRecorded {
                person: id.clone(),
                unit: person.office.clone(),
                entry,
            })?;
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::read::Grid;

    #[test]
    fn unmatched_rows_past_those_named_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420000", "测试").unwrap();
        let many = import::KEPT_ERRORS + 3;
        let mut rows = vec![(
            1,
            ["姓名", "手机", "观看时长", "问卷", "测试成绩"]
                .map(String::from)
                .to_vec(),
        )];
        rows.extend((0..many).map(|i| {
            let cells = [format!("某人{i}"), format!("139{i:08}"), "95".into()];
            (i + 2, cells.to_vec())
        }));
        let grid = Grid {
            sheet: String::new(),
            rows,
        };
        let plan = plan(&store, grid.into()).unwrap();
        assert_eq!(plan.bad, 0);
        assert_eq!(plan.counts.unmatched.rows, many);
        assert_eq!(plan.counts.unmatched.listed.len(), import::KEPT_ERRORS);
        assert_eq!(plan.warnings.len(), import::KEPT_ERRORS);
        assert!(import::Counts::line(&plan.counts, plan.rows, plan.bad).contains(&many.to_string()));
    }

    /// Whatever rows arrive under a platform header, every row is accounted for exactly once
    /// (matched, unmatched or bad) and every row named is one the sheet has.
    #[test]
    fn every_row_is_matched_unmatched_or_named_bad() {
        use proptest::prelude::*;
        use proptest::test_runner::TestRunner;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420000", "测试").unwrap();
        store
            .commit(vec![Payload::PersonUpserted(Person {
                id: "P-420000-1".into(),
                office: "420000".into(),
                name: "张三".into(),
                phone: "13800001111".into(),
                position: String::new(),
                enterprise: None,
                code: "K1".into(),
            })])
            .unwrap();
        let cell = prop_oneof![
            Just(String::new()),
            Just("张三".to_string()),
            Just("13800001111".to_string()),
            Just("13900000000".to_string()),
            Just("95".to_string()),
            Just("1:35:00".to_string()),
            Just("是".to_string()),
            Just("abc".to_string()),
            "\\PC{0,6}",
        ];
        let rows = proptest::collection::vec(proptest::collection::vec(cell, 0..6), 0..12);
        let mut runner = TestRunner::default();
        runner
            .run(&rows, |rows| {
                let mut grid = Grid {
                    sheet: String::new(),
                    rows: vec![(
                        2,
                        ["姓名", "手机", "观看时长", "问卷", "测试成绩"]
                            .map(String::from)
                            .to_vec(),
                    )],
                };
                grid.rows
                    .extend(rows.into_iter().enumerate().map(|(i, r)| (i + 3, r)));
                let plan = plan(&store, grid.clone().into()).unwrap();
                let named: Vec<usize> = plan
                    .errors
                    .iter()
                    .map(|e| e.row)
                    .chain(plan.counts.unmatched.listed.iter().map(|u| u.row))
                    .collect();
                prop_assert_eq!(plan.counts.matched_rows + named.len(), plan.rows);
                prop_assert_eq!(plan.warnings.len(), plan.counts.unmatched.rows);
                prop_assert!(named.iter().all(|n| grid.rows.iter().any(|(r, _)| r == n)));
                prop_assert!(plan.counts.people <= 1);
                Ok(())
            })
            .unwrap();
    }
}
