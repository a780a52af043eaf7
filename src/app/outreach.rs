//! Reaching the enterprises (鄂州市监办〔2023〕4号 二、三): the enterprises of this office's area
//! with whether anyone of theirs was trained this year and where the outreach stands; an
//! outreach status recorded in a few keys; a call list with full phones, which is an explicit
//! action kept in the log with who took it.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{call_list, Outcome, Refusal};
use crate::campaign::hierarchy::within;
use crate::campaign::unit_name;
use crate::domain::enterprise_rows::{EnterpriseRows, RowChange};
use crate::domain::outreach::{Outreach, OutreachRow, OutreachStatus};
use crate::domain::splice::splice_text;
use crate::domain::text::mask_phone;
use crate::domain::{Enterprise, EnterpriseCategory, Person};
use crate::i18n::{t, tf};
use crate::log::apply::keys;
use crate::log::Payload;
use crate::store::kept::Kept;
use crate::store::write_journal::Since;
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
    magic: b"peixun enterprise rows 5\n",
    max_bytes: 512 << 20,
};

/// The rows as kept, with the id of each person's line in the same order (each followed by a
/// newline): a change to a few people moves only their lines.
#[derive(Default, Serialize, Deserialize)]
struct KeptRows {
    rows: EnterpriseRows,
    #[serde(with = "crate::domain::in_pieces")]
    ids: String,
}

/// Beyond this many people changed since the rows were kept, they are worked out again.
const MOST_MOVED: usize = 1_000;

/// What the rows are read from besides people's own records and what decides who is trained
/// (`cert::kept::SHARED`): enterprises, outreach.
const SHARED: &[&str] = &["e", "r"];

/// A person as the 企业 tab's panel shows them: name and masked phone.
fn on_screen(person: Person) -> String {
    format!("{} {}", person.name, mask_phone(&person.phone))
}

/// What the rows depend on besides the log: who is trained is the certification rules' word.
fn screen_rows_extra() -> Result<Vec<u8>, Refusal> {
    Ok(format!("{:?}", crate::cert::Rules::load()?).into_bytes())
}

/// Every enterprise of this office's area with its people as the 企业 tab shows them; kept
/// while the log has not moved, and brought up to date after a write to a few people.
pub fn screen_rows(store: &Store) -> Outcome<EnterpriseRows> {
    let extra = screen_rows_extra()?;
    let kept = SCREEN_ROWS.get_or_bring_up_to_date(
        store,
        &extra,
        |kept, since| rows_brought_up_to_date(store, kept, &since),
        || {
            let mut kept = KeptRows::default();
            // Id and line in one allocation, apart at the first newline (an id has none): a
            // pair of strings for each of 400,000 people held 20 MB more.
            let keep = |p: Person| {
                let id = p.id.clone();
                format!("{id}\n{}", on_screen(p)).into_boxed_str()
            };
            fn apart(kept: &str) -> (&str, &str) {
                kept.split_once('\n').unwrap_or((kept, ""))
            }
            each_row(store, CallFilter::default(), keep, |row| {
                kept.rows
                    .push(
                        &row.enterprise,
                        &row.unit_name,
                        row.trained,
                        row.outreach,
                        row.people.iter().map(|p| apart(p).1),
                    )
                    .map_err(color_eyre::eyre::Report::new)?;
                push_ids(&mut kept.ids, row.people.iter().map(|p| apart(p).0));
                Ok(())
            })?;
            kept.rows.shrink_to_fit();
            Ok(kept)
        },
    )?;
    Ok(kept.rows)
}

/// Adds each of `ids` to `into`, each followed by a newline (`KeptRows::ids`).
fn push_ids<'a>(into: &mut String, ids: impl Iterator<Item = &'a str>) {
    for id in ids {
        crate::domain::room::in_text(into, id.len() + 1);
        into.push_str(id);
        into.push('\n');
    }
}

/// `kept` with the lines of the people `since` changed taken out and put where they are now,
/// and the trained flag of each row they left or joined asked again; `None` when more than
/// their own records changed, or too many of them.
fn rows_brought_up_to_date(
    store: &Store,
    kept: KeptRows,
    since: &Since,
) -> color_eyre::eyre::Result<Option<KeptRows>> {
    let shared = since.wrote_any(SHARED) || since.wrote_any(crate::cert::kept::SHARED);
    if shared || since.people.len() > MOST_MOVED {
        return Ok(None);
    }
    let mut joining: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for id in &since.people {
        if let Some(person) = store.person(id)? {
            if let Some(enterprise) = person.enterprise.clone() {
                joining
                    .entry(enterprise)
                    .or_default()
                    .push((person.id.clone(), on_screen(person)));
            }
        }
    }
    let summary = crate::cert::kept::summary(store, &crate::cert::Rules::load()?)?;
    let KeptRows { rows, mut ids } = kept;
    let mut changes = Vec::new();
    // Where each changed row's ids are in `ids`, and its ids now.
    let mut id_edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut at = 0;
    for (i, row) in (0..rows.len()).filter_map(|i| Some((i, rows.get(i)?))) {
        let start = at;
        let mut row_ids = Vec::with_capacity(row.people().len());
        for _ in 0..row.people().len() {
            let Some(len) = ids.get(at..).and_then(|rest| rest.find('\n')) else {
                return Ok(None);
            };
            row_ids.push(&ids[at..at + len]);
            at += len + 1;
        }
        let joined = joining.remove(row.id).unwrap_or_default();
        let left = row_ids.iter().any(|id| since.people.contains(*id));
        if !left && joined.is_empty() {
            continue;
        }
        let mut people: Vec<(String, String)> = row_ids
            .into_iter()
            .zip(row.people())
            .filter(|(id, _)| !since.people.contains(*id))
            .map(|(id, line)| (id.to_string(), line.to_string()))
            .chain(joined)
            .collect();
        // In the store's order, as a row worked out from everyone lists them.
        people.sort_by(|a, b| a.0.cmp(&b.0));
        let mut row_ids = String::new();
        push_ids(&mut row_ids, people.iter().map(|(id, _)| id.as_str()));
        id_edits.push((start..at, row_ids));
        changes.push(RowChange {
            row: i,
            trained: people.iter().any(|(id, _)| summary.is_trained(id)),
            people: people.into_iter().map(|(_, line)| line).collect(),
        });
    }
    if at != ids.len() {
        return Ok(None);
    }
    if splice_text(&mut ids, &id_edits).is_none() {
        return Ok(None);
    }
    Ok(rows
        .with_people_replaced(&changes)?
        .map(|rows| KeptRows { rows, ids }))
}

/// Removes the kept rows, if any (`doctor`).
pub fn forget_kept_screen_rows(store: &Store) -> Outcome<()> {
    Ok(SCREEN_ROWS.forget(store)?)
}

/// The same rows handed to `visit` one at a time, by unit and then by the name's pinyin, as the
/// lists a coordinator phones down are read, each person as `keep` makes them. Held meanwhile:
/// the rows' order, the people kept and the rows' outreach statuses, not every enterprise's
/// record (at ten times the province, building the 企业 tab's rows from everything at once held
/// 240 MB).
pub fn each_row<P>(
    store: &Store,
    filter: CallFilter,
    keep: impl Fn(Person) -> P,
    mut visit: impl FnMut(OutreachRow<P>) -> Outcome<()>,
) -> Outcome<()> {
    let office = store.office().to_string();
    let summary = crate::cert::kept::summary(store, &crate::cert::Rules::load()?)?;
    let listed = |e: &Enterprise| {
        within(&office, &e.unit) && filter.category.is_none_or(|c| e.categories.contains(c))
    };
    // The unit, the name's pinyin, the name and the id in one text apart at NUL bytes, which no
    // part holds (text with control characters is refused at input), so that it sorts as the
    // parts would in turn; with the id's length. The id last, so that equal names keep the
    // ids' order. Held as four strings apiece, `outreach list` at ten times the province peaked
    // 6 MB higher (125 MB against 119 MB).
    let mut order: Vec<(Box<str>, usize)> = Vec::new();
    for e in store.enterprises_each() {
        let e = e?;
        if listed(&e) {
            let (reading, name) = crate::domain::pinyin::sort_key(&e.name);
            let key = [e.unit.as_str(), &reading, &name, &e.id].join("\0");
            crate::domain::room::in_list(&mut order, 1);
            order.push((key.into_boxed_str(), e.id.len()));
        }
    }
    order.sort_unstable();
    // Only the ids are read from here on: with the units and the names' pinyin held beside
    // the rows as they were built, `outreach list` at ten times the province peaked 10 MB
    // higher (168.0 MB, against 157.6 MB). Gathered into a list of their own, not collected
    // in place, which would keep the room of a key and a length for each id.
    let order: Vec<Box<str>> = {
        let mut ids = Vec::with_capacity(order.len());
        ids.extend(
            order
                .into_iter()
                .map(|(key, id_len)| Box::from(&key[key.len() - id_len..])),
        );
        ids
    };
    // The rows by id, found by a binary search: a map of 120,000 ids held 6 MB.
    let mut by_id: Vec<u32> = (0..order.len() as u32).collect();
    by_id.sort_unstable_by(|&a, &b| order[a as usize].cmp(&order[b as usize]));
    let row_of = |id: &str| -> Option<usize> {
        let at = by_id
            .binary_search_by(|&row| (*order[row as usize]).cmp(id))
            .ok()?;
        Some(by_id[at] as usize)
    };
    let mut trained = vec![false; order.len()];
    // Each person's row and place in the store's order, with what is kept of them: two u32s
    // take the room of the one usize they replace.
    let mut people: Vec<(u32, u32, P)> = Vec::new();
    for person in store.people_each() {
        let person = person?;
        let Some(row) = person.enterprise.as_deref().and_then(row_of) else {
            continue;
        };
        trained[row] |= summary.is_trained(&person.id);
        crate::domain::room::in_list(&mut people, 1);
        people.push((row as u32, people.len() as u32, keep(person)));
    }
    // Who is trained is asked no more: its ids are let go before the rows grow.
    drop(summary);
    // Read in one pass, not one lookup per row in the list's order, which wanders over the
    // store and needs a larger cache to be quick.
    let mut statuses: Vec<Option<Outreach>> = vec![None; order.len()];
    for status in store.each_with_ids::<Outreach>(&keys::outreach("")) {
        let (id, status) = status?;
        if let Some(row) = row_of(&id) {
            statuses[row] = Some(status);
        }
    }
    drop(by_id);
    // Last row first, so that each row's people are taken off the end and the list's room is
    // given back as it empties, while the rows handed on grow. Each row's people in the store's
    // order, reversed once taken off. In place: a stable sort's room was 8 MB at ten times.
    people.sort_unstable_by_key(|&(row, place, _)| (std::cmp::Reverse(row), place));
    for (row, id) in order.into_iter().enumerate() {
        let mut of_row = Vec::new();
        while let Some((_, _, person)) = people.pop_if(|(at, _, _)| *at as usize == row) {
            of_row.push(person);
        }
        of_row.reverse();
        // Shrunk once half empty, so that all the shrinks together copy the list at most once
        // more; a small list is left as it is.
        if people.capacity() > 2 * people.len() + 4096 {
            people.shrink_to_fit();
        }
        if filter.untrained && trained[row] {
            continue;
        }
        // Gone, or moved out of the list, by a write between the two reads (rows a write
        // overtook are not kept).
        let Some(enterprise) = store.enterprise(&id)?.filter(|e| listed(e)) else {
            continue;
        };
        visit(OutreachRow {
            unit_name: unit_name(&enterprise.unit),
            trained: trained[row],
            people: of_row,
            outreach: statuses[row].take(),
            enterprise,
        })?;
    }
    Ok(())
}

/// The enterprise `query` names among this office's own: its id, or its name (whole, or a part
/// that only one has).
pub(super) fn own_enterprise(store: &Store, query: &str) -> Outcome<Enterprise> {
    let query = query.trim();
    if let Some(e) = store.enterprise(query)? {
        return mine(store, e);
    }
    // Names are kept folded (（ as (): the query is read the same way.
    let folded = crate::domain::text::clean(query).unwrap_or_default();
    let all = store.enterprises()?;
    let exact: Vec<&Enterprise> = all.iter().filter(|e| e.name == folded).collect();
    let found: Vec<&Enterprise> = if exact.is_empty() {
        all.iter()
            .filter(|e| !folded.is_empty() && e.name.contains(&folded))
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

/// The call list `filter` keeps, with full phones, each row handed to `visit` as it is read, each
/// person as `keep` makes them. Nothing is recorded yet: the caller keeps the rows (in a scratch
/// file, or a file beside its place) and records the taking (`CallsTaken::record`) before any of
/// it is put where people read it, so no phone leaves the program unrecorded and no list is
/// recorded that was not written. An empty list is refused.
pub fn read_calls<P>(
    store: &Store,
    filter: CallFilter,
    keep: impl Fn(Person) -> P,
    mut visit: impl FnMut(OutreachRow<P>) -> Outcome<()>,
) -> Outcome<CallsTaken> {
    let mut ids: Vec<String> = Vec::new();
    each_row(store, filter, keep, |row| {
        ids.push(row.enterprise.id.clone());
        visit(row)
    })?;
    if ids.is_empty() {
        return Err(Refusal::said(tf(
            "cli.outreach.none",
            &[("filter", &filter.describe())],
        )));
    }
    Ok(CallsTaken {
        filter: filter.describe(),
        ids,
    })
}

/// A call list read and not yet recorded: which enterprises' phones it holds.
#[must_use = "a call list taken is recorded before it is written or printed"]
pub struct CallsTaken {
    filter: String,
    ids: Vec<String>,
}

impl CallsTaken {
    /// How many enterprises the list holds.
    pub fn count(&self) -> usize {
        self.ids.len()
    }

    /// Writes the taking to the log: which enterprises, by whom, when.
    pub fn record(self, store: &Store) -> Outcome<()> {
        store.commit(call_list::parts(
            store.office(),
            &self.filter,
            self.ids.into_iter(),
        ))?;
        Ok(())
    }
}

/// How many rows stand at each status, and how many have none yet, counted as they pass.
#[derive(Debug, Default)]
pub struct Tally {
    pub by: BTreeMap<&'static str, usize>,
    pub none: usize,
}

impl Tally {
    pub fn count(&mut self, outreach: Option<&Outreach>) {
        match outreach {
            Some(o) => *self.by.entry(o.status.key()).or_default() += 1,
            None => self.none += 1,
        }
    }
}

/// How many of `names` another of them repeats: an enterprise two units both registered is a
/// row of each in the worklist, and one enterprise in the coverage.
pub fn repeated_names<'a>(names: impl Iterator<Item = &'a str>) -> usize {
    let mut all = Names::default();
    for name in names {
        all.push(name);
    }
    all.repeated()
}

/// Names gathered as rows pass, to count the repeated ones once all are read. Held in one text:
/// a string for each of 120,000 rows would hold a pointer, a length and an allocation beside
/// each name.
#[derive(Default)]
pub struct Names {
    text: String,
    ends: Vec<usize>,
}

impl Names {
    pub fn push(&mut self, name: &str) {
        crate::domain::room::in_text(&mut self.text, name.len());
        self.text.push_str(name);
        crate::domain::room::in_list(&mut self.ends, 1);
        self.ends.push(self.text.len());
    }

    fn name(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[i]]
    }

    /// How many of the names another of them repeats (`repeated_names`): equal names lie side
    /// by side once their places are sorted.
    pub fn repeated(&self) -> usize {
        let mut order: Vec<usize> = (0..self.ends.len()).collect();
        order.sort_unstable_by(|&a, &b| self.name(a).cmp(self.name(b)));
        order
            .chunk_by(|&a, &b| self.name(a) == self.name(b))
            .filter(|same| same.len() > 1)
            .map(<[usize]>::len)
            .sum()
    }
}

#[cfg(test)]
#[path = "outreach_tests.rs"]
mod tests;
