//! Finding, creating and opening a store, and refusing to when that would be unsafe.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use color_eyre::eyre::{Result, WrapErr};

use super::{Head, Store, Writer, SCHEMA_VERSION};
use crate::i18n::tf;
use crate::log::Hlc;

/// Failures a coordinator can act on, each with its own message.
#[derive(Debug)]
pub enum StoreError {
    NoStore(PathBuf),
    AlreadyExists(PathBuf),
    Locked {
        dir: PathBuf,
        holder: Option<super::holder::Holder>,
    },
    NewerSchema {
        found: u32,
        supported: u32,
    },
    Damaged {
        dir: PathBuf,
        detail: String,
    },
    /// The disk has no room for what opening writes; nothing is damaged.
    DiskFull(PathBuf),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            Self::NoStore(dir) => tf("cli.store.none", &[("dir", &dir.display())]),
            Self::AlreadyExists(dir) => tf("cli.store.exists", &[("dir", &dir.display())]),
            Self::Locked {
                dir,
                holder: Some(h),
            } => tf(
                "cli.store.locked_by",
                &[
                    ("dir", &dir.display()),
                    ("user", &h.user),
                    ("pid", &h.pid),
                    ("since", &h.since.format("%Y-%m-%d %H:%M")),
                ],
            ),
            Self::Locked { dir, holder: None } => {
                tf("cli.store.locked", &[("dir", &dir.display())])
            }
            Self::NewerSchema { found, supported } => tf(
                "cli.store.newer",
                &[("found", found), ("supported", supported)],
            ),
            Self::Damaged { dir, detail } => tf(
                "cli.store.damaged",
                &[("dir", &dir.display()), ("detail", detail)],
            ),
            Self::DiskFull(dir) => tf("cli.store.disk_full", &[("dir", &dir.display())]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for StoreError {}

/// A sled corruption met after the store opened (reading the log, a query) is told like one met
/// while opening: the store is damaged and a backup restores it.
pub fn damaged_message(report: &color_eyre::eyre::Report, dir: &Path) -> Option<String> {
    report
        .chain()
        .find_map(|cause| match cause.downcast_ref::<sled::Error>() {
            Some(sled::Error::Corruption { .. }) => Some(
                StoreError::Damaged {
                    dir: dir.to_path_buf(),
                    detail: cause.to_string(),
                }
                .to_string(),
            ),
            _ => None,
        })
}

/// Whether opening failed because another peixun holds the store.
pub fn is_locked(report: &color_eyre::Report) -> bool {
    matches!(
        report.downcast_ref::<StoreError>(),
        Some(StoreError::Locked { .. })
    )
}

/// The store's lock, held until dropped.
pub struct StoreLock {
    _file: File,
}

/// `--data-dir`, else `PEIXUN_DATA_DIR` (both handled by clap), else the platform data dir.
pub fn default_data_dir() -> Option<PathBuf> {
    crate::dirs::data_dir()
}

fn db_path(dir: &Path) -> PathBuf {
    dir.join("db")
}

fn lock(dir: &Path) -> Result<File> {
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("peixun.lock"))
        .wrap_err_with(|| tf("cli.store.open_failed", &[("dir", &dir.display())]))?;
    // A lock still held for a moment is waited for: a process just exiting, or a child being
    // started elsewhere in this process, which holds a copy of the lock until it runs.
    let mut tries = 0;
    let taken = loop {
        match file.try_lock() {
            Err(TryLockError::WouldBlock) if tries < 20 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            other => break other,
        }
    };
    match taken {
        Ok(()) => {
            super::holder::write(&mut file);
            Ok(file)
        }
        Err(TryLockError::WouldBlock) => Err(StoreError::Locked {
            dir: dir.to_path_buf(),
            holder: super::holder::read(dir),
        }
        .into()),
        Err(TryLockError::Error(e)) => {
            Err(e).wrap_err_with(|| tf("cli.store.open_failed", &[("dir", &dir.display())]))
        }
    }
}

/// sled 0.34 lists every `snap.*` file as a snapshot, including the `.generating` one a disk
/// full or a crash left half written, and then refuses the store as corrupt. Such a file is
/// never a finished snapshot (sled renames it only after syncing it), so it goes.
fn remove_unfinished_snapshots(db: &Path) {
    let Ok(entries) = std::fs::read_dir(db) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            // A read-only dir keeps it; sled then says the store is damaged, which is true.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// What a write beside the store names its file until it is whole (`tempfile`'s default).
const UNFINISHED_PREFIX: &str = ".tmp";

/// A file written beside the store is named as unfinished until it is whole; a process killed
/// meanwhile leaves it behind. Called with the store's lock held, so no peixun is writing one;
/// only those older than a minute go, in case a clock or a lock is not what it seems.
fn remove_abandoned_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let a_minute_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for entry in entries.flatten() {
        let unfinished = entry
            .file_name()
            .to_string_lossy()
            .starts_with(UNFINISHED_PREFIX);
        let abandoned = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|modified| modified < a_minute_ago);
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if unfinished && abandoned && is_file {
            // A read-only folder keeps it: it is only clutter.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// sled 0.34 panics instead of returning an error on some damaged files during recovery: here
/// that panic becomes the "damaged" refusal, without the crash report.
fn open_catching(config: &sled::Config) -> Result<sled::Result<sled::Db>, String> {
    crate::caught::quietly(|| config.open())
}

/// The length of sled's segments, as its `conf` file gives it (lines of text, then a checksum
/// that is not text).
fn segment_size(db: &Path) -> Option<u64> {
    let conf = std::fs::read(db.join("conf")).ok()?;
    String::from_utf8_lossy(&conf)
        .lines()
        .find_map(|line| line.strip_prefix("segment_size: "))
        .and_then(|size| size.trim().parse().ok())
        .filter(|&size| size >= 4096)
}

/// sled reads the head of every segment of its file as it opens, one after another: 440 small
/// reads at province, 2,000 at ten times it. Once the page cache has dropped them (a machine
/// left alone for a while) and each read waits on the disk, that is seconds; asked for all at
/// once here, the disk fetches them together. Only a hint: nothing is read or changed.
fn ask_for_segment_heads(db: &Path) {
    let Some(segment) = segment_size(db) else {
        return;
    };
    let Ok(file) = File::open(db.join("db")) else {
        return;
    };
    let len = file.metadata().map_or(0, |m| m.len());
    let mut at = 0;
    while at < len {
        // SAFETY: a hint about a range of an open file; the kernel only reads it ahead.
        unsafe {
            libc::posix_fadvise(
                file.as_raw_fd(),
                at as libc::off_t,
                4096,
                libc::POSIX_FADV_WILLNEED,
            );
        }
        at += segment;
    }
}

/// sled's cache: keeps a province-scale store's footprint small; the working set is a screenful.
/// sled counts the records as stored and holds them at about twice that. At ten times the
/// province the first session peaked 12 MB lower with 4 MB than with 12, with `outreach list`,
/// the 通报 and the search index's build as fast (medians within 5% either way); 4 MB was
/// already what `doctor`, backups and imports kept, which read the store through once.
pub(super) const CACHE_BYTES: u64 = 4 * 1024 * 1024;

fn open_db(dir: &Path) -> Result<sled::Db> {
    remove_unfinished_snapshots(&db_path(dir));
    ask_for_segment_heads(&db_path(dir));
    let config = sled::Config::new()
        .path(db_path(dir))
        .cache_capacity(CACHE_BYTES);
    // Our own lock file already keeps other processes out, so sled's lock can only be held by a
    // store of this process that was just dropped: sled releases it from a background thread.
    let mut attempts = 0;
    loop {
        match open_catching(&config) {
            Ok(Ok(db)) => return Ok(db),
            Ok(Err(e)) if attempts < 100 && e.to_string().contains("could not acquire lock") => {
                attempts += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Ok(Err(e)) => return Err(opening_failed(dir, e).into()),
            Err(panic) => {
                return Err(StoreError::Damaged {
                    dir: dir.to_path_buf(),
                    detail: panic,
                }
                .into())
            }
        }
    }
}

/// Why sled could not open the store in `dir`: a full disk is said as such, since nothing is
/// damaged then and "restore a backup" would be the wrong advice.
fn opening_failed(dir: &Path, e: sled::Error) -> StoreError {
    match &e {
        sled::Error::Io(io) if crate::error::is_disk_full(io) => {
            StoreError::DiskFull(dir.to_path_buf())
        }
        _ => StoreError::Damaged {
            dir: dir.to_path_buf(),
            detail: e.to_string(),
        },
    }
}

/// A new device of `office`: its tag, then 40 random bits from the operating system (the clock,
/// the process and the folder when the system has no randomness to give).
pub(super) fn random_device_id(office: &str, dir: &Path) -> u64 {
    use rand_core::RngCore;
    let mut bytes = [0u8; 8];
    if rand_core::OsRng.try_fill_bytes(&mut bytes).is_err() {
        let mut hasher = blake3::Hasher::new();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        hasher.update(&now.as_nanos().to_le_bytes());
        hasher.update(&std::process::id().to_le_bytes());
        hasher.update(dir.as_os_str().as_encoded_bytes());
        bytes.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
    }
    crate::log::device::tagged(office, u64::from_le_bytes(bytes))
}

impl Store {
    /// Whether `dir` holds a store, counting one caught between the two renames of a move into
    /// a fresh database (`relog`): that store has no `db` for an instant, and must not read as
    /// an empty folder to `init` or `restore`.
    pub fn exists(dir: &Path) -> bool {
        db_path(dir).exists() || super::relog::swapping(&db_path(dir))
    }

    /// Creates the store of `office` in `dir`; refuses when one is already there.
    pub fn create(dir: &Path, office: &str, actor: &str) -> Result<Store> {
        Self::create_with_device(dir, office, actor, random_device_id(office, dir))
    }

    /// As `create`, with a chosen device id (demo stores are reproducible from their seed).
    pub fn create_with_device(dir: &Path, office: &str, actor: &str, device: u64) -> Result<Store> {
        if Self::exists(dir) {
            return Err(StoreError::AlreadyExists(dir.to_path_buf()).into());
        }
        std::fs::create_dir_all(dir)
            .wrap_err_with(|| tf("cli.store.open_failed", &[("dir", &dir.display())]))?;
        let lock = lock(dir)?;
        // Another process may have made the store between the check and the lock.
        if Self::exists(dir) {
            return Err(StoreError::AlreadyExists(dir.to_path_buf()).into());
        }
        crate::private_files::tighten(dir);
        // Before the store exists: files left in the folder were built from another store, and
        // one believed beside a store made after a crash here would answer for the wrong one.
        super::derived::remove_all(dir)
            .wrap_err_with(|| tf("cli.store.open_failed", &[("dir", &dir.display())]))?;
        let db = open_db(dir)?;
        let meta = db.open_tree("meta")?;
        meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
        meta.insert("office", office.as_bytes())?;
        meta.insert("device", &device.to_be_bytes())?;
        meta.insert("actor", actor.as_bytes())?;
        meta.insert("home", postcard::to_stdvec(&super::home::mark_of(dir))?)?;
        db.flush()?;
        Self::from_db(dir, db, lock)
    }

    /// Moves this store, built in a folder of its own inside `dir` (a demo: no half-built store
    /// is ever found in `dir`), into `dir`, which has none. Its home is `dir` from the start, so
    /// it is not taken there for a copied folder; what was derived from it stays behind.
    pub fn move_into(self, dir: &Path) -> Result<()> {
        if Self::exists(dir) {
            return Err(StoreError::AlreadyExists(dir.to_path_buf()).into());
        }
        let failed = || tf("cli.store.open_failed", &[("dir", &dir.display())]);
        let home = postcard::to_stdvec(&super::home::mark_of(dir))?;
        self.meta.insert("home", home).wrap_err_with(failed)?;
        self.db.flush().wrap_err_with(failed)?;
        let built = db_path(&self.dir);
        drop(self);
        // Onto an empty folder at most: a store made there meanwhile is never replaced.
        std::fs::rename(built, db_path(dir)).wrap_err_with(failed)
    }

    /// Holds the store's lock without opening it, for a reader that answers from the files
    /// derived from the store (`derived`): no one changes them while the lock is held.
    pub fn lock_only(dir: &Path) -> Result<StoreLock> {
        if !Self::exists(dir) {
            return Err(StoreError::NoStore(dir.to_path_buf()).into());
        }
        let file = lock(dir)?;
        remove_abandoned_files(dir);
        super::relog::settle(&db_path(dir))?;
        Ok(StoreLock { _file: file })
    }

    /// Opens an existing store. Checks the lock and the schema before anything is written.
    pub fn open(dir: &Path) -> Result<Store> {
        if !Self::exists(dir) {
            return Err(StoreError::NoStore(dir.to_path_buf()).into());
        }
        let lock = lock(dir)?;
        remove_abandoned_files(dir);
        super::relog::settle(&db_path(dir))?;
        crate::private_files::tighten(dir);
        let mut db = open_db(dir)?;
        if super::relog::needs_copy(&db)? {
            db = super::relog::into_fresh(&db_path(dir), db, || open_db(dir))?;
        }
        Self::from_db(dir, db, lock)
    }

    fn from_db(dir: &Path, db: sled::Db, lock: File) -> Result<Store> {
        let damaged = |detail: &str| StoreError::Damaged {
            dir: dir.to_path_buf(),
            detail: detail.to_string(),
        };
        let meta = db.open_tree("meta")?;
        let read_u =
            |key: &str| -> Result<Option<Vec<u8>>> { Ok(meta.get(key)?.map(|v| v.to_vec())) };
        let schema = read_u("schema")?
            .and_then(|b| b.try_into().ok().map(u32::from_be_bytes))
            .ok_or_else(|| damaged("schema"))?;
        if schema > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: schema,
                supported: SCHEMA_VERSION,
            }
            .into());
        }
        let office = read_u("office")?
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(|| damaged("office"))?;
        let device = read_u("device")?
            .and_then(|b| b.try_into().ok().map(u64::from_be_bytes))
            .ok_or_else(|| damaged("device"))?;
        let stored_device = device;
        let device = super::home::settle(dir, &meta, &office, device)?;
        let actor = read_u("actor")?
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        let hlc: Hlc = match read_u("hlc")? {
            Some(bytes) => postcard::from_bytes(&bytes).map_err(|_| damaged("hlc"))?,
            None => Hlc::default(),
        };
        let next_id = read_u("next_id")?
            .and_then(|b| b.try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0);
        let heads = db.open_tree("heads")?;
        let head = match heads.get(device.to_be_bytes())? {
            Some(bytes) => postcard::from_bytes(&bytes).map_err(|_| damaged("heads"))?,
            None => Head {
                office: office.clone(),
                seq: 0,
                hash: [0; 32],
            },
        };
        let store = Store {
            dir: dir.to_path_buf(),
            ops: db.open_tree("oplog")?,
            state: db.open_tree("state")?,
            heads,
            meta,
            office,
            device,
            rehomed_on_open: device != stored_device,
            actor,
            writer: Mutex::new(Writer { head, hlc, next_id }),
            derived: super::derived::Derived::new(dir),
            staged: db.open_tree("staged")?,
            staging_lock: Mutex::new(()),
            import_lock: Mutex::new(()),
            db,
            _lock: lock,
        };
        if schema < SCHEMA_VERSION {
            store.upgrade(schema)?;
        }
        store.resume_staged()?;
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use color_eyre::eyre::{eyre, Report, WrapErr};

    /// Left by a process killed mid-write (a kill -9 while the door's index was written): gone
    /// at the next open once a minute old; a fresh one, a folder and anything else stay.
    #[test]
    fn files_left_unfinished_go_at_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join("store");
        drop(Store::create(&store_dir, "420704", "测试员").unwrap());
        let at = |name: &str| store_dir.join(name);
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for name in [".tmpOld123", ".tmpNew456", "notes.tmp"] {
            std::fs::write(at(name), b"half").unwrap();
        }
        std::fs::create_dir(at(".tmpFolder")).unwrap();
        for name in [".tmpOld123", "notes.tmp", ".tmpFolder"] {
            let file = std::fs::File::open(at(name)).unwrap();
            file.set_modified(an_hour_ago).unwrap();
        }
        drop(Store::open(&store_dir).unwrap());
        assert!(!at(".tmpOld123").exists());
        assert!(at(".tmpNew456").exists() && at("notes.tmp").exists() && at(".tmpFolder").exists());
        let old = std::fs::File::open(at(".tmpNew456")).unwrap();
        old.set_modified(an_hour_ago).unwrap();
        drop(Store::lock_only(&store_dir).unwrap());
        assert!(!at(".tmpNew456").exists());
    }

    #[test]
    fn a_full_disk_at_open_is_said_as_full_not_damaged() {
        let dir = Path::new("/data/peixun");
        let full = || sled::Error::Io(std::io::Error::from_raw_os_error(libc::ENOSPC));
        let zh = crate::i18n::speak_on_this_thread(crate::i18n::Lang::Zh);
        let said = opening_failed(dir, full()).to_string();
        assert!(
            said.contains("磁盘已满") && said.contains("/data/peixun"),
            "{said}"
        );
        assert!(
            !said.contains("损坏或") && !said.contains("os error"),
            "{said}"
        );
        drop(zh);
        let _en = crate::i18n::speak_on_this_thread(crate::i18n::Lang::En);
        let said = opening_failed(dir, full()).to_string();
        assert!(
            said.contains("is full") && !said.contains("damaged or"),
            "{said}"
        );
        let denied = sled::Error::Io(std::io::Error::from_raw_os_error(libc::EACCES));
        assert!(matches!(
            opening_failed(dir, denied),
            StoreError::Damaged { .. }
        ));
    }

    #[test]
    fn the_segment_size_is_read_from_sleds_conf() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(segment_size(dir.path()), None, "no conf yet: no hints");
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        drop(db);
        assert_eq!(
            segment_size(dir.path()),
            Some(512 * 1024),
            "the conf sled wrote, its checksum included"
        );
        let conf = dir.path().join("conf");
        std::fs::write(&conf, "segment_size: 524288\nuse_compression: false\n").unwrap();
        assert_eq!(segment_size(dir.path()), Some(524288));
        std::fs::write(&conf, "segment_size: 0\n").unwrap();
        assert_eq!(
            segment_size(dir.path()),
            None,
            "a nonsense size gives no hints"
        );
        std::fs::write(&conf, "use_compression: false\n").unwrap();
        assert_eq!(segment_size(dir.path()), None);
    }

    #[test]
    fn corruption_found_after_open_reads_as_a_damaged_store() {
        let dir = Path::new("/data/peixun");
        let corrupt: Result<(), sled::Error> = Err(sled::Error::Corruption { at: None, bt: () });
        let report = corrupt.wrap_err("reading the op log").unwrap_err();
        let text = damaged_message(&report, dir).expect("a damaged-store message");
        assert!(
            text.contains("/data/peixun") && text.contains("peixun restore"),
            "{text}"
        );
        let io: Report = Report::new(sled::Error::Io(std::io::Error::other("disk")));
        assert_eq!(damaged_message(&io, dir), None);
        assert_eq!(damaged_message(&eyre!("something else"), dir), None);
    }
}
