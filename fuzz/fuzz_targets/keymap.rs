//! The keymap loader on a user's keymap.toml over the built-in map.
#![no_main]

use libfuzzer_sys::fuzz_target;

const DEFAULTS: &str = include_str!("../../assets/keymap.toml");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = std::path::Path::new("keymap.toml");
    let _ = peixun::tui::Keymap::parse(DEFAULTS, Some((path, &text)));
});
