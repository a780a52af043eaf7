//! 认证: the certification pipeline as columns (trained -> candidate -> examined -> makeup ->
//! certified) with counts per city; Enter opens a city's people, Enter again a person's whole
//! history. Read-only: the chain's changes are the province's commands (`peixun cert`).
//!
//! One folder per tab: `state` (what is on screen), `update` (keys, pure), `view` (drawing),
//! `effects` (the tab's store work, run by `effects::run`).

pub mod effects;
mod state;
mod update;
pub mod view;

pub use state::*;
pub use update::*;
