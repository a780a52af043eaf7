//! Handing memory a bulk read freed back to the system. glibc keeps freed memory for reuse, so
//! after a one-off read (the province's certification book is 80 MB while it is worked out,
//! 5 MB once shown; a `doctor` run for another peixun) a long-running interface would hold its
//! peak for the rest of the session.

/// Returns the allocator's free memory to the system; a few milliseconds, so only after reads
/// that are large, never on a keystroke's path.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and trims the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}
