//! Command-line mistakes reported in the UI language, like every other bad input.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::i18n::{t, tf, Lang};

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
    let sep = t("cli.list_sep");
    match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(&sep),
        Some(ContextValue::None) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// clap lists its suggestions least likely first.
fn best(error: &clap::Error, kind: ContextKind) -> Option<String> {
    match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => list.last().cloned(),
        _ => None,
    }
}

/// clap's free-text hints, which it words in English, said again in the UI language: the
/// quoted parts are the words to type.
fn hints(error: &clap::Error) -> Vec<String> {
    let Some(ContextValue::StyledStrs(hints)) = error.get(ContextKind::Suggested) else {
        return Vec::new();
    };
    hints
        .iter()
        .filter_map(|hint| {
            let text = hint.to_string();
            let quoted: Vec<&str> = text.split('\'').skip(1).step_by(2).collect();
            match quoted.as_slice() {
                [command] if text.ends_with("exists") => {
                    Some(tf("cli.args.did_you_mean", &[("suggestion", command)]))
                }
                [arg, typed] if text.starts_with("to pass") => {
                    Some(tf("cli.args.as_value", &[("arg", arg), ("typed", typed)]))
                }
                [command, _] if text.starts_with("subcommand") => {
                    Some(tf("cli.args.double_dash", &[("command", command)]))
                }
                _ => None,
            }
        })
        .collect()
}

/// Edits (insertions, deletions, substitutions) between two words.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// For a flag unknown to its command and with nothing like it there: the commands elsewhere
/// that have one like it (`due --mnth`: `sessions --month`), which clap does not look for.
fn elsewhere(command: &clap::Command, typed: &str) -> Option<String> {
    let typed = typed.strip_prefix("--")?.split('=').next()?;
    let mut found: Vec<(usize, String, String)> = Vec::new();
    let mut stack = vec![(command, command.get_name().to_string())];
    while let Some((command, path)) = stack.pop() {
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            stack.push((sub, format!("{path} {}", sub.get_name())));
        }
        for long in command
            .get_arguments()
            .filter(|a| !a.is_global_set())
            .filter_map(clap::Arg::get_long)
        {
            let edits = distance(typed, long);
            if edits <= (typed.chars().count() / 3).max(1) {
                found.push((edits, format!("--{long}"), path.clone()));
            }
        }
    }
    let fewest = found.iter().map(|(edits, ..)| *edits).min()?;
    found.retain(|(edits, ..)| *edits == fewest);
    found.sort();
    let flag = found.first()?.1.clone();
    let commands: Vec<String> = found
        .into_iter()
        .filter(|(_, f, _)| *f == flag)
        .map(|(_, _, path)| path)
        .collect();
    // A flag many commands have (--json) is not pointed to three of them chosen by name.
    if commands.len() > 3 {
        return None;
    }
    Some(tf(
        "cli.args.elsewhere",
        &[
            ("flag", &flag),
            ("commands", &commands.join(&t("cli.list_sep"))),
        ],
    ))
}

/// The message for a command-line mistake, with clap's suggestion when it has one, or `None`
/// for help and version output, which clap prints itself. `command` is the tree that was parsed.
pub fn describe(error: &clap::Error, command: &clap::Command) -> Option<String> {
    let arg = context(error, ContextKind::InvalidArg);
    let value = context(error, ContextKind::InvalidValue);
    let mut message = match error.kind() {
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
        ErrorKind::InvalidSubcommand => {
            let word = context(error, ContextKind::InvalidSubcommand);
            tf("cli.args.unknown_command", &[("arg", &word)])
        }
        ErrorKind::MissingSubcommand => {
            let valid = context(error, ContextKind::ValidSubcommand);
            let parent = context(error, ContextKind::InvalidSubcommand);
            tf(
                "cli.args.missing_command",
                &[("command", &parent), ("valid", &valid)],
            )
        }
        ErrorKind::MissingRequiredArgument => tf("cli.args.missing", &[("arg", &arg)]),
        ErrorKind::ArgumentConflict => {
            let prior = context(error, ContextKind::PriorArg);
            if prior.is_empty() {
                tf("cli.args.conflict", &[("arg", &arg)])
            } else {
                tf(
                    "cli.args.conflict_with",
                    &[("arg", &arg), ("prior", &prior)],
                )
            }
        }
        ErrorKind::TooManyValues => tf("cli.args.extra_value", &[("arg", &arg), ("value", &value)]),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues | ErrorKind::NoEquals => {
            tf("cli.args.value_count", &[("arg", &arg)])
        }
        _ => error.kind().to_string(),
    };
    let suggestion = best(error, ContextKind::SuggestedSubcommand)
        .or_else(|| best(error, ContextKind::SuggestedArg))
        .or_else(|| best(error, ContextKind::SuggestedValue));
    let mut hints = hints(error);
    match suggestion {
        Some(suggestion) => {
            hints.insert(
                0,
                tf("cli.args.did_you_mean", &[("suggestion", &suggestion)]),
            );
        }
        None if error.kind() == ErrorKind::UnknownArgument && hints.is_empty() => {
            hints.extend(elsewhere(command, &arg));
        }
        None => {}
    }
    for hint in hints {
        message.push_str(&t("cli.args.sentence_sep"));
        message.push_str(&hint);
    }
    Some(format!("{message}\n{}", tf("cli.args.help", &[])))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The mistake in `list` as the binary sees it, with the tree it parsed.
    fn mistake(list: &[&str]) -> (clap::Error, clap::Command) {
        let mut command = crate::cli_help::command(Lang::Zh);
        let error = command.try_get_matches_from_mut(list).err().unwrap();
        (error, command)
    }

    #[test]
    fn bad_values_name_the_flag_and_the_value() {
        let (error, command) = mistake(&["peixun", "--today", "2023-13-01", "due"]);
        let text = describe(&error, &command).unwrap();
        assert!(
            text.contains("--today") && text.contains("2023-13-01"),
            "{text}"
        );
        let (error, command) = mistake(&["peixun", "doctor", "--json"]);
        assert!(describe(&error, &command).unwrap().contains("--json"));
        let (help, command) = mistake(&["peixun", "--help"]);
        assert!(describe(&help, &command).is_none());
    }

    #[test]
    fn a_flag_of_another_command_is_named_with_its_command() {
        assert_eq!(distance("mnth", "month"), 1);
        assert_eq!(distance("month", "month"), 0);
        assert_eq!(distance("", "days"), 4);
        let (error, command) = mistake(&["peixun", "due", "--mnth"]);
        let text = describe(&error, &command).unwrap();
        assert!(
            text.contains("--month") && text.contains("peixun sessions"),
            "{text}"
        );
        let (error, command) = mistake(&["peixun", "due", "--zzzzzz"]);
        let text = describe(&error, &command).unwrap();
        assert!(!text.contains("peixun sessions"), "{text}");
    }
}
