//! The certification rules as a list with where each comes from, for `peixun campaign show`:
//! the rules the seed gives (kept in the campaign data) and the numbers the province set as
//! defaults (assets/cert.toml), and which of those this install changed in config.toml.

use std::fmt::Write as _;

use super::Rules;
use crate::campaign::campaign;
use crate::i18n::{t, tf};

/// `rules` are the rules in force; a value that differs from the embedded asset's was set in
/// config.toml and is said to be.
pub fn sources_text(rules: &Rules) -> String {
    let embedded = Rules::embedded().ok();
    let defaults = embedded.as_ref().map(Rules::values).unwrap_or_default();
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = writeln!(out, "\n== {} ==", t("cert.rules.heading"));

    let _ = writeln!(out, "  {}", t("cert.rules.from_seed"));
    let cert = &campaign().certification;
    let seed = [
        ("certificate", cert.certificate.clone()),
        ("assessments", cert.assessments.join("、")),
        ("makeup_attempts", cert.makeup_attempts.to_string()),
        ("selection", cert.selection.clone()),
        ("expansion", cert.expansion.clone()),
    ];
    for (name, value) in seed {
        let section = cert.sources.get(name).map_or("", String::as_str);
        let _ = writeln!(out, "    {name} = {value}");
        let _ = writeln!(
            out,
            "      {}",
            tf("cert.rules.seed", &[("section", &section)])
        );
    }

    let _ = writeln!(out, "  {}", t("cert.rules.from_province"));
    for (name, value) in rules.values() {
        let _ = writeln!(out, "    {name} = {value}");
        let changed = defaults.iter().any(|(k, v)| *k == name && *v != value);
        if changed {
            let _ = writeln!(out, "      {}", t("cert.rules.config"));
        }
        match rules.source.get(name) {
            Some(source) if source.given => {
                let text = tf("cert.rules.seed", &[("section", &source.related)]);
                let _ = writeln!(out, "      {text}");
            }
            Some(source) => {
                let text = tf(
                    "cert.rules.province",
                    &[("section", &source.related), ("note", &source.note)],
                );
                let _ = writeln!(out, "      {text}");
            }
            None => {
                let _ = writeln!(out, "      {}", t("cert.rules.unsourced"));
            }
        }
    }
    out
}
