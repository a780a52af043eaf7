//! Where a zip is written: a full disk is said once, as the plain I/O error, so the caller can
//! name the file and say why in the coordinator's language.

use std::io::{ErrorKind, Seek, SeekFrom, Write};

use color_eyre::eyre::{eyre, Report};
use zip::result::ZipError;

/// `e` as the plain I/O error it wraps, if it is one.
pub fn bare(e: ZipError) -> Report {
    match e {
        ZipError::Io(io) => Report::from(io),
        other => eyre!("zip: {other}"),
    }
}

/// A zip's file. zip's writer, dropped unfinished after a failed write, tries to finish the
/// file and prints that failure on stderr; once a write or a seek has failed, later ones are
/// let pass unwritten (keeping count of where they would be), so the first failure is the one
/// said. (Public only because `archive::Archive` holds one; the module is private.)
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

    pub fn into_inner(self) -> W {
        self.file
    }

    /// Notes a failure that will not go away by itself; an interrupted call is tried again.
    fn note(&mut self, e: &std::io::Error) {
        if e.kind() != ErrorKind::Interrupted {
            self.failed = true;
        }
    }
}

impl<W: Write> Write for ZipOut<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = if self.failed {
            buf.len()
        } else {
            self.file.write(buf).inspect_err(|e| self.note(e))?
        };
        self.at += written as u64;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.file.flush().inspect_err(|e| self.note(e))
    }
}

impl<W: Seek> Seek for ZipOut<W> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        if self.failed {
            // After a failure nothing is past where writing stopped, so the end is here.
            self.at = match to {
                SeekFrom::Start(at) => at,
                SeekFrom::Current(by) | SeekFrom::End(by) => self.at.saturating_add_signed(by),
            };
            return Ok(self.at);
        }
        self.at = self.file.seek(to).inspect_err(|e| self.note(e))?;
        Ok(self.at)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use zip::write::SimpleFileOptions;
    use zip::ZipWriter;

    use super::*;

    /// A file on a disk that fills after `room` bytes; an interrupted write comes first.
    struct Filling {
        file: Cursor<Vec<u8>>,
        room: usize,
        interrupted: bool,
    }

    impl Write for Filling {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if !self.interrupted {
                self.interrupted = true;
                return Err(ErrorKind::Interrupted.into());
            }
            if self.file.get_ref().len() + buf.len() > self.room {
                return Err(ErrorKind::StorageFull.into());
            }
            self.file.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Seek for Filling {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.file.seek(to)
        }
    }

    fn zipped(room: usize) -> zip::result::ZipResult<Vec<u8>> {
        let file = Filling {
            file: Cursor::new(Vec::new()),
            room,
            interrupted: false,
        };
        let mut zip = ZipWriter::new(ZipOut::new(file));
        for name in ["a.xml", "b.xml", "c.xml"] {
            zip.start_file(
                name,
                SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
            )?;
            zip.write_all(&[b'x'; 4000])?;
        }
        Ok(zip.finish()?.into_inner().file.into_inner())
    }

    #[test]
    fn a_disk_that_fills_at_any_point_gives_its_first_failure_and_nothing_else() {
        let whole = zipped(usize::MAX).unwrap();
        let archive = zip::ZipArchive::new(Cursor::new(&whole)).unwrap();
        assert_eq!(archive.len(), 3, "an interrupted write is tried again");
        for room in (0..whole.len()).step_by(97) {
            let err = zipped(room).unwrap_err();
            let ZipError::Io(io) = err else {
                panic!("room {room}: {err}")
            };
            assert_eq!(io.kind(), ErrorKind::StorageFull, "room {room}");
        }
    }
}
