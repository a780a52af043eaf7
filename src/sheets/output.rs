//! Where a report goes and in what form: the file's extension decides (.xlsx, .csv, .pdf; any
//! other is refused with the list), the message names the absolute path, and a report nobody
//! named gets a plain default name (签到表-华容区第1期-2023-04-25.xlsx).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::doc::Document;
use super::write::{atomic_write, csv_bytes, Encoding};
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
        FileFormat::Pdf => {
            let configured = crate::config::Config::load()?.pdf_font;
            let font = super::font::find(configured.as_deref())?;
            super::pdf::pdf_bytes(docs, &font)
        }
    }
}

/// Writes `doc` to `path` in the format its extension names; returns the absolute path written.
pub fn write_document(path: &Path, doc: &Document, encoding: Encoding) -> Result<PathBuf> {
    write_documents(path, std::slice::from_ref(doc), encoding)
}

/// Writes several tables to one file, as `document_bytes` puts them together.
pub fn write_documents(path: &Path, docs: &[Document], encoding: Encoding) -> Result<PathBuf> {
    let format = FileFormat::of(path).map_err(user_error)?;
    let bytes = document_bytes(docs, format, encoding).map_err(|e| {
        user_error(tf(
            "cli.report.write_failed",
            &[("file", &path.display()), ("reason", &e)],
        ))
    })?;
    atomic_write(path, &bytes)?;
    Ok(absolute(path))
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
