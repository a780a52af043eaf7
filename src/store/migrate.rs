//! Bringing an older store's state up to this version's layout. The op log is the truth; the
//! state is folded from it again when the records' layout changes, and a change of how they are
//! keyed is made by copying the database (`store::relog`) before this runs.
//!
//! - Schema 1 to 2: enrolment lists and check-ins keep each office's entries apart (a joint
//!   session's host and co-host both keep its list), deadlines go to the higher office, and ops
//!   the rules of who may write what refuse are kept in their chains and listed.
//! - Schema 2 to 3: every result given for an exam attempt is kept in the person's history, not
//!   only the latest.
//! - Schema 3 to 4: the state keeps its layout; every write to people or enterprises now removes
//!   the search index kept beside the store (`derived`), so an older peixun, which would not,
//!   must not write to the store any more.
//! - Schema 4 to 5: the op log moves from a key per op (`ops`) to runs of ops (`oplog`,
//!   `store::oplog`), in a fresh copy of the database made as it opens (`store::relog`).
//! - Schema 5 to 6: the state keeps its layout; every write to checklist marks, deadlines,
//!   evidence, sessions and their enrolled and present counts now removes the records kept
//!   beside the store for the quick commands (`derived`, `kept_records`), so an older peixun,
//!   which would not, must not write to the store any more.
//! - Schema 6 to 7: the phone and code lookups move into buckets (`log::lookup_buckets`), in a
//!   fresh copy of the database made as it opens (`store::relog`).

use std::collections::BTreeMap;

use color_eyre::eyre::{Result, WrapErr};

use super::voided::Voided;
use super::{Store, SCHEMA_VERSION};
use crate::i18n::tf;
use crate::log::{apply, ApplyError, Op};

/// The first schema whose records are laid out as this version's (6 to 7 only moved the
/// lookups into buckets, which `store::relog` does by copying, before this runs).
pub(super) const SAME_STATE_SINCE: u32 = 3;

impl Store {
    /// Brings a store of an older `schema` to this version's.
    pub(super) fn upgrade(&self, schema: u32) -> Result<()> {
        if schema < SAME_STATE_SINCE {
            crate::errln!(
                "{}",
                tf(
                    "cli.store.upgrading",
                    &[("found", &schema), ("version", &SCHEMA_VERSION)]
                )
            );
            return self.refold();
        }
        self.derived
            .invalidate(super::derived::Fed::ALL)
            .wrap_err("removing the files derived by an older peixun")?;
        self.meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
        self.db
            .flush()
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        Ok(())
    }

    /// Folds the whole log into a fresh state, keeping the ops the rules refuse as listed voids,
    /// and writes the state and the schema number at once.
    fn refold(&self) -> Result<()> {
        let mut ops: Vec<Op> = self.ops().collect::<Result<_>>()?;
        ops.sort_by_key(Op::order_key);
        let mut state: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut voided = Vec::new();
        let now = crate::log::hlc::now_ms();
        for op in &ops {
            match apply(&mut state, op) {
                Ok(_) => {}
                Err(ApplyError::Unauthorised {
                    record,
                    origin,
                    rule,
                }) => voided.push(Voided::of(op, (record, origin, rule), String::new(), now)),
                Err(other) => return Err(other).wrap_err("folding the log again"),
            }
        }
        let mut batch = sled::Batch::default();
        for key in self.state.iter().keys() {
            batch.remove(key?);
        }
        for (key, value) in state {
            batch.insert(key.as_bytes(), value);
        }
        self.derived
            .invalidate(super::derived::Fed::ALL)
            .wrap_err("removing the derived files before folding again")?;
        self.state.apply_batch(batch)?;
        self.replace_voided(&voided)?;
        self.meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
        self.db
            .flush()
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))?;
        Ok(())
    }
}
