//! One importer for every sheet an office or the platform sends: enrolment sheets and
//! enterprise lists (`sheets::people`, `sheets::enterprises`), watch logs and exam results
//! (`cert::sheet`, `cert::results_sheet`). Each kind gives its schema and its row rules; finding
//! the header, knowing columns by their many names, walking the rows, collecting bad rows,
//! `--skip-invalid`/`--dry-run` and the preview are here.

pub mod header;
pub mod plan;
pub mod preview;
pub mod row;
pub mod schema;

pub use plan::{write, Counts, Options, Outcome, Plan, RowError, Sheet, KEPT_ERRORS, MAX_ROWS};
pub use row::{clean_phone, reason, Row};
pub use schema::{Column, Need, Schema};
