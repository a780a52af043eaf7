//! The sheets a 附件5 package carries besides the files: its index (every file, and every
//! checklist item with its status, so an item without evidence shows) and its units' contacts.

use chrono::NaiveDate;

use super::doc::{text_or_empty, Align, Cell, Column, Document, Row, Value};
use crate::domain::contact::Contact;
use crate::i18n::{t, tf};

/// One line of the index: a file in the package, or an item that has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexLine {
    pub unit: String,
    pub item: String,
    pub status: String,
    pub file: Place,
    pub size: Option<u64>,
    pub by: String,
    pub date: Option<NaiveDate>,
}

/// What the index says of a line's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Where the file is in the package (or why it is not).
    File(String),
    /// An item without evidence.
    Missing,
    /// An item waived (免报) without evidence: nothing is missing.
    Waived,
}

/// A size as people read it: 812 B, 35.2 KB, 4.1 MB.
pub fn shown_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    // Sizes here are far below where f64 loses whole bytes.
    #[allow(clippy::cast_precision_loss)]
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

/// The index of a package for `office` (its name), with `notes` under the table.
pub fn index_document(
    office: &str,
    lines: &[IndexLine],
    notes: Vec<String>,
    maker: &str,
    made: NaiveDate,
) -> Document {
    let columns = vec![
        Column::new(t("cli.col.no"), Align::Center),
        Column::new(t("cli.col.unit"), Align::Text),
        Column::new(t("cli.col.item_title"), Align::Text),
        Column::new(t("cli.col.status"), Align::Center),
        Column::new(t("package.col_file"), Align::Text),
        Column::new(t("package.col_size"), Align::Center),
        Column::new(t("package.col_by"), Align::Text),
        Column::new(t("cli.col.date"), Align::Center),
    ];
    let rows = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let file = match &line.file {
                Place::File(path) => Cell::text(path),
                Place::Missing => Cell::text(t("package.missing")).bold(true),
                Place::Waived => Value::Empty.into(),
            };
            Row::Body(vec![
                Cell::int(i + 1),
                Cell::text(&line.unit),
                Cell::text(&line.item),
                text_or_empty(&line.status).into(),
                file,
                text_or_empty(&line.size.map(shown_size).unwrap_or_default()).into(),
                text_or_empty(&line.by).into(),
                line.date.map_or(Value::Empty, Value::Date).into(),
            ])
        })
        .collect();
    Document {
        sheet: t("package.sheet_index"),
        title: tf("package.index_title", &[("office", &office)]),
        line: crate::sheets::doc::office_line(maker, made),
        columns,
        rows,
        notes,
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}

/// Each unit (by name) with its 联系人, or a blank that says none is named.
/// A unit on the call list: its name, its contact if named, and the contact's office phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactLine {
    pub unit: String,
    pub contact: Option<Contact>,
    pub office_phone: Option<String>,
}

pub fn contacts_document(
    office: &str,
    units: &[ContactLine],
    maker: &str,
    made: NaiveDate,
) -> Document {
    let columns = vec![
        Column::new(t("cli.col.no"), Align::Center),
        Column::new(t("cli.col.unit"), Align::Text),
        Column::new(t("cli.col.contact"), Align::Text),
        Column::new(t("cli.col.position"), Align::Text),
        Column::new(t("cli.col.phone"), Align::Center),
        Column::new(t("cli.col.office_phone"), Align::Center),
        Column::new(t("cli.col.since"), Align::Center),
    ];
    let rows = units
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let mut cells = vec![Cell::int(i + 1), Cell::text(&line.unit)];
            let office_phone = text_or_empty(line.office_phone.as_deref().unwrap_or("")).into();
            match &line.contact {
                Some(c) => cells.extend([
                    Cell::text(&c.name),
                    text_or_empty(&c.position).into(),
                    Cell::text(&c.phone),
                    office_phone,
                    Value::Date(c.since).into(),
                ]),
                None => {
                    cells.push(Cell::text(t("cli.contact.none")));
                    cells.extend([Value::Empty.into(), Value::Empty.into(), office_phone]);
                    cells.push(Value::Empty.into());
                }
            }
            Row::Body(cells)
        })
        .collect();
    Document {
        sheet: t("package.sheet_contacts"),
        title: tf("package.contacts_title", &[("office", &office)]),
        line: crate::sheets::doc::office_line(maker, made),
        columns,
        rows,
        notes: Vec::new(),
        landscape: false,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(shown_size(812), "812 B");
        assert_eq!(shown_size(36_045), "35.2 KB");
        assert_eq!(shown_size(4_300_000), "4.1 MB");
    }
}
