//! Exam results from a spreadsheet (成绩单): name, phone or enterprise to find the person, the
//! exam and practical marks, 缺考 for absent. Each row is checked against the one-makeup rule;
//! a row that may not be recorded is named with its reason. Unchanged results make no op.

use std::collections::HashMap;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::cells::parse_score;
use super::model::Marks;
use super::pipeline::may_record;
use super::record::{recording, Attempt, Recording};
use super::sheet::{Matcher, Unmatched};
use super::Rules;
use crate::domain::text::{self, fold_full_width};
use crate::domain::{Session, SessionKind};
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::sheets::header::{field_of, Field};
use crate::sheets::people::{clean_phone, RowError};
use crate::sheets::read::Grid;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Phone,
    Enterprise,
    Exam,
    Practical,
}

fn column_of(header: &str) -> Option<Column> {
    match field_of(header) {
        Some(Field::Name) => return Some(Column::Name),
        Some(Field::Phone) => return Some(Column::Phone),
        Some(Field::Enterprise) => return Some(Column::Enterprise),
        _ => {}
    }
    let key: String = header
        .chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '（' | '）' | '(' | ')' | '*'))
        .flat_map(char::to_lowercase)
        .collect();
    match key.as_str() {
        "考试成绩" | "考试成绩分" | "考试" | "理论成绩" | "笔试成绩" | "exam" => {
            Some(Column::Exam)
        }
        "实操成绩" | "实操成绩分" | "实操" | "实操考核" | "practical" => {
            Some(Column::Practical)
        }
        _ => None,
    }
}

#[derive(Debug, Default, Serialize)]
pub struct ResultsPlan {
    pub header_row: usize,
    pub rows: usize,
    pub recorded: usize,
    pub unchanged: usize,
    pub unmatched: Vec<Unmatched>,
    pub errors: Vec<RowError>,
    #[serde(skip)]
    pub payloads: Vec<Payload>,
}

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

/// The rows of a results sheet as ops; `reason` lets rows change marks already recorded.
pub fn plan(
    store: &Store,
    grid: &Grid,
    session: &Session,
    rules: &Rules,
    reason: Option<&str>,
) -> Result<ResultsPlan> {
    let header = grid
        .rows
        .iter()
        .take(20)
        .enumerate()
        .find_map(|(index, (_, cells))| {
            let columns: Vec<(usize, Column)> = cells
                .iter()
                .enumerate()
                .filter_map(|(i, c)| column_of(c).map(|k| (i, k)))
                .collect();
            let has = |k: Column| columns.iter().any(|(_, c)| *c == k);
            (has(Column::Name) && has(Column::Exam) && has(Column::Practical))
                .then_some((index, columns))
        })
        .ok_or_else(|| user_error(t("cert.results.no_header")))?;
    let (index, columns) = header;
    let column = |k: Column| columns.iter().find(|(_, c)| *c == k).map(|(i, _)| *i);
    let mut plan = ResultsPlan {
        header_row: grid.rows[index].0,
        ..ResultsPlan::default()
    };
    let matcher = Matcher::new(store)?;
    let book: HashMap<String, crate::store::cert::CertPerson> = store
        .cert_book(rules)?
        .into_iter()
        .map(|c| (c.person.id.clone(), c))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &grid.rows[index + 1..] {
        if cells.iter().all(|c| text::clean(c).is_none()) {
            continue;
        }
        plan.rows += 1;
        let get = |k: Column| {
            column(k)
                .and_then(|i| cells.get(i))
                .and_then(|v| text::clean(v))
                .unwrap_or_default()
        };
        let bad = |field: &str, value: String| {
            tf(
                "cert.results.bad_mark",
                &[
                    ("field", &t(&format!("cert.col.{field}"))),
                    ("value", &value),
                ],
            )
        };
        let mut reasons = Vec::new();
        // 缺考 in one column may leave the other blank; otherwise a blank mark is a mistake.
        let absent = [Column::Exam, Column::Practical]
            .iter()
            .any(|k| get(*k) == "缺考");
        let mut read = |k: Column, field: &str| {
            let raw = get(k);
            if raw.is_empty() && absent {
                return None;
            }
            mark(&raw).unwrap_or_else(|()| {
                reasons.push(bad(field, raw));
                None
            })
        };
        let exam = read(Column::Exam, "exam");
        let practical = read(Column::Practical, "practical");
        let (name, phone, enterprise) = (
            get(Column::Name),
            get(Column::Phone),
            get(Column::Enterprise),
        );
        let found = if reasons.is_empty() {
            matcher.find(store, &name, &phone, &enterprise)?
        } else {
            None
        };
        let Some(person) = found else {
            if reasons.is_empty() {
                plan.unmatched.push(Unmatched {
                    row: *row,
                    name,
                    phone: text::mask_phone(&clean_phone(&phone)),
                    enterprise,
                });
            } else {
                plan.errors.push(RowError {
                    row: *row,
                    message: reasons.join(&t("cli.reason_sep")),
                });
            }
            continue;
        };
        if let Some(first) = seen.insert(person.id.clone(), *row) {
            reasons.push(tf("cert.results.same_person", &[("row", &first)]));
        }
        let marks = Marks { exam, practical };
        let entry = book.get(&person.id);
        let held = entry.and_then(|c| {
            c.facts
                .attempts
                .iter()
                .find(|a| a.session == session.id)
                .map(|a| a.marks)
        });
        if session.kind == SessionKind::Expansion && !store.is_enrolled(&session.id, &person.id)? {
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
            plan.errors.push(RowError {
                row: *row,
                message: reasons.join(&t("cli.reason_sep")),
            });
            continue;
        }
        let attempt = Attempt {
            session: &session.id,
            title: &session.title,
            person: &person.id,
            name: &person.name,
            unit: &person.office,
        };
        match recording(&attempt, held, marks, reason) {
            Recording::Unchanged => plan.unchanged += 1,
            Recording::Write(payload) => {
                plan.recorded += 1;
                plan.payloads.push(*payload);
            }
            Recording::NeedsReason(message) => plan.errors.push(RowError { row: *row, message }),
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_sheet_headers_and_marks() {
        assert_eq!(column_of("考试成绩（分）"), Some(Column::Exam));
        assert_eq!(column_of("实操"), Some(Column::Practical));
        assert_eq!(column_of("手机号码"), Some(Column::Phone));
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
                let plan = plan(&store, &grid, &session, &rules, None).unwrap();
                prop_assert_eq!(
                    plan.recorded + plan.unchanged + plan.unmatched.len() + plan.errors.len(),
                    plan.rows
                );
                prop_assert!(plan.recorded <= 1, "one person, one result");
                Ok(())
            })
            .unwrap();
    }
}
