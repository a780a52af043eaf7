//! Spreadsheets in: enrolment sheets from enterprises and offices.

pub mod header;
pub mod people;
pub mod read;
