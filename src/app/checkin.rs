//! At the door: when someone came, checking them in, a walk-in, undoing, a ticked paper sheet.

use chrono::{NaiveDateTime, NaiveTime};

use super::{Confirm, Outcome, Refusal};
use crate::domain::Session;
use crate::i18n::tf;
use crate::store::{CheckIn, Enrolled, PaperCheckIn, PersonDraft, Store};

/// The session `id`, or why there is none.
pub fn session(store: &Store, id: &str) -> Outcome<Session> {
    store
        .session(id)?
        .ok_or_else(|| Refusal::said(tf("cli.session.not_found", &[("id", &id)])))
}

/// When the person came: `at` (a time on the session's day) when given, else `now` while the
/// session is on. Once it is over the clock is not the time of arrival, so the coordinator says
/// which it is: the session's start (补录) or now.
pub fn arrival(
    session: &Session,
    now: NaiveDateTime,
    at: Option<NaiveTime>,
) -> Outcome<NaiveDateTime> {
    if let Some(time) = at {
        return Ok(session.date.and_time(time));
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

/// Checks `person` in at `at`; a second check-in is never counted twice.
pub fn check_in(store: &Store, session: &str, person: &str, at: NaiveDateTime) -> Outcome<CheckIn> {
    Ok(store.check_in(session, person, at)?)
}

/// Someone at the door who is not on the list: found by phone or code, or made new, enrolled
/// and checked in with one commit.
pub fn walk_in(
    store: &Store,
    session: &str,
    draft: &PersonDraft,
    at: NaiveDateTime,
) -> Outcome<(Enrolled, CheckIn)> {
    Ok(store.walk_in(session, draft, at)?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undone {
    /// There was a check-in of this office to take back.
    pub undone: bool,
    /// The enrolment made with it went too.
    pub unenrolled: bool,
}

/// Takes back this office's check-in of `person`; with `unenrol`, the enrolment made at the
/// door with it too (a walk-in keyed by mistake leaves no trace on the list).
pub fn undo(store: &Store, session: &str, person: &str, unenrol: bool) -> Outcome<Undone> {
    let undone = store.undo_check_in(session, person)?;
    let unenrolled = unenrol && undone && store.unenrol(session, person).is_ok();
    Ok(Undone { undone, unenrolled })
}

/// The rows ticked on a printed sign-in sheet (`version`, else the latest printed), checked in
/// at the session's start, since paper does not say when each person came.
pub fn paper(
    store: &Store,
    session: &str,
    numbers: &[usize],
    version: Option<u32>,
) -> Outcome<PaperCheckIn> {
    Ok(store.check_in_paper(session, numbers, version)?)
}
