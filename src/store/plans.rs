//! Each unit's training plan for a year (what it has held against it is counted in
//! `sheets::plans`).

use color_eyre::eyre::Result;

use super::Store;
use crate::domain::plan::Plan;
use crate::log::apply::keys;
use crate::log::Stored;

impl Store {
    /// `unit`'s plan for `year`, with who wrote it last.
    pub fn plan(&self, unit: &str, year: i32) -> Result<Option<Stored<Plan>>> {
        self.get_stored(&keys::plan(unit, year))
    }
}
