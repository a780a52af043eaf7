//! The op log on disk: each device's chain in runs of `RUN` ops, one key per run (the device,
//! then `seq / RUN`). sled keeps a page-table entry and a snapshot entry for every leaf of at
//! most 16 keys, whatever their size: with a key per op the log was 43% of a province store's
//! keys, and opening the store cost memory and time for each of its pages (at ten times the
//! province, 105 MB and 110 ms of the open; 67 MB and 70 ms in runs).
//!
//! A run's value is a zstd frame of its ops in seq order, each as its seq (8 bytes, big-endian),
//! its length (4 bytes, big-endian) and its exact encoding; appending rewrites the run, at most
//! `RUN` ops. Compressed because sled weighs its cache by what a page takes on disk and looks at
//! the weights only every 64 reads per shard: a scan of the whole log (a check, an export) kept
//! up to 276 MB of runs at ten times the province, where a quarter of that is kept compressed.

use std::collections::BTreeMap;

use color_eyre::eyre::{eyre, Result, WrapErr};
use sled::IVec;

use super::{FromApply, Store, TxKv};
use crate::log::{apply, ApplyError, DeviceId, Op};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

/// Ops per key.
pub(crate) const RUN: u64 = 64;

const SEQ_LEN: usize = 8;
const LEN_LEN: usize = 4;

/// The key of the run holding op `seq` of `device`.
pub(crate) fn run_key(device: DeviceId, seq: u64) -> [u8; 16] {
    let mut key = [0u8; 16];
    key[..8].copy_from_slice(&device.to_be_bytes());
    key[8..].copy_from_slice(&(seq / RUN).to_be_bytes());
    key
}

/// Level 1: a run is rewritten on every append, and compresses nearly as well at it.
const ZSTD_LEVEL: i32 = 1;

/// The most a run's ops take decoded: `RUN` ops of the largest a bundle carries. A damaged or
/// tampered frame asking for more is damage, not an allocation.
const MAX_PLAIN: u64 = RUN * (Op::MAX_BYTES + (SEQ_LEN + LEN_LEN) as u64);

/// A run's frame decoded, at most `MAX_PLAIN` bytes; `None` when it does not decode.
fn plain(run: &[u8]) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut out = Vec::new();
    zstd::stream::read::Decoder::with_buffer(run)
        .ok()?
        .take(MAX_PLAIN + 1)
        .read_to_end(&mut out)
        .ok()?;
    (out.len() as u64 <= MAX_PLAIN).then_some(out)
}

/// A stored run's ops as (seq, encoding), in seq order; `None` when it does not decode.
pub(crate) fn read_run(run: &[u8]) -> Option<Vec<(u64, Vec<u8>)>> {
    let plain = plain(run)?;
    Some(
        entries(&plain)?
            .into_iter()
            .map(|(seq, bytes)| (seq, bytes.to_vec()))
            .collect(),
    )
}

/// The ops of a run's plain bytes; `None` when they do not decode or their seqs do not rise
/// (a seq twice could stand in for a missing one where only ops are counted).
fn entries(plain: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out: Vec<(u64, &[u8])> = Vec::new();
    let mut rest = plain;
    while !rest.is_empty() {
        let seq = u64::from_be_bytes(rest.get(..SEQ_LEN)?.try_into().ok()?);
        if out.last().is_some_and(|(last, _)| *last >= seq) {
            return None;
        }
        let len = u32::from_be_bytes(rest.get(SEQ_LEN..SEQ_LEN + LEN_LEN)?.try_into().ok()?);
        let start = SEQ_LEN + LEN_LEN;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        out.push((seq, rest.get(start..end)?));
        rest = &rest[end..];
    }
    Some(out)
}

/// `stored` with `new` ops added, in seq order; an op already there is replaced by the new
/// encoding of the same seq. `None` when `stored` does not decode.
pub(crate) fn merged(stored: Option<&[u8]>, new: &[(u64, &[u8])]) -> Option<Vec<u8>> {
    let plain = match stored {
        Some(run) => plain(run)?,
        None => Vec::new(),
    };
    let mut ops: BTreeMap<u64, &[u8]> = entries(&plain)?.into_iter().collect();
    ops.extend(new.iter().copied());
    let mut out = Vec::with_capacity(ops.values().map(|b| b.len() + SEQ_LEN + LEN_LEN).sum());
    for (seq, bytes) in ops {
        out.extend_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(&u32::try_from(bytes.len()).ok()?.to_be_bytes());
        out.extend_from_slice(bytes);
    }
    zstd::bulk::compress(&out, ZSTD_LEVEL).ok()
}

/// A run's key and the new ops that go to it, gathered one run at a time.
type OpenRun = ([u8; 16], Vec<(u64, Vec<u8>)>);

/// New ops grouped by the run they go to, each group in the order given.
pub(crate) fn by_run<'a>(
    ops: impl IntoIterator<Item = (DeviceId, u64, &'a [u8])>,
) -> BTreeMap<[u8; 16], Vec<(u64, &'a [u8])>> {
    let mut runs: BTreeMap<[u8; 16], Vec<(u64, &'a [u8])>> = BTreeMap::new();
    for (device, seq, bytes) in ops {
        runs.entry(run_key(device, seq))
            .or_default()
            .push((seq, bytes));
    }
    runs
}

/// Adds `encoded` ops to the log and folds them into the state through `kv`, inside one
/// transaction; aborts with `E` when a run is damaged or an op is refused.
pub(crate) fn append_and_fold<E: FromApply>(
    tree: &TransactionalTree,
    kv: &mut TxKv<'_, E>,
    encoded: &[(Op, Vec<u8>)],
) -> Result<(), ConflictableTransactionError<E>> {
    let ops = encoded
        .iter()
        .map(|(op, bytes)| (op.device, op.seq, bytes.as_slice()));
    for (key, new) in by_run(ops) {
        let stored = tree.get(key)?;
        let run = merged(stored.as_deref(), &new).ok_or_else(|| {
            ConflictableTransactionError::Abort(E::from_apply(ApplyError::Decode {
                key: describe(&key),
            }))
        })?;
        tree.insert(&key, run)?;
    }
    for (op, _) in encoded {
        apply(kv, op)?;
    }
    Ok(())
}

/// What a run key says where a damaged run is named.
pub(crate) fn describe(key: &[u8]) -> String {
    match (key.get(..8), key.get(8..16)) {
        (Some(device), Some(run)) if key.len() == 16 => format!(
            "device {:016x}, ops {}-",
            u64::from_be_bytes(device.try_into().unwrap_or_default()),
            u64::from_be_bytes(run.try_into().unwrap_or_default()) * RUN
        ),
        _ => format!("{key:02x?}"),
    }
}

/// One op as read from the log.
pub(crate) struct Stored {
    pub device: DeviceId,
    pub seq: u64,
    pub bytes: Vec<u8>,
}

impl Stored {
    pub(crate) fn op(&self) -> Result<Op> {
        Op::decode(&self.bytes).wrap_err_with(|| {
            format!(
                "op {} of device {:016x} does not decode",
                self.seq, self.device
            )
        })
    }
}

/// The ops of the runs `runs` yields, in key order (device, seq): the whole log, or one chain.
pub(crate) struct Ops {
    runs: sled::Iter,
    current: std::vec::IntoIter<Stored>,
}

impl Ops {
    pub(crate) fn new(runs: sled::Iter) -> Ops {
        Ops {
            runs,
            current: Vec::new().into_iter(),
        }
    }

    fn load(&mut self, key: &[u8], run: &IVec) -> Result<()> {
        let device = key
            .get(..8)
            .and_then(|d| d.try_into().ok())
            .map(u64::from_be_bytes)
            .ok_or_else(|| eyre!("an op-log key of {} bytes", key.len()))?;
        let ops = read_run(run)
            .filter(|ops| ops.iter().all(|(seq, _)| run_key(device, *seq)[..] == *key))
            .ok_or_else(|| eyre!("the op log's run {} is damaged", describe(key)))?;
        self.current = ops
            .into_iter()
            .map(|(seq, bytes)| Stored { device, seq, bytes })
            .collect::<Vec<_>>()
            .into_iter();
        Ok(())
    }
}

impl Iterator for Ops {
    type Item = Result<Stored>;

    fn next(&mut self) -> Option<Result<Stored>> {
        loop {
            if let Some(op) = self.current.next() {
                return Some(Ok(op));
            }
            let (key, run) = match self.runs.next()? {
                Ok(entry) => entry,
                Err(error) => return Some(Err(error).wrap_err("reading the op log")),
            };
            if let Err(error) = self.load(&key, &run) {
                return Some(Err(error));
            }
        }
    }
}

impl Store {
    /// Every op of every device as stored, in (device, seq) order.
    pub(crate) fn stored_ops(&self) -> Ops {
        Ops::new(self.ops.iter())
    }

    /// The ops of `device`'s chain as stored, in seq order.
    pub(crate) fn chain(&self, device: DeviceId) -> Ops {
        Ops::new(self.ops.scan_prefix(device.to_be_bytes()))
    }

    /// The ops of `device`'s chain from `from` on, in seq order.
    pub(crate) fn chain_from(
        &self,
        device: DeviceId,
        from: u64,
    ) -> impl Iterator<Item = Result<Stored>> + '_ {
        let runs = self
            .ops
            .range(run_key(device, from)..=run_key(device, u64::MAX));
        Ops::new(runs).filter(move |op| op.as_ref().map_or(true, |op| op.seq >= from))
    }

    /// The devices with ops in the log, in order.
    pub(crate) fn devices(&self) -> Result<Vec<DeviceId>> {
        let mut devices = Vec::new();
        let mut from = [0u8; 8];
        while let Some((key, _)) = self.ops.range(&from[..]..).next().transpose()? {
            let device = key
                .get(..8)
                .and_then(|d| d.try_into().ok())
                .map(u64::from_be_bytes)
                .ok_or_else(|| eyre!("an op-log key of {} bytes", key.len()))?;
            devices.push(device);
            match device.checked_add(1) {
                Some(next) => from = next.to_be_bytes(),
                None => break,
            }
        }
        Ok(devices)
    }

    /// Every op of every device, in storage order (device, seq).
    pub fn ops(&self) -> impl Iterator<Item = Result<Op>> + '_ {
        self.stored_ops().map(|stored| stored?.op())
    }

    /// The exact encoding of op `seq` of `device`, when this store has it.
    pub(crate) fn op_bytes(&self, device: DeviceId, seq: u64) -> Result<Option<Vec<u8>>> {
        let key = run_key(device, seq);
        let Some(run) = self.ops.get(key).wrap_err("reading the op log")? else {
            return Ok(None);
        };
        let ops = read_run(&run)
            .ok_or_else(|| eyre!("the op log's run {} is damaged", describe(&key)))?;
        Ok(ops
            .into_iter()
            .find(|(s, _)| *s == seq)
            .map(|(_, bytes)| bytes))
    }

    /// The writes that add `ops` (by device, then seq) to the log, each run read as stored now
    /// and handed to `write` one at a time, none kept and one run's new ops in memory: for a
    /// batch worked out before it is written, under the store's one writer.
    pub(crate) fn each_run_write(
        &self,
        ops: impl IntoIterator<Item = Result<(DeviceId, u64, Vec<u8>)>>,
        mut write: impl FnMut([u8; 16], Vec<u8>) -> Result<()>,
    ) -> Result<()> {
        let mut run: Option<OpenRun> = None;
        let mut last: Option<(DeviceId, u64)> = None;
        let mut flush = |key: [u8; 16], new: Vec<(u64, Vec<u8>)>| -> Result<()> {
            let new: Vec<(u64, &[u8])> = new.iter().map(|(s, b)| (*s, b.as_slice())).collect();
            let stored = self.ops.get(key).wrap_err("reading the op log")?;
            let merged = merged(stored.as_deref(), &new)
                .ok_or_else(|| eyre!("the op log's run {} is damaged", describe(&key)))?;
            write(key, merged)
        };
        for op in ops {
            let (device, seq, bytes) = op?;
            if last.is_some_and(|before| before >= (device, seq)) {
                return Err(eyre!(
                    "ops of device {device:016x} handed to the log out of order"
                ));
            }
            last = Some((device, seq));
            let key = run_key(device, seq);
            match &mut run {
                Some((open, new)) if *open == key => new.push((seq, bytes)),
                _ => {
                    if let Some((open, new)) = run.replace((key, vec![(seq, bytes)])) {
                        flush(open, new)?;
                    }
                }
            }
        }
        if let Some((open, new)) = run {
            flush(open, new)?;
        }
        Ok(())
    }
}

/// A chain made to go back in time, as a damaged or forged one would.
#[cfg(test)]
impl Store {
    /// Stores `op` again with its stamp put just before `earlier`'s, over the op of its device
    /// and seq.
    pub(crate) fn stamp_before(&self, mut op: Op, earlier: &Op) {
        op.hlc = crate::log::Hlc {
            wall_ms: earlier.hlc.wall_ms - 1,
            counter: 0,
        };
        let bytes = op.encode().unwrap();
        self.each_run_write([Ok((op.device, op.seq, bytes))], |key, run| {
            self.ops.insert(key, run)?;
            Ok(())
        })
        .unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_run_holds_its_ops_in_seq_order_and_a_seq_once() {
        let run = merged(None, &[(65, b"b"), (64, b"a")]).unwrap();
        assert_eq!(
            read_run(&run).unwrap(),
            vec![(64, b"a".to_vec()), (65, b"b".to_vec())]
        );
        let run = merged(Some(&run), &[(65, b"B"), (66, b"c")]).unwrap();
        assert_eq!(
            read_run(&run).unwrap(),
            vec![
                (64, b"a".to_vec()),
                (65, b"B".to_vec()),
                (66, b"c".to_vec())
            ]
        );
        assert_eq!(merged(Some(b"not a run"), &[(1, b"a")]), None);
        assert_eq!(run_key(7, 64), run_key(7, 127));
        assert_ne!(run_key(7, 63), run_key(7, 64));
        assert!(
            run_key(7, u64::MAX) < run_key(8, 0),
            "a device's runs stay together"
        );
    }

    fn frame(ops: &[(u64, &[u8])]) -> Vec<u8> {
        let mut plain = Vec::new();
        for (seq, bytes) in ops {
            plain.extend_from_slice(&seq.to_be_bytes());
            plain.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            plain.extend_from_slice(bytes);
        }
        zstd::bulk::compress(&plain, ZSTD_LEVEL).unwrap()
    }

    #[test]
    fn a_run_whose_seqs_do_not_rise_or_stray_is_damaged() {
        assert!(read_run(&frame(&[(1, b"a"), (2, b"b")])).is_some());
        assert_eq!(read_run(&frame(&[(2, b"b"), (1, b"a")])), None);
        assert_eq!(
            read_run(&frame(&[(1, b"a"), (1, b"a")])),
            None,
            "a seq twice could hide a missing one"
        );
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        // Op 70 under the key of ops 0-63.
        db.insert(run_key(7, 0), frame(&[(3, b"a"), (70, b"b")]))
            .unwrap();
        let read: Vec<Result<Stored>> = Ops::new(db.iter()).collect();
        assert!(read[0]
            .as_ref()
            .is_err_and(|e| e.to_string().contains("damaged")));
    }

    #[test]
    fn a_frame_asking_for_more_than_a_run_holds_is_damage() {
        let huge = vec![0u8; (MAX_PLAIN + 1) as usize];
        let bomb = zstd::bulk::compress(&huge, 3).unwrap();
        assert!(bomb.len() < 1 << 20, "small on disk");
        assert_eq!(plain(&bomb), None);
        let fits = zstd::bulk::compress(&huge[..1000], 3).unwrap();
        assert_eq!(plain(&fits).map(|p| p.len()), Some(1000));
    }

    proptest! {
        /// Whatever bytes a damaged run holds, reading it gives its ops or says it is damaged,
        /// never a panic; and a run written from ops reads back as those ops.
        #[test]
        fn runs_read_back_and_damage_is_told(
            ops in proptest::collection::btree_map(0u64..1000, proptest::collection::vec(any::<u8>(), 0..40), 0..70),
            noise in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let new: Vec<(u64, &[u8])> = ops.iter().map(|(s, b)| (*s, b.as_slice())).collect();
            let run = merged(None, &new).unwrap();
            let read: Vec<(u64, Vec<u8>)> = ops.clone().into_iter().collect();
            prop_assert_eq!(read_run(&run).unwrap(), read);
            let _ = read_run(&noise);
            let _ = entries(&noise);
            let mut cut = run.clone();
            cut.pop();
            prop_assert!(read_run(&cut).is_none(), "a cut frame is damage");
        }
    }
}
