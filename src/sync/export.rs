//! Building a bundle for a peer: every chain it may receive, from where it says it stands, plus
//! this office's public view when the peer is below it. Written to a temporary name, flushed to
//! disk and renamed, so a pulled USB stick never leaves a half file under the final name.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};
use rand_core::RngCore;
use serde::Serialize;

use super::bundle::{seal, Ack, CarriedFile, Draft, RangeHeader, Routing, SignedHead};
use super::identity::Keys;
use super::visibility::{
    is_public, is_strict_ancestor, may_hold, may_receive, scoped_view_device, sees_unit,
    unit_scope, view_device,
};
use super::{device_label, hex, ChainKind};
use crate::campaign::unit_name;
use crate::domain::OfficeId;
use crate::error::{io_reason, user_error};
use crate::i18n::tf;
use crate::log::{DeviceId, Hash, Op};
use crate::store::Store;
use crate::sync::ledger::AckMap;

#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Send every chain from its start, whatever the peer acknowledged (after it restored a
    /// backup).
    pub full: bool,
    /// Take this as what the peer holds instead of its acknowledgements.
    pub since: Option<AckMap>,
    /// Carry the evidence files the sent ops attach, up to this many bytes in all.
    pub files_cap: Option<u64>,
}

/// The default cap on evidence files in one bundle: a USB stick and an email attachment both
/// take it, and the age body stays far below the 1 GiB file limit.
pub const FILES_CAP: u64 = 200 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RangeSummary {
    pub origin: OfficeId,
    pub kind: ChainKind,
    pub device: String,
    pub first: u64,
    pub last: u64,
    pub ops: u64,
}

impl RangeSummary {
    pub fn of(range: &RangeHeader) -> RangeSummary {
        RangeSummary {
            origin: range.head.origin.clone(),
            kind: range.head.kind,
            device: device_label(range.head.device),
            first: range.first,
            last: range.head.seq,
            ops: range.len(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub path: Option<PathBuf>,
    pub to: OfficeId,
    pub bundle_id: String,
    pub link_seq: u64,
    pub ranges: Vec<RangeSummary>,
    pub ops: u64,
    pub bytes: u64,
    /// Chains this store holds without their origin's signature (taken in by a demo, say),
    /// which cannot be passed on.
    pub unsigned_chains: usize,
    /// Evidence files carried, and their bytes.
    pub files: usize,
    pub file_bytes: u64,
    /// Evidence the sent ops attach whose file is not kept here (attached on another machine,
    /// or changed since), left out.
    pub missing_files: usize,
}

/// The evidence files the ops attach, read from `files/`, within `cap` bytes; and the number
/// attached but not kept here.
fn evidence_files(
    store: &Store,
    ranges: &[(RangeHeader, Vec<Vec<u8>>)],
    cap: u64,
) -> Result<(Vec<CarriedFile>, usize)> {
    let mut wanted: Vec<(Hash, String)> = Vec::new();
    for (_, ops) in ranges {
        for bytes in ops {
            let op = Op::decode(bytes).wrap_err("a stored op is damaged")?;
            if let crate::log::Payload::EvidenceAttached { evidence, .. } = op.payload {
                if let Some(hash) = super::unhex::<32>(&evidence.blake3) {
                    if !wanted.iter().any(|(h, _)| *h == hash) {
                        wanted.push((hash, evidence.file_name));
                    }
                }
            }
        }
    }
    let mut files = Vec::new();
    let (mut total, mut missing) = (0u64, 0usize);
    for (hash, name) in wanted {
        let Some(bytes) = store.kept_file(&hash)? else {
            missing += 1;
            continue;
        };
        total += bytes.len() as u64;
        if total > cap {
            return Err(user_error(tf(
                "sync.export.files_too_large",
                &[
                    ("file", &name),
                    ("cap", &(cap >> 20)),
                    ("total", &total.div_ceil(1 << 20)),
                ],
            )));
        }
        files.push((hash, bytes));
    }
    Ok((files, missing))
}

/// The first op to send of a chain whose last op is `seq`, given what the peer holds.
fn start(acks: &AckMap, device: DeviceId, seq: u64, hash_at: impl Fn(u64) -> Option<Hash>) -> u64 {
    match acks.get(&device) {
        None => 1,
        // The peer has more than we do (it heard from the origin another way): nothing to add.
        Some((acked, _)) if *acked >= seq => seq + 1,
        Some((acked, hash)) if hash_at(*acked) == Some(*hash) => acked + 1,
        // The peer holds another history of this device: send ours whole so it sees the fork.
        Some(_) => 1,
    }
}

/// A derived chain's ops, encoded, each with its hash.
type ViewOps = Vec<(Vec<u8>, Hash)>;

/// The view chains of `device` that `to` (an office below) receives: the public view (sessions,
/// deadlines), then one scoped view per unit `to` sees with that unit's certification records.
/// Each is re-chained under its derived device id.
fn views(store: &Store, device: DeviceId, seq: u64, to: &str) -> Result<Vec<(DeviceId, ViewOps)>> {
    let mut public = Vec::new();
    let mut scoped: std::collections::BTreeMap<String, Vec<Op>> = Default::default();
    for bytes in store.chain_ops(device, 1, seq)? {
        let op = Op::decode(&bytes).wrap_err("a stored op is damaged")?;
        if is_public(&op.payload) {
            public.push(op);
        } else if let Some(unit) = unit_scope(&op.payload) {
            if sees_unit(to, unit) {
                scoped.entry(unit.to_string()).or_default().push(op);
            }
        }
    }
    let rechain = |view: DeviceId, ops: Vec<Op>| -> Result<ViewOps> {
        let mut prev = [0u8; 32];
        let mut out = Vec::new();
        for op in ops {
            let derived = Op {
                device: view,
                seq: out.len() as u64 + 1,
                prev,
                ..op
            };
            let encoded = derived.encode()?;
            prev = Op::hash_of(&encoded);
            out.push((encoded, prev));
        }
        Ok(out)
    };
    let origin = store.office();
    let public_view = view_device(origin, device);
    let mut out = vec![(public_view, rechain(public_view, public)?)];
    for (unit, ops) in scoped {
        let view = scoped_view_device(origin, device, &unit);
        out.push((view, rechain(view, ops)?));
    }
    Ok(out)
}

/// Whether a view chain this store holds may be passed on to `to`: a scoped view only to the
/// unit it is about and the offices above that unit.
fn may_relay(store: &Store, chain: &crate::sync::ledger::ChainInfo, to: &str) -> Result<bool> {
    if chain.kind != ChainKind::PublicView {
        return Ok(true);
    }
    let first = store.chain_ops(chain.device, 1, 1)?;
    let op = match first.first() {
        Some(bytes) => Op::decode(bytes).wrap_err("a stored op is damaged")?,
        None => return Ok(true),
    };
    Ok(unit_scope(&op.payload).is_none_or(|unit| sees_unit(to, unit)))
}

/// The bundle for `to`, as bytes, with what it holds. Nothing is written.
pub fn build(
    store: &Store,
    keys: &Keys,
    to: &str,
    options: &ExportOptions,
) -> Result<(Vec<u8>, Exported)> {
    let name = |office: &str| format!("{}({office})", unit_name(office));
    if to == store.office() {
        return Err(user_error(tf("sync.export.self", &[])));
    }
    let peer = store
        .peer(to)?
        .ok_or_else(|| user_error(tf("sync.export.unknown", &[("office", &name(to))])))?;
    if peer.is_revoked() {
        return Err(user_error(tf(
            "sync.export.revoked",
            &[("office", &name(to))],
        )));
    }
    let recipient = peer
        .card
        .recipient()
        .map_err(|e| user_error(e.to_string()))?;
    let acks = match (&options.since, options.full) {
        (Some(since), _) => since.clone(),
        (None, true) => AckMap::new(),
        (None, false) => store.acks_from(to)?,
    };
    let chains = store.chains()?;
    let mut ranges = Vec::new();
    let mut unsigned_chains = 0;
    for chain in &chains {
        if chain.seq == 0
            || !may_receive(to, &chain.origin, chain.kind)
            || !may_relay(store, chain, to)?
        {
            continue;
        }
        // Every full chain of this office is ours to sign: the device in use, and one written
        // before the folder was copied or moved.
        let own = chain.origin == store.office() && chain.kind == ChainKind::Full;
        let head = if own {
            SignedHead::sign(keys, chain.device, ChainKind::Full, chain.seq, chain.hash)?
        } else if let Some(signed) = &chain.signed {
            signed.clone()
        } else {
            unsigned_chains += 1;
            continue;
        };
        let first = start(&acks, chain.device, chain.seq, |s| {
            store.op_hash(chain.device, s).ok().flatten()
        });
        if first > chain.seq {
            continue;
        }
        let ops = store.chain_ops(chain.device, first, chain.seq)?;
        ranges.push((RangeHeader { first, head }, ops));
    }
    if is_strict_ancestor(store.office(), to) {
        let own_chains = chains
            .iter()
            .filter(|c| c.origin == store.office() && c.kind == ChainKind::Full && c.seq > 0);
        for own in own_chains {
            for (device, view) in views(store, own.device, own.seq, to)? {
                let Some((_, last_hash)) = view.last() else {
                    continue;
                };
                let seq = view.len() as u64;
                let hashes: HashMap<u64, Hash> = view
                    .iter()
                    .enumerate()
                    .map(|(i, (_, h))| (i as u64 + 1, *h))
                    .collect();
                let first = start(&acks, device, seq, |s| hashes.get(&s).copied());
                if first <= seq {
                    let head =
                        SignedHead::sign(keys, device, ChainKind::PublicView, seq, *last_hash)?;
                    let ops = view
                        .into_iter()
                        .skip(usize::try_from(first - 1)?)
                        .map(|(b, _)| b)
                        .collect();
                    ranges.push((RangeHeader { first, head }, ops));
                }
            }
        }
    }
    // Everything the peer could send us: its own chains (public views included, which only it
    // derives) and the chains it may hold. A chain held without its origin's signature (made by
    // a demo) never came from the peer and is not news to it.
    let mut acks: Vec<Ack> = Vec::new();
    for c in &chains {
        let ours = c.origin == store.office();
        if c.seq > 0
            && (ours || c.signed.is_some())
            && (c.origin == to || may_hold(to, &c.origin, c.kind))
            && may_relay(store, c, to)?
        {
            acks.push(Ack {
                device: c.device,
                seq: c.seq,
                hash: c.hash,
            });
        }
    }
    let (files, missing_files) = match options.files_cap {
        Some(cap) => evidence_files(store, &ranges, cap)?,
        None => (Vec::new(), 0),
    };
    let mut bundle_id = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut bundle_id);
    let link_seq = store.next_link_seq(to)?;
    let draft = Draft {
        routing: Routing {
            sender: store.office().to_string(),
            sender_epoch: keys.epoch(),
            recipient: to.to_string(),
            recipient_epoch: peer.card.body.epoch,
            bundle_id,
        },
        link_seq,
        seen_link_seq: store.seen_link_seq(to)?,
        created_ms: super::now_ms(),
        acks,
        ranges,
        files,
    };
    let bytes = seal(&draft, keys, &recipient)?;
    let summaries: Vec<RangeSummary> = draft
        .ranges
        .iter()
        .map(|(r, _)| RangeSummary::of(r))
        .collect();
    let exported = Exported {
        path: None,
        to: to.to_string(),
        bundle_id: hex(&bundle_id),
        link_seq,
        ops: summaries.iter().map(|r| r.ops).sum(),
        ranges: summaries,
        bytes: bytes.len() as u64,
        unsigned_chains,
        files: draft.files.len(),
        file_bytes: draft.files.iter().map(|(_, b)| b.len() as u64).sum(),
        missing_files,
    };
    Ok((bytes, exported))
}

/// The file name of a bundle in a folder: from, to, link number, date (ASCII only, for FAT
/// sticks and every Windows code page).
pub fn file_name(from: &str, to: &str, link_seq: u64, date: chrono::NaiveDate) -> String {
    format!("{from}-{to}-{link_seq:04}-{}.pxb", date.format("%Y%m%d"))
}

/// Writes `bytes` to `path` under a temporary name, flushes, renames, and flushes the folder.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_then(path, bytes, || Ok(()))
}

/// `write_atomically`, with `named` run once the file has its name and before a Ctrl-C or
/// SIGTERM may end the process: what records the file is never left out while the file stays.
pub fn write_atomically_then(
    path: &Path,
    bytes: &[u8],
    named: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let failed = |e: std::io::Error| {
        user_error(tf(
            "sync.export.write_failed",
            &[("file", &path.display()), ("reason", &io_reason(&e))],
        ))
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = crate::unfinished::file_in(dir, "bundle", ".tmp").map_err(failed)?;
    temp.write_all(bytes).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    let at = temp.path().to_path_buf();
    crate::unfinished::name(&at, || {
        temp.persist(path).map_err(|e| failed(e.error))?;
        // The rename itself is only durable once the folder is flushed: before it is recorded.
        #[cfg(unix)]
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(failed)?;
        named()
    })
}

/// Where a file may go, told before anything is made: an existing folder to name it in, or a file
/// in an existing folder.
pub enum Place {
    Folder,
    File,
}

/// Why a place cannot be written to.
pub enum PlaceError {
    /// A folder that is not there, named by the place or as the place's folder.
    NoFolder(String),
    /// Not an existing folder, and not a name the file may have: most often a stick not plugged
    /// in, which must neither become a stray file nor use up a number.
    NotAFileName(String),
}

/// Where `output` writes: into it if it is a folder, as it is if `file_name` accepts its name
/// and its folder is there.
pub fn place_of(output: &Path, file_name: impl Fn(&Path) -> bool) -> Result<Place, PlaceError> {
    if output.is_dir() {
        return Ok(Place::Folder);
    }
    let shown = output.display().to_string();
    if shown.ends_with(std::path::MAIN_SEPARATOR) || shown.ends_with('/') {
        return Err(PlaceError::NoFolder(shown));
    }
    if !file_name(output) {
        return Err(PlaceError::NotAFileName(shown));
    }
    match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
            Err(PlaceError::NoFolder(dir.display().to_string()))
        }
        _ => Ok(Place::File),
    }
}

/// Where a bundle may go: an existing folder (`true`), or a file named `*.pxb` in one.
pub fn check_destination(output: &Path) -> Result<bool> {
    let is_bundle_name = |path: &Path| {
        path.extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("pxb"))
    };
    match place_of(output, is_bundle_name) {
        Ok(place) => Ok(matches!(place, Place::Folder)),
        Err(PlaceError::NoFolder(path)) => {
            Err(user_error(tf("sync.export.no_folder", &[("path", &path)])))
        }
        Err(PlaceError::NotAFileName(path)) => Err(user_error(tf(
            "sync.export.not_a_bundle_name",
            &[("path", &path)],
        ))),
    }
}

/// One export at a time in a process: a link number is read when the bundle is built and
/// counted as used when it is written, and two bundles must not share one.
static EXPORTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Builds the bundle for `to` and writes it to `output` (a `.pxb` file, or a folder to name it
/// in), then counts the link sequence number as used.
pub fn export(
    store: &Store,
    keys: &Keys,
    to: &str,
    output: &Path,
    options: &ExportOptions,
) -> Result<Exported> {
    let _one = EXPORTING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let into_folder = check_destination(output)?;
    if is_strict_ancestor(store.office(), to) {
        super::tallies::refresh(store)?;
    }
    let (bytes, mut exported) = build(store, keys, to, options)?;
    let path = if into_folder {
        output.join(file_name(
            store.office(),
            to,
            exported.link_seq,
            chrono::Local::now().date_naive(),
        ))
    } else {
        output.to_path_buf()
    };
    write_atomically_then(&path, &bytes, || {
        store.record_sent(
            to,
            &crate::sync::ledger::Sent {
                link_seq: exported.link_seq,
                at_ms: super::now_ms(),
                ops: exported.ops,
                file: path.display().to_string(),
            },
        )
    })?;
    exported.path = Some(path);
    Ok(exported)
}
