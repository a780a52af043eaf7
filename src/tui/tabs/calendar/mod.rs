//! 日历: a month grid (Monday first) with session counts, statutory holidays (休), make-up
//! workdays (班) and deadline days (止), and the agenda of the selected day: its sessions, the
//! office's own deadlines and, at a city or the province, its units' deadlines grouped by item.
//!
//! One folder per tab: `state` (what is on screen), `update` (keys, pure), `view` (drawing).

mod state;
mod update;
pub mod view;

pub use state::*;
pub use update::*;
