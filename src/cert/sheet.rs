//! Importing the live platform's exports (watch log, questionnaire, test scores) into online
//! records. The header is found under title rows as for enrolment sheets; people are matched by
//! phone, then by name and enterprise; rows that match nobody are listed, bad cells are named by
//! the row number the spreadsheet shows. Only what differs from the store becomes an op, so the
//! same file twice changes nothing.

use std::collections::{BTreeMap, HashMap};

use color_eyre::eyre::Result;
use serde::Serialize;

use super::cells::{parse_minutes, parse_score, parse_yes_no};
use super::model::OnlineEntry;
use crate::domain::text::{self, fold_full_width};
use crate::domain::Person;
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::sheets::header::{field_of, Field};
use crate::sheets::people::{clean_phone, RowError};
use crate::sheets::read::Grid;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Column {
    Name,
    Phone,
    Enterprise,
    Course,
    Minutes,
    Questionnaire,
    Score,
}

impl Column {
    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Phone => "phone",
            Self::Enterprise => "enterprise",
            Self::Course => "course",
            Self::Minutes => "minutes",
            Self::Questionnaire => "questionnaire",
            Self::Score => "score",
        }
    }
}

const NAMES: &[(Column, &[&str])] = &[
    (
        Column::Course,
        &[
            "课程",
            "课程名称",
            "学习内容",
            "天次",
            "培训日",
            "日期",
            "course",
            "day",
        ],
    ),
    (
        Column::Minutes,
        &[
            "观看时长",
            "观看时长分钟",
            "学习时长",
            "学习时长分钟",
            "在线时长",
            "时长",
            "分钟",
            "minutes",
        ],
    ),
    (
        Column::Questionnaire,
        &[
            "问卷",
            "问卷填写",
            "是否填写问卷",
            "问卷情况",
            "questionnaire",
        ],
    ),
    (
        Column::Score,
        &["测试成绩", "成绩", "分数", "测试分数", "测评成绩", "score"],
    ),
];

/// What a header cell of a platform export names.
pub fn column_of(header: &str) -> Option<Column> {
    match field_of(header) {
        Some(Field::Name) => return Some(Column::Name),
        Some(Field::Phone) => return Some(Column::Phone),
        Some(Field::Enterprise) => return Some(Column::Enterprise),
        _ => {}
    }
    let key: String = header
        .chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '（' | '）' | '(' | ')' | '*' | ':' | '：'))
        .flat_map(char::to_lowercase)
        .collect();
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(c, _)| *c)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmatched {
    pub row: usize,
    pub name: String,
    pub phone: String,
    pub enterprise: String,
}

#[derive(Debug, Default, Serialize)]
pub struct ImportPlan {
    pub sheet: String,
    pub header_row: usize,
    pub columns: Vec<(Column, String)>,
    pub ignored: Vec<String>,
    pub rows: usize,
    pub matched_rows: usize,
    pub people: usize,
    /// Records that differ from the store (new or changed).
    pub changes: usize,
    pub unchanged: usize,
    pub unmatched: Vec<Unmatched>,
    pub errors: Vec<RowError>,
    #[serde(skip)]
    pub payloads: Vec<Payload>,
}

struct Header {
    row: usize,
    columns: Vec<(usize, Column, String)>,
    ignored: Vec<String>,
}

fn find_header(grid: &Grid) -> Option<Header> {
    grid.rows
        .iter()
        .take(20)
        .enumerate()
        .find_map(|(index, (_, cells))| {
            let mut columns: Vec<(usize, Column, String)> = Vec::new();
            let mut ignored = Vec::new();
            for (i, cell) in cells.iter().enumerate() {
                match column_of(cell) {
                    Some(c) if !columns.iter().any(|(_, k, _)| *k == c) => {
                        columns.push((i, c, cell.trim().to_string()))
                    }
                    _ if !cell.trim().is_empty() => ignored.push(cell.trim().to_string()),
                    _ => {}
                }
            }
            let has = |c: Column| columns.iter().any(|(_, k, _)| *k == c);
            let data = has(Column::Minutes) || has(Column::Questionnaire) || has(Column::Score);
            (has(Column::Name) && data).then_some(Header {
                row: index,
                columns,
                ignored,
            })
        })
}

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

    pub(super) fn find(
        &self,
        store: &Store,
        name: &str,
        phone: &str,
        enterprise: &str,
    ) -> Result<Option<Person>> {
        if let Ok(phone) = text::normalise_phone(&clean_phone(phone)) {
            if let Some(p) = store.person_by_phone(&phone)? {
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

pub fn plan(store: &Store, grid: &Grid) -> Result<ImportPlan> {
    let header = find_header(grid).ok_or_else(|| user_error(t("cert.import.no_header")))?;
    let mut plan = ImportPlan {
        sheet: grid.sheet.clone(),
        header_row: grid.rows[header.row].0,
        columns: header
            .columns
            .iter()
            .map(|(_, c, n)| (*c, n.clone()))
            .collect(),
        ignored: header.ignored.clone(),
        ..ImportPlan::default()
    };
    let column = |c: Column| {
        header
            .columns
            .iter()
            .find(|(_, k, _)| *k == c)
            .map(|(i, _, _)| *i)
    };
    let matcher = Matcher::new(store)?;
    let mut gathered: BTreeMap<String, (Person, Gathered)> = BTreeMap::new();
    for (row, cells) in &grid.rows[header.row + 1..] {
        if cells.iter().all(|c| text::clean(c).is_none()) {
            continue;
        }
        plan.rows += 1;
        let get = |c: Column| {
            column(c)
                .and_then(|i| cells.get(i))
                .and_then(|v| text::clean(v))
                .unwrap_or_default()
        };
        let mut reasons = Vec::new();
        let minutes = parse_minutes(&get(Column::Minutes)).unwrap_or_else(|_| {
            reasons.push(tf(
                "cert.import.bad_minutes",
                &[("value", &get(Column::Minutes))],
            ));
            None
        });
        let score = parse_score(&get(Column::Score)).unwrap_or_else(|_| {
            reasons.push(tf(
                "cert.import.bad_score",
                &[("value", &get(Column::Score))],
            ));
            None
        });
        let returned = parse_yes_no(&get(Column::Questionnaire)).unwrap_or_else(|_| {
            reasons.push(tf(
                "cert.import.bad_answer",
                &[("value", &get(Column::Questionnaire))],
            ));
            None
        });
        let name = get(Column::Name);
        if name.is_empty() {
            reasons.push(format!(
                "{}: {}",
                t("cli.field.name"),
                t("cli.input.required")
            ));
        }
        for (field, value) in [("name", &name), ("course", &get(Column::Course))] {
            if let Some(c) = text::forbidden_char(value) {
                reasons.push(format!(
                    "{}: {}",
                    t(&format!("cli.field.{field}")),
                    text::forbidden_message(c)
                ));
            }
        }
        if !reasons.is_empty() {
            plan.errors.push(RowError {
                row: *row,
                message: reasons.join(&t("cli.reason_sep")),
            });
            continue;
        }
        let (phone, enterprise) = (get(Column::Phone), get(Column::Enterprise));
        let Some(person) = matcher.find(store, &name, &phone, &enterprise)? else {
            plan.unmatched.push(Unmatched {
                row: *row,
                name,
                phone: text::mask_phone(&clean_phone(&phone)),
                enterprise,
            });
            continue;
        };
        plan.matched_rows += 1;
        let (_, g) = gathered
            .entry(person.id.clone())
            .or_insert_with(|| (person, Gathered::default()));
        if let Some(m) = minutes {
            // A person watching a course in several sittings has several rows: they add up.
            *g.minutes.entry(get(Column::Course)).or_default() += m;
        }
        if let Some(r) = returned {
            g.questionnaire = Some(g.questionnaire.unwrap_or(false) || r);
        }
        if let Some(s) = score {
            g.score = Some(g.score.map_or(s, |old| old.max(s)));
        }
    }
    plan.people = gathered.len();
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
                plan.unchanged += 1;
                continue;
            }
            plan.changes += 1;
            plan.payloads.push(Payload::OnlineRecorded {
                person: id.clone(),
                unit: person.office.clone(),
                entry,
            });
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_headers_are_known() {
        assert_eq!(column_of("观看时长（分钟）"), Some(Column::Minutes));
        assert_eq!(column_of("手机号"), Some(Column::Phone));
        assert_eq!(column_of("测试成绩"), Some(Column::Score));
        assert_eq!(column_of("是否填写问卷"), Some(Column::Questionnaire));
        assert_eq!(column_of("课程名称"), Some(Column::Course));
        assert_eq!(column_of("备注"), None);
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
                let plan = plan(&store, &grid).unwrap();
                let named: Vec<usize> = plan
                    .errors
                    .iter()
                    .map(|e| e.row)
                    .chain(plan.unmatched.iter().map(|u| u.row))
                    .collect();
                prop_assert_eq!(plan.matched_rows + named.len(), plan.rows);
                prop_assert!(named.iter().all(|n| grid.rows.iter().any(|(r, _)| r == n)));
                prop_assert!(plan.people <= 1);
                Ok(())
            })
            .unwrap();
    }
}
