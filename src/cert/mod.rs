//! The IP specialist certification chain (知识产权专员考核认证, seed 三(三)-(五)): online
//! training records, the trained rule, the composite evaluation, exams with one makeup,
//! certificate numbers and the points ledger. Rules live in `assets/cert.toml`.

pub mod book;
pub mod cells;
pub mod evaluate;
pub mod history;
pub mod kept;
pub use crate::domain::cert as model;
pub mod number;
pub mod pipeline;
pub mod record;
pub mod rules;
pub mod sources;

pub use pipeline::{Facts, Outcome, Stage, Status};
pub use rules::{Rules, RulesOverride};

use crate::campaign::campaign;
use crate::i18n::tf;

/// The province office: the only one that evaluates, records online training, approves
/// expansion classes and issues certificates.
pub fn province() -> Option<&'static str> {
    campaign()
        .units
        .iter()
        .find(|u| u.parent.is_none())
        .map(|u| u.id.as_str())
}

pub fn is_province(office: &str) -> bool {
    province() == Some(office)
}

/// The city `--city` names, by name or code; a county or zone is refused, naming its city,
/// rather than taken as its whole city.
pub fn city_asked(raw: &str) -> Result<String, String> {
    let id = crate::domain::input::resolve_unit(raw)?;
    let unit = campaign().unit(&id);
    if unit.is_some_and(|u| u.level == crate::campaign::UnitLevel::City) {
        return Ok(id);
    }
    let value = unit.map_or(raw, |u| u.name.as_str());
    let city = city_of(&id);
    Err(if city == id {
        tf("cert.city_not_a_city_plain", &[("value", &value)])
    } else {
        tf(
            "cert.city_not_a_city",
            &[
                ("value", &value),
                ("city", &crate::campaign::unit_name(&city)),
            ],
        )
    })
}

/// The city a person's office belongs to (a city's own people count for the city).
pub fn city_of(office: &str) -> String {
    campaign()
        .city_of(office)
        .map_or_else(|| office.to_string(), |c| c.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{keys, Lang};

    /// Keys the code builds at run time (stage, outcome, column, category) exist in both
    /// languages.
    #[test]
    fn every_built_key_is_defined() {
        let rules = Rules::embedded().unwrap();
        let mut built: Vec<String> = Stage::ALL
            .iter()
            .map(|s| format!("cert.stage.{}", s.key()))
            .collect();
        built.extend(
            [
                Outcome::NotExamined,
                Outcome::Passed,
                Outcome::PassedMakeup,
                Outcome::AwaitingMakeup,
                Outcome::Failed,
            ]
            .iter()
            .map(|o| format!("cert.outcome.{}", o.key())),
        );
        built.extend(
            rules
                .point_categories
                .iter()
                .map(|c| format!("cert.category.{c}")),
        );
        for refusal in [
            pipeline::Refusal::NotCandidate,
            pipeline::Refusal::AlreadyExamined,
            pipeline::Refusal::NotExamined,
            pipeline::Refusal::NoMakeupNeeded,
            pipeline::Refusal::NoThirdAttempt,
            pipeline::Refusal::NotAnExam,
        ] {
            built.push(refusal.key().to_string());
        }
        for lang in [Lang::Zh, Lang::En] {
            let defined = keys(lang);
            for key in &built {
                assert!(defined.contains(key), "{key} missing in {lang:?}");
            }
        }
    }
}
