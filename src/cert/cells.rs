//! Cells of the live platform's exports as people and platforms write them: minutes as `95`,
//! `95.0`, `95分钟`, `1:35:00` or `1小时35分`; scores as `87.5` or `87分`; yes/no in many words.

use crate::domain::text::fold_full_width;

/// A cell that does not hold what its column says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadCell;

fn folded(raw: &str) -> String {
    raw.chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Whole minutes watched; `None` when the cell says nothing, `Err` when it is not a duration.
pub fn parse_minutes(raw: &str) -> Result<Option<u32>, BadCell> {
    let text = folded(raw);
    if text.is_empty() {
        return Ok(None);
    }
    let number = |s: &str| -> Result<f64, BadCell> {
        let value: f64 = s.parse().map_err(|_| BadCell)?;
        if value.is_finite() && (0.0..1e6).contains(&value) {
            Ok(value)
        } else {
            Err(BadCell)
        }
    };
    let text = text
        .trim_end_matches("分钟")
        .trim_end_matches("min")
        .to_string();
    if text.contains(':') {
        // h:mm:ss or mm:ss; seconds round down to whole minutes.
        let parts: Vec<&str> = text.split(':').collect();
        let nums: Vec<u32> = parts
            .iter()
            .map(|p| {
                (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse().ok())
                    .flatten()
                    .ok_or(BadCell)
            })
            .collect::<Result<_, _>>()?;
        return match nums.as_slice() {
            [m, s] if *s < 60 => Ok(Some(*m)),
            [h, m, s] if *m < 60 && *s < 60 => Ok(Some(h * 60 + m)),
            _ => Err(BadCell),
        };
    }
    if let Some((hours, rest)) = text.split_once("小时") {
        let minutes = rest.trim_end_matches('分');
        let extra = if minutes.is_empty() {
            0.0
        } else {
            number(minutes)?
        };
        return Ok(Some((number(hours)? * 60.0 + extra).floor() as u32));
    }
    Ok(Some(number(text.trim_end_matches('分'))?.floor() as u32))
}

/// A score out of 100 in tenths (87.5 -> 875); `None` for an empty cell.
pub fn parse_score(raw: &str) -> Result<Option<u16>, BadCell> {
    let text = folded(raw);
    let text = text.trim_end_matches('分');
    if text.is_empty() {
        return Ok(None);
    }
    if !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(BadCell);
    }
    let value: f64 = text.parse().map_err(|_| BadCell)?;
    if !(0.0..=100.0).contains(&value) {
        return Err(BadCell);
    }
    Ok(Some((value * 10.0).round() as u16))
}

/// Whether the questionnaire was returned; `Err` for a word that is neither.
pub fn parse_yes_no(raw: &str) -> Result<Option<bool>, BadCell> {
    let text = folded(raw).to_lowercase();
    match text.as_str() {
        "" => Ok(None),
        "是" | "已填" | "已填写" | "已提交" | "已完成" | "完成" | "有" | "1" | "y" | "yes"
        | "true" | "√" | "✓" | "✔" => Ok(Some(true)),
        "否" | "未填" | "未填写" | "未提交" | "未完成" | "无" | "0" | "n" | "no" | "false"
        | "×" | "✗" => Ok(Some(false)),
        _ => Err(BadCell),
    }
}

/// A score in tenths as people read it: 87.5, 90.
pub fn show_score(tenths: u16) -> String {
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn minutes_in_the_ways_platforms_write_them() {
        assert_eq!(parse_minutes("95"), Ok(Some(95)));
        assert_eq!(parse_minutes("９５分钟"), Ok(Some(95)));
        assert_eq!(parse_minutes("95.7"), Ok(Some(95)));
        assert_eq!(parse_minutes("1:35:20"), Ok(Some(95)));
        assert_eq!(parse_minutes("35:20"), Ok(Some(35)));
        assert_eq!(parse_minutes("1小时35分"), Ok(Some(95)));
        assert_eq!(parse_minutes("2小时"), Ok(Some(120)));
        assert_eq!(parse_minutes(" "), Ok(None));
        for bad in ["abc", "-5", "1:75:00", "1::2", "NaN", "inf"] {
            assert_eq!(parse_minutes(bad), Err(BadCell), "{bad}");
        }
    }

    #[test]
    fn scores_and_answers() {
        assert_eq!(parse_score("87.5"), Ok(Some(875)));
        assert_eq!(parse_score("90分"), Ok(Some(900)));
        assert_eq!(parse_score(""), Ok(None));
        assert_eq!(parse_score("101"), Err(BadCell));
        assert_eq!(parse_score("优"), Err(BadCell));
        assert_eq!(parse_yes_no("已填写"), Ok(Some(true)));
        assert_eq!(parse_yes_no("否"), Ok(Some(false)));
        assert_eq!(parse_yes_no("也许"), Err(BadCell));
        assert_eq!(show_score(875), "87.5");
        assert_eq!(show_score(900), "90");
    }

    proptest! {
        #[test]
        fn any_cell_parses_or_is_refused(raw in "\\PC{0,12}") {
            let _ = parse_minutes(&raw);
            let _ = parse_yes_no(&raw);
            if let Ok(Some(score)) = parse_score(&raw) {
                prop_assert!(score <= 1000);
            }
        }

        #[test]
        fn written_minutes_read_back(m in 0u32..100_000) {
            prop_assert_eq!(parse_minutes(&m.to_string()), Ok(Some(m)));
            prop_assert_eq!(parse_minutes(&format!("{}:{:02}:07", m / 60, m % 60)), Ok(Some(m)));
            prop_assert_eq!(parse_minutes(&format!("{m}分钟")), Ok(Some(m)));
        }

        #[test]
        fn written_scores_read_back(tenths in 0u16..=1000) {
            prop_assert_eq!(parse_score(&show_score(tenths)), Ok(Some(tenths)));
        }
    }
}
