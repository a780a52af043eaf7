//! A PDF's rows laid out and put on pages, a row at a time: the cells' lines wrapped in the
//! font, each row as tall as its lines, and pages filled as the rows come, so a document read
//! from a scratch file (`long::LongDocument`) is laid out without being held.

use std::borrow::Cow;
use std::collections::VecDeque;

use color_eyre::eyre::Result;

use super::doc::{Align, Cell, Document, Row, Value};
use super::layout::{BODY_PT, INDENT_UNITS, SIGNING_ROW_PT, UNIT_PT};
use super::pdf::{Metrics, LINE, PAD_X, PAD_Y, SIGNING_LINE};
use crate::i18n::tf;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Place {
    Left,
    Center,
    Right,
}

/// A cell laid out: where it is across, its lines, how they sit.
#[derive(Clone)]
pub(super) struct Laid {
    pub(super) x: f64,
    pub(super) w: f64,
    pub(super) lines: Vec<String>,
    pub(super) place: Place,
    pub(super) indent: f64,
    pub(super) bold: bool,
}

/// A row laid out: its cells, its height, whether it has borders.
#[derive(Clone)]
pub(super) struct LaidRow {
    pub(super) cells: Vec<Laid>,
    pub(super) height: f64,
    pub(super) boxed: bool,
    pub(super) signing: bool,
    /// A line that starts a block (`Row::Section`): it goes over with the next row rather than
    /// end a page under other rows.
    pub(super) leads: bool,
}

impl LaidRow {
    fn lines(&self) -> usize {
        self.cells.iter().map(|c| c.lines.len()).max().unwrap_or(1)
    }

    pub(super) fn height_for(lines: usize, signing: bool) -> f64 {
        if signing {
            (lines.max(1) as f64 * SIGNING_LINE + 2.0).max(SIGNING_ROW_PT)
        } else {
            lines.max(1) as f64 * LINE + 2.0 * PAD_Y
        }
    }

    /// The first `lines` lines, and the rest (for a row that goes on over the next page).
    fn split(&self, lines: usize) -> (LaidRow, LaidRow) {
        let part = |range: &dyn Fn(&[String]) -> Vec<String>| {
            let cells: Vec<Laid> = self
                .cells
                .iter()
                .map(|c| Laid {
                    lines: range(&c.lines),
                    ..c.clone()
                })
                .collect();
            let mut row = LaidRow {
                cells,
                height: 0.0,
                ..self.clone()
            };
            row.height = LaidRow::height_for(row.lines(), self.signing);
            row
        };
        (
            part(&|l: &[String]| l.iter().take(lines).cloned().collect()),
            part(&|l: &[String]| l.iter().skip(lines).cloned().collect()),
        )
    }
}

pub(super) struct Layout<'a> {
    pub(super) m: &'a Metrics<'a>,
    pub(super) xs: Vec<f64>,
    pub(super) ws: Vec<f64>,
    pub(super) signing: bool,
}

impl Layout<'_> {
    pub(super) fn cell(
        &self,
        from: usize,
        to: usize,
        text: &str,
        place: Place,
        indent: u8,
        bold: bool,
    ) -> Laid {
        let x = self.xs[from];
        let w: f64 = self.ws[from..=to].iter().sum();
        let indent = f64::from(indent) * INDENT_UNITS * UNIT_PT;
        let room = (w - 2.0 * PAD_X - indent).max(BODY_PT);
        Laid {
            x,
            w,
            lines: self.m.wrap(text, room, BODY_PT),
            place,
            indent,
            bold,
        }
    }

    pub(super) fn row(&self, cells: Vec<Laid>, boxed: bool) -> LaidRow {
        let mut row = LaidRow {
            cells,
            height: 0.0,
            boxed,
            signing: self.signing && boxed,
            leads: false,
        };
        row.height = LaidRow::height_for(row.lines(), row.signing);
        row
    }

    /// The header row.
    pub(super) fn header(&self, doc: &Document) -> LaidRow {
        self.row(
            doc.columns
                .iter()
                .enumerate()
                .map(|(i, c)| self.cell(i, i, &c.header, Place::Center, 0, true))
                .collect(),
            true,
        )
    }

    /// One of `doc`'s rows laid out across the page's width (a total sums `doc`'s body).
    pub(super) fn lay(&self, doc: &Document, row: &Row) -> LaidRow {
        let n = self.ws.len();
        match row {
            Row::Body(cells) => {
                let laid = doc
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let cell = cells.get(i);
                        let text = cell.map(|c| c.value.shown()).unwrap_or_default();
                        let place = match cell.map(|c| &c.value) {
                            Some(v) if !v.is_number() && column.align == Align::Number => {
                                Place::Center
                            }
                            _ => place_of(column.align),
                        };
                        self.cell(
                            i,
                            i,
                            &text,
                            place,
                            cell.map_or(0, |c| c.indent),
                            cell.is_some_and(|c| c.bold),
                        )
                    })
                    .collect();
                self.row(laid, true)
            }
            Row::Total { label, span, sums } => {
                let span = (*span).clamp(1, n);
                let mut cells = vec![self.cell(0, span - 1, label, Place::Center, 0, true)];
                for col in span..n {
                    let text = if sums.contains(&col) {
                        doc.sum(col).to_string()
                    } else {
                        String::new()
                    };
                    cells.push(self.cell(col, col, &text, Place::Right, 0, true));
                }
                self.unsigned(self.row(cells, true))
            }
            Row::Section(label) => {
                let row = self.row(vec![self.cell(0, n - 1, label, Place::Left, 0, true)], true);
                LaidRow {
                    leads: true,
                    ..self.unsigned(row)
                }
            }
        }
    }

    /// A note under the table, across it, unboxed.
    pub(super) fn note(&self, note: &str) -> LaidRow {
        let last = self.ws.len() - 1;
        self.row(vec![self.cell(0, last, note, Place::Left, 0, false)], false)
    }

    /// A row of a signing sheet that is not signed in (a total, a section): text-tall.
    fn unsigned(&self, mut row: LaidRow) -> LaidRow {
        row.signing = false;
        row.height = LaidRow::height_for(row.lines(), false);
        row
    }
}

fn place_of(align: Align) -> Place {
    match align {
        Align::Text => Place::Left,
        Align::Center => Place::Center,
        Align::Number => Place::Right,
    }
}

/// Rows put on pages as they come: a row that does not fit starts the next page, and a row
/// taller than a page (or the first of a page that does not fit) goes on over the next. Each
/// page is handed on as it is filled, so a long document's pages are never all held.
pub(super) struct Pager {
    room: f64,
    page: Vec<LaidRow>,
    used: f64,
    pages: usize,
}

impl Pager {
    pub(super) fn new(room: f64) -> Pager {
        Pager {
            room,
            page: Vec::new(),
            used: 0.0,
            pages: 0,
        }
    }

    /// Puts `row` on the pages; `full` gets each page it fills. A row moved whole to a new page
    /// takes with it a block's line left just above it, or else is put there as `reopened` has
    /// it, if it has it otherwise (its group said again: a block's line, an enterprise's cells).
    pub(super) fn push(
        &mut self,
        row: LaidRow,
        reopened: impl FnOnce() -> Vec<LaidRow>,
        full: &mut impl FnMut(Vec<LaidRow>) -> Result<()>,
    ) -> Result<()> {
        let mut reopened = Some(reopened);
        let mut next = VecDeque::from([row]);
        while let Some(row) = next.pop_front() {
            if self.used + row.height <= self.room + 0.01 {
                self.used += row.height;
                self.page.push(row);
                continue;
            }
            let fit = ((self.room - self.used - 2.0 * PAD_Y) / LINE).floor();
            if fit >= 1.0 && (self.page.is_empty() || row.height > self.room) && !row.signing {
                let (head, tail) = row.split(fit as usize);
                self.page.push(head);
                next.push_front(tail);
            } else if self.page.is_empty() {
                // Not even one line fits under the page's furniture: the row is drawn anyway.
                self.page.push(row);
            } else if self.page.len() > 1 && self.page.last().is_some_and(|r| r.leads) {
                // The block's line goes over with its first row, which it says what it is.
                next.push_front(row);
                if let Some(lead) = self.page.pop() {
                    next.push_front(lead);
                }
                reopened = None;
            } else {
                let again = reopened.take().map(|f| f()).unwrap_or_default();
                if again.is_empty() {
                    next.push_front(row);
                } else {
                    for laid in again.into_iter().rev() {
                        next.push_front(laid);
                    }
                }
            }
            self.pages += 1;
            full(std::mem::take(&mut self.page))?;
            self.used = 0.0;
        }
        Ok(())
    }

    /// The last page, if it has rows or is the only one.
    pub(super) fn finish(self, full: &mut impl FnMut(Vec<LaidRow>) -> Result<()>) -> Result<()> {
        if !self.page.is_empty() || self.pages == 0 {
            full(self.page)?;
        }
        Ok(())
    }
}

/// The group a row is in, for a page that opens partway through it: the block's line
/// (`Row::Section`) above it, and the carried cells (`Column::carried`) of the last row that had
/// any.
pub(super) struct Carry {
    columns: Vec<usize>,
    head: Option<Vec<Cell>>,
    block: Option<String>,
}

impl Carry {
    pub(super) fn new(doc: &Document) -> Carry {
        Carry {
            columns: (0..doc.columns.len())
                .filter(|&i| doc.columns[i].carried)
                .collect(),
            head: None,
            block: None,
        }
    }

    /// Takes note of `row`: a block's line or a total ends what came before, and a body row with
    /// carried cells begins a group.
    pub(super) fn note(&mut self, row: &Row) {
        match row {
            Row::Section(label) => {
                self.block = Some(label.clone());
                self.head = None;
            }
            Row::Total { .. } => {
                self.block = None;
                self.head = None;
            }
            Row::Body(cells) if !self.goes_on(cells) => {
                let cell = |&i: &usize| cells.get(i).cloned().unwrap_or(Value::Empty.into());
                self.head = Some(self.columns.iter().map(cell).collect());
            }
            Row::Body(_) => {}
        }
    }

    /// Whether a body row's carried cells are all empty: it goes on the group above.
    fn goes_on(&self, cells: &[Cell]) -> bool {
        self.columns
            .iter()
            .all(|&i| cells.get(i).is_none_or(|c| c.value == Value::Empty))
    }

    /// What a page opening with `row` (noted last) shows instead, if it lies in a block or goes
    /// on a group: the block's line and the row with the group's cells said again, each marked
    /// as continued. Empty when the row is a group of its own. Built only when a row moves to a
    /// new page, not for every row.
    pub(super) fn reopened(&self, row: &Row) -> Vec<Row> {
        let Row::Body(cells) = row else {
            return Vec::new();
        };
        let mut again: Vec<Row> = self
            .block
            .iter()
            .map(|block| Row::Section(continued(block)))
            .collect();
        let head = match &self.head {
            Some(head) if self.goes_on(cells) => head,
            _ => {
                if !again.is_empty() {
                    again.push(row.clone());
                }
                return again;
            }
        };
        let mut cells = cells.clone();
        let wide = self.columns.last().map_or(0, |l| l + 1);
        cells.resize(cells.len().max(wide), Value::Empty.into());
        for (&i, cell) in self.columns.iter().zip(head) {
            cells[i] = match &cell.value {
                Value::Text(text) => Cell {
                    value: Value::Text(continued(text)),
                    ..cell.clone()
                },
                _ => cell.clone(),
            };
        }
        again.push(Row::Body(cells));
        again
    }
}

fn continued(text: &str) -> String {
    tf("cli.report.continued", &[("text", &text)])
}

/// What each column's cells need on one line, measured in the font: a number or a date whole,
/// a short centred value word by word; wrapping text needs nothing here.
pub(super) fn unbreakable<'r>(
    doc: &Document,
    rows: impl Iterator<Item = Result<Cow<'r, Row>>>,
    m: &Metrics,
) -> Result<Vec<f64>> {
    let mut least = vec![0.0f64; doc.columns.len()];
    for row in rows {
        let row = row?;
        let Row::Body(cells) = row.as_ref() else {
            continue;
        };
        for ((cell, column), need) in cells.iter().zip(&doc.columns).zip(least.iter_mut()) {
            let text = cell.value.shown();
            let width = match (&cell.value, column.align) {
                (Value::Text(_), Align::Text | Align::Number) | (Value::Empty, _) => 0.0,
                (Value::Text(_), Align::Center) => text
                    .split_whitespace()
                    .map(|w| m.width(w, BODY_PT))
                    .fold(0.0, f64::max),
                _ => m.width(&text, BODY_PT),
            };
            *need = need.max(width + 2.0 * PAD_X + 1.0);
        }
    }
    Ok(least)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(lines: usize) -> LaidRow {
        LaidRow {
            cells: vec![Laid {
                x: 0.0,
                w: 10.0,
                lines: (0..lines).map(|i| i.to_string()).collect(),
                place: Place::Left,
                indent: 0.0,
                bold: false,
            }],
            height: LaidRow::height_for(lines, false),
            boxed: true,
            signing: false,
            leads: false,
        }
    }

    fn paginate(rows: Vec<LaidRow>, room: f64) -> Vec<Vec<LaidRow>> {
        let mut pages = Vec::new();
        let mut pager = Pager::new(room);
        let mut full = |page| {
            pages.push(page);
            Ok(())
        };
        for row in rows {
            pager.push(row, Vec::new, &mut full).unwrap();
        }
        pager.finish(&mut full).unwrap();
        pages
    }

    /// What a page opening with `row` would show, `row` noted as the pages are laid.
    fn noted(carry: &mut Carry, row: &Row) -> Vec<Row> {
        carry.note(row);
        carry.reopened(row)
    }

    #[test]
    fn a_row_going_on_a_group_is_reopened_with_the_groups_cells_and_nothing_else_is() {
        use crate::sheets::doc::Column;
        let doc_of = |columns: Vec<Column>| Document {
            sheet: "表".into(),
            title: "t".into(),
            line: "l".into(),
            columns,
            rows: Vec::new(),
            notes: Vec::new(),
            landscape: true,
            signing: false,
            maker: "m".into(),
            made: chrono::NaiveDate::MIN,
        };
        let doc = doc_of(vec![
            Column::new("序号", Align::Center).carried(),
            Column::new("企业", Align::Text).carried(),
            Column::new("联系人", Align::Text),
        ]);
        let body = |cells: [&str; 3]| {
            Row::Body(
                cells
                    .iter()
                    .map(|c| match *c {
                        "" => Cell::from(Value::Empty),
                        "1" => Cell::int(1),
                        text => Cell::text(text),
                    })
                    .collect(),
            )
        };
        let mut carry = Carry::new(&doc);
        assert_eq!(
            noted(&mut carry, &body(["", "", "张三"])),
            [],
            "no group yet"
        );
        assert_eq!(noted(&mut carry, &body(["1", "甲公司", "李四"])), []);
        let again = noted(&mut carry, &body(["", "", "王五"]));
        let [Row::Body(cells)] = again.as_slice() else {
            panic!("one body row: {again:?}")
        };
        assert_eq!(cells[0].value, Value::Int(1));
        assert_eq!(cells[1].value, Value::text(continued("甲公司")));
        assert_eq!(cells[2].value, Value::text("王五"));

        // In a block, its line is said again above the row, and a new block ends the group.
        assert_eq!(noted(&mut carry, &Row::Section("汉阳区".into())), []);
        let again = noted(&mut carry, &body(["", "", "赵六"]));
        assert_eq!(
            again,
            [Row::Section(continued("汉阳区")), body(["", "", "赵六"])]
        );
        let again = noted(&mut carry, &body(["1", "乙公司", "钱七"]));
        assert_eq!(again[0], Row::Section(continued("汉阳区")));
        assert_eq!(again[1], body(["1", "乙公司", "钱七"]));
        let total = Row::Total {
            label: "合计".into(),
            span: 1,
            sums: vec![],
        };
        assert_eq!(noted(&mut carry, &total), []);
        assert_eq!(
            noted(&mut carry, &body(["", "", "孙八"])),
            [],
            "a total ends it all"
        );

        let plain = doc_of(vec![Column::new("姓名", Align::Text)]);
        let mut carry = Carry::new(&plain);
        assert_eq!(noted(&mut carry, &Row::Body(vec![Cell::text("甲")])), []);
        assert_eq!(noted(&mut carry, &Row::Body(vec![Value::Empty.into()])), []);
    }

    #[test]
    fn a_blocks_line_goes_over_with_its_first_row() {
        let room = LaidRow::height_for(10, false);
        let lead = LaidRow {
            leads: true,
            ..row(1)
        };
        let pages = paginate(vec![row(5), row(3), lead, row(3)], room);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 2, "the line left the first page");
        assert!(pages[1][0].leads && pages[1].len() == 2);
        // A page of only the line keeps it: it is not moved on forever. A row taller than the
        // room under it starts under it, one that fits a page starts the next.
        let lead = || LaidRow {
            leads: true,
            ..row(1)
        };
        let pages = paginate(vec![lead(), row(12)], room);
        assert!(pages[0][0].leads && pages[0].len() == 2);
        let pages = paginate(vec![lead(), row(10)], room);
        assert_eq!(pages.len(), 2);
        assert!(pages[0][0].leads && pages[0].len() == 1 && !pages[1][0].leads);
    }

    #[test]
    fn rows_fill_pages_and_a_tall_row_goes_on_over_the_next() {
        let room = LaidRow::height_for(10, false);
        let pages = paginate(vec![row(4), row(4), row(4)], room);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].len(), 2);
        let pages = paginate(vec![row(25)], room);
        let lines: Vec<String> = pages
            .iter()
            .flatten()
            .flat_map(|r| r.cells[0].lines.clone())
            .collect();
        assert_eq!(lines.len(), 25, "every line is drawn once");
        assert!(pages.len() >= 3);
        for page in &pages {
            let used: f64 = page.iter().map(|r| r.height).sum();
            assert!(used <= room + 0.01, "{used} > {room}");
        }
    }
}
