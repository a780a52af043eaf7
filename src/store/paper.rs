//! The paper round trip: rows ticked on a printed sign-in sheet become check-ins, all in one
//! commit. The rows are read against the sheet as it was printed (`printed`), or against the
//! list as it is when no sheet was printed here.

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;

use super::Store;
use crate::domain::Person;
use crate::error::user_error;
use crate::i18n::tf;
use crate::log::Payload;

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

impl Store {
    /// The people on a sheet by row: the printed `version` (the latest when `None`), or the list
    /// as it is when no sheet was printed.
    pub fn sheet_people(
        &self,
        session: &str,
        version: Option<u32>,
    ) -> Result<(Option<u32>, Vec<Person>)> {
        if self.session(session)?.is_none() {
            return Err(user_error(tf("cli.session.not_found", &[("id", &session)])));
        }
        match self.printed_sheet(session, version)? {
            Some(sheet) => {
                let mut people = Vec::with_capacity(sheet.people.len());
                for id in &sheet.people {
                    people.extend(self.person(id)?);
                }
                Ok((Some(sheet.version), people))
            }
            None if version.is_some() => Err(user_error(tf(
                "cli.report.no_such_sheet",
                &[("version", &version.unwrap_or_default())],
            ))),
            None => Ok((
                None,
                self.enrolment_list(session)?
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect(),
            )),
        }
    }

    /// The people behind the ticked rows, or a user error naming the first row the sheet does not
    /// have.
    pub fn paper_rows(
        &self,
        session: &str,
        numbers: &[usize],
        version: Option<u32>,
    ) -> Result<(Option<u32>, Vec<PaperRow>)> {
        let (version, list) = self.sheet_people(session, version)?;
        let attendance = self.attendance(session)?;
        let rows = numbers
            .iter()
            .map(|&number| {
                let person = number
                    .checked_sub(1)
                    .and_then(|i| list.get(i))
                    .ok_or_else(|| {
                        user_error(tf(
                            "cli.report.number_out_of_range",
                            &[("number", &number), ("count", &list.len())],
                        ))
                    })?;
                Ok(PaperRow {
                    number,
                    first_at: attendance.get(&person.id).and_then(|a| a.first_at),
                    person: person.clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((version, rows))
    }

    /// Checks in every ticked row not checked in yet, at the session's start (the paper does not
    /// say when each person came). One commit: a bad row number writes nothing.
    pub fn check_in_paper(
        &self,
        session: &str,
        numbers: &[usize],
        version: Option<u32>,
    ) -> Result<PaperCheckIn> {
        let (version, rows) = self.paper_rows(session, numbers, version)?;
        let found = self.list_session(session)?;
        let at = found.date.and_time(found.start);
        let payloads: Vec<Payload> = rows
            .iter()
            .filter(|row| row.first_at.is_none())
            .map(|row| Payload::CheckedIn {
                session: session.to_string(),
                person: row.person.id.clone(),
                at,
            })
            .collect();
        let recorded = payloads.len();
        if !payloads.is_empty() {
            self.commit(payloads)?;
        }
        Ok(PaperCheckIn {
            recorded,
            already: rows.len() - recorded,
            version,
        })
    }
}
