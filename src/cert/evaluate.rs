//! The composite evaluation (综合测评) that selects candidates (遴选名单): questionnaire,
//! attendance and test score, weighted by the rules, ranked within each city.

use serde::Serialize;

use super::model::Evaluation;
use super::pipeline::Facts;
use super::rules::Rules;

/// Composite score 0-100 in tenths.
pub fn composite(facts: &Facts, rules: &Rules) -> u16 {
    let questionnaire = if facts.questionnaire == Some(true) {
        1000
    } else {
        0
    };
    let attendance =
        (u64::from(facts.online_minutes) * 1000 / u64::from(rules.full_minutes.max(1))).min(1000);
    let test = u64::from(facts.test.unwrap_or(0).min(1000));
    let weights =
        u64::from(rules.weight_questionnaire + rules.weight_attendance + rules.weight_test).max(1);
    let sum = u64::from(rules.weight_questionnaire) * questionnaire
        + u64::from(rules.weight_attendance) * attendance
        + u64::from(rules.weight_test) * test;
    u16::try_from((sum + weights / 2) / weights).unwrap_or(1000)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ranked {
    pub person: String,
    pub city: String,
    pub evaluation: Evaluation,
}

/// Whether `rank` ranks someone: they watched, or answered the questionnaire or the test.
pub fn took_part_online(facts: &Facts) -> bool {
    facts.online_minutes > 0 || facts.test.is_some() || facts.questionnaire.is_some()
}

/// Everyone who took part online, ranked within their city; only those trained online whose
/// composite reaches the threshold are selected: the seed selects from the online training's
/// trainees (方案 二（三）3, 5), so an offline check-in alone does not make a candidate.
pub fn rank(people: &[(String, String, Facts)], rules: &Rules) -> Vec<Ranked> {
    let mut scored: Vec<(&String, &String, u16, bool)> = people
        .iter()
        .filter(|(_, _, f)| took_part_online(f))
        .map(|(person, city, facts)| {
            let score = composite(facts, rules);
            let trained_online = facts.online_minutes >= rules.online_minutes;
            let selected = trained_online && u32::from(score) >= rules.threshold * 10;
            (person, city, score, selected)
        })
        .collect();
    scored.sort_by(|a, b| {
        (a.1, std::cmp::Reverse(a.2), a.0).cmp(&(b.1, std::cmp::Reverse(b.2), b.0))
    });
    let mut out = Vec::with_capacity(scored.len());
    let mut rank = 0;
    let mut city: Option<&String> = None;
    for (person, c, score, selected) in scored {
        if city != Some(c) {
            city = Some(c);
            rank = 0;
        }
        rank += 1;
        out.push(Ranked {
            person: person.clone(),
            city: c.clone(),
            evaluation: Evaluation {
                score,
                rank,
                selected,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::pipeline::status;

    fn facts(minutes: u32, questionnaire: bool, test: u16) -> Facts {
        Facts {
            online_minutes: minutes,
            questionnaire: Some(questionnaire),
            test: Some(test),
            ..Facts::default()
        }
    }

    #[test]
    fn an_offline_check_in_does_not_stand_for_the_online_training() {
        let rules = Rules::embedded().unwrap();
        // A high score with too little watched online: trained by the check-in, not selected.
        let mut offline = facts(60, true, 950);
        offline.offline_attended = 1;
        assert!(status(&offline, &rules).trained);
        let online = facts(rules.online_minutes, true, 950);
        let people = vec![
            ("offline".to_string(), "ezhou".to_string(), offline),
            ("online".to_string(), "ezhou".to_string(), online),
        ];
        let ranked = rank(&people, &rules);
        let selected: Vec<&str> = ranked
            .iter()
            .filter(|r| r.evaluation.selected)
            .map(|r| r.person.as_str())
            .collect();
        assert_eq!(selected, ["online"]);
    }

    #[test]
    fn weights_and_threshold_select_and_rank_per_city() {
        let rules = Rules::embedded().unwrap();
        // 20% questionnaire + 30% attendance (540 min = 100) + 50% test.
        assert_eq!(composite(&facts(540, true, 800), &rules), 900);
        assert_eq!(composite(&facts(270, false, 600), &rules), 450);
        let people = vec![
            ("a".to_string(), "wuhan".to_string(), facts(540, true, 800)),
            ("b".to_string(), "wuhan".to_string(), facts(540, true, 950)),
            ("c".to_string(), "wuhan".to_string(), facts(100, true, 1000)),
            ("d".to_string(), "ezhou".to_string(), facts(400, false, 600)),
            ("e".to_string(), "ezhou".to_string(), Facts::default()),
        ];
        let ranked = rank(&people, &rules);
        let view: Vec<(&str, u32, bool)> = ranked
            .iter()
            .map(|r| (r.person.as_str(), r.evaluation.rank, r.evaluation.selected))
            .collect();
        // c scores 75.6 but watched too little to count as trained; e never took part.
        assert_eq!(
            view,
            [
                ("d", 1, false),
                ("b", 1, true),
                ("a", 2, true),
                ("c", 3, false)
            ]
        );
        let stricter = Rules::with(&super::super::rules::RulesOverride {
            threshold: Some(92),
            ..Default::default()
        })
        .unwrap();
        let selected: Vec<String> = rank(&people, &stricter)
            .into_iter()
            .filter(|r| r.evaluation.selected)
            .map(|r| r.person)
            .collect();
        assert_eq!(selected, ["b"]);
    }

    proptest::proptest! {
        /// `cert evaluate --city` ranks only that city's people who took part online: the same
        /// rows as ranking everyone and keeping that city's, since each city is ranked alone.
        #[test]
        fn one_city_ranked_alone_is_that_city_of_everyone_ranked(
            people in proptest::collection::vec(
                (0u8..3, 0u32..700, proptest::option::of(proptest::bool::ANY),
                 proptest::option::of(0u16..1001)),
                0..40,
            )
        ) {
            let rules = Rules::embedded().unwrap();
            let people: Vec<(String, String, Facts)> = people
                .into_iter()
                .enumerate()
                .map(|(i, (city, minutes, questionnaire, test))| {
                    let facts = Facts { online_minutes: minutes, questionnaire, test, ..Facts::default() };
                    (format!("p{i:02}"), format!("city{city}"), facts)
                })
                .collect();
            let everyone = rank(&people, &rules);
            for city in ["city0", "city1", "city2"] {
                let own: Vec<_> = people
                    .iter()
                    .filter(|(_, c, f)| c == city && took_part_online(f))
                    .cloned()
                    .collect();
                let alone = rank(&own, &rules);
                let of_everyone: Vec<_> = everyone.iter().filter(|r| r.city == city).cloned().collect();
                proptest::prop_assert_eq!(alone, of_everyone);
            }
        }
    }
}
