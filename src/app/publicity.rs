//! 宣传报道: the reports about the campaign a unit keeps (outlet, date, title, link), tied to the
//! session they covered; the 附件5 package and the summary count them.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::{Outcome, Refusal};
use crate::campaign::hierarchy::within;
use crate::campaign::{campaign, unit_name};
use crate::domain::outreach::{publicity, Publicity};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::sheets::doc::{text_or_empty, Align, Cell, Column, Document, Row, Value};
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicityRow {
    pub item: Publicity,
    pub unit_name: String,
    /// The title of the session it covered.
    pub session_title: Option<String>,
}

/// A publicity item as typed: the file, when given, is the cutting itself.
#[derive(Debug, Clone, Default)]
pub struct PublicityInput<'a> {
    pub title: &'a str,
    pub outlet: &'a str,
    pub on: NaiveDate,
    pub session: Option<&'a str>,
    pub link: &'a str,
    pub file: Option<&'a Path>,
}

/// The checklist items a unit's publicity is the evidence of: a county's 宣传报道等 (附件5) and
/// the city's 宣传报道 (方案 二（二）6).
pub fn is_publicity_item(item: &str) -> bool {
    matches!(item, "county.publicity" | "city.publicity")
}

/// Records a publicity item of this office; `session`, when given, must be a known session.
/// A file goes with it as evidence of the unit's publicity item (so the 附件5 package carries
/// it), written at `now` in the same commit; with no link, the item names the file.
pub fn add(store: &Store, input: &PublicityInput, now: NaiveDateTime) -> Outcome<Publicity> {
    let session = match input.session.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => match store.session(id)? {
            Some(s) => Some(s.id),
            None => {
                return Err(Refusal::field(
                    "session",
                    tf("cli.publicity.no_session", &[("id", &id)]),
                ))
            }
        },
        None => None,
    };
    let file_name = input
        .file
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned());
    let link = match (&file_name, input.link.trim()) {
        (Some(name), "") => name.clone(),
        (_, link) => link.to_string(),
    };
    let item = publicity(
        store.new_id('B')?,
        store.office().to_string(),
        session,
        input.outlet,
        input.on,
        input.title,
        &link,
    )
    .map_err(|e| Refusal::Fields(e.0))?;
    let mut payloads = Vec::new();
    if let Some(path) = input.file {
        let unit = store.office();
        let Some(evidence_item) = campaign()
            .checklist_for(unit)
            .into_iter()
            .find(|d| is_publicity_item(&d.id))
        else {
            return Err(Refusal::field(
                "file",
                tf("cli.publicity.no_item", &[("unit", &unit_name(unit))]),
            ));
        };
        let (_, attach) =
            super::checklist::evidence_of(store, unit, &evidence_item.id, path, &item.title, now)?;
        payloads.push(attach);
    }
    payloads.push(Payload::PublicityAdded(item.clone()));
    store.commit(payloads)?;
    Ok(item)
}

/// `rows` as the table the 附件5 package carries: date, unit, outlet, title, class, link.
pub fn document(rows: &[PublicityRow], office: &str, maker: &str, made: NaiveDate) -> Document {
    let columns = vec![
        Column::new(t("cli.publicity.col_on"), Align::Center),
        Column::new(t("cli.col.unit"), Align::Text),
        Column::new(t("cli.publicity.col_outlet"), Align::Text),
        Column::new(t("cli.publicity.col_title"), Align::Text),
        Column::new(t("cli.publicity.col_session"), Align::Text),
        Column::new(t("cli.publicity.col_link"), Align::Text),
    ];
    let body = rows
        .iter()
        .map(|r| {
            Row::Body(vec![
                Value::Date(r.item.on).into(),
                Cell::text(&r.unit_name),
                Cell::text(&r.item.outlet),
                Cell::text(&r.item.title),
                text_or_empty(r.session_title.as_deref().unwrap_or_default()).into(),
                text_or_empty(&r.item.link).into(),
            ])
        })
        .collect();
    Document {
        sheet: t("cli.publicity.sheet"),
        title: tf("cli.publicity.title", &[("office", &unit_name(office))]),
        line: crate::sheets::doc::office_line(maker, made),
        columns,
        rows: body,
        notes: Vec::new(),
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}

/// The publicity of this office and the units below it, newest first.
pub fn list(store: &Store) -> Outcome<Vec<PublicityRow>> {
    let mut rows = Vec::new();
    for (_, stored) in store.scan::<Publicity>("b/")? {
        let item = stored.value;
        if !within(store.office(), &item.unit) {
            continue;
        }
        let session_title = match &item.session {
            Some(id) => store.session(id)?.map(|s| s.title),
            None => None,
        };
        rows.push(PublicityRow {
            unit_name: unit_name(&item.unit),
            session_title,
            item,
        });
    }
    rows.sort_by(|a, b| (b.item.on, &b.item.id).cmp(&(a.item.on, &a.item.id)));
    Ok(rows)
}
