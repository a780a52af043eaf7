//! A report as a printable document, before it becomes a file: the title repeated on every page,
//! the line under it (the 样表's stamp line), the header, the rows with typed values, an optional
//! total row and notes. The xlsx, csv and pdf writers all read this one shape, so a report looks
//! the same whatever the format.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a cell holds. Numbers stay numbers and dates stay dates in a spreadsheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Text(String),
    Int(i64),
    /// A score: tenths of a point, shown with one decimal only when it has one.
    Tenths(u16),
    Date(NaiveDate),
    /// A date and a few words after it (a class's hours, the mark of a provisional date): still
    /// a date to sort and filter by.
    DateWith(NaiveDate, String),
    Empty,
}

/// A date as the documents write it: 2023年4月25日 (2023-04-25 in English).
pub fn document_date(date: NaiveDate) -> String {
    crate::i18n::tf(
        "cli.report.date",
        &[
            ("year", &date.year()),
            ("month", &date.month()),
            ("day", &date.day()),
            ("iso", &date.format("%Y-%m-%d")),
        ],
    )
}

/// The line under a document's title: who made it, and as of when.
pub fn office_line(maker: &str, date: NaiveDate) -> String {
    crate::i18n::tf(
        "cli.report.office_line",
        &[("office", &maker), ("date", &document_date(date))],
    )
}

impl Value {
    pub fn text(text: impl Into<String>) -> Value {
        Value::Text(text.into())
    }

    /// The value as a person reads it, the way every format shows it.
    pub fn shown(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Int(n) => n.to_string(),
            Value::Tenths(t) => crate::cert::cells::show_score(*t),
            Value::Date(d) => document_date(*d),
            Value::DateWith(d, hours) => format!("{} {hours}", document_date(*d)),
            Value::Empty => String::new(),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Tenths(_))
    }
}

/// A cell: its value, and how far a name is indented under its parent (a county under its city).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub value: Value,
    pub indent: u8,
    pub bold: bool,
}

impl From<Value> for Cell {
    fn from(value: Value) -> Cell {
        Cell {
            value,
            indent: 0,
            bold: false,
        }
    }
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Value::Text(text.into()).into()
    }

    pub fn int(n: impl TryInto<i64>) -> Cell {
        Value::Int(n.try_into().unwrap_or(i64::MAX)).into()
    }

    pub fn indented(mut self, indent: u8) -> Cell {
        self.indent = indent;
        self
    }

    pub fn bold(mut self, bold: bool) -> Cell {
        self.bold = bold;
        self
    }
}

/// How a column's values sit: wrapping text, or numbers and dates kept on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text that wraps, left aligned.
    Text,
    /// Short values centred on one line (序号, a status, a date).
    Center,
    /// Numbers, right aligned on one line.
    Number,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub align: Align,
    /// Units kept free whatever the column holds (room to sign by hand).
    pub room: f64,
    /// Part of what a group of rows is about (an enterprise, over its people's rows): said again
    /// at the top of a printed page that opens partway through the group.
    pub carried: bool,
}

impl Column {
    pub fn new(header: impl Into<String>, align: Align) -> Column {
        Column {
            header: header.into(),
            align,
            room: 0.0,
            carried: false,
        }
    }

    pub fn carried(mut self) -> Column {
        self.carried = true;
        self
    }

    /// An empty column to write in by hand, `room` units wide.
    pub fn writing(header: impl Into<String>, room: f64) -> Column {
        Column {
            room,
            ..Column::new(header, Align::Text)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Body(Vec<Cell>),
    /// 合计: `label` across the first `span` columns, and the sum of the body rows in each of
    /// `sums` (a formula in a spreadsheet).
    Total {
        label: String,
        span: usize,
        sums: Vec<usize>,
    },
    /// A line across the whole table that starts a block (the walk-ins of a sign-in sheet).
    Section(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The sheet's name, in words (统计表, 签到表).
    pub sheet: String,
    pub title: String,
    /// The line under the title (单位（盖章）：…).
    pub line: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Notes under the table.
    pub notes: Vec<String>,
    pub landscape: bool,
    /// Rows tall enough to sign in (a sign-in sheet).
    pub signing: bool,
    /// Who made the document and when, for the footer of every page.
    pub maker: String,
    pub made: NaiveDate,
}

impl Document {
    /// The sum of `col` over the body rows.
    pub fn sum(&self, col: usize) -> i64 {
        self.body()
            .filter_map(|cells| match cells.get(col).map(|c| &c.value) {
                Some(Value::Int(n)) => Some(*n),
                _ => None,
            })
            .sum()
    }

    pub fn body(&self) -> impl Iterator<Item = &Vec<Cell>> {
        self.rows.iter().filter_map(|r| match r {
            Row::Body(cells) => Some(cells),
            _ => None,
        })
    }

    /// Every row as the text a person reads, across all columns (a total or section row puts its
    /// label first): what the csv holds, and what a page must show whole.
    pub fn shown_rows(&self) -> Vec<Vec<String>> {
        let n = self.columns.len();
        self.rows
            .iter()
            .map(|row| match row {
                Row::Body(cells) => cells.iter().map(|c| c.value.shown()).collect(),
                Row::Total { label, span, sums } => (0..n)
                    .map(|col| {
                        if col == 0 {
                            label.clone()
                        } else if col >= *span && sums.contains(&col) {
                            self.sum(col).to_string()
                        } else {
                            String::new()
                        }
                    })
                    .collect(),
                Row::Section(label) => vec![label.clone()],
            })
            .collect()
    }

    /// The document as a table of text: title, line, header, rows, notes.
    pub fn table(&self) -> Vec<Vec<String>> {
        let mut out = self.head().to_vec();
        out.extend(self.shown_rows());
        out.extend(self.notes.iter().map(|n| vec![n.clone()]));
        out
    }

    /// The rows of text above the body: title, line, header.
    pub fn head(&self) -> [Vec<String>; 3] {
        [
            vec![self.title.clone()],
            vec![self.line.clone()],
            self.columns.iter().map(|c| c.header.clone()).collect(),
        ]
    }

    /// The body rows written (what messages count).
    pub fn body_len(&self) -> usize {
        self.body().count()
    }
}

/// A cell value for a name: blank stays blank rather than an empty string cell.
pub fn text_or_empty(text: &str) -> Value {
    if text.is_empty() {
        Value::Empty
    } else {
        Value::text(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn values_read_as_people_write_them() {
        assert_eq!(Value::Date(d("2023-04-05")).shown(), "2023年4月5日");
        assert_eq!(
            Value::DateWith(d("2023-04-25"), "09:00-11:30".into()).shown(),
            "2023年4月25日 09:00-11:30"
        );
        assert_eq!(Value::Tenths(855).shown(), "85.5");
        assert_eq!(Value::Tenths(850).shown(), "85");
        assert_eq!(Value::Int(-3).shown(), "-3");
    }

    #[test]
    fn a_total_row_sums_its_columns() {
        let doc = Document {
            sheet: "表".into(),
            title: "t".into(),
            line: "l".into(),
            columns: vec![
                Column::new("a", Align::Text),
                Column::new("n", Align::Number),
            ],
            rows: vec![
                Row::Body(vec![Cell::text("x"), Cell::int(2)]),
                Row::Body(vec![Cell::text("y"), Value::text("未录入").into()]),
                Row::Body(vec![Cell::text("z"), Cell::int(5)]),
                Row::Total {
                    label: "合计".into(),
                    span: 1,
                    sums: vec![1],
                },
            ],
            notes: vec!["注".into()],
            landscape: true,
            signing: false,
            maker: "m".into(),
            made: d("2023-04-20"),
        };
        let table = doc.table();
        assert_eq!(table[6], ["合计", "7"]);
        assert_eq!(table[7], ["注"]);
        assert_eq!(doc.body_len(), 3);
    }
}
