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
        // Something of that name is there (it may have appeared while the file was written).
        ErrorKind::AlreadyExists | ErrorKind::DirectoryNotEmpty => "cli.io.exists",
        _ if is_disk_full(error) => "cli.io.full",
        _ => return error.to_string(),
    };
    crate::i18n::t(key)
}

/// Whether `error` is the disk having no room left.
pub fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull
}

/// A cause in an error's chain as said to the user: a full disk in the UI language (the
/// system's words for it are English), anything else as it says itself.
pub fn cause_said(cause: &(dyn std::error::Error + 'static)) -> String {
    let io = cause.downcast_ref::<std::io::Error>().or_else(|| {
        match cause.downcast_ref::<sled::Error>() {
            Some(sled::Error::Io(io)) => Some(io),
            _ => None,
        }
    });
    match io {
        Some(io) if is_disk_full(io) => crate::i18n::t("cli.io.full"),
        _ => cause.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_taken_meanwhile_is_said_in_words_not_the_systems() {
        for code in [libc::EEXIST, libc::ENOTEMPTY] {
            let said = io_reason(&std::io::Error::from_raw_os_error(code));
            assert_eq!(said, crate::i18n::t("cli.io.exists"));
            assert!(!said.contains("os error"), "{said}");
        }
    }
}
