//! The record stream inside a backup, after decryption (age and Ed25519 guard the layers
//! outside it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = peixun::backup::format::parse_records(data);
});
