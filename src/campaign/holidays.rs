//! Chinese statutory holidays and 调休 make-up workdays, for deadline arithmetic.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// What kind of day a date is for an office.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum DayKind {
    Workday,
    Weekend,
    /// Inside a 放假 period; the name of the holiday (春节, 中秋节、国庆节).
    Holiday(String),
    /// A Saturday or Sunday worked in exchange (调休上班) for the named holiday.
    MakeupWorkday(String),
}

/// A 放假 period as the State Council notice states it (may start in the previous year).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayRange {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MakeupWorkday {
    pub date: NaiveDate,
    /// The holiday it pays for.
    #[serde(alias = "for")]
    pub holiday: String,
}

/// One year's notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayYear {
    pub year: i32,
    pub notice: String,
    /// True when the notice was not yet published: statutory days only, no make-up days.
    #[serde(default)]
    pub provisional: bool,
    #[serde(alias = "holiday")]
    pub holidays: Vec<HolidayRange>,
    #[serde(alias = "workday", default)]
    pub workdays: Vec<MakeupWorkday>,
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Monday-to-Friday days after `lo` up to and including `hi` (`lo <= hi`).
fn weekdays_after(lo: NaiveDate, hi: NaiveDate) -> i64 {
    let days = (hi - lo).num_days();
    let rest = lo
        .iter_days()
        .skip(1)
        .take((days % 7) as usize)
        .filter(|d| is_weekday(*d))
        .count() as i64;
    days / 7 * 5 + rest
}

/// The holiday calendar. Dates in years it does not cover count as plain weekdays/weekends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holidays {
    #[serde(alias = "year")]
    pub years: Vec<HolidayYear>,
}

impl Holidays {
    pub fn kind(&self, d: NaiveDate) -> DayKind {
        for year in &self.years {
            if let Some(h) = year.holidays.iter().find(|h| h.from <= d && d <= h.to) {
                return DayKind::Holiday(h.name.clone());
            }
            if let Some(w) = year.workdays.iter().find(|w| w.date == d) {
                return DayKind::MakeupWorkday(w.holiday.clone());
            }
        }
        match d.weekday() {
            Weekday::Sat | Weekday::Sun => DayKind::Weekend,
            _ => DayKind::Workday,
        }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        let in_holiday = |d: NaiveDate| self.ranges().any(|h| h.from <= d && d <= h.to);
        if in_holiday(d) {
            return false;
        }
        is_weekday(d) || self.makeup_days().any(|w| w.date == d)
    }

    fn ranges(&self) -> impl Iterator<Item = &HolidayRange> {
        self.years.iter().flat_map(|y| y.holidays.iter())
    }

    fn makeup_days(&self) -> impl Iterator<Item = &MakeupWorkday> {
        self.years.iter().flat_map(|y| y.workdays.iter())
    }

    /// Working days after `from` up to and including `to`; negative (the days after `to` up to
    /// and including `from`, negated) when `to < from`. So from a Friday to the next Monday is 1.
    /// Counted by weeks, then corrected by the holidays and make-up days in between: every
    /// checklist row of every unit asks, often across years.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (lo, hi, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let within = |d: NaiveDate| lo < d && d <= hi;
        let mut off: Vec<NaiveDate> = self
            .ranges()
            .flat_map(|h| h.from.iter_days().take_while(move |d| *d <= h.to))
            .filter(|d| within(*d) && is_weekday(*d))
            .collect();
        off.sort_unstable();
        off.dedup();
        let worked_weekends = self
            .makeup_days()
            .filter(|w| within(w.date) && !is_weekday(w.date))
            .filter(|w| !self.ranges().any(|h| h.from <= w.date && w.date <= h.to))
            .count();
        let count = weekdays_after(lo, hi) - off.len() as i64 + worked_weekends as i64;
        sign * count
    }

    /// The notice covering `d`'s year, if the calendar has one.
    pub fn year(&self, year: i32) -> Option<&HolidayYear> {
        self.years.iter().find(|y| y.year == year)
    }

    /// Whether `d`'s year is only provisional (its notice was not yet published).
    pub fn is_provisional(&self, d: NaiveDate) -> bool {
        self.year(d.year()).is_some_and(|y| y.provisional)
    }
}
