//! At the door: when someone came, checking them in, a walk-in, undoing, a ticked paper sheet.

use chrono::{NaiveDateTime, NaiveTime};

use super::drafts::enrol_payloads;
use super::sessions::{list_session, take_off};
use super::{Confirm, Outcome, Refusal};
use crate::campaign::unit_name;
use crate::domain::{Attendance, Person, Session};
use crate::i18n::tf;
use crate::log::apply::{keys, Attendances};
use crate::log::Payload;
use crate::store::lists;
use crate::store::{CheckIn, Enrolled, PaperCheckIn, PaperRow, PersonDraft, Store};

/// The session `id`, or why there is none.
pub fn session(store: &Store, id: &str) -> Outcome<Session> {
    store
        .session(id)?
        .ok_or_else(|| Refusal::said(tf("cli.session.not_found", &[("id", &id)])))
}

/// When the person came: `at` (a time on the session's day, not after its end nor still to
/// come) when given,
/// else `now` while the session is on. Once it is over the clock is not the time of arrival, so
/// the coordinator says which it is: the session's start (补录) or now. Nobody arrives at a
/// session on a day still to come.
pub fn arrival(
    session: &Session,
    now: NaiveDateTime,
    at: Option<NaiveTime>,
) -> Outcome<NaiveDateTime> {
    not_to_come(session, now.date())?;
    if let Some(time) = at {
        if time > session.end {
            return Err(Refusal::said(tf(
                "cli.checkin.at_after_end",
                &[
                    ("at", &time.format("%H:%M")),
                    ("end", &session.end.format("%H:%M")),
                ],
            )));
        }
        let at = session.date.and_time(time);
        // On the session's day the time of arrival has come already.
        if at > now {
            return Err(Refusal::said(tf(
                "cli.checkin.at_ahead",
                &[("at", &time.format("%H:%M")), ("now", &now.format("%H:%M"))],
            )));
        }
        return Ok(at);
    }
    let end = session.date.and_time(session.end);
    if now > end || now.date() != session.date {
        return Err(Refusal::Confirm(Confirm::AfterEnd {
            start: session.date.and_time(session.start),
            end,
        }));
    }
    Ok(now)
}

/// Why nobody can be checked in to `session` yet: it is on a day still to come.
pub fn not_yet(session: &Session, today: chrono::NaiveDate) -> Option<String> {
    (session.date > today).then(|| {
        tf(
            "cli.checkin.not_yet",
            &[
                ("date", &session.date),
                ("start", &session.start.format("%H:%M")),
                ("today", &today),
            ],
        )
    })
}

fn not_to_come(session: &Session, today: chrono::NaiveDate) -> Outcome<()> {
    not_yet(session, today).map_or(Ok(()), |why| Err(Refusal::said(why)))
}

/// Checks `person` in at `at`; someone on another list of this office is enrolled here too. A
/// second check-in is never counted twice.
pub fn check_in(store: &Store, session: &str, person: &str, at: NaiveDateTime) -> Outcome<CheckIn> {
    let _one = super::drafts::one_list_change_at_a_time();
    list_session(store, session)?;
    if store.person(person)?.is_none() {
        return Err(Refusal::said(tf(
            "cli.person.not_found",
            &[("id", &person)],
        )));
    }
    if let Some(first_at) = first_check_in(store, session, person)? {
        return Ok(CheckIn::Already { first_at });
    }
    let mut payloads = Vec::new();
    if !lists::is_enrolled(store, session, person)? {
        payloads.push(Payload::EnrolmentSet {
            session: session.to_string(),
            person: person.to_string(),
            enrolled: true,
        });
    }
    payloads.push(Payload::CheckedIn {
        session: session.to_string(),
        person: person.to_string(),
        at,
    });
    store.commit(payloads)?;
    Ok(CheckIn::Done {
        at,
        present: lists::present_count(store, session)?,
    })
}

/// Someone at the door who is not on the list: found by phone or code, or made new, enrolled
/// and checked in with one commit.
/// Whether `walk_in` would take `draft` at `session`, without taking it: checked before the
/// door asks which time to record for a walk-in after the session ended.
pub fn check_walk_in(store: &Store, session: &str, draft: &PersonDraft) -> Outcome<()> {
    list_session(store, session)?;
    enrol_payloads(store, session, draft).map(drop)
}

pub fn walk_in(
    store: &Store,
    session: &str,
    draft: &PersonDraft,
    at: NaiveDateTime,
) -> Outcome<(Enrolled, CheckIn)> {
    let _one = super::drafts::one_list_change_at_a_time();
    list_session(store, session)?;
    let (enrolled, mut payloads) = enrol_payloads(store, session, draft)?;
    let person = enrolled.person().id.clone();
    if let Some(first_at) = first_check_in(store, session, &person)? {
        store.commit(payloads)?;
        return Ok((enrolled, CheckIn::Already { first_at }));
    }
    payloads.push(Payload::CheckedIn {
        session: session.to_string(),
        person,
        at,
    });
    store.commit(payloads)?;
    let present = lists::present_count(store, session)?;
    Ok((enrolled, CheckIn::Done { at, present }))
}

fn first_check_in(store: &Store, session: &str, person: &str) -> Outcome<Option<NaiveDateTime>> {
    Ok(attended(store, session, person)?
        .filter(|a| a.present)
        .and_then(|a| a.first_at))
}

/// How `person` stands at `session`'s door, if they ever were checked in.
fn attended(store: &Store, session: &str, person: &str) -> Outcome<Option<Attendance>> {
    Ok(store
        .get_stored::<Attendances>(&keys::attendance(session, person))?
        .map(|s| s.value.view()))
}

/// The offices whose check-in of the person stands, with their first time, earliest first.
fn checked_in_by(
    store: &Store,
    session: &str,
    person: &str,
) -> Outcome<Vec<(String, NaiveDateTime)>> {
    Ok(store
        .get_stored::<Attendances>(&keys::attendance(session, person))?
        .map(|s| {
            s.value
                .by()
                .into_iter()
                .map(|(o, at)| (o.to_string(), at))
                .collect()
        })
        .unwrap_or_default())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    /// There was a check-in of this office to take back.
    pub undone: bool,
    /// The enrolment made with it went too.
    pub unenrolled: bool,
    /// Why they stay on the list when taking them off was asked for (enrolled by another office).
    pub kept_on_list: Option<String>,
}

/// Takes back this office's check-in of `person`; with `unenrol`, the enrolment made at the
/// door with it too (a walk-in keyed by mistake leaves no trace on the list).
pub fn undo(store: &Store, session: &str, person: &str, unenrol: bool) -> Outcome<Undone> {
    let undone = undo_check_in(store, session, person)?;
    let (unenrolled, kept_on_list) =
        match (unenrol && undone).then(|| take_off(store, session, person)) {
            Some(Ok(())) => (true, None),
            Some(Err(Refusal::Said(why))) => (false, Some(why)),
            Some(Err(other)) => return Err(other),
            None => (false, None),
        };
    Ok(Undone {
        undone,
        unenrolled,
        kept_on_list,
    })
}

/// Takes back a check-in (itself an op, so the audit trail keeps both); false when the person
/// was not checked in.
fn undo_check_in(store: &Store, session: &str, person: &str) -> Outcome<bool> {
    let by = checked_in_by(store, session, person)?;
    if by.is_empty() {
        return Ok(false);
    }
    // Each office takes back only its own check-in: another door's stands.
    if !by.iter().any(|(office, _)| office == store.office()) {
        let names: Vec<String> = by
            .iter()
            .map(|(o, at)| format!("{} {}", unit_name(o), at.format("%H:%M")))
            .collect();
        return Err(Refusal::said(tf(
            "cli.checkin.by_other",
            &[("person", &person), ("by", &names.join("、"))],
        )));
    }
    store.commit(vec![Payload::CheckInUndone {
        session: session.to_string(),
        person: person.to_string(),
    }])?;
    Ok(true)
}

/// The rows ticked on a printed sign-in sheet (`version`, else the latest printed), checked in
/// at the session's start, since paper does not say when each person came. One commit: a bad
/// row number writes nothing.
pub fn paper(
    store: &Store,
    session: &str,
    numbers: &[usize],
    version: Option<u32>,
    today: chrono::NaiveDate,
) -> Outcome<PaperCheckIn> {
    let found = list_session(store, session)?;
    not_to_come(&found, today)?;
    let (version, rows) = paper_rows(store, session, numbers, version)?;
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
        store.commit(payloads)?;
    }
    Ok(PaperCheckIn {
        recorded,
        already: rows.len() - recorded,
        version,
    })
}

/// The people behind the ticked rows, or a refusal naming the first row the sheet does not have.
fn paper_rows(
    store: &Store,
    session: &str,
    numbers: &[usize],
    version: Option<u32>,
) -> Outcome<(Option<u32>, Vec<PaperRow>)> {
    let (version, list) = sheet_people(store, session, version)?;
    let attendance = lists::attendance(store, session)?;
    let rows = numbers
        .iter()
        .map(|&number| {
            let person = number
                .checked_sub(1)
                .and_then(|i| list.get(i))
                .ok_or_else(|| {
                    Refusal::said(tf(
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
        .collect::<Outcome<Vec<_>>>()?;
    Ok((version, rows))
}

/// The people on a sheet by row: the printed `version` (the latest when `None`), or the list as
/// it is when no sheet was printed.
fn sheet_people(
    store: &Store,
    session: &str,
    version: Option<u32>,
) -> Outcome<(Option<u32>, Vec<Person>)> {
    if store.session(session)?.is_none() {
        return Err(Refusal::said(tf(
            "cli.session.not_found",
            &[("id", &session)],
        )));
    }
    match crate::store::printed::sheet(store, session, version)? {
        Some(sheet) => {
            let mut people = Vec::with_capacity(sheet.people.len());
            for id in &sheet.people {
                people.extend(store.person(id)?);
            }
            Ok((Some(sheet.version), people))
        }
        None if version.is_some() => Err(Refusal::said(tf(
            "cli.report.no_such_sheet",
            &[("version", &version.unwrap_or_default())],
        ))),
        None => Ok((
            None,
            lists::enrolment_list(store, session)?
                .into_iter()
                .map(|(p, _)| p)
                .collect(),
        )),
    }
}
