//! Every user-facing string, looked up by key from `assets/i18n/<lang>/<area>.toml`.
//!
//! Areas are separate files so that each part of the program owns its strings. The tables are
//! embedded in the binary and flattened to dotted keys (`area.key`) once, on first use.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Lang {
    #[default]
    #[value(name = "zh")]
    Zh,
    #[value(name = "en")]
    En,
}

const AREAS: &[(&str, &str, &str)] = &[
    (
        "zh",
        "campaign",
        include_str!("../assets/i18n/zh-CN/campaign.toml"),
    ),
    (
        "en",
        "campaign",
        include_str!("../assets/i18n/en/campaign.toml"),
    ),
    ("zh", "cli", include_str!("../assets/i18n/zh-CN/cli.toml")),
    ("en", "cli", include_str!("../assets/i18n/en/cli.toml")),
    ("zh", "tui", include_str!("../assets/i18n/zh-CN/tui.toml")),
    ("en", "tui", include_str!("../assets/i18n/en/tui.toml")),
    ("zh", "sync", include_str!("../assets/i18n/zh-CN/sync.toml")),
    ("en", "sync", include_str!("../assets/i18n/en/sync.toml")),
    (
        "zh",
        "backup",
        include_str!("../assets/i18n/zh-CN/backup.toml"),
    ),
    (
        "en",
        "backup",
        include_str!("../assets/i18n/en/backup.toml"),
    ),
    ("zh", "cert", include_str!("../assets/i18n/zh-CN/cert.toml")),
    ("en", "cert", include_str!("../assets/i18n/en/cert.toml")),
    (
        "zh",
        "package",
        include_str!("../assets/i18n/zh-CN/package.toml"),
    ),
    (
        "en",
        "package",
        include_str!("../assets/i18n/en/package.toml"),
    ),
    (
        "zh",
        "notice",
        include_str!("../assets/i18n/zh-CN/notice.toml"),
    ),
    (
        "en",
        "notice",
        include_str!("../assets/i18n/en/notice.toml"),
    ),
    ("zh", "help", include_str!("../assets/i18n/zh-CN/help.toml")),
    ("en", "help", include_str!("../assets/i18n/en/help.toml")),
];

static LANG: AtomicU8 = AtomicU8::new(0);

pub fn set_lang(lang: Lang) {
    LANG.store(lang as u8, Ordering::Relaxed);
}

pub fn lang() -> Lang {
    if LANG.load(Ordering::Relaxed) == Lang::En as u8 {
        Lang::En
    } else {
        Lang::Zh
    }
}

type Table = HashMap<String, String>;

fn tables() -> &'static (Table, Table) {
    static TABLES: OnceLock<(Table, Table)> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut zh = Table::new();
        let mut en = Table::new();
        for (lang, area, text) in AREAS {
            let target = if *lang == "zh" { &mut zh } else { &mut en };
            // The tables are embedded and checked by `every_area_parses`; a broken one shows
            // its keys instead of crashing a coordinator's session.
            if let Ok(value) = text.parse::<toml::Table>() {
                flatten(area, &value, target);
            }
        }
        (zh, en)
    })
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Table) {
    for (key, value) in table {
        let full = format!("{prefix}.{key}");
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(inner) => flatten(&full, inner, out),
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

/// The string for `key` in the current language; falls back to Chinese, then to the key itself
/// so a missing string is visible rather than blank.
pub fn t(key: &str) -> String {
    t_in(lang(), key)
}

pub fn t_in(lang: Lang, key: &str) -> String {
    let (zh, en) = tables();
    let primary = if lang == Lang::En { en } else { zh };
    primary
        .get(key)
        .or_else(|| zh.get(key))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// `t` with `{name}` placeholders filled from `args`.
pub fn tf(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut text = t(key);
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// Every key present in one language; used by tests to check both languages agree.
pub fn keys(lang: Lang) -> Vec<String> {
    let (zh, en) = tables();
    let table = if lang == Lang::En { en } else { zh };
    let mut keys: Vec<String> = table.keys().cloned().collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_parses() {
        for (lang, area, text) in AREAS {
            assert!(
                text.parse::<toml::Table>().is_ok(),
                "assets/i18n/{lang}/{area}.toml does not parse"
            );
        }
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys(Lang::Zh), keys(Lang::En));
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
