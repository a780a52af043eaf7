//! Reaching the enterprises (鄂州市监办〔2023〕4号 二、三): the enterprises of this office's area
//! with whether anyone of theirs was trained this year and where the outreach stands; an
//! outreach status recorded in a few keys; a call list with full phones, which is an explicit
//! action kept in the log with who took it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Outcome, Refusal};
use crate::campaign::hierarchy::within;
use crate::campaign::unit_name;
use crate::domain::enterprise_rows::EnterpriseRows;
use crate::domain::outreach::{Outreach, OutreachRow, OutreachStatus};
use crate::domain::text::mask_phone;
use crate::domain::{Enterprise, EnterpriseCategory, Person};
use crate::i18n::{t, tf};
use crate::log::apply::keys;
use crate::log::Payload;
use crate::store::kept::Kept;
use crate::store::Store;

/// Which enterprises a list holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallFilter {
    pub category: Option<EnterpriseCategory>,
    /// Only enterprises none of whose people was trained this year.
    pub untrained: bool,
}

impl CallFilter {
    /// The filter in words, as the call list's title and the log say it.
    pub fn describe(&self) -> String {
        let category = self
            .category
            .map_or_else(|| t("cli.outreach.all_categories"), |c| c.label());
        if self.untrained {
            tf("cli.outreach.filter_untrained", &[("category", &category)])
        } else {
            category
        }
    }
}

/// The 企业 tab's rows kept beside the store (`store::kept`): working them out reads every
/// enterprise and every person of the area.
const SCREEN_ROWS: Kept = Kept {
    file: "enterprise-rows",
    magic: b"peixun enterprise rows 2\n",
    max_bytes: 512 << 20,
};

/// A person as the 企业 tab's panel shows them: name and masked phone.
fn on_screen(person: Person) -> String {
    format!("{} {}", person.name, mask_phone(&person.phone))
}

/// What the rows depend on besides the log: who is trained is the certification rules' word.
fn screen_rows_extra() -> Result<Vec<u8>, Refusal> {
    Ok(format!("{:?}", crate::cert::Rules::load()?).into_bytes())
}

/// Every enterprise of this office's area with its people as the 企业 tab shows them; kept
/// while the log has not moved.
pub fn screen_rows(store: &Store) -> Outcome<EnterpriseRows> {
    let extra = screen_rows_extra()?;
    Ok(SCREEN_ROWS.get_or_work_out(store, &extra, || {
        let mut packed = EnterpriseRows::default();
        for row in rows_keeping(store, CallFilter::default(), on_screen)? {
            packed.push(
                &row.enterprise,
                &row.unit_name,
                row.trained,
                row.outreach,
                row.people.iter().map(String::as_str),
            )?;
        }
        Ok(packed)
    })?)
}

/// Removes the kept rows, if any (`doctor`).
pub fn forget_kept_screen_rows(store: &Store) -> Outcome<()> {
    Ok(SCREEN_ROWS.forget(store)?)
}

/// The enterprises of this office's area that `filter` keeps, by unit and name.
pub fn rows(store: &Store, filter: CallFilter) -> Outcome<Vec<OutreachRow>> {
    rows_keeping(store, filter, |person| person)
}

/// The same rows, keeping of each person only what `keep` makes of them: a screen holding
/// every person's record for its whole session would hold the office's people twice.
pub fn rows_keeping<P>(
    store: &Store,
    filter: CallFilter,
    keep: impl Fn(Person) -> P,
) -> Outcome<Vec<OutreachRow<P>>> {
    let office = store.office().to_string();
    let trained = crate::sheets::rollup::trained_people(store)?;
    let mut people: BTreeMap<String, Vec<P>> = BTreeMap::new();
    let mut trained_enterprises = std::collections::BTreeSet::new();
    for person in store.people_each() {
        let person = person?;
        let Some(enterprise) = person.enterprise.clone() else {
            continue;
        };
        if trained.contains(&person.id) {
            trained_enterprises.insert(enterprise.clone());
        }
        people.entry(enterprise).or_default().push(keep(person));
    }
    let statuses: BTreeMap<String, Outreach> = store
        .scan::<Outreach>("r/")?
        .into_iter()
        .map(|(id, stored)| (id, stored.value))
        .collect();
    let mut out: Vec<OutreachRow<P>> = store
        .enterprises()?
        .into_iter()
        .filter(|e| within(&office, &e.unit))
        .filter(|e| filter.category.is_none_or(|c| e.categories.contains(c)))
        .filter(|e| !(filter.untrained && trained_enterprises.contains(&e.id)))
        .map(|e| OutreachRow {
            unit_name: unit_name(&e.unit),
            trained: trained_enterprises.contains(&e.id),
            people: people.remove(&e.id).unwrap_or_default(),
            outreach: statuses.get(&e.id).cloned(),
            enterprise: e,
        })
        .collect();
    out.sort_by(|a, b| {
        (&a.enterprise.unit, &a.enterprise.name).cmp(&(&b.enterprise.unit, &b.enterprise.name))
    });
    Ok(out)
}

/// The enterprise `query` names among this office's own: its id, or its name (whole, or a part
/// that only one has).
pub(super) fn own_enterprise(store: &Store, query: &str) -> Outcome<Enterprise> {
    let query = query.trim();
    if let Some(e) = store.enterprise(query)? {
        return mine(store, e);
    }
    let all = store.enterprises()?;
    let exact: Vec<&Enterprise> = all.iter().filter(|e| e.name == query).collect();
    let found: Vec<&Enterprise> = if exact.is_empty() {
        all.iter()
            .filter(|e| !query.is_empty() && e.name.contains(query))
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [one] => mine(store, (*one).clone()),
        [] => Err(Refusal::said(tf(
            "cli.outreach.no_enterprise",
            &[("query", &query)],
        ))),
        several => Err(Refusal::said(tf(
            "cli.outreach.several",
            &[
                ("query", &query),
                (
                    "names",
                    &several
                        .iter()
                        .take(5)
                        .map(|e| tf("cli.outreach.named", &[("name", &e.name), ("id", &e.id)]))
                        .collect::<Vec<_>>()
                        .join(&t("cli.list_sep")),
                ),
            ],
        ))),
    }
}

/// Only the office that registered an enterprise records its outreach.
fn mine(store: &Store, e: Enterprise) -> Outcome<Enterprise> {
    if e.office == store.office() {
        return Ok(e);
    }
    Err(Refusal::said(tf(
        "cli.outreach.not_yours",
        &[("name", &e.name), ("owner", &unit_name(&e.office))],
    )))
}

/// What was done for an enterprise is recorded once it happened: a day after today is a slip of
/// the keys, refused before anything is written.
pub fn not_after_today(on: NaiveDate, today: NaiveDate) -> Outcome<()> {
    if on > today {
        return Err(Refusal::field(
            "on",
            tf(
                "cli.outreach.after_today",
                &[("day", &on), ("today", &today)],
            ),
        ));
    }
    Ok(())
}

/// Records where the outreach to an enterprise stands. Recording the status it already has, on
/// the same day with the same note, writes nothing.
pub fn record(
    store: &Store,
    enterprise: &str,
    status: OutreachStatus,
    on: NaiveDate,
    today: NaiveDate,
    note: &str,
) -> Outcome<(Enterprise, Outreach, bool)> {
    not_after_today(on, today)?;
    let e = own_enterprise(store, enterprise)?;
    if let Some(c) = crate::domain::text::forbidden_char(note) {
        return Err(Refusal::field(
            "note",
            crate::domain::text::forbidden_message(c),
        ));
    }
    let outreach = Outreach {
        status,
        on,
        note: note.trim().to_string(),
    };
    let current = store
        .get_stored::<Outreach>(&keys::outreach(&e.id))?
        .map(|s| s.value);
    if current.as_ref() == Some(&outreach) {
        return Ok((e, outreach, false));
    }
    store.commit(vec![Payload::OutreachRecorded {
        enterprise: e.id.clone(),
        unit: e.office.clone(),
        outreach: outreach.clone(),
    }])?;
    Ok((e, outreach, true))
}

/// The call list `filter` keeps, with full phones. Taking it is written to the log first
/// (which enterprises, by whom, when), so no phone leaves the program unrecorded; an empty
/// list writes nothing.
pub fn export_calls(store: &Store, filter: CallFilter) -> Outcome<Vec<OutreachRow>> {
    let rows = rows(store, filter)?;
    if rows.is_empty() {
        return Err(Refusal::said(tf(
            "cli.outreach.none",
            &[("filter", &filter.describe())],
        )));
    }
    store.commit(vec![Payload::CallListExported {
        unit: store.office().to_string(),
        filter: filter.describe(),
        enterprises: rows.iter().map(|r| r.enterprise.id.clone()).collect(),
    }])?;
    Ok(rows)
}

/// How many of `rows` stand at each status, and how many have none yet.
pub fn tally<P>(rows: &[OutreachRow<P>]) -> (BTreeMap<&'static str, usize>, usize) {
    let mut by: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut none = 0;
    for row in rows {
        match &row.outreach {
            Some(o) => *by.entry(o.status.key()).or_default() += 1,
            None => none += 1,
        }
    }
    (by, none)
}
