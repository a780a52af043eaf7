//! Opening a file a person names (a bundle, a card, a sheet, a backup): a regular file only, at
//! most so many bytes. A FIFO would block the program forever and a device such as /dev/zero
//! never ends; both are refused at once, by name, before anything is read.

use std::fs::File;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use crate::error::io_reason;
use crate::i18n::tf;

/// Why a named file cannot be read, in words that name it.
#[derive(Debug)]
pub struct InputFileError(pub String);

impl std::fmt::Display for InputFileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputFileError {}

/// The kind of a non-regular file, in words.
fn kind_of(file_type: std::fs::FileType) -> String {
    let key = if file_type.is_dir() {
        "folder"
    } else if file_type.is_fifo() {
        "fifo"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "device"
    } else if file_type.is_socket() {
        "socket"
    } else {
        "other"
    };
    crate::i18n::t(&format!("cli.input_file.{key}"))
}

/// Opens `path` for reading when it is a regular file of at most `cap` bytes, without waiting on
/// a FIFO; its size comes back with it.
pub fn open(path: &Path, cap: u64) -> Result<(File, u64), InputFileError> {
    let unreadable = |e: &std::io::Error| {
        InputFileError(tf(
            "cli.input_file.unreadable",
            &[("file", &path.display()), ("reason", &io_reason(e))],
        ))
    };
    let not_regular = |file_type: std::fs::FileType| {
        InputFileError(tf(
            "cli.input_file.not_regular",
            &[("file", &path.display()), ("kind", &kind_of(file_type))],
        ))
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| {
            // A socket cannot be opened at all ("no such device or address"): say what it is.
            match std::fs::metadata(path) {
                Ok(meta) if !meta.file_type().is_file() => not_regular(meta.file_type()),
                _ => unreadable(&e),
            }
        })?;
    let meta = file.metadata().map_err(|e| unreadable(&e))?;
    if !meta.file_type().is_file() {
        return Err(not_regular(meta.file_type()));
    }
    if meta.len() > cap {
        return Err(InputFileError(tf(
            "cli.input_file.too_large",
            &[
                ("file", &path.display()),
                ("size", &meta.len().div_ceil(1 << 20)),
                ("cap", &(cap >> 20)),
            ],
        )));
    }
    Ok((file, meta.len()))
}

/// The whole of a regular file of at most `cap` bytes (a card, a roster, a sheet).
pub fn read(path: &Path, cap: u64) -> Result<Vec<u8>, InputFileError> {
    let (file, size) = open(path, cap)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // A file that grows while it is read stops at the cap all the same.
    file.take(cap + 1).read_to_end(&mut bytes).map_err(|e| {
        InputFileError(tf(
            "cli.input_file.unreadable",
            &[("file", &path.display()), ("reason", &io_reason(&e))],
        ))
    })?;
    if bytes.len() as u64 > cap {
        return Err(InputFileError(tf(
            "cli.input_file.too_large",
            &[
                ("file", &path.display()),
                ("size", &(bytes.len() as u64).div_ceil(1 << 20)),
                ("cap", &(cap >> 20)),
            ],
        )));
    }
    Ok(bytes)
}
