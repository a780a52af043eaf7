//! Records, their owners and the checks on what people type into them.

pub mod award;
pub mod categories;
pub mod cert;
pub mod checklist;
pub mod code;
pub mod contact;
pub mod credit_code;
pub mod enterprise_rows;
pub mod file_name;
pub mod in_pieces;
pub mod input;
pub mod known_enterprises;
pub mod model;
pub mod outreach;
pub mod pinyin;
pub mod plan;
pub mod room;
pub mod session_checks;
pub mod share;
pub mod splice;
pub mod teacher;
pub use crate::text;

pub use categories::Categories;
pub use model::*;
