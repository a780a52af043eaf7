//! Sign-in sheets as they were printed. A sheet's 序号 are the list's order when it was printed;
//! people enrolled after that would shift every row below them, so each printed sheet is kept as
//! a numbered version (its number is on the paper) and the rows ticked on it are read against
//! that version, never against the list as it is now.

use color_eyre::eyre::Result;
use serde::{Deserialize, Serialize};

use super::Store;
use crate::store::lists;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedSheet {
    /// 1, 2, 3... per session, as printed on the sheet.
    pub version: u32,
    pub at_ms: u64,
    /// The people on the sheet, by row: row n is `people[n - 1]`.
    pub people: Vec<String>,
}

/// How the list has moved since a sheet was printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drift {
    /// Enrolled since, so not on the sheet.
    pub added: usize,
    /// On the sheet, no longer on the list.
    pub removed: usize,
}

fn key(session: &str, version: u32) -> Vec<u8> {
    [session.as_bytes(), b"/", &version.to_be_bytes()].concat()
}

fn tree(store: &Store) -> Result<sled::Tree> {
    Ok(store.db().open_tree("printed")?)
}

/// Keeps the rows of a sheet just printed; its version number.
pub fn record(store: &Store, session: &str, people: Vec<String>) -> Result<u32> {
    let version = sheet(store, session, None)?.map_or(1, |s| s.version + 1);
    let sheet = PrintedSheet {
        version,
        at_ms: crate::log::hlc::now_ms(),
        people,
    };
    tree(store)?.insert(key(session, version), postcard::to_stdvec(&sheet)?)?;
    store.db().flush()?;
    Ok(version)
}

/// Version `version` of a session's printed sheet, or the latest one.
pub fn sheet(store: &Store, session: &str, version: Option<u32>) -> Result<Option<PrintedSheet>> {
    let tree = tree(store)?;
    let bytes = match version {
        Some(v) => tree.get(key(session, v))?,
        None => tree
            .scan_prefix([session.as_bytes(), b"/"].concat())
            .last()
            .transpose()?
            .map(|(_, v)| v),
    };
    Ok(match bytes {
        Some(bytes) => Some(postcard::from_bytes(&bytes)?),
        None => None,
    })
}

/// How a session's list differs from `sheet`.
pub fn drift(store: &Store, session: &str, sheet: &PrintedSheet) -> Result<Drift> {
    let now: std::collections::HashSet<String> =
        lists::enrolled_ids(store, session)?.into_iter().collect();
    let printed: std::collections::HashSet<&String> = sheet.people.iter().collect();
    Ok(Drift {
        added: now.iter().filter(|p| !printed.contains(p)).count(),
        removed: sheet.people.iter().filter(|p| !now.contains(*p)).count(),
    })
}
