//! Errors the user caused (bad input, a refused action) as opposed to failures of the machine.

/// Shown as one line without a backtrace; the CLI exits with code 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UserError {}

pub fn user_error(message: impl Into<String>) -> color_eyre::Report {
    UserError(message.into()).into()
}

/// Why a file could not be used, in the UI language for the causes people can fix themselves.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let key = match error.kind() {
        ErrorKind::NotFound => "cli.io.not_found",
        ErrorKind::PermissionDenied => "cli.io.denied",
        ErrorKind::IsADirectory => "cli.io.is_dir",
        ErrorKind::NotADirectory => "cli.io.not_dir",
        _ => return error.to_string(),
    };
    crate::i18n::t(key)
}
