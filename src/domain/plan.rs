//! A county's (or zone's) training plan for the year (方案 二（二）5(1)): the classes it means to
//! hold, each with its month, courses from 附件1, audience, expected numbers, co-host and what
//! teachers it asks the province for. The city sums its units' plans into 附件2.

use chrono::Datelike;
use serde::{Deserialize, Serialize};

use super::input::{FieldError, FieldErrors};
use super::{text, OfficeId};
use crate::campaign::hierarchy::{session_area, within};
use crate::campaign::{campaign, unit_name, CourseMode};
use crate::i18n::{t, tf};

/// The checklist item a submitted plan marks done.
pub const PLAN_ITEM: &str = "county.plan";

/// The campaign step whose months a planned class must fall in.
const OFFLINE_STEP: &str = "offline_training";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedClass {
    /// 1-12, within the offline training's months.
    pub month: u32,
    /// Ids of 附件1 courses: K (the keynote) and 1-14.
    pub courses: Vec<String>,
    pub audience: String,
    /// People expected.
    pub people: u32,
    /// Enterprises expected, when the unit says.
    pub enterprises: Option<u32>,
    /// Another unit of the same city that co-hosts (协办).
    pub cohost: Option<OfficeId>,
    /// What the unit asks of the province's teachers (统筹选派师资), in its own words.
    pub teachers: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub year: i32,
    pub classes: Vec<PlannedClass>,
    /// When the unit last reported it to its city.
    pub submitted: Option<chrono::NaiveDate>,
    /// Changed since that report: the city sees the current classes, and that they moved.
    pub revised: bool,
}

impl Plan {
    pub fn new(year: i32) -> Plan {
        Plan {
            year,
            classes: Vec::new(),
            submitted: None,
            revised: false,
        }
    }

    pub fn people(&self) -> u32 {
        self.classes.iter().map(|c| c.people).sum()
    }

    pub fn enterprises(&self) -> u32 {
        self.classes.iter().filter_map(|c| c.enterprises).sum()
    }
}

/// One planned class as typed, before it is checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassInput {
    pub month: String,
    pub courses: String,
    pub audience: String,
    pub people: String,
    pub enterprises: Option<String>,
    pub cohost: Option<String>,
    pub teachers: String,
}

impl From<&PlannedClass> for ClassInput {
    /// A class as it would be typed again: what an edit starts from.
    fn from(class: &PlannedClass) -> ClassInput {
        ClassInput {
            month: class.month.to_string(),
            courses: class.courses.join(","),
            audience: class.audience.clone(),
            people: class.people.to_string(),
            enterprises: class.enterprises.map(|n| n.to_string()),
            cohost: class.cohost.as_deref().map(unit_name),
            teachers: class.teachers.clone(),
        }
    }
}

fn count(raw: &str, zero_ok: bool) -> Result<u32, String> {
    let folded: String = raw.trim().chars().map(text::fold_full_width).collect();
    match folded.parse::<u32>() {
        Ok(n) if n > 0 || zero_ok => Ok(n),
        _ => Err(tf("cli.input.bad_number", &[("value", &raw)])),
    }
}

/// The months a class may be planned in: those of the offline training (2023 年 3 月至 11 月).
fn plan_months() -> (u32, u32, String) {
    match campaign().step(OFFLINE_STEP) {
        Some(step) => (step.start.month(), step.end.month(), step.date_text.clone()),
        None => (1, 12, String::new()),
    }
}

/// A planned class of `unit` from typed fields, one message per bad field.
pub fn planned_class(unit: &str, input: &ClassInput) -> Result<PlannedClass, FieldErrors> {
    let mut errors = Vec::new();
    let mut push =
        |field: &'static str, message: String| errors.push(FieldError { field, message });
    let (first, last, months_text) = plan_months();
    let month = match count(&input.month, false) {
        Ok(m) if (first..=last).contains(&m) => m,
        _ => {
            push(
                "month",
                tf(
                    "cli.plan.bad_month",
                    &[
                        ("value", &input.month.trim()),
                        ("first", &first),
                        ("last", &last),
                        ("text", &months_text),
                    ],
                ),
            );
            0
        }
    };
    let mut courses: Vec<String> = Vec::new();
    let mut unknown = false;
    for id in input
        .courses
        .split([',', '，', '、', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let id = id.to_uppercase();
        let offline = campaign()
            .course(&id)
            .is_some_and(|c| c.mode == CourseMode::Offline);
        if !offline {
            unknown = true;
            push("courses", tf("cli.plan.bad_course", &[("value", &id)]));
        } else if !courses.contains(&id) {
            courses.push(id);
        }
    }
    if courses.is_empty() && !unknown {
        push("courses", t("cli.input.required"));
    }
    let audience = text::clean_prose(&input.audience).unwrap_or_default();
    if audience.is_empty() {
        push("audience", t("cli.input.required"));
    }
    let people = count(&input.people, false).unwrap_or_else(|e| {
        push("people", e);
        0
    });
    let enterprises = match &input.enterprises {
        Some(raw) => match count(raw, true) {
            Ok(n) => Some(n),
            Err(e) => {
                push("enterprises", e);
                None
            }
        },
        None => None,
    };
    // Each enterprise sends someone: more enterprises than people is a slip in one of them.
    if let Some(more) = enterprises.filter(|e| people > 0 && *e > people) {
        push(
            "enterprises",
            tf(
                "cli.plan.more_enterprises_than_people",
                &[("enterprises", &more), ("people", &people)],
            ),
        );
    }
    let cohost = match input.cohost.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => match super::input::resolve_unit(raw) {
            Ok(id) if id == unit => {
                push("cohost", t("cli.input.cohost_is_host"));
                None
            }
            Ok(id) if !within(session_area(unit), &id) => {
                push(
                    "cohost",
                    tf(
                        "cli.input.outside_area",
                        &[
                            ("unit", &unit_name(&id)),
                            ("office", &unit_name(unit)),
                            ("area", &unit_name(session_area(unit))),
                        ],
                    ),
                );
                None
            }
            Ok(id) => Some(id),
            Err(e) => {
                push("cohost", e);
                None
            }
        },
    };
    let teachers = text::clean_prose(&input.teachers).unwrap_or_default();
    for (field, value) in [
        ("audience", input.audience.as_str()),
        ("teachers", input.teachers.as_str()),
    ] {
        if let Some(c) = text::forbidden_char(value) {
            push(field, text::forbidden_message(c));
        }
    }
    if !errors.is_empty() {
        return Err(FieldErrors(errors));
    }
    Ok(PlannedClass {
        month,
        courses,
        audience,
        people,
        enterprises,
        cohost,
        teachers,
    })
}

/// A class's courses as 附件1 prints them: 序号 and title, the keynote by name.
pub fn course_titles(class: &PlannedClass) -> Vec<String> {
    class
        .courses
        .iter()
        .map(|id| match campaign().course(id) {
            Some(course) if course.seq.chars().all(|c| c.is_ascii_digit()) => {
                format!("{}. {}", course.seq, course.label())
            }
            Some(course) => format!("{}：{}", course.seq, course.label()),
            None => id.clone(),
        })
        .collect()
}
