//! The spreadsheet importer on CSV bytes (UTF-8, BOM or GB18030): reading, finding the header,
//! and planning the import against a small store, as `peixun import FILE --dry-run` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use peixun_fuzz::{plan, store};

fuzz_target!(|data: &[u8]| {
    if let Ok(grid) = peixun::sheets::read::read_csv(data, std::path::Path::new("fuzz.csv")) {
        plan(store(), &grid);
    }
});
