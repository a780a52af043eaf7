//! An enrolment sheet turned into one batch of ops: people (known phones reused), their
//! enterprises (known credit codes and names reused), and enrolments. Each bad row is named by
//! the row number the spreadsheet shows.

use std::collections::{HashMap, HashSet};

use color_eyre::eyre::Result;
use serde::Serialize;

use super::enterprises::filled_in;
use super::header::{find_header, Field, Header};
use super::read::Grid;
use crate::domain::known_enterprises::{KnownEnterprises, Match, Seen};
use crate::domain::{credit_code, input, text, Categories, Enterprise};
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

/// What an import would do, shown before anything is written.
#[derive(Debug, Default, Serialize)]
pub struct Plan {
    pub sheet: String,
    pub header_row: usize,
    pub columns: Vec<(Field, String)>,
    pub ignored: Vec<String>,
    /// An enterprise list (企业名单) rather than an enrolment sheet: no people to count.
    pub enterprise_list: bool,
    pub rows: usize,
    pub new_people: usize,
    pub known_people: usize,
    pub new_enterprises: usize,
    pub known_enterprises: usize,
    pub enrolments: usize,
    /// The session's capacity is passed by this many when the import is written (0: it is not).
    pub over_capacity: usize,
    pub capacity: usize,
    pub errors: Vec<RowError>,
    #[serde(skip)]
    pub payloads: Vec<Payload>,
}

impl Plan {
    /// A plan for the rows under `header`, with the columns it found and the ones it ignores.
    pub(super) fn start(grid: &Grid, header: &Header) -> Plan {
        Plan {
            sheet: grid.sheet.clone(),
            header_row: grid.rows[header.row].0,
            columns: header
                .columns
                .iter()
                .map(|(_, f, name)| (*f, name.clone()))
                .collect(),
            ignored: header.ignored.clone(),
            ..Plan::default()
        }
    }
}

/// Phones as Excel leaves them: 13800001234.0, 1.3800001234E+10, with spaces or dashes.
pub fn clean_phone(raw: &str) -> String {
    let folded: String = raw.chars().map(text::fold_full_width).collect();
    let trimmed = folded.trim();
    if let Some(whole) = trimmed.strip_suffix(".0") {
        if whole.chars().all(|c| c.is_ascii_digit()) {
            return whole.to_string();
        }
    }
    if trimmed.contains(['e', 'E']) {
        if let Ok(value) = trimmed.parse::<f64>() {
            if value.fract() == 0.0 && value > 0.0 && value < 1e15 {
                return format!("{}", value as i64);
            }
        }
    }
    trimmed.to_string()
}

struct Cells<'a> {
    header: &'a Header,
    cells: &'a [String],
}

impl Cells<'_> {
    fn get(&self, field: Field) -> String {
        self.header
            .column(field)
            .and_then(|i| self.cells.get(i))
            .and_then(|c| text::clean(c))
            .unwrap_or_default()
    }
}

/// A category cell, or the row's reason naming the part that is none of the seed's four.
pub(super) fn categories(raw: &str) -> Result<Categories, String> {
    Categories::parse(raw).map_err(|value| {
        format!(
            "{}: {}",
            t("cli.field.category"),
            tf(
                "cli.enterprise.category_unknown",
                &[("value", &value), ("known", &Categories::known_names())],
            )
        )
    })
}

pub fn plan(store: &Store, grid: &Grid, session: Option<&str>) -> Result<Plan> {
    let header = find_header(&grid.rows).ok_or_else(|| user_error(t("cli.sheets.no_header")))?;
    if header.column(Field::Phone).is_none() {
        return Err(user_error(t("cli.sheets.no_phone_column")));
    }
    if let Some(id) = session {
        if store.session(id)?.is_none() {
            return Err(user_error(tf("cli.session.not_found", &[("id", &id)])));
        }
    }
    let mut plan = Plan::start(grid, &header);
    let mut known = KnownEnterprises::new(store.enterprises_for_people()?);
    let mut counted: HashSet<String> = HashSet::new();
    let mut phones_seen: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &grid.rows[header.row + 1..] {
        if cells.iter().all(|c| text::clean(c).is_none()) {
            continue;
        }
        plan.rows += 1;
        let cells = Cells {
            header: &header,
            cells,
        };
        let mut reasons: Vec<String> = Vec::new();
        for field in [Field::Name, Field::Position, Field::Enterprise] {
            if let Some(c) = text::forbidden_char(&cells.get(field)) {
                reasons.push(format!(
                    "{}: {}",
                    t(&format!("cli.field.{}", field.key())),
                    text::forbidden_message(c)
                ));
            }
        }
        let name = cells.get(Field::Name);
        if name.is_empty() {
            reasons.push(format!(
                "{}: {}",
                t("cli.field.name"),
                t("cli.input.required")
            ));
        }
        let phone = match text::normalise_phone(&clean_phone(&cells.get(Field::Phone))) {
            Ok(phone) => Some(phone),
            Err(e) => {
                reasons.push(format!("{}: {e}", t("cli.field.phone")));
                None
            }
        };
        let code = cells.get(Field::CreditCode);
        let code = if code.is_empty() {
            None
        } else {
            match credit_code::validate(&code) {
                Ok(code) => Some(code),
                Err(e) => {
                    reasons.push(format!("{}: {e}", t("cli.field.credit_code")));
                    None
                }
            }
        };
        let kinds = categories(&cells.get(Field::Category)).unwrap_or_else(|e| {
            reasons.push(e);
            Categories::NONE
        });
        if let Some(phone) = &phone {
            if let Some(first) = phones_seen.get(phone) {
                reasons.push(tf("cli.sheets.same_phone", &[("row", first)]));
            } else {
                phones_seen.insert(phone.clone(), *row);
            }
        }
        let (Some(phone), true) = (phone, reasons.is_empty()) else {
            plan.errors.push(RowError {
                row: *row,
                message: reasons.join(&t("cli.reason_sep")),
            });
            continue;
        };
        let enterprise_name = cells.get(Field::Enterprise);
        let enterprise = if enterprise_name.is_empty() && code.is_none() {
            None
        } else {
            match known.resolve(&enterprise_name, code.as_deref()) {
                Match::Conflict(message) => {
                    plan.errors.push(RowError { row: *row, message });
                    continue;
                }
                Match::Known(k, seen) => {
                    if seen == Seen::Stored && counted.insert(k.id.clone()) {
                        plan.known_enterprises += 1;
                        let row_says = Enterprise {
                            credit_code: code.clone(),
                            categories: kinds,
                            ..k.clone()
                        };
                        plan.payloads.extend(
                            filled_in(k, &row_says, store.office())
                                .map(Payload::EnterpriseUpserted),
                        );
                    }
                    Some(k.id.clone())
                }
                Match::New => {
                    let unit = cells.get(Field::Unit);
                    let unit = if unit.is_empty() {
                        store.office().to_string()
                    } else {
                        unit
                    };
                    match input::enterprise(
                        store.new_id('E')?,
                        store.office().to_string(),
                        &enterprise_name,
                        code.as_deref(),
                        kinds,
                        &unit,
                    ) {
                        Ok(e) => {
                            plan.new_enterprises += 1;
                            let id = e.id.clone();
                            plan.payloads.push(Payload::EnterpriseUpserted(e.clone()));
                            known.add(e, Seen::Row(*row));
                            Some(id)
                        }
                        Err(errors) => {
                            plan.errors.push(RowError {
                                row: *row,
                                message: errors.to_string().replace('\n', &t("cli.reason_sep")),
                            });
                            continue;
                        }
                    }
                }
            }
        };
        let person_id = match store.person_by_phone(&phone)? {
            Some(known) => {
                plan.known_people += 1;
                known.id
            }
            None => {
                let person = input::person(
                    store.new_id('P')?,
                    store.office().to_string(),
                    &name,
                    &phone,
                    &cells.get(Field::Position),
                    enterprise,
                )?;
                plan.new_people += 1;
                let id = person.id.clone();
                plan.payloads.push(Payload::PersonUpserted(person));
                id
            }
        };
        if let Some(session) = session {
            if !store.is_enrolled(session, &person_id)? {
                plan.enrolments += 1;
                plan.payloads.push(Payload::EnrolmentSet {
                    session: session.to_string(),
                    person: person_id,
                    enrolled: true,
                });
            }
        }
    }
    if let Some(session) = session {
        if let Some(full) = store.over_capacity(session, plan.enrolments)? {
            plan.over_capacity = full.over;
            plan.capacity = full.capacity;
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_as_excel_leaves_them() {
        assert_eq!(clean_phone("13800001234.0"), "13800001234");
        assert_eq!(clean_phone("1.3800001234E+10"), "13800001234");
        assert_eq!(clean_phone(" １３８００００１２３４ "), "13800001234");
        assert_eq!(clean_phone("138-0000-1234"), "138-0000-1234");
    }
}
