//! The allocator set up for a process that reads a whole store at times: one heap for every
//! thread, and freed memory handed back to the system (large blocks as they are freed, the
//! rest after a bulk read). glibc keeps freed memory for reuse, so after a one-off read (the province's
//! certification book is 80 MB while it is worked out, 5 MB once shown; a `doctor` run for
//! another peixun) a long-running interface would hold its peak for the rest of the session.

/// Returns the allocator's free memory to the system; a few milliseconds, so only after reads
/// that are large, never on a keystroke's path.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks and trims the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Sets one heap for every thread, and maps blocks from 512 KiB.
///
/// glibc raises the size from which it maps a block on its own each time such a block is freed,
/// up to 32 MB; blocks below it then come from the heap and, once freed, stay with the process.
/// A bundle import of 400,000 ops peaked at 112-116 MB so, and at 70-74 MB with the size held
/// at 512 KiB (1 MiB: 111-112 MB), where large blocks go back to the system as they are freed,
/// for about 8% more time.
///
/// glibc also gives each thread that allocates while another does a heap of its own, and what
/// one heap frees the others do not reuse. The interface reads on worker threads, each after
/// others' reads: its door index, built on one after the tabs' reads, peaked 90 MB higher at
/// ten times the province (407 MB, against 316 MB with one heap). So every peixun shares one:
/// its threads are few, and a bundle import of 1,000,030 ops, beside sled's threads, peaked at
/// 75-87 MB in 22-25 s either way (three runs each). Called first thing in `main`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn configure() {
    // SAFETY: `mallopt` sets allocator parameters; called once, before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 512 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn configure() {}
