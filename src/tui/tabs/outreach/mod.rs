//! 企业: the enterprises of the office's area (鄂州市监办〔2023〕4号 二、三), whether anyone of
//! theirs was trained this year and where the outreach stands. Enter on one records its status
//! in a small form (the status cycled with ←/→, the day, a note). Phones are masked here; the
//! call list with full phones is the 报表 tab's, and its export is logged.
//!
//! One folder per tab: `state` (what is on screen), `update` (keys, pure), `view` (drawing),
//! `effects` (the tab's store work, run by `effects::run`).

pub mod effects;
mod state;
mod update;
pub mod view;

pub use state::*;
pub use update::*;
