//! Training plans for the demo's units: two to four classes between April and October, with
//! courses from 附件1, drawn from the unit's id rather than the demo's random stream so the
//! rest of the demo is the same with or without them.

use chrono::{Days, NaiveDate};

use crate::campaign::campaign;
use crate::domain::plan::{Plan, PlannedClass};
use crate::log::Payload;

/// The audience 附件1 gives its optional courses.
fn audience() -> String {
    campaign()
        .course("1")
        .and_then(|c| c.audience.clone())
        .unwrap_or_default()
}

/// `unit`'s plan, reported two days before `due` when `reported`.
pub(crate) fn plan(unit: &str, reported: bool, due: NaiveDate) -> Payload {
    let bytes = blake3::hash(unit.as_bytes());
    let h = u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or([7; 8]));
    let n = 2 + (h % 3) as usize;
    let mut months: Vec<u32> = (0..n).map(|i| 4 + ((h >> (i * 4)) % 7) as u32).collect();
    months.sort_unstable();
    let classes = months
        .into_iter()
        .enumerate()
        .map(|(i, month)| {
            let a = 1 + (h >> (8 + i * 5)) % 14;
            let b = 1 + (a + 1 + (h >> (20 + i * 3)) % 12) % 14;
            let mut courses = vec![a.to_string(), b.to_string()];
            if i == 0 {
                // The province's keynote (方案 二（二）4(1)) in the unit's first class.
                courses.insert(0, "K".to_string());
            }
            let people = 60 + ((h >> (30 + i * 4)) % 9) as u32 * 10;
            PlannedClass {
                month,
                courses,
                audience: audience(),
                people,
                enterprises: Some(people / 2),
                cohost: None,
                teachers: if i == 0 {
                    "请省局选派专题辅导师资".to_string()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    Payload::PlanSet {
        unit: unit.to_string(),
        plan: Plan {
            year: campaign().year,
            classes,
            submitted: reported.then(|| due.checked_sub_days(Days::new(2)).unwrap_or(due)),
            revised: false,
        },
    }
}
