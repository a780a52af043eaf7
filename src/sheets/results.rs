//! Exam results from a spreadsheet (成绩单): name, phone or enterprise to find the person, the
//! exam and practical marks, 缺考 for absent. Each row is checked against the one-makeup rule;
//! a row that may not be recorded is named with its reason. Unchanged results make no op.

use std::collections::HashMap;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::watch_log::{Matcher, UnmatchedRows};
use crate::cert::book::CertPerson;
use crate::cert::cells::parse_score;
use crate::cert::model::Marks;
use crate::cert::pipeline::may_record;
use crate::cert::record::{recording, Attempt, Recording};
use crate::cert::Rules;
use crate::domain::{Session, SessionKind};
use crate::i18n::tf;
use crate::sheets::import::{self, Column, Need, Row, Schema, Sheet};
use crate::sheets::read::SheetRows;
use crate::store::lists;
use crate::store::Store;

pub const SCHEMA: Schema = Schema {
    columns: &[
        (Column::Name, Need::Key),
        (Column::Phone, Need::Optional),
        (Column::Enterprise, Need::Optional),
        (Column::Exam, Need::Key),
        (Column::Practical, Need::Key),
    ],
    no_header: "cert.results.no_header",
};

/// What a results sheet would record.
#[derive(Debug, Default, Serialize)]
pub struct ResultsCounts {
    pub recorded: usize,
    pub unchanged: usize,
    pub unmatched: UnmatchedRows,
}

impl import::Counts for ResultsCounts {
    fn line(&self, rows: usize, bad: usize) -> String {
        tf(
            "cert.results.counts",
            &[
                ("rows", &rows),
                ("recorded", &self.recorded),
                ("unchanged", &self.unchanged),
                ("unmatched", &self.unmatched.rows),
                ("bad", &bad),
            ],
        )
    }
}

pub type ResultsPlan = import::Plan<ResultsCounts>;

/// A mark as the sheet gives it: a score, or 缺考 (absent, which fails).
fn mark(raw: &str) -> Result<Option<u16>, ()> {
    match raw {
        "缺考" | "absent" => Ok(None),
        _ => match parse_score(raw) {
            Ok(Some(score)) => Ok(Some(score)),
            _ => Err(()),
        },
    }
}

/// The exam and practical marks of a row, or why they are not marks. 缺考 in one column may
/// leave the other blank; otherwise a blank mark is a mistake.
fn marks(row: &Row) -> Result<Marks, Vec<String>> {
    let absent = [Column::Exam, Column::Practical]
        .iter()
        .any(|c| row.get(*c) == "缺考");
    let mut reasons = Vec::new();
    let mut read = |column: Column| {
        let raw = row.get(column);
        if raw.is_empty() && absent {
            return None;
        }
        mark(&raw).unwrap_or_else(|()| {
            reasons.push(tf(
                "cert.results.bad_mark",
                &[("field", &column.label()), ("value", &raw)],
            ));
            None
        })
    };
    let marks = Marks {
        exam: read(Column::Exam),
        practical: read(Column::Practical),
    };
    if reasons.is_empty() {
        Ok(marks)
    } else {
        Err(reasons)
    }
}

/// The rows of a results sheet as ops; `reason` lets rows change marks already recorded.
pub fn plan(
    store: &Store,
    rows: SheetRows<'_>,
    session: &Session,
    rules: &Rules,
    reason: Option<&str>,
) -> Result<ResultsPlan> {
    let sheet = Sheet::find(rows, &SCHEMA, store.dir())?;
    let matcher = Matcher::new(store)?;
    let book: HashMap<String, CertPerson> = store
        .cert_book(rules)?
        .into_iter()
        .map(|c| (c.person.id.clone(), c))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    sheet.plan(|row, plan: &mut ResultsPlan| {
        let marks = match marks(row) {
            Ok(marks) => marks,
            Err(reasons) => return Ok(reasons),
        };
        let found =
            matcher.row_person(store, row, &mut plan.counts.unmatched, &mut plan.warnings)?;
        let Some(person) = found else {
            return Ok(Vec::new());
        };
        let mut reasons = Vec::new();
        if let Some(first) = seen.insert(person.id.clone(), row.number) {
            reasons.push(tf("cert.results.same_person", &[("row", &first)]));
        }
        let entry = book.get(&person.id);
        let held = entry.and_then(|c| {
            c.facts
                .attempts
                .iter()
                .find(|a| a.session == session.id)
                .map(|a| a.marks)
        });
        if session.kind == SessionKind::Expansion
            && !lists::is_enrolled(store, &session.id, &person.id)?
        {
            reasons.push(tf(
                "cert.refuse.not_enrolled",
                &[("name", &person.name), ("title", &session.title)],
            ));
        }
        if let Some(Err(refusal)) = entry.map(|c| may_record(&c.status, &session.id, session.kind))
        {
            reasons.push(tf(
                refusal.key(),
                &[("name", &person.name), ("title", &session.title)],
            ));
        }
        if !reasons.is_empty() {
            return Ok(reasons);
        }
        let attempt = Attempt {
            session: &session.id,
            title: &session.title,
            person: &person.id,
            name: &person.name,
            unit: &person.office,
        };
        match recording(&attempt, held, marks, reason) {
            Recording::Unchanged => plan.counts.unchanged += 1,
            Recording::Write(payload) => {
                plan.counts.recorded += 1;
                plan.payloads.push(*payload)?;
            }
            Recording::NeedsReason(message) => return Ok(vec![message]),
        }
        Ok(Vec::new())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Payload;
    use crate::sheets::read::Grid;

    #[test]
    fn marks_as_sheets_give_them() {
        assert_eq!(mark("缺考"), Ok(None));
        assert_eq!(mark("78.5"), Ok(Some(785)));
        assert_eq!(mark("优"), Err(()));
    }

    /// Whatever a results sheet holds, each row is recorded, unchanged, unmatched or named bad,
    /// exactly once.
    #[test]
    fn every_row_is_accounted_for_once() {
        use proptest::prelude::*;
        use proptest::test_runner::TestRunner;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420000", "测试").unwrap();
        let session = Session {
            id: "S-420000-exam".into(),
            office: "420000".into(),
            kind: SessionKind::Exam,
            title: "考核".into(),
            units: vec!["420000".into()],
            host: "420000".into(),
            cohost: None,
            date: chrono::NaiveDate::from_ymd_opt(2023, 6, 6).unwrap(),
            start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
            venue: "武汉".into(),
            courses: vec![],
            audience: String::new(),
            capacity: 10,
        };
        store
            .commit(vec![
                Payload::SessionUpserted(session.clone()),
                Payload::PersonUpserted(crate::domain::Person {
                    id: "P-420000-1".into(),
                    office: "420000".into(),
                    name: "张三".into(),
                    phone: "13800001111".into(),
                    position: String::new(),
                    enterprise: None,
                    code: "K1".into(),
                }),
                Payload::Evaluated {
                    person: "P-420000-1".into(),
                    unit: "420000".into(),
                    evaluation: crate::cert::model::Evaluation {
                        score: 800,
                        rank: 1,
                        selected: true,
                    },
                },
            ])
            .unwrap();
        let rules = Rules::embedded().unwrap();
        let cell = prop_oneof![
            Just(String::new()),
            Just("张三".to_string()),
            Just("13800001111".to_string()),
            Just("13900000000".to_string()),
            Just("75".to_string()),
            Just("缺考".to_string()),
            "\\PC{0,5}",
        ];
        let rows = proptest::collection::vec(proptest::collection::vec(cell, 0..5), 0..10);
        TestRunner::default()
            .run(&rows, |rows| {
                let mut grid = Grid {
                    sheet: String::new(),
                    rows: vec![(
                        1,
                        ["姓名", "手机", "考试成绩", "实操成绩"]
                            .map(String::from)
                            .to_vec(),
                    )],
                };
                grid.rows
                    .extend(rows.into_iter().enumerate().map(|(i, r)| (i + 2, r)));
                let plan = plan(&store, grid.clone().into(), &session, &rules, None).unwrap();
                let counts = &plan.counts;
                prop_assert_eq!(
                    counts.recorded + counts.unchanged + counts.unmatched.rows + plan.errors.len(),
                    plan.rows
                );
                prop_assert!(counts.recorded <= 1, "one person, one result");
                Ok(())
            })
            .unwrap();
    }
}
