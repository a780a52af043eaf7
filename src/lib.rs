//! peixun (培训): the library behind the TUI, the CLI and the tests.
//!
//! Layers, bottom to top; a module uses its own layer or those below, never one above
//! (`tests/layers.rs` checks it):
//!
//! 1. i18n, dirs, private_files, text, out, heap, file_at, unfinished, caught: words, folders,
//!    file modes, cleaning typed text, where a command's output goes, memory back to the system,
//!    reading a file at an offset, files being written until they are whole, a library's panic
//!    caught
//! 2. error, input_file, service: user errors, opening a named file, the store service's socket
//! 3. campaign, domain, config: the seed's data, records and their rules, settings
//! 4. log: ops, their fold and who may write what
//! 5. store: the sled store: open, commit, typed reads
//! 6. search, cert: finding people; the certification chain
//! 7. sync, backup: bundles between offices and their ledger; backups
//! 8. sheets: spreadsheets in (importers) and reports out
//! 9. app, demo: the use cases every client calls; the demo data
//! 10. cli, cli_cert, cli_bundle, cli_outreach, cli_report, cli_help, args, commands, tui: the clients

pub mod app;
pub mod args;
pub mod backup;
pub mod campaign;
pub mod caught;
pub mod cert;
pub mod cli;
pub mod cli_bundle;
pub mod cli_cert;
pub mod cli_help;
pub mod cli_outreach;
pub mod cli_report;
pub mod commands;
pub mod config;
pub mod demo;
pub mod dirs;
pub mod domain;
pub mod error;
pub mod file_at;
pub mod heap;
pub mod i18n;
pub mod input_file;
pub mod log;
pub mod out;
pub mod private_files;
pub mod search;
pub mod service;
pub mod sheets;
pub mod store;
pub mod sync;
pub mod text;
pub mod tui;
pub mod unfinished;
