//! The call list a unit works down (鄂州市监办〔2023〕4号 二): its enterprises, whether anyone of
//! theirs was trained this year, where the outreach stands, and each person with a full phone.
//! The list is read through `app::call_list::take`, and its taking recorded once it is ready to be
//! read; at ten times the province everyone's list is 400,000 rows, so it is a `LongDocument`.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::doc::{text_or_empty, Align, Cell, Column, Document, Value};
use super::long::LongDocument;
use crate::domain::outreach::{Outreach, OutreachRow};
use crate::domain::Person;
use crate::i18n::{t, tf};

/// Where the outreach stands, with its date: "已确认 2023-03-02".
pub fn outreach_text(outreach: Option<&Outreach>) -> String {
    match outreach {
        Some(o) => format!("{} {}", o.status.label(), o.on),
        None => t("cli.outreach.not_yet"),
    }
}

/// The same on two lines for the printed list: a spreadsheet wraps the date where it likes
/// (`2023-04-` then `15` in LibreOffice), and the column needs only the date's width.
fn outreach_lines(outreach: Option<&Outreach>) -> String {
    match outreach {
        Some(o) => format!("{}\n{}", o.status.label(), o.on),
        None => t("cli.outreach.not_yet"),
    }
}

pub fn trained_text(trained: bool) -> String {
    t(if trained {
        "cli.outreach.trained_yes"
    } else {
        "cli.outreach.trained_no"
    })
}

/// What the list shows of a person: all that is kept of each while everyone is read (at ten
/// times the province, 400,000 people held whole took 120 MB more).
pub struct Contact {
    pub name: Box<str>,
    pub position: Box<str>,
    pub phone: Box<str>,
}

impl From<Person> for Contact {
    fn from(person: Person) -> Contact {
        Contact {
            name: person.name.into(),
            position: person.position.into(),
            phone: person.phone.into(),
        }
    }
}

/// The call list's frame: title, columns and notes, its rows to come (`push_enterprise`).
pub fn calls_frame(office: &str, filter: &str, maker: &str, made: NaiveDate) -> Document {
    let columns = vec![
        Column::new(t("cli.col.no"), Align::Center).carried(),
        Column::new(t("cli.col.unit"), Align::Text),
        Column::new(t("cli.col.enterprise"), Align::Text).carried(),
        Column::new(t("cli.col.category"), Align::Text),
        Column::new(t("cli.outreach.col_trained"), Align::Center),
        Column::new(t("cli.outreach.col_status"), Align::Center),
        Column::new(t("cli.col.contact"), Align::Text),
        Column::new(t("cli.col.position"), Align::Text),
        Column::new(t("cli.col.phone"), Align::Center),
    ];
    Document {
        sheet: t("cli.outreach.sheet"),
        title: tf(
            "cli.outreach.title",
            &[("office", &office), ("filter", &filter)],
        ),
        line: crate::sheets::doc::office_line(maker, made),
        columns,
        rows: Vec::new(),
        notes: vec![t("cli.outreach.note_phones")],
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}

/// The rows of the list's enterprise `number`: one per person (one, its contact empty, when
/// nobody of theirs is known), the enterprise's cells only on its first row.
pub fn push_enterprise(
    doc: &mut LongDocument,
    number: usize,
    row: &OutreachRow<Contact>,
) -> Result<()> {
    let people: Vec<Option<&Contact>> = if row.people.is_empty() {
        vec![None]
    } else {
        row.people.iter().map(Some).collect()
    };
    for (j, person) in people.into_iter().enumerate() {
        let mut cells: Vec<Cell> = if j == 0 {
            vec![
                Cell::int(number),
                Cell::text(&row.unit_name),
                Cell::text(&row.enterprise.name),
                text_or_empty(&row.enterprise.categories.label()).into(),
                Cell::text(trained_text(row.trained)),
                Cell::text(outreach_lines(row.outreach.as_ref())),
            ]
        } else {
            (0..6).map(|_| Cell::from(Value::Empty)).collect()
        };
        match person {
            Some(p) => cells.extend([
                Cell::text(&*p.name),
                text_or_empty(&p.position).into(),
                Cell::text(&*p.phone),
            ]),
            None => cells.extend((0..3).map(|_| Cell::from(Value::Empty))),
        }
        doc.push(&cells)?;
    }
    Ok(())
}
