//! Typed reads of the materialised state.

use std::collections::BTreeMap;

use color_eyre::eyre::{Result, WrapErr};
use serde::de::DeserializeOwned;

use super::Store;
use crate::domain::pinyin::sort_key;
use crate::domain::{Attendance, Enterprise, Person, Session};
use crate::log::apply::keys;
use crate::log::apply::{Attendances, Enrolments};
use crate::log::Stored;

impl Store {
    pub(crate) fn get_stored<T: DeserializeOwned>(&self, key: &str) -> Result<Option<Stored<T>>> {
        match self.state.get(key)? {
            None => Ok(None),
            Some(bytes) => Ok(Some(
                postcard::from_bytes(&bytes)
                    .wrap_err_with(|| format!("record {key} is damaged"))?,
            )),
        }
    }

    /// Every record under `prefix`, with the rest of its key.
    pub(crate) fn scan<T: DeserializeOwned>(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, Stored<T>)>> {
        let mut out = Vec::new();
        for entry in self.state.scan_prefix(prefix) {
            let (key, bytes) = entry?;
            let key = String::from_utf8_lossy(&key).into_owned();
            let stored = postcard::from_bytes(&bytes)
                .wrap_err_with(|| format!("record {key} is damaged"))?;
            out.push((key[prefix.len()..].to_string(), stored));
        }
        Ok(out)
    }

    pub fn session(&self, id: &str) -> Result<Option<Session>> {
        Ok(self.get_stored(&keys::session(id))?.map(|s| s.value))
    }

    /// All sessions by date and start time.
    pub fn sessions(&self) -> Result<Vec<Session>> {
        let mut sessions: Vec<Session> = self
            .scan::<Session>("s/")?
            .into_iter()
            .map(|(_, s)| s.value)
            .collect();
        sessions.sort_by(|a, b| (a.date, a.start, &a.id).cmp(&(b.date, b.start, &b.id)));
        Ok(sessions)
    }

    pub fn enterprise(&self, id: &str) -> Result<Option<Enterprise>> {
        Ok(self.get_stored(&keys::enterprise(id))?.map(|s| s.value))
    }

    pub fn enterprises(&self) -> Result<Vec<Enterprise>> {
        Ok(self
            .scan::<Enterprise>("e/")?
            .into_iter()
            .map(|(_, s)| s.value)
            .collect())
    }

    /// The enterprises this office may name as a person's: its own and those of offices below.
    pub fn enterprises_for_people(&self) -> Result<Vec<Enterprise>> {
        let office = self.office();
        let mut enterprises = self.enterprises()?;
        enterprises.retain(|e| {
            crate::log::authority::id_office(&e.id)
                .is_some_and(|owner| crate::campaign::hierarchy::within(office, owner))
        });
        Ok(enterprises)
    }

    pub fn person(&self, id: &str) -> Result<Option<Person>> {
        Ok(self.get_stored(&keys::person(id))?.map(|s| s.value))
    }

    pub fn people(&self) -> Result<Vec<Person>> {
        Ok(self
            .scan::<Person>("p/")?
            .into_iter()
            .map(|(_, s)| s.value)
            .collect())
    }

    /// Ids of the people enrolled in a session (removed enrolments excluded).
    pub fn enrolled_ids(&self, session: &str) -> Result<Vec<String>> {
        Ok(self
            .scan::<Enrolments>(&format!("n/{session}/"))?
            .into_iter()
            .filter(|(_, s)| s.value.enrolled())
            .map(|(person, _)| person)
            .collect())
    }

    /// The record ids under an index prefix.
    pub(crate) fn index_ids(&self, prefix: &str) -> Result<Vec<String>> {
        self.state
            .scan_prefix(prefix)
            .keys()
            .map(|key| Ok(String::from_utf8_lossy(&key?[prefix.len()..]).into_owned()))
            .collect()
    }

    /// How many people are enrolled, without reading the list.
    pub fn enrolled_count(&self, session: &str) -> Result<u32> {
        self.count(&keys::enrolled_count(session))
    }

    /// How many people are checked in, without reading the list.
    pub fn present_count(&self, session: &str) -> Result<u32> {
        self.count(&keys::present_count(session))
    }

    fn count(&self, key: &str) -> Result<u32> {
        Ok(self
            .state
            .get(key)?
            .and_then(|bytes| <[u8; 4]>::try_from(bytes.as_ref()).ok())
            .map_or(0, u32::from_be_bytes))
    }

    pub fn is_enrolled(&self, session: &str, person: &str) -> Result<bool> {
        Ok(self
            .get_stored::<Enrolments>(&keys::enrolment(session, person))?
            .is_some_and(|s| s.value.enrolled()))
    }

    /// The offices that have put the person on the session's list (a joint session's host and
    /// co-host each enrol their own enterprises' people).
    pub fn enrolled_by(&self, session: &str, person: &str) -> Result<Vec<String>> {
        Ok(self
            .get_stored::<Enrolments>(&keys::enrolment(session, person))?
            .map(|s| s.value.by().into_iter().map(str::to_string).collect())
            .unwrap_or_default())
    }

    /// The people enrolled in a session with their enterprise, by name.
    pub fn enrolment_list(&self, session: &str) -> Result<Vec<(Person, Option<Enterprise>)>> {
        let mut rows = Vec::new();
        for id in self.enrolled_ids(session)? {
            if let Some(person) = self.person(&id)? {
                let enterprise = match &person.enterprise {
                    Some(e) => self.enterprise(e)?,
                    None => None,
                };
                rows.push((person, enterprise));
            }
        }
        rows.sort_by_cached_key(|(person, _)| (sort_key(&person.name), person.id.clone()));
        Ok(rows)
    }

    /// Who is checked in to a session, by person id.
    pub fn attendance(&self, session: &str) -> Result<BTreeMap<String, Attendance>> {
        Ok(self
            .scan::<Attendances>(&format!("a/{session}/"))?
            .into_iter()
            .filter(|(_, s)| s.value.present())
            .map(|(person, s)| (person, s.value.view()))
            .collect())
    }

    /// The counts a joint session's office last sent down, with when it counted them.
    pub fn tally(&self, session: &str) -> Result<Option<(crate::log::SessionTally, i64)>> {
        Ok(self
            .get_stored::<crate::log::SessionTally>(&keys::tally(session))?
            .map(|s| (s.value, i64::try_from(s.stamp.0.wall_ms).unwrap_or(0))))
    }

    /// The audit trail of one record, oldest first.
    pub fn ops_for_record(&self, record: &str) -> Result<Vec<crate::log::Op>> {
        let mut ops = Vec::new();
        for op in self.ops() {
            let op = op?;
            if op.payload.records().iter().any(|r| r == record) {
                ops.push(op);
            }
        }
        ops.sort_by_key(|op| op.order_key());
        Ok(ops)
    }
}
