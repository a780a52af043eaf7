//! The state folded again from the log, for `doctor` and the check after `restore`, in memory
//! bounded by sled's caches rather than by the store: the ops are read one at a time in fold
//! order (only their order keys are held, 24 bytes each) and folded into a scratch sled
//! database beside the store, which is then compared with the stored state key by key. Folding
//! 1.1 million ops into a map in memory took 1.5 GiB.

use std::cmp::Ordering;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::{op_key, Store};
use crate::log::{apply, ApplyError, DeviceId, Kv, Op};

/// How the stored state compares with the log folded again.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StateCheck {
    /// Keys whose stored value differs from the fold's, or that only one of them has.
    pub differing: usize,
    pub first: Option<String>,
    /// Why the fold stopped, if an op could not be applied.
    pub fold_error: Option<String>,
}

/// `apply`'s view of the scratch tree: plain writes, no transaction.
struct Scratch<'a>(&'a sled::Tree);

enum ScratchError {
    Apply(ApplyError),
    Storage(sled::Error),
}

impl Kv for Scratch<'_> {
    type Error = ScratchError;
    type Bytes<'b>
        = sled::IVec
    where
        Self: 'b;
    fn get(&self, key: &str) -> Result<Option<sled::IVec>, ScratchError> {
        self.0.get(key).map_err(ScratchError::Storage)
    }
    fn put(&mut self, key: &str, value: Vec<u8>) -> Result<(), ScratchError> {
        self.0
            .insert(key, value)
            .map(|_| ())
            .map_err(ScratchError::Storage)
    }
    fn remove(&mut self, key: &str) -> Result<(), ScratchError> {
        self.0
            .remove(key)
            .map(|_| ())
            .map_err(ScratchError::Storage)
    }
    fn fail(error: ApplyError) -> ScratchError {
        ScratchError::Apply(error)
    }
}

/// What a check killed before it could clean up left behind.
fn remove_old_scratch(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(SCRATCH) {
            // Another try at the next check if this one fails; nothing depends on it.
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

const SCRATCH: &str = ".peixun-check-";

impl Store {
    /// Folds every op again, in order, into a scratch database and compares it with the state.
    pub fn check_state(&self) -> Result<StateCheck> {
        let mut order: Vec<(u64, u32, DeviceId, u64)> = Vec::new();
        for op in self.ops() {
            let op = op?;
            order.push((op.hlc.wall_ms, op.hlc.counter, op.device, op.seq));
        }
        order.sort_unstable();
        remove_old_scratch(&self.dir);
        let scratch_dir = tempfile::Builder::new()
            .prefix(SCRATCH)
            .tempdir_in(&self.dir)
            .wrap_err("making a scratch folder for the check")?;
        let scratch_db = sled::Config::new()
            .path(scratch_dir.path().join("db"))
            .cache_capacity(16 * 1024 * 1024)
            .temporary(true)
            .open()
            .wrap_err("opening a scratch database for the check")?;
        let scratch = scratch_db.open_tree("state")?;
        let mut check = StateCheck::default();
        for (_, _, device, seq) in order {
            let bytes = self
                .ops
                .get(op_key(device, seq))?
                .ok_or_else(|| eyre!("op {device:016x}/{seq} vanished during the check"))?;
            let op = Op::decode(&bytes)?;
            match apply(&mut Scratch(&scratch), &op) {
                Ok(_) | Err(ScratchError::Apply(ApplyError::Unauthorised { .. })) => {}
                Err(ScratchError::Apply(other)) => {
                    check.fold_error = Some(other.to_string());
                    return Ok(check);
                }
                Err(ScratchError::Storage(error)) => {
                    return Err(error).wrap_err("writing the scratch database of the check")
                }
            }
        }
        let (mut stored_entries, mut folded_entries) = (self.state.iter(), scratch.iter());
        let mut stored = stored_entries.next().transpose()?;
        let mut folded = folded_entries.next().transpose()?;
        loop {
            let (differing, step_stored, step_folded) = match (&stored, &folded) {
                (None, None) => break,
                (Some((key, _)), None) => (Some(key.clone()), true, false),
                (None, Some((key, _))) => (Some(key.clone()), false, true),
                (Some((ks, vs)), Some((kf, vf))) => match ks.cmp(kf) {
                    Ordering::Less => (Some(ks.clone()), true, false),
                    Ordering::Greater => (Some(kf.clone()), false, true),
                    Ordering::Equal => ((vs != vf).then(|| ks.clone()), true, true),
                },
            };
            if let Some(key) = differing {
                check.differing += 1;
                check
                    .first
                    .get_or_insert_with(|| String::from_utf8_lossy(&key).into_owned());
            }
            if step_stored {
                stored = stored_entries.next().transpose()?;
            }
            if step_folded {
                folded = folded_entries.next().transpose()?;
            }
        }
        Ok(check)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Person;
    use crate::log::Payload;

    fn person(i: usize) -> Payload {
        Payload::PersonUpserted(Person {
            id: format!("P-420704-r{i}"),
            office: "420704".into(),
            name: "欧阳明月".into(),
            phone: format!("138{i:08}"),
            position: String::new(),
            enterprise: None,
            code: format!("R{i}"),
        })
    }

    #[test]
    fn the_state_folded_again_matches_until_someone_changes_it_behind_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        store.commit((0..50).map(person).collect()).unwrap();
        assert_eq!(store.check_state().unwrap(), StateCheck::default());
        // A value changed, a key added and a key removed, none of them by an op.
        store
            .state
            .insert("p/P-420704-r7", b"forged".to_vec())
            .unwrap();
        store
            .state
            .insert("p/P-420704-zz", b"extra".to_vec())
            .unwrap();
        store.state.remove("p/P-420704-r3").unwrap();
        let check = store.check_state().unwrap();
        assert_eq!(check.differing, 3);
        assert_eq!(check.first.as_deref(), Some("p/P-420704-r3"));
        assert_eq!(check.fold_error, None);
        // The scratch database is gone with the check.
        let left: Vec<_> = std::fs::read_dir(store.dir())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(SCRATCH))
            .collect();
        assert!(left.is_empty());
    }
}
