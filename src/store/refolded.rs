//! The state folded again from the log, for `doctor` and the check after `restore`, in memory
//! bounded by sled's caches rather than by the store: the ops are read in fold order as a merge
//! of the devices' chains (one op per device held) and folded into a scratch sled database
//! beside the store, which is then compared with the stored state key by key. Folding 1.1
//! million ops into a map in memory took 1.5 GiB; holding every op's order key, 100 MB.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::oplog::Ops;
use super::Store;
use crate::log::{apply, ApplyError, DeviceId, Hlc, Kv, Op};

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
        remove_old_scratch(&self.dir);
        let scratch_dir = tempfile::Builder::new()
            .prefix(SCRATCH)
            .tempdir_in(&self.dir)
            .wrap_err("making a scratch folder for the check")?;
        let scratch_db = sled::Config::new()
            .path(scratch_dir.path().join("db"))
            .cache_capacity(4 * 1024 * 1024)
            .temporary(true)
            .open()
            .wrap_err("opening a scratch database for the check")?;
        let scratch = scratch_db.open_tree("state")?;
        let mut check = StateCheck::default();
        let folded = match self.fold_merged(&scratch)? {
            Some(folded) => folded,
            None => {
                scratch.clear()?;
                self.fold_sorted(&scratch)?
            }
        };
        if let Err(error) = folded {
            check.fold_error = Some(error);
            return Ok(check);
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

/// Where an op goes in the fold (`Op::order_key`).
type OrderKey = (Hlc, DeviceId, u64);

/// A fold's end: done, or the reason an op could not be applied.
type Folded = std::result::Result<(), String>;

impl Store {
    /// Folds the ops into `scratch` in fold order, read as a merge of the devices' chains.
    /// `None` when a chain's stamps go back (only a damaged or forged chain does), so that the
    /// merge is not the fold order, or when an op cannot be applied: the caller sorts instead.
    fn fold_merged(&self, scratch: &sled::Tree) -> Result<Option<Folded>> {
        let mut chains: Vec<Ops> = self
            .devices()?
            .into_iter()
            .map(|device| self.chain(device))
            .collect();
        let mut heads: BinaryHeap<Reverse<(OrderKey, usize)>> = BinaryHeap::new();
        let mut held: Vec<Option<Op>> = Vec::with_capacity(chains.len());
        for (i, chain) in chains.iter_mut().enumerate() {
            let op = next_op(chain)?;
            if let Some(op) = &op {
                heads.push(Reverse((op.order_key(), i)));
            }
            held.push(op);
        }
        while let Some(Reverse((key, i))) = heads.pop() {
            let op = held[i]
                .take()
                .ok_or_else(|| eyre!("a chain's op went missing"))?;
            if let Some(next) = next_op(&mut chains[i])? {
                if next.order_key() < key {
                    return Ok(None);
                }
                heads.push(Reverse((next.order_key(), i)));
                held[i] = Some(next);
            }
            // Which op fails first is the sorted order's to say.
            if fold_one(scratch, &op)?.is_err() {
                return Ok(None);
            }
        }
        Ok(Some(Ok(())))
    }

    /// Folds the ops into `scratch` in fold order found by sorting every op's order key.
    fn fold_sorted(&self, scratch: &sled::Tree) -> Result<Folded> {
        let mut order: Vec<OrderKey> = Vec::new();
        for op in self.ops() {
            order.push(op?.order_key());
        }
        order.sort_unstable();
        for (_, device, seq) in order {
            let bytes = self
                .op_bytes(device, seq)?
                .ok_or_else(|| eyre!("op {device:016x}/{seq} vanished during the check"))?;
            if let Err(error) = fold_one(scratch, &Op::decode(&bytes)?)? {
                return Ok(Err(error));
            }
        }
        Ok(Ok(()))
    }
}

fn next_op(chain: &mut Ops) -> Result<Option<Op>> {
    match chain.next().transpose()? {
        Some(stored) => Ok(Some(Op::decode(&stored.bytes)?)),
        None => Ok(None),
    }
}

/// Applies one op to the scratch state; an op the rules refuse changes nothing, as in the
/// store's own fold.
fn fold_one(scratch: &sled::Tree, op: &Op) -> Result<Folded> {
    match apply(&mut Scratch(scratch), op) {
        Ok(_) | Err(ScratchError::Apply(ApplyError::Unauthorised { .. })) => Ok(Ok(())),
        Err(ScratchError::Apply(other)) => Ok(Err(other.to_string())),
        Err(ScratchError::Storage(error)) => {
            Err(error).wrap_err("writing the scratch database of the check")
        }
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

    #[test]
    fn a_chain_whose_stamps_go_back_is_folded_in_sorted_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        let first = store.commit(vec![person(1)]).unwrap().remove(0);
        let mut renamed = person(1);
        if let Payload::PersonUpserted(p) = &mut renamed {
            p.name = "欧阳明日".into();
        }
        let mut second = store.commit(vec![renamed]).unwrap().remove(0);
        assert_eq!(store.check_state().unwrap(), StateCheck::default());
        // The second op's stamp put before the first's: sorted, the rename comes first and the
        // first upsert wins, so the stored state (the rename) no longer matches the log.
        second.hlc = Hlc {
            wall_ms: first.hlc.wall_ms - 1,
            counter: 0,
        };
        let bytes = second.encode().unwrap();
        store
            .each_run_write([Ok((second.device, second.seq, bytes))], |key, run| {
                store.ops.insert(key, run)?;
                Ok(())
            })
            .unwrap();
        let check = store.check_state().unwrap();
        assert_eq!(check.differing, 1, "{check:?}");
        assert_eq!(check.first.as_deref(), Some("p/P-420704-r1"));
    }

    #[test]
    fn chains_of_several_devices_interleave_by_their_stamps() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        let mut writers: Vec<crate::demo::ChainWriter> = (0..3)
            .map(|i| crate::demo::ChainWriter::new("420704", 40 + i, "测试"))
            .collect();
        let mut ops = Vec::new();
        // One record renamed in turn by three devices, the last device first: read device by
        // device, the last name would be the third device's; in stamp order it is the first's.
        for round in 0..4 {
            for (i, writer) in writers.iter_mut().enumerate().rev() {
                let mut p = person(1);
                if let Payload::PersonUpserted(p) = &mut p {
                    p.name = format!("第{round}轮{i}");
                }
                ops.push(writer.push(p).unwrap());
                // Stamps a millisecond apart, so that the order pushed is the stamps' order.
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
        ops.sort_by_key(Op::order_key);
        store.import_foreign_chain(ops).unwrap();
        assert_eq!(store.person("P-420704-r1").unwrap().unwrap().name, "第3轮0");
        assert_eq!(store.check_state().unwrap(), StateCheck::default());
    }
}
