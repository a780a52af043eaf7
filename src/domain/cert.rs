//! Records of the certification chain as ops carry them and the store keeps them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One thing the live platform reports about a person (线上大培训).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OnlineEntry {
    /// Minutes watched of one course or day (as the platform names it).
    Watched {
        course: String,
        minutes: u32,
    },
    Questionnaire {
        returned: bool,
    },
    /// The online test score, in tenths of a point.
    Test {
        score: u16,
    },
}

impl OnlineEntry {
    /// The slot this entry fills for its person: a later value of the same slot replaces it.
    pub fn slot(&self) -> String {
        match self {
            Self::Watched { course, .. } => format!("w:{course}"),
            Self::Questionnaire { .. } => "q".to_string(),
            Self::Test { .. } => "t".to_string(),
        }
    }
}

/// The province's composite evaluation (综合测评) of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Composite score 0-100, in tenths.
    pub score: u16,
    /// Rank within the person's city, from 1.
    pub rank: u32,
    pub selected: bool,
}

/// A hand change to the candidate list (遴选名单), with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub selected: bool,
    pub reason: String,
}

/// The province's word on a city's expansion class (扩招班).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub approved: bool,
    pub reason: String,
}

/// Exam and practical marks in tenths; `None` is absent (缺考), which fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marks {
    pub exam: Option<u16>,
    pub practical: Option<u16>,
}

/// One result as it was written for an attempt: the first, or a correction with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultEntry {
    pub marks: Marks,
    /// None for the first result; a correction says why.
    pub reason: Option<String>,
    pub at_ms: u64,
    pub office: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub number: String,
    pub seq: u32,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsEntry {
    pub id: String,
    pub category: String,
    pub points: i32,
    pub date: NaiveDate,
    pub reason: String,
}
