//! Folding ops into the materialised state. The same code runs inside the store's sled
//! transaction and over an in-memory map when `doctor` rebuilds state from the logs, so the two
//! cannot drift apart.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::hlc::Hlc;
use super::op::{DeviceId, Op, Payload};
use chrono::NaiveDateTime;

use crate::domain::{Attendance, MarkStatus, OfficeId, Person};

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
    /// An op from `origin` tried to change `record`, which another office owns.
    Unauthorised {
        record: String,
        origin: OfficeId,
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
            Self::Unauthorised { record, origin } => tf(
                "cli.apply.unauthorised",
                &[
                    ("record", &super::records::describe(record)),
                    ("origin", &crate::campaign::unit_name(origin)),
                    ("hint", &super::records::owner_hint(record)),
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

pub mod keys {
    pub fn session(id: &str) -> String {
        format!("s/{id}")
    }
    pub fn enterprise(id: &str) -> String {
        format!("e/{id}")
    }
    pub fn person(id: &str) -> String {
        format!("p/{id}")
    }
    pub fn enrolment(session: &str, person: &str) -> String {
        format!("n/{session}/{person}")
    }
    pub fn attendance(session: &str, person: &str) -> String {
        format!("a/{session}/{person}")
    }
    pub fn mark(unit: &str, item: &str) -> String {
        format!("c/{unit}/{item}")
    }
    pub fn evidence(unit: &str, item: &str, hash: &str) -> String {
        format!("v/{unit}/{item}/{hash}")
    }
    pub fn deadline(unit: &str, item: &str) -> String {
        format!("d/{unit}/{item}")
    }
    /// Index entry: a person with this phone.
    pub fn by_phone(phone: &str, person: &str) -> String {
        format!("h/{phone}/{person}")
    }
    /// Index entry: a person with this participant code.
    pub fn by_code(code: &str, person: &str) -> String {
        format!("o/{code}/{person}")
    }
    /// People currently enrolled in a session, kept with every enrolment change.
    pub fn enrolled_count(session: &str) -> String {
        format!("k/{session}")
    }
    /// People currently checked in to a session.
    pub fn present_count(session: &str) -> String {
        format!("q/{session}")
    }
}

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

/// Last writer wins by stamp; a record may only be changed by the office that first wrote it.
/// `existing` is the record's owner and stamp; true when `op` replaces it.
fn supersedes(existing: Option<(&str, Stamp)>, key: &str, op: &Op) -> Result<bool, ApplyError> {
    match existing {
        None => Ok(true),
        Some((owner, _)) if owner != op.office => Err(unauthorised(key, op)),
        Some((_, stamp)) => Ok(stamp < (op.hlc, op.device)),
    }
}

/// Writes `value` under `key` when `op` supersedes what is there; true when it did.
pub(super) fn upsert<K: Kv, T: Serialize>(
    kv: &mut K,
    key: &str,
    op: &Op,
    value: &T,
) -> Result<bool, K::Error> {
    let replaces = read_head(kv, key, |existing| supersedes(existing, key, op))?;
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
    let replaces = supersedes(old.map(|s| (s.owner.as_str(), s.stamp)), key, op);
    write_if(kv, key, op, value, replaces)
}

fn write_if<K: Kv, T: Serialize>(
    kv: &mut K,
    key: &str,
    op: &Op,
    value: &T,
    replaces: Result<bool, ApplyError>,
) -> Result<bool, K::Error> {
    if !replaces.map_err(K::fail)? {
        return Ok(false);
    }
    write(kv, key, &op.office, (op.hlc, op.device), value)?;
    Ok(true)
}

pub(super) fn unauthorised(record: &str, op: &Op) -> ApplyError {
    ApplyError::Unauthorised {
        record: record.to_string(),
        origin: op.office.clone(),
    }
}

fn require_owner<K: Kv>(op: &Op, owner: &str, record: &str) -> Result<(), K::Error> {
    if op.office == owner {
        Ok(())
    } else {
        Err(K::fail(unauthorised(record, op)))
    }
}

/// Only a unit's city or the province sets that unit's deadlines.
pub(crate) fn may_set_deadline(office: &str, unit: &str) -> bool {
    let campaign = crate::campaign::campaign();
    let province = campaign
        .units
        .iter()
        .find(|u| u.parent.is_none())
        .map(|u| u.id.as_str());
    Some(office) == province
        || campaign
            .city_of(unit)
            .is_some_and(|city| city.id == office && city.id != unit)
}

/// Who was checked in, kept so that ops from two laptops give the same answer in any order:
/// an undo cancels every check-in stamped before it, and the earliest remaining time stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceLog {
    /// Check-ins later than the last undo, by stamp.
    checkins: Vec<(Stamp, NaiveDateTime)>,
    undone: Option<Stamp>,
}

impl AttendanceLog {
    pub fn present(&self) -> bool {
        !self.checkins.is_empty()
    }

    pub fn view(&self) -> Attendance {
        Attendance {
            present: self.present(),
            first_at: self.checkins.iter().map(|(_, at)| *at).min(),
        }
    }

    /// False when the op changes nothing: seen before, or cancelled by a later undo.
    fn check_in(&mut self, stamp: Stamp, at: NaiveDateTime) -> bool {
        if self.undone.is_some_and(|u| u >= stamp) || self.checkins.iter().any(|(s, _)| *s == stamp)
        {
            return false;
        }
        self.checkins.push((stamp, at));
        self.checkins.sort();
        true
    }

    fn undo(&mut self, stamp: Stamp) -> bool {
        if self.undone.is_some_and(|u| u >= stamp) {
            return false;
        }
        self.undone = Some(stamp);
        self.checkins.retain(|(s, _)| *s > stamp);
        true
    }
}

fn write_attendance<K: Kv>(
    kv: &mut K,
    key: &str,
    op: &Op,
    log: AttendanceLog,
) -> Result<(), K::Error> {
    let stamp = log
        .checkins
        .iter()
        .map(|(s, _)| *s)
        .chain(log.undone)
        .max()
        .unwrap_or((op.hlc, op.device));
    write(kv, key, &op.office, stamp, &log)
}

/// Enrolment lists and the door belong to the office that owns the session.
fn require_session_owner<K: Kv>(
    kv: &K,
    op: &Op,
    session: &str,
    record: &str,
) -> Result<(), K::Error> {
    let owned = read_head(kv, &keys::session(session), |head| {
        head.is_some_and(|(owner, _)| owner == op.office)
    })?;
    if owned {
        Ok(())
    } else {
        Err(K::fail(unauthorised(record, op)))
    }
}

/// Applies one op; returns whether the visible state changed.
pub fn apply<K: Kv>(kv: &mut K, op: &Op) -> Result<bool, K::Error> {
    let stamp = (op.hlc, op.device);
    match &op.payload {
        Payload::SessionUpserted(s) => {
            let key = keys::session(&s.id);
            require_owner::<K>(op, &s.office, &key)?;
            upsert(kv, &key, op, s)
        }
        Payload::EnterpriseUpserted(e) => {
            let key = keys::enterprise(&e.id);
            require_owner::<K>(op, &e.office, &key)?;
            upsert(kv, &key, op, e)
        }
        Payload::PersonUpserted(p) => {
            let key = keys::person(&p.id);
            require_owner::<K>(op, &p.office, &key)?;
            let old = read::<K, Person>(kv, &key)?;
            let changed = upsert_over(kv, &key, op, p, old.as_ref())?;
            if changed {
                // Phone and code lookups at the door read these instead of every person.
                if let Some(Stored { value: old, .. }) = old {
                    kv.remove(&keys::by_phone(&old.phone, &old.id))?;
                    kv.remove(&keys::by_code(&old.code, &old.id))?;
                }
                kv.put(&keys::by_phone(&p.phone, &p.id), Vec::new())?;
                kv.put(&keys::by_code(&p.code, &p.id), Vec::new())?;
            }
            Ok(changed)
        }
        Payload::EnrolmentSet {
            session,
            person,
            enrolled,
        } => {
            let key = keys::enrolment(session, person);
            require_session_owner::<K>(kv, op, session, &key)?;
            let old = read::<K, bool>(kv, &key)?;
            let was = old.as_ref().is_some_and(|s| s.value);
            let changed = upsert_over(kv, &key, op, enrolled, old.as_ref())?;
            if changed && was != *enrolled {
                bump(kv, &keys::enrolled_count(session), *enrolled)?;
            }
            Ok(changed)
        }
        Payload::CheckedIn {
            session,
            person,
            at,
        } => {
            let key = keys::attendance(session, person);
            require_session_owner::<K>(kv, op, session, &key)?;
            let mut log = read::<K, AttendanceLog>(kv, &key)?
                .map_or_else(AttendanceLog::default, |s| s.value);
            let was = log.present();
            if !log.check_in(stamp, *at) {
                return Ok(false);
            }
            write_attendance(kv, &key, op, log)?;
            if !was {
                bump(kv, &keys::present_count(session), true)?;
            }
            Ok(true)
        }
        Payload::CheckInUndone { session, person } => {
            let key = keys::attendance(session, person);
            require_session_owner::<K>(kv, op, session, &key)?;
            let mut log = read::<K, AttendanceLog>(kv, &key)?
                .map_or_else(AttendanceLog::default, |s| s.value);
            let was = log.present();
            if !log.undo(stamp) {
                return Ok(false);
            }
            let now_present = log.present();
            write_attendance(kv, &key, op, log)?;
            if was && !now_present {
                bump(kv, &keys::present_count(session), false)?;
            }
            Ok(was != now_present)
        }
        Payload::ChecklistMarked {
            unit,
            item,
            status,
            note,
        } => {
            let key = keys::mark(unit, item);
            require_owner::<K>(op, unit, &key)?;
            upsert(
                kv,
                &key,
                op,
                &Mark {
                    status: *status,
                    note: note.clone(),
                },
            )
        }
        Payload::EvidenceAttached {
            unit,
            item,
            evidence,
        } => {
            let key = keys::evidence(unit, item, &evidence.blake3);
            require_owner::<K>(op, unit, &key)?;
            // Evidence is add-only and identified by content: the same file twice is one item.
            if kv.get(&key)?.is_some() {
                return Ok(false);
            }
            upsert(kv, &key, op, evidence)
        }
        Payload::DeadlineSet { unit, item, due } => {
            let key = keys::deadline(unit, item);
            if !may_set_deadline(&op.office, unit) {
                return Err(K::fail(unauthorised(&key, op)));
            }
            upsert(kv, &key, op, due)
        }
        _ => super::apply_cert::apply(kv, op),
    }
}

/// State rebuilt from scratch: every op in (HLC, device, seq) order.
pub fn rebuild<'a>(
    ops: impl IntoIterator<Item = &'a Op>,
) -> Result<BTreeMap<String, Vec<u8>>, ApplyError> {
    let mut sorted: Vec<&Op> = ops.into_iter().collect();
    sorted.sort_by_key(|op| op.order_key());
    let mut state = BTreeMap::new();
    for op in sorted {
        apply(&mut state, op)?;
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
