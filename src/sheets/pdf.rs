//! A document as an A4 PDF written by the program itself: the same column widths as the
//! workbook, text wrapped by the embedded font's own widths so every row is exactly as tall as
//! its lines, the title, the line under it and the header on every page, and a footer with the
//! maker, "第 N 页 共 M 页" and the date. A row taller than a page goes on over the next one.

use std::cell::RefCell;
use std::collections::HashMap;

use color_eyre::eyre::{eyre, Result};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document as Pdf;
use ttf_parser::Face;

use super::doc::{document_date, Align, Document, Row, Value};
use super::font::PdfFont;
use super::layout::{
    self, column_widths, A4, BODY_PT, COLUMN_PAD_PT, INDENT_UNITS, MARGIN_BOTTOM_PT,
    MARGIN_SIDE_PT, MARGIN_TOP_PT, SIGNING_ROW_PT, TITLE_PT, UNIT_PT,
};
use crate::i18n::tf;

const PAD_X: f64 = 4.0;
const PAD_Y: f64 = 3.0;
const LINE: f64 = BODY_PT * 1.4;
/// A sign-in row's lines sit closer, so a wrapped enterprise name still leaves 25 rows a page.
const SIGNING_LINE: f64 = BODY_PT * 1.2;
const TITLE_LINE: f64 = TITLE_PT * 1.5;
const FOOTER_PT: f64 = 9.0;
/// The top of a Chinese character above its baseline, as a share of the font size (the
/// ideographic em box runs from 0.88 above to 0.12 below).
pub(super) const EM_TOP: f64 = 0.88;
const BORDER: f32 = 0.5;

/// Text widths from the font's own advances.
pub(super) struct Metrics<'a> {
    face: Face<'a>,
    per_em: f64,
    cache: RefCell<HashMap<char, f64>>,
}

impl<'a> Metrics<'a> {
    pub(super) fn new(face: Face<'a>) -> Metrics<'a> {
        Metrics {
            per_em: f64::from(face.units_per_em()),
            face,
            cache: RefCell::new(HashMap::new()),
        }
    }

    /// The width of `text` at `size` points.
    pub(super) fn width(&self, text: &str, size: f64) -> f64 {
        let mut cache = self.cache.borrow_mut();
        let units: f64 = text
            .chars()
            .map(|c| {
                *cache.entry(c).or_insert_with(|| {
                    let glyph = self.face.glyph_index(c).unwrap_or_default();
                    f64::from(self.face.glyph_hor_advance(glyph).unwrap_or(0))
                })
            })
            .sum();
        units / self.per_em * size
    }

    pub(super) fn wrap(&self, text: &str, width: f64, size: f64) -> Vec<String> {
        layout::wrap(text, width, &|t: &str| self.width(t, size))
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Place {
    Left,
    Center,
    Right,
}

/// A cell laid out: where it is across, its lines, how they sit.
#[derive(Clone)]
struct Laid {
    x: f64,
    w: f64,
    lines: Vec<String>,
    place: Place,
    indent: f64,
    bold: bool,
}

/// A row laid out: its cells, its height, whether it has borders.
#[derive(Clone)]
struct LaidRow {
    cells: Vec<Laid>,
    height: f64,
    boxed: bool,
    signing: bool,
}

impl LaidRow {
    fn lines(&self) -> usize {
        self.cells.iter().map(|c| c.lines.len()).max().unwrap_or(1)
    }

    fn height_for(lines: usize, signing: bool) -> f64 {
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

struct Layout<'a> {
    m: &'a Metrics<'a>,
    xs: Vec<f64>,
    ws: Vec<f64>,
    signing: bool,
}

impl Layout<'_> {
    fn cell(
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

    fn row(&self, cells: Vec<Laid>, boxed: bool) -> LaidRow {
        let mut row = LaidRow {
            cells,
            height: 0.0,
            boxed,
            signing: self.signing && boxed,
        };
        row.height = LaidRow::height_for(row.lines(), row.signing);
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

/// The document's rows laid out across the page's width.
fn lay_rows(doc: &Document, lay: &Layout) -> (LaidRow, Vec<LaidRow>) {
    let n = lay.ws.len();
    let last = n - 1;
    let header = lay.row(
        doc.columns
            .iter()
            .enumerate()
            .map(|(i, c)| lay.cell(i, i, &c.header, Place::Center, 0, true))
            .collect(),
        true,
    );
    let shown = doc.shown_rows();
    let mut rows = Vec::new();
    for (row, texts) in doc.rows.iter().zip(&shown) {
        let laid = match row {
            Row::Body(cells) => {
                let laid = doc
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, column)| {
                        let cell = cells.get(i);
                        let text = texts.get(i).map_or("", String::as_str);
                        let place = match cell.map(|c| &c.value) {
                            Some(v) if !v.is_number() && column.align == Align::Number => {
                                Place::Center
                            }
                            _ => place_of(column.align),
                        };
                        lay.cell(
                            i,
                            i,
                            text,
                            place,
                            cell.map_or(0, |c| c.indent),
                            cell.is_some_and(|c| c.bold),
                        )
                    })
                    .collect();
                lay.row(laid, true)
            }
            Row::Total { span, .. } => {
                let span = (*span).clamp(1, n);
                let mut cells = vec![lay.cell(0, span - 1, &texts[0], Place::Center, 0, true)];
                for col in span..n {
                    let text = texts.get(col).map_or("", String::as_str);
                    cells.push(lay.cell(col, col, text, Place::Right, 0, true));
                }
                let mut row = lay.row(cells, true);
                row.signing = false;
                row.height = LaidRow::height_for(row.lines(), false);
                row
            }
            Row::Section(label) => {
                let mut row = lay.row(vec![lay.cell(0, last, label, Place::Left, 0, true)], true);
                row.signing = false;
                row.height = LaidRow::height_for(row.lines(), false);
                row
            }
        };
        rows.push(laid);
    }
    for note in &doc.notes {
        rows.push(lay.row(vec![lay.cell(0, last, note, Place::Left, 0, false)], false));
    }
    (header, rows)
}

/// Rows in pages: each page takes what fits under the repeated title, line and header; a row
/// taller than what is left on an empty page is split between lines.
fn paginate(rows: Vec<LaidRow>, room: f64) -> Vec<Vec<LaidRow>> {
    let mut pages: Vec<Vec<LaidRow>> = Vec::new();
    let mut page: Vec<LaidRow> = Vec::new();
    let mut used = 0.0;
    let mut queue: std::collections::VecDeque<LaidRow> = rows.into();
    while let Some(row) = queue.pop_front() {
        if used + row.height <= room + 0.01 {
            used += row.height;
            page.push(row);
            continue;
        }
        let fit = ((room - used - 2.0 * PAD_Y) / LINE).floor();
        if fit >= 1.0 && (page.is_empty() || row.height > room) && !row.signing {
            let (head, tail) = row.split(fit as usize);
            page.push(head);
            queue.push_front(tail);
        } else if page.is_empty() {
            // Not even one line fits under the page's furniture: the row is drawn anyway.
            page.push(row);
        } else {
            queue.push_front(row);
        }
        pages.push(std::mem::take(&mut page));
        used = 0.0;
    }
    if !page.is_empty() || pages.is_empty() {
        pages.push(page);
    }
    pages
}

struct Painter<'a, 'b> {
    surface: &'a mut Surface<'b>,
    font: Font,
    m: &'a Metrics<'a>,
}

impl Painter<'_, '_> {
    fn text(&mut self, x: f64, top: f64, line: f64, size: f64, text: &str, bold: bool) {
        if text.is_empty() {
            return;
        }
        let baseline = top + (line - size) / 2.0 + EM_TOP * size;
        // Bold without a bold face: the outlines stroked a little.
        self.surface.set_stroke(bold.then(|| Stroke {
            width: (size / 40.0) as f32,
            ..Stroke::default()
        }));
        self.surface.set_fill(Some(Fill::default()));
        self.surface.draw_text(
            Point::from_xy(x as f32, baseline as f32),
            self.font.clone(),
            size as f32,
            text,
            false,
            TextDirection::Auto,
        );
        self.surface.set_stroke(None);
    }

    fn lines(&mut self, cell: &Laid, top: f64, height: f64, signing: bool) {
        let step = if signing { SIGNING_LINE } else { LINE };
        let block = cell.lines.len() as f64 * step;
        let mut y = top + (height - block) / 2.0;
        for line in &cell.lines {
            let w = self.m.width(line, BODY_PT);
            let x = match cell.place {
                Place::Left => cell.x + PAD_X + cell.indent,
                Place::Center => cell.x + (cell.w - w) / 2.0,
                Place::Right => cell.x + cell.w - PAD_X - w,
            };
            self.text(x, y, step, BODY_PT, line, cell.bold);
            y += step;
        }
    }

    fn row(&mut self, row: &LaidRow, top: f64) {
        for cell in &row.cells {
            self.lines(cell, top, row.height, row.signing);
        }
        if row.boxed {
            let mut path = PathBuilder::new();
            for cell in &row.cells {
                if let Some(rect) =
                    Rect::from_xywh(cell.x as f32, top as f32, cell.w as f32, row.height as f32)
                {
                    path.push_rect(rect);
                }
            }
            if let Some(path) = path.finish() {
                self.surface.set_fill(None);
                self.surface.set_stroke(Some(Stroke {
                    width: BORDER,
                    ..Stroke::default()
                }));
                self.surface.draw_path(&path);
                self.surface.set_stroke(None);
            }
        }
    }
}

/// What each column's cells need on one line, measured in the font: a number or a date whole,
/// a short centred value word by word; wrapping text needs nothing here.
fn unbreakable(doc: &Document, m: &Metrics) -> Vec<f64> {
    let mut least = vec![0.0f64; doc.columns.len()];
    for cells in doc.body() {
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
    least
}

/// `ws` with every column at least as wide as `least`, the room taken from the text columns.
fn widen(ws: &[f64], least: &[f64], doc: &Document) -> Vec<f64> {
    let mut out: Vec<f64> = ws.iter().zip(least).map(|(w, l)| w.max(*l)).collect();
    let extra: f64 = out.iter().sum::<f64>() - ws.iter().sum::<f64>();
    let texts: f64 = doc
        .columns
        .iter()
        .zip(&out)
        .filter(|(c, _)| c.align == Align::Text)
        .map(|(_, w)| w)
        .sum();
    if extra > 0.0 && texts > extra {
        for (w, c) in out.iter_mut().zip(&doc.columns) {
            if c.align == Align::Text {
                *w -= extra * *w / texts;
            }
        }
    }
    out
}

/// The documents as one PDF, set in `font`: each starts on a page of its own and numbers its
/// pages by itself, as separate tables handed in together.
pub fn pdf_bytes(docs: &[Document], font: &PdfFont) -> Result<Vec<u8>> {
    let face = font
        .face()
        .ok_or_else(|| eyre!("{}: not a font", font.path.display()))?;
    let m = Metrics::new(face);
    let pdf_font = Font::new(font.data.clone().into(), font.index)
        .ok_or_else(|| eyre!("{}: not a font", font.path.display()))?;
    let mut pdf = Pdf::new();
    if let Some(first) = docs.first() {
        pdf.set_metadata(
            Metadata::new()
                .title(first.title.clone())
                .authors(vec![first.maker.clone()])
                .creator("peixun".into())
                .language("zh-CN".into()),
        );
    }
    for doc in docs {
        pages(&mut pdf, doc, &m, &pdf_font)?;
    }
    pdf.finish().map_err(|e| eyre!("PDF: {e:?}"))
}

/// Draws `doc`'s pages into `pdf`.
fn pages(pdf: &mut Pdf, doc: &Document, m: &Metrics, pdf_font: &Font) -> Result<()> {
    let (page_w, page_h) = if doc.landscape { (A4.1, A4.0) } else { A4 };
    let usable = page_w - 2.0 * MARGIN_SIDE_PT;
    let units = column_widths(doc);
    let natural: Vec<f64> = units.iter().map(|u| u * UNIT_PT + COLUMN_PAD_PT).collect();
    let scale = usable / natural.iter().sum::<f64>().max(1.0);
    let ws: Vec<f64> = natural.iter().map(|w| w * scale).collect();
    let ws = widen(&ws, &unbreakable(doc, m), doc);
    let xs: Vec<f64> = ws
        .iter()
        .scan(MARGIN_SIDE_PT, |x, w| {
            let at = *x;
            *x += w;
            Some(at)
        })
        .collect();
    let lay = Layout {
        m,
        xs,
        ws,
        signing: doc.signing,
    };
    let (header, rows) = lay_rows(doc, &lay);
    let title = m.wrap(&doc.title, usable, TITLE_PT);
    let line = m.wrap(&doc.line, usable, BODY_PT);
    let furniture =
        title.len() as f64 * TITLE_LINE + line.len() as f64 * LINE + PAD_Y + header.height;
    let bottom = page_h - MARGIN_BOTTOM_PT;
    let pages = paginate(rows, bottom - MARGIN_TOP_PT - furniture);
    let count = pages.len();
    let size =
        PageSettings::from_wh(page_w as f32, page_h as f32).ok_or_else(|| eyre!("page size"))?;
    for (number, page_rows) in pages.iter().enumerate() {
        let mut page = pdf.start_page_with(size.clone());
        let mut surface = page.surface();
        let mut p = Painter {
            surface: &mut surface,
            font: pdf_font.clone(),
            m,
        };
        let mut y = MARGIN_TOP_PT;
        for t in &title {
            let x = (page_w - m.width(t, TITLE_PT)) / 2.0;
            p.text(x, y, TITLE_LINE, TITLE_PT, t, true);
            y += TITLE_LINE;
        }
        for l in &line {
            p.text(MARGIN_SIDE_PT, y, LINE, BODY_PT, l, false);
            y += LINE;
        }
        y += PAD_Y;
        p.row(&header, y);
        y += header.height;
        for row in page_rows {
            p.row(row, y);
            y += row.height;
        }
        let foot = page_h - MARGIN_BOTTOM_PT / 2.0 - FOOTER_PT;
        let maker = tf("cli.report.footer_maker", &[("office", &doc.maker)]);
        p.text(
            MARGIN_SIDE_PT,
            foot,
            FOOTER_PT * 1.4,
            FOOTER_PT,
            &maker,
            false,
        );
        let page_no = tf(
            "cli.report.footer_page",
            &[("page", &(number + 1)), ("pages", &count)],
        );
        let x = (page_w - m.width(&page_no, FOOTER_PT)) / 2.0;
        p.text(x, foot, FOOTER_PT * 1.4, FOOTER_PT, &page_no, false);
        let made = tf(
            "cli.report.footer_made",
            &[("date", &document_date(doc.made))],
        );
        let x = page_w - MARGIN_SIDE_PT - m.width(&made, FOOTER_PT);
        p.text(x, foot, FOOTER_PT * 1.4, FOOTER_PT, &made, false);
        surface.finish();
        page.finish();
    }
    Ok(())
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
        }
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
