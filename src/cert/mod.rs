//! The IP specialist certification chain (知识产权专员考核认证, seed 三(三)-(五)): online
//! training records, the trained rule, the composite evaluation, exams with one makeup,
//! certificate numbers and the points ledger. Rules live in `assets/cert.toml`.

pub mod cells;
pub mod evaluate;
pub mod history;
pub mod model;
pub mod number;
pub mod pipeline;
pub mod results_sheet;
pub mod rules;
pub mod sheet;

pub use pipeline::{Facts, Outcome, Stage, Status};
pub use rules::{Rules, RulesOverride};

use crate::campaign::campaign;

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

/// The city a person's office belongs to (a city's own people count for the city).
pub fn city_of(office: &str) -> String {
    campaign()
        .city_of(office)
        .map_or_else(|| office.to_string(), |c| c.id.clone())
}
