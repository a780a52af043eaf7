//! Every user-facing string, looked up by key from `assets/i18n/<lang>/<area>.toml`.
//!
//! Areas are separate files so that each part of the program owns its strings. `build.rs`
//! flattens them to dotted keys (`area.key`) and compiles them in, sorted for binary search.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Lang {
    #[default]
    #[value(name = "zh")]
    Zh,
    #[value(name = "en")]
    En,
}

// `ZH` and `EN`: every string as ("area.key", "text"), sorted by key (`build.rs`).
include!(concat!(env!("OUT_DIR"), "/strings.rs"));

static LANG: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// The language of a command run for another peixun, which may not be this process's.
    static THREAD_LANG: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

pub fn set_lang(lang: Lang) {
    LANG.store(lang as u8, Ordering::Relaxed);
}

/// Speaks `lang` on this thread alone until the guard drops.
pub fn speak_on_this_thread(lang: Lang) -> ThreadLang {
    THREAD_LANG.with(|slot| slot.set(Some(lang)));
    ThreadLang(())
}

/// The thread speaks the process's language again when this drops.
pub struct ThreadLang(());

impl Drop for ThreadLang {
    fn drop(&mut self) {
        THREAD_LANG.with(|slot| slot.set(None));
    }
}

pub fn lang() -> Lang {
    if let Some(lang) = THREAD_LANG.with(std::cell::Cell::get) {
        return lang;
    }
    if LANG.load(Ordering::Relaxed) == Lang::En as u8 {
        Lang::En
    } else {
        Lang::Zh
    }
}

fn table(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::En => EN,
        Lang::Zh => ZH,
    }
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    let table = table(lang);
    table
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| table[i].1)
}

/// The string for `key` in the current language; falls back to Chinese, then to the key itself
/// so a missing string is visible rather than blank.
pub fn t(key: &str) -> String {
    t_in(lang(), key)
}

pub fn t_in(lang: Lang, key: &str) -> String {
    lookup(lang, key)
        .or_else(|| lookup(Lang::Zh, key))
        .map(str::to_string)
        .unwrap_or_else(|| key.to_string())
}

/// `t` with `{name}` placeholders filled from `args`; in English a count of one takes the
/// singular of the noun after it.
pub fn tf(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut text = t(key);
    if lang() == Lang::En {
        for (name, value) in args {
            if value.to_string() == "1" {
                text = singular_after(&text, name);
            }
        }
    }
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// `text` with the plural noun after each `{name}` (or after the word that follows it) made
/// singular, from the English `plural` table.
fn singular_after(text: &str, name: &str) -> String {
    let slot = format!("{{{name}}} ");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(&slot) {
        let (before, after) = rest.split_at(at + slot.len());
        out.push_str(before);
        rest = after;
        for _ in 0..2 {
            let end = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let (word, tail) = rest.split_at(end);
            if let Some(one) = lookup(Lang::En, &format!("plural.{word}")) {
                out.push_str(one);
                rest = tail;
                break;
            }
            // One word may come between the count and its noun ("1 new people").
            let Some(space) = tail.strip_prefix(' ') else {
                break;
            };
            out.push_str(word);
            out.push(' ');
            rest = space;
        }
    }
    out.push_str(rest);
    out
}

/// Every key present in one language; used by tests to check both languages agree.
pub fn keys(lang: Lang) -> Vec<String> {
    table(lang).iter().map(|(key, _)| key.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_is_compiled_in_and_sorted_for_lookup() {
        for (lang, dir) in [(Lang::Zh, "zh-CN"), (Lang::En, "en")] {
            let table = table(lang);
            assert!(
                table.windows(2).all(|w| w[0].0 < w[1].0),
                "{dir} not sorted"
            );
            let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("assets/i18n")
                .join(dir);
            for file in std::fs::read_dir(&folder).unwrap() {
                let path = file.unwrap().path();
                let area = path.file_stem().unwrap().to_str().unwrap();
                let prefix = format!("{area}.");
                assert!(
                    table.iter().any(|(key, _)| key.starts_with(&prefix)),
                    "{} is not in the {dir} table",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        let english: Vec<String> = keys(Lang::En)
            .into_iter()
            .filter(|key| !key.starts_with("plural."))
            .collect();
        assert_eq!(keys(Lang::Zh), english);
    }

    #[test]
    fn a_count_of_one_takes_the_singular_in_english_only() {
        let _lang = speak_on_this_thread(Lang::En);
        let stats = |classes: usize, people: usize| {
            tf(
                "tui.reports.stats_done",
                &[("classes", &classes), ("people", &people)],
            )
        };
        assert_eq!(stats(1, 1), "Statistics written: 1 class, 1 person.");
        assert_eq!(stats(2, 11), "Statistics written: 2 classes, 11 people.");
        assert_eq!(stats(1, 21), "Statistics written: 1 class, 21 people.");
        let counts = tf(
            "tui.reports.counts",
            &[
                ("rows", &1),
                ("new", &1),
                ("known", &0),
                ("enterprises", &1),
                ("known_enterprises", &2),
                ("enrolments", &1),
            ],
        );
        assert_eq!(
            counts,
            "1 row: 1 new person, 0 known, 1 new enterprise, 2 known, 1 enrolment"
        );
        drop(_lang);
        let _lang = speak_on_this_thread(Lang::Zh);
        assert_eq!(
            tf("cert.tab.people", &[("city", &"鄂州市"), ("count", &1)]),
            t_in(Lang::Zh, "cert.tab.people")
                .replace("{city}", "鄂州市")
                .replace("{count}", "1")
        );
    }

    #[test]
    fn placeholders_are_filled_and_missing_keys_show_themselves() {
        let text = tf(
            "cli.init.done",
            &[
                ("office", &"鄂城区"),
                ("role", &"县区局"),
                ("dir", &"/tmp/x"),
            ],
        );
        assert!(text.contains("鄂城区") && text.contains("/tmp/x"), "{text}");
        assert!(!text.contains('{'), "{text}");
        assert_eq!(t("no.such.key"), "no.such.key");
    }

    #[test]
    fn english_falls_back_to_chinese_only_for_missing_keys() {
        assert_ne!(
            t_in(Lang::En, "cli.role.city"),
            t_in(Lang::Zh, "cli.role.city")
        );
    }
}
