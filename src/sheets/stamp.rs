//! The name an office stamps and signs its reports with. The campaign documents name some bodies
//! (湖北省知识产权局, 鄂州市市场监督管理局, 鄂城区局, 葛店分局: `office` in assets/regions.toml);
//! the others are addressed by kind: "各市、州、直管市、神农架林区知识产权局" for cities, and a
//! county's bureau the way 鄂州's document names its districts' (鄂城区局). An office whose real
//! name differs sets `official_name` in config.toml.

use crate::campaign::{campaign, UnitLevel};

/// The name the campaign documents support for `unit`'s office.
pub fn default_official_name(unit: &str) -> String {
    let Some(u) = campaign().unit(unit) else {
        return unit.to_string();
    };
    if let Some(office) = &u.office {
        return office.clone();
    }
    match u.level {
        UnitLevel::Province | UnitLevel::City => format!("{}知识产权局", u.name),
        UnitLevel::County | UnitLevel::Zone => format!("{}局", u.short),
    }
}

/// The name `unit` signs with, as seen from the store's own office `home`: the configured name
/// is home's own; a unit below keeps the name the documents give it.
pub fn official_name(unit: &str, home: &str, configured: Option<&str>) -> String {
    match configured.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) if unit == home => name.to_string(),
        _ => default_official_name(unit),
    }
}

/// The official name of `unit` with this machine's config.
pub fn office_name(unit: &str, home: &str) -> color_eyre::eyre::Result<String> {
    let config = crate::config::Config::load()?;
    Ok(official_name(unit, home, config.official_name.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_documents_or_the_config() {
        assert_eq!(default_official_name("420000"), "湖北省知识产权局");
        assert_eq!(default_official_name("420700"), "鄂州市市场监督管理局");
        assert_eq!(default_official_name("420704"), "鄂城区局");
        assert_eq!(default_official_name("420700-gedian"), "葛店分局");
        assert_eq!(default_official_name("420700-linkong"), "临空分局");
        assert_eq!(default_official_name("420100"), "武汉市知识产权局");
        assert_eq!(default_official_name("420102"), "江岸区局");
        assert_eq!(
            official_name("420700", "420700", Some("鄂州市市场监管局")),
            "鄂州市市场监管局"
        );
        // The configured name is this office's, not a unit's below it.
        assert_eq!(
            official_name("420704", "420700", Some("鄂州市市场监管局")),
            "鄂城区局"
        );
        assert_eq!(
            official_name("420700", "420700", Some("  ")),
            "鄂州市市场监督管理局"
        );
    }
}
