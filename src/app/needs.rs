//! 附件3's services 按需求: an enterprise asks for one of the seven (at check-in, at a visit, on
//! the phone), the unit records it, its city or the province (or the unit itself) answers, and
//! the answer goes back down to the unit in its scoped view. A report counts them by service and
//! unit.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Confirm, Outcome, Refusal};
use crate::campaign::hierarchy::within;
use crate::campaign::{campaign, unit_name};
use crate::domain::outreach::{service_number, ServiceAnswer, ServiceNeed};
use crate::i18n::{t, tf};
use crate::log::apply::keys;
use crate::log::Payload;
use crate::sheets::doc::{Align, Cell, Column, Document, Row};
use crate::store::Store;

/// A need as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NeedRow {
    pub need: ServiceNeed,
    pub enterprise_name: String,
    pub unit_name: String,
    /// 附件3's 服务类别 of the service asked for.
    pub service: String,
    pub answer: Option<ServiceAnswer>,
    /// The office that answered.
    pub answered_by: Option<String>,
}

/// 附件3's 服务类别 for 序号 `seq`.
pub fn service_title(seq: u8) -> String {
    campaign()
        .services
        .iter()
        .find(|s| s.seq == u32::from(seq))
        .map_or_else(|| seq.to_string(), |s| s.category.clone())
}

fn clean(note: &str) -> Outcome<String> {
    match crate::domain::text::forbidden_char(note) {
        Some(c) => Err(Refusal::field(
            "note",
            crate::domain::text::forbidden_message(c),
        )),
        None => Ok(note.trim().to_string()),
    }
}

/// Records that one of this office's enterprises asked for service `service` (1-7).
pub fn add(
    store: &Store,
    enterprise: &str,
    service: &str,
    on: NaiveDate,
    today: NaiveDate,
    note: &str,
) -> Outcome<ServiceNeed> {
    super::outreach::not_after_today(on, today)?;
    let service = service_number(service).map_err(|e| Refusal::Fields(e.0))?;
    let note = clean(note)?;
    let e = super::outreach::own_enterprise(store, enterprise)?;
    let need = ServiceNeed {
        id: store.new_id('N')?,
        enterprise: e.id,
        unit: store.office().to_string(),
        service,
        asked: on,
        note,
    };
    store.commit(vec![Payload::ServiceNeedRecorded(need.clone())])?;
    Ok(need)
}

/// Answers need `id`, which this office or a unit below it recorded. An answer already given is
/// replaced only when `replace`: one answer stands per need, and the earlier one is lost.
pub fn answer(
    store: &Store,
    id: &str,
    on: NaiveDate,
    today: NaiveDate,
    note: &str,
    replace: bool,
) -> Outcome<NeedRow> {
    super::outreach::not_after_today(on, today)?;
    let note = clean(note)?;
    let Some(need) = store
        .get_stored::<ServiceNeed>(&keys::need(id.trim()))?
        .map(|s| s.value)
    else {
        return Err(Refusal::said(tf("cli.need.no_need", &[("id", &id.trim())])));
    };
    if !within(store.office(), &need.unit) {
        return Err(Refusal::said(tf(
            "cli.need.outside",
            &[
                ("id", &need.id),
                ("unit", &unit_name(&need.unit)),
                ("office", &unit_name(store.office())),
            ],
        )));
    }
    if on < need.asked {
        return Err(Refusal::field(
            "on",
            tf(
                "cli.need.answered_before_asked",
                &[("on", &on), ("asked", &need.asked)],
            ),
        ));
    }
    let earlier = store.get_stored::<ServiceAnswer>(&keys::answer(&need.id))?;
    if let Some(earlier) = earlier.filter(|_| !replace) {
        return Err(Refusal::Confirm(Confirm::ReplaceAnswer {
            need: need.id.clone(),
            service: service_title(need.service),
            answered: earlier.value.on,
        }));
    }
    store.commit(vec![Payload::ServiceNeedAnswered {
        need: need.id.clone(),
        unit: need.unit.clone(),
        answer: ServiceAnswer { on, note },
    }])?;
    let row = list(store, false)?
        .into_iter()
        .find(|r| r.need.id == need.id)
        .ok_or_else(|| Refusal::said(tf("cli.need.no_need", &[("id", &need.id)])))?;
    Ok(row)
}

/// What `answer` says it did: answered, or replaced the answer of the day given.
pub fn answered_message(row: &NeedRow, replaced: Option<NaiveDate>) -> String {
    match replaced {
        Some(earlier) => tf(
            "cli.need.replaced",
            &[
                ("id", &row.need.id),
                ("enterprise", &row.enterprise_name),
                ("earlier", &earlier),
            ],
        ),
        None => tf(
            "cli.need.answered",
            &[("id", &row.need.id), ("enterprise", &row.enterprise_name)],
        ),
    }
}

/// The day need `id` was last answered, if it was.
pub fn answered_on(store: &Store, id: &str) -> Outcome<Option<NaiveDate>> {
    Ok(store
        .get_stored::<ServiceAnswer>(&keys::answer(id.trim()))?
        .map(|stored| stored.value.on))
}

/// The needs of this office and the units below it, oldest first; only open ones when asked.
pub fn list(store: &Store, open_only: bool) -> Outcome<Vec<NeedRow>> {
    let answers: BTreeMap<String, (ServiceAnswer, String)> = store
        .scan::<ServiceAnswer>("u/a/")?
        .into_iter()
        .map(|(id, stored)| (id, (stored.value, stored.owner)))
        .collect();
    let mut rows = Vec::new();
    for (_, stored) in store.scan::<ServiceNeed>("u/n/")? {
        let need = stored.value;
        if !within(store.office(), &need.unit) {
            continue;
        }
        let answered = answers.get(&need.id).cloned();
        if open_only && answered.is_some() {
            continue;
        }
        let enterprise_name = store
            .enterprise(&need.enterprise)?
            .map_or_else(|| need.enterprise.clone(), |e| e.name);
        rows.push(NeedRow {
            enterprise_name,
            unit_name: unit_name(&need.unit),
            service: service_title(need.service),
            answered_by: answered.as_ref().map(|(_, by)| unit_name(by)),
            answer: answered.map(|(a, _)| a),
            need,
        });
    }
    rows.sort_by(|a, b| (a.need.asked, &a.need.id).cmp(&(b.need.asked, &b.need.id)));
    Ok(rows)
}

/// Needs asked and answered per service (序号 1-7, every one listed) and unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NeedCount {
    pub service: u8,
    pub title: String,
    pub unit_name: String,
    pub asked: usize,
    pub answered: usize,
}

pub fn counts(rows: &[NeedRow]) -> Vec<NeedCount> {
    let mut by: BTreeMap<(u8, String), NeedCount> = BTreeMap::new();
    for row in rows {
        let entry = by
            .entry((row.need.service, row.unit_name.clone()))
            .or_insert_with(|| NeedCount {
                service: row.need.service,
                title: row.service.clone(),
                unit_name: row.unit_name.clone(),
                ..NeedCount::default()
            });
        entry.asked += 1;
        entry.answered += usize::from(row.answer.is_some());
    }
    by.into_values().collect()
}

/// The needs by service (all seven of 附件3, in order) and unit, asked and answered, as a table
/// for the city's or the province's report.
pub fn counts_document(rows: &[NeedRow], office: &str, maker: &str, made: NaiveDate) -> Document {
    let counts = counts(rows);
    let mut body = Vec::new();
    for service in &crate::campaign::campaign().services {
        let seq = u8::try_from(service.seq).unwrap_or(u8::MAX);
        let of_service: Vec<&NeedCount> = counts.iter().filter(|c| c.service == seq).collect();
        let asked: usize = of_service.iter().map(|c| c.asked).sum();
        let answered: usize = of_service.iter().map(|c| c.answered).sum();
        body.push(Row::Body(vec![
            Cell::text(format!("{} {}", service.seq, service.category)).bold(true),
            Cell::text(""),
            Cell::int(asked).bold(true),
            Cell::int(answered).bold(true),
        ]));
        for c in of_service {
            body.push(Row::Body(vec![
                Cell::text(""),
                Cell::text(&c.unit_name),
                Cell::int(c.asked),
                Cell::int(c.answered),
            ]));
        }
    }
    Document {
        sheet: t("cli.need.sheet"),
        title: tf("cli.need.title", &[("office", &unit_name(office))]),
        line: crate::sheets::doc::office_line(maker, made),
        columns: vec![
            Column::new(t("cli.need.col_service"), Align::Text),
            Column::new(t("cli.col.unit"), Align::Text),
            Column::new(t("cli.need.col_count"), Align::Number),
            Column::new(t("cli.need.col_answered"), Align::Number),
        ],
        rows: body,
        notes: Vec::new(),
        landscape: false,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}
