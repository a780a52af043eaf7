//! Spreadsheets in (read into a grid by `read`, imported by the one importer in `import`:
//! enrolment sheets in `people`, enterprise lists in `enterprises`) and out: the official tables
//! as printable documents (`doc`), measured so nothing is cut (`layout`), written as .xlsx,
//! .csv or .pdf (`output`).

pub mod archive;
pub mod bulletin;
pub mod bulletin_doc;
pub mod calls;
mod csv_rows;
pub mod doc;
pub mod docx;
pub mod enterprises;
pub mod font;
pub mod import;
pub mod known;
pub mod layout;
pub mod letter_pdf;
pub mod long;
pub mod notice;
pub mod output;
pub mod package_index;
pub mod pdf;
mod pdf_file;
mod pdf_glyphs;
mod pdf_rows;
pub mod people;
pub mod plans;
mod reached;
pub mod read;
pub mod report;
pub mod results;
pub mod rollup;
pub mod stamp;
pub mod summary;
pub mod watch_log;
pub mod write;
pub mod xlsx;
mod xlsx_rows;
mod zip_out;
