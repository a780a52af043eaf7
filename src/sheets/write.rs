//! Writing files the way a pulled USB stick cannot spoil: a temp name beside the target,
//! flushed to disk, then renamed. CSV is UTF-8 with a BOM (Excel opens it) or GB18030, never GBK.

use std::io::Write;
use std::path::Path;

use color_eyre::eyre::Result;

use crate::error::{io_reason, user_error};
use crate::i18n::tf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 with a byte-order mark, which Excel needs to show Chinese
    #[default]
    Utf8,
    /// GB18030, for older Excel and WPS set-ups (GBK would mangle rare characters)
    Gb18030,
}

pub fn write_failed(path: &Path, e: &std::io::Error) -> color_eyre::Report {
    user_error(tf(
        "cli.report.write_failed",
        &[("file", &path.display()), ("reason", &io_reason(e))],
    ))
}

/// Writes `bytes` to `path` atomically.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    atomic_write_then(path, bytes, || Ok(()))
}

/// `atomic_write`, with `ready` run as in `atomic_write_with`.
pub fn atomic_write_then(
    path: &Path,
    bytes: &[u8],
    ready: impl FnOnce() -> Result<()>,
) -> Result<()> {
    atomic_write_with(path, |temp| written(path, temp, bytes), ready)
}

/// Writes to `path` atomically what `fill` writes to the temp file beside it, which it may also
/// reach by its path. `ready` runs once the file is whole on disk and before it takes its name:
/// if it fails, the file is let go and nothing is at `path`. A Ctrl-C or SIGTERM waits for both,
/// so what `ready` records is never left without its file.
pub fn atomic_write_with(
    path: &Path,
    fill: impl FnOnce(&mut tempfile::NamedTempFile) -> Result<()>,
    ready: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let temp = written_beside(path, fill)?;
    let at = temp.path().to_path_buf();
    crate::unfinished::name(&at, || {
        ready()?;
        temp.persist(path)
            .map_err(|e| write_failed(path, &e.error))?;
        Ok(())
    })
}

/// `bytes` written to `temp`, a failure said as writing `path` failed.
fn written(path: &Path, temp: &mut tempfile::NamedTempFile, bytes: &[u8]) -> Result<()> {
    temp.write_all(bytes).map_err(|e| write_failed(path, &e))
}

/// Writes `bytes` to `path` atomically, only if nothing is there: a document meant to be edited
/// by hand is never replaced, even by one appearing while this one is written.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let temp = written_beside(path, |temp| {
        temp.write_all(bytes).map_err(|e| write_failed(path, &e))
    })?;
    let at = temp.path().to_path_buf();
    crate::unfinished::name(&at, || temp.persist_noclobber(path))
        .map_err(|e| write_failed(path, &e.error))?;
    Ok(())
}

/// What `fill` writes in a temp file beside `path`, on disk, with a report's usual mode.
fn written_beside(
    path: &Path,
    fill: impl FnOnce(&mut tempfile::NamedTempFile) -> Result<()>,
) -> Result<tempfile::NamedTempFile> {
    let failed = |e: std::io::Error| write_failed(path, &e);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = crate::unfinished::file_in(dir, "report", ".tmp").map_err(failed)?;
    fill(&mut temp)?;
    // A temp file is private (0600); a report is for colleagues, so it gets the usual mode.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = 0o666 & !crate::private_files::user_mask();
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(failed)?;
    }
    temp.as_file().sync_all().map_err(failed)?;
    Ok(temp)
}

/// A table as CSV text in the chosen encoding.
pub fn csv_bytes(rows: &[Vec<String>], encoding: Encoding) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_csv(&mut bytes, rows.iter().cloned().map(Ok), encoding)?;
    Ok(bytes)
}

/// A table's rows as CSV to `out` in the chosen encoding, a record at a time, so a table too
/// long to hold is written as it is read.
pub fn write_csv(
    out: &mut impl Write,
    rows: impl Iterator<Item = Result<Vec<String>>>,
    encoding: Encoding,
) -> Result<()> {
    if encoding == Encoding::Utf8 {
        out.write_all(b"\xEF\xBB\xBF")?;
    }
    let mut builder = csv::WriterBuilder::new();
    builder.flexible(true);
    let mut text = Vec::new();
    for row in rows {
        let mut record = builder.from_writer(std::mem::take(&mut text));
        record.write_record(row?)?;
        text = record.into_inner().map_err(|e| e.into_error())?;
        match encoding {
            Encoding::Utf8 => out.write_all(&text)?,
            // GB18030 encodes each character by itself, so record by record is the whole text.
            Encoding::Gb18030 => {
                out.write_all(&encoding_rs::GB18030.encode(std::str::from_utf8(&text)?).0)?
            }
        }
        text.clear();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_named_only_once_it_is_ready() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("电话清单.csv");
        let refused = atomic_write_with(
            &path,
            |temp| written(&path, temp, b"13907110099"),
            || Err(color_eyre::eyre::eyre!("the log refused")),
        );
        assert!(refused.is_err());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(
            left.is_empty(),
            "nothing left, not even the temp file: {left:?}"
        );
        let mut asked = false;
        atomic_write_with(
            &path,
            |temp| written(&path, temp, b"13907110099"),
            || {
                asked = !path.exists();
                Ok(())
            },
        )
        .unwrap();
        assert!(asked, "ready is asked before the file takes its name");
        assert_eq!(std::fs::read(&path).unwrap(), b"13907110099");
    }

    #[test]
    fn csv_round_trips_in_both_encodings() {
        let rows = vec![vec!["序号".to_string(), "𠮷野家".to_string()]];
        for encoding in [Encoding::Utf8, Encoding::Gb18030] {
            let bytes = csv_bytes(&rows, encoding).unwrap();
            let read: Vec<_> = super::super::csv_rows::records(
                std::io::Cursor::new(bytes),
                std::path::Path::new("x.csv"),
                1 << 20,
            )
            .unwrap()
            .collect::<color_eyre::eyre::Result<_>>()
            .unwrap();
            assert_eq!(read, [(1, rows[0].clone())]);
        }
    }
}
