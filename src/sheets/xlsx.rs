//! A document as an A4 workbook that prints right in Excel, WPS and LibreOffice: columns as wide
//! as their content, every row as tall as its wrapped text, the title rows repeated on every
//! page, "第 N 页 共 M 页" and the maker in the footer, numbers as numbers, dates as dates, and
//! the total as a formula.

use chrono::Datelike;
use rust_xlsxwriter::{
    column_number_to_name, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Formula, Workbook, Worksheet, XlsxError,
};

use std::borrow::Cow;
use std::io::{BufReader, Seek, Write};
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};

use super::doc::{document_date, Align, Cell, Document, Row, Value};
use super::layout::{self, column_widths, lines_in, lines_of, row_height, BODY_PT, TITLE_PT};
use super::long::{scratch_failed, WrittenDocument};
use super::xlsx_rows::{with_heights, RowHeights};
use super::zip_out::{bare, ZipOut};
use crate::error::{io_reason, user_error};
use crate::i18n::tf;

/// The font official documents use; programs without it fall back to their CJK font.
const FONT: &str = "宋体";
const DATE_FORMAT: &str = "yyyy\"年\"m\"月\"d\"日\"";

/// The documents' workbook, as bytes: a sheet for each, named by it.
pub fn xlsx_bytes(docs: &[Document]) -> Result<Vec<u8>> {
    scratch_possible(&std::env::temp_dir())?;
    let mut book = Workbook::new();
    if let Some(first) = docs.first() {
        book.set_properties(&properties(first));
    }
    for doc in docs {
        let sheet = book.add_worksheet();
        sheet.set_name(sheet_name(&doc.sheet))?;
        let widths = column_widths(doc);
        let mut heights = Heights::on_sheet(sheet);
        let rows = doc.rows.iter().map(|r| Ok(Cow::Borrowed(r)));
        write(sheet, doc, &widths, rows, &mut heights)?;
    }
    Ok(book.save_to_buffer()?)
}

/// A long document's workbook, written to `out`. Its rows go to the sheet's scratch file (in
/// the document's folder) as they are read, not held, and the workbook is saved to another
/// there, then copied to `out` with the rows' heights (`xlsx_rows`). rust_xlsxwriter panics
/// when its scratch file cannot be written, so the room it needs is looked for first.
pub fn xlsx_long<W: Write + Seek>(doc: &WrittenDocument, out: W) -> Result<W> {
    let need = room_needed(doc)?;
    let free = fs2::available_space(doc.dir())?;
    if free < need {
        let mb = |bytes: u64| bytes.div_ceil(1 << 20);
        return Err(user_error(tf(
            "cli.report.no_room",
            &[
                ("dir", &doc.dir().display()),
                ("free", &(free >> 20)),
                ("need", &mb(need)),
            ],
        )));
    }
    scratch_possible(&std::env::temp_dir())?;
    scratch_possible(doc.dir())?;
    let mut book = Workbook::new();
    book.set_tempdir(doc.dir())?;
    book.set_properties(&properties(&doc.frame));
    let sheet = book.add_worksheet_with_constant_memory();
    sheet.set_name(sheet_name(&doc.frame.sheet))?;
    let rows = doc.rows().map(|cells| Ok(Cow::Owned(Row::Body(cells?))));
    let mut heights = Heights::kept(sheet);
    let scratch = || scratch_failed(doc.dir());
    crate::caught::quietly_if(scratch_write_failed, || {
        write(sheet, &doc.frame, doc.widths(), rows, &mut heights)
    })
    .map_err(scratch_panic)
    .wrap_err_with(scratch)??;
    let kept = heights.kept.unwrap_or_default();
    let mut saved = tempfile::tempfile_in(doc.dir()).wrap_err_with(scratch)?;
    crate::caught::quietly_if(scratch_write_failed, || {
        book.save_to_writer(ZipOut::new(&mut saved))
    })
    .map_err(scratch_panic)
    .wrap_err_with(scratch)?
    .map_err(plain_io)
    .wrap_err_with(scratch)?;
    // Its scratch copy of the sheet, the largest of its files, goes before the copy is made.
    drop(book);
    saved.rewind().wrap_err_with(scratch)?;
    with_heights(BufReader::new(saved), out, &kept)
}

/// rust_xlsxwriter's message when it panics on a write to its scratch sheet.
const SCRATCH_WRITE_FAILED: &str = "Couldn't write to xml file";

/// Whether a panic is rust_xlsxwriter's on its scratch sheet: a write's `expect`, or the
/// `unwrap` of the flush as the sheet is read back; both carry the system's error.
fn scratch_write_failed(message: &str) -> bool {
    message.starts_with(SCRATCH_WRITE_FAILED)
        || message.starts_with("called `Result::unwrap()` on an `Err` value: Os {")
}

/// rust_xlsxwriter's panic when its scratch sheet cannot be written (the room is looked for
/// first, but another program may fill the disk meanwhile), as the I/O error it names.
fn scratch_panic(message: String) -> color_eyre::Report {
    let code = message
        .split_once("code: ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok());
    match code {
        Some(code) => std::io::Error::from_raw_os_error(code).into(),
        None => color_eyre::eyre::eyre!(message),
    }
}

/// `e` as the plain I/O error it is, if it is one, so a full disk is said as such.
fn plain_io(e: XlsxError) -> color_eyre::Report {
    match e {
        XlsxError::IoError(io) => io.into(),
        XlsxError::ZipError(zip) => bare(zip),
        other => other.into(),
    }
}

/// Whether a scratch file can be made in `dir`: rust_xlsxwriter makes one for every sheet
/// (in the system's temp folder, and a long document's in its own folder) and panics when it
/// cannot, so a folder that refuses is said first.
fn scratch_possible(dir: &Path) -> Result<()> {
    tempfile::tempfile_in(dir).map(drop).map_err(|e| {
        user_error(tf(
            "cli.report.scratch_refused",
            &[("dir", &dir.display()), ("reason", &io_reason(&e))],
        ))
    })
}

/// The room a long document's sheet takes as XML: each cell's tags, about 64 bytes, and its text
/// (twice the rows as kept, which hold it encoded), with a quarter more: for safety, and for the
/// saved workbook, compressed to about a tenth of its sheet.
pub(super) fn room_needed(doc: &WrittenDocument) -> Result<u64> {
    let cells = (doc.body_len() * doc.frame.columns.len()) as u64;
    let text = doc.scratch_len()? * 2;
    Ok((cells * 64 + text) * 5 / 4)
}

fn properties(doc: &Document) -> DocProperties {
    DocProperties::new()
        .set_title(&doc.title)
        .set_author(&doc.maker)
        .set_company(&doc.maker)
}

/// A sheet name Excel accepts: no []:*?/\ and at most 31 characters.
fn sheet_name(name: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if name.is_empty() {
        "Sheet1".into()
    } else {
        name
    }
}

fn base() -> Format {
    Format::new()
        .set_font_name(FONT)
        .set_font_size(BODY_PT)
        .set_align(FormatAlign::VerticalCenter)
}

fn boxed() -> Format {
    base().set_border(FormatBorder::Thin)
}

/// The format of one cell: its column's alignment, its value's number format, its indent.
fn cell_format(align: Align, cell: &Cell) -> Format {
    let mut format = match (align, &cell.value) {
        (_, Value::Date(_)) => boxed()
            .set_num_format(DATE_FORMAT)
            .set_align(FormatAlign::Center),
        (_, Value::DateWith(_, hours)) => boxed()
            .set_num_format(format!("{DATE_FORMAT}\" {}\"", hours.replace('"', "")))
            .set_align(FormatAlign::Center),
        (Align::Number, Value::Int(_)) => boxed().set_num_format("0").set_align(FormatAlign::Right),
        (Align::Number, _) => boxed().set_align(FormatAlign::Right).set_text_wrap(),
        (Align::Center, _) => boxed().set_align(FormatAlign::Center).set_text_wrap(),
        (Align::Text, _) => boxed().set_align(FormatAlign::Left).set_text_wrap(),
    };
    if cell.indent > 0 {
        format = format.set_indent(cell.indent);
    }
    if cell.bold {
        format = format.set_bold();
    }
    format
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    align: Align,
    cell: &Cell,
) -> Result<(), XlsxError> {
    let format = cell_format(align, cell);
    match &cell.value {
        Value::Text(text) => sheet.write_string_with_format(row, col, text, &format)?,
        Value::Int(n) => sheet.write_number_with_format(row, col, *n as f64, &format)?,
        Value::Tenths(t) => {
            sheet.write_number_with_format(row, col, f64::from(*t) / 10.0, &format)?
        }
        Value::Date(date) | Value::DateWith(date, _) => {
            let day = ExcelDateTime::from_ymd(
                u16::try_from(date.year()).unwrap_or(1900),
                date.month() as u8,
                date.day() as u8,
            )?;
            sheet.write_datetime_with_format(row, col, &day, &format)?
        }
        Value::Empty => sheet.write_blank(row, col, &format)?,
    };
    Ok(())
}

/// Footer text with Excel's codes: `&` itself is written twice.
fn footer_text(text: &str) -> String {
    text.replace('&', "&&")
}

/// `doc`'s title, line, header, `rows` and notes on `sheet`, in order (a sheet of constant
/// memory takes its rows only so), its columns `widths` wide.
fn write<'r>(
    sheet: &mut Worksheet,
    doc: &Document,
    widths: &[f64],
    rows: impl Iterator<Item = Result<Cow<'r, Row>>>,
    heights: &mut Heights,
) -> Result<()> {
    let n = widths.len().max(1);
    let last = (n - 1) as u16;
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    let all: f64 = widths.iter().sum();
    let title = base()
        .set_font_size(TITLE_PT)
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let title_lines =
        layout::wrap(&doc.title, all * BODY_PT / TITLE_PT - 2.0, &layout::units).len();
    heights.set(sheet, 0, title_lines as f64 * TITLE_PT * 1.5 + 8.0)?;
    merged(sheet, 0, last, &doc.title, &title)?;
    let line = base().set_align(FormatAlign::Left).set_text_wrap();
    heights.set(sheet, 1, row_height(lines_in(&doc.line, all, 0), false))?;
    merged(sheet, 1, last, &doc.line, &line)?;
    let head = boxed()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let head_lines = doc
        .columns
        .iter()
        .zip(widths)
        .map(|(column, width)| lines_in(&column.header, *width, 0))
        .fold(1, usize::max);
    heights.set(sheet, 2, row_height(head_lines, false))?;
    for (col, column) in doc.columns.iter().enumerate() {
        sheet.write_string_with_format(2, col as u16, &column.header, &head)?;
    }
    let first_body = 3u32;
    let mut r = first_body;
    let mut last_body = first_body;
    for row in rows {
        match row?.as_ref() {
            Row::Body(cells) => {
                let empty = Cell::from(Value::Empty);
                let cell = |col: usize| cells.get(col).unwrap_or(&empty);
                let lines = (0..doc.columns.len())
                    .map(|col| lines_in(&cell(col).value.shown(), widths[col], cell(col).indent))
                    .fold(1, usize::max);
                heights.set(sheet, r, row_height(lines, doc.signing))?;
                for (col, column) in doc.columns.iter().enumerate() {
                    write_cell(sheet, r, col as u16, column.align, cell(col))?;
                }
                last_body = r;
            }
            Row::Total { label, span, sums } => {
                heights.set(sheet, r, row_height(1, false))?;
                let label_format = boxed().set_bold().set_align(FormatAlign::Center);
                let span = (*span).clamp(1, n) as u16;
                if span > 1 {
                    sheet.merge_range(r, 0, r, span - 1, label, &label_format)?;
                } else {
                    sheet.write_string_with_format(r, 0, label, &label_format)?;
                }
                let figure = boxed()
                    .set_bold()
                    .set_num_format("0")
                    .set_align(FormatAlign::Right);
                for col in span..=last {
                    if sums.contains(&(col as usize)) {
                        let name = column_number_to_name(col);
                        let formula = Formula::new(format!(
                            "=SUM({name}{}:{name}{})",
                            first_body + 1,
                            last_body + 1
                        ))
                        .set_result(doc.sum(col as usize).to_string());
                        sheet.write_formula_with_format(r, col, formula, &figure)?;
                    } else {
                        sheet.write_blank(r, col, &boxed())?;
                    }
                }
            }
            Row::Section(label) => {
                heights.set(sheet, r, row_height(lines_in(label, all, 0), false))?;
                let format = boxed()
                    .set_bold()
                    .set_align(FormatAlign::Left)
                    .set_text_wrap();
                merged(sheet, r, last, label, &format)?;
            }
        }
        r += 1;
    }
    let note = base().set_align(FormatAlign::Left);
    for line in doc.notes.iter().flat_map(|text| lines_of(text, all, 0)) {
        merged(sheet, r, last, &line, &note)?;
        r += 1;
    }
    Ok(page_setup(sheet, doc)?)
}

/// Row heights: a row as tall as one line of body text has none of its own, as that is the
/// sheet's default. A held sheet is given the others; a sheet of constant memory would keep
/// each until it is saved (400,000 rows at ten times the province took 150 MB), so they are
/// kept aside, 8 bytes a row, and put in as the saved workbook is copied. The notes, last, are
/// written a line to a row: rust_xlsxwriter 0.90 writes a last row with a height of its own
/// twice (`flush_last_row`), which Excel takes for damage.
struct Heights {
    default: f64,
    kept: Option<RowHeights>,
}

impl Heights {
    fn on_sheet(sheet: &mut Worksheet) -> Heights {
        Heights::new(sheet, None)
    }

    fn kept(sheet: &mut Worksheet) -> Heights {
        Heights::new(sheet, Some(RowHeights::default()))
    }

    fn new(sheet: &mut Worksheet, kept: Option<RowHeights>) -> Heights {
        let default = row_height(1, false);
        sheet.set_default_row_height(default);
        Heights { default, kept }
    }

    /// Row `row` is `height` points tall; set before anything is written in it.
    fn set(&mut self, sheet: &mut Worksheet, row: u32, height: f64) -> Result<(), XlsxError> {
        if height == self.default {
            return Ok(());
        }
        match &mut self.kept {
            Some(kept) => kept.push(row, height),
            None => {
                sheet.set_row_height(row, height)?;
            }
        }
        Ok(())
    }
}

fn merged(
    sheet: &mut Worksheet,
    row: u32,
    last: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if last == 0 {
        sheet.write_string_with_format(row, 0, text, format)?;
    } else {
        sheet.merge_range(row, 0, row, last, text, format)?;
    }
    Ok(())
}

fn page_setup(sheet: &mut Worksheet, doc: &Document) -> Result<(), XlsxError> {
    sheet.set_paper_size(9);
    if doc.landscape {
        sheet.set_landscape();
    } else {
        sheet.set_portrait();
    }
    let inch = |pt: f64| pt / 72.0;
    sheet.set_margins(
        inch(layout::MARGIN_SIDE_PT),
        inch(layout::MARGIN_SIDE_PT),
        inch(layout::MARGIN_TOP_PT),
        inch(layout::MARGIN_BOTTOM_PT),
        0.3,
        0.3,
    );
    sheet.set_repeat_rows(0, 2)?;
    sheet.set_freeze_panes(3, 0)?;
    // The widths already fit the page; this only guards against a program that draws wider.
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    let font = format!("&\"{FONT},常规\"&9");
    sheet.set_footer(format!(
        "&L{font}{}&C{font}{}&R{font}{}",
        footer_text(&tf("cli.report.footer_maker", &[("office", &doc.maker)])),
        tf(
            "cli.report.footer_page",
            &[("page", &"&P"), ("pages", &"&N")]
        ),
        footer_text(&tf(
            "cli.report.footer_made",
            &[("date", &document_date(doc.made))]
        )),
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_what_excel_accepts() {
        assert_eq!(sheet_name("统计表"), "统计表");
        assert_eq!(sheet_name("a/b[c]"), "abc");
        assert_eq!(sheet_name(""), "Sheet1");
        assert_eq!(sheet_name(&"长".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn a_failed_scratch_write_is_said_as_its_io_error() {
        // As rust_xlsxwriter's `expect` says it: the message, then the error's Debug form.
        let full = format!(
            "{SCRATCH_WRITE_FAILED}: {:?}",
            std::io::Error::from_raw_os_error(28)
        );
        assert!(scratch_write_failed(&full));
        let flushed = format!(
            "called `Result::unwrap()` on an `Err` value: {:?}",
            std::io::Error::from_raw_os_error(28)
        );
        assert!(scratch_write_failed(&flushed));
        assert!(!scratch_write_failed("index out of bounds"));
        let said = scratch_panic(full);
        let io = said.downcast_ref::<std::io::Error>().unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::StorageFull);
        assert_eq!(
            io_reason(io),
            io_reason(&std::io::Error::from_raw_os_error(28))
        );
        let other = scratch_panic("index out of bounds".to_string());
        assert!(other.downcast_ref::<std::io::Error>().is_none());
        assert_eq!(other.to_string(), "index out of bounds");
    }

    #[test]
    fn footer_ampersands_are_doubled() {
        assert_eq!(footer_text("A&B"), "A&&B");
    }
}
