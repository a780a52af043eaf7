//! An enterprise list (企业名单) turned into one batch of ops. A row is matched to a known
//! enterprise by credit code, then by name; a name and a code that disagree with what is known,
//! or a row repeating an earlier one, is a bad row. The header, the rows and the preview are the
//! shared importer's (`sheets::import`).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use color_eyre::eyre::{eyre, Result};

use super::import::{Column, Need, Schema, Sheet};
use super::people::{categories, PeoplePlan};
use super::read::SheetRows;
use crate::domain::known_enterprises::{KnownEnterprises, Match, Seen};
use crate::domain::{input, Enterprise};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::Store;

/// An enterprise list reads the enrolment sheet's columns (an enrolment sheet is taken as one),
/// keyed on the enterprise.
pub const SCHEMA: Schema = Schema {
    columns: &[
        (Column::Enterprise, Need::Key),
        (Column::Name, Need::Sign),
        (Column::Phone, Need::Sign),
        (Column::CreditCode, Need::Sign),
        (Column::Position, Need::Sign),
        (Column::Category, Need::Sign),
        (Column::Unit, Need::Sign),
    ],
    no_header: "cli.sheets.no_enterprise_header",
};

pub fn plan(store: &Store, rows: SheetRows<'_>) -> Result<PeoplePlan> {
    let read_at = store.heads_digest()?;
    let sheet = Sheet::find(rows, &SCHEMA, store.dir())?;
    let mut known = KnownEnterprises::of(super::known::stored(store)?);
    // Known enterprises by the first row naming them, so a second row is a repeat.
    let mut stored_on_row: HashMap<String, usize> = HashMap::new();
    let mut plan = sheet.plan(|row, plan: &mut PeoplePlan| {
        let unit = row.get(Column::Unit);
        let unit = if unit.is_empty() {
            store.office().to_string()
        } else {
            unit
        };
        let mut reasons = Vec::new();
        let kinds = categories(&row.get(Column::Category)).unwrap_or_else(|e| {
            reasons.push(e);
            Default::default()
        });
        let made = input::enterprise(
            store.new_id('E')?,
            store.office().to_string(),
            &row.get(Column::Enterprise),
            Some(row.get(Column::CreditCode).as_str()),
            kinds,
            &unit,
        );
        let e = match made {
            Err(errors) => {
                reasons.push(errors.to_string().replace('\n', &t("cli.reason_sep")));
                return Ok(reasons);
            }
            Ok(e) if reasons.is_empty() => e,
            Ok(_) => return Ok(reasons),
        };
        let same = |first: &usize| vec![tf("cli.sheets.same_enterprise", &[("row", first)])];
        match known.resolve(&e.name, e.credit_code.as_deref()) {
            Match::Conflict(message) => return Ok(vec![message]),
            Match::Known(_, Seen::Row(first)) => return Ok(same(&first)),
            Match::Known(k, Seen::Stored) => {
                match stored_on_row.entry(k.id.to_string()) {
                    Entry::Occupied(first) => return Ok(same(first.get())),
                    Entry::Vacant(first) => first.insert(row.number),
                };
                plan.counts.known_enterprises += 1;
                if let Some(richer) = filled_in(&stored(store, k.id)?, &e, store.office()) {
                    plan.payloads.push(Payload::EnterpriseUpserted(richer))?;
                }
            }
            Match::New => {
                plan.counts.new_enterprises += 1;
                known.add(&e, Seen::Row(row.number));
                plan.payloads.push(Payload::EnterpriseUpserted(e))?;
            }
        }
        Ok(Vec::new())
    })?;
    plan.counts.enterprise_list = true;
    plan.read_at = Some(read_at);
    Ok(plan)
}

/// The stored record of a known enterprise, which matching holds only the id, name and code of.
pub(super) fn stored(store: &Store, id: &str) -> Result<Enterprise> {
    store
        .enterprise(id)?
        .ok_or_else(|| eyre!("enterprise {id} was read from the store but is no longer in it"))
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
