//! A session's list as stored: who is enrolled and by which office, who came, the counts kept
//! beside them, and a joint session's tally from its office. Free functions over the store, since
//! the certification, the reports and the sync read them as well as the use cases above.

use std::collections::BTreeMap;

use color_eyre::eyre::Result;

use super::kept_records::Records;
use super::{SessionFull, Store};
use crate::domain::pinyin::sort_key;
use crate::domain::{Attendance, Enterprise, Person};
use crate::log::apply::keys;
use crate::log::apply::{Attendances, Enrolments};

/// Ids of the people enrolled in a session (removed enrolments excluded).
pub fn enrolled_ids(store: &Store, session: &str) -> Result<Vec<String>> {
    Ok(store
        .scan::<Enrolments>(&format!("n/{session}/"))?
        .into_iter()
        .filter(|(_, s)| s.value.enrolled())
        .map(|(person, _)| person)
        .collect())
}

/// How many people are enrolled, without reading the list.
pub fn enrolled_count(from: &(impl Records + ?Sized), session: &str) -> Result<u32> {
    count(from, &keys::enrolled_count(session))
}

/// How many people are checked in, without reading the list.
pub fn present_count(from: &(impl Records + ?Sized), session: &str) -> Result<u32> {
    count(from, &keys::present_count(session))
}

fn count(from: &(impl Records + ?Sized), key: &str) -> Result<u32> {
    Ok(from
        .get(key)?
        .and_then(|bytes| <[u8; 4]>::try_from(bytes.as_slice()).ok())
        .map_or(0, u32::from_be_bytes))
}

/// The unit an enterprise first met at `session` (at its door, or on its sign-up sheet) is
/// filed under: the session's unit when it is for one unit of this office's area (a county's
/// class, held from the city's store), else the office itself, which says no more than it knows.
pub fn new_enterprises_unit(store: &Store, session: &str) -> Result<String> {
    let office = store.office().to_string();
    let units = store.session(session)?.map(|s| s.units).unwrap_or_default();
    Ok(match units.as_slice() {
        [unit] if crate::campaign::hierarchy::within(&office, unit) => unit.clone(),
        _ => office,
    })
}

pub fn is_enrolled(store: &Store, session: &str, person: &str) -> Result<bool> {
    Ok(store
        .get_stored::<Enrolments>(&keys::enrolment(session, person))?
        .is_some_and(|s| s.value.enrolled()))
}

/// The offices that have put the person on the session's list (a joint session's host and
/// co-host each enrol their own enterprises' people).
pub fn enrolled_by(store: &Store, session: &str, person: &str) -> Result<Vec<String>> {
    Ok(store
        .get_stored::<Enrolments>(&keys::enrolment(session, person))?
        .map(|s| s.value.by().into_iter().map(str::to_string).collect())
        .unwrap_or_default())
}

/// The people enrolled in a session with their enterprise, by name.
pub fn enrolment_list(store: &Store, session: &str) -> Result<Vec<(Person, Option<Enterprise>)>> {
    let mut rows = Vec::new();
    for id in enrolled_ids(store, session)? {
        if let Some(person) = store.person(&id)? {
            let enterprise = match &person.enterprise {
                Some(e) => store.enterprise(e)?,
                None => None,
            };
            rows.push((person, enterprise));
        }
    }
    rows.sort_by_cached_key(|(person, _)| (sort_key(&person.name), person.id.clone()));
    Ok(rows)
}

/// Who is checked in to a session, by person id.
pub fn attendance(store: &Store, session: &str) -> Result<BTreeMap<String, Attendance>> {
    Ok(store
        .scan::<Attendances>(&format!("a/{session}/"))?
        .into_iter()
        .filter(|(_, s)| s.value.present())
        .map(|(person, s)| (person, s.value.view()))
        .collect())
}

/// Whether one person is checked in to a session, as `attendance` would list them.
pub fn attended(store: &Store, session: &str, person: &str) -> Result<bool> {
    Ok(store
        .get_stored::<Attendances>(&keys::attendance(session, person))?
        .is_some_and(|s| s.value.present()))
}

/// The counts a joint session's office last sent down, with when it counted them.
pub fn tally(store: &Store, session: &str) -> Result<Option<(crate::log::SessionTally, i64)>> {
    Ok(store
        .get_stored::<crate::log::SessionTally>(&keys::tally(session))?
        .map(|s| (s.value, i64::try_from(s.stamp.0.wall_ms).unwrap_or(0))))
}

/// How far `adding` more enrolments would take the session past its capacity, if at all.
pub fn over_capacity(store: &Store, session: &str, adding: usize) -> Result<Option<SessionFull>> {
    let capacity = store.session(session)?.map_or(0, |s| s.capacity) as usize;
    let enrolled = enrolled_count(store, session)? as usize;
    Ok((enrolled + adding > capacity).then(|| SessionFull {
        enrolled,
        capacity,
        over: enrolled + adding - capacity,
    }))
}
