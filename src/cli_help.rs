//! The help, the man page and the completions in the UI language.
//!
//! The derive structs in `cli*.rs` say what parses; their doc comments are for developers. Before
//! anything is parsed or printed, every description is replaced by its string in
//! `assets/i18n/<lang>/help.toml`, keyed by command path and argument id
//! (`help.peixun.session.add.title`), and clap's own words (headings, the help and version
//! flags, "[default: …]") by `help.ui.*`.

use std::any::TypeId;
use std::marker::PhantomData;

use clap::builder::{EnumValueParser, PossibleValue, TypedValueParser};
use clap::{Arg, ArgAction, Command, CommandFactory, ValueEnum};
use unicode_width::UnicodeWidthStr;

use crate::cli::{Cli, ImportKind, Scale};
use crate::i18n::{t_in, Lang};

/// The command line with every text in `lang`, ready to parse and to print its help. The
/// top-level (global) flags are described once, in `peixun --help`, though accepted everywhere.
pub fn command(lang: Lang) -> Command {
    built(lang, For::Help)
}

/// Shell completions with descriptions in `lang`; global flags are offered after any command.
pub fn completions(lang: Lang, shell: clap_complete::Shell, out: &mut dyn std::io::Write) {
    let mut command = built(lang, For::Completions);
    clap_complete::generate(shell, &mut command, "peixun", out);
}

/// The man page (roff) in `lang`, section titles included.
pub fn man(lang: Lang, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command(lang)).render(&mut page)?;
    let page = String::from_utf8_lossy(&page);
    for line in page.lines() {
        // clap_mangen writes its section titles in English; they are the only words it adds.
        let title = line.strip_prefix(".SH ").and_then(|title| {
            let key = format!("help.man.{}", title.to_lowercase());
            let text = t_in(lang, &key);
            (text != key).then_some(text)
        });
        match title {
            Some(title) => writeln!(out, ".SH {title}")?,
            None => writeln!(out, "{line}")?,
        }
    }
    Ok(())
}

/// Every string key the help of the whole command tree uses, for the test that both languages
/// define them all.
pub fn keys() -> Vec<String> {
    let mut texts = Texts::new(Lang::Zh, For::Help);
    texts.command(Cli::command(), "peixun");
    for key in UI {
        texts.text(key);
    }
    texts.used.sort();
    texts.used.dedup();
    texts.used
}

/// Where the help and version flags sort among the options.
const LAST: usize = 10_000;

/// clap's own words, and the man page's section titles clap_mangen writes.
const UI: [&str; 25] = [
    "ui.usage",
    "ui.commands",
    "ui.arguments",
    "ui.options",
    "ui.global_options",
    "ui.global_note",
    "ui.help_command",
    "ui.options_tag",
    "ui.command_value",
    "ui.help",
    "ui.help_short",
    "ui.help_long",
    "ui.version",
    "ui.default",
    "ui.env",
    "ui.values",
    "ui.value",
    "ui.list_sep",
    "man.name",
    "man.synopsis",
    "man.description",
    "man.options",
    "man.subcommands",
    "man.version",
    "man.extra",
];

/// Help and man page, or completions, which offer the global flags after any command and want
/// only the descriptions, without "[default: …]".
#[derive(Clone, Copy, PartialEq, Eq)]
enum For {
    Help,
    Completions,
}

fn built(lang: Lang, purpose: For) -> Command {
    let mut command = Texts::new(lang, purpose).command(Cli::command(), "peixun");
    // Building now adds clap's own `help` subcommands and copies the global flags into every
    // subcommand, so both can be put into words below.
    command.build();
    let (globals, flags): (Vec<String>, Vec<String>) = command
        .get_arguments()
        .filter(|a| a.is_global_set())
        .filter_map(|a| Some((a.get_id().to_string(), format!("--{}", a.get_long()?))))
        .unzip();
    let hidden = if purpose == For::Help {
        globals.as_slice()
    } else {
        &[]
    };
    let note = t_in(lang, "help.ui.global_note")
        .replace("{flags}", &flags.join(&t_in(lang, "help.ui.list_sep")));
    finish(&mut command, lang, hidden, &note, true);
    command
}

/// Looks strings up in one language and remembers which keys were asked for.
struct Texts {
    lang: Lang,
    purpose: For,
    used: Vec<String>,
}

impl Texts {
    fn new(lang: Lang, purpose: For) -> Self {
        Texts {
            lang,
            purpose,
            used: Vec::new(),
        }
    }

    fn text(&mut self, key: &str) -> String {
        let key = format!("help.{key}");
        let text = t_in(self.lang, &key);
        self.used.push(key);
        text
    }

    fn command(&mut self, command: Command, path: &str) -> Command {
        let about = self.text(&format!("{path}.about"));
        let mut command = command
            .about(about)
            .long_about(None)
            .mut_args(|arg| self.arg(arg, path))
            .disable_help_flag(true)
            .disable_version_flag(true);
        // The help flag says whether --help shows more than -h, as clap's own does.
        let has_long = command.get_arguments().any(|a| a.get_long_help().is_some());
        // Last in every list, after the options copied down from above as well.
        let help = Arg::new("help")
            .short('h')
            .long("help")
            .action(ArgAction::Help)
            .display_order(LAST);
        let help = if has_long {
            help.help(self.text("ui.help_short"))
                .long_help(self.text("ui.help_long"))
        } else {
            help.help(self.text("ui.help"))
        };
        command = command.arg(help);
        if path == "peixun" {
            command = command.arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .display_order(LAST + 1)
                    .help(self.text("ui.version")),
            );
        }
        command.mut_subcommands(|sub| {
            let path = format!("{path}.{}", sub.get_name());
            self.command(sub, &path)
        })
    }

    fn arg(&mut self, arg: Arg, path: &str) -> Arg {
        // An option that means the same everywhere (`--json`) is described once, under `common`.
        let own = format!("{path}.{}", arg.get_id());
        let key = if t_in(Lang::Zh, &format!("help.{own}")) == format!("help.{own}") {
            format!("common.{}", arg.get_id())
        } else {
            own
        };
        let help = self.text(&key);
        let arg = self.values(arg);
        if self.purpose == For::Completions {
            return arg.help(help);
        }
        // What clap would add in English goes into the help text instead.
        let takes_values = arg.get_action().takes_values();
        let mut notes = vec![help];
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .filter(|v| !v.is_empty())
            .collect();
        if takes_values && !defaults.is_empty() {
            let text = self.text("ui.default");
            notes.push(text.replace("{value}", &defaults.join(", ")));
        }
        if let Some(env) = arg.get_env() {
            let text = self.text("ui.env");
            notes.push(text.replace("{name}", &env.to_string_lossy()));
        }
        let values: Vec<PossibleValue> = match arg.get_value_parser().possible_values() {
            Some(values) if takes_values => values.filter(|v| !v.is_hide_set()).collect(),
            _ => Vec::new(),
        };
        // The long help lists each value with what it means, when the values have meanings.
        let line = self.text("ui.value");
        let described: Vec<String> = values
            .iter()
            .filter_map(|v| {
                let help = v.get_help()?.to_string();
                Some(
                    line.replace("{name}", v.get_name())
                        .replace("{help}", &help),
                )
            })
            .collect();
        let long = (!described.is_empty())
            .then(|| format!("{}\n{}", notes.join(" "), described.join("\n")));
        if !values.is_empty() {
            let names: Vec<&str> = values.iter().map(PossibleValue::get_name).collect();
            let text = self.text("ui.values");
            let sep = self.text("ui.list_sep");
            notes.push(text.replace("{values}", &names.join(&sep)));
        }
        let arg = arg
            .help(notes.join(" "))
            .hide_default_value(takes_values)
            .hide_possible_values(takes_values);
        let arg = if arg.get_env().is_some() {
            arg.hide_env(true)
        } else {
            arg
        };
        match long {
            Some(long) => arg.long_help(long),
            None => arg,
        }
    }

    /// Gives the values of the choice flags their descriptions in the UI language (completions
    /// and the long help show them).
    fn values(&mut self, arg: Arg) -> Arg {
        let arg = self.described::<Scale>(arg, "scale");
        let arg = self.described::<crate::sheets::write::Encoding>(arg, "encoding");
        let arg = self.described::<crate::domain::EnterpriseCategory>(arg, "category");
        let arg = self.described::<crate::domain::MarkStatus>(arg, "status");
        let arg = self.described::<crate::cert::Stage>(arg, "stage");
        let arg = self.described::<crate::domain::award::AwardKind>(arg, "award_kind");
        self.described::<ImportKind>(arg, "import_kind")
    }

    fn described<E>(&mut self, arg: Arg, name: &'static str) -> Arg
    where
        E: ValueEnum + Clone + Send + Sync + 'static,
    {
        if arg.get_value_parser().type_id() != TypeId::of::<E>() {
            return arg;
        }
        for value in E::value_variants().iter().filter_map(E::to_possible_value) {
            self.text(&format!("values.{name}.{}", value.get_name()));
        }
        arg.value_parser(Described::<E> {
            name,
            lang: self.lang,
            kind: PhantomData,
        })
    }
}

/// Parses exactly as clap's parser for the enum does; only the descriptions of the values differ.
struct Described<E> {
    name: &'static str,
    lang: Lang,
    kind: PhantomData<fn() -> E>,
}

impl<E> Clone for Described<E> {
    fn clone(&self) -> Self {
        Described {
            name: self.name,
            lang: self.lang,
            kind: PhantomData,
        }
    }
}

impl<E> TypedValueParser for Described<E>
where
    E: ValueEnum + Clone + Send + Sync + 'static,
{
    type Value = E;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<E, clap::Error> {
        EnumValueParser::<E>::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        let values = E::value_variants()
            .iter()
            .filter_map(E::to_possible_value)
            .map(|value| {
                let key = format!("help.values.{}.{}", self.name, value.get_name());
                let help = t_in(self.lang, &key);
                value.help(help)
            });
        Some(Box::new(values))
    }
}

/// What only exists once the tree is built: clap's `help` subcommands, the global flags copied
/// into subcommands, the usage line. Sets the help layout with headings in `lang`.
fn finish(command: &mut Command, lang: Lang, hidden: &[String], note: &str, top: bool) {
    let text = |key: &str| t_in(lang, &format!("help.{key}"));
    let mut owned = std::mem::take(command);
    if !top {
        if owned.get_name() == "help" {
            owned = owned.about(text("ui.help_command"));
        }
        owned = owned
            .mut_args(|arg| {
                if hidden.iter().any(|id| arg.get_id() == id.as_str()) {
                    arg.hide_short_help(true).hide_long_help(true)
                } else {
                    arg
                }
            })
            .after_help(note.to_string());
    }
    if owned.has_subcommands() {
        owned = owned.subcommand_value_name(text("ui.command_value"));
    }
    let usage = usage(&mut owned, lang);
    let template = template(&owned, lang, top);
    *command = owned.override_usage(usage).help_template(template);
    for sub in command.get_subcommands_mut() {
        finish(sub, lang, hidden, note, false);
    }
}

/// clap's usage line with its "[OPTIONS]" in the UI language and continuation lines lined up
/// under the translated heading.
fn usage(command: &mut Command, lang: Lang) -> String {
    let rendered = command.render_usage().to_string();
    let body = rendered
        .split_once(' ')
        .map_or(rendered.as_str(), |(_, rest)| rest);
    let indent = " ".repeat(t_in(lang, "help.ui.usage").width());
    let options = t_in(lang, "help.ui.options_tag");
    body.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(&format!("\n{indent}"))
        .replace("[OPTIONS]", &options)
}

fn template(command: &Command, lang: Lang, top: bool) -> String {
    let text = |key: &str| t_in(lang, &format!("help.{key}"));
    let styles = command.get_styles();
    let heading = |words: String| {
        let style = styles.get_header();
        format!("{}{words}{}", style.render(), style.render_reset())
    };
    let shown = |arg: &&Arg| !arg.is_hide_set() && !arg.is_hide_short_help_set();
    let usage_style = styles.get_usage();
    let mut sections = vec![format!(
        "{{before-help}}{{about-with-newline}}\n{}{}{}{{usage}}",
        usage_style.render(),
        text("ui.usage"),
        usage_style.render_reset()
    )];
    if command.get_subcommands().any(|s| !s.is_hide_set()) {
        sections.push(format!("{}\n{{subcommands}}", heading(text("ui.commands"))));
    }
    if command.get_positionals().any(|a| shown(&a)) {
        sections.push(format!(
            "{}\n{{positionals}}",
            heading(text("ui.arguments"))
        ));
    }
    if command
        .get_arguments()
        .any(|a| !a.is_positional() && shown(&a))
    {
        let words = text(if top {
            "ui.global_options"
        } else {
            "ui.options"
        });
        sections.push(format!("{}\n{{options}}", heading(words)));
    }
    format!("{}{{after-help}}", sections.join("\n\n"))
}
