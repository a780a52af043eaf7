//! Reading what offices send: XLSX/XLS/ODS through calamine, CSV in UTF-8 (with or without BOM)
//! or GB18030/GBK, detected from the bytes. Every cell becomes text as a person would read it.
//! Rows are read in a thread of their own a few thousand ahead of the rules that check them;
//! CSV and XLSX are never held whole (XLS holds at most 65,536 rows; ODS and XLSB are read
//! whole).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use calamine::{open_workbook_auto, Data, DataRef, Reader, Sheets, XlsxError};
use color_eyre::eyre::{eyre, Result, WrapErr};

use super::csv_rows;
use crate::error::user_error;
use crate::i18n::tf;

/// One sheet as rows of cell text, with the row number the spreadsheet shows for each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub sheet: String,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// One row's number as the spreadsheet shows it, and its cells' text.
pub type NumberedRow = (usize, Vec<String>);

/// The rows of one sheet, read as they are asked for.
pub struct SheetRows<'a> {
    pub sheet: String,
    /// The file the rows come from, as messages name it (empty for rows made in memory).
    pub file: String,
    rows: Box<dyn Iterator<Item = Result<NumberedRow>> + 'a>,
}

/// How often a long sheet says how far it is.
const PROGRESS_EVERY: usize = 10_000;

impl<'a> SheetRows<'a> {
    pub fn new(
        sheet: String,
        rows: impl Iterator<Item = Result<NumberedRow>> + 'a,
    ) -> SheetRows<'a> {
        SheetRows {
            sheet,
            file: String::new(),
            rows: Box::new(rows),
        }
    }

    /// The same rows, telling `progress` how many have been read every 10,000.
    pub fn reporting(self, progress: &'a dyn Fn(usize)) -> SheetRows<'a> {
        let mut read = 0;
        SheetRows {
            sheet: self.sheet,
            file: self.file,
            rows: Box::new(self.rows.inspect(move |_| {
                read += 1;
                if read % PROGRESS_EVERY == 0 {
                    progress(read);
                }
            })),
        }
    }
}

impl Iterator for SheetRows<'_> {
    type Item = Result<NumberedRow>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

impl From<Grid> for SheetRows<'static> {
    fn from(grid: Grid) -> SheetRows<'static> {
        SheetRows::new(grid.sheet, grid.rows.into_iter().map(Ok))
    }
}

/// A number as a person typed it: 13800001234 not 1.38e10, 120 not 120.0.
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e17 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

fn cell_text(cell: Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s,
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| d.as_f64().to_string()),
        Data::Error(e) => e.to_string(),
    }
}

/// The largest spreadsheet read: a province's enrolment of 100,000 rows is about 10 MB.
const MAX_SHEET: u64 = 256 << 20;

/// Rows sent to the reading thread's caller at a time, and how many such batches wait at most.
const BATCH: usize = 256;
const BATCHES_AHEAD: usize = 16;

enum Message {
    Sheet(String),
    Rows(Vec<NumberedRow>),
    End,
}

/// The largest ODS or XLSB file taken: these are read whole, at about 20 times their size in
/// memory (a 6 MB ODS of 200,000 rows took 151 MB, a 1.9 MB one of 65,000 rows 67 MB).
const MAX_READ_WHOLE: u64 = 2 << 20;

/// ODS and XLSB files are read whole, known by their name or, when the name does not say, by
/// what their zip holds (an ODS `content.xml`, an XLSB `xl/workbook.bin`). XLSX is read a cell at
/// a time, and XLS holds at most 65,536 rows.
fn read_whole(path: &Path) -> std::io::Result<bool> {
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let is = |names: &[&str]| names.iter().any(|n| extension.eq_ignore_ascii_case(n));
    if is(&["ods", "xlsb"]) {
        return Ok(true);
    }
    if is(&["xlsx", "xlsm", "xlam", "xls", "xla"]) {
        return Ok(false);
    }
    // Only the zip's directory is read; a file that is no zip is left to the workbook reader.
    let Ok(archive) = zip::ZipArchive::new(std::fs::File::open(path)?) else {
        return Ok(false);
    };
    let names = archive
        .file_names()
        .any(|n| n == "content.xml" || n == "xl/workbook.bin");
    Ok(names)
}

/// `bytes` in MB to two places, rounded up: a file just over a cap never shows as the cap.
fn megabytes_rounded_up(bytes: u64) -> String {
    let hundredths = bytes.saturating_mul(100).div_ceil(1 << 20);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

fn is_csv(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"))
}

/// The sheet `wanted` (or the first) of a spreadsheet, or the table of a CSV file: its name
/// once it is found, then its rows as they are read.
pub fn read(path: &Path, wanted: Option<&str>) -> Result<SheetRows<'static>> {
    let (sender, receiver) = sync_channel(BATCHES_AHEAD);
    let lang = crate::i18n::lang();
    let owned = (path.to_path_buf(), wanted.map(str::to_string));
    let reader = std::thread::Builder::new()
        .name("sheet reader".into())
        .spawn(move || {
            let _lang = crate::i18n::speak_on_this_thread(lang);
            let (path, wanted) = owned;
            let mut out = Sender {
                sender,
                batch: Vec::new(),
            };
            if let Err(error) = read_into(&path, wanted.as_deref(), &mut out) {
                // Nobody is listening when the caller has stopped reading.
                let _ = out.sender.send(Err(error));
            }
        })
        .wrap_err("starting to read a sheet")?;
    match receiver.recv() {
        Ok(Ok(Message::Sheet(sheet))) => Ok(SheetRows {
            file: path.display().to_string(),
            ..SheetRows::new(sheet, received(receiver, reader, path.to_path_buf()))
        }),
        Ok(Err(error)) => Err(error),
        Ok(Ok(_)) | Err(_) => Err(stopped(reader, path)),
    }
}

/// Why the reading thread stopped without saying it was done: its panic, raised again here as
/// if the sheet had been read on this thread, or a message naming the file.
fn stopped(reader: JoinHandle<()>, path: &Path) -> color_eyre::Report {
    if let Err(panic) = reader.join() {
        std::panic::resume_unwind(panic);
    }
    user_error(tf("cli.sheets.stopped", &[("file", &path.display())]))
}

/// Every row the reading thread sends, and an error if it stops before saying it is done.
fn received(
    receiver: Receiver<Result<Message>>,
    reader: JoinHandle<()>,
    path: PathBuf,
) -> impl Iterator<Item = Result<NumberedRow>> {
    let mut batch = Vec::new().into_iter();
    let mut ended = false;
    let mut reader = Some(reader);
    std::iter::from_fn(move || loop {
        if let Some(row) = batch.next() {
            return Some(Ok(row));
        }
        if ended {
            return None;
        }
        match receiver.recv() {
            Ok(Ok(Message::Rows(rows))) => batch = rows.into_iter(),
            Ok(Ok(Message::End)) => ended = true,
            Ok(Ok(Message::Sheet(_))) | Err(_) => {
                ended = true;
                let reader = reader.take()?;
                return Some(Err(stopped(reader, &path)));
            }
            Ok(Err(error)) => {
                ended = true;
                return Some(Err(error));
            }
        }
    })
}

struct Sender {
    sender: SyncSender<Result<Message>>,
    batch: Vec<NumberedRow>,
}

impl Sender {
    fn send(&mut self, message: Message) -> Result<()> {
        // The caller stopped reading (a bad header, a refusal): nothing more is wanted.
        self.sender
            .send(Ok(message))
            .map_err(|_| eyre!("rows no longer wanted"))
    }

    fn row(&mut self, row: NumberedRow) -> Result<()> {
        self.batch.push(row);
        if self.batch.len() == BATCH {
            let batch = std::mem::take(&mut self.batch);
            self.send(Message::Rows(batch))?;
        }
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        self.send(Message::Rows(batch))?;
        self.send(Message::End)
    }
}

fn read_into(path: &Path, wanted: Option<&str>, out: &mut Sender) -> Result<()> {
    if is_csv(path) {
        let (file, _) =
            crate::input_file::open(path, MAX_SHEET).map_err(|e| user_error(e.to_string()))?;
        let records = csv_rows::records(file, path, MAX_SHEET)?;
        out.send(Message::Sheet(String::new()))?;
        for record in records {
            out.row(record?)?;
        }
        return out.end();
    }
    // The workbook reader opens the file itself: only a regular file of a sane size gets there.
    let (_, size) =
        crate::input_file::open(path, MAX_SHEET).map_err(|e| user_error(e.to_string()))?;
    let unreadable = |e: &dyn std::fmt::Display| {
        user_error(tf(
            "cli.sheets.unreadable",
            &[("file", &path.display()), ("reason", &e)],
        ))
    };
    let too_large_to_read_whole = || {
        user_error(tf(
            "cli.sheets.too_large_to_read_whole",
            &[
                ("file", &path.display()),
                ("mb", &megabytes_rounded_up(size)),
                ("max", &(MAX_READ_WHOLE >> 20)),
            ],
        ))
    };
    if size > MAX_READ_WHOLE && read_whole(path).map_err(|e| unreadable(&e))? {
        return Err(too_large_to_read_whole());
    }
    let mut book = open_workbook_auto(path).map_err(|e| {
        user_error(tf(
            "cli.sheets.not_a_workbook",
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
    if let Sheets::Xlsx(xlsx) = &mut book {
        let cells = match xlsx.worksheet_cells_reader(&sheet) {
            Ok(cells) => Some(cells),
            // A chart sheet: no rows, as the whole reading gave.
            Err(XlsxError::NotAWorksheet(_)) => None,
            Err(e) => return Err(unreadable(&e)),
        };
        out.send(Message::Sheet(sheet))?;
        if let Some(mut cells) = cells {
            let mut rows = CellsToRows { path, last: None };
            while let Some(cell) = cells.next_cell().map_err(|e| unreadable(&e))? {
                rows.add(cell.get_position(), cell.get_value(), &mut |row| {
                    out.row(row)
                })?;
            }
            if let Some(last) = rows.last {
                out.row(last)?;
            }
        }
        return out.end();
    }
    let range = book.worksheet_range(&sheet).map_err(|e| unreadable(&e))?;
    out.send(Message::Sheet(sheet))?;
    // The range starts at its first non-empty cell; row numbers count from the sheet's top.
    let first_row = range.start().map_or(0, |(row, _)| row as usize);
    let first_col = range.start().map_or(0, |(_, col)| col as usize);
    for (i, cells) in range.rows().enumerate() {
        let mut text = vec![String::new(); first_col];
        text.extend(cells.iter().cloned().map(cell_text));
        out.row((first_row + i + 1, text))?;
    }
    out.end()
}

/// An XLSX sheet's cells, given in the order the file holds them, made into rows as whole
/// reading made them: from the first row with a value, each row numbered as the sheet shows it,
/// rows with no value between given empty, each cell at its column's index.
struct CellsToRows<'a> {
    path: &'a Path,
    last: Option<NumberedRow>,
}

impl CellsToRows<'_> {
    /// Adds a cell; a row it finishes goes to `done`, with the empty rows after it.
    fn add(
        &mut self,
        (row, col): (u32, u32),
        value: &DataRef<'_>,
        done: &mut dyn FnMut(NumberedRow) -> Result<()>,
    ) -> Result<()> {
        if *value == DataRef::Empty {
            return Ok(());
        }
        let (number, col) = (row as usize + 1, col as usize);
        let text = cell_text(Data::from(value.clone()));
        if let Some((at, cells)) = &mut self.last {
            if *at == number {
                if cells.len() <= col {
                    cells.resize(col + 1, String::new());
                }
                cells[col] = text;
                return Ok(());
            }
            if *at > number {
                return Err(user_error(tf(
                    "cli.sheets.out_of_order",
                    &[("file", &self.path.display()), ("row", &number)],
                )));
            }
        }
        if let Some((at, cells)) = self.last.take() {
            done((at, cells))?;
            for empty in at + 1..number {
                done((empty, Vec::new()))?;
            }
        }
        let mut cells = vec![String::new(); col + 1];
        cells[col] = text;
        self.last = Some((number, cells));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_typed() {
        assert_eq!(number_text(13800001234.0), "13800001234");
        assert_eq!(number_text(1.5), "1.5");
    }

    /// A sheet's rows read whole through calamine's range, as they were before.
    fn whole(path: &Path) -> Vec<NumberedRow> {
        let mut book = open_workbook_auto(path).unwrap();
        let range = book.worksheet_range("名单").unwrap();
        let first_row = range.start().map_or(0, |(row, _)| row as usize);
        let first_col = range.start().map_or(0, |(_, col)| col as usize);
        range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                let mut text = vec![String::new(); first_col];
                text.extend(cells.iter().cloned().map(cell_text));
                (first_row + i + 1, text)
            })
            .collect()
    }

    /// Rows without the empty cells at their ends, which no rule reads.
    fn meaningful(rows: Vec<NumberedRow>) -> Vec<NumberedRow> {
        rows.into_iter()
            .map(|(n, mut cells)| {
                while cells.last().is_some_and(String::is_empty) {
                    cells.pop();
                }
                (n, cells)
            })
            .collect()
    }

    #[test]
    fn an_xlsx_sheet_read_a_cell_at_a_time_gives_the_rows_of_the_whole_range() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名单.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("名单").unwrap();
        sheet.write_string(2, 3, "2023年报名表").unwrap();
        sheet.write_string(4, 2, "姓名").unwrap();
        sheet.write_string(4, 4, "手机").unwrap();
        for i in 0..3_000u32 {
            // Gaps of empty rows, short rows, numbers and text.
            let row = 5 + i + i / 700;
            sheet.write_string(row, 2, format!("测试{i}")).unwrap();
            if i % 3 != 0 {
                sheet
                    .write_number(row, 4, 13_800_000_000.0 + f64::from(i))
                    .unwrap();
            }
        }
        book.save(&path).unwrap();

        let rows = read(&path, Some("名单")).unwrap();
        assert_eq!(rows.sheet, "名单");
        let streamed: Vec<NumberedRow> = rows.collect::<Result<_>>().unwrap();
        assert_eq!(streamed[0].0, 3, "numbered from the sheet's top");
        assert!(
            streamed.iter().any(|(_, cells)| cells.is_empty()),
            "gaps kept"
        );
        assert_eq!(meaningful(streamed), meaningful(whole(&path)));
    }

    #[test]
    fn a_sheet_that_is_not_there_is_named_before_any_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名单.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().set_name("名单").unwrap();
        book.save(&path).unwrap();
        let error = read(&path, Some("汇总")).err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("汇总") && e.contains("名单")));
    }

    fn refusal(path: &Path) -> String {
        read(path, None)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    /// A zip of `entries` (copied as they are) then padding, stored, to pass the read-whole cap.
    fn padded_zip(path: &Path, entries: &mut zip::ZipArchive<std::fs::File>, first: &[&str]) {
        let mut padded = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for name in first {
            padded.start_file(*name, stored).unwrap();
        }
        for i in 0..entries.len() {
            padded
                .raw_copy_file(entries.by_index_raw(i).unwrap())
                .unwrap();
        }
        padded.start_file("padding.bin", stored).unwrap();
        std::io::Write::write_all(&mut padded, &vec![0u8; MAX_READ_WHOLE as usize]).unwrap();
        padded.finish().unwrap();
        assert!(std::fs::metadata(path).unwrap().len() > MAX_READ_WHOLE);
    }

    fn small_xlsx(dir: &Path) -> zip::ZipArchive<std::fs::File> {
        let small = dir.join("小.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        book.add_worksheet().write_string(0, 0, "姓名").unwrap();
        book.save(&small).unwrap();
        zip::ZipArchive::new(std::fs::File::open(&small).unwrap()).unwrap()
    }

    /// An ODS or XLSB file past the size read whole is refused by its size, before it is read,
    /// known by its name; one under it is read (and these, not spreadsheets, are refused as
    /// unreadable). Named otherwise, they are known by what their zip holds, whatever its order.
    #[test]
    fn an_ods_or_xlsb_file_too_large_to_read_whole_is_refused_by_size() {
        let dir = tempfile::tempdir().unwrap();
        let size_refused = |path: &Path| {
            let error = refusal(path);
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                error.contains("XLSX 或 CSV") && error.contains(&name) && error.contains("MB："),
                "{error}"
            );
            error
        };
        for name in ["名单.ods", "名单.XLSB"] {
            let path = dir.path().join(name);
            std::fs::write(&path, vec![b'x'; MAX_READ_WHOLE as usize + 1]).unwrap();
            assert!(size_refused(&path).contains("2.01 MB"), "rounded up");
            std::fs::write(&path, b"not a spreadsheet").unwrap();
            assert!(refusal(&path).contains("无法读取表格"), "{name}");
        }
        let mut xlsx = small_xlsx(dir.path());
        for inside in ["content.xml", "xl/workbook.bin"] {
            let path = dir.path().join("名单.data");
            padded_zip(&path, &mut xlsx, &[inside, "mimetype"]);
            size_refused(&path);
        }
        let other = dir.path().join("名单.data");
        std::fs::write(&other, vec![b'x'; MAX_READ_WHOLE as usize + 1]).unwrap();
        assert!(
            refusal(&other).contains("无法读取表格"),
            "not refused by size"
        );
    }

    /// An XLSX file over that size whose name does not say what it is is read a cell at a time,
    /// not refused.
    #[test]
    fn a_large_xlsx_named_otherwise_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let mut xlsx = small_xlsx(dir.path());
        for name in ["名单", "名单.xlsx.bak"] {
            let path = dir.path().join(name);
            padded_zip(&path, &mut xlsx, &[]);
            let rows: Vec<NumberedRow> = read(&path, None).unwrap().collect::<Result<_>>().unwrap();
            assert_eq!(rows, [(1, vec!["姓名".to_string()])]);
        }
    }

    #[test]
    fn rows_stopped_part_way_are_an_error_not_an_end() {
        let (sender, receiver) = sync_channel(4);
        let reader = std::thread::spawn(move || {
            sender.send(Ok(Message::Rows(vec![(1, vec![])]))).unwrap();
        });
        let rows: Vec<_> = received(receiver, reader, PathBuf::from("x.xlsx")).collect();
        assert!(rows[0].is_ok());
        let error = rows[1].as_ref().err().map(ToString::to_string);
        assert!(
            error.is_some_and(|e| e.contains("x.xlsx")),
            "no End was sent"
        );
        assert_eq!(rows.len(), 2);
    }

    #[test]
    fn a_panic_in_the_reading_thread_is_raised_where_the_rows_are_read() {
        let (sender, receiver) = sync_channel::<Result<Message>>(4);
        let reader = std::thread::spawn(move || {
            let _sender = sender;
            panic!("calamine fell over");
        });
        let raised = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
            received(receiver, reader, PathBuf::from("x.xlsx")).count()
        }));
        let message = raised
            .err()
            .and_then(|p| p.downcast_ref::<&str>().map(|s| s.to_string()));
        assert_eq!(message.as_deref(), Some("calamine fell over"));
    }
}
