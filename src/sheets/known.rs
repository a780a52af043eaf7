//! The store's enterprises as a sheet's rows are matched against them, kept beside the store
//! (`store::kept`) and brought up to date with the few enterprises written since (the
//! `write_journal`'s): read from sled, every enterprise's pages stay in its cache (about 19 MB
//! at ten times the province), and a sheet is often imported twice, once with `--dry-run`,
//! between check-ins and walk-ins. After a bundle, a write of more than a thousand people or
//! enterprises, or more writes than the journal keeps, they are read from sled again.

use std::collections::BTreeMap;

use color_eyre::eyre::Result;

use crate::domain::known_enterprises::StoredEnterprises;
use crate::store::kept::Kept;
use crate::store::Store;

const KEPT: Kept = Kept {
    file: "known-enterprises",
    magic: b"peixun known enterprises 1\n",
    max_bytes: 256 << 20,
};

/// Every enterprise the store holds.
pub fn stored(store: &Store) -> Result<StoredEnterprises> {
    KEPT.get_or_bring_up_to_date(
        store,
        &[],
        |kept: StoredEnterprises, since| {
            // A walk-in's new firm, a renamed one: those written are read again.
            let mut changed = BTreeMap::new();
            for id in since.enterprises {
                let now = store.enterprise(&id)?;
                changed.insert(id, now);
            }
            Ok(Some(kept.with_changed(&changed)))
        },
        || StoredEnterprises::read(store.enterprises_each()),
    )
}

/// Whether what a sheet read at the log `read_at` found of the store is still so: no person's
/// record and no enterprise written since (check-ins are no matter). Not known, with the
/// journal's chain broken (a bundle came in): not so.
pub fn still_as_read(store: &Store, read_at: &[u8; 32]) -> Result<bool> {
    let now = store.heads_digest()?;
    Ok(
        crate::store::write_journal::since(store.dir(), read_at, &now)
            .is_some_and(|since| since.records.is_empty() && !since.wrote_any(&["e"])),
    )
}

/// Removes the kept list, if any (`doctor`).
pub fn forget(store: &Store) -> Result<()> {
    KEPT.forget(store)
}

/// The enterprises a sheet of people may name: those of this office's area.
pub fn for_people(store: &Store) -> Result<StoredEnterprises> {
    Ok(stored(store)?.retain_ids(|id| store.may_name_for_people(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Categories, Enterprise};
    use crate::log::Payload;

    fn enterprise(id: &str, name: &str) -> Enterprise {
        Enterprise {
            id: id.into(),
            office: "420704".into(),
            name: name.into(),
            credit_code: None,
            categories: Categories::NONE,
            unit: "420704".into(),
        }
    }

    fn names(store: &Store) -> Vec<String> {
        let stored = stored(store).unwrap_or_else(|e| panic!("{e:?}"));
        stored.each().map(|(name, _, _)| name.to_string()).collect()
    }

    /// A list kept under the log is what the next reads start from: kept across a person's
    /// write, brought up to date with an enterprise written, read again once the journal's
    /// chain is broken. A list holding a firm the store never had shows which.
    #[test]
    fn the_kept_list_is_brought_up_to_date_rather_than_read_again() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store =
            Store::create(dir.path(), "420704", "测试员").unwrap_or_else(|e| panic!("{e:?}"));
        let commit = |payload: Payload| {
            store
                .commit(vec![payload])
                .unwrap_or_else(|e| panic!("{e:?}"));
        };
        commit(Payload::EnterpriseUpserted(enterprise(
            "E-420704-b",
            "鄂州市华达机械有限公司",
        )));
        assert_eq!(names(&store), ["鄂州市华达机械有限公司"]);
        let planted = StoredEnterprises::read(
            [
                enterprise("E-420704-a", "从未登记的公司"),
                enterprise("E-420704-b", "鄂州市华达机械有限公司"),
            ]
            .into_iter()
            .map(Ok::<_, ()>),
        )
        .unwrap_or_else(|()| panic!("read"));
        let key = KEPT.key(&store, &[]).unwrap_or_else(|e| panic!("{e:?}"));
        KEPT.keep(&store, &[], &key, store.quiet(), &planted);
        assert_eq!(
            names(&store),
            ["从未登记的公司", "鄂州市华达机械有限公司"],
            "read from the file"
        );

        commit(crate::log::fixtures::person(
            "P-420704-1",
            "张三",
            "13800001111",
            "S1",
        ));
        assert_eq!(
            names(&store),
            ["从未登记的公司", "鄂州市华达机械有限公司"],
            "a person's write keeps it"
        );

        commit(Payload::EnterpriseUpserted(enterprise(
            "E-420704-c",
            "鄂州市晶晶水产科技有限公司",
        )));
        commit(Payload::EnterpriseUpserted(enterprise(
            "E-420704-b",
            "鄂州市华达重工有限公司",
        )));
        assert_eq!(
            names(&store),
            [
                "从未登记的公司",
                "鄂州市华达重工有限公司",
                "鄂州市晶晶水产科技有限公司"
            ],
            "those written since are read in their places"
        );

        commit(crate::log::fixtures::person(
            "P-420704-2",
            "李四",
            "13800002222",
            "S2",
        ));
        std::fs::remove_file(dir.path().join("writes.journal")).unwrap_or_else(|e| panic!("{e}"));
        commit(crate::log::fixtures::person(
            "P-420704-3",
            "王五",
            "13800003333",
            "S3",
        ));
        assert_eq!(
            names(&store),
            ["鄂州市华达重工有限公司", "鄂州市晶晶水产科技有限公司"],
            "the chain broken, read from the store"
        );
    }
}
