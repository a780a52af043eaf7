//! peixun (培训): the library behind the TUI, the CLI and the tests.

pub mod args;
pub mod backup;
pub mod campaign;
pub mod cert;
pub mod cli;
pub mod cli_cert;
pub mod cli_help;
pub mod cli_sync;
pub mod commands;
pub mod config;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod input_file;
pub mod log;
pub mod private_files;
pub mod search;
pub mod sheets;
pub mod store;
pub mod sync;
pub mod tui;
