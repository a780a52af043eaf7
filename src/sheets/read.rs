//! Reading what offices send: XLSX/XLS/ODS through calamine, CSV in UTF-8 (with or without BOM)
//! or GB18030/GBK, detected from the bytes. Every cell becomes text as a person would read it.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use color_eyre::eyre::Result;

use crate::error::user_error;
use crate::i18n::tf;

/// One sheet as rows of cell text, with the row number the spreadsheet shows for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub sheet: String,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// A number as a person typed it: 13800001234 not 1.38e10, 120 not 120.0.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e17 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| d.as_f64().to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// The largest spreadsheet read: a province's enrolment of 100,000 rows is about 10 MB.
const MAX_SHEET: u64 = 256 << 20;

fn is_csv(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"))
}

/// The sheet `wanted` (or the first) of a spreadsheet, or the table of a CSV file.
pub fn read(path: &Path, wanted: Option<&str>) -> Result<Grid> {
    if is_csv(path) {
        let bytes =
            crate::input_file::read(path, MAX_SHEET).map_err(|e| user_error(e.to_string()))?;
        return read_csv(&bytes, path);
    }
    // The workbook reader opens the file itself: only a regular file of a sane size gets there.
    crate::input_file::open(path, MAX_SHEET).map_err(|e| user_error(e.to_string()))?;
    let mut book = open_workbook_auto(path).map_err(|e| {
        user_error(tf(
            "cli.sheets.unreadable",
            &[("file", &path.display()), ("reason", &e)],
        ))
    })?;
    let names = book.sheet_names();
    let sheet = match wanted {
        Some(name) => names
            .iter()
            .find(|n| n.as_str() == name)
            .cloned()
            .ok_or_else(|| {
                user_error(tf(
                    "cli.sheets.no_sheet",
                    &[("sheet", &name), ("sheets", &names.join(", "))],
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| user_error(tf("cli.sheets.empty", &[("file", &path.display())])))?,
    };
    let range = book.worksheet_range(&sheet).map_err(|e| {
        user_error(tf(
            "cli.sheets.unreadable",
            &[("file", &path.display()), ("reason", &e)],
        ))
    })?;
    // The range starts at its first non-empty cell; row numbers count from the sheet's top.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_col = range.start().map_or(0, |(_, col)| col as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut text = vec![String::new(); first_col];
            text.extend(cells.iter().map(cell_text));
            (first_row + i + 1, text)
        })
        .collect();
    Ok(Grid { sheet, rows })
}

/// UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030, which also reads GBK.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

/// Line ends in any of the conventions spreadsheets write: \n, \r\n, or a lone \r (old Macs).
fn line_breaks(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

pub fn read_csv(bytes: &[u8], path: &Path) -> Result<Grid> {
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    // The reader skips blank lines, so lines are counted from each record's byte offset,
    // carrying on from the previous record.
    let (mut counted_to, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| {
            user_error(tf(
                "cli.sheets.bad_csv",
                &[("file", &path.display()), ("row", &line), ("reason", &e)],
            ))
        })?;
        // A record's position is where the previous one ended, before any blank lines.
        let mut offset = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
            offset += 1;
        }
        line += line_breaks(&bytes[counted_to.min(offset)..offset]);
        counted_to = offset;
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    Ok(Grid {
        sheet: String::new(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever bytes arrive, reading gives rows or a message, with row numbers that only
        /// grow and never pass the file's line count.
        #[test]
        fn any_bytes_read_without_panicking(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            if let Ok(grid) = read_csv(&bytes, Path::new("x.csv")) {
                let lines = line_breaks(decode(&bytes).as_bytes()) + 1;
                let numbers: Vec<usize> = grid.rows.iter().map(|(n, _)| *n).collect();
                proptest::prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
                proptest::prop_assert!(numbers.iter().all(|n| *n <= lines + 1));
                let _ = super::super::import::header::find(&grid.rows, &super::super::people::SCHEMA);
            }
        }
    }

    #[test]
    fn old_mac_line_ends_number_rows_too() {
        let grid = read_csv(b"\x00\r\x00\r\rname,phone", Path::new("x.csv")).unwrap();
        let numbers: Vec<usize> = grid.rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [1, 2, 4]);
    }

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(13800001234.0), "13800001234");
        assert_eq!(number_text(1.5), "1.5");
    }

    #[test]
    fn encodings_are_detected() {
        let text = "姓名,手机\n张三,13800001234\n";
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(decode(&gb), text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom), text);
        // A rare character GBK lacks survives GB18030.
        let (rare, _, _) = encoding_rs::GB18030.encode("𠮷");
        assert_eq!(decode(&rare), "𠮷");
    }
}
