//! Spreadsheets in (enrolment sheets from enterprises and offices) and out (the official
//! statistics table and sign-in sheets).

pub mod enterprises;
pub mod header;
pub mod people;
pub mod read;
pub mod report;
pub mod rollup;
pub mod write;
