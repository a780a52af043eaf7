//! Backups of a store: a signed snapshot of every sled tree, encrypted to
//! the office's own age key (the recipient of a bundle, here the office itself), kept in the data
//! dir's `backups/`. Made by `peixun backup`, and automatically at most once a day when the
//! interface or a command that changes the store ends; `peixun restore` rebuilds a store from one.

pub mod format;

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};
use serde::Serialize;

use crate::error::{io_reason, user_error};
use crate::i18n::tf;
use crate::store::Store;
use crate::sync::identity::keys_dir;
use crate::sync::Keys;
use format::{Prefix, Record};

const PREFIX: &str = "peixun-";
const SUFFIX: &str = ".pxs";
/// Marks a backup asked for (`peixun backup`) in its name, before the suffix: the automatic
/// backup replaces the day's earlier automatic ones, never these.
const ON_REQUEST: &str = ".kept";

pub fn backups_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("backups")
}

/// What a backup or a restore did, for the user and for `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub path: PathBuf,
    pub office: String,
    pub entries: u64,
    pub bytes: u64,
    /// Backups removed because more than the configured number were kept.
    pub pruned: Vec<PathBuf>,
    /// The office had no keys yet, so they were made to encrypt this backup.
    pub keys_created: bool,
    /// The device a restored store writes as from now on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<crate::log::DeviceId>,
}

/// Backup file names sort by the time they were made:
/// `peixun-<office>-YYYYMMDD-HHMMSS-mmm.pxs`, `….kept.pxs` for one asked for (office ids may
/// contain `-`, so names are read from the right).
fn file_name(office: &str, at: chrono::DateTime<chrono::Local>, made: Made) -> String {
    let mark = match made {
        Made::Automatically => "",
        Made::OnRequest => ON_REQUEST,
    };
    format!(
        "{PREFIX}{office}-{}{mark}{SUFFIX}",
        at.format("%Y%m%d-%H%M%S-%3f")
    )
}

/// The day a backup file name was made, when it is one of ours.
fn day_of(name: &str) -> Option<chrono::NaiveDate> {
    made_at(name).map(|at| at.date())
}

/// When a backup file name says it was made (local time), when it is one of ours.
fn made_at(name: &str) -> Option<chrono::NaiveDateTime> {
    let stem = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let stem = stem.strip_suffix(ON_REQUEST).unwrap_or(stem);
    let parts: Vec<&str> = stem.split('-').collect();
    let [.., office, day, time, millis] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    if office.is_empty() || !digits(time, 6) || !digits(millis, 3) || !digits(day, 8) {
        return None;
    }
    chrono::NaiveDateTime::parse_from_str(&format!("{day}{time}"), "%Y%m%d%H%M%S").ok()
}

/// When the automatic backup at `path` was made, by its name; `None` for one asked for.
fn made_automatically_at(path: &Path) -> Option<chrono::NaiveDateTime> {
    let name = path.file_name().and_then(|n| n.to_str())?;
    let stem = name.strip_suffix(SUFFIX)?;
    if stem.ends_with(ON_REQUEST) {
        return None;
    }
    made_at(name)
}

/// Our backup files in `dir`, oldest first.
pub fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(user_error(tf(
                "backup.write.failed",
                &[("file", &dir.display()), ("reason", &io_reason(&e))],
            )))
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| day_of(n).is_some())
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Writes a backup of `store` into its `backups/` under a temporary name, flushes it and
/// renames it, then keeps only the newest `keep` (at least this one). The automatic backup
/// (`Made::Automatically`) replaces the day's earlier ones; one asked for keeps them.
pub fn write(store: &Store, keep: usize, made: Made) -> Result<Summary> {
    let (keys, keys_created) = Keys::load_or_create(store.dir(), store.office())?;
    let dir = backups_dir(store.dir());
    let mut path = dir.join(file_name(store.office(), chrono::Local::now(), made));
    // Two backups in one millisecond (a script): the later one takes the next name.
    while path.exists() {
        std::thread::sleep(std::time::Duration::from_millis(1));
        path = dir.join(file_name(store.office(), chrono::Local::now(), made));
    }
    let failed = |e: &dyn std::fmt::Display| {
        user_error(tf(
            "backup.write.failed",
            &[("file", &path.display()), ("reason", e)],
        ))
    };
    let io_failed = |e: std::io::Error| failed(&io_reason(&e));
    std::fs::create_dir_all(&dir).map_err(io_failed)?;
    let mut temp = crate::unfinished::file_in(&dir, "backup", ".tmp").map_err(io_failed)?;
    let prefix = Prefix {
        office: store.office().to_string(),
        epoch: keys.epoch(),
        created_ms: crate::log::hlc::now_ms(),
        device: store.device(),
    };
    let db = store.db();
    // One moment of the store, though doors and imports go on (the store service).
    let entries = store
        .without_writes(|| {
            format::write(temp.as_file_mut(), &keys, &prefix, |records| {
                for name in db.tree_names() {
                    let tree = db.open_tree(&name)?;
                    records.tree(&name)?;
                    for entry in tree.iter() {
                        let (k, v) = entry.wrap_err("reading the store")?;
                        records.entry(&k, &v)?;
                    }
                }
                Ok(())
            })
        })
        .and_then(|written| written)
        .map_err(|e| match e.downcast_ref::<std::io::Error>() {
            Some(io) => failed(&io_reason(io)),
            None => failed(&e),
        })?;
    temp.as_file().sync_all().map_err(io_failed)?;
    let at = temp.path().to_path_buf();
    crate::unfinished::name(&at, || temp.persist(&path)).map_err(|e| io_failed(e.error))?;
    #[cfg(unix)]
    std::fs::File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(io_failed)?;
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let mut pruned = match made {
        Made::Automatically => earlier_the_same_day(&dir, &path)?,
        Made::OnRequest => Vec::new(),
    };
    pruned.extend(prune(&dir, keep.max(1))?);
    Ok(Summary {
        path,
        office: store.office().to_string(),
        entries,
        bytes,
        pruned,
        keys_created,
        device: None,
    })
}

/// Removes the automatic backups of `latest`'s day made before it: a day keeps its last one, so
/// the ones kept reach back as many days as before. Backups asked for stay.
fn earlier_the_same_day(dir: &Path, latest: &Path) -> Result<Vec<PathBuf>> {
    let Some(day) = made_automatically_at(latest).map(|at| at.date()) else {
        return Ok(Vec::new());
    };
    let mut removed = Vec::new();
    for path in list(dir)? {
        if path != latest && made_automatically_at(&path).is_some_and(|at| at.date() == day) {
            remove(&path)?;
            removed.push(path);
        }
    }
    Ok(removed)
}

/// Removes all but the newest `keep` automatic backups in `dir`; those asked for stay until
/// someone removes them.
fn prune(dir: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let files: Vec<PathBuf> = list(dir)?
        .into_iter()
        .filter(|p| made_automatically_at(p).is_some())
        .collect();
    let excess = files.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for path in files.into_iter().take(excess) {
        remove(&path)?;
        removed.push(path);
    }
    Ok(removed)
}

fn remove(backup: &Path) -> Result<()> {
    std::fs::remove_file(backup).map_err(|e| {
        user_error(tf(
            "backup.write.prune_failed",
            &[("file", &backup.display()), ("reason", &io_reason(&e))],
        ))
    })
}

/// Who asked for a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// The daily backup after a change: the day keeps its last one.
    Automatically,
    /// `peixun backup`: kept beside the day's others (made before a risky step, say).
    OnRequest,
}

/// How old the day's backup may grow while the store is changed before it is made again: a day's
/// work is in a backup by the evening, not only the next morning.
const REFRESH_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(3);

/// Whether the automatic backup should run: none made automatically today, or today's is older
/// than `REFRESH_AFTER` (it is then replaced, one a day is kept); never when `keep` is 0 or there
/// is no store. Decided from file names alone, so the check costs no store open.
pub fn due(data_dir: &Path, keep: usize) -> Result<bool> {
    due_at(data_dir, keep, chrono::Local::now().naive_local())
}

fn due_at(data_dir: &Path, keep: usize, now: chrono::NaiveDateTime) -> Result<bool> {
    if keep == 0 || !Store::exists(data_dir) {
        return Ok(false);
    }
    Ok(latest_on(data_dir, now.date())?.is_none_or(|at| now - at >= REFRESH_AFTER))
}

/// Whether today has an automatic backup yet: the day's first is worth waiting for, a later
/// one can be written behind the coordinator's back.
pub fn made_today(data_dir: &Path) -> Result<bool> {
    Ok(latest_on(data_dir, chrono::Local::now().date_naive())?.is_some())
}

/// When the last automatic backup of `day` was made.
fn latest_on(data_dir: &Path, day: chrono::NaiveDate) -> Result<Option<chrono::NaiveDateTime>> {
    Ok(list(&backups_dir(data_dir))?
        .iter()
        .filter_map(|p| made_automatically_at(p))
        .filter(|at| at.date() == day)
        .max())
}

/// Where the keys of a backup are, when not given: the data dir the backup lies in
/// (`DIR/backups/FILE` -> `DIR/keys`).
pub fn default_keys_dir(file: &Path) -> Option<PathBuf> {
    let backups = file.parent()?;
    let data_dir = backups.parent()?;
    Some(keys_dir(data_dir))
}

/// What the database being restored keeps of what it wrote. sled's own default, 1 GiB, held
/// 640 MB by the end of a restore at ten times the province.
const RESTORE_CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// Rebuilds the store in `target` from the backup `file`, decrypted with the keys in `keys`.
/// Refuses when `target` holds a store. Everything is written in a temporary folder inside
/// `target` and moved into place last, so a failure leaves no half store behind.
pub fn restore(file: &Path, keys: &Path, target: &Path) -> Result<Summary> {
    if Store::exists(target) {
        return Err(user_error(tf(
            "backup.restore.exists",
            &[("dir", &target.display())],
        )));
    }
    let office = format::peek(file).map_err(|p| user_error(p.message(file)))?;
    let keys = Keys::read_from(keys).wrap_err_with(|| {
        tf(
            "backup.restore.no_keys",
            &[("dir", &keys.display()), ("office", &office.office)],
        )
    })?;
    let target_keys = keys_dir(target);
    if target_keys.exists() {
        let present = Keys::read_from(&target_keys)?;
        if present.card()?.fingerprint() != keys.card()?.fingerprint() {
            return Err(user_error(tf(
                "backup.restore.other_keys",
                &[("dir", &target_keys.display())],
            )));
        }
    }
    let open_failed = |e: std::io::Error| {
        user_error(tf(
            "backup.restore.write_failed",
            &[("dir", &target.display()), ("reason", &io_reason(&e))],
        ))
    };
    std::fs::create_dir_all(target).map_err(open_failed)?;
    let work = crate::unfinished::folder_in_own(target, "restore").map_err(open_failed)?;
    let db = sled::Config::new()
        .path(work.path().join("db"))
        .cache_capacity(RESTORE_CACHE_BYTES)
        .open()
        .wrap_err_with(|| {
            tf(
                "backup.restore.write_failed_plain",
                &[("dir", &target.display())],
            )
        })?;
    let mut tree: Option<sled::Tree> = None;
    let (_, entries) = format::read(file, &keys, |record| {
        match record {
            Record::Tree(name) => tree = Some(db.open_tree(name)?),
            Record::Entry(k, v) => {
                if let Some(tree) = &tree {
                    tree.insert(k, v)?;
                }
            }
        }
        Ok(())
    })?;
    // A restored store writes as a new device: what it writes from now on never contradicts
    // what the offices above already have from its device before the backup was taken.
    let meta = db.open_tree("meta")?;
    let device = meta
        .get("device")?
        .and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
        .map(u64::from_be_bytes)
        .unwrap_or_default();
    let from = crate::store::home::HomeMark {
        machine: String::new(),
        path: file.display().to_string(),
        inode: 0,
    };
    let new_device = crate::store::home::rehome(&meta, target, keys.office(), device, from)?;
    db.flush().wrap_err_with(|| {
        tf(
            "backup.restore.write_failed_plain",
            &[("dir", &target.display())],
        )
    })?;
    drop(meta);
    drop(tree);
    drop(db);
    if !target_keys.exists() {
        keys.write_to(&target_keys)?;
    }
    crate::store::derived::remove_all(target).map_err(open_failed)?;
    // The store appears under its final name only now, whole.
    crate::unfinished::name(work.path(), || {
        std::fs::rename(work.path().join("db"), target.join("db"))
    })
    .map_err(open_failed)?;
    Ok(Summary {
        path: target.to_path_buf(),
        office: keys.office().to_string(),
        entries,
        bytes: std::fs::metadata(file).map_or(0, |m| m.len()),
        pruned: Vec::new(),
        keys_created: false,
        device: Some(new_device),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_and_tell_their_day() {
        let at = chrono::NaiveDate::from_ymd_opt(2023, 3, 7)
            .and_then(|d| d.and_hms_milli_opt(9, 5, 1, 42))
            .and_then(|t| t.and_local_timezone(chrono::Local).single())
            .unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2023, 3, 7);
        let name = file_name("420704", at, Made::Automatically);
        assert_eq!(name, "peixun-420704-20230307-090501-042.pxs");
        assert_eq!(day_of(&name), day);
        assert_eq!(
            day_of(&file_name("420700-gedian", at, Made::OnRequest)),
            day
        );
        assert!(
            file_name("420704", at, Made::Automatically)
                < file_name(
                    "420704",
                    at + chrono::Duration::milliseconds(1),
                    Made::Automatically
                )
        );
        assert_eq!(day_of("notes.txt"), None);
        assert_eq!(day_of("peixun-20230307-090501-042.pxs"), None, "no office");
        assert_eq!(day_of("peixun-420704-2023xx07-090501-042.pxs"), None);
    }

    /// One backup a day, made again once it is three hours old, so the evening's state is kept;
    /// the day's earlier one goes when the new one is whole.
    #[test]
    fn the_days_backup_is_made_again_once_it_is_old() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        let at = |h, m| {
            chrono::NaiveDate::from_ymd_opt(2023, 3, 7)
                .and_then(|d| d.and_hms_opt(h, m, 0))
                .unwrap()
        };
        assert!(due_at(dir.path(), 7, at(9, 0)).unwrap(), "none yet");
        // Named as made at midnight, so three hours later is the same day whenever this runs.
        let written = write(&store, 7, Made::Automatically).unwrap().path;
        let midnight = chrono::Local::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
            .unwrap();
        let first =
            backups_dir(dir.path()).join(file_name("420704", midnight, Made::Automatically));
        std::fs::rename(&written, &first).unwrap();
        let now = made_automatically_at(&first).unwrap();
        assert!(!due_at(dir.path(), 7, now + chrono::TimeDelta::hours(2)).unwrap());
        assert!(due_at(dir.path(), 7, now + chrono::TimeDelta::hours(3)).unwrap());
        assert!(!due_at(dir.path(), 0, now + chrono::TimeDelta::hours(3)).unwrap());
        let next_day = now + chrono::TimeDelta::days(1);
        assert!(due_at(dir.path(), 7, next_day).unwrap());
        let on_request = write(&store, 7, Made::OnRequest).unwrap().path;
        assert!(
            due_at(dir.path(), 7, now + chrono::TimeDelta::hours(3)).unwrap(),
            "a backup asked for is not the day's automatic one"
        );
        let second = write(&store, 7, Made::Automatically).unwrap();
        assert_eq!(
            second.pruned,
            [first],
            "the day keeps its last automatic backup"
        );
        let mut kept = list(&backups_dir(dir.path())).unwrap();
        kept.sort();
        let mut expected = vec![on_request.clone(), second.path.clone()];
        expected.sort();
        assert_eq!(kept, expected, "and the one asked for");
        // Keeping one automatic backup, the one asked for still stays.
        let third = write(&store, 1, Made::Automatically).unwrap();
        assert_eq!(third.pruned, [second.path]);
        let mut expected = vec![on_request, third.path];
        expected.sort();
        assert_eq!(list(&backups_dir(dir.path())).unwrap(), expected);
    }

    proptest::proptest! {
        #[test]
        fn every_name_tells_its_day_and_nothing_else_panics(
            unit in 0usize..200,
            secs in 1_600_000_000i64..2_000_000_000,
            millis in 0u32..1000,
            junk in ".{0,40}",
        ) {
            let units = &crate::campaign::campaign().units;
            let office = &units[unit % units.len()].id;
            let at = chrono::DateTime::from_timestamp(secs, millis * 1_000_000)
                .unwrap()
                .with_timezone(&chrono::Local);
            proptest::prop_assert_eq!(day_of(&file_name(office, at, Made::OnRequest)), Some(at.date_naive()));
            let _ = day_of(&junk);
            let _ = day_of(&format!("{PREFIX}{junk}{SUFFIX}"));
        }
    }
}
