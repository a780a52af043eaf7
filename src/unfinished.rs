//! Files and folders written beside their targets until they are whole (a report, a package, a
//! bundle, a backup, a demo store), named `.peixun-KIND-PID-XXXXXX…` so that what is left of one is known for
//! what it is and whose it was. A command stopped by Ctrl-C, Ctrl-\ or SIGTERM removes its own
//! before it ends. One killed outright (SIGKILL, a power cut) cannot: the next one written into the
//! same folder removes what a peixun that has ended left there.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// What a process that seems gone left is kept this long after its last change: a peixun of
/// another machine or container, writing into a shared folder, is not one this one can see.
const IDLE_BEFORE_REMOVED: Duration = Duration::from_secs(60 * 60);

/// The kinds of file made here, each with the suffixes it is made with (a folder moved aside to
/// be removed takes `.tmp`): nothing else is ever taken for one (a coordinator's own
/// `.peixun-notes-2024-plan.txt` stays).
const KINDS: &[(&str, &[&str])] = &[
    ("report", &[".tmp"]),
    ("bundle", &[".tmp"]),
    ("backup", &[".tmp"]),
    ("package", &["", ".zip", ".tmp"]),
    ("restore", &["", ".tmp"]),
    ("demo", &["", ".tmp"]),
];
/// tempfile's random part: six letters and digits.
const RANDOM_LEN: usize = 6;

/// The paths this process is writing, pruned of those already named or removed. Held by the
/// stop watcher from the signal to the end, so nothing is made, named or removed meanwhile.
static UNDER_WAY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Of those, the folders made from nothing to be filled (`making`): removed only while empty,
/// since another process may have put a store of its own there meanwhile.
static EMPTY_ONLY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What a stop says instead of ending as the signal would, once the command's own work is done
/// (`stop_only_cuts`).
static ONLY_CUTS: Mutex<Option<String>> = Mutex::new(None);

/// The stop watcher's handle while it runs (`remove_on_stop`).
static WATCHER: Mutex<Option<signal_hook::iterator::Handle>> = Mutex::new(None);

/// A temp file in `dir` for a file of `kind` (one of `KINDS`).
pub fn file_in(dir: &Path, kind: &str, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    remove_left_behind(dir);
    let mut paths = under_way();
    let file = tempfile::Builder::new()
        .prefix(&prefix(kind))
        .rand_bytes(RANDOM_LEN)
        .suffix(suffix)
        .tempfile_in(dir)?;
    paths.push(file.path().to_path_buf());
    Ok(file)
}

/// A temp folder in `dir` for a folder of `kind`.
pub fn folder_in(dir: &Path, kind: &str) -> std::io::Result<tempfile::TempDir> {
    remove_left_behind(dir);
    let mut paths = under_way();
    let folder = tempfile::Builder::new()
        .prefix(&prefix(kind))
        .rand_bytes(RANDOM_LEN)
        .tempdir_in(dir)?;
    paths.push(folder.path().to_path_buf());
    Ok(folder)
}

/// Marks `folder`, just made from nothing by this process (a demo's data folder), as under way
/// until `name` is called for it: a Ctrl-C, Ctrl-\ or SIGTERM meanwhile removes it, once what
/// was under way inside it is gone, if it is empty then. A folder that was there before is never
/// marked.
pub fn making(folder: &Path) {
    locked(&EMPTY_ONLY).push(folder.to_path_buf());
    under_way().push(folder.to_path_buf());
}

/// Gives what is at `temp` its name (`rename` renames or persists it) with no stop removing it
/// meanwhile: a removal under way when a folder is renamed would empty the finished one.
pub fn name<T>(temp: &Path, rename: impl FnOnce() -> T) -> T {
    let mut paths = under_way();
    let named = rename();
    paths.retain(|p| p != temp);
    locked(&EMPTY_ONLY).retain(|p| p != temp);
    named
}

fn prefix(kind: &str) -> String {
    format!(".peixun-{kind}-{}-", std::process::id())
}

/// The list, pruned of paths no longer there (dropped on an error, or named).
fn under_way() -> MutexGuard<'static, Vec<PathBuf>> {
    let mut paths = locked(&UNDER_WAY);
    paths.retain(|p| p.symlink_metadata().is_ok());
    paths
}

fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Removes what this process is still writing: when it ends with work unfinished (the
/// interface closed while a report was being written).
pub fn remove_under_way() {
    remove_all(&mut locked(&UNDER_WAY));
}

/// Removes what this process is still writing and ends it with `code` (an interface stopped by
/// a signal, its worker still writing): the list is held to the end, so the worker makes or
/// names nothing meanwhile.
pub fn remove_under_way_and_exit(code: i32) -> ! {
    let mut paths = locked(&UNDER_WAY);
    remove_all(&mut paths);
    std::process::exit(code)
}

/// The last marked first: what was made inside a folder goes before the folder.
fn remove_all(paths: &mut Vec<PathBuf>) {
    for path in std::mem::take(paths).into_iter().rev() {
        remove(&path);
    }
}

fn remove(path: &Path) {
    let empty_only = locked(&EMPTY_ONLY).contains(&path.to_path_buf());
    let removed = match path.symlink_metadata() {
        Ok(meta) if meta.is_dir() && empty_only => std::fs::remove_dir(path),
        Ok(meta) if meta.is_dir() => remove_folder(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    };
    // Nothing more can be done about it on the way out; the next write here tries again.
    drop(removed);
}

/// A folder still being written into is first moved aside (to a name still read as
/// unfinished): the work writes by the old path, so nothing new appears in it while it goes.
fn remove_folder(path: &Path) -> std::io::Result<()> {
    let mut aside = path.as_os_str().to_owned();
    aside.push(".tmp");
    let aside = PathBuf::from(aside);
    let at = match std::fs::rename(path, &aside) {
        Ok(()) => aside.as_path(),
        Err(_) => path,
    };
    let mut removed = std::fs::remove_dir_all(at);
    for _ in 0..9 {
        if removed.is_ok() {
            break;
        }
        removed = std::fs::remove_dir_all(at);
    }
    removed
}

/// From now until `leave_stops_to_the_interface`, Ctrl-C, Ctrl-\ (SIGQUIT) and SIGTERM remove
/// what is under way and then end the process as they would have (SIGQUIT with its core dump,
/// where those are kept). A signal this process ignores (SIGINT and SIGQUIT for a command started
/// with `&` by a script) stays ignored.
pub fn remove_on_stop() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGQUIT, SIGTERM};
    let watched: Vec<_> = [SIGTERM, SIGINT, SIGQUIT]
        .into_iter()
        .filter(|&s| !is_ignored(s))
        .collect();
    let mut signals = signal_hook::iterator::Signals::new(&watched)?;
    let handle = signals.handle();
    let spawned = std::thread::Builder::new()
        .name("stop".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Held to the end: nothing under way is made or named after this.
                let mut paths = locked(&UNDER_WAY);
                remove_all(&mut paths);
                if let Some(said) = locked(&ONLY_CUTS).take() {
                    eprintln!("peixun: {said}");
                    std::process::exit(0);
                }
                drop(signal_hook::low_level::emulate_default_handler(signal));
            }
        });
    match spawned {
        Ok(_) => {
            *locked(&WATCHER) = Some(handle);
            Ok(())
        }
        Err(e) => {
            handle.close();
            Err(e)
        }
    }
}

#[cfg(unix)]
fn is_ignored(signal: libc::c_int) -> bool {
    // SAFETY: sigaction with no new action only reads the signal's disposition.
    unsafe {
        let mut now: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut now) == 0
            && now.sa_sigaction == libc::SIG_IGN
    }
}

#[cfg(not(unix))]
fn is_ignored(_signal: i32) -> bool {
    false
}

/// From now on the command's own work is done and saved (what follows is the day's automatic
/// backup): a stop removes what is under way, says `said` and ends as a success, so a script
/// does not take a saved change for a failed one.
pub fn stop_only_cuts(said: String) {
    *locked(&ONLY_CUTS) = Some(said);
}

/// The interface takes over the stop signals to close itself cleanly: called just before it
/// sets its own, so a signal in between is at worst ignored, never taken by both.
pub fn leave_stops_to_the_interface() {
    if let Some(handle) = locked(&WATCHER).take() {
        handle.close();
    }
}

/// Removes from `dir` what a peixun that has ended left unfinished there: this user's, and
/// untouched for a while, its folder's files included.
fn remove_left_behind(dir: &Path) {
    remove_ended(dir, None, IDLE_BEFORE_REMOVED);
}

/// A temp folder in `dir` for a folder of `kind` in a place nobody else writes to (the new
/// store a backup is restored into, or a demo is built in): what an ended peixun left there for the same work goes at
/// once, however lately touched, so a restore tried again does not leave the killed one's copy.
pub fn folder_in_own(dir: &Path, kind: &str) -> std::io::Result<tempfile::TempDir> {
    remove_ended(dir, Some(kind), Duration::ZERO);
    folder_in(dir, kind)
}

/// Removes from `dir` what ended peixuns left (of `kind` only, when given) and nothing has
/// changed for `idle`.
fn remove_ended(dir: &Path, kind: Option<&str>, idle_for: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    let mine = locked(&UNDER_WAY).clone();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(left_by) else {
            continue;
        };
        let of_kind = kind.is_none_or(|kind| {
            name.to_string_lossy()
                .starts_with(&format!(".peixun-{kind}-"))
        });
        let path = entry.path();
        let ended = if pid == std::process::id() {
            !mine.contains(&path)
        } else {
            !is_running(pid)
        };
        let Ok(meta) = entry.metadata() else {
            continue;
        };
        let idle = last_change(&path, &meta).and_then(|at| now.duration_since(at).ok());
        if ended
            && of_kind
            && is_users(&meta)
            && !meta.file_type().is_symlink()
            && idle.is_some_and(|idle| idle >= idle_for)
        {
            remove(&path);
        }
    }
}

/// When anything under `path` last changed: a folder's own time stays while files deeper in it
/// are written.
fn last_change(path: &Path, meta: &std::fs::Metadata) -> Option<SystemTime> {
    let own = meta.modified().ok()?;
    if !meta.is_dir() {
        return Some(own);
    }
    let deeper = std::fs::read_dir(path).ok()?.flatten().filter_map(|entry| {
        let meta = entry.metadata().ok()?;
        if meta.file_type().is_symlink() {
            return meta.modified().ok();
        }
        last_change(&entry.path(), &meta)
    });
    Some(deeper.fold(own, SystemTime::max))
}

#[cfg(unix)]
fn is_users(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions.
    meta.uid() == unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
fn is_users(_meta: &std::fs::Metadata) -> bool {
    true
}

/// The process that left `name`, if it is a peixun's unfinished file or folder:
/// `.peixun-KIND-PID-XXXXXX` and one of `SUFFIXES`.
fn left_by(name: &str) -> Option<u32> {
    let mut parts = name.strip_prefix(".peixun-")?.splitn(3, '-');
    let (kind, pid, rest) = (parts.next()?, parts.next()?, parts.next()?);
    let random = rest.get(..RANDOM_LEN)?;
    let suffixes = KINDS.iter().find(|(k, _)| *k == kind)?.1;
    let fits = random.chars().all(|c| c.is_ascii_alphanumeric())
        && suffixes.contains(&&rest[RANDOM_LEN..])
        && !pid.starts_with('0')
        && pid.chars().all(|c| c.is_ascii_digit());
    fits.then(|| pid.parse().ok()).flatten()
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
        assert_eq!(left_by(".peixun-package-77-a1B2c3.zip"), Some(77));
        // The names of earlier versions, a coordinator's own files and finished ones stay.
        for name in [
            ".peixun-bundle-a1B2c3.tmp",
            ".peixun-package-123456",
            ".peixun-notes-2024-plan.txt",
            ".peixun-report-4242-plan.txt",
            ".peixun-report-4242-a1B2c3.txt",
            ".peixun-report-4242-a1B2c3d4.tmp",
            ".peixun-report-099993-abcdef.tmp",
            ".peixun-report-99991-ABCDEF",
            ".peixun-bundle-99991-ABCDEF.zip",
            ".peixun-report--a1B2c3.tmp",
            ".peixun-report-+42-a1B2c3.tmp",
            "peixun-report-4242-a1B2c3.tmp",
            "签到表.pdf",
        ] {
            assert_eq!(left_by(name), None, "{name}");
        }
    }

    #[test]
    fn what_an_ended_peixun_left_goes_once_it_has_been_idle() {
        let dir = tempfile::tempdir().unwrap();
        let gone = ended_pid();
        let at = |name: String| dir.path().join(name);
        let old_file = at(format!(".peixun-report-{gone}-aaaaaa.tmp"));
        let old_folder = at(format!(".peixun-package-{gone}-bbbbbb"));
        let fresh = at(format!(".peixun-report-{gone}-cccccc.tmp"));
        // SAFETY: getppid has no preconditions; the test runner's parent runs while it does.
        let parent = unsafe { libc::getppid() };
        let alive = at(format!(".peixun-report-{parent}-dddddd.tmp"));
        // A run of this same process id before this one (a container's fixed ids).
        let mine_before = at(format!(".peixun-backup-{}-eeeeee.tmp", std::process::id()));
        let written_inside = at(format!(".peixun-restore-{gone}-ffffff"));
        let finished = dir.path().join("签到表.pdf");
        for file in [&old_file, &fresh, &alive, &mine_before, &finished] {
            std::fs::write(file, b"part").unwrap();
        }
        for folder in [&old_folder, &written_inside] {
            std::fs::create_dir_all(folder.join("db")).unwrap();
            std::fs::write(folder.join("db").join("db"), b"part").unwrap();
        }
        let long_ago = IDLE_BEFORE_REMOVED + Duration::from_secs(60);
        for path in [&old_file, &alive, &mine_before, &finished] {
            age(path, long_ago);
        }
        for path in [
            old_folder.join("db").join("db"),
            old_folder.join("db"),
            old_folder.clone(),
        ] {
            age(&path, long_ago);
        }
        // Its folders' times are old; the file being written deep inside is not.
        age(&written_inside.join("db"), long_ago);
        age(&written_inside, long_ago);
        let made = file_in(dir.path(), "report", ".tmp").unwrap();
        assert!(!old_file.exists() && !old_folder.exists() && !mine_before.exists());
        assert!(fresh.exists(), "touched lately: perhaps another machine's");
        assert!(
            written_inside.exists(),
            "a file inside it was touched lately"
        );
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
        assert!(locked(&UNDER_WAY).contains(&named_path));
        name(&named_path, || named.persist(&target)).unwrap();
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
        assert!(target.exists());
    }

    #[test]
    fn a_restore_tried_again_removes_what_the_ended_one_left_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let gone = ended_pid();
        let killed = dir.path().join(format!(".peixun-restore-{gone}-aaaaaa"));
        let other_kind = dir.path().join(format!(".peixun-report-{gone}-bbbbbb.tmp"));
        std::fs::create_dir_all(killed.join("db")).unwrap();
        std::fs::write(&other_kind, b"part").unwrap();
        let work = folder_in_own(dir.path(), "restore").unwrap();
        assert!(!killed.exists(), "just now, but its restore ended");
        assert!(other_kind.exists(), "another kind waits its hour");
        assert!(work.path().exists());
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
