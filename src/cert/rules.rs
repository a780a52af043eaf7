//! The certification rules from `assets/cert.toml`, with a coordinator's overrides from the
//! `[cert]` table of `config.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::number::NumberFormat;
use crate::i18n::tf;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub online_minutes: u32,
    pub offline_sessions: u32,
    pub weight_questionnaire: u32,
    pub weight_attendance: u32,
    pub weight_test: u32,
    pub full_minutes: u32,
    pub threshold: u32,
    pub exam_pass: u32,
    pub practical_pass: u32,
    pub certificate_format: String,
    pub certificate_year: i32,
    pub point_categories: Vec<String>,
    /// Where each rule comes from, by rule name; required so the asset cannot drop it.
    pub source: BTreeMap<String, RuleSource>,
}

/// A rule's origin: whether the campaign document gives its value, the section it serves, and
/// what that section does say.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSource {
    pub given: bool,
    pub related: String,
    pub note: String,
}

pub use crate::config::RulesOverride;

const ASSET: &str = include_str!("../../assets/cert.toml");

impl Rules {
    /// The embedded rules; checked by a test, so a broken asset never ships.
    pub fn embedded() -> Result<Rules, String> {
        let rules: Rules = toml::from_str(ASSET).map_err(|e| e.to_string())?;
        rules.check()?;
        Ok(rules)
    }

    /// The embedded rules with `over` applied, checked again.
    pub fn with(over: &RulesOverride) -> Result<Rules, String> {
        let mut r = Self::embedded()?;
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = &over.$field { r.$field = v.clone(); } )* };
        }
        take!(
            online_minutes,
            offline_sessions,
            weight_questionnaire,
            weight_attendance,
            weight_test,
            full_minutes,
            threshold,
            exam_pass,
            practical_pass,
            certificate_format,
            certificate_year,
            point_categories
        );
        r.check()?;
        Ok(r)
    }

    fn check(&self) -> Result<(), String> {
        let bad = |key: &str, value: &dyn std::fmt::Display| {
            Err(tf("cert.rules.bad", &[("key", &key), ("value", value)]))
        };
        if self.weight_questionnaire + self.weight_attendance + self.weight_test == 0 {
            return bad("weight_*", &0);
        }
        if self.full_minutes == 0 {
            return bad("full_minutes", &0);
        }
        for (key, value) in [
            ("threshold", self.threshold),
            ("exam_pass", self.exam_pass),
            ("practical_pass", self.practical_pass),
        ] {
            if value > 100 {
                return bad(key, &value);
            }
        }
        NumberFormat::parse(&self.certificate_format)?;
        Ok(())
    }

    pub fn number_format(&self) -> NumberFormat {
        // `check` parsed it when the rules were made.
        NumberFormat::parse(&self.certificate_format).unwrap_or_default()
    }

    /// The rules this install works with: the assets and `config.toml`.
    pub fn load() -> color_eyre::Result<Rules> {
        let config = crate::config::Config::load()?;
        Self::with(&config.cert).map_err(crate::error::user_error)
    }

    /// Each rule's name and value as written in assets/cert.toml, in the asset's order; the
    /// listing of rules and their sources walks this.
    pub fn values(&self) -> Vec<(&'static str, String)> {
        vec![
            ("online_minutes", self.online_minutes.to_string()),
            ("offline_sessions", self.offline_sessions.to_string()),
            (
                "weight_questionnaire",
                self.weight_questionnaire.to_string(),
            ),
            ("weight_attendance", self.weight_attendance.to_string()),
            ("weight_test", self.weight_test.to_string()),
            ("full_minutes", self.full_minutes.to_string()),
            ("threshold", self.threshold.to_string()),
            ("exam_pass", self.exam_pass.to_string()),
            ("practical_pass", self.practical_pass.to_string()),
            ("certificate_format", self.certificate_format.clone()),
            ("certificate_year", self.certificate_year.to_string()),
            ("point_categories", self.point_categories.join(", ")),
        ]
    }

    /// Whether a score (tenths) passes a mark out of 100.
    pub fn passes(score: Option<u16>, mark: u32) -> bool {
        score.is_some_and(|s| u32::from(s) >= mark * 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asset_parses_and_overrides_apply() {
        let rules = Rules::embedded().unwrap();
        assert_eq!(rules.exam_pass, 60);
        let over = RulesOverride {
            threshold: Some(70),
            certificate_format: Some("HB-{seq:04}".into()),
            ..Default::default()
        };
        let changed = Rules::with(&over).unwrap();
        assert_eq!(changed.threshold, 70);
        assert_eq!(changed.number_format().render(2023, 7), "HB-0007");
        assert!(Rules::with(&RulesOverride {
            threshold: Some(101),
            ..Default::default()
        })
        .is_err());
        assert!(Rules::with(&RulesOverride {
            certificate_format: Some("no seq".into()),
            ..Default::default()
        })
        .is_err());
    }

    #[test]
    fn every_rule_says_where_it_comes_from() {
        let rules = Rules::embedded().unwrap();
        let names: Vec<&str> = rules.values().iter().map(|(k, _)| *k).collect();
        let sourced: Vec<&str> = rules.source.keys().map(String::as_str).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, sourced, "one [source] entry per rule, no more");
        for (name, source) in &rules.source {
            assert!(
                source.related.starts_with("方案 二（"),
                "{name}: {source:?}"
            );
            assert!(!source.note.is_empty(), "{name}");
        }
    }

    #[test]
    fn pass_marks_compare_tenths() {
        assert!(Rules::passes(Some(600), 60));
        assert!(!Rules::passes(Some(599), 60));
        assert!(!Rules::passes(None, 0));
    }
}
