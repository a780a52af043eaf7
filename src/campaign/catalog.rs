//! Typed records of the campaign documents: courses, steps, checklist, attachments 3-5.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::regions::{Unit, UnitLevel};

/// One of the campaign's two documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDoc {
    pub id: String,
    pub issuer: String,
    /// 文号, e.g. 鄂知发〔2023〕4号.
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CourseMode {
    Offline,
    Online,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CourseCategory {
    /// 省知识产权局领导专题辅导课程.
    Keynote,
    /// 附件1's 14 自选课程.
    Optional,
    /// Online “四知”.
    Sizhi,
    /// Online “五会”.
    Wuhui,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Course {
    /// "K", "1".."14", "Z1".."Z4", "H1".."H5".
    pub id: String,
    pub mode: CourseMode,
    pub category: CourseCategory,
    /// The 序号 cell as printed (专题辅导, 1..14; 四知1.., 五会1.. for the online ones).
    pub seq: String,
    pub title: String,
    /// 五会 only: the skill in brackets (会检索查新).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// 学时（小时）; the online courses have none in the documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lecturer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
}

impl Course {
    /// Title with its 五会 tag, as the document prints it: 知识产权检索查新技能实务（会检索查新）.
    pub fn label(&self) -> String {
        match &self.tag {
            Some(tag) => format!("{}（{}）", self.title, tag),
            None => self.title.clone(),
        }
    }
}

/// How exact a step's dates are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    /// `end` is a real deadline.
    Day,
    /// Only a month is named; start/end are its first and last day.
    Month,
    /// A span of months; start/end are the span's first and last day.
    Range,
}

/// A deadline a city set for its own units, earlier than the province's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityDeadline {
    pub city: String,
    pub due: NaiveDate,
    /// As printed (2月27日前).
    pub date_text: String,
    pub source: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    /// Where in the documents (方案 二（三）).
    pub section: String,
    pub title: String,
    pub start: NaiveDate,
    /// Last day, or the deadline for `Day` precision.
    pub end: NaiveDate,
    pub precision: DatePrecision,
    /// The document's wording of the date.
    pub date_text: String,
    /// Length in days where the document gives one (the 3-day online training).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Unit levels that act on this step.
    pub levels: Vec<UnitLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<String>,
    /// 责任分工 / who organises.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duties: Option<String>,
    pub details: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub city_deadlines: Vec<CityDeadline>,
}

impl Step {
    /// The deadline for units of `city_id`: the city's own where it set one, else `end`.
    pub fn due_in_city(&self, city_id: &str) -> NaiveDate {
        self.city_deadlines
            .iter()
            .find(|d| d.city == city_id)
            .map_or(self.end, |d| d.due)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChecklistKind {
    /// Something to do.
    Step,
    /// A document to hand in (附件5).
    Material,
}

/// One item of a unit's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistDef {
    pub id: String,
    pub title: String,
    /// `County` items apply to county-level units, zones and 直管市; `City` items to cities;
    /// `Province` items to the province office.
    pub level: UnitLevel,
    /// The step this item belongs to.
    pub step: String,
    /// The province's default; a city's deadline on `step` can be earlier.
    pub due: NaiveDate,
    /// Whether the documents give `due`; when not, it is an assumption that people are told is
    /// provisional. Required in the asset so that no date can slip in unexamined.
    pub due_given: bool,
    /// The part of the documents the item comes from (方案 二（二）5（1）；鄂州市监办〔2023〕4号 一).
    pub source: String,
    pub kind: ChecklistKind,
    /// The 附件5 entry ("1", "2", "3", "3.1".."3.5").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub material: Option<String>,
}

impl ChecklistDef {
    pub fn applies_to(&self, unit: &Unit) -> bool {
        match self.level {
            UnitLevel::County => unit.acts_as_county(),
            UnitLevel::City => unit.acts_as_city(),
            UnitLevel::Province => unit.level == UnitLevel::Province,
            UnitLevel::Zone => false,
        }
    }
}

/// A session a city set up across several of its units (鄂州's three sessions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointSession {
    pub city: String,
    pub seq: u32,
    pub units: Vec<String>,
    /// 承办.
    pub host: String,
    /// 协办.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub co_host: Option<String>,
    /// As printed.
    pub text: String,
}

/// 知识产权专员考核认证.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub certificate: String,
    /// 考试, 实操: both must pass.
    pub assessments: Vec<String>,
    pub makeup_attempts: u32,
    pub selection: String,
    /// Cities' 扩招培训班, with the province's approval.
    pub expansion: String,
    /// What follows for certified specialists (archive, points, degree classes).
    pub after: String,
    /// The section of the documents each field above comes from, by field name.
    pub sources: std::collections::BTreeMap<String, String>,
}

/// A row of 附件3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub seq: u32,
    /// 服务类别.
    pub category: String,
    /// 服务内容.
    pub content: String,
    /// 备注.
    pub remark: String,
}

/// A row of 附件4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Liaison {
    pub seq: u32,
    /// 对口联系市州 as printed (武汉、鄂州).
    pub cities_text: String,
    /// The same cities as unit ids, in printed order.
    pub cities: Vec<String>,
    /// 处室.
    pub office: String,
}

/// An entry of 附件5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub id: String,
    /// 一, 二, 三.
    pub numeral: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<MaterialItem>,
}

impl Material {
    /// As printed: 一、培训工作总结.
    pub fn label(&self) -> String {
        format!("{}、{}", self.numeral, self.title)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialItem {
    pub id: String,
    pub seq: u32,
    pub title: String,
}

impl MaterialItem {
    /// As printed: 1. 培训通知.
    pub fn label(&self) -> String {
        format!("{}. {}", self.seq, self.title)
    }
}

/// Where and by when the cities send 附件5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionContact {
    pub recipient: String,
    pub email: String,
    pub person: String,
    pub phone: String,
    pub due: NaiveDate,
    /// The 注 line as printed.
    pub note: String,
}

/// The 样表 of the statistics table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsTable {
    pub title: String,
    /// 单位（盖章）：
    pub stamp_prefix: String,
    /// What the 样表 shows after the prefix (XX 市知识产权局).
    pub stamp_example: String,
    pub columns: Vec<String>,
}

impl StatsTable {
    /// The stamp line for a unit: 单位（盖章）：鄂州市知识产权局.
    pub fn stamp_line(&self, unit_office: &str) -> String {
        format!("{}{}", self.stamp_prefix, unit_office)
    }
}
