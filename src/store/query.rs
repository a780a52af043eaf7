//! Typed reads of the materialised state.

use color_eyre::eyre::{Result, WrapErr};
use serde::de::DeserializeOwned;

use super::kept_records::Records;
use super::Store;
use crate::domain::{Enterprise, Person, Session};
use crate::log::apply::keys;
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

    /// Every record under `prefix`, with the rest of its key; as `scan_in`, without copying each
    /// value first (a scan of every person at ten times the province).
    pub(crate) fn scan<T: DeserializeOwned>(
        &self,
        prefix: &str,
    ) -> Result<Vec<(String, Stored<T>)>> {
        self.stored_each(prefix).collect()
    }

    /// Every record under `prefix` as stored, one at a time in key order, with the rest of its
    /// key.
    fn stored_each<T: DeserializeOwned>(
        &self,
        prefix: &str,
    ) -> impl Iterator<Item = Result<(String, Stored<T>)>> + '_ {
        let skip = prefix.len();
        self.state.scan_prefix(prefix).map(move |entry| {
            let (key, bytes) = entry?;
            let key = String::from_utf8_lossy(&key);
            let stored = postcard::from_bytes(&bytes)
                .wrap_err_with(|| format!("record {key} is damaged"))?;
            Ok((key.get(skip..).unwrap_or_default().to_string(), stored))
        })
    }

    pub fn session(&self, id: &str) -> Result<Option<Session>> {
        Ok(self.get_stored(&keys::session(id))?.map(|s| s.value))
    }

    /// All sessions by date and start time.
    pub fn sessions(&self) -> Result<Vec<Session>> {
        sessions_in(self)
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

    /// The enterprises this office may name as a person's, its own and those of offices below,
    /// one at a time in key order.
    pub fn enterprises_for_people_each(&self) -> impl Iterator<Item = Result<Enterprise>> + '_ {
        self.enterprises_each()
            .filter(move |e| e.as_ref().map_or(true, |e| self.may_name_for_people(&e.id)))
    }

    /// Whether this office may name the enterprise `id` as a person's.
    pub fn may_name_for_people(&self, id: &str) -> bool {
        crate::log::authority::id_office(id)
            .is_some_and(|owner| crate::campaign::hierarchy::within(self.office(), owner))
    }

    pub fn person(&self, id: &str) -> Result<Option<Person>> {
        Ok(self.get_stored(&keys::person(id))?.map(|s| s.value))
    }

    /// Everyone, one at a time in key order (the order of `people`), for work that must not
    /// hold them all.
    pub fn people_each(&self) -> impl Iterator<Item = Result<Person>> + '_ {
        self.each("p/")
    }

    /// Every enterprise, one at a time in key order.
    pub fn enterprises_each(&self) -> impl Iterator<Item = Result<Enterprise>> + '_ {
        self.each("e/")
    }

    /// Every record under `prefix`, one at a time in key order, with the rest of its key.
    pub(crate) fn each_with_ids<T: DeserializeOwned>(
        &self,
        prefix: &str,
    ) -> impl Iterator<Item = Result<(String, T)>> + '_ {
        self.stored_each(prefix)
            .map(|entry| entry.map(|(id, stored)| (id, stored.value)))
    }

    fn each<T: DeserializeOwned>(&self, prefix: &str) -> impl Iterator<Item = Result<T>> + '_ {
        self.stored_each(prefix)
            .map(|entry| entry.map(|(_, stored)| stored.value))
    }

    pub fn people(&self) -> Result<Vec<Person>> {
        Ok(self
            .scan::<Person>("p/")?
            .into_iter()
            .map(|(_, s)| s.value)
            .collect())
    }

    /// A lookup bucket (`log::lookup_buckets`); empty if there is none.
    pub(crate) fn bucket(&self, key: &str) -> Result<crate::log::lookup_buckets::Bucket> {
        let bytes = self.state.get(key)?;
        crate::log::lookup_buckets::Bucket::decode(bytes.as_deref()).ok_or_else(|| {
            color_eyre::Report::new(crate::log::ApplyError::Decode {
                key: key.to_string(),
            })
        })
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

/// Every record of `from` (the store, or records kept beside it) under `prefix`, with the rest
/// of its key.
pub(crate) fn scan_in<T: DeserializeOwned>(
    from: &(impl Records + ?Sized),
    prefix: &str,
) -> Result<Vec<(String, Stored<T>)>> {
    from.under(prefix)?
        .into_iter()
        .map(|(rest, bytes)| {
            let stored = postcard::from_bytes(&bytes)
                .wrap_err_with(|| format!("record {prefix}{rest} is damaged"))?;
            Ok((rest, stored))
        })
        .collect()
}

/// All sessions of `from` (the store, or the records kept for `peixun sessions`) by date and
/// start time.
pub fn sessions_in(from: &(impl Records + ?Sized)) -> Result<Vec<Session>> {
    let mut sessions: Vec<Session> = scan_in::<Session>(from, "s/")?
        .into_iter()
        .map(|(_, s)| s.value)
        .collect();
    sessions.sort_by(|a, b| (a.date, a.start, &a.id).cmp(&(b.date, b.start, &b.id)));
    Ok(sessions)
}
