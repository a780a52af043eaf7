//! A document as an A4 PDF written by the program itself: the same column widths as the
//! workbook, text wrapped by the embedded font's own widths so every row is exactly as tall as
//! its lines, the title, the line under it and the header on every page, and a footer with the
//! maker, "第 N 页 共 M 页" and the date. A row taller than a page goes on over the next one.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;

use color_eyre::eyre::{eyre, Result};
use ttf_parser::Face;

use super::doc::{document_date, Align, Document, Row};
use super::font::PdfFont;
use super::layout::{
    self, column_widths, A4, BODY_PT, COLUMN_PAD_PT, MARGIN_BOTTOM_PT, MARGIN_SIDE_PT,
    MARGIN_TOP_PT, TITLE_PT, UNIT_PT,
};
use super::long::WrittenDocument;
use super::pdf_file::{Canvas, Info, PdfFile};
use super::pdf_glyphs::glyph_drawn;
use super::pdf_rows::{unbreakable, Carry, Laid, LaidRow, Layout, Pager, Place};
use crate::i18n::tf;

pub(super) const PAD_X: f64 = 4.0;
pub(super) const PAD_Y: f64 = 3.0;
pub(super) const LINE: f64 = BODY_PT * 1.4;
/// A sign-in row's lines sit closer, so a wrapped enterprise name takes little more than a row
/// (25 rows to a page when none wraps, 23-24 with the demo's names).
pub(super) const SIGNING_LINE: f64 = BODY_PT * 1.2;
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
                    glyph_drawn(&self.face, c).map_or(0.0, |glyph| {
                        let glyph = ttf_parser::GlyphId(glyph);
                        f64::from(self.face.glyph_hor_advance(glyph).unwrap_or(0))
                    })
                })
            })
            .sum();
        units / self.per_em * size
    }

    pub(super) fn wrap(&self, text: &str, width: f64, size: f64) -> Vec<String> {
        layout::wrap(text, width, &|t: &str| self.width(t, size))
    }
}

struct Painter<'c, 'p, 'f> {
    canvas: &'c mut Canvas<'p, 'f>,
    m: &'c Metrics<'c>,
}

impl Painter<'_, '_, '_> {
    /// `text` centred in a line `line` tall whose top is `top`.
    fn text(&mut self, x: f64, top: f64, line: f64, size: f64, text: &str, bold: bool) {
        let baseline = top + (line - size) / 2.0 + EM_TOP * size;
        self.canvas.text(x, baseline, size, text, bold);
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
            let boxes: Vec<_> = row
                .cells
                .iter()
                .map(|cell| (cell.x, top, cell.w, row.height))
                .collect();
            self.canvas.boxes(&boxes, BORDER);
        }
    }
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
    drawn(font, docs.first(), Vec::new(), |pdf, m| {
        for doc in docs {
            let rows = || doc.rows.iter().map(|r| Ok(Cow::Borrowed(r)));
            pages(pdf, doc, &column_widths(doc), &rows, m)?;
        }
        Ok(())
    })
}

/// A long document as a PDF written to `out` page by page, its rows read from its scratch file
/// as each page is drawn.
pub fn pdf_long<W: Write>(doc: &WrittenDocument, font: &PdfFont, out: W) -> Result<W> {
    drawn(font, Some(&doc.frame), out, |pdf, m| {
        let rows = || doc.rows().map(|cells| Ok(Cow::Owned(Row::Body(cells?))));
        pages(pdf, &doc.frame, doc.widths(), &rows, m)
    })
}

/// The PDF `draw` makes in `font`, written to `out`, titled and authored as `first` says.
fn drawn<W: Write>(
    font: &PdfFont,
    first: Option<&Document>,
    out: W,
    draw: impl FnOnce(&mut PdfFile<W>, &Metrics) -> Result<()>,
) -> Result<W> {
    let face = font
        .face()
        .ok_or_else(|| eyre!("{}: not a font", font.path.display()))?;
    let m = Metrics::new(face);
    let mut pdf = PdfFile::new(out, font)?;
    draw(&mut pdf, &m)?;
    pdf.finish(&Info {
        title: first.map_or("", |d| &d.title),
        author: first.map_or("", |d| &d.maker),
    })
}

/// Draws `doc`'s pages into `pdf`, its columns `units` wide (fitted to the page), its rows read
/// by `rows` each time they are wanted: for what the font needs of each column, then laid out
/// once to count the pages and once more to draw them.
fn pages<'r, I, W: Write>(
    pdf: &mut PdfFile<W>,
    doc: &Document,
    units: &[f64],
    rows: &dyn Fn() -> I,
    m: &Metrics,
) -> Result<()>
where
    I: Iterator<Item = Result<Cow<'r, Row>>>,
{
    let (page_w, page_h) = if doc.landscape { (A4.1, A4.0) } else { A4 };
    let usable = page_w - 2.0 * MARGIN_SIDE_PT;
    let natural: Vec<f64> = units.iter().map(|u| u * UNIT_PT + COLUMN_PAD_PT).collect();
    let scale = usable / natural.iter().sum::<f64>().max(1.0);
    let ws: Vec<f64> = natural.iter().map(|w| w * scale).collect();
    let ws = widen(&ws, &unbreakable(doc, rows(), m)?, doc);
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
    let header = lay.header(doc);
    let title = m.wrap(&doc.title, usable, TITLE_PT);
    let line = m.wrap(&doc.line, usable, BODY_PT);
    let above_rows =
        title.len() as f64 * TITLE_LINE + line.len() as f64 * LINE + PAD_Y + header.height;
    let room = page_h - MARGIN_BOTTOM_PT - MARGIN_TOP_PT - above_rows;
    let put_on_pages = |full: &mut dyn FnMut(Vec<LaidRow>) -> Result<()>| -> Result<()> {
        let mut full = |page| full(page);
        let mut pager = Pager::new(room);
        let mut carry = Carry::new(doc);
        for row in rows() {
            let row = row?;
            let row = row.as_ref();
            carry.note(row);
            let reopened = || {
                let again = carry.reopened(row);
                again.iter().map(|r| lay.lay(doc, r)).collect()
            };
            pager.push(lay.lay(doc, row), reopened, &mut full)?;
        }
        for note in &doc.notes {
            pager.push(lay.note(note), Vec::new, &mut full)?;
        }
        pager.finish(&mut full)
    };
    let mut count: usize = 0;
    put_on_pages(&mut |_| {
        count += 1;
        Ok(())
    })?;
    let furniture = Furniture {
        doc,
        title,
        line,
        header,
        page_w,
        page_h,
    };
    let mut number = 0;
    put_on_pages(&mut |page_rows| {
        number += 1;
        pdf.page(page_w, page_h, |canvas| {
            paint_page(canvas, m, &page_rows, number, count, &furniture);
        })
    })
}

/// What every page of a document carries besides its rows.
struct Furniture<'a> {
    doc: &'a Document,
    title: Vec<String>,
    line: Vec<String>,
    header: LaidRow,
    page_w: f64,
    page_h: f64,
}

/// Draws one page: the title, the line under it, the header, `page_rows`, the footer.
fn paint_page(
    canvas: &mut Canvas,
    m: &Metrics,
    page_rows: &[LaidRow],
    number: usize,
    count: usize,
    f: &Furniture,
) {
    let (page_w, page_h) = (f.page_w, f.page_h);
    let mut p = Painter { canvas, m };
    let mut y = MARGIN_TOP_PT;
    for t in &f.title {
        let x = (page_w - m.width(t, TITLE_PT)) / 2.0;
        p.text(x, y, TITLE_LINE, TITLE_PT, t, true);
        y += TITLE_LINE;
    }
    for l in &f.line {
        p.text(MARGIN_SIDE_PT, y, LINE, BODY_PT, l, false);
        y += LINE;
    }
    y += PAD_Y;
    p.row(&f.header, y);
    y += f.header.height;
    for row in page_rows {
        p.row(row, y);
        y += row.height;
    }
    let foot = page_h - MARGIN_BOTTOM_PT / 2.0 - FOOTER_PT;
    let footer_line = FOOTER_PT * 1.4;
    let maker = tf("cli.report.footer_maker", &[("office", &f.doc.maker)]);
    p.text(MARGIN_SIDE_PT, foot, footer_line, FOOTER_PT, &maker, false);
    let page_no = tf(
        "cli.report.footer_page",
        &[("page", &number), ("pages", &count)],
    );
    let x = (page_w - m.width(&page_no, FOOTER_PT)) / 2.0;
    p.text(x, foot, footer_line, FOOTER_PT, &page_no, false);
    let made = tf(
        "cli.report.footer_made",
        &[("date", &document_date(f.doc.made))],
    );
    let x = page_w - MARGIN_SIDE_PT - m.width(&made, FOOTER_PT);
    p.text(x, foot, footer_line, FOOTER_PT, &made, false);
}
