//! A document too long to hold whole. Everyone's call list at ten times the province is 400,000
//! rows: held as cells, then as a table of text and then as the file's bytes, it took 0.9 GB as
//! CSV and 1.4 GB as a workbook. Here its body rows go to an unnamed scratch file as they are
//! made, its column widths are measured as they pass, and the writers read the rows back one at
//! a time.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::doc::{Cell, Document};
use super::layout::WidthTally;
use crate::i18n::tf;

/// A long document being made: everything but its body in `frame`, the body in the scratch file.
pub struct LongDocument {
    frame: Document,
    tally: WidthTally,
    dir: PathBuf,
    written: BufWriter<File>,
    rows: usize,
}

/// A long document made: its rows can be read, as often as a writer needs.
pub struct WrittenDocument {
    /// Title, columns, notes and who made it; no rows.
    pub frame: Document,
    widths: Vec<f64>,
    dir: PathBuf,
    file: File,
    rows: usize,
}

pub(super) fn scratch_failed(dir: &Path) -> String {
    tf("cli.report.scratch_failed", &[("dir", &dir.display())])
}

impl LongDocument {
    /// A document shaped as `frame` (whose rows are ignored), its body kept in a scratch file in
    /// `dir`, which goes when the document does.
    pub fn new(mut frame: Document, dir: &Path) -> Result<LongDocument> {
        // Its workbook ends on a note's line, a row of the default height, as a held one does
        // (`xlsx::Heights`).
        if frame.notes.is_empty() {
            return Err(eyre!("{}: a long document ends with notes", frame.title));
        }
        frame.rows = Vec::new();
        let file = tempfile::tempfile_in(dir).wrap_err_with(|| scratch_failed(dir))?;
        Ok(LongDocument {
            tally: WidthTally::new(&frame.columns),
            frame,
            dir: dir.to_path_buf(),
            written: BufWriter::new(file),
            rows: 0,
        })
    }

    /// One body row, after those pushed before.
    pub fn push(&mut self, cells: &[Cell]) -> Result<()> {
        self.tally.row(cells);
        let encoded = postcard::to_allocvec(cells)?;
        let len = u32::try_from(encoded.len())?;
        self.written
            .write_all(&len.to_le_bytes())
            .and_then(|()| self.written.write_all(&encoded))
            .wrap_err_with(|| scratch_failed(&self.dir))?;
        self.rows += 1;
        Ok(())
    }

    /// Every row pushed on disk, and the widths worked out.
    pub fn finish(self) -> Result<WrittenDocument> {
        let LongDocument {
            frame,
            tally,
            dir,
            written,
            rows,
        } = self;
        let file = written
            .into_inner()
            .map_err(|e| e.into_error())
            .wrap_err_with(|| scratch_failed(&dir))?;
        Ok(WrittenDocument {
            widths: tally.widths(frame.landscape),
            frame,
            dir,
            file,
            rows,
        })
    }
}

impl WrittenDocument {
    pub fn body_len(&self) -> usize {
        self.rows
    }

    /// The column widths, as `layout::column_widths` gives them for the same rows held.
    pub fn widths(&self) -> &[f64] {
        &self.widths
    }

    /// The bytes its rows take in the scratch file.
    pub fn scratch_len(&self) -> Result<u64> {
        let meta = self
            .file
            .metadata()
            .wrap_err_with(|| scratch_failed(&self.dir))?;
        Ok(meta.len())
    }

    /// The folder its scratch file is in, where a writer puts its own.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The body rows in the order pushed, read from the start each time.
    pub fn rows(&self) -> impl Iterator<Item = Result<Vec<Cell>>> + '_ {
        let mut reader = BufReader::new(ReadAt {
            file: &self.file,
            at: 0,
        });
        (0..self.rows).map(move |_| {
            let mut len = [0u8; 4];
            reader
                .read_exact(&mut len)
                .wrap_err_with(|| scratch_failed(&self.dir))?;
            let mut encoded = vec![0u8; u32::from_le_bytes(len) as usize];
            reader
                .read_exact(&mut encoded)
                .wrap_err_with(|| scratch_failed(&self.dir))?;
            postcard::from_bytes(&encoded).map_err(|e| eyre!("{}: {e}", scratch_failed(&self.dir)))
        })
    }
}

/// The scratch file read from `at` on, by position: two readers never move each other.
struct ReadAt<'a> {
    file: &'a File,
    at: u64,
}

impl Read for ReadAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let read = self.file.read_at(buf, self.at)?;
        self.at += read as u64;
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::doc::{Align, Column, Row, Value};
    use crate::sheets::layout::column_widths;

    fn frame() -> Document {
        Document {
            sheet: "表".into(),
            title: "名单".into(),
            line: "单位".into(),
            columns: vec![
                Column::new("序号", Align::Center),
                Column::new("企业", Align::Text),
                Column::new("人数", Align::Number),
            ],
            rows: Vec::new(),
            notes: vec!["注".into()],
            landscape: true,
            signing: false,
            maker: "鄂州市".into(),
            made: "2023-04-20".parse().unwrap(),
        }
    }

    proptest::proptest! {
        #[test]
        fn rows_come_back_as_pushed_and_measure_as_held(
            names in proptest::collection::vec("[a-z 培训湖北（）]{0,30}", 0..40),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut long = LongDocument::new(frame(), dir.path()).unwrap();
            let mut held = frame();
            for (i, name) in names.iter().enumerate() {
                let cells = vec![
                    Cell::int(i + 1),
                    Value::text(name.clone()).into(),
                    if i % 3 == 0 { Cell::from(Value::Empty) } else { Cell::int(i * 7) },
                ];
                long.push(&cells).unwrap();
                held.rows.push(Row::Body(cells));
            }
            let written = long.finish().unwrap();
            proptest::prop_assert_eq!(written.body_len(), names.len());
            let widths = column_widths(&held);
            proptest::prop_assert_eq!(written.widths(), widths.as_slice());
            // Read twice, as the terminal's table does: once to measure, once to print.
            for _ in 0..2 {
                let back: Vec<Row> = written.rows().map(|r| Row::Body(r.unwrap())).collect();
                proptest::prop_assert_eq!(&back, &held.rows);
            }
        }
    }
}
