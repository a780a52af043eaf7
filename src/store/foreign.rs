//! Taking in ops that other devices wrote (another office's, or a demo playing one). The chain
//! must continue exactly where this store's copy of that device's chain ends, so a lost or
//! altered op is caught here, before anything is written. Bundle import builds on this.

use std::collections::HashMap;

use color_eyre::eyre::{eyre, Result, WrapErr};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

use super::{FromApply, Head, Store, TxKv};
use crate::domain::OfficeId;
use crate::i18n::tf;
use crate::log::{ApplyError, DeviceId, Hash, Hlc, Op};

/// Why a run of foreign ops was refused. Nothing of the run is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError {
    /// Ops of this store's own device can only come from `commit`.
    OwnDevice { device: DeviceId },
    /// The op does not follow the last one known of its device (a missing or repeated op).
    Gap {
        device: DeviceId,
        expected: u64,
        found: u64,
    },
    /// The op's previous-hash does not match the op before it: altered or from a fork.
    BadPrev { device: DeviceId, seq: u64 },
    /// A device's ops all belong to one office.
    OfficeChanged {
        device: DeviceId,
        seq: u64,
        expected: OfficeId,
        found: OfficeId,
    },
    /// A device's clock readings only ever go up.
    ClockNotIncreasing { device: DeviceId, seq: u64 },
    /// The device's chain moved while the run was checked (a second writer bypassed the lock).
    Moved { device: DeviceId },
}

impl std::fmt::Display for ChainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let dev = |d: &DeviceId| format!("{d:016x}");
        let s = match self {
            Self::OwnDevice { device } => tf("cli.chain.own_device", &[("device", &dev(device))]),
            Self::Gap {
                device,
                expected,
                found,
            } => tf(
                "cli.chain.gap",
                &[
                    ("device", &dev(device)),
                    ("expected", expected),
                    ("found", found),
                ],
            ),
            Self::BadPrev { device, seq } => tf(
                "cli.chain.bad_prev",
                &[("device", &dev(device)), ("seq", seq)],
            ),
            Self::OfficeChanged {
                device,
                seq,
                expected,
                found,
            } => tf(
                "cli.chain.office_changed",
                &[
                    ("device", &dev(device)),
                    ("seq", seq),
                    ("expected", expected),
                    ("found", found),
                ],
            ),
            Self::ClockNotIncreasing { device, seq } => {
                tf("cli.chain.clock", &[("device", &dev(device)), ("seq", seq)])
            }
            Self::Moved { device } => tf("cli.chain.moved", &[("device", &dev(device))]),
        };
        f.write_str(&s)
    }
}

impl std::error::Error for ChainError {}

enum Abort {
    Chain(ChainError),
    Apply(ApplyError),
}

impl FromApply for Abort {
    fn from_apply(error: ApplyError) -> Self {
        Abort::Apply(error)
    }
}

/// Where a device's chain stands while a run is checked.
struct Tip {
    /// The stored head as read before checking, compared again inside the transaction.
    stored: Option<Vec<u8>>,
    office: Option<OfficeId>,
    seq: u64,
    hash: Hash,
    hlc: Option<Hlc>,
}

impl Store {
    fn tip(&self, device: DeviceId) -> Result<Tip> {
        let stored = self.heads.get(device.to_be_bytes())?.map(|v| v.to_vec());
        let Some(bytes) = &stored else {
            return Ok(Tip {
                stored,
                office: None,
                seq: 0,
                hash: [0; 32],
                hlc: None,
            });
        };
        let head: Head = postcard::from_bytes(bytes)
            .wrap_err_with(|| format!("head of device {device:016x} is damaged"))?;
        let hlc = match self.op_bytes(device, head.seq)? {
            Some(op) => Some(
                Op::decode(&op)
                    .wrap_err_with(|| {
                        format!("op {} of device {device:016x} is damaged", head.seq)
                    })?
                    .hlc,
            ),
            None => None,
        };
        Ok(Tip {
            stored,
            office: Some(head.office),
            seq: head.seq,
            hash: head.hash,
            hlc,
        })
    }

    /// Appends ops of other devices (each continuing that device's stored chain: dense sequence
    /// numbers, each op naming the hash of the one before) and applies them, all in one
    /// transaction, flushed before returning. Ops may belong to several devices; each device's
    /// ops must come in chain order. Any broken link refuses the whole run and writes nothing.
    pub fn import_foreign_chain(&self, ops: Vec<Op>) -> Result<()> {
        if ops.is_empty() {
            return Ok(());
        }
        self.finish_pending()?;
        // Held throughout so `commit` cannot move the clock or heads under us.
        let mut writer = self
            .writer
            .lock()
            .map_err(|_| eyre!("store writer lock poisoned"))?;
        let mut tips: HashMap<DeviceId, Tip> = HashMap::new();
        let mut order: Vec<DeviceId> = Vec::new();
        let mut latest = writer.hlc;
        let mut encoded = Vec::with_capacity(ops.len());
        for op in ops {
            if op.device == self.device {
                return Err(ChainError::OwnDevice { device: op.device }.into());
            }
            let tip = match tips.entry(op.device) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    order.push(op.device);
                    e.insert(self.tip(op.device)?)
                }
            };
            if op.seq != tip.seq + 1 {
                return Err(ChainError::Gap {
                    device: op.device,
                    expected: tip.seq + 1,
                    found: op.seq,
                }
                .into());
            }
            if op.prev != tip.hash {
                return Err(ChainError::BadPrev {
                    device: op.device,
                    seq: op.seq,
                }
                .into());
            }
            if let Some(office) = &tip.office {
                if *office != op.office {
                    return Err(ChainError::OfficeChanged {
                        device: op.device,
                        seq: op.seq,
                        expected: office.clone(),
                        found: op.office.clone(),
                    }
                    .into());
                }
            }
            if tip.hlc.is_some_and(|h| op.hlc <= h) {
                return Err(ChainError::ClockNotIncreasing {
                    device: op.device,
                    seq: op.seq,
                }
                .into());
            }
            let bytes = op.encode().wrap_err("encoding an imported op")?;
            tip.seq = op.seq;
            tip.hash = Op::hash_of(&bytes);
            tip.hlc = Some(op.hlc);
            tip.office = Some(op.office.clone());
            latest = latest.max(op.hlc);
            encoded.push((op, bytes));
        }
        let mut heads = Vec::with_capacity(order.len());
        for device in &order {
            if let Some(tip) = tips.get(device) {
                let head = Head {
                    office: tip.office.clone().unwrap_or_default(),
                    seq: tip.seq,
                    hash: tip.hash,
                };
                heads.push((*device, tip.stored.clone(), postcard::to_stdvec(&head)?));
            }
        }
        // Receiving a later time moves our clock on, so our next op orders after what we saw.
        let hlc_bytes = postcard::to_stdvec(&latest)?;
        let derived_before = self.derived.generations()?;
        let _writing = self.derived.writing();
        let result = (&self.ops, &self.heads, &self.state, &self.meta).transaction(
            |(ops, heads_tx, state, meta)| {
                for (device, before, _) in &heads {
                    let now = heads_tx.get(device.to_be_bytes())?.map(|v| v.to_vec());
                    if now != *before {
                        return Err(ConflictableTransactionError::Abort(Abort::Chain(
                            ChainError::Moved { device: *device },
                        )));
                    }
                }
                let mut kv = TxKv::<Abort>::new(state, &self.derived);
                super::oplog::append_and_fold(ops, &mut kv, &encoded)?;
                for (device, _, head) in &heads {
                    heads_tx.insert(&device.to_be_bytes(), head.as_slice())?;
                }
                meta.insert("hlc", hlc_bytes.as_slice())?;
                Ok(())
            },
        );
        match result {
            Ok(()) => {}
            Err(TransactionError::Abort(Abort::Chain(error))) => return Err(error.into()),
            Err(TransactionError::Abort(Abort::Apply(error))) => return Err(error.into()),
            Err(TransactionError::Storage(error)) => {
                return Err(error).wrap_err_with(|| {
                    tf("cli.store.write_failed", &[("dir", &self.dir.display())])
                })
            }
        }
        self.db
            .flush()
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        writer.hlc = latest;
        self.derived.settle(derived_before)?;
        Ok(())
    }
}
