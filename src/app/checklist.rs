//! A unit's checklist: marking an item, attaching a file as evidence, a city's deadline.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};

use super::{Outcome, Refusal};
use crate::campaign::{campaign, unit_name};
use crate::domain::{Evidence, MarkStatus};
use crate::error::io_reason;
use crate::i18n::tf;
use crate::log::Payload;
use crate::store::Store;

/// The campaign item `item` of `unit`, or a message naming the unit's items.
fn item_of(unit: &str, item: &str) -> Outcome<()> {
    let defs = campaign().checklist_for(unit);
    if defs.iter().any(|d| d.id == item) {
        return Ok(());
    }
    let ids: Vec<&str> = defs.iter().map(|d| d.id.as_str()).collect();
    Err(Refusal::said(tf(
        "cli.checklist.no_item",
        &[("item", &item), ("items", &ids.join(", "))],
    )))
}

/// An office marks and attaches to its own checklist only.
fn own_unit(store: &Store, unit: &str) -> Outcome<()> {
    if unit == store.office() {
        return Ok(());
    }
    Err(Refusal::said(tf(
        "cli.checklist.not_yours",
        &[("unit", &unit_name(unit))],
    )))
}

pub fn mark(store: &Store, unit: &str, item: &str, status: MarkStatus, note: &str) -> Outcome<()> {
    own_unit(store, unit)?;
    item_of(unit, item)?;
    store.commit(vec![Payload::ChecklistMarked {
        unit: unit.to_string(),
        item: item.to_string(),
        status,
        note: note.trim().to_string(),
    }])?;
    Ok(())
}

/// Records a file as evidence by name, size and content hash, and keeps a copy by hash.
pub fn attach(
    store: &Store,
    unit: &str,
    item: &str,
    path: &Path,
    note: &str,
    now: NaiveDateTime,
) -> Outcome<Evidence> {
    let (evidence, payload) = evidence_of(store, unit, item, path, note, now)?;
    store.commit(vec![payload])?;
    Ok(evidence)
}

/// The evidence `path` makes for `item` of `unit` (this office's own), its bytes kept by hash,
/// and the op that attaches it, for the caller to commit with whatever goes with it.
pub fn evidence_of(
    store: &Store,
    unit: &str,
    item: &str,
    path: &Path,
    note: &str,
    now: NaiveDateTime,
) -> Outcome<(Evidence, Payload)> {
    own_unit(store, unit)?;
    item_of(unit, item)?;
    let unreadable = || tf("cli.checklist.unreadable", &[("path", &path.display())]);
    // One file over a bundle's cap on evidence could never travel to the city.
    let (mut file, _) = crate::input_file::open(path, crate::sync::export::FILES_CAP)
        .map_err(|e| Refusal::said(e.to_string()))?;
    let mut hasher = blake3::Hasher::new();
    let size = std::io::copy(&mut file, &mut hasher)
        .map_err(|e| Refusal::said(format!("{}: {}", unreadable(), io_reason(&e))))?;
    let evidence = Evidence {
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        size,
        blake3: hasher.finalize().to_hex().to_string(),
        note: note.trim().to_string(),
        added: now,
    };
    // A copy by hash, so the file can travel in a bundle (`--with-files`).
    store.keep_file_from(path, &evidence.blake3)?;
    let payload = Payload::EvidenceAttached {
        unit: unit.to_string(),
        item: item.to_string(),
        evidence: evidence.clone(),
    };
    Ok((evidence, payload))
}

/// A city's deadline for one of its units' items.
pub fn set_deadline(store: &Store, unit: &str, item: &str, due: NaiveDate) -> Outcome<()> {
    item_of(unit, item)?;
    if !crate::log::authority::may_set_deadline(store.office(), unit) {
        return Err(Refusal::said(tf(
            "cli.checklist.not_parent",
            &[("unit", &unit_name(unit))],
        )));
    }
    store.commit(vec![Payload::DeadlineSet {
        unit: unit.to_string(),
        item: item.to_string(),
        due,
    }])?;
    Ok(())
}
