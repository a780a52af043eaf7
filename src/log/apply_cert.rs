//! Folding the certification ops. The province owns the online records, the evaluation,
//! adjustments, approvals, certificates and points; a result belongs to whoever owns the exam
//! session (the province's exams and makeups, a city's expansion class).

use super::apply::{read, unauthorised, upsert, Kv, Stored};
use super::op::{Op, Payload};
use crate::domain::{Session, SessionKind};

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

fn require_province<K: Kv>(op: &Op, record: &str) -> Result<(), K::Error> {
    if crate::cert::is_province(&op.office) {
        Ok(())
    } else {
        Err(K::fail(unauthorised(record, op)))
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

pub(super) fn apply<K: Kv>(kv: &mut K, op: &Op) -> Result<bool, K::Error> {
    match &op.payload {
        Payload::OnlineRecorded { person, entry, .. } => {
            let key = keys::online(person, &entry.slot());
            require_province::<K>(op, &key)?;
            upsert(kv, &key, op, entry)
        }
        Payload::Evaluated {
            person, evaluation, ..
        } => {
            let key = keys::evaluation(person);
            require_province::<K>(op, &key)?;
            upsert(kv, &key, op, evaluation)
        }
        Payload::CandidateAdjusted {
            person, adjustment, ..
        } => {
            let key = keys::adjustment(person);
            require_province::<K>(op, &key)?;
            upsert(kv, &key, op, adjustment)
        }
        Payload::ExpansionApproved {
            session, approval, ..
        } => {
            let key = keys::approval(session);
            require_province::<K>(op, &key)?;
            upsert(kv, &key, op, approval)
        }
        Payload::ResultRecorded {
            session,
            person,
            marks,
            ..
        } => {
            let key = keys::result(person, session);
            let owner = read::<K, Session>(kv, &crate::log::apply::keys::session(session))?;
            let allowed = owner.is_some_and(|s: Stored<Session>| {
                s.owner == op.office
                    && matches!(
                        s.value.kind,
                        SessionKind::Exam | SessionKind::Makeup | SessionKind::Expansion
                    )
            });
            if !allowed {
                return Err(K::fail(unauthorised(&key, op)));
            }
            upsert(kv, &key, op, marks)
        }
        Payload::CertificateIssued {
            person,
            certificate,
            ..
        } => {
            let key = keys::certificate(person, &certificate.number);
            require_province::<K>(op, &key)?;
            let changed = add_once(kv, &key, op, certificate)?;
            add_once(kv, &keys::claim(&certificate.number, person), op, &())?;
            Ok(changed)
        }
        Payload::PointsRecorded { person, entry, .. } => {
            let key = keys::points(person, &entry.id);
            require_province::<K>(op, &key)?;
            add_once(kv, &key, op, entry)
        }
        _ => Ok(false),
    }
}
