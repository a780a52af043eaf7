//! Command-line mistakes reported in the UI language, like every other bad input.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::i18n::{tf, Lang};

/// The language asked for, read before parsing succeeded (so a bad flag elsewhere on the line
/// is still reported in it).
pub fn lang_from_args(args: &[String]) -> Lang {
    let env_en = std::env::var("PEIXUN_LANG").is_ok_and(|v| v == "en");
    let mut lang = if env_en { Lang::En } else { Lang::Zh };
    for (i, arg) in args.iter().enumerate() {
        let value = match arg.strip_prefix("--lang=") {
            Some(v) => Some(v),
            None if arg == "--lang" => args.get(i + 1).map(String::as_str),
            None => None,
        };
        match value {
            Some("en") => lang = Lang::En,
            Some("zh") => lang = Lang::Zh,
            _ => {}
        }
    }
    lang
}

fn context(error: &clap::Error, kind: ContextKind) -> String {
    match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// One line for a command-line mistake, or `None` for help and version output, which clap
/// prints itself.
pub fn describe(error: &clap::Error) -> Option<String> {
    let arg = context(error, ContextKind::InvalidArg);
    let value = context(error, ContextKind::InvalidValue);
    let message = match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return None,
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = context(error, ContextKind::ValidValue);
            if arg.contains("DATE") {
                tf("cli.args.bad_date", &[("arg", &arg), ("value", &value)])
            } else if valid.is_empty() {
                tf("cli.args.bad_value", &[("arg", &arg), ("value", &value)])
            } else {
                tf(
                    "cli.args.bad_choice",
                    &[("arg", &arg), ("value", &value), ("valid", &valid)],
                )
            }
        }
        ErrorKind::UnknownArgument => tf("cli.args.unknown", &[("arg", &arg)]),
        ErrorKind::InvalidSubcommand => tf("cli.args.unknown_command", &[("arg", &arg)]),
        ErrorKind::MissingRequiredArgument => tf("cli.args.missing", &[("arg", &arg)]),
        ErrorKind::ArgumentConflict => tf("cli.args.conflict", &[("arg", &arg)]),
        _ => error.kind().to_string(),
    };
    Some(format!("{message}\n{}", tf("cli.args.help", &[])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn language_is_found_before_parsing() {
        assert_eq!(
            lang_from_args(&args(&["peixun", "--lang", "en", "x"])),
            Lang::En
        );
        assert_eq!(
            lang_from_args(&args(&["peixun", "due", "--lang=en"])),
            Lang::En
        );
    }

    #[test]
    fn bad_values_name_the_flag_and_the_value() {
        let error = crate::cli::Cli::try_parse_from(["peixun", "--today", "2023-13-01", "due"])
            .err()
            .unwrap();
        let text = describe(&error).unwrap();
        assert!(
            text.contains("--today") && text.contains("2023-13-01"),
            "{text}"
        );
        let error = crate::cli::Cli::try_parse_from(["peixun", "doctor", "--json"])
            .err()
            .unwrap();
        assert!(describe(&error).unwrap().contains("--json"));
        let help = crate::cli::Cli::try_parse_from(["peixun", "--help"])
            .err()
            .unwrap();
        assert!(describe(&help).is_none());
    }
}
