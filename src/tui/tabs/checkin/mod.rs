//! 签到: the door. The search line always has the keys on this tab: every keystroke
//! re-ranks the session's list through `DoorSearch`, Enter checks the selected person in (or the
//! one whose participant code was scanned), nobody found opens the walk-in form. Tab-local keys
//! are all non-printable (Ctrl-Z, F2, F3) so that letters and digits always reach the query.
//!
//! One folder per tab: `state` (what is on screen), `update` (keys, pure), `view` (drawing),
//! `effects` (the tab's store work, run by `effects::run`).

mod banner;
pub mod effects;
pub mod forms;
mod state;
mod update;
pub mod view;

pub use state::*;
pub use update::*;
