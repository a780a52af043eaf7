//! Folding the certification ops. Who may write them (the province; a result the office that
//! made the exam session) is decided before, in `authority`.

use super::apply::{upsert, Kv};
use super::op::Op;
use crate::domain::cert::{
    Adjustment, Approval, Certificate, Evaluation, Marks, OnlineEntry, PointsEntry, ResultEntry,
};

pub mod keys {
    pub fn online(person: &str, slot: &str) -> String {
        format!("x/o/{person}/{slot}")
    }
    pub fn evaluation(person: &str) -> String {
        format!("x/e/{person}")
    }
    pub fn adjustment(person: &str) -> String {
        format!("x/j/{person}")
    }
    pub fn approval(session: &str) -> String {
        format!("x/a/{session}")
    }
    pub fn result(person: &str, session: &str) -> String {
        format!("x/r/{person}/{session}")
    }
    /// Every result ever given for one attempt, in the order they were written.
    pub fn result_history(
        person: &str,
        session: &str,
        hlc: &crate::log::hlc::Hlc,
        device: u64,
    ) -> String {
        format!(
            "x/h/{person}/{session}/{:016x}{:08x}{device:016x}",
            hlc.wall_ms, hlc.counter
        )
    }
    pub fn certificate(person: &str, number: &str) -> String {
        format!("x/c/{person}/{number}")
    }
    /// Who claims a certificate number: the earliest claim holds it.
    pub fn claim(number: &str, person: &str) -> String {
        format!("x/n/{number}/{person}")
    }
    pub fn points(person: &str, id: &str) -> String {
        format!("x/m/{person}/{id}")
    }
}

/// Records that are only ever added: the same op twice, or in any order, gives one entry.
fn add_once<K: Kv, T: serde::Serialize>(
    kv: &mut K,
    key: &str,
    op: &Op,
    value: &T,
) -> Result<bool, K::Error> {
    if kv.get(key)?.is_some() {
        return Ok(false);
    }
    upsert(kv, key, op, value)
}

pub(super) fn online<K: Kv>(
    kv: &mut K,
    op: &Op,
    person: &str,
    entry: &OnlineEntry,
) -> Result<bool, K::Error> {
    upsert(kv, &keys::online(person, &entry.slot()), op, entry)
}

pub(super) fn evaluation<K: Kv>(
    kv: &mut K,
    op: &Op,
    person: &str,
    evaluation: &Evaluation,
) -> Result<bool, K::Error> {
    upsert(kv, &keys::evaluation(person), op, evaluation)
}

pub(super) fn adjustment<K: Kv>(
    kv: &mut K,
    op: &Op,
    person: &str,
    adjustment: &Adjustment,
) -> Result<bool, K::Error> {
    upsert(kv, &keys::adjustment(person), op, adjustment)
}

pub(super) fn approval<K: Kv>(
    kv: &mut K,
    op: &Op,
    session: &str,
    approval: &Approval,
) -> Result<bool, K::Error> {
    upsert(kv, &keys::approval(session), op, approval)
}

/// The attempt's marks, and an entry in its history that no later result removes.
pub(super) fn result<K: Kv>(
    kv: &mut K,
    op: &Op,
    session: &str,
    person: &str,
    marks: &Marks,
    reason: Option<&String>,
) -> Result<bool, K::Error> {
    let entry = ResultEntry {
        marks: *marks,
        reason: reason.cloned(),
        at_ms: op.hlc.wall_ms,
        office: op.office.clone(),
    };
    add_once(
        kv,
        &keys::result_history(person, session, &op.hlc, op.device),
        op,
        &entry,
    )?;
    upsert(kv, &keys::result(person, session), op, marks)
}

pub(super) fn certificate<K: Kv>(
    kv: &mut K,
    op: &Op,
    person: &str,
    certificate: &Certificate,
) -> Result<bool, K::Error> {
    let changed = add_once(
        kv,
        &keys::certificate(person, &certificate.number),
        op,
        certificate,
    )?;
    add_once(kv, &keys::claim(&certificate.number, person), op, &())?;
    Ok(changed)
}

pub(super) fn points<K: Kv>(
    kv: &mut K,
    op: &Op,
    person: &str,
    entry: &PointsEntry,
) -> Result<bool, K::Error> {
    add_once(kv, &keys::points(person, &entry.id), op, entry)
}
