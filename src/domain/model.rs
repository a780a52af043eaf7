//! The records coordinators work with. Each names its owner office: only that office's ops may
//! change it.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::Categories;

pub type OfficeId = String;
pub type RecordId = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    Offline,
    Online,
    Exam,
    Makeup,
    Expansion,
}

impl SessionKind {
    pub const ALL: [SessionKind; 5] = [
        Self::Offline,
        Self::Online,
        Self::Exam,
        Self::Makeup,
        Self::Expansion,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Offline => "offline",
            Self::Online => "online",
            Self::Exam => "exam",
            Self::Makeup => "makeup",
            Self::Expansion => "expansion",
        }
    }

    pub fn label(self) -> String {
        crate::i18n::t(&format!("cli.kind.{}", self.key()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCourse {
    pub course: String,
    pub lecturer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub id: RecordId,
    pub office: OfficeId,
    pub kind: SessionKind,
    pub title: String,
    /// Units whose enterprises this session serves (a joint session covers several).
    pub units: Vec<OfficeId>,
    pub host: OfficeId,
    pub cohost: Option<OfficeId>,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub venue: String,
    pub courses: Vec<SessionCourse>,
    pub audience: String,
    pub capacity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum EnterpriseCategory {
    /// 高新技术企业
    HighTech,
    /// 专精特新企业
    Specialised,
    /// 上市及后备企业
    Listed,
    /// 科技型中小企业
    TechSme,
}

impl EnterpriseCategory {
    pub const ALL: [EnterpriseCategory; 4] = [
        Self::HighTech,
        Self::Specialised,
        Self::Listed,
        Self::TechSme,
    ];

    /// The stable name, as `--category` takes it.
    pub fn key(self) -> &'static str {
        match self {
            Self::HighTech => "high-tech",
            Self::Specialised => "specialised",
            Self::Listed => "listed",
            Self::TechSme => "tech-sme",
        }
    }

    /// The category in the UI language.
    pub fn label(self) -> String {
        crate::i18n::t(&format!("cli.category.{}", self.key()))
    }

    /// The seed's own words, as the official tables print them.
    pub fn name(self) -> &'static str {
        match self {
            Self::HighTech => "高新技术企业",
            Self::Specialised => "专精特新企业",
            Self::Listed => "上市及后备企业",
            Self::TechSme => "科技型中小企业",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    pub id: RecordId,
    pub office: OfficeId,
    pub name: String,
    pub credit_code: Option<String>,
    pub categories: Categories,
    pub unit: OfficeId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: RecordId,
    pub office: OfficeId,
    pub name: String,
    pub phone: String,
    pub position: String,
    pub enterprise: Option<RecordId>,
    /// Participant code (参会码), see `code::participant_code`.
    pub code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum MarkStatus {
    Todo,
    Done,
    Waived,
}

impl MarkStatus {
    pub fn label(self) -> String {
        crate::i18n::t(&format!("cli.status.{}", self.key()))
    }

    pub fn key(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::Done => "done",
            Self::Waived => "waived",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub file_name: String,
    pub size: u64,
    pub blake3: String,
    pub note: String,
    pub added: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub present: bool,
    /// The first check-in time: when two laptops at one door both record a person, the earlier
    /// time stands.
    pub first_at: Option<NaiveDateTime>,
}

impl Session {
    /// Whether someone arriving at `at` is late: after the start plus the grace minutes.
    pub fn is_late(&self, at: NaiveDateTime, grace_minutes: u32) -> bool {
        at > self.date.and_time(self.start) + chrono::Duration::minutes(i64::from(grace_minutes))
    }

    /// The unit a held class counts for: its host (承办) when the host is the office that entered
    /// it or a unit below (a city's joint session hosted by a county), else that office. A county
    /// that names a neighbour or its city as host adds to its own figures, never theirs; the form
    /// refuses such a host, and a bundle carrying one is still taken in whole, so every office
    /// folds the same ops.
    pub fn credited_unit(&self) -> &str {
        if crate::campaign::hierarchy::within(&self.office, &self.host) {
            &self.host
        } else {
            &self.office
        }
    }
}
