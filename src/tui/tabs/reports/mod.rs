//! 报表: the official tables (统计表, a session's 签到表, 清单汇总, 覆盖情况) written to a file,
//! and importing a people or enterprise list with a preview first. Enter on an entry opens a
//! form (office, file, encoding); the work runs on a worker (`jobs`) with its progress shown.
//!
//! One folder per tab: `state` (what is on screen), `forms` (its forms), `update` (keys, pure),
//! `view` (drawing).

pub mod forms;
mod state;
mod update;
pub mod view;

pub use forms::{default_path, follow_office, submit};
pub use state::*;
pub use update::*;
