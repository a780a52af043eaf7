//! 场次: the sessions list, and one session's detail with its enrolment list. Both lists filter
//! with `/`; adding, editing, enrolling and removing go through forms and a confirmation.
//!
//! One folder per tab: `state` (what is on screen), `update` (keys, pure), `view` (drawing);
//! `header` is the top of a session's detail and `paper` the entry of a printed sign-in sheet.

pub mod forms;
pub mod header;
pub mod paper;
pub mod paper_view;
mod state;
mod update;
pub mod view;

pub use state::*;
pub use update::*;
