//! Where a zip is written: a full disk is said once, as the plain I/O error, so the caller can
//! name the file and say why in the coordinator's language.

use std::io::{Seek, SeekFrom, Write};

use color_eyre::eyre::{eyre, Report};
use zip::result::ZipError;

/// `e` as the plain I/O error it wraps, if it is one.
pub fn bare(e: ZipError) -> Report {
    match e {
        ZipError::Io(io) => Report::from(io),
        other => eyre!("zip: {other}"),
    }
}

/// A zip's file. zip's writer, dropped unfinished after a failed write, tries to
/// finish the file and prints that failure on stderr; once a write or a seek has failed, later
/// ones are let pass unwritten (keeping count of where they would be), so the first failure is
/// the one said.
pub struct ZipOut<W> {
    file: W,
    failed: bool,
    at: u64,
}

impl<W> ZipOut<W> {
    pub fn new(file: W) -> ZipOut<W> {
        ZipOut {
            file,
            failed: false,
            at: 0,
        }
    }
}

impl<W: Write> Write for ZipOut<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = if self.failed {
            buf.len()
        } else {
            self.file.write(buf).inspect_err(|_| self.failed = true)?
        };
        self.at += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.file.flush().inspect_err(|_| self.failed = true)
    }
}

impl<W: Seek> Seek for ZipOut<W> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        if self.failed {
            self.at = match to {
                SeekFrom::Start(at) => at,
                SeekFrom::Current(by) | SeekFrom::End(by) => self.at.saturating_add_signed(by),
            };
            return Ok(self.at);
        }
        self.at = self.file.seek(to).inspect_err(|_| self.failed = true)?;
        Ok(self.at)
    }
}

impl<W> ZipOut<W> {
    pub fn into_inner(self) -> W {
        self.file
    }
}
