//! Files and folders written beside their targets until they are whole (a report, a package, a
//! bundle, a backup), named `.peixun-KIND-PID-XXXXXX…` so that what is left of one is known for
//! what it is and whose it was. A command stopped by Ctrl-C or SIGTERM removes its own before
//! it ends. One killed outright (SIGKILL, a power cut) cannot: the next one written into the
//! same folder removes what a peixun that has ended left there.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// What a process that seems gone left is kept this long after its last change: a peixun of
/// another machine or container, writing into a shared folder, is not one this one can see.
const IDLE_BEFORE_REMOVED: Duration = Duration::from_secs(60 * 60);

/// The paths this process is writing, pruned of those already named or removed.
static UNDER_WAY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The stop watcher's handle while it runs (`remove_on_stop`).
static WATCHER: Mutex<Option<signal_hook::iterator::Handle>> = Mutex::new(None);

/// A temp file in `dir` for a file of `kind` (a one-word name: `report`, `bundle`…).
pub fn file_in(dir: &Path, kind: &str, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    remove_left_behind(dir);
    let file = tempfile::Builder::new()
        .prefix(&prefix(kind))
        .suffix(suffix)
        .tempfile_in(dir)?;
    under_way(file.path());
    Ok(file)
}

/// A temp folder in `dir` for a folder of `kind`.
pub fn folder_in(dir: &Path, kind: &str) -> std::io::Result<tempfile::TempDir> {
    remove_left_behind(dir);
    let folder = tempfile::Builder::new()
        .prefix(&prefix(kind))
        .tempdir_in(dir)?;
    under_way(folder.path());
    Ok(folder)
}

fn prefix(kind: &str) -> String {
    format!(".peixun-{kind}-{}-", std::process::id())
}

fn under_way(path: &Path) {
    let mut paths = locked(&UNDER_WAY);
    paths.retain(|p| p.symlink_metadata().is_ok());
    paths.push(path.to_path_buf());
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes what this process is still writing: when it is stopped, and when it ends with work
/// unfinished (the interface closed while a report was being written).
pub fn remove_under_way() {
    for path in std::mem::take(&mut *locked(&UNDER_WAY)) {
        remove(&path);
    }
}

fn remove(path: &Path) {
    let removed = match path.symlink_metadata() {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    };
    // Nothing more can be done about it on the way out; the next write here tries again.
    drop(removed);
}

/// From now until `leave_stops_to_the_interface`, Ctrl-C and SIGTERM remove what is under way
/// and then end the process as they would have.
pub fn remove_on_stop() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT])?;
    *locked(&WATCHER) = Some(signals.handle());
    std::thread::Builder::new()
        .name("stop".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                remove_under_way();
                drop(signal_hook::low_level::emulate_default_handler(signal));
            }
        })?;
    Ok(())
}

/// The interface takes over Ctrl-C and SIGTERM to close itself cleanly.
pub fn leave_stops_to_the_interface() {
    if let Some(handle) = locked(&WATCHER).take() {
        handle.close();
    }
}

/// Removes from `dir` what a peixun that has ended left unfinished there, untouched for a while.
fn remove_left_behind(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(left_by) else {
            continue;
        };
        if pid == std::process::id() || is_running(pid) {
            continue;
        }
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let idle = meta
            .modified()
            .ok()
            .and_then(|at| now.duration_since(at).ok());
        if !meta.file_type().is_symlink() && idle.is_some_and(|idle| idle >= IDLE_BEFORE_REMOVED) {
            remove(&entry.path());
        }
    }
}

/// The process that left `name`, if it is a peixun's unfinished file: `.peixun-KIND-PID-XXXXXX`
/// and any suffix.
fn left_by(name: &str) -> Option<u32> {
    let mut parts = name.strip_prefix(".peixun-")?.splitn(3, '-');
    let (_kind, pid, _random) = (parts.next()?, parts.next()?, parts.next()?);
    pid.parse().ok()
}

#[cfg(unix)]
fn is_running(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 sends nothing; kill only says whether the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0;
    alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn is_running(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A process id no process has: a child that has ended and been waited for.
    fn ended_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    fn age(path: &Path, by: Duration) {
        let at = SystemTime::now() - by;
        std::fs::File::open(path).unwrap().set_modified(at).unwrap();
    }

    #[test]
    fn only_a_peixuns_unfinished_names_are_read_as_left() {
        assert_eq!(left_by(".peixun-report-4242-a1B2c3.tmp"), Some(4242));
        assert_eq!(left_by(".peixun-package-77-a1B2c3"), Some(77));
        // The names of earlier versions, and the finished files beside them, are left alone.
        assert_eq!(left_by(".peixun-bundle-a1B2c3.tmp"), None);
        assert_eq!(left_by(".peixun-package-123456"), None);
        assert_eq!(left_by("peixun-report-4242-a1B2c3.tmp"), None);
        assert_eq!(left_by("签到表.pdf"), None);
    }

    #[test]
    fn what_an_ended_peixun_left_goes_once_it_has_been_idle() {
        let dir = tempfile::tempdir().unwrap();
        let gone = ended_pid();
        let old_file = dir.path().join(format!(".peixun-report-{gone}-aaaaaa.tmp"));
        let old_folder = dir.path().join(format!(".peixun-package-{gone}-bbbbbb"));
        let fresh = dir.path().join(format!(".peixun-report-{gone}-cccccc.tmp"));
        // SAFETY: getppid has no preconditions; the test runner's parent runs while it does.
        let parent = unsafe { libc::getppid() };
        let alive = dir
            .path()
            .join(format!(".peixun-report-{parent}-dddddd.tmp"));
        let finished = dir.path().join("签到表.pdf");
        for file in [&old_file, &fresh, &alive, &finished] {
            std::fs::write(file, b"part").unwrap();
        }
        std::fs::create_dir(&old_folder).unwrap();
        std::fs::write(old_folder.join("附件2.xlsx"), b"part").unwrap();
        for path in [&old_file, &old_folder, &alive, &finished] {
            age(path, IDLE_BEFORE_REMOVED + Duration::from_secs(60));
        }
        let made = file_in(dir.path(), "report", ".tmp").unwrap();
        assert!(!old_file.exists() && !old_folder.exists());
        assert!(fresh.exists(), "touched lately: perhaps another machine's");
        assert!(alive.exists(), "its process is running");
        assert!(finished.exists());
        assert!(made.path().exists());
    }

    #[test]
    fn what_is_under_way_is_known_until_it_is_named_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("电话清单.pdf");
        let named = file_in(dir.path(), "report", ".tmp").unwrap();
        let named_path = named.path().to_path_buf();
        named.persist(&target).unwrap();
        let dropped = folder_in(dir.path(), "package").unwrap();
        let dropped_path = dropped.path().to_path_buf();
        drop(dropped);
        let file = file_in(dir.path(), "report", ".tmp").unwrap();
        let folder = folder_in(dir.path(), "package").unwrap();
        let known = locked(&UNDER_WAY).clone();
        assert!(known.contains(&file.path().to_path_buf()));
        assert!(known.contains(&folder.path().to_path_buf()));
        assert!(!known.contains(&named_path) && !known.contains(&dropped_path));
        let ours = file
            .path()
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(left_by);
        assert_eq!(ours, Some(std::process::id()));
    }

    #[test]
    fn a_file_or_a_folder_under_way_is_removed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".peixun-report-1-aaaaaa.tmp");
        let folder = dir.path().join(".peixun-package-1-bbbbbb");
        std::fs::write(&file, b"part").unwrap();
        std::fs::create_dir_all(folder.join("附件2")).unwrap();
        std::fs::write(folder.join("附件2").join("a.xlsx"), b"part").unwrap();
        remove(&file);
        remove(&folder);
        remove(&dir.path().join("never-there"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
