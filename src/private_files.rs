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

/// `dir` 0700 and everything in it 0600 (folders 0700), without following symbolic links. A
/// folder this user may not change (another owner's, a read-only disk) is left as it is: the
/// command that opened it says what it cannot do there.
pub fn tighten(dir: &Path) {
    if !set_mode(dir, 0o700) {
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
            set_mode(&entry.path(), 0o600);
        }
    }
}

/// False when the mode could not be read or set.
fn set_mode(path: &Path, mode: u32) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    meta.permissions().mode() & 0o777 == mode
        || std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).is_ok()
}
