//! Row heights put into a saved workbook as it is copied to its file. rust_xlsxwriter's sheet of
//! constant memory keeps every row height it is given, with a whole format's room, until the
//! workbook is saved: 95 MB for everyone's call list at ten times the province, where half the
//! rows wrap. A long sheet is saved without them; its XML is then copied a tag at a time and
//! each row that needs a height gets it, as rust_xlsxwriter would have written it. The other
//! parts of the workbook are copied as they are, still compressed.

use std::io::{BufRead, BufReader, Read, Seek, Write};

use color_eyre::eyre::{eyre, Result};
use zip::{ZipArchive, ZipWriter};

use super::zip_out::{bare, ZipOut};

/// The first sheet's part, the one a long document is written to.
const SHEET: &str = "xl/worksheets/sheet1.xml";

/// Heights of rows, by row from the top (0 is the first), in the order the rows are written. A
/// height is a whole number of points, so an `f32` writes it as rust_xlsxwriter's `f64`
/// would.
#[derive(Default)]
pub(super) struct RowHeights(Vec<(u32, f32)>);

impl RowHeights {
    pub(super) fn push(&mut self, row: u32, height: f64) {
        self.0.push((row, height as f32));
    }
}

/// The workbook `saved` with `heights` given to its first sheet's rows, written to `out`. A
/// write that fails is said as the plain I/O error, so the caller can name the file.
pub(super) fn with_heights<R, W>(saved: R, out: W, heights: &RowHeights) -> Result<W>
where
    R: Read + Seek,
    W: Write + Seek,
{
    let mut book = ZipArchive::new(saved).map_err(bare)?;
    if book.index_for_name(SHEET).is_none() {
        return Err(eyre!("xlsx: the saved workbook has no {SHEET}"));
    }
    let mut copy = ZipWriter::new(ZipOut::new(out));
    for i in 0..book.len() {
        let entry = book.by_index_raw(i).map_err(bare)?;
        if entry.name() == SHEET {
            // As rust_xlsxwriter wrote it: its method, mode and date.
            let options = entry.options();
            drop(entry);
            copy.start_file(SHEET, options).map_err(bare)?;
            let sheet = BufReader::new(book.by_index(i).map_err(bare)?);
            heightened(sheet, &mut copy, heights)?;
        } else {
            copy.raw_copy_file(entry).map_err(bare)?;
        }
    }
    Ok(copy.finish().map_err(bare)?.into_inner())
}

/// The sheet's XML from `sheet` to `out`, a `ht` and `customHeight` added to each row `heights`
/// names. Rows come in order, so the heights are walked once. The XML is read a tag at a time,
/// to each `>`: rust_xlsxwriter writes `<` and `>` escaped in text and attributes alike.
fn heightened(mut sheet: impl BufRead, out: &mut impl Write, heights: &RowHeights) -> Result<()> {
    let mut next = heights.0.iter().peekable();
    let mut tag = Vec::new();
    loop {
        tag.clear();
        if sheet.read_until(b'>', &mut tag)? == 0 {
            break;
        }
        let row = row_number(&tag);
        match (row, next.peek()) {
            (Some(r), Some(&&(wanted, height))) if r == wanted + 1 => {
                next.next();
                write_row_tag(&tag, height, out)?;
            }
            _ => out.write_all(&tag)?,
        }
    }
    match next.next() {
        Some((row, _)) => Err(eyre!("xlsx: row {} was not in the sheet", row + 1)),
        None => Ok(()),
    }
}

/// `piece`, which ends in a row's start tag, with the row `height` points tall: the sheet's
/// default height the row was written with is replaced, or a height is added.
fn write_row_tag(piece: &[u8], height: f32, out: &mut impl Write) -> Result<()> {
    let start = piece.iter().rposition(|b| *b == b'<').unwrap_or(0);
    let attribute = b" ht=\"";
    let given = piece[start..]
        .windows(attribute.len())
        .position(|w| w == attribute);
    if let Some(at) = given {
        let value = start + at + attribute.len();
        let end = value + piece[value..].iter().position(|b| *b == b'"').unwrap_or(0);
        out.write_all(&piece[..value])?;
        write!(out, "{height}")?;
        out.write_all(&piece[end..])?;
    } else {
        let close = if piece.ends_with(b"/>") { 2 } else { 1 };
        let (open, close) = piece.split_at(piece.len() - close);
        out.write_all(open)?;
        write!(out, r#" ht="{height}" customHeight="1""#)?;
        out.write_all(close)?;
    }
    Ok(())
}

/// The number in `r="…"` when `piece` ends in a row's start tag.
fn row_number(piece: &[u8]) -> Option<u32> {
    let start = piece.iter().rposition(|b| *b == b'<')?;
    let tag = piece[start..].strip_prefix(b"<row ")?;
    let at = tag.windows(3).position(|w| w == b"r=\"")? + 3;
    let digits = &tag[at..];
    let len = digits.iter().position(|b| *b == b'"')?;
    std::str::from_utf8(&digits[..len]).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heights(rows: &[(u32, f64)]) -> RowHeights {
        let mut h = RowHeights::default();
        for (row, height) in rows {
            h.push(*row, *height);
        }
        h
    }

    #[test]
    fn each_named_row_gets_its_height_and_nothing_else_changes() {
        let xml = r#"<sheetData><row r="1" spans="1:3"><c r="A1" t="inlineStr"><is><t>a &gt; b</t></is></c></row><row r="2" spans="1:3"/><row r="3" spans="1:3" ht="20" customHeight="1"><c r="A3"/></row><row r="4" ht="20" customHeight="1"/></sheetData>"#;
        let mut out = Vec::new();
        let wanted = heights(&[(0, 30.0), (1, 22.5), (2, 36.0)]);
        heightened(xml.as_bytes(), &mut out, &wanted).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            xml.replace(
                r#"<row r="1" spans="1:3">"#,
                r#"<row r="1" spans="1:3" ht="30" customHeight="1">"#
            )
            .replace(
                r#"<row r="2" spans="1:3"/>"#,
                r#"<row r="2" spans="1:3" ht="22.5" customHeight="1"/>"#
            )
            .replace(
                r#"<row r="3" spans="1:3" ht="20""#,
                r#"<row r="3" spans="1:3" ht="36""#
            )
        );
    }

    #[test]
    fn a_height_for_a_row_the_sheet_lacks_is_an_error() {
        let xml = r#"<row r="1"><c r="A1"/></row>"#;
        let err = heightened(xml.as_bytes(), &mut Vec::new(), &heights(&[(4, 30.0)]));
        assert!(err.unwrap_err().to_string().contains("row 5"));
    }

    #[test]
    fn only_a_rows_start_tag_is_read_as_one() {
        assert_eq!(row_number(br#"<row r="12" spans="1:9">"#), Some(12));
        assert_eq!(row_number(br#"</c><row r="7">"#), Some(7));
        assert_eq!(row_number(br#"<c r="A1">"#), None);
        assert_eq!(row_number(br#"<rows r="1">"#), None);
        assert_eq!(row_number(b"</row>"), None);
    }
}
