//! Reading a file at an offset without moving a shared cursor, one call on every platform: the
//! scratch files of a bundle import and of `people --json` are read back in another order than
//! written.

use std::fs::File;

/// Fills `buf` from `offset`, or as much of it as the file holds; how many bytes were read.
pub fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match read_once(file, &mut buf[got..], offset + got as u64)? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got)
}

/// Fills `buf` from `offset`; a file that ends first is an error.
pub fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    if read_at(file, buf, offset)? < buf.len() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "a scratch file ends early",
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn read_once(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_once(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}
