//! The command line speaks the UI language: help, man page, completions, mistakes, op names.

use crate::common::*;

use std::process::{Command, Output};

use peixun::i18n::{keys, t_in, Lang};

fn help(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), args))
}

/// The binary with `PEIXUN_LANG` set, as a login profile would.
fn with_env_lang(lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_peixun"))
        .env("PEIXUN_LANG", lang)
        .args(args)
        .output()
        .unwrap()
}

/// The lines of one section of a help text, from its heading to the next blank line.
fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| !line.is_empty())
        .collect()
}

/// The line of a help list that describes `flag` (or a command, or `<ARG>`).
fn option_line<'a>(lines: &[&'a str], flag: &str) -> Option<&'a str> {
    lines.iter().copied().find(|line| {
        let mut words = line.split_whitespace();
        match words.next() {
            Some(short) if short.ends_with(',') => {
                short.trim_end_matches(',') == flag || words.next() == Some(flag)
            }
            first => first == Some(flag),
        }
    })
}

#[test]
fn help_is_chinese_by_default() {
    let top = help(&["--help"]);
    assert!(top.starts_with("培训 peixun："), "{top}");
    assert!(top.contains("用法：peixun [选项] [命令]"), "{top}");
    let commands = section(&top, "命令：");
    let session = option_line(&commands, "session").unwrap();
    assert!(session.contains("添加、修改或查看场次"), "{session}");
    let options = section(&top, "全局选项：");
    assert!(option_line(&options, "-h").unwrap().contains("显示帮助"));
    assert!(option_line(&options, "-V").unwrap().contains("显示版本"));
    for english in ["Usage:", "Options:", "Commands:", "Print help", "[default:"] {
        assert!(!top.contains(english), "{english} in\n{top}");
    }

    let add = help(&["session", "add", "--help"]);
    let options = section(&add, "选项：");
    let title = option_line(&options, "--title").unwrap();
    assert!(title.contains("培训班名称"), "{title}");
    let short = help(&["session", "add", "-h"]);
    assert!(short.contains("培训班名称"), "{short}");

    let demo = help(&["demo", "--help"]);
    assert!(demo.contains("[默认：2023]"), "{demo}");
    assert!(demo.contains("province：全省 17 个市州"), "{demo}");
    let mark = help(&["checklist", "mark", "-h"]);
    let arguments = section(&mark, "参数：");
    let status = option_line(&arguments, "<STATUS>").unwrap();
    assert!(status.contains("[可选：todo、done、waived]"), "{status}");
}

#[test]
fn help_is_english_with_lang_en_or_its_variable() {
    let top = help(&["--lang", "en", "--help"]);
    assert!(top.contains("Usage: peixun [OPTIONS] [COMMAND]"), "{top}");
    let commands = section(&top, "Commands:");
    let session = option_line(&commands, "session").unwrap();
    assert!(session.contains("Add, edit or show a session"), "{session}");
    assert!(!top.contains("用法"), "{top}");

    let add = help(&["session", "add", "--help", "--lang=en"]);
    let title = option_line(&section(&add, "Options:"), "--title").unwrap();
    assert!(title.contains("Name of the class"), "{title}");

    let by_env = with_env_lang("en", &["session", "add", "--help"]);
    assert_eq!(by_env.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&by_env.stdout), add);
    let flag_wins = with_env_lang("en", &["--lang", "zh", "--help"]);
    assert!(String::from_utf8_lossy(&flag_wins.stdout).contains("用法："));
}

/// Every command and option of the real command tree, with the texts applied, in one language.
fn undescribed(lang: Lang) -> Vec<String> {
    fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
        let about = command.get_about().map(ToString::to_string);
        if about.is_none_or(|a| a.trim().is_empty() || a.starts_with("help.")) {
            missing.push(path.to_string());
        }
        for arg in command.get_arguments() {
            let text = arg.get_help().map(ToString::to_string);
            if text.is_none_or(|t| t.trim().is_empty() || t.starts_with("help.")) {
                missing.push(format!("{path} {}", arg.get_id()));
            }
            let values = arg.get_possible_values();
            for value in values.iter().filter(|v| v.get_help().is_some()) {
                let text = value.get_help().unwrap().to_string();
                if text.trim().is_empty() || text.starts_with("help.") {
                    missing.push(format!("{path} {} {}", arg.get_id(), value.get_name()));
                }
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&peixun::cli_help::command(lang), "peixun", &mut missing);
    missing
}

#[test]
fn every_command_and_option_is_described_in_both_languages() {
    assert_eq!(undescribed(Lang::Zh), Vec::<String>::new());
    assert_eq!(undescribed(Lang::En), Vec::<String>::new());
    // A string missing in English would show the Chinese one: every key must be in both.
    let used = peixun::cli_help::keys();
    assert!(used.len() > 250, "{}", used.len());
    for lang in [Lang::Zh, Lang::En] {
        let defined = keys(lang);
        let missing: Vec<&String> = used.iter().filter(|k| !defined.contains(k)).collect();
        assert!(missing.is_empty(), "missing in {lang:?}: {missing:?}");
    }
}

#[test]
fn global_options_are_listed_once_and_accepted_everywhere() {
    let top = help(&["--help"]);
    let globals = section(&top, "全局选项：");
    for flag in ["--data-dir", "--lang", "--today"] {
        let listed = top
            .lines()
            .filter(|line| option_line(&[line], flag).is_some())
            .count();
        assert_eq!(listed, 1, "{flag} in\n{top}");
        assert!(option_line(&globals, flag).is_some(), "{flag} in\n{top}");
    }
    assert!(option_line(&globals, "--data-dir")
        .unwrap()
        .contains("[环境变量：PEIXUN_DATA_DIR]"));

    let add = help(&["session", "add", "--help"]);
    for flag in ["--data-dir", "--lang", "--today"] {
        assert!(
            option_line(&section(&add, "选项："), flag).is_none(),
            "{add}"
        );
    }
    assert!(
        add.contains("全局选项 --data-dir、--lang、--today 可用于任何命令"),
        "{add}"
    );
    // A flag of a command's own still shows in its subcommands, where it applies.
    let mark = help(&["checklist", "mark", "-h"]);
    assert!(option_line(&section(&mark, "选项："), "--unit").is_some());

    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    let listed = peixun(
        dir.path(),
        &["sessions", "--lang", "en", "--today", "2023-03-01"],
    );
    assert!(stdout(&listed).contains("Enrolled"), "{}", stdout(&listed));
}

#[test]
fn a_mistyped_command_is_named_with_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    let zh = peixun(dir.path(), &["sesion"]);
    assert_eq!(zh.status.code(), Some(2));
    assert!(
        stderr(&zh).starts_with("peixun: 没有命令“sesion”。是不是要用 session？\n"),
        "{}",
        stderr(&zh)
    );
    let en = peixun(dir.path(), &["--lang", "en", "sesion"]);
    assert_eq!(en.status.code(), Some(2));
    assert!(
        stderr(&en).starts_with("peixun: no command \"sesion\"; did you mean session?\n"),
        "{}",
        stderr(&en)
    );
    let nested = peixun(dir.path(), &["session", "ad"]);
    assert!(
        stderr(&nested).contains("是不是要用 add？"),
        "{}",
        stderr(&nested)
    );
    // Nothing like it: no guess.
    let none = peixun(dir.path(), &["qqqqq"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(!stderr(&none).contains("是不是"), "{}", stderr(&none));
}

#[test]
fn a_mistyped_flag_is_named_with_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    let here = peixun(dir.path(), &["sessions", "--mnth", "2023-03"]);
    assert_eq!(here.status.code(), Some(2));
    assert!(
        stderr(&here).contains("没有参数 --mnth。是不是要用 --month？"),
        "{}",
        stderr(&here)
    );
    let en = peixun(
        dir.path(),
        &["--lang", "en", "sessions", "--mnth", "2023-03"],
    );
    assert!(
        stderr(&en).contains("there is no option --mnth; did you mean --month?"),
        "{}",
        stderr(&en)
    );
    // `due` has no --month: the commands that have one are named.
    let elsewhere = peixun(dir.path(), &["due", "--mnth"]);
    assert_eq!(elsewhere.status.code(), Some(2));
    assert!(
        stderr(&elsewhere)
            .contains("--month 是 peixun plan add、peixun plan edit、peixun sessions 的参数"),
        "{}",
        stderr(&elsewhere)
    );
    // --json prints: a file asked for beside it is refused, not silently left unwritten.
    for report in ["calls", "bulletin", "plans", "summary", "coverage", "needs"] {
        let file = dir.path().join("r.csv");
        let both = peixun(
            dir.path(),
            &["report", report, "--json", "-o", file.to_str().unwrap()],
        );
        assert_eq!(both.status.code(), Some(2), "{report}: {}", text(&both));
        assert!(
            stderr(&both).contains("--json") && stderr(&both).contains("--output"),
            "{report}: {}",
            stderr(&both)
        );
        assert!(both.stdout.is_empty() && !file.exists(), "{report}");
    }
    // A negative count is a bad value of its flag, not an unknown flag.
    let negative = peixun(dir.path(), &["due", "--days", "-1"]);
    assert_eq!(negative.status.code(), Some(2));
    assert!(
        stderr(&negative).contains("--days") && stderr(&negative).contains("“-1”无效"),
        "{}",
        stderr(&negative)
    );
    // A flag many commands have is not pointed to three of them picked by name.
    let common = peixun(dir.path(), &["report", "stats", "--json"]);
    assert_eq!(common.status.code(), Some(2));
    assert!(
        stderr(&common).contains("没有参数 --json") && !stderr(&common).contains("的参数"),
        "{}",
        stderr(&common)
    );
}

#[test]
fn missing_and_bad_values_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = peixun(dir.path(), &["enrol", "--session", "S1"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("缺少必填参数 --name <NAME>、--phone <PHONE>"),
        "{}",
        stderr(&missing)
    );
    let bad = peixun(dir.path(), &["demo", "--scale", "cty"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("“cty”无效，可选：city、province、stress。是不是要用 city？"),
        "{}",
        stderr(&bad)
    );
    let conflict = peixun(
        dir.path(),
        &[
            "cert",
            "results",
            "--session",
            "S",
            "P",
            "--exam",
            "80",
            "--absent",
        ],
    );
    assert_eq!(conflict.status.code(), Some(2));
    assert!(
        stderr(&conflict).contains("不能与"),
        "{}",
        stderr(&conflict)
    );
    // Help in place of a missing command is a mistake too.
    let bare = peixun(dir.path(), &["session"]);
    assert_eq!(bare.status.code(), Some(2));
    assert!(stderr(&bare).contains("命令："), "{}", stderr(&bare));
    let version = peixun(dir.path(), &["--version"]);
    assert!(stdout(&version).starts_with("peixun "));
}

#[test]
fn man_page_and_completions_speak_the_ui_language() {
    let zh = help(&["man"]);
    assert!(zh.contains(".SH 名称") && zh.contains(".SH 选项"), "{zh}");
    assert!(zh.contains("显示帮助"), "{zh}");
    assert!(
        !zh.contains(".SH NAME") && !zh.contains("Print help"),
        "{zh}"
    );
    let en = help(&["man", "--lang", "en"]);
    assert!(en.contains(".SH NAME") && en.contains("Print help"), "{en}");

    let zsh = help(&["completions", "zsh"]);
    assert!(zsh.contains("培训班名称"), "zsh completions");
    // Completions offer the global flags after a command, where they work.
    let fish = help(&["completions", "fish"]);
    assert!(
        fish.lines()
            .any(|l| l.contains("using_subcommand sessions") && l.contains("-l data-dir")),
        "fish completions"
    );
}

/// The variant names of `Payload`, read from its serde derive, which lists them all.
fn payload_kinds() -> &'static [&'static str] {
    use serde::de::{self, Deserializer, Visitor};
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only enums"))
        }
        fn deserialize_enum<V: Visitor<'de>>(
            self,
            _: &'static str,
            variants: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = variants;
            Err(de::Error::custom("listed"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier
            ignored_any
        }
    }
    let mut kinds: &'static [&'static str] = &[];
    let _ = <peixun::log::Payload as serde::Deserialize>::deserialize(Probe(&mut kinds));
    kinds
}

#[test]
fn every_op_kind_is_named_in_both_languages() {
    let kinds = payload_kinds();
    assert!(kinds.len() >= 18, "{kinds:?}");
    assert!(kinds.contains(&"ResultCorrected"), "{kinds:?}");
    for lang in [Lang::Zh, Lang::En] {
        let defined = keys(lang);
        let missing: Vec<&&str> = kinds
            .iter()
            .filter(|kind| !defined.contains(&format!("cli.op.{kind}")))
            .collect();
        assert!(
            missing.is_empty(),
            "no cli.op name in {lang:?}: {missing:?}"
        );
    }
    for kind in kinds {
        let key = format!("cli.op.{kind}");
        assert_ne!(t_in(Lang::Zh, &key), t_in(Lang::En, &key), "{key}");
    }
}
