//! An office's data folder holds names and phone numbers in clear: it is the owner's alone. The
//! process creates everything with the mask 077 (sled makes its files itself, some of them later
//! from its own threads, so only the mask reaches them), and every store that opens is walked
//! and tightened, so a folder made by an older peixun, or copied in with open modes, is private
//! from then on. Reports written elsewhere keep the user's own mask: they are for colleagues.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::OnceLock;

static USER_MASK: OnceLock<u32> = OnceLock::new();

/// Makes every file this process creates private, remembering the user's own mask. Call once,
/// before any thread starts.
pub fn restrict_process() {
    // SAFETY: umask only swaps the process's file-creation mask.
    let mask = unsafe { libc::umask(0o077) };
    let _ = USER_MASK.set(mask);
}

/// The mask the user started the program with (what reports for colleagues follow).
pub fn user_mask() -> u32 {
    match USER_MASK.get() {
        Some(mask) => *mask,
        // SAFETY: as above; the mask is put straight back.
        None => unsafe {
            let mask = libc::umask(0o022);
            libc::umask(mask);
            mask
        },
    }
}

/// Takes every permission of group and others from `dir` and everything in it (so folders
/// 0700 and files 0600 as peixun makes them), without following symbolic links and without
/// granting anything: a file its owner made unreadable stays so. A folder this user may not
/// change (another owner's, a read-only disk) is left as it is: the command that opened it
/// says what it cannot do there.
pub fn tighten(dir: &Path) {
    if !owner_only(dir) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            tighten(&entry.path());
        } else if kind.is_file() {
            owner_only(&entry.path());
        }
    }
}

/// False when the mode could not be read or changed.
fn owner_only(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    let mode = meta.permissions().mode() & 0o7777;
    mode & 0o077 == 0
        || std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & !0o077)).is_ok()
}
