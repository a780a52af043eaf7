//! Where a report goes and in what form: the file's extension decides (.xlsx, .csv, .pdf; any
//! other is refused with the list), the message names the absolute path, and a report nobody
//! named gets a plain default name (签到表-华容区第1期-2023-04-25.xlsx).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::doc::Document;
use super::long::WrittenDocument;
use super::write::{atomic_write_with, csv_bytes, write_csv, write_failed, Encoding};
use super::xlsx::xlsx_long;
use crate::error::user_error;
use crate::i18n::{t, tf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Csv,
    Pdf,
}

impl FileFormat {
    /// The format `path` asks for by its extension, or the message that lists the formats.
    pub fn of(path: &Path) -> Result<FileFormat, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("xlsx") => Ok(FileFormat::Xlsx),
            Some("csv") => Ok(FileFormat::Csv),
            Some("pdf") => Ok(FileFormat::Pdf),
            _ => Err(tf(
                "cli.report.format_refused",
                &[
                    ("file", &path.display()),
                    ("formats", &t("cli.report.format_list")),
                ],
            )),
        }
    }
}

/// `path` as an absolute path (the file need not exist), for messages.
pub fn absolute(path: &Path) -> PathBuf {
    let path = &crate::out::in_callers_folder(path);
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The bytes of `docs` in `format`: one sheet each in a workbook, one after another in a PDF
/// or a CSV (an empty line between).
pub fn document_bytes(
    docs: &[Document],
    format: FileFormat,
    encoding: Encoding,
) -> Result<Vec<u8>> {
    match format {
        FileFormat::Csv => {
            let mut table: Vec<Vec<String>> = Vec::new();
            for doc in docs {
                if !table.is_empty() {
                    table.push(Vec::new());
                }
                table.extend(doc.table());
            }
            csv_bytes(&table, encoding)
        }
        FileFormat::Xlsx => super::xlsx::xlsx_bytes(docs).map_err(|e| user_error(e.to_string())),
        FileFormat::Pdf => super::pdf::pdf_bytes(docs, &configured_font()?),
    }
}

/// The font PDFs are set in: the one configured, or one found on this machine.
fn configured_font() -> Result<super::font::PdfFont> {
    let configured = crate::config::Config::load()?.pdf_font;
    super::font::find(configured.as_deref())
}

/// Writes `doc` to `path` in the format its extension names; returns the absolute path written.
pub fn write_document(path: &Path, doc: &Document, encoding: Encoding) -> Result<PathBuf> {
    write_documents(path, std::slice::from_ref(doc), encoding)
}

/// Writes several tables to one file, as `document_bytes` puts them together.
pub fn write_documents(path: &Path, docs: &[Document], encoding: Encoding) -> Result<PathBuf> {
    write_documents_then(path, docs, encoding, || Ok(()))
}

/// `write_documents`, with `ready` run as the file takes its name (`write::atomic_write_with`):
/// a sign-in sheet's row order is recorded with the sheet, never without it.
pub fn write_documents_then(
    path: &Path,
    docs: &[Document],
    encoding: Encoding,
    ready: impl FnOnce() -> Result<()>,
) -> Result<PathBuf> {
    let format = FileFormat::of(path).map_err(user_error)?;
    let bytes = document_bytes(docs, format, encoding).map_err(|e| {
        user_error(tf(
            "cli.report.write_failed",
            &[("file", &path.display()), ("reason", &e)],
        ))
    })?;
    super::write::atomic_write_then(path, &bytes, ready)?;
    Ok(absolute(path))
}

/// Writes a long document to `path` in the format its extension names, its rows read back one
/// at a time; `ready` runs once the file is whole beside its place and before it takes its name
/// (a call list is recorded then). Returns the absolute path written.
pub fn write_long(
    path: &Path,
    doc: &WrittenDocument,
    encoding: Encoding,
    ready: impl FnOnce() -> Result<()>,
) -> Result<PathBuf> {
    let format = FileFormat::of(path).map_err(user_error)?;
    if path.is_dir() {
        // Refused before anything is read: the rename at the end would fail after the record.
        let is_dir = std::io::Error::from(std::io::ErrorKind::IsADirectory);
        return Err(write_failed(path, &is_dir));
    }
    // An error that already says what failed (a scratch file, the font) is passed on as it is.
    let failed = |e: color_eyre::Report| {
        if e.chain().len() > 1 {
            return e;
        }
        match e.downcast_ref::<std::io::Error>() {
            Some(io) => write_failed(path, io),
            None => user_error(tf(
                "cli.report.write_failed",
                &[("file", &path.display()), ("reason", &e)],
            )),
        }
    };
    match format {
        FileFormat::Pdf => {
            let font = configured_font().map_err(failed)?;
            atomic_write_with(
                path,
                |temp| {
                    // Flushed as the PDF is finished, so a failing write is said there.
                    let out = std::io::BufWriter::new(temp);
                    super::pdf::pdf_long(doc, &font, out)
                        .map(drop)
                        .map_err(failed)
                },
                ready,
            )?;
        }
        FileFormat::Csv => atomic_write_with(
            path,
            |temp| {
                let mut out = std::io::BufWriter::new(temp);
                write_csv(&mut out, long_table(doc), encoding).map_err(failed)?;
                out.flush().map_err(|e| write_failed(path, &e))
            },
            ready,
        )?,
        FileFormat::Xlsx => atomic_write_with(
            path,
            |temp| {
                let mut out = std::io::BufWriter::new(temp);
                xlsx_long(doc, &mut out).map_err(failed)?;
                out.flush().map_err(|e| write_failed(path, &e))
            },
            ready,
        )?,
    }
    Ok(absolute(path))
}

/// A long document as a table of text, as `Document::table` gives a held one: title, line,
/// header, rows, notes.
pub fn long_table(doc: &WrittenDocument) -> impl Iterator<Item = Result<Vec<String>>> + '_ {
    let frame = &doc.frame;
    let head = frame.head();
    let rows = doc
        .rows()
        .map(|cells| Ok(cells?.iter().map(|c| c.value.shown()).collect()));
    let notes = frame.notes.iter().map(|n| Ok(vec![n.clone()]));
    head.into_iter().map(Ok).chain(rows).chain(notes)
}

/// `text` as part of a file name: the campaign's name in quotes, brackets and quotes and the
/// characters file systems refuse are left out, so the name reads plainly.
pub fn plain(text: &str) -> String {
    let text = text
        .replace("“百县万企”", "")
        .replace("知识产权", "")
        .replace("培训班", "");
    text.chars()
        .filter(|c| {
            !matches!(
                c,
                '/' | '\\'
                    | ':'
                    | '*'
                    | '?'
                    | '"'
                    | '<'
                    | '>'
                    | '|'
                    | '“'
                    | '”'
                    | '‘'
                    | '’'
                    | '（'
                    | '）'
                    | '('
                    | ')'
                    | '《'
                    | '》'
                    | '【'
                    | '】'
            ) && !c.is_whitespace()
        })
        .take(24)
        .collect()
}

/// The name a report gets unless another is given: 统计表-鄂州市-2023-04-20.xlsx.
pub fn default_name(report: &str, what: &str, date: NaiveDate) -> String {
    format!("{}-{}-{date}.xlsx", plain(report), plain(what))
}

/// The folder the TUI writes reports to unless told otherwise: `~/peixun-reports`.
pub fn reports_dir() -> PathBuf {
    crate::dirs::home_dir()
        .map(|home| home.join("peixun-reports"))
        .unwrap_or_else(|| PathBuf::from("peixun-reports"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::doc::{Align, Cell, Column, Row, Value};
    use crate::sheets::long::LongDocument;

    /// The sheet's part of a workbook, and its cells as calamine reads them.
    fn sheet_of(xlsx: &Path) -> (String, Vec<Vec<calamine::Data>>) {
        use calamine::Reader;
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/worksheets/sheet1.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let mut book = calamine::open_workbook_auto(xlsx).unwrap();
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).unwrap();
        (xml, range.rows().map(<[calamine::Data]>::to_vec).collect())
    }

    /// What of a sheet's part says how it prints: columns, row heights, merged cells, page.
    fn print_setup(xml: &str) -> Vec<String> {
        let mut parts: Vec<String> = xml
            .split('<')
            .filter(|tag| {
                tag.starts_with("col ")
                    || tag.starts_with("mergeCell ")
                    || tag.starts_with("pageSetup ")
                    || tag.starts_with("oddFooter")
            })
            .map(str::to_string)
            .collect();
        parts.extend(xml.split("<row ").skip(1).map(|tag| {
            let tag = &tag[..tag.find('>').unwrap()];
            tag.split(' ')
                .filter(|a| {
                    a.starts_with("r=") || a.starts_with("ht=") || a.starts_with("customHeight=")
                })
                .collect::<Vec<_>>()
                .join(" ")
        }));
        parts
    }

    #[test]
    fn a_long_document_is_written_as_the_same_document_held() {
        let dir = tempfile::tempdir().unwrap();
        let frame = Document {
            sheet: "联络清单".into(),
            title: "鄂州市企业联络清单（全部企业）".into(),
            line: "单位：鄂州市市场监督管理局".into(),
            columns: vec![
                Column::new("序号", Align::Center),
                Column::new("企业", Align::Text),
                Column::new("联系人", Align::Text),
                Column::new("电话", Align::Center),
            ],
            rows: Vec::new(),
            notes: vec!["注：电话号码完整，仅供联络使用。".into()],
            landscape: true,
            signing: false,
            maker: "鄂州市市场监督管理局".into(),
            made: "2023-04-20".parse().unwrap(),
        };
        let mut long = LongDocument::new(frame.clone(), dir.path()).unwrap();
        let mut held = frame;
        for i in 0..300usize {
            let firm = "湖北泰洪激光技术有限公司".repeat(1 + i % 4);
            let cells = vec![
                Cell::int(i + 1),
                if i % 7 == 0 {
                    Value::Empty.into()
                } else {
                    Cell::text(firm)
                },
                Cell::text(["朱思洋", "Zhang Wei, \"QA\"", "𠮷野家"][i % 3]),
                Cell::text(format!("139{i:08}")),
            ];
            long.push(&cells).unwrap();
            held.rows.push(Row::Body(cells));
        }
        let long = long.finish().unwrap();
        for encoding in [Encoding::Utf8, Encoding::Gb18030] {
            let (a, b) = (dir.path().join("long.csv"), dir.path().join("held.csv"));
            write_long(&a, &long, encoding, || Ok(())).unwrap();
            write_document(&b, &held, encoding).unwrap();
            assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        }
        let (a, b) = (dir.path().join("long.xlsx"), dir.path().join("held.xlsx"));
        write_long(&a, &long, Encoding::Utf8, || Ok(())).unwrap();
        write_document(&b, &held, Encoding::Utf8).unwrap();
        let ((long_xml, long_cells), (held_xml, held_cells)) = (sheet_of(&a), sheet_of(&b));
        assert_eq!(long_cells, held_cells);
        assert_eq!(
            long_cells.len(),
            3 + 300 + 1,
            "title, line, header, rows, note"
        );
        assert_eq!(print_setup(&long_xml), print_setup(&held_xml));
        assert!(
            long_xml.contains("inlineStr"),
            "the long sheet was not held"
        );
        // Each row once, in order: Excel takes a row written twice for damage.
        let numbers: Vec<usize> = long_xml
            .split("<row r=\"")
            .skip(1)
            .map(|tag| tag[..tag.find('"').unwrap()].parse().unwrap())
            .collect();
        assert_eq!(numbers, (1..=long_cells.len()).collect::<Vec<_>>());
        // The room looked for before the sheet's scratch file is written is enough for it.
        let room = super::super::xlsx::room_needed(&long).unwrap();
        assert!(long_xml.len() as u64 <= room, "{} > {room}", long_xml.len());
        // The PDF is laid out a row at a time, a page drawn as it fills: the same pages.
        let (a, b) = (dir.path().join("long.pdf"), dir.path().join("held.pdf"));
        write_long(&a, &long, Encoding::Utf8, || Ok(())).unwrap();
        write_document(&b, &held, Encoding::Utf8).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        let leftover: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftover.len(), 6, "only the written files: {leftover:?}");
    }

    #[test]
    fn the_extension_decides_and_others_are_refused_with_the_list() {
        assert_eq!(FileFormat::of(Path::new("a.XLSX")), Ok(FileFormat::Xlsx));
        assert_eq!(FileFormat::of(Path::new("签到表.csv")), Ok(FileFormat::Csv));
        assert_eq!(FileFormat::of(Path::new("x.pdf")), Ok(FileFormat::Pdf));
        for bad in ["c.ods", "x.txt", "noext"] {
            let message = FileFormat::of(Path::new(bad)).unwrap_err();
            assert!(message.contains(bad), "{message}");
            assert!(
                message.contains(".xlsx") && message.contains(".pdf"),
                "{message}"
            );
        }
    }

    #[test]
    fn default_names_are_plain() {
        let day: NaiveDate = "2023-04-25".parse().unwrap();
        assert_eq!(
            default_name("签到表", "华容区“百县万企”知识产权培训班（第1期）", day),
            "签到表-华容区第1期-2023-04-25.xlsx"
        );
        assert_eq!(
            default_name("统计表", "鄂州市", day),
            "统计表-鄂州市-2023-04-25.xlsx"
        );
    }
}
