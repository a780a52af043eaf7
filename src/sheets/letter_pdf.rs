//! A `Letter` as an A4 PDF in the layout of GB/T 9704 (党政机关公文格式), matching the .docx:
//! the margins, 三号 body text on a 28 pt line with the first line of a paragraph two characters
//! in, the title larger and centred, the 落款 to the right, and the page number at the foot. One
//! font is embedded, so the title and headings are drawn heavier rather than in another face.

use color_eyre::eyre::{eyre, Result};

use super::docx::signature_indents;
use super::font::PdfFont;
use super::layout::A4;
use super::notice::{Letter, Para};
use super::pdf::{Metrics, EM_TOP};
use super::pdf_file::{Canvas, Info, PdfFile};

const MM: f64 = 72.0 / 25.4;
const TOP: f64 = 37.0 * MM;
const BOTTOM: f64 = 35.0 * MM;
const LEFT: f64 = 28.0 * MM;
const RIGHT: f64 = 26.0 * MM;
/// 三号 and 二号.
const BODY: f64 = 16.0;
const TITLE: f64 = 22.0;
const LINE: f64 = 28.0;
const TITLE_LINE: f64 = 35.0;
/// 四号, for the page number.
const FOLIO: f64 = 14.0;

/// A line placed: where across, at what size, how heavy; its height on the page.
struct Placed {
    x: f64,
    text: String,
    size: f64,
    bold: bool,
    height: f64,
}

/// The letter's lines in reading order, each placed across the page.
fn place(letter: &Letter, m: &Metrics) -> Vec<Placed> {
    let width = A4.0 - LEFT - RIGHT;
    let mut out = Vec::new();
    let gap = |height| Placed {
        x: LEFT,
        text: String::new(),
        size: BODY,
        bold: false,
        height,
    };
    for line in m.wrap(&letter.title, width, TITLE) {
        out.push(Placed {
            x: (A4.0 - m.width(&line, TITLE)) / 2.0,
            text: line,
            size: TITLE,
            bold: true,
            height: TITLE_LINE,
        });
    }
    out.push(gap(LINE));
    let paragraph = |text: &str, first_indent: f64, bold: bool, out: &mut Vec<Placed>| {
        // The first line's indent is taken as the width of a word glued to the first
        // character, so the wrapping sees it without the font having to draw it.
        let marker = '\u{E000}';
        let measure = |t: &str| {
            let markers = t.chars().filter(|c| *c == marker).count() as f64;
            m.width(&t.replace(marker, ""), BODY) + markers * first_indent
        };
        let marked = format!("{marker}{text}");
        for line in super::layout::wrap(&marked, width, &measure) {
            let indent = if line.starts_with(marker) {
                first_indent
            } else {
                0.0
            };
            out.push(Placed {
                x: LEFT + indent,
                text: line.replace(marker, ""),
                size: BODY,
                bold,
                height: LINE,
            });
        }
    };
    paragraph(&letter.addressee, 0.0, false, &mut out);
    for para in &letter.body {
        match para {
            Para::Heading(text) => paragraph(text, 2.0 * BODY, true, &mut out),
            Para::Text(text) => paragraph(text, 2.0 * BODY, false, &mut out),
        }
    }
    out.push(gap(2.0 * LINE));
    for (line, indent) in letter
        .signature
        .iter()
        .zip(signature_indents(&letter.signature))
    {
        out.push(Placed {
            x: A4.0 - RIGHT - indent * BODY - m.width(line, BODY),
            text: line.clone(),
            size: BODY,
            bold: false,
            height: LINE,
        });
    }
    out
}

/// Lines in pages; the 落款 is kept on the page of the body's last line by starting it over
/// only when it does not fit whole.
fn paginate(lines: Vec<Placed>, signature: usize) -> Vec<Vec<Placed>> {
    let room = A4.1 - TOP - BOTTOM;
    let tail: f64 = lines.iter().rev().take(signature).map(|l| l.height).sum();
    let first_of_tail = lines.len().saturating_sub(signature);
    let mut pages = vec![Vec::new()];
    let mut used = 0.0;
    for (i, line) in lines.into_iter().enumerate() {
        let need = if i == first_of_tail {
            tail
        } else {
            line.height
        };
        let page_empty = pages.last().is_none_or(Vec::is_empty);
        if used + need > room + 0.01 && !page_empty {
            pages.push(Vec::new());
            used = 0.0;
        }
        used += line.height;
        if let Some(page) = pages.last_mut() {
            page.push(line);
        }
    }
    pages
}

/// `line` with its top `top` points down the page.
fn draw(canvas: &mut Canvas, x: f64, top: f64, line: &Placed) {
    let baseline = top + (line.height - line.size) / 2.0 + EM_TOP * line.size;
    canvas.text(x, baseline, line.size, &line.text, line.bold);
}

/// The letter as a PDF set in `font`.
pub fn pdf_bytes(letter: &Letter, font: &PdfFont) -> Result<Vec<u8>> {
    let face = font
        .face()
        .ok_or_else(|| eyre!("{}: not a font", font.path.display()))?;
    let m = Metrics::new(face);
    let mut pdf = PdfFile::new(Vec::new(), font)?;
    // The blank lines before the 落款 stay with it.
    let pages = paginate(place(letter, &m), letter.signature.len() + 1);
    for (number, lines) in pages.iter().enumerate() {
        pdf.page(A4.0, A4.1, |canvas| {
            let mut y = TOP;
            for line in lines {
                draw(canvas, line.x, y, line);
                y += line.height;
            }
            let folio = Placed {
                x: 0.0,
                size: FOLIO,
                bold: false,
                height: FOLIO,
                text: format!("— {} —", number + 1),
            };
            let x = (A4.0 - m.width(&folio.text, FOLIO)) / 2.0;
            draw(canvas, x, A4.1 - BOTTOM + 7.0 * MM, &folio);
        })?;
    }
    pdf.finish(&Info {
        title: &letter.title,
        author: letter.signature.first().map_or("", String::as_str),
    })
}
