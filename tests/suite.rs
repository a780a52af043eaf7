//! The integration tests in one binary: one link instead of sixty keeps a clean build's disk and
//! time small. Two stay apart: `tests/tui_en.rs`, because the interface's language is one setting
//! for the whole process, and `tests/sync_bounds.rs`, because a child's peak memory as the kernel
//! reports it includes this process's own.

mod common;
mod pty_session;

mod app;
mod backup;
mod bulletin;
mod bulletin_cli;
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
mod demo;
mod enterprises;
mod faults;
mod fuzz_props;
mod import;
mod import_header;
mod import_kill;
mod kept_records;
mod layers;
mod lists_by_name;
mod log_order;
mod lookup_upgrade;
mod notice;
mod outreach;
mod package;
mod phone_of_another;
mod plans;
mod private_files;
mod pty;
mod report;
mod report_print;
mod search_cache;
mod service;
mod session_checks;
mod sources;
mod store;
mod strings;
mod sync;
mod sync_authority;
mod sync_cli;
mod sync_copies;
mod sync_deliveries;
mod sync_files;
mod sync_golden;
mod sync_keys;
mod sync_kill;
mod sync_paths;
mod sync_races;
mod sync_rotation;
mod sync_set_aside;
mod sync_seven;
mod sync_status;
mod teachers;
mod tui;
mod tui_cert;
