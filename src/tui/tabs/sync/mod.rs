//! 同步: the offices this one exchanges bundles with (the last bundle sent and received, number
//! and age), exporting a bundle for the selected one to a stick, importing bundle files with what
//! they did, this office's and the trusted keys' fingerprints, held and quarantined ranges, and
//! at a city the people found in more than one county. Exports and imports run on the worker
//! (`effects`) with their progress shown, like the 报表 tab's; how they ended is a panel of its
//! own, one line per file, that the movement keys go through.
//!
//! Laid out as `tabs::checkin` is: `state`, `update` (pure), `view`, `effects` (run by
//! `effects::run`, with the worker's export and import), `data` (the tab's store reads).

mod data;
pub mod effects;
mod state;
mod update;
pub mod view;

pub use state::*;
pub use update::*;
