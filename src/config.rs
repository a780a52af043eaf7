//! Settings a coordinator may change, from `config.toml` in the config directory
//! (`~/.config/peixun/config.toml` on Linux). A missing file means the defaults.

use std::path::{Path, PathBuf};

use color_eyre::eyre::Result;
use serde::Deserialize;

use crate::error::user_error;
use crate::i18n::tf;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Minutes after a session's start before an arrival counts as late.
    pub late_grace_minutes: u32,
    /// Automatic backups to keep in the data dir's `backups/`; 0 turns them off.
    pub backup_keep: usize,
    /// Changes to the certification rules of `assets/cert.toml`.
    pub cert: RulesOverride,
    /// The office's name as it stamps and signs reports (鄂州市市场监督管理局); without it, the
    /// name the campaign documents give the office.
    pub official_name: Option<String>,
    /// The font file a PDF report embeds, instead of the first Chinese font found.
    pub pdf_font: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            late_grace_minutes: 15,
            backup_keep: 7,
            cert: RulesOverride::default(),
            official_name: None,
            pdf_font: None,
        }
    }
}

pub fn config_dir() -> Option<PathBuf> {
    crate::dirs::config_dir()
}

impl Config {
    /// The user's settings, or the defaults when there is no config file. Read once per
    /// process: every part of one command or one TUI session sees the same settings.
    pub fn load() -> Result<Config> {
        static LOADED: std::sync::OnceLock<Result<Config, String>> = std::sync::OnceLock::new();
        LOADED
            .get_or_init(|| {
                match config_dir().map(|d| d.join("config.toml")) {
                    Some(path) if path.exists() => Self::from_file(&path),
                    _ => Ok(Config::default()),
                }
                .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(user_error)
    }

    pub fn from_file(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            user_error(tf(
                "cli.config.unreadable",
                &[("file", &path.display()), ("error", &e)],
            ))
        })?;
        Self::parse(&text).map_err(|e| {
            user_error(tf(
                "cli.config.invalid",
                &[("file", &path.display()), ("error", &e)],
            ))
        })
    }

    pub fn parse(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }
}

/// The keys of the certification rules (`assets/cert.toml`), each optional: what
/// `config.toml` may change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RulesOverride {
    pub online_minutes: Option<u32>,
    pub offline_sessions: Option<u32>,
    pub weight_questionnaire: Option<u32>,
    pub weight_attendance: Option<u32>,
    pub weight_test: Option<u32>,
    pub full_minutes: Option<u32>,
    pub threshold: Option<u32>,
    pub exam_pass: Option<u32>,
    pub practical_pass: Option<u32>,
    pub certificate_format: Option<String>,
    pub certificate_year: Option<i32>,
    pub point_categories: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(Config::parse("").unwrap().late_grace_minutes, 15);
        assert_eq!(
            Config::parse("late_grace_minutes = 5")
                .unwrap()
                .late_grace_minutes,
            5
        );
        assert!(Config::parse("late_grace_minutes = -1").is_err());
        assert_eq!(Config::parse("").unwrap().backup_keep, 7);
        assert_eq!(Config::parse("backup_keep = 0").unwrap().backup_keep, 0);
        let cert = Config::parse("[cert]\nthreshold = 70").unwrap().cert;
        assert_eq!(cert.threshold, Some(70));
        assert!(Config::parse("[cert]\nthreshhold = 70").is_err());
        assert_eq!(
            Config::parse("official_name = \"鄂州市市场监督管理局\"")
                .unwrap()
                .official_name
                .as_deref(),
            Some("鄂州市市场监督管理局")
        );
        assert_eq!(Config::parse("").unwrap().pdf_font, None);
        assert!(
            Config::parse("late_grace = 5").is_err(),
            "unknown keys are refused"
        );
    }
}
