//! Reference data of the 2023 "百县万企" campaign, embedded from `assets/` and parsed once.
//!
//! Units (province, 17 cities, 103 county-level units, 鄂州's two zones), the course catalogue,
//! the dated steps of the two campaign documents, each level's checklist, attachments 3-5, the
//! statistics table's layout, and the holiday calendar used for deadline arithmetic. Everything is
//! `Serialize`, so `--json` output is plain serde_json of these types.

mod catalog;
pub mod hierarchy;
mod holidays;
mod regions;
mod show;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_lookup;

use std::fmt;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::Places;

pub use catalog::{
    Certification, ChecklistDef, ChecklistKind, CityDeadline, Course, CourseCategory, CourseMode,
    DatePrecision, JointSession, Liaison, Material, MaterialItem, Service, SourceDoc, StatsTable,
    Step, SubmissionContact,
};
pub use holidays::{DayKind, HolidayRange, HolidayYear, Holidays, MakeupWorkday};
pub use regions::{stem, Unit, UnitLevel};
pub use show::show_text;

const REGIONS_TOML: &str = include_str!("../../assets/regions.toml");
const COURSES_TOML: &str = include_str!("../../assets/courses.toml");
const CAMPAIGN_TOML: &str = include_str!("../../assets/campaign.toml");
const HOLIDAYS_TOML: &str = include_str!("../../assets/holidays.toml");

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Campaign {
    pub year: i32,
    pub name: String,
    /// 工作目标 as printed.
    pub target_text: String,
    /// 力争惠及企业数量达万家以上.
    pub target_enterprises: u32,
    pub target_cities: u32,
    pub target_county_units: u32,
    pub sources: Vec<SourceDoc>,
    /// Official order: the province, then each city followed by its units.
    pub units: Vec<Unit>,
    pub courses: Vec<Course>,
    pub steps: Vec<Step>,
    pub checklist: Vec<ChecklistDef>,
    pub joint_sessions: Vec<JointSession>,
    pub certification: Certification,
    pub services: Vec<Service>,
    pub liaison: Vec<Liaison>,
    pub materials: Vec<Material>,
    pub contact: SubmissionContact,
    pub stats_table: StatsTable,
    pub holidays: Holidays,
}

/// A broken embedded asset: which file, and toml's message (with line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: &'static str,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for LoadError {}

#[derive(Deserialize)]
struct RegionsFile {
    unit: Vec<Unit>,
}

#[derive(Deserialize)]
struct CoursesFile {
    course: Vec<Course>,
}

#[derive(Deserialize)]
struct CampaignFile {
    year: i32,
    name: String,
    target_text: String,
    target_enterprises: u32,
    target_cities: u32,
    target_county_units: u32,
    source: Vec<SourceDoc>,
    step: Vec<Step>,
    checklist: Vec<ChecklistDef>,
    joint_session: Vec<JointSession>,
    certification: Certification,
    service: Vec<Service>,
    liaison: Vec<Liaison>,
    material: Vec<Material>,
    contact: SubmissionContact,
    stats_table: StatsTable,
}

fn parse<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, LoadError> {
    toml::from_str(text).map_err(|e| LoadError {
        file,
        message: e.to_string(),
    })
}

/// Parses the embedded assets. `campaign()` is the cached form; this is for tests and tools.
pub fn load() -> Result<Campaign, LoadError> {
    let regions: RegionsFile = parse("assets/regions.toml", REGIONS_TOML)?;
    let courses: CoursesFile = parse("assets/courses.toml", COURSES_TOML)?;
    let file: CampaignFile = parse("assets/campaign.toml", CAMPAIGN_TOML)?;
    let holidays: Holidays = parse("assets/holidays.toml", HOLIDAYS_TOML)?;
    let mut units = regions.unit;
    for unit in &mut units {
        if unit.short.is_empty() {
            unit.short = unit.name.clone();
        }
    }
    Ok(Campaign {
        year: file.year,
        name: file.name,
        target_text: file.target_text,
        target_enterprises: file.target_enterprises,
        target_cities: file.target_cities,
        target_county_units: file.target_county_units,
        sources: file.source,
        units,
        courses: courses.course,
        steps: file.step,
        checklist: file.checklist,
        joint_sessions: file.joint_session,
        certification: file.certification,
        services: file.service,
        liaison: file.liaison,
        materials: file.material,
        contact: file.contact,
        stats_table: file.stats_table,
        holidays,
    })
}

/// The embedded campaign data, parsed on first use.
///
/// Panics if an embedded asset does not parse: they are compiled in and `tests::assets_load`
/// checks them, so this can only fail in a build whose tests fail.
pub fn campaign() -> &'static Campaign {
    static CAMPAIGN: OnceLock<Campaign> = OnceLock::new();
    CAMPAIGN.get_or_init(|| match load() {
        Ok(c) => c,
        Err(e) => panic!("embedded campaign data is broken ({e}); run `cargo test --lib campaign`"),
    })
}

/// The places an enterprise's name may begin with: every unit's name and short name, with and
/// without the word for what kind of place it is (鄂州市 and 鄂州, 葛店开发区 and 葛店), each keyed
/// by its unit; the province's by nothing, as firms give or leave out 湖北 at will.
pub fn places() -> &'static Places {
    static PLACES: OnceLock<Places> = OnceLock::new();
    PLACES.get_or_init(|| {
        let mut names = Vec::new();
        for unit in &campaign().units {
            let key = match unit.level {
                UnitLevel::Province => String::new(),
                _ => unit.id.clone(),
            };
            for name in [&unit.name, &unit.short] {
                names.push((name.clone(), key.clone()));
                names.extend(stem(name).map(|stem| (stem, key.clone())));
            }
        }
        Places::new(names)
    })
}

impl Campaign {
    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    /// Direct children, in official order.
    pub fn children(&self, id: &str) -> Vec<&Unit> {
        self.units
            .iter()
            .filter(|u| u.parent.as_deref() == Some(id))
            .collect()
    }

    /// The 17 cities and prefectures (市州), 直管市 included.
    pub fn cities(&self) -> Vec<&Unit> {
        self.units
            .iter()
            .filter(|u| u.level == UnitLevel::City)
            .collect()
    }

    /// The 103 county-level units: counties under the 13 cities plus the 4 `also_county` units.
    pub fn county_level_units(&self) -> Vec<&Unit> {
        self.units.iter().filter(|u| u.is_county_level()).collect()
    }

    /// Development zones acting as units.
    pub fn zones(&self) -> Vec<&Unit> {
        self.units
            .iter()
            .filter(|u| u.level == UnitLevel::Zone)
            .collect()
    }

    /// Exact name, id, office or unambiguous short name (鄂城 -> 鄂城区). `Err` holds up to 5
    /// nearest units (by edit distance, then shared characters), empty if nothing is close.
    pub fn find_unit(&self, query: &str) -> Result<&Unit, Vec<&Unit>> {
        regions::find(&self.units, query)
    }

    /// A county's or zone's city; a city's own self; `None` for the province or an unknown id.
    pub fn city_of(&self, id: &str) -> Option<&Unit> {
        let unit = self.unit(id)?;
        match unit.level {
            UnitLevel::Province => None,
            UnitLevel::City => Some(unit),
            UnitLevel::County | UnitLevel::Zone => self.unit(unit.parent.as_deref()?),
        }
    }

    /// Checklist items for that unit's level: county items for counties, zones and 直管市, city
    /// items for cities (a 直管市 gets both). Empty for the province or an unknown id.
    pub fn checklist_for(&self, unit_id: &str) -> Vec<&ChecklistDef> {
        let Some(unit) = self.unit(unit_id) else {
            return Vec::new();
        };
        self.checklist
            .iter()
            .filter(|item| item.applies_to(unit))
            .collect()
    }

    /// When `item` is due for `unit_id`: the unit's city's deadline on the item's step where it
    /// set an earlier one (鄂州: plans by 2023-02-27), else the province's default.
    pub fn due_for(&self, item: &ChecklistDef, unit_id: &str) -> NaiveDate {
        let city = self.city_of(unit_id).map(|c| c.id.as_str());
        match (self.step(&item.step), city) {
            (Some(step), Some(city)) => step.due_in_city(city).min(item.due),
            _ => item.due,
        }
    }

    /// Whether the documents give the date `due_for` returns: the item's own `due_given`, or a
    /// deadline the unit's city printed in its notice (鄂州's 2/27) that is the one in force.
    pub fn due_given_for(&self, item: &ChecklistDef, unit_id: &str) -> bool {
        if item.due_given {
            return true;
        }
        let city = self.city_of(unit_id).map(|c| c.id.as_str());
        let step = self.step(&item.step);
        match (step, city) {
            (Some(step), Some(city)) => step
                .city_deadlines
                .iter()
                .any(|d| d.city == city && d.due <= item.due),
            _ => false,
        }
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn course(&self, id: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.id == id)
    }

    /// 附件1: the keynote and the 14 optional courses.
    pub fn offline_courses(&self) -> Vec<&Course> {
        self.courses_by_mode(CourseMode::Offline)
    }

    /// 四知五会.
    pub fn online_courses(&self) -> Vec<&Course> {
        self.courses_by_mode(CourseMode::Online)
    }

    fn courses_by_mode(&self, mode: CourseMode) -> Vec<&Course> {
        self.courses.iter().filter(|c| c.mode == mode).collect()
    }

    /// The province office (处室) that liaises with a city (附件4).
    pub fn liaison_for(&self, city_id: &str) -> Option<&Liaison> {
        self.liaison
            .iter()
            .find(|l| l.cities.iter().any(|c| c == city_id))
    }

    /// The sessions a city set up across its units (鄂州's three).
    pub fn joint_sessions_of(&self, city_id: &str) -> Vec<&JointSession> {
        self.joint_sessions
            .iter()
            .filter(|s| s.city == city_id)
            .collect()
    }

    /// Dangling references and duplicate ids in the data; empty when consistent.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for u in &self.units {
            if !seen.insert(u.id.as_str()) {
                out.push(format!("duplicate unit id {}", u.id));
            }
            if let Some(p) = &u.parent {
                if self.unit(p).is_none() {
                    out.push(format!("unit {} has unknown parent {p}", u.id));
                }
            }
        }
        let unit_refs = self
            .liaison
            .iter()
            .flat_map(|l| l.cities.iter())
            .chain(
                self.steps
                    .iter()
                    .flat_map(|s| s.city_deadlines.iter().map(|d| &d.city)),
            )
            .chain(self.joint_sessions.iter().flat_map(|s| {
                s.units
                    .iter()
                    .chain(std::iter::once(&s.host))
                    .chain(s.co_host.iter())
                    .chain(std::iter::once(&s.city))
            }));
        for id in unit_refs {
            if self.unit(id).is_none() {
                out.push(format!("unknown unit id {id}"));
            }
        }
        for item in &self.checklist {
            if self.step(&item.step).is_none() {
                out.push(format!(
                    "checklist {} names unknown step {}",
                    item.id, item.step
                ));
            }
            let known_material = item.material.as_deref().is_none_or(|m| {
                self.materials
                    .iter()
                    .any(|x| x.id == m || x.items.iter().any(|i| i.id == m))
            });
            if !known_material {
                out.push(format!("checklist {} names unknown material", item.id));
            }
        }
        let mut ids = std::collections::HashSet::new();
        let all_ids = self
            .courses
            .iter()
            .map(|c| format!("course {}", c.id))
            .chain(self.steps.iter().map(|s| format!("step {}", s.id)))
            .chain(self.checklist.iter().map(|c| format!("checklist {}", c.id)));
        for id in all_ids {
            if !ids.insert(id.clone()) {
                out.push(format!("duplicate {id}"));
            }
        }
        out
    }
}

/// The short name people use for a unit (鄂城区, 葛店开发区); the id itself when unknown.
pub fn unit_name(id: &str) -> String {
    campaign()
        .unit(id)
        .map_or_else(|| id.to_string(), |u| u.short.clone())
}

/// 县区局, 市局 or 省局: what an office does follows from its unit's level.
pub fn role_label(office: &str) -> String {
    let key = match campaign().unit(office).map(|u| u.level) {
        Some(UnitLevel::Province) => "province",
        Some(UnitLevel::City) => "city",
        _ => "county",
    };
    crate::i18n::t(&format!("cli.role.{key}"))
}

impl Campaign {
    /// `id` and every unit below it, depth first in official order, with their depth below `id`.
    pub fn descendants(&self, id: &str) -> Vec<(&Unit, usize)> {
        fn walk<'a>(
            c: &'a Campaign,
            unit: &'a Unit,
            depth: usize,
            out: &mut Vec<(&'a Unit, usize)>,
        ) {
            out.push((unit, depth));
            for child in c.children(&unit.id) {
                walk(c, child, depth + 1, out);
            }
        }
        let mut out = Vec::new();
        if let Some(unit) = self.unit(id) {
            walk(self, unit, 0, &mut out);
        }
        out
    }
}
