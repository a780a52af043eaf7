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

/// Whether a failure is the user's to fix (exit code 2) rather than the machine's.
pub fn is_user_error(report: &color_eyre::Report) -> bool {
    report.downcast_ref::<UserError>().is_some()
        || report
            .downcast_ref::<crate::domain::input::FieldErrors>()
            .is_some()
        || report.downcast_ref::<crate::store::SessionFull>().is_some()
        // An office changing what another owns is refused, not broken.
        || report
            .downcast_ref::<crate::log::ApplyError>()
            .is_some_and(|e| matches!(e, crate::log::ApplyError::Unauthorised { .. }))
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
