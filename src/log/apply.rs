//! Folding ops into the materialised state. The same code runs inside the store's sled
//! transaction and over an in-memory map when `doctor` rebuilds state from the logs, so the two
//! cannot drift apart.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::hlc::Hlc;
use super::lookup_buckets::{self as buckets, Bucket};
use super::op::{DeviceId, Op, Payload};

use super::authority::{self, Rule};
pub use super::per_office::{AttendanceLog, Attendances, Enrolments};
use crate::campaign::hierarchy::rank;
use crate::domain::{MarkStatus, OfficeId, Person};

/// Who last wrote a record and when: later (HLC, device) wins.
pub type Stamp = (Hlc, DeviceId);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored<T> {
    pub owner: OfficeId,
    pub stamp: Stamp,
    pub value: T,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub status: MarkStatus,
    pub note: String,
}

#[derive(Debug)]
pub enum ApplyError {
    /// An op from `origin` tried to change `record`, which the rule keeps from it.
    Unauthorised {
        record: String,
        origin: OfficeId,
        rule: Rule,
    },
    Decode {
        key: String,
    },
    Encode,
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::i18n::tf;
        let text = match self {
            Self::Unauthorised {
                record,
                origin,
                rule,
            } => tf(
                "cli.apply.unauthorised",
                &[
                    ("record", &super::records::describe(record)),
                    ("origin", &crate::campaign::unit_name(origin)),
                    ("rule", &rule.explain()),
                ],
            ),
            Self::Decode { key } => tf("cli.apply.decode", &[("key", key)]),
            Self::Encode => tf("cli.apply.encode", &[]),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for ApplyError {}

/// The key-value view `apply` writes through.
pub trait Kv {
    type Error;
    /// A stored value, borrowed or shared rather than copied: a fold reads far more than it
    /// writes.
    type Bytes<'a>: AsRef<[u8]>
    where
        Self: 'a;
    fn get(&self, key: &str) -> Result<Option<Self::Bytes<'_>>, Self::Error>;
    fn put(&mut self, key: &str, value: Vec<u8>) -> Result<(), Self::Error>;
    fn remove(&mut self, key: &str) -> Result<(), Self::Error>;
    fn fail(error: ApplyError) -> Self::Error;
}

impl Kv for BTreeMap<String, Vec<u8>> {
    type Error = ApplyError;
    type Bytes<'a> = &'a [u8];
    fn get(&self, key: &str) -> Result<Option<&[u8]>, ApplyError> {
        Ok(BTreeMap::get(self, key).map(Vec::as_slice))
    }
    fn put(&mut self, key: &str, value: Vec<u8>) -> Result<(), ApplyError> {
        self.insert(key.to_string(), value);
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), ApplyError> {
        BTreeMap::remove(self, key);
        Ok(())
    }
    fn fail(error: ApplyError) -> ApplyError {
        error
    }
}

pub use super::keys;

pub(super) fn read<K: Kv, T: DeserializeOwned>(
    kv: &K,
    key: &str,
) -> Result<Option<Stored<T>>, K::Error> {
    match kv.get(key)? {
        None => Ok(None),
        Some(bytes) => postcard::from_bytes(bytes.as_ref())
            .map(Some)
            .map_err(|_| K::fail(decode_error(key))),
    }
}

fn decode_error(key: &str) -> ApplyError {
    ApplyError::Decode {
        key: key.to_string(),
    }
}

/// The leading fields of every `Stored<T>`, read without decoding the value.
#[derive(Deserialize)]
struct StoredHead<'a> {
    owner: &'a str,
    stamp: Stamp,
}

/// Encodes exactly as `Stored<T>` does, without owning its parts.
#[derive(Serialize)]
struct StoredRef<'a, T> {
    owner: &'a str,
    stamp: Stamp,
    value: &'a T,
}

/// Who owns the record under `key` and the stamp of its last write, if it exists.
fn read_head<K: Kv, R>(
    kv: &K,
    key: &str,
    then: impl FnOnce(Option<(&str, Stamp)>) -> R,
) -> Result<R, K::Error> {
    match kv.get(key)? {
        None => Ok(then(None)),
        Some(bytes) => match postcard::take_from_bytes::<StoredHead>(bytes.as_ref()) {
            Ok((head, _)) => Ok(then(Some((head.owner, head.stamp)))),
            Err(_) => Err(K::fail(decode_error(key))),
        },
    }
}

fn write<K: Kv, T: Serialize>(
    kv: &mut K,
    key: &str,
    owner: &str,
    stamp: Stamp,
    value: &T,
) -> Result<(), K::Error> {
    let stored = StoredRef {
        owner,
        stamp,
        value,
    };
    let bytes = postcard::to_stdvec(&stored).map_err(|_| K::fail(ApplyError::Encode))?;
    kv.put(key, bytes)
}

/// Reads a counter kept beside the records it counts.
fn read_count<K: Kv>(kv: &K, key: &str) -> Result<u32, K::Error> {
    Ok(kv
        .get(key)?
        .and_then(|bytes| <[u8; 4]>::try_from(bytes.as_ref()).ok())
        .map_or(0, u32::from_be_bytes))
}

fn bump<K: Kv>(kv: &mut K, key: &str, up: bool) -> Result<(), K::Error> {
    let count = read_count(kv, key)?;
    let count = if up {
        count + 1
    } else {
        count.saturating_sub(1)
    };
    // A zero count is no entry at all, so the same state never differs by an empty counter.
    if count == 0 {
        kv.remove(key)
    } else {
        kv.put(key, count.to_be_bytes().to_vec())
    }
}

/// The order in which writes of one record win: the higher office, then the later stamp; the
/// office's id settles the last tie, so every office picks the same winner in any order.
fn precedence(office: &str, stamp: Stamp) -> (u8, Stamp, &str) {
    (rank(office), stamp, office)
}

/// True when `op` replaces what `existing` (owner and stamp) holds. Who may write at all was
/// decided before, by `authority::check`.
fn supersedes(existing: Option<(&str, Stamp)>, op: &Op) -> bool {
    existing.is_none_or(|(owner, stamp)| {
        precedence(owner, stamp) < precedence(&op.office, (op.hlc, op.device))
    })
}

/// Writes `value` under `key` when `op` supersedes what is there; true when it did.
pub(super) fn upsert<K: Kv, T: Serialize>(
    kv: &mut K,
    key: &str,
    op: &Op,
    value: &T,
) -> Result<bool, K::Error> {
    let replaces = read_head(kv, key, |existing| supersedes(existing, op))?;
    write_if(kv, key, op, value, replaces)
}

/// The write half of `upsert`, for callers that read the whole old record themselves.
fn upsert_over<K: Kv, T: Serialize, Old>(
    kv: &mut K,
    key: &str,
    op: &Op,
    value: &T,
    old: Option<&Stored<Old>>,
) -> Result<bool, K::Error> {
    let replaces = supersedes(old.map(|s| (s.owner.as_str(), s.stamp)), op);
    write_if(kv, key, op, value, replaces)
}

fn write_if<K: Kv, T: Serialize>(
    kv: &mut K,
    key: &str,
    op: &Op,
    value: &T,
    replaces: bool,
) -> Result<bool, K::Error> {
    if !replaces {
        return Ok(false);
    }
    write(kv, key, &op.office, (op.hlc, op.device), value)?;
    Ok(true)
}

/// The key `op` is about, for refusals that name it.
pub fn primary_key(payload: &Payload) -> String {
    use super::apply_cert::keys as cert;
    match payload {
        Payload::SessionUpserted(s) => keys::session(&s.id),
        Payload::EnterpriseUpserted(e) => keys::enterprise(&e.id),
        Payload::PersonUpserted(p) => keys::person(&p.id),
        Payload::EnrolmentSet {
            session, person, ..
        } => keys::enrolment(session, person),
        Payload::CheckedIn {
            session, person, ..
        }
        | Payload::CheckInUndone { session, person } => keys::attendance(session, person),
        Payload::ChecklistMarked { unit, item, .. } => keys::mark(unit, item),
        Payload::EvidenceAttached {
            unit,
            item,
            evidence,
        } => keys::evidence(unit, item, &evidence.blake3),
        Payload::DeadlineSet { unit, item, .. } => keys::deadline(unit, item),
        Payload::OnlineRecorded { person, entry, .. } => cert::online(person, &entry.slot()),
        Payload::Evaluated { person, .. } => cert::evaluation(person),
        Payload::CandidateAdjusted { person, .. } => cert::adjustment(person),
        Payload::ExpansionApproved { session, .. } => cert::approval(session),
        Payload::ResultRecorded {
            session, person, ..
        }
        | Payload::ResultCorrected {
            session, person, ..
        } => cert::result(person, session),
        Payload::CertificateIssued {
            person,
            certificate,
            ..
        } => cert::certificate(person, &certificate.number),
        Payload::PointsRecorded { person, entry, .. } => cert::points(person, &entry.id),
        Payload::SessionTallied { session, .. } => keys::tally(session),
        Payload::ContactSet { unit, .. } => keys::contact(unit),
        Payload::ContactOfficePhoneSet { unit, .. } => keys::office_phone(unit),
        Payload::AwardNominated(n) => keys::nomination(&n.id),
        Payload::AwardSelected { nomination, .. } => keys::selection(nomination),
        Payload::PlanSet { unit, plan } => keys::plan(unit, plan.year),
        Payload::OutreachRecorded { enterprise, .. } => keys::outreach(enterprise),
        Payload::CallListExported { unit, .. } => keys::calls(unit),
        Payload::ServiceNeedRecorded(n) => keys::need(&n.id),
        Payload::ServiceNeedAnswered { need, .. } => keys::answer(need),
        Payload::PublicityAdded(p) => keys::publicity(&p.id),
        Payload::TeacherUpserted(teacher) => keys::teacher(&teacher.id),
        Payload::TeacherAssigned {
            session, teacher, ..
        } => keys::assignment(session, teacher),
    }
}

/// Whether `op` may be applied, as the refusal `apply` would give.
pub fn authorise(op: &Op) -> Result<(), ApplyError> {
    authority::check(op).map_err(|rule| ApplyError::Unauthorised {
        record: primary_key(&op.payload),
        origin: op.office.clone(),
        rule,
    })
}

fn apply_attendance<K: Kv>(
    kv: &mut K,
    op: &Op,
    session: &str,
    person: &str,
    change: impl FnOnce(&mut AttendanceLog, Stamp) -> bool,
) -> Result<bool, K::Error> {
    let key = keys::attendance(session, person);
    let mut all = read::<K, Attendances>(kv, &key)?.map_or_else(Attendances::default, |s| s.value);
    let before = all.view();
    let log = all.0.entry(op.office.clone()).or_default();
    if !change(log, (op.hlc, op.device)) {
        return Ok(false);
    }
    let after = all.view();
    let (was, now) = (before.present, after.present);
    let (owner, stamp) = all
        .last()
        .map(|(o, s)| (o.to_string(), s))
        .unwrap_or_else(|| (op.office.clone(), (op.hlc, op.device)));
    write(kv, &key, &owner, stamp, &all)?;
    if was != now {
        bump(kv, &keys::present_count(session), now)?;
    }
    Ok(before != after)
}

/// Moves `person` in a lookup (`bucket_of` a phone or a code) from `old` to `new`.
fn relist<K: Kv>(
    kv: &mut K,
    bucket_of: fn(&str) -> String,
    old: Option<&String>,
    new: &str,
    person: &str,
) -> Result<(), K::Error> {
    let key = bucket_of(new);
    if let Some(old) = old.filter(|old| bucket_of(old) != key) {
        edit_bucket(kv, &bucket_of(old), |bucket| bucket.remove(old, person))?;
    }
    edit_bucket(kv, &key, |bucket| {
        if let Some(old) = old {
            bucket.remove(old, person);
        }
        bucket.add(new, person);
    })
}

/// Reads the lookup bucket `key`, changes it and writes it back (an empty one goes).
fn edit_bucket<K: Kv>(
    kv: &mut K,
    key: &str,
    change: impl FnOnce(&mut Bucket),
) -> Result<(), K::Error> {
    let mut bucket = {
        let bytes = kv.get(key)?;
        Bucket::decode(bytes.as_ref().map(AsRef::as_ref)).ok_or_else(|| {
            K::fail(ApplyError::Decode {
                key: key.to_string(),
            })
        })?
    };
    change(&mut bucket);
    match bucket.encode().map_err(|_| K::fail(ApplyError::Encode))? {
        Some(bytes) => kv.put(key, bytes),
        None => kv.remove(key),
    }
}

/// Applies one op; returns whether the visible state changed. An op the rules refuse changes
/// nothing and comes back as `ApplyError::Unauthorised` through `K::fail`.
pub fn apply<K: Kv>(kv: &mut K, op: &Op) -> Result<bool, K::Error> {
    authorise(op).map_err(K::fail)?;
    match &op.payload {
        Payload::SessionUpserted(s) => upsert(kv, &keys::session(&s.id), op, s),
        Payload::EnterpriseUpserted(e) => upsert(kv, &keys::enterprise(&e.id), op, e),
        Payload::PersonUpserted(p) => {
            let key = keys::person(&p.id);
            let old = read::<K, Person>(kv, &key)?;
            let changed = upsert_over(kv, &key, op, p, old.as_ref())?;
            if changed {
                // Phone and code lookups at the door read these instead of every person.
                let old = old.map(|stored| stored.value);
                let old = old.as_ref();
                relist(
                    kv,
                    buckets::phone_bucket,
                    old.map(|o| &o.phone),
                    &p.phone,
                    &p.id,
                )?;
                relist(
                    kv,
                    buckets::code_bucket,
                    old.map(|o| &o.code),
                    &p.code,
                    &p.id,
                )?;
            }
            Ok(changed)
        }
        Payload::EnrolmentSet {
            session,
            person,
            enrolled,
        } => {
            let key = keys::enrolment(session, person);
            let mut all =
                read::<K, Enrolments>(kv, &key)?.map_or_else(Enrolments::default, |s| s.value);
            let was = all.enrolled();
            if !all.set(&op.office, (op.hlc, op.device), *enrolled) {
                return Ok(false);
            }
            let now = all.enrolled();
            if let Some((owner, stamp)) = all.last() {
                write(kv, &key, owner, stamp, &all)?;
            }
            if was != now {
                bump(kv, &keys::enrolled_count(session), now)?;
            }
            Ok(was != now)
        }
        Payload::CheckedIn {
            session,
            person,
            at,
        } => apply_attendance(kv, op, session, person, |log, stamp| {
            log.check_in(stamp, *at)
        }),
        Payload::CheckInUndone { session, person } => {
            apply_attendance(kv, op, session, person, |log, stamp| log.undo(stamp))
        }
        Payload::ChecklistMarked {
            unit,
            item,
            status,
            note,
        } => upsert(
            kv,
            &keys::mark(unit, item),
            op,
            &Mark {
                status: *status,
                note: note.clone(),
            },
        ),
        Payload::EvidenceAttached {
            unit,
            item,
            evidence,
        } => {
            let key = keys::evidence(unit, item, &evidence.blake3);
            // Evidence is add-only and identified by content: the same file twice is one item.
            if kv.get(&key)?.is_some() {
                return Ok(false);
            }
            upsert(kv, &key, op, evidence)
        }
        Payload::DeadlineSet { unit, item, due } => {
            upsert(kv, &keys::deadline(unit, item), op, due)
        }
        Payload::OnlineRecorded { person, entry, .. } => {
            super::apply_cert::online(kv, op, person, entry)
        }
        Payload::Evaluated {
            person, evaluation, ..
        } => super::apply_cert::evaluation(kv, op, person, evaluation),
        Payload::CandidateAdjusted {
            person, adjustment, ..
        } => super::apply_cert::adjustment(kv, op, person, adjustment),
        Payload::ExpansionApproved {
            session, approval, ..
        } => super::apply_cert::approval(kv, op, session, approval),
        Payload::ResultRecorded {
            session,
            person,
            marks,
            ..
        } => super::apply_cert::result(kv, op, session, person, marks, None),
        Payload::ResultCorrected {
            session,
            person,
            marks,
            reason,
            ..
        } => super::apply_cert::result(kv, op, session, person, marks, Some(reason)),
        Payload::CertificateIssued {
            person,
            certificate,
            ..
        } => super::apply_cert::certificate(kv, op, person, certificate),
        Payload::PointsRecorded { person, entry, .. } => {
            super::apply_cert::points(kv, op, person, entry)
        }
        Payload::SessionTallied { session, tally } => upsert(kv, &keys::tally(session), op, tally),
        Payload::ContactSet { unit, contact } => upsert(kv, &keys::contact(unit), op, contact),
        Payload::ContactOfficePhoneSet { unit, office_phone } => {
            upsert(kv, &keys::office_phone(unit), op, office_phone)
        }
        Payload::AwardNominated(n) => upsert(kv, &keys::nomination(&n.id), op, n),
        Payload::AwardSelected {
            nomination,
            selection,
        } => upsert(kv, &keys::selection(nomination), op, selection),
        Payload::PlanSet { unit, plan } => upsert(kv, &keys::plan(unit, plan.year), op, plan),
        Payload::OutreachRecorded {
            enterprise,
            outreach,
            ..
        } => upsert(kv, &keys::outreach(enterprise), op, outreach),
        // Only the log keeps who exported which phones.
        Payload::CallListExported { .. } => Ok(false),
        Payload::ServiceNeedRecorded(n) => upsert(kv, &keys::need(&n.id), op, n),
        Payload::ServiceNeedAnswered { need, answer, .. } => {
            upsert(kv, &keys::answer(need), op, answer)
        }
        Payload::PublicityAdded(p) => upsert(kv, &keys::publicity(&p.id), op, p),
        Payload::TeacherUpserted(teacher) => upsert(kv, &keys::teacher(&teacher.id), op, teacher),
        Payload::TeacherAssigned {
            session,
            teacher,
            assigned,
        } => upsert(kv, &keys::assignment(session, teacher), op, assigned),
    }
}

/// State rebuilt from scratch: every op in (HLC, device, seq) order. Ops the rules refuse stay
/// in the log and change nothing, as when they arrived.
pub fn rebuild<'a>(
    ops: impl IntoIterator<Item = &'a Op>,
) -> Result<BTreeMap<String, Vec<u8>>, ApplyError> {
    let mut sorted: Vec<&Op> = ops.into_iter().collect();
    sorted.sort_by_key(|op| op.order_key());
    let mut state = BTreeMap::new();
    for op in sorted {
        match apply(&mut state, op) {
            Ok(_) | Err(ApplyError::Unauthorised { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Person;

    fn person() -> Person {
        Person {
            id: "P-1".into(),
            office: "420704".into(),
            name: "张三".into(),
            phone: "13800000001".into(),
            position: "知识产权专员".into(),
            enterprise: Some("E-1".into()),
            code: "C000001".into(),
        }
    }

    /// State written before the borrowed encoding must read the same, and byte for byte so.
    #[test]
    fn borrowed_encoding_is_the_stored_encoding() {
        let stamp = (
            Hlc {
                wall_ms: 1_679_000_000_000,
                counter: 3,
            },
            7,
        );
        let owned = Stored {
            owner: "420704".to_string(),
            stamp,
            value: person(),
        };
        let value = person();
        let borrowed = StoredRef {
            owner: "420704",
            stamp,
            value: &value,
        };
        let bytes = postcard::to_stdvec(&borrowed).unwrap();
        assert_eq!(bytes, postcard::to_stdvec(&owned).unwrap());
        let (head, rest) = postcard::take_from_bytes::<StoredHead>(&bytes).unwrap();
        assert_eq!((head.owner, head.stamp), ("420704", stamp));
        assert_eq!(postcard::from_bytes::<Person>(rest).unwrap(), value);
    }
}
