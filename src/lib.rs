//! peixun (培训): the library behind the TUI, the CLI and the tests.

pub mod campaign;
pub mod domain;
pub mod i18n;
pub mod log;
pub mod store;
pub mod cli;
pub mod commands;
pub mod error;
pub mod tui;
pub mod demo;
pub mod search;
