//! The spreadsheet importer on XLSX (or any workbook) bytes: calamine through `sheets::read`,
//! then the same planning as the CSV target.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use peixun_fuzz::{plan, store};

fuzz_target!(|data: &[u8]| {
    let Ok(mut file) = tempfile::Builder::new().suffix(".xlsx").tempfile() else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    if let Ok(grid) = peixun::sheets::read::read(file.path(), None) {
        plan(store(), &grid);
    }
});
