//! Who holds a store: the peixun that takes the lock writes its process, its user and the time
//! into the lock file, so one that is refused can say whom to ask, and `peixun who` can tell.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::Path;

/// The peixun holding a store's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// The login name it runs under.
    pub user: String,
    pub since: chrono::DateTime<chrono::Local>,
}

/// Writes this process into the lock file it has just locked. A failure is not worth refusing
/// the store for: the lock itself is what keeps others out.
pub(super) fn write(file: &mut File) {
    let user = ["USER", "LOGNAME"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|name| !name.trim().is_empty())
        // SAFETY: getuid cannot fail and touches no memory of ours.
        .unwrap_or_else(|| format!("uid {}", unsafe { libc::getuid() }));
    let line = format!(
        "{}\t{}\t{}\n",
        std::process::id(),
        user.replace(['\t', '\n'], " "),
        chrono::Local::now().timestamp_millis()
    );
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(line.as_bytes()));
}

/// Who wrote the lock file of `dir`, if it says.
pub fn read(dir: &Path) -> Option<Holder> {
    let mut text = String::new();
    File::open(dir.join("peixun.lock"))
        .ok()?
        .take(4096)
        .read_to_string(&mut text)
        .ok()?;
    let mut fields = text.trim_end().split('\t');
    let pid = fields.next()?.parse().ok()?;
    let user = fields.next()?.to_string();
    let ms: i64 = fields.next()?.parse().ok()?;
    let since = chrono::DateTime::from_timestamp_millis(ms)?.with_timezone(&chrono::Local);
    Some(Holder { pid, user, since })
}

/// Who holds the store in `dir` now: `None` when nobody does (the lock is free).
pub fn holding(dir: &Path) -> std::io::Result<Option<Holder>> {
    let file = match File::open(dir.join("peixun.lock")) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(None),
        Err(std::fs::TryLockError::WouldBlock) => Ok(Some(read(dir).unwrap_or(Holder {
            pid: 0,
            user: String::new(),
            since: chrono::Local::now(),
        }))),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holder_is_read_back_and_a_free_store_has_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(holding(dir.path()).unwrap(), None);
        let store = crate::store::Store::create(dir.path(), "420704", "测试员").unwrap();
        let held = holding(dir.path()).unwrap().expect("held while open");
        assert_eq!(held.pid, std::process::id());
        assert!((chrono::Local::now() - held.since).num_seconds() < 60);
        drop(store);
        assert_eq!(holding(dir.path()).unwrap(), None);
        // A lock file of another shape says nothing, rather than something wrong.
        std::fs::write(dir.path().join("peixun.lock"), "garbage").unwrap();
        assert_eq!(read(dir.path()), None);
    }
}
