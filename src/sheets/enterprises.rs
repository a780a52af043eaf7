//! An enterprise list (企业名单) turned into one batch of ops. A row is matched to a known
//! enterprise by credit code, then by name; a name and a code that disagree with what is known,
//! or a row repeating an earlier one, is named by the row number the spreadsheet shows.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use color_eyre::eyre::Result;

use super::header::{find_header_for, Field};
use super::people::{categories, Plan, RowError};
use super::read::Grid;
use crate::domain::known_enterprises::{KnownEnterprises, Match, Seen};
use crate::domain::{input, text, Enterprise};
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::Store;

pub fn plan(store: &Store, grid: &Grid) -> Result<Plan> {
    let header = find_header_for(&grid.rows, Field::Enterprise)
        .ok_or_else(|| user_error(t("cli.sheets.no_enterprise_header")))?;
    let mut plan = Plan {
        enterprise_list: true,
        ..Plan::start(grid, &header)
    };
    let mut known = KnownEnterprises::new(store.enterprises()?);
    // Known enterprises by the first row naming them, so a second row is a repeat.
    let mut stored_on_row: HashMap<String, usize> = HashMap::new();
    for (row, cells) in &grid.rows[header.row + 1..] {
        if cells.iter().all(|c| text::clean(c).is_none()) {
            continue;
        }
        plan.rows += 1;
        let get = |field: Field| {
            header
                .column(field)
                .and_then(|i| cells.get(i))
                .and_then(|c| text::clean(c))
                .unwrap_or_default()
        };
        let unit = get(Field::Unit);
        let unit = if unit.is_empty() {
            store.office().to_string()
        } else {
            unit
        };
        let mut reasons = Vec::new();
        let kinds = categories(&get(Field::Category)).unwrap_or_else(|e| {
            reasons.push(e);
            Default::default()
        });
        let made = input::enterprise(
            store.new_id('E')?,
            store.office().to_string(),
            &get(Field::Enterprise),
            Some(get(Field::CreditCode).as_str()),
            kinds,
            &unit,
        );
        let e = match made {
            Err(errors) => {
                reasons.push(errors.to_string().replace('\n', &t("cli.reason_sep")));
                None
            }
            Ok(e) => Some(e),
        };
        let e = match (e, reasons.is_empty()) {
            (Some(e), true) => e,
            _ => {
                plan.errors.push(RowError {
                    row: *row,
                    message: reasons.join(&t("cli.reason_sep")),
                });
                continue;
            }
        };
        match known.resolve(&e.name, e.credit_code.as_deref()) {
            Match::Conflict(message) => plan.errors.push(RowError { row: *row, message }),
            Match::Known(_, Seen::Row(first)) => plan.errors.push(RowError {
                row: *row,
                message: tf("cli.sheets.same_enterprise", &[("row", &first)]),
            }),
            Match::Known(k, Seen::Stored) => {
                if let Entry::Occupied(first) = stored_on_row.entry(k.id.clone()) {
                    plan.errors.push(RowError {
                        row: *row,
                        message: tf("cli.sheets.same_enterprise", &[("row", first.get())]),
                    });
                    continue;
                }
                stored_on_row.insert(k.id.clone(), *row);
                plan.known_enterprises += 1;
                if let Some(richer) = filled_in(k, &e, store.office()) {
                    plan.payloads.push(Payload::EnterpriseUpserted(richer));
                }
            }
            Match::New => {
                plan.new_enterprises += 1;
                plan.payloads.push(Payload::EnterpriseUpserted(e.clone()));
                known.add(e, Seen::Row(*row));
            }
        }
    }
    Ok(plan)
}

/// The known enterprise with what the row adds (a code it lacked, categories), when this office
/// keeps that record and the row adds anything.
pub(super) fn filled_in(known: &Enterprise, row: &Enterprise, office: &str) -> Option<Enterprise> {
    if known.office != office {
        return None;
    }
    let mut richer = known.clone();
    if richer.credit_code.is_none() {
        richer.credit_code.clone_from(&row.credit_code);
    }
    richer.categories =
        crate::domain::Categories::of(known.categories.iter().chain(row.categories.iter()));
    (richer != *known).then_some(richer)
}
