//! The words the screens use for domain values, from the `tui.*` tables: one function per kind of
//! value, so every tab names a session kind, a status or a weekday the same way.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::domain::checklist::ItemStatus;
use crate::domain::{MarkStatus, SessionKind};
use crate::i18n::t;

pub fn kind_label(kind: SessionKind) -> String {
    t(&format!("tui.kind.{}", kind.key()))
}

/// A mark's word is the status it leads to, so the CLI, the grid and the messages agree.
pub fn mark_label(mark: MarkStatus) -> String {
    match mark {
        MarkStatus::Done => ItemStatus::Done,
        MarkStatus::Waived => ItemStatus::Waived,
        MarkStatus::Todo => ItemStatus::Todo,
    }
    .label()
}

/// Monday first, as the calendar's columns run.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

pub fn weekday_label(day: Weekday) -> String {
    let key = match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    };
    t(&format!("tui.weekday.{key}"))
}

pub fn weekday_of(date: NaiveDate) -> String {
    weekday_label(date.weekday())
}
