//! Who sits above whom. The op fold asks this for every op it applies, so the answers come from
//! an index built once rather than from a walk over the unit list.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::campaign;
use super::regions::UnitLevel;

struct Index {
    /// Each unit's parent, for the walks up.
    parent: HashMap<String, String>,
    level: HashMap<String, UnitLevel>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let units = &campaign().units;
        Index {
            parent: units
                .iter()
                .filter_map(|u| Some((u.id.clone(), u.parent.clone()?)))
                .collect(),
            level: units.iter().map(|u| (u.id.clone(), u.level)).collect(),
        }
    })
}

/// Whether `upper` sits strictly above `lower`.
pub fn is_strict_ancestor(upper: &str, lower: &str) -> bool {
    let parents = &index().parent;
    let mut current = parents.get(lower);
    // The hierarchy is three levels deep; the bound only guards against a cycle in bad data.
    for _ in 0..8 {
        match current {
            None => return false,
            Some(id) if id == upper => return true,
            Some(id) => current = parents.get(id),
        }
    }
    false
}

/// `unit` is `office` itself or lies below it: within its jurisdiction.
pub fn within(office: &str, unit: &str) -> bool {
    office == unit || is_strict_ancestor(office, unit)
}

/// The units an office's sessions may name: its own area, and for a county or zone the rest of
/// its city (the seed's joint sessions: 鄂城区局承办，临空分局协办).
pub fn session_area(office: &str) -> &str {
    match campaign().city_of(office) {
        Some(city) if city.id != office => city.id.as_str(),
        _ => office,
    }
}

/// The two offices are on one line of the hierarchy: the same, or one above the other.
pub fn same_line(a: &str, b: &str) -> bool {
    within(a, b) || is_strict_ancestor(b, a)
}

/// Whether `id` is a unit of the campaign.
pub fn is_unit(id: &str) -> bool {
    index().level.contains_key(id)
}

/// How high an office stands: the province 2, a city 1, a county or zone 0; an unknown id
/// lowest of all. Where several offices may write one record, the higher one's word stands.
pub fn rank(office: &str) -> u8 {
    match index().level.get(office) {
        Some(UnitLevel::Province) => 3,
        Some(UnitLevel::City) => 2,
        Some(UnitLevel::County | UnitLevel::Zone) => 1,
        None => 0,
    }
}

/// Whether `office` is a city or the province: one that speaks for an area of units.
pub fn above_county(office: &str) -> bool {
    matches!(
        index().level.get(office),
        Some(UnitLevel::Province | UnitLevel::City)
    )
}

/// The province's id.
pub fn province() -> Option<&'static str> {
    index()
        .level
        .iter()
        .find(|(_, level)| **level == UnitLevel::Province)
        .map(|(id, _)| id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lines_of_the_hierarchy() {
        assert!(is_strict_ancestor("420700", "420704"));
        assert!(is_strict_ancestor("420000", "420704"));
        assert!(is_strict_ancestor("420700", "420700-gedian"));
        assert!(!is_strict_ancestor("420704", "420704"));
        assert!(!is_strict_ancestor("420100", "420704"));
        assert!(within("420704", "420704") && within("420700", "420704"));
        assert!(same_line("420704", "420000") && !same_line("420704", "420703"));
        assert!(rank("420000") > rank("420700") && rank("420700") > rank("420704"));
        assert_eq!(rank("420700-gedian"), rank("420704"));
        assert_eq!(rank("999999"), 0);
        assert_eq!(province(), Some("420000"));
        assert!(!is_unit("nowhere") && is_unit("420700-linkong"));
    }
}
