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
            let rows = rows_keeping(store, CallFilter::default(), |p| {
                (p.id.clone(), on_screen(p))
            });
            for row in rows? {
                kept.rows.push(
                    &row.enterprise,
                    &row.unit_name,
                    row.trained,
                    row.outreach,
                    row.people.iter().map(|(_, line)| line.as_str()),
                )?;
                push_ids(&mut kept.ids, row.people.iter().map(|(id, _)| id.as_str()));
            }
            Ok(kept)
        },
    )?;
    Ok(kept.rows)
}

/// Adds each of `ids` to `into`, each followed by a newline (`KeptRows::ids`).
fn push_ids<'a>(into: &mut String, ids: impl Iterator<Item = &'a str>) {
    for id in ids {
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
        .each_with_ids("r/")
        .collect::<color_eyre::Result<_>>()?;
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
    // By unit, then by the name's pinyin, as the lists a coordinator phones down are read.
    out.sort_by_cached_key(|row| {
        (
            row.enterprise.unit.clone(),
            crate::domain::pinyin::sort_key(&row.enterprise.name),
        )
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
    store.commit(call_list::parts(
        store.office(),
        &filter.describe(),
        rows.iter().map(|r| r.enterprise.id.clone()),
    ))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Scale;
    use crate::domain::{Categories, SessionKind};
    use crate::log::Payload;

    /// The rows `screen_rows` gives, after checking they are the rows worked out from everyone.
    fn rows_checked(store: &Store) -> EnterpriseRows {
        let brought = screen_rows(store).unwrap();
        forget_kept_screen_rows(store).unwrap();
        assert_eq!(brought, screen_rows(store).unwrap(), "as worked out");
        brought
    }

    fn own_person(store: &Store, skip: usize, with: impl Fn(&Person) -> bool) -> Person {
        store
            .people()
            .unwrap()
            .into_iter()
            .filter(|p| p.office == store.office() && with(p))
            .nth(skip)
            .expect("a person of the city's own")
    }

    #[test]
    fn rows_brought_up_to_date_after_a_few_people_changed_are_the_rows_from_everyone() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            crate::demo::build(&dir.path().join("s"), Scale::City, 2023, &mut |_, _| {}).unwrap();
        let first = rows_checked(&store);
        let untrained = first
            .iter()
            .find(|r| !r.trained && r.people().len() > 0)
            .map(|r| r.id.to_string())
            .expect("an enterprise nobody of which is trained");
        let other = first
            .iter()
            .find(|r| r.id != untrained)
            .map(|r| r.id.to_string())
            .unwrap();

        // A walk-in of the untrained enterprise, checked in as often as the rule asks.
        let rules = crate::cert::Rules::load().unwrap();
        let walk_in = Person {
            id: store.new_id('P').unwrap(),
            office: store.office().to_string(),
            name: "钱多多".into(),
            phone: "13900008888".into(),
            position: String::new(),
            enterprise: Some(untrained.clone()),
            code: String::new(),
        };
        let mut write = vec![Payload::PersonUpserted(walk_in.clone())];
        let sessions = store.sessions().unwrap();
        let offline = sessions
            .iter()
            .filter(|s| s.kind == SessionKind::Offline && s.office == store.office());
        for session in offline.take(rules.offline_sessions as usize) {
            write.push(Payload::CheckedIn {
                session: session.id.clone(),
                person: walk_in.id.clone(),
                at: session.date.and_hms_opt(9, 0, 0).unwrap(),
            });
        }
        store.commit(write).unwrap();
        let rows = rows_checked(&store);
        let row = rows.get(rows.position(&untrained).unwrap()).unwrap();
        assert!(row.trained, "the walk-in trained the enterprise");
        assert!(row.people().any(|line| line.starts_with("钱多多 ")));

        // Someone moved to another enterprise, and someone to none.
        let mut moved = own_person(&store, 0, |p| p.enterprise.is_some());
        moved.enterprise = Some(other.clone());
        let mut left = own_person(&store, 1, |p| p.enterprise.is_some());
        left.enterprise = None;
        store
            .commit(vec![
                Payload::PersonUpserted(moved),
                Payload::PersonUpserted(left),
            ])
            .unwrap();
        rows_checked(&store);
    }

    #[test]
    fn only_a_write_to_a_few_people_is_brought_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            crate::demo::build(&dir.path().join("s"), Scale::City, 2023, &mut |_, _| {}).unwrap();
        let extra = screen_rows_extra().unwrap();
        // A row no count from everyone would give: it stays only while the rows are brought up
        // to date rather than worked out again.
        let mark = |store: &Store| {
            let key = SCREEN_ROWS.key(store, &extra).unwrap();
            screen_rows(store).unwrap();
            let just_kept = || Err(color_eyre::eyre::eyre!("kept just now"));
            let mut kept: KeptRows = SCREEN_ROWS
                .get_or_bring_up_to_date(store, &extra, |_, _| Ok(None), just_kept)
                .unwrap();
            let marker = Enterprise {
                id: "E-marker".into(),
                office: store.office().into(),
                name: "标记".into(),
                credit_code: None,
                categories: Categories::NONE,
                unit: store.office().into(),
            };
            kept.rows.push(&marker, "标记", false, None, []).unwrap();
            SCREEN_ROWS.keep(store, &extra, &key, store.quiet(), &kept);
        };
        let marked = |store: &Store| screen_rows(store).unwrap().position("E-marker").is_some();
        mark(&store);
        let mut someone = own_person(&store, 0, |_| true);
        someone.name.push('乙');
        store
            .commit(vec![Payload::PersonUpserted(someone)])
            .unwrap();
        assert!(marked(&store), "brought up to date");

        let enterprise = store.enterprises().unwrap().remove(0);
        store
            .commit(vec![Payload::EnterpriseUpserted(enterprise)])
            .unwrap();
        assert!(!marked(&store), "an enterprise written: worked out again");
    }
}
