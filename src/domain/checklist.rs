//! What a checklist item's state is today: a mark says done or waived; otherwise the due date
//! and the working-day calendar say todo, due soon, or overdue.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Evidence, MarkStatus};

/// Working days left at or below which an open item counts as due soon.
pub const DUE_SOON_WORKING_DAYS: i64 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    Done,
    Waived,
    Todo,
    DueSoon,
    Overdue,
}

impl ItemStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::Waived => "waived",
            Self::Todo => "todo",
            Self::DueSoon => "due-soon",
            Self::Overdue => "overdue",
        }
    }

    pub fn label(self) -> String {
        crate::i18n::t(&format!("cli.status.{}", self.key()))
    }

    /// The label in a grid's narrow column (English “late” for “overdue”).
    pub fn short_label(self) -> String {
        crate::i18n::t(&format!("cli.status_short.{}", self.key()))
    }

    pub fn is_open(self) -> bool {
        !matches!(self, Self::Done | Self::Waived)
    }
}

pub fn derive(
    mark: Option<MarkStatus>,
    working_days_left: i64,
    due: NaiveDate,
    today: NaiveDate,
) -> ItemStatus {
    match mark {
        Some(MarkStatus::Done) => ItemStatus::Done,
        Some(MarkStatus::Waived) => ItemStatus::Waived,
        _ if today > due => ItemStatus::Overdue,
        _ if working_days_left <= DUE_SOON_WORKING_DAYS => ItemStatus::DueSoon,
        _ => ItemStatus::Todo,
    }
}

/// One line of a unit's checklist as the screen and `peixun checklist` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistRow {
    pub unit: String,
    pub item: String,
    pub title: String,
    pub due: NaiveDate,
    /// Set when the unit's city moved the campaign's default date.
    pub due_set_by_city: bool,
    /// Set when neither the documents nor a city gave `due`: the date is the program's
    /// assumption, kept to count days from, and people must be told so.
    pub due_provisional: bool,
    pub working_days_left: i64,
    pub status: ItemStatus,
    pub note: String,
    pub evidence: Vec<Evidence>,
}

impl ChecklistRow {
    /// The working days the item has left, while it has any to count: a done or waived item's
    /// are no one's concern (done 36 days after its date is not late).
    pub fn days_left(&self) -> Option<i64> {
        self.status.is_open().then_some(self.working_days_left)
    }

    /// An item of the province's own, whose date nobody above can set.
    pub fn is_the_provinces(&self) -> bool {
        crate::campaign::hierarchy::province() == Some(self.unit.as_str())
    }

    /// The due date as people read it: one the documents do not give and nobody set is marked
    /// provisional, so that an assumed date is never taken for the campaign's.
    pub fn due_text(&self) -> String {
        if self.due_provisional {
            let key = if self.is_the_provinces() {
                "cli.checklist.due_provisional_own"
            } else {
                "cli.checklist.due_provisional"
            };
            crate::i18n::tf(key, &[("date", &self.due)])
        } else {
            self.due.to_string()
        }
    }
}

/// One evidence file of a unit's item, with who attached it (the op's office and actor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceFile {
    pub unit: String,
    pub item: String,
    /// The first characters of the content hash, as `checklist attach` printed them.
    pub id: String,
    pub evidence: Evidence,
    pub office: String,
    pub actor: String,
}

/// Hex characters of the content hash that name a file to people.
pub const FILE_ID_CHARS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn marks_win_then_dates_decide() {
        let due = d("2023-02-27");
        assert_eq!(
            derive(Some(MarkStatus::Done), -3, due, d("2023-03-02")),
            ItemStatus::Done
        );
        assert_eq!(
            derive(Some(MarkStatus::Waived), 9, due, d("2023-02-01")),
            ItemStatus::Waived
        );
        assert_eq!(
            derive(Some(MarkStatus::Todo), -1, due, d("2023-02-28")),
            ItemStatus::Overdue
        );
        assert_eq!(derive(None, 0, due, d("2023-02-27")), ItemStatus::DueSoon);
        assert_eq!(derive(None, 12, due, d("2023-02-08")), ItemStatus::Todo);
    }
}
