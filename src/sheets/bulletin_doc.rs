//! The 通报 as printable tables: the figures by unit (cities bold over their counties, the
//! total last), and the 评选: at the province the nominations it chose, at a city every
//! nomination it made with the province's word on it.

use chrono::NaiveDate;

use super::bulletin::BulletinRow;
use super::doc::{Align, Cell, Column, Document, Row, Value};
use super::rollup::{document_staleness, with_staleness, Local, TOTAL};
use crate::campaign::hierarchy::{above_county, within};
use crate::campaign::{campaign, unit_name};
use crate::cert::is_province;
use crate::domain::award::Award;
use crate::i18n::{t, tf};
use crate::store::Store;

/// The tables of the bulletin of `office`: the figures, and for a city or the province the
/// 评选 of those of `awards` (in the order `app::awards::list` gives) within its area.
pub fn bulletin_documents(
    store: &Store,
    office: &str,
    rows: &[BulletinRow],
    awards: &[Award],
    today: NaiveDate,
    maker: &str,
) -> color_eyre::eyre::Result<Vec<Document>> {
    let mut docs = vec![figures_document(store, office, rows, today, maker)?];
    if above_county(office) {
        docs.push(awards_document(office, awards, today, maker));
    }
    Ok(docs)
}

fn figures_document(
    store: &Store,
    office: &str,
    rows: &[BulletinRow],
    today: NaiveDate,
    maker: &str,
) -> color_eyre::eyre::Result<Document> {
    let local = Local::of(store)?;
    let mut columns = vec![Column::new(t("cli.col.unit"), Align::Text)];
    for key in [
        "classes",
        "offline_people",
        "online",
        "trained",
        "candidates",
        "examined",
        "certified",
        "rank",
    ] {
        columns.push(Column::new(
            t(&format!("cli.bulletin.col_{key}")),
            Align::Number,
        ));
    }
    let has_units = |unit: &str| !campaign().children(unit).is_empty();
    let mut body = Vec::new();
    let mut stale = Vec::new();
    for r in rows {
        let total = r.unit == TOTAL;
        let (label, indent, bold) = if total {
            (t("cli.report.total"), 0, true)
        } else if r.own {
            let name = tf("cli.report.own_level", &[("unit", &unit_name(&r.unit))]);
            (
                name,
                u8::try_from(r.depth.saturating_sub(1)).unwrap_or(0),
                false,
            )
        } else {
            let indent = u8::try_from(r.depth.saturating_sub(1)).unwrap_or(u8::MAX);
            (unit_name(&r.unit), indent, has_units(&r.unit))
        };
        let f = &r.figures;
        let mut cells = vec![Cell::text(label).indented(indent).bold(bold)];
        cells.extend(
            [
                Cell::int(f.classes),
                Cell::int(f.offline_people),
                Cell::int(f.online),
                Cell::int(f.trained),
                Cell::int(f.candidates),
                Cell::int(f.examined),
                Cell::int(f.certified),
            ]
            .map(|c| c.bold(bold)),
        );
        cells.push(match r.rank {
            Some(rank) => Cell::int(rank).bold(bold),
            None => Value::Empty.into(),
        });
        body.push(Row::Body(cells));
        stale.push(if total {
            String::new()
        } else {
            document_staleness(store.office(), &r.unit, &local, today)
        });
    }
    with_staleness(&mut columns, &mut body, &stale);
    Ok(Document {
        sheet: t("cli.bulletin.sheet"),
        title: tf("cli.bulletin.title", &[("office", &unit_name(office))]),
        line: crate::sheets::doc::office_line(maker, today),
        columns,
        rows: body,
        notes: [
            awaiting_note(rows.iter().find(|r| r.unit == TOTAL)),
            Some(t("cli.bulletin.note_sources")),
            rows.iter()
                .any(|r| r.counted_once)
                .then(|| t("cli.bulletin.note_counted_once")),
            Some(t("cli.bulletin.note_rank")),
        ]
        .into_iter()
        .flatten()
        .collect(),
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made: today,
    })
}

/// What the total leaves out: classes past their day whose check-ins are not recorded yet.
fn awaiting_note(total: Option<&BulletinRow>) -> Option<String> {
    let count = total?.figures.awaiting_checkins;
    (count > 0).then(|| tf("cli.report.awaiting_checkins", &[("count", &count)]))
}

/// The province prints whom it chose; a city, what was nominated for its area and what came of
/// it (the province's store too, when it prints a city's bulletin).
fn awards_document(office: &str, awards: &[Award], today: NaiveDate, maker: &str) -> Document {
    let province = is_province(office);
    let shown: Vec<&Award> = awards
        .iter()
        .filter(|a| within(office, &a.nomination.unit))
        .filter(|a| !province || a.selected())
        .collect();
    let mut columns = vec![
        Column::new(t("cli.col.no"), Align::Center),
        Column::new(t("cli.award.col_kind"), Align::Center),
        Column::new(t("cli.award.col_name"), Align::Text),
        Column::new(t("cli.col.unit"), Align::Text),
        Column::new(t("cli.award.col_by"), Align::Text),
        Column::new(t("cli.award.col_reason"), Align::Text),
    ];
    if !province {
        columns.push(Column::new(t("cli.award.col_result"), Align::Center));
    }
    let mut rows: Vec<Row> = shown
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let n = &a.nomination;
            let mut cells = vec![
                Cell::int(i + 1),
                Cell::text(n.kind.label()),
                Cell::text(&n.name),
                Cell::text(unit_name(&n.unit)),
                Cell::text(unit_name(&n.office)),
                Cell::text(&n.reason),
            ];
            if !province {
                cells.push(Cell::text(result(a)));
            }
            Row::Body(cells)
        })
        .collect();
    if rows.is_empty() {
        rows.push(Row::Section(t(if province {
            "cli.award.none_selected"
        } else {
            "cli.award.none_nominated"
        })));
    }
    let title = if province {
        "cli.award.title_selected"
    } else {
        "cli.award.title_nominated"
    };
    Document {
        sheet: t("cli.award.sheet"),
        title: tf(title, &[("office", &unit_name(office))]),
        line: crate::sheets::doc::office_line(maker, today),
        columns,
        rows,
        notes: Vec::new(),
        landscape: false,
        signing: false,
        maker: maker.to_string(),
        made: today,
    }
}

/// A nomination's standing: chosen, still before the province, or not chosen after all.
pub fn result(award: &Award) -> String {
    match &award.selection {
        Some(s) if s.selected => t("cli.award.result_selected"),
        Some(_) => t("cli.award.result_withdrawn"),
        None => t("cli.award.result_pending"),
    }
}
