//! An enterprise list (企业名单) turned into one batch of ops; known credit codes and names are
//! left as they are, and each bad row is named by the row number the spreadsheet shows.

use std::collections::HashMap;

use color_eyre::eyre::Result;

use super::header::{find_header_for, Field};
use super::people::{category, Plan, RowError};
use super::read::Grid;
use crate::domain::{input, text};
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::Store;

pub fn plan(store: &Store, grid: &Grid) -> Result<Plan> {
    let header = find_header_for(&grid.rows, Field::Enterprise)
        .ok_or_else(|| user_error(t("cli.sheets.no_enterprise_header")))?;
    let mut plan = Plan::start(grid, &header);
    let known = store.enterprises()?;
    let mut seen: HashMap<String, usize> = HashMap::new();
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
        let name = get(Field::Enterprise);
        let code = get(Field::CreditCode);
        let unit = get(Field::Unit);
        let unit = if unit.is_empty() {
            store.office().to_string()
        } else {
            unit
        };
        // The same enterprise by name or by credit code, whichever the rows share.
        let keys: Vec<String> = [name.clone(), code.to_uppercase()]
            .into_iter()
            .filter(|k| !k.is_empty())
            .collect();
        if let Some(first) = keys.iter().find_map(|k| seen.get(k)) {
            plan.errors.push(RowError {
                row: *row,
                message: tf("cli.sheets.same_enterprise", &[("row", first)]),
            });
            continue;
        }
        for key in keys {
            seen.insert(key, *row);
        }
        match input::enterprise(
            store.new_id('E')?,
            store.office().to_string(),
            &name,
            Some(code.as_str()),
            category(&get(Field::Category)),
            &unit,
        ) {
            Err(errors) => plan.errors.push(RowError {
                row: *row,
                message: errors.to_string().replace('\n', &t("cli.reason_sep")),
            }),
            Ok(e) => {
                let exists = known.iter().any(|k| {
                    k.name == e.name || (e.credit_code.is_some() && k.credit_code == e.credit_code)
                });
                if exists {
                    plan.known_enterprises += 1;
                } else {
                    plan.new_enterprises += 1;
                    plan.payloads.push(Payload::EnterpriseUpserted(e));
                }
            }
        }
    }
    Ok(plan)
}
