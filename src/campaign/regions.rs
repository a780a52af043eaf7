//! Units of the campaign (province, cities, county-level units, zones) and name lookup.

use serde::{Deserialize, Serialize};

use crate::text::fold_full_width;

/// Where a unit sits in the campaign's hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnitLevel {
    Province,
    City,
    County,
    /// A development zone that takes part as a unit of its own (鄂州's 葛店开发区, 临空经济区).
    Zone,
}

impl UnitLevel {
    /// The stable lower-case name used in the assets and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitLevel::Province => "province",
            UnitLevel::City => "city",
            UnitLevel::County => "county",
            UnitLevel::Zone => "zone",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The 2023 administrative division code; zones use "<city code>-<name>".
    pub id: String,
    /// Official name (葛店经济技术开发区, 恩施土家族苗族自治州).
    pub name: String,
    /// Display name (葛店开发区, 恩施州); the loader fills it with `name` when the asset omits it.
    #[serde(default)]
    pub short: String,
    pub level: UnitLevel,
    #[serde(default)]
    pub parent: Option<String>,
    /// 直管市 and 神农架林区: city-level AND one of the 103 county-level units.
    #[serde(default)]
    pub also_county: bool,
    /// The office's name where the campaign documents give one (鄂城区局, 葛店分局).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// Other spellings found in the documents (梁子区局).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Unit {
    /// One of the 103 county-level units of the campaign's target.
    pub fn is_county_level(&self) -> bool {
        self.level == UnitLevel::County || self.also_county
    }

    /// Does the county-level work (plans, sessions, evidence): counties, zones, 直管市.
    pub fn acts_as_county(&self) -> bool {
        matches!(self.level, UnitLevel::County | UnitLevel::Zone) || self.also_county
    }

    /// Does the city-level work (summaries to the province).
    pub fn acts_as_city(&self) -> bool {
        self.level == UnitLevel::City
    }

    /// Every string a person may type for this unit, besides short forms.
    fn exact_keys(&self) -> impl Iterator<Item = &str> {
        [self.id.as_str(), self.name.as_str(), self.short.as_str()]
            .into_iter()
            .chain(self.office.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
    }

    /// Names without their administrative suffix (鄂城区 -> 鄂城, 葛店开发区 -> 葛店).
    fn stems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for name in [&self.name, &self.short] {
            if let Some(stem) = stem(name) {
                if !out.contains(&stem) {
                    out.push(stem);
                }
            }
        }
        out
    }
}

/// Longest first, so that 土家族自治县 is stripped before 县.
const SUFFIXES: &[&str] = &[
    "土家族苗族自治州",
    "土家族自治县",
    "经济技术开发区",
    "经济区",
    "开发区",
    "林区",
    "市",
    "区",
    "县",
    "州",
    "省",
];

/// Characters every unit name ends with; sharing only these says nothing about a match.
const GENERIC: &[char] = &['市', '区', '县', '州', '省', '局'];

/// A name without its administrative suffix (鄂州市 -> 鄂州), or `None` when that would leave a
/// single character.
pub fn stem(name: &str) -> Option<String> {
    let base = SUFFIXES.iter().find_map(|s| name.strip_suffix(s))?;
    // A one-character stem (随县 -> 随, 房县 -> 房) would capture too many queries.
    (base.chars().count() >= 2).then(|| base.to_string())
}

/// Full-width ASCII to half-width, spaces dropped, so "４２０７０４" and "鄂 城区" still match.
fn normalise(query: &str) -> String {
    query
        .chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

const MAX_SUGGESTIONS: usize = 5;

/// Resolves what a person typed to one unit.
///
/// Tiers, first hit wins: exact id (ASCII case ignored), name, short name, office or alias; then a
/// name without its suffix (鄂城 -> 鄂城区; where a city and a county share it, 荆州 or 恩施, the
/// city wins, as the documents themselves write cities that way); then an unambiguous prefix of
/// at least two characters (梁子 -> 梁子湖区). Otherwise `Err` holds up to five nearest units by
/// edit distance and shared characters, or is empty when nothing is close.
pub(crate) fn find<'a>(units: &'a [Unit], query: &str) -> Result<&'a Unit, Vec<&'a Unit>> {
    let q = normalise(query);
    if q.is_empty() {
        return Err(Vec::new());
    }
    let exact: Vec<&Unit> = units
        .iter()
        .filter(|u| u.exact_keys().any(|k| k == q || k.eq_ignore_ascii_case(&q)))
        .collect();
    if let Some(found) = single(exact)? {
        return Ok(found);
    }

    let by_stem: Vec<&Unit> = units.iter().filter(|u| u.stems().contains(&q)).collect();
    if by_stem.len() > 1 {
        let cities: Vec<&Unit> = by_stem
            .iter()
            .copied()
            .filter(|u| u.level == UnitLevel::City)
            .collect();
        if let [city] = cities[..] {
            return Ok(city);
        }
    }
    if let Some(found) = single(by_stem)? {
        return Ok(found);
    }

    // An office is named as its unit and 局 (鄂州市局, 华容区局): the unit, when that finds it.
    if let Some(unit) = q.strip_suffix('局').filter(|u| u.chars().count() >= 2) {
        if let Ok(found) = find(units, unit) {
            return Ok(found);
        }
    }
    if q.chars().count() >= 2 {
        let by_prefix: Vec<&Unit> = units
            .iter()
            .filter(|u| u.exact_keys().any(|k| k.starts_with(q.as_str())))
            .collect();
        if let Some(found) = single(by_prefix)? {
            return Ok(found);
        }
    }
    Err(suggest(units, &q))
}

/// `Ok(None)` when there is no candidate, `Ok(Some)` for one, `Err` (the candidates) for many.
fn single(found: Vec<&Unit>) -> Result<Option<&Unit>, Vec<&Unit>> {
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.into_iter().next()),
        _ => Err(found.into_iter().take(MAX_SUGGESTIONS).collect()),
    }
}

/// Rank of a candidate key: lower is nearer. Edit distance, less the shared leading characters
/// (place names differ mostly at the front: 鄂城县 is nearer 鄂州市 than 谷城县), then more shared
/// characters at the front, then more shared characters anywhere, then plain distance.
type Rank = (
    usize,
    std::cmp::Reverse<usize>,
    std::cmp::Reverse<usize>,
    usize,
);

fn rank(q: &[char], meaningful: &[char], key: &str, ascii: bool) -> Option<Rank> {
    let kc: Vec<char> = key.chars().collect();
    let dist = edit_distance(q, &kc);
    let shared = meaningful.iter().filter(|c| kc.contains(c)).count();
    let close = if ascii {
        key.is_ascii() && dist <= 2
    } else {
        shared > 0 && dist < q.len().max(kc.len())
    };
    let lcp = q.iter().zip(&kc).take_while(|(a, b)| a == b).count();
    let (lcp_r, shared_r) = (std::cmp::Reverse(lcp), std::cmp::Reverse(shared));
    close.then_some((dist - lcp.min(dist), lcp_r, shared_r, dist))
}

fn suggest<'a>(units: &'a [Unit], q: &str) -> Vec<&'a Unit> {
    let qc: Vec<char> = q.chars().collect();
    let ascii = q.is_ascii();
    let meaningful: Vec<char> = {
        let m: Vec<char> = qc
            .iter()
            .copied()
            .filter(|c| !GENERIC.contains(c))
            .collect();
        // A query of suffix characters only ("区") may still share those.
        if m.is_empty() {
            qc.clone()
        } else {
            m
        }
    };
    let mut scored: Vec<(Rank, usize, &Unit)> = Vec::new();
    for (index, unit) in units.iter().enumerate() {
        let stems = unit.stems();
        let keys = unit.exact_keys().chain(stems.iter().map(String::as_str));
        if let Some(best) = keys.filter_map(|k| rank(&qc, &meaningful, k, ascii)).min() {
            scored.push((best, index, unit));
        }
    }
    scored.sort_by_key(|&(r, i, _)| (r, i));
    scored
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, u)| u)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_strip_the_administrative_suffix() {
        assert_eq!(stem("鄂城区").as_deref(), Some("鄂城"));
        assert_eq!(stem("恩施土家族苗族自治州").as_deref(), Some("恩施"));
        assert_eq!(stem("长阳土家族自治县").as_deref(), Some("长阳"));
        assert_eq!(stem("葛店开发区").as_deref(), Some("葛店"));
        assert_eq!(stem("神农架林区").as_deref(), Some("神农架"));
        assert_eq!(stem("随县"), None);
    }

    #[test]
    fn edit_distance_counts_characters() {
        let a: Vec<char> = "鄂城县".chars().collect();
        let b: Vec<char> = "鄂城区".chars().collect();
        assert_eq!(edit_distance(&a, &b), 1);
        assert_eq!(edit_distance(&a, &[]), 3);
    }

    #[test]
    fn full_width_digits_and_spaces_are_normalised() {
        assert_eq!(normalise(" ４２０７０４ "), "420704");
        assert_eq!(normalise("鄂 城区"), "鄂城区");
    }
}
