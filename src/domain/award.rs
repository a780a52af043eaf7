//! The 评选 of 方案 二（五）2: the cities nominate 优秀师资, 优秀学员 and 精品课程 for their
//! area, and the province chooses among the nominations.

use serde::{Deserialize, Serialize};

use super::{OfficeId, RecordId};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum AwardKind {
    /// 优秀师资: a lecturer.
    Teacher,
    /// 优秀学员: a person the store knows.
    Trainee,
    /// 精品课程: a course of 附件1, as taught at a class.
    Course,
}

impl AwardKind {
    pub const ALL: [AwardKind; 3] = [Self::Teacher, Self::Trainee, Self::Course];

    pub fn key(self) -> &'static str {
        match self {
            Self::Teacher => "teacher",
            Self::Trainee => "trainee",
            Self::Course => "course",
        }
    }

    /// The award's name in the UI language (优秀师资).
    pub fn label(self) -> String {
        crate::i18n::t(&format!("cli.award.kind.{}", self.key()))
    }
}

/// A nomination, made by a city (or the province itself) for someone or something in its area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nomination {
    pub id: RecordId,
    /// The nominating office.
    pub office: OfficeId,
    pub kind: AwardKind,
    /// The unit the nominee belongs to: the trainee's unit, the class's host.
    pub unit: OfficeId,
    /// The lecturer's or trainee's name, or the course's title.
    pub name: String,
    /// The trainee's record.
    pub person: Option<RecordId>,
    /// The class the lecturer taught or the course was given at.
    pub session: Option<RecordId>,
    /// The course's id in 附件1.
    pub course: Option<String>,
    pub reason: String,
}

/// The province's word on a nomination: chosen, or the choice taken back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    pub selected: bool,
    pub note: String,
}

/// A nomination as a store holds it, with the province's word on it once that has come.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    pub nomination: Nomination,
    pub selection: Option<Selection>,
}

impl Award {
    pub fn selected(&self) -> bool {
        self.selection.as_ref().is_some_and(|s| s.selected)
    }
}
