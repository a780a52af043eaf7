//! 清单: a county-level office sees its own items; a city or the province sees a grid of its
//! units by campaign step and drills into one unit. Only the unit itself marks its items (it owns
//! them, `log::authority`); others look.
//!
//! One folder per tab: `state` (what is on screen), `update` (keys, pure), `view` (drawing).

pub mod effects;
pub mod forms;
pub mod plan;
pub mod plan_view;
pub mod publicity;
pub mod publicity_view;
mod state;
mod update;
pub mod view;

pub use state::*;
pub use update::*;
