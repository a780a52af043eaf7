//! The state folded again from the log, for `doctor` and the check after `restore`: the ops are
//! read in fold order as a merge of the devices' chains (one op per device held), folded part by
//! part (`refold_parts`), or whole into a scratch database when a part strays
//! (`refold_scratch`), and the records compared with the stored state key by key. Folding 1.1
//! million ops into one map in memory took 1.5 GiB; into a scratch database, 213 MB; in parts,
//! the whole `doctor` 185 MB.

use std::cmp::Ordering;

use color_eyre::eyre::{eyre, Result};

use super::in_order::OrderKey;
use super::refold_parts::{parts_for, Folded, Spools};
use super::refold_scratch::{self, remove_old_scratch};
use super::Store;
use crate::log::Op;

/// How the stored state compares with the log folded again.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct StateCheck {
    /// Keys whose stored value differs from the fold's, or that only one of them has.
    pub differing: usize,
    pub first: Option<String>,
    /// Why the fold stopped, if an op could not be applied.
    pub fold_error: Option<String>,
}

impl Store {
    /// Folds every op again, in order, and compares the result with the state. `ops` is how
    /// many ops the log holds, as counted by the caller: it sets how many parts the fold is
    /// done in, so only the memory depends on it, never the answer.
    pub fn check_state(&self, ops: usize) -> Result<StateCheck> {
        remove_old_scratch(&self.dir);
        self.check_state_in(parts_for(ops))
    }

    fn check_state_in(&self, parts: usize) -> Result<StateCheck> {
        let folded = match self.fold_in(parts)? {
            Folded::Strayed => refold_scratch::fold_whole(&self.dir, self.spooled(1)?.into_ops()?)?,
            folded => folded,
        };
        let mut folded_entries = match folded {
            Folded::Records(records) => records,
            Folded::Failed(error) => {
                return Ok(StateCheck {
                    fold_error: Some(error),
                    ..StateCheck::default()
                })
            }
            Folded::Strayed => return Err(eyre!("the check's fold into one database strayed")),
        };
        let mut check = StateCheck::default();
        let mut stored_entries = self.state.iter();
        let mut stored = stored_entries.next().transpose()?;
        let mut folded = folded_entries.next().transpose()?;
        loop {
            let (differing, step_stored, step_folded) = match (&stored, &folded) {
                (None, None) => break,
                (Some((key, _)), None) => (Some(key.to_vec()), true, false),
                (None, Some((key, _))) => (Some(key.clone()), false, true),
                (Some((ks, vs)), Some((kf, vf))) => match ks.as_ref().cmp(kf.as_slice()) {
                    Ordering::Less => (Some(ks.to_vec()), true, false),
                    Ordering::Greater => (Some(kf.clone()), false, true),
                    Ordering::Equal => ((vs != vf).then(|| ks.to_vec()), true, true),
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

    /// The ops in fold order, spooled to `parts` parts and folded.
    fn fold_in(&self, parts: usize) -> Result<Folded> {
        self.spooled(parts)?.fold()
    }

    /// The ops spooled in fold order to `parts` parts.
    fn spooled(&self, parts: usize) -> Result<Spools> {
        let mut spools = Spools::new(&self.dir, parts)?;
        if self.spool_merged(&mut spools)? {
            return Ok(spools);
        }
        drop(spools);
        let mut spools = Spools::new(&self.dir, parts)?;
        self.spool_sorted(&mut spools)?;
        Ok(spools)
    }
}

impl Store {
    /// Spools the ops in fold order, read as a merge of the devices' chains. False when a
    /// chain's stamps go back (only a damaged or forged chain does), so that the merge is not
    /// the fold order: the caller sorts instead.
    fn spool_merged(&self, spools: &mut Spools) -> Result<bool> {
        let mut ops = self.ops_in_fold_order()?;
        while let Some(op) = ops.next() {
            if ops.went_back {
                return Ok(false);
            }
            let (op, bytes) = op?;
            spools.push(&op, &bytes)?;
        }
        Ok(true)
    }

    /// Spools the ops in fold order found by sorting every op's order key.
    fn spool_sorted(&self, spools: &mut Spools) -> Result<()> {
        let mut order: Vec<OrderKey> = Vec::new();
        for op in self.ops() {
            order.push(op?.order_key());
        }
        order.sort_unstable();
        for (_, device, seq) in order {
            let bytes = self
                .op_bytes(device, seq)?
                .ok_or_else(|| eyre!("op {device:016x}/{seq} vanished during the check"))?;
            spools.push(&Op::decode(&bytes)?, &bytes)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Payload;

    fn person(i: usize) -> Payload {
        let (id, phone) = (format!("P-420704-r{i}"), format!("138{i:08}"));
        crate::log::fixtures::person(&id, "欧阳明月", &phone, &format!("R{i}"))
    }

    #[test]
    fn the_state_folded_again_matches_until_someone_changes_it_behind_the_log() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        store.commit((0..50).map(person).collect()).unwrap();
        assert_eq!(store.check_state(60).unwrap(), StateCheck::default());
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
        let check = store.check_state(60).unwrap();
        assert_eq!(check.differing, 3);
        assert_eq!(check.first.as_deref(), Some("p/P-420704-r3"));
        assert_eq!(check.fold_error, None);
        // The check leaves nothing behind in the store's folder.
        let before = crate::log::fixtures::names_in(store.dir());
        store.check_state(60).unwrap();
        assert_eq!(crate::log::fixtures::names_in(store.dir()), before);
    }

    #[test]
    fn the_demo_folded_in_parts_is_the_demo_folded_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::demo::build(
            &dir.path().join("s"),
            crate::demo::Scale::City,
            2023,
            &mut |_, _| {},
        )
        .unwrap();
        for parts in [1, 2, 7, 31] {
            assert!(
                matches!(store.fold_in(parts).unwrap(), Folded::Records(_)),
                "no op of the demo touches a record of another part ({parts} parts)"
            );
            assert_eq!(store.check_state_in(parts).unwrap(), StateCheck::default());
        }
        let some: Vec<String> = store
            .state
            .iter()
            .keys()
            .step_by(97)
            .map(|key| String::from_utf8(key.unwrap().to_vec()).unwrap())
            .collect();
        assert!(some.len() > 50, "{}", some.len());
        for key in &some[..20] {
            store.state.insert(key, b"forged".to_vec()).unwrap();
        }
        for key in &some[20..30] {
            store.state.remove(key).unwrap();
        }
        store.state.insert("zz/extra", b"extra".to_vec()).unwrap();
        let whole = store.check_state_in(1).unwrap();
        assert_eq!(whole.differing, 31);
        assert_eq!(whole.first.as_deref(), Some(some[0].as_str()));
        assert_eq!(store.check_state_in(7).unwrap(), whole);
    }

    #[test]
    fn an_id_with_a_slash_is_folded_whole_in_a_scratch_database() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        let mut payloads: Vec<Payload> = (0..200).map(person).collect();
        if let Payload::PersonUpserted(p) = &mut payloads[77] {
            p.id = "P-420704-x/y".into();
        }
        // A session id with a slash: its enrolment and its count have different anchors.
        payloads.push(Payload::EnrolmentSet {
            session: "S-420704-1/x".into(),
            person: "P-420704-x/y".into(),
            enrolled: true,
        });
        store.commit(payloads).unwrap();
        let parts = (2..40)
            .find(|&parts| matches!(store.fold_in(parts).unwrap(), Folded::Strayed))
            .unwrap();
        assert_eq!(store.check_state_in(parts).unwrap(), StateCheck::default());
        store
            .state
            .insert("p/P-420704-x/y", b"forged".to_vec())
            .unwrap();
        let check = store.check_state_in(parts).unwrap();
        assert_eq!(
            (check.differing, check.first.as_deref()),
            (1, Some("p/P-420704-x/y"))
        );
        assert_eq!(store.check_state_in(1).unwrap(), check);
        // The scratch database is gone with the check.
        let left = std::fs::read_dir(store.dir())
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with(".peixun-check-")
            })
            .count();
        assert_eq!(left, 0);
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
        let second = store.commit(vec![renamed]).unwrap().remove(0);
        assert_eq!(store.check_state(60).unwrap(), StateCheck::default());
        // The second op's stamp put before the first's: sorted, the rename comes first and the
        // first upsert wins, so the stored state (the rename) no longer matches the log.
        store.stamp_before(second, &first);
        let check = store.check_state(60).unwrap();
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
        assert_eq!(store.check_state(60).unwrap(), StateCheck::default());
    }
}
