//! Sessions and their lists: saving a session (new or edited), enrolling and unenrolling.

use chrono::{NaiveDate, NaiveTime};

use super::drafts::enrol_payloads;
use super::{Confirm, Outcome, Refusal};
use crate::campaign::unit_name;
use crate::domain::input::SessionInput;
use crate::domain::session_checks::calendar_warnings;
use crate::domain::{Session, SessionKind};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::{Enrolled, PersonDraft, Store};

/// A new session of `office` on `date` as a form or `session add` starts it: an offline
/// morning class for 100 of the office's own area, hosted by itself. Its id is given when it is
/// saved.
pub fn defaults(office: &str, date: NaiveDate) -> Session {
    Session {
        id: String::new(),
        office: office.to_string(),
        kind: SessionKind::Offline,
        title: String::new(),
        units: vec![office.to_string()],
        host: office.to_string(),
        cohost: None,
        date,
        start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap_or_default(),
        venue: String::new(),
        courses: Vec::new(),
        audience: String::new(),
        capacity: 100,
    }
}

/// Only the office that made a session changes it (`log::authority`).
pub fn may_change(office: &str, session: &Session) -> Outcome<()> {
    if session.office == office {
        return Ok(());
    }
    Err(Refusal::said(tf(
        "cli.session.not_owner",
        &[("id", &session.id), ("owner", &unit_name(&session.office))],
    )))
}

/// A session's list is kept by its office and the units it names (a joint session's host and
/// co-host enrol and check in their own people), not by the offices above it.
pub fn may_keep_list(office: &str, session: &Session) -> Outcome<()> {
    match crate::log::authority::list_refusal(office, session) {
        None => Ok(()),
        Some(said) => Err(Refusal::said(said)),
    }
}

fn found(store: &Store, id: &str) -> Outcome<Session> {
    store
        .session(id)?
        .ok_or_else(|| Refusal::said(tf("cli.session.not_found", &[("id", &id)])))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub id: String,
    pub title: String,
    pub new: bool,
    /// Saved as it was: nothing written.
    pub unchanged: bool,
    /// A session made or moved to a day before today, said when `BeforeToday::Warn`.
    pub before_today: Option<String>,
}

/// How `save` takes a session made or moved to a day before today: often a class entered after
/// it was held (补录), sometimes a slip of the month or year that would count it in the wrong
/// place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeforeToday {
    /// Asked with the calendar's warnings, so a form's second Enter saves it.
    Ask(NaiveDate),
    /// Saved, and the warning given back in `Saved::before_today` (the CLI prints it).
    Warn(NaiveDate),
}

/// Saves `input` over the session `id` (an edit) or over a new session's defaults. Fields are
/// checked where they are typed; a date the plan does not expect for its kind needs `confirmed`
/// (asked again only when an edit moves the date or changes the kind), and so does a session
/// made or moved to a day before today when `before_today` asks.
pub fn save(
    store: &Store,
    id: Option<&str>,
    input: &SessionInput,
    confirmed: bool,
    before_today: BeforeToday,
) -> Outcome<Saved> {
    let base = match id {
        Some(id) => {
            let session = found(store, id)?;
            may_change(store.office(), &session)?;
            Some(session)
        }
        None => {
            if input.date.is_none() {
                return Err(Refusal::field("date", t("cli.input.required")));
            }
            None
        }
    };
    let start = match &base {
        Some(session) => session.clone(),
        None => defaults(store.office(), store.today()?),
    };
    let mut session = input.apply(start).map_err(|e| Refusal::Fields(e.0))?;
    let moved = base
        .as_ref()
        .is_none_or(|b| b.date != session.date || b.kind != session.kind);
    // Lowered below those already on the list (a smaller room): a list over capacity after
    // walk-ins may still be raised towards them.
    if let Some(base) = base.as_ref().filter(|b| session.capacity < b.capacity) {
        let enrolled = crate::store::lists::enrolled_count(store, &base.id)?;
        if session.capacity < enrolled {
            return Err(Refusal::field(
                "capacity",
                tf(
                    "cli.input.capacity_below_enrolled",
                    &[("capacity", &session.capacity), ("enrolled", &enrolled)],
                ),
            ));
        }
    }
    let new = base.is_none();
    let (BeforeToday::Ask(today) | BeforeToday::Warn(today)) = before_today;
    // A past session is asked about when it is made or moved there, not at every edit of it.
    let dated = base.as_ref().is_none_or(|b| b.date != session.date);
    let past = (dated && session.date < today).then(|| {
        tf(
            "cli.session.before_today",
            &[("date", &session.date), ("today", &today)],
        )
    });
    let mut warnings = if moved {
        calendar_warnings(&session)
    } else {
        Vec::new()
    };
    if let (Some(past), BeforeToday::Ask(_)) = (&past, before_today) {
        warnings.push(past.clone());
    }
    if !warnings.is_empty() && !confirmed {
        return Err(Refusal::Confirm(Confirm::Calendar(warnings)));
    }
    let before_today = past.filter(|_| matches!(before_today, BeforeToday::Warn(_)));
    if base.as_ref() == Some(&session) {
        return Ok(Saved {
            id: session.id,
            title: session.title,
            new,
            unchanged: true,
            before_today,
        });
    }
    if new {
        session.id = store.new_id('S')?;
    }
    let saved = Saved {
        id: session.id.clone(),
        title: session.title.clone(),
        new,
        unchanged: false,
        before_today,
    };
    store.commit(vec![Payload::SessionUpserted(session)])?;
    Ok(saved)
}

/// The session whose list this office may keep (`may_keep_list`), or why not.
pub fn list_session(store: &Store, id: &str) -> Outcome<Session> {
    let session = found(store, id)?;
    may_keep_list(store.office(), &session)?;
    Ok(session)
}

/// Planned enrolment of `adding` more stops at the session's capacity unless the coordinator
/// confirmed going beyond it; people at the door are never turned away.
fn require_room(store: &Store, session: &str, adding: usize, over_capacity: bool) -> Outcome<()> {
    match crate::store::lists::over_capacity(store, session, adding)? {
        Some(full) if !over_capacity => Err(Refusal::Confirm(Confirm::OverCapacity(full))),
        _ => Ok(()),
    }
}

/// Enrols the person `draft` describes (a known phone is a known person; else made new, with
/// their enterprise), past the capacity only when `over_capacity`.
pub fn enrol(
    store: &Store,
    session: &str,
    draft: &PersonDraft,
    over_capacity: bool,
) -> Outcome<Enrolled> {
    let _one = super::drafts::one_list_change_at_a_time();
    list_session(store, session)?;
    let (enrolled, payloads) = enrol_payloads(store, session, draft)?;
    let adds = payloads
        .iter()
        .any(|p| matches!(p, Payload::EnrolmentSet { .. }));
    if adds {
        require_room(store, session, 1, over_capacity)?;
    }
    store.commit(payloads)?;
    Ok(enrolled)
}

/// Puts a known person on the list.
pub fn enrol_known(store: &Store, session: &str, person: &str, over_capacity: bool) -> Outcome<()> {
    let _one = super::drafts::one_list_change_at_a_time();
    list_session(store, session)?;
    if store.person(person)?.is_none() {
        return Err(Refusal::said(tf(
            "cli.person.not_found",
            &[("id", &person)],
        )));
    }
    if crate::store::lists::is_enrolled(store, session, person)? {
        return Err(Refusal::said(tf(
            "cli.session.already_enrolled",
            &[("person", &person)],
        )));
    }
    require_room(store, session, 1, over_capacity)?;
    store.commit(vec![Payload::EnrolmentSet {
        session: session.to_string(),
        person: person.to_string(),
        enrolled: true,
    }])?;
    Ok(())
}

/// Takes a person off the list this office put them on.
pub fn unenrol(store: &Store, session: &str, person: &str) -> Outcome<()> {
    list_session(store, session)?;
    if store.person(person)?.is_none() {
        return Err(Refusal::said(tf(
            "cli.person.not_found",
            &[("id", &person)],
        )));
    }
    take_off(store, session, person)
}

/// Takes a person off a session's list as far as this office put them on it. Someone
/// another office enrolled stays, and the refusal names that office.
pub(super) fn take_off(store: &Store, session: &str, person: &str) -> Outcome<()> {
    list_session(store, session)?;
    let by = crate::store::lists::enrolled_by(store, session, person)?;
    if by.is_empty() {
        return Err(Refusal::said(tf(
            "cli.session.not_enrolled",
            &[("person", &person)],
        )));
    }
    if !by.iter().any(|office| office == store.office()) {
        let names: Vec<String> = by.iter().map(|o| unit_name(o)).collect();
        return Err(Refusal::said(tf(
            "cli.session.enrolled_by_other",
            &[("person", &person), ("by", &names.join("、"))],
        )));
    }
    store.commit(vec![Payload::EnrolmentSet {
        session: session.to_string(),
        person: person.to_string(),
        enrolled: false,
    }])?;
    Ok(())
}
