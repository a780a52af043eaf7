//! A kept index file mapped read-only into memory: a search reads the pages it touches from the
//! page cache as it touches them, so a process holds what it looked at rather than a copy of the
//! whole file (98 MB at ten times the province).

use std::fs::File;
use std::os::fd::AsRawFd;

#[derive(Debug)]
pub(super) struct Mapped {
    start: *const u8,
    len: usize,
}

// SAFETY: the mapping is read-only and owned by this value; reading it from several threads is
// reading shared immutable memory.
unsafe impl Send for Mapped {}
unsafe impl Sync for Mapped {}

impl Mapped {
    /// The first `len` bytes of `file`. The kept index is only ever replaced by renaming a new
    /// file over it or removed (`store::derived`), never written in place, so the mapped bytes
    /// cannot change under a reader. Someone writing over the file in place by hand (`cp` onto
    /// it, `rsync --inplace`) while a peixun reads it would make that peixun fail on the next
    /// page it touches: the data folder is peixun's own, and its files are not to be edited.
    pub(super) fn of(file: &File, len: usize) -> std::io::Result<Mapped> {
        if len == 0 {
            return Ok(Mapped {
                start: std::ptr::NonNull::dangling().as_ptr(),
                len: 0,
            });
        }
        // SAFETY: a new private read-only mapping of an open file; nothing else refers to it.
        let start = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ,
                libc::MAP_PRIVATE,
                file.as_raw_fd(),
                0,
            )
        };
        if start == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Mapped {
            start: start.cast::<u8>(),
            len,
        })
    }

    /// Lets the system take back the pages read so far. The mapping is private and never
    /// written, so a page read again is faulted in from the page cache with the file's bytes:
    /// after a walk over a whole column (the enterprises' names, 8 MB at ten times the
    /// province), the process holds again only what searches touch.
    pub(super) fn forget_read_pages(&self) {
        if self.len > 0 {
            // SAFETY: advice on exactly the mapping made in `of`; for a private read-only file
            // mapping it drops no data, only this process's copy of the pages.
            unsafe {
                libc::madvise(self.start.cast_mut().cast(), self.len, libc::MADV_DONTNEED);
            }
        }
    }

    pub(super) fn bytes(&self) -> &[u8] {
        // SAFETY: `start` is a live mapping of `len` readable bytes (or dangling with length 0)
        // until `drop`, and its bytes are never written.
        unsafe { std::slice::from_raw_parts(self.start, self.len) }
    }
}

impl Drop for Mapped {
    fn drop(&mut self) {
        if self.len > 0 {
            // SAFETY: unmaps exactly the mapping made in `of`; no slice of it outlives `self`.
            unsafe {
                libc::munmap(self.start.cast_mut().cast(), self.len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_mapping_reads_the_files_bytes() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(b"peixun").unwrap();
        assert_eq!(Mapped::of(&file, 6).unwrap().bytes(), b"peixun");
        assert_eq!(Mapped::of(&file, 0).unwrap().bytes(), b"");
    }

    #[test]
    fn pages_forgotten_read_back_as_the_files_bytes() {
        let mut file = tempfile::tempfile().unwrap();
        let bytes: Vec<u8> = (0..3 * 4096 + 7).map(|i| (i % 251) as u8).collect();
        file.write_all(&bytes).unwrap();
        let mapped = Mapped::of(&file, bytes.len()).unwrap();
        assert_eq!(mapped.bytes(), bytes);
        mapped.forget_read_pages();
        assert_eq!(mapped.bytes(), bytes);
        Mapped::of(&file, 0).unwrap().forget_read_pages();
    }
}
