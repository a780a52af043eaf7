//! Reads shaped for the terminal interface's screens.

use std::collections::HashMap;

use color_eyre::eyre::{Result, WrapErr};

use super::Store;
use crate::domain::Attendance;
use crate::log::Stored;

/// How many people a session has enrolled and how many of them checked in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCounts {
    pub enrolled: u32,
    pub present: u32,
}

impl Store {
    /// Counts for every session in two prefix scans, instead of one scan per session: the
    /// sessions list shows them for all rows at once.
    pub fn session_counts(&self) -> Result<HashMap<String, SessionCounts>> {
        let mut out: HashMap<String, SessionCounts> = HashMap::new();
        for entry in self.state.scan_prefix("n/") {
            let (key, bytes) = entry?;
            let stored: Stored<bool> = postcard::from_bytes(&bytes)
                .wrap_err_with(|| format!("record {} is damaged", String::from_utf8_lossy(&key)))?;
            if stored.value {
                out.entry(session_of(&key, 2)).or_default().enrolled += 1;
            }
        }
        for entry in self.state.scan_prefix("a/") {
            let (key, bytes) = entry?;
            let stored: Stored<Attendance> = postcard::from_bytes(&bytes)
                .wrap_err_with(|| format!("record {} is damaged", String::from_utf8_lossy(&key)))?;
            if stored.value.present {
                out.entry(session_of(&key, 2)).or_default().present += 1;
            }
        }
        Ok(out)
    }
}

/// The session id in `n/<session>/<person>` (ids never contain '/').
fn session_of(key: &[u8], prefix: usize) -> String {
    let key = String::from_utf8_lossy(key);
    let rest = key.get(prefix..).unwrap_or_default();
    rest.split('/').next().unwrap_or_default().to_string()
}
