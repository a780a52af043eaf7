//! The store's enterprises as a sheet's rows are matched against them, kept beside the store
//! (`store::kept`) while no enterprise is written: read from sled, every enterprise's pages stay
//! in its cache (about 19 MB at ten times the province), and a sheet is often imported twice,
//! once with `--dry-run`, between check-ins that write no enterprise.

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
        // Kept across writes of anything but enterprises (`e/`): check-ins, people, lists.
        |kept, since| Ok((!since.wrote_any(&["e"])).then_some(kept)),
        || StoredEnterprises::read(store.enterprises_each()),
    )
}

/// The enterprises a sheet of people may name: those of this office's area.
pub fn for_people(store: &Store) -> Result<StoredEnterprises> {
    Ok(stored(store)?.retain_ids(|id| store.may_name_for_people(id)))
}
