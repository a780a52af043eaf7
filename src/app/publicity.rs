//! 宣传报道: the reports about the campaign a unit keeps (outlet, date, title, link), tied to the
//! session they covered; the 附件5 package and the summary count them.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Outcome, Refusal};
use crate::campaign::hierarchy::within;
use crate::campaign::unit_name;
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

/// Records a publicity item of this office; `session`, when given, must be a known session.
pub fn add(
    store: &Store,
    title: &str,
    outlet: &str,
    on: NaiveDate,
    session: Option<&str>,
    link: &str,
) -> Outcome<Publicity> {
    let session = match session.map(str::trim).filter(|s| !s.is_empty()) {
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
    let item = publicity(
        store.new_id('B')?,
        store.office().to_string(),
        session,
        outlet,
        on,
        title,
        link,
    )
    .map_err(|e| Refusal::Fields(e.0))?;
    store.commit(vec![Payload::PublicityAdded(item.clone())])?;
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
