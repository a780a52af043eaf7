//! The paper round trip's rows and outcome: rows ticked on a printed sign-in sheet become
//! check-ins (`app::checkin::paper`), read against the sheet as it was printed (`printed`).

use chrono::NaiveDateTime;

use crate::domain::Person;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperRow {
    /// 序号 on the sheet, from 1.
    pub number: usize,
    pub person: Person,
    /// When they were checked in before, if they were.
    pub first_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaperCheckIn {
    pub recorded: usize,
    /// Ticked on paper but checked in already (at the door, or the sheet entered twice).
    pub already: usize,
    /// The printed version the rows were read against; `None` for the list as it is.
    pub version: Option<u32>,
}
