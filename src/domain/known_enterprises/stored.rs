//! The enterprises a store holds, as matching needs them (name, id and code), in a form that
//! can be kept in a file beside the store (`sheets::known`): read from sled, every enterprise's
//! pages stay in its cache, about 19 MB at ten times the province.

use std::collections::BTreeMap;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::records::Records;
use super::Seen;
use crate::domain::Enterprise;

#[derive(Debug, Default)]
pub struct StoredEnterprises {
    records: Records,
}

impl StoredEnterprises {
    /// The enterprises read from the store, taken one at a time.
    pub fn read<E>(
        stored: impl IntoIterator<Item = Result<Enterprise, E>>,
    ) -> Result<StoredEnterprises, E> {
        let mut records = Records::default();
        for e in stored {
            records.push(&e?, Seen::Stored);
        }
        Ok(StoredEnterprises { records })
    }

    /// Each enterprise's name, id and code, in the order read.
    pub fn each(&self) -> impl Iterator<Item = (&str, &str, Option<&str>)> {
        (0..self.records.len() as u32).map(|at| {
            let (e, _) = self.records.read(at);
            (e.name, e.id, e.credit_code)
        })
    }

    /// Those whose id `keep` keeps; the same records, not a copy, when it keeps them all.
    pub fn retain_ids(self, keep: impl Fn(&str) -> bool) -> StoredEnterprises {
        if self.each().all(|(_, id, _)| keep(id)) {
            return self;
        }
        let mut records = Records::default();
        for (name, id, code) in self.each().filter(|(_, id, _)| keep(id)) {
            records.push_parts(name, id, code, Seen::Stored);
        }
        StoredEnterprises { records }
    }

    /// These enterprises with those `changed` (by id: as they are now, `None` for one no longer
    /// held) in their places: by id, the order a read of the store gives. These must be in
    /// that order, as `read` gives them.
    pub fn with_changed(self, changed: &BTreeMap<String, Option<Enterprise>>) -> StoredEnterprises {
        if changed.is_empty() {
            return self;
        }
        let mut records = Records::default();
        let mut now = changed
            .iter()
            .filter_map(|(id, e)| e.as_ref().map(|e| (id.as_str(), e)))
            .peekable();
        for (name, id, code) in self.each() {
            while let Some((_, e)) = now.next_if(|&(changed_id, _)| changed_id < id) {
                records.push(e, Seen::Stored);
            }
            if !changed.contains_key(id) {
                records.push_parts(name, id, code, Seen::Stored);
            }
        }
        for (_, e) in now {
            records.push(e, Seen::Stored);
        }
        StoredEnterprises { records }
    }

    pub(super) fn into_records(self) -> Records {
        self.records
    }
}

/// Written as a list of (name, id, code), and read back one at a time into new records, so
/// that what is read is whole by construction.
impl Serialize for StoredEnterprises {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.each())
    }
}

impl<'de> Deserialize<'de> for StoredEnterprises {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Each;
        impl<'de> Visitor<'de> for Each {
            type Value = StoredEnterprises;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of enterprises' names, ids and codes")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut records = Records::default();
                // Owned: a string read borrowed would keep its bytes in the reader's buffer.
                while let Some((name, id, code)) =
                    seq.next_element::<(String, String, Option<String>)>()?
                {
                    records.push_parts(&name, &id, code.as_deref(), Seen::Stored);
                }
                Ok(StoredEnterprises { records })
            }
        }
        deserializer.deserialize_seq(Each)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::test_enterprise as enterprise;

    proptest::proptest! {
        /// Kept and read back, the enterprises are the ones read from the store, in order; and
        /// those kept by id are the ones the rule keeps.
        #[test]
        fn kept_enterprises_read_back_as_read(
            given in proptest::collection::vec(
                ("[鄂州a]{0,40}", "E-[0-9]{0,8}", proptest::option::of("[0-9A-Z]{0,20}")),
                0..60,
            ),
        ) {
            let list: Vec<Enterprise> = given
                .iter()
                .map(|(name, id, code)| enterprise(id, name, code.as_deref()))
                .collect();
            let stored = StoredEnterprises::read(list.iter().cloned().map(Ok::<_, ()>))
                .map_err(|()| proptest::test_runner::TestCaseError::fail("read"))?;
            let bytes = postcard::to_stdvec(&stored)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let back: StoredEnterprises = postcard::from_bytes(&bytes)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let expected: Vec<(&str, &str, Option<&str>)> = list
                .iter()
                .map(|e| (e.name.as_str(), e.id.as_str(), e.credit_code.as_deref()))
                .collect();
            proptest::prop_assert_eq!(back.each().collect::<Vec<_>>(), expected.clone());
            let odd = |id: &str| id.len() % 2 == 1;
            let kept = back.retain_ids(odd);
            let expected_kept: Vec<_> = expected.into_iter().filter(|(_, id, _)| odd(id)).collect();
            proptest::prop_assert_eq!(kept.each().collect::<Vec<_>>(), expected_kept);
        }
    }

    proptest::proptest! {
        /// Enterprises brought up to date with those changed since read the same as the
        /// store read afresh.
        #[test]
        fn a_list_brought_up_to_date_reads_as_read_afresh(
            before in proptest::collection::btree_map("E-[0-9]{1,3}", "[鄂州a]{1,6}", 0..30),
            changes in proptest::collection::btree_map(
                "E-[0-9]{1,3}",
                proptest::option::of(("[鄂州a]{1,6}", proptest::option::of("[0-9A-Z]{18}"))),
                0..12,
            ),
        ) {
            let list = |held: &BTreeMap<String, (String, Option<String>)>| {
                let read = held
                    .iter()
                    .map(|(id, (name, code))| Ok::<_, ()>(enterprise(id, name, code.as_deref())));
                StoredEnterprises::read(read).map_err(|()| proptest::test_runner::TestCaseError::fail("read"))
            };
            let mut held: BTreeMap<String, (String, Option<String>)> =
                before.into_iter().map(|(id, name)| (id, (name, None))).collect();
            let kept = list(&held)?;
            let mut changed = BTreeMap::new();
            for (id, now) in changes {
                match &now {
                    Some((name, code)) => held.insert(id.clone(), (name.clone(), code.clone())),
                    None => held.remove(&id),
                };
                let now = now.map(|(name, code)| enterprise(&id, &name, code.as_deref()));
                changed.insert(id, now);
            }
            let fresh = list(&held)?;
            let brought = kept.with_changed(&changed);
            proptest::prop_assert_eq!(brought.each().collect::<Vec<_>>(), fresh.each().collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_cut_list_is_not_read() {
        let list = vec![
            enterprise("E-1", "鄂州市晶晶水产科技有限公司", None),
            enterprise(
                "E-2",
                "鄂州华信精细化工有限责任公司",
                Some("91420700MA4F2XQ27Q"),
            ),
        ];
        let stored = StoredEnterprises::read(list.into_iter().map(Ok::<_, ()>))
            .unwrap_or_else(|()| panic!("read"));
        let bytes = postcard::to_stdvec(&stored).unwrap_or_else(|e| panic!("{e}"));
        for cut in 0..bytes.len() {
            assert!(
                postcard::from_bytes::<StoredEnterprises>(&bytes[..cut]).is_err(),
                "{cut}"
            );
        }
    }
}
