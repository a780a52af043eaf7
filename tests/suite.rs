//! The integration tests in one binary: one link instead of sixty keeps a clean build's disk and
//! time small. A new test file is declared here. Four stand apart, each a binary of its own
//! (`Cargo.toml`): `tui_en.rs`, because the interface's language is one setting for the whole
//! process; `sync_bounds.rs`, because a child's peak memory as the kernel reports it is at least
//! this process's own; `import_kill.rs` and `sync_kill.rs`, which time a whole import and then
//! kill others part way, so a test beside them that slows one run but not the next would move
//! their kills.

mod common;
mod pty_session;

mod app;
mod backup;
mod bulletin;
mod bulletin_cli;
mod calls_pages;
mod cert;
mod cert_evaluate;
mod cert_history;
mod cert_summary;
mod cert_sync;
mod checkin;
mod clean_text;
mod cli;
mod cli_help;
mod contacts;
mod copied_folder;
mod counted_once;
mod demo;
mod enterprises;
mod export_faults;
mod faults;
mod fuzz_props;
mod import;
mod import_header;
mod import_turns;
mod kept_records;
mod layers;
mod lists_by_name;
mod log_order;
mod lookup_upgrade;
mod need_answer;
mod notice;
mod outreach;
mod package;
mod phone_of_another;
mod plan_edit;
mod plans;
mod private_files;
mod pty;
mod report;
mod report_print;
mod search_cache;
mod service;
mod services;
mod session_checks;
mod session_past;
mod sources;
mod stopped;
mod store;
mod strings;
mod sync;
mod sync_authority;
mod sync_cli;
mod sync_copies;
mod sync_damage;
mod sync_deliveries;
mod sync_files;
mod sync_golden;
mod sync_keys;
mod sync_paths;
mod sync_races;
mod sync_replace;
mod sync_rotation;
mod sync_set_aside;
mod sync_seven;
mod sync_status;
mod teachers;
mod tui;
mod tui_cert;

/// With Cargo's own discovery of test files turned off, a file declared nowhere would never be
/// built, and nothing would say so.
#[test]
fn every_test_file_is_built() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let suite = std::fs::read_to_string(root.join("tests/suite.rs")).unwrap();
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let mut files = 0;
    let mut unbuilt = Vec::new();
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".rs") else {
            continue;
        };
        files += 1;
        let declared = suite.lines().any(|line| line == format!("mod {stem};"));
        let apart = manifest.contains(&format!("path = \"tests/{name}\""));
        if !declared && !apart {
            unbuilt.push(name);
        }
    }
    assert!(files > 60, "only {files} test files found");
    assert!(unbuilt.is_empty(), "built by no test binary: {unbuilt:?}");
}
