//! The check-in tab's effects: opening a session, check-in, walk-in, undo, and the office-wide
//! index. A check-in is on screen only after `Store::check_in` returned (it flushes), and only
//! the door's own rows and counts change: reloading every tab would re-read every session.

use chrono::NaiveDateTime;
use std::sync::Arc;

use color_eyre::eyre::Result;

use super::state::{default_session, Arrival, Banner, CheckinState, Door, IndexJob, Recent};
use crate::app::{self, Confirm, Refusal};
use crate::campaign::unit_name;
use crate::i18n::tf;
use crate::search::door::DoorSearch;
use crate::search::office::OfficeIndex;
use crate::store::{CheckIn, Enrolled, PersonDraft, Store};
use crate::tui::action::{DoorEffect, Effect};
use crate::tui::app::{Confirm as AskOverlay, Overlay, State};
use crate::tui::data::load_detail;
use crate::tui::effects::{chain, Failure};
use crate::tui::forms::Form;
use crate::tui::suggest::{self, known_enterprises, KnownEnterprises};

/// The office's enterprises as the enrol form offers them, from the office index: reading
/// every enterprise record for their names held 25 MB of the store's pages at ten times the
/// province.
pub fn office_enterprises(index: &OfficeIndex) -> KnownEnterprises {
    known_enterprises(index.known_enterprises())
}

/// The office index arrived: people on other lists now show after the divider, for the query
/// already typed too, once the door's rows are read again.
pub fn index_built(state: &mut State, built: Result<Arc<OfficeIndex>>) -> Option<Effect> {
    let c = &mut state.checkin;
    match built {
        Ok(built) => {
            c.office = Some(built);
            c.index = IndexJob::Ready;
            Some(Effect::Door(DoorEffect::Refresh))
        }
        Err(e) => {
            // Asked for again when a session is next opened.
            c.index = IndexJob::NotStarted;
            state.error(chain(&e));
            None
        }
    }
}

/// The enterprises arrived with the index: an enrol form offers them from now on.
pub fn enterprises_known(state: &mut State, known: KnownEnterprises) -> Option<Effect> {
    state.checkin.enterprises = Arc::new(known);
    // An enrol form open meanwhile offers them at once.
    suggest::refresh(&state.checkin, &[], &mut state.overlay);
    // A walk-in or a change elsewhere while the index was read is not in it (an enterprise just
    // made, someone registered): read again, from the kept index and the changes beside it.
    (state.checkin.office_stale && state.checkin.index == IndexJob::Ready)
        .then_some(Effect::BuildIndex)
}

pub(in crate::tui) fn run(
    store: &Store,
    state: &mut State,
    effect: DoorEffect,
) -> Result<(), Failure> {
    match effect {
        DoorEffect::Open(id) => open_door(store, state, id),
        DoorEffect::CheckIn {
            session,
            person,
            name,
            enterprise,
            listed,
            at,
        } => {
            let retry = |at| {
                Effect::Door(DoorEffect::CheckIn {
                    session: session.clone(),
                    person: person.clone(),
                    name: name.clone(),
                    enterprise: enterprise.clone(),
                    listed,
                    at: Some(at),
                })
            };
            // Someone already in is told so and not counted again: which time a late entry
            // would take is no question for them.
            let at = match at {
                None if crate::store::lists::attended(store, &session, &person)? => {
                    Some(state.today.and_time(state.clock.time()))
                }
                at => at,
            };
            let Some(at) = arrival_or_ask(state, at, &name, retry, None, || Ok(()))? else {
                return Ok(());
            };
            let outcome = app::checkin::check_in(store, &session, &person, at)?;
            let arrival = if listed {
                Arrival::Listed
            } else {
                Arrival::OtherList
            };
            let who = Who {
                session: &session,
                person: &person,
                name,
                enterprise,
            };
            record(store, state, who, outcome, arrival, !listed)?;
            Ok(())
        }
        DoorEffect::WalkIn { session, draft, at } => {
            let retry = |at| {
                Effect::Door(DoorEffect::WalkIn {
                    session: session.clone(),
                    draft: draft.clone(),
                    at: Some(at),
                })
            };
            let form = state
                .checkin
                .door
                .as_ref()
                .map(|door| super::forms::walk_in_again(&door.session, &draft));
            // Checked before the question, so that a walk-in refused is not asked first.
            let check = || app::checkin::check_walk_in(store, &session, &draft);
            let Some(at) = arrival_or_ask(state, at, &draft.name, retry, form, check)? else {
                return Ok(());
            };
            walk_in(store, state, &session, &draft, at)
        }
        DoorEffect::Undo {
            session,
            person,
            name,
            unenrol,
        } => undo(store, state, &session, &person, name, unenrol),
        DoorEffect::Refresh => {
            let refreshed = refresh(store, state);
            // An enrol form open meanwhile gets the new index's suggestions.
            suggest::refresh(&state.checkin, &[], &mut state.overlay);
            Ok(refreshed?)
        }
    }
}

/// The door on a session read afresh, or `None` when it no longer exists.
fn load_door(store: &Store, c: &mut CheckinState, id: &str) -> Result<Option<Door>> {
    let Some(session) = store.session(id)? else {
        return Ok(None);
    };
    // Without the office index yet, the session's own list is searched alone.
    let office = c.office.clone().unwrap_or_default();
    let search = DoorSearch::new(store, id, office)?;
    let checked_in = crate::store::lists::attendance(store, id)?
        .into_iter()
        .filter_map(|(person, a)| a.first_at.map(|at| (person, at)))
        .collect();
    let whole = if session.office == store.office() {
        None
    } else {
        crate::store::lists::tally(store, id)?
            .map(|(t, _)| (t.present, t.enrolled, unit_name(&session.office)))
    };
    Ok(Some(Door {
        enrolled: crate::store::lists::enrolled_count(store, id)?,
        present: crate::store::lists::present_count(store, id)?,
        whole,
        session,
        checked_in,
        search,
    }))
}

fn open_door(store: &Store, state: &mut State, id: Option<String>) -> Result<(), Failure> {
    let id = match id {
        Some(id) => id,
        None => match default_session(&state.sessions.rows, state.today, &state.office.id) {
            Some(i) => state.sessions.rows[i].session.id.clone(),
            None => return Ok(()),
        },
    };
    let c = &mut state.checkin;
    let door = load_door(store, c, &id)?
        .ok_or_else(|| Refusal::said(tf("tui.sessions.gone", &[("id", &id)])))?;
    c.open(door);
    state.papers_at_door = true;
    Ok(())
}

/// Re-reads the door's session and list after a change made elsewhere, keeping what is typed
/// and this screen's check-ins.
pub fn refresh(store: &Store, state: &mut State) -> Result<()> {
    let c = &mut state.checkin;
    let Some(id) = c.door.as_ref().map(|d| d.session.id.clone()) else {
        return Ok(());
    };
    c.door = load_door(store, c, &id)?;
    c.refresh();
    Ok(())
}

/// Whom a check-in was for, as the banner names them.
struct Who<'a> {
    session: &'a str,
    person: &'a str,
    name: String,
    enterprise: String,
}

/// Puts a check-in's outcome on screen and into the counts, in place, and clears the line for
/// the next person.
fn record(
    store: &Store,
    state: &mut State,
    who: Who,
    outcome: CheckIn,
    arrival: Arrival,
    list_changed: bool,
) -> Result<()> {
    let c = &mut state.checkin;
    let grace = c.grace;
    let Some(door) = c.door.as_mut().filter(|d| d.session.id == who.session) else {
        return Ok(());
    };
    if list_changed {
        // Someone joined this list: they move above the divider from now on.
        door.enrolled = crate::store::lists::enrolled_count(store, who.session)?;
        door.search = DoorSearch::new(store, who.session, c.office.clone().unwrap_or_default())?;
    }
    let (banner, recent) = match outcome {
        CheckIn::Done { at, present } => {
            door.present = present;
            door.checked_in.insert(who.person.to_string(), at);
            let late = door.session.is_late(at, grace);
            let recent = Recent {
                person: who.person.to_string(),
                name: who.name.clone(),
                enterprise: who.enterprise.clone(),
                at,
                late,
                enrolled_here: list_changed,
            };
            let banner = Banner::Done {
                name: who.name,
                enterprise: who.enterprise,
                at,
                late,
                arrival,
            };
            (banner, Some(recent))
        }
        CheckIn::Already { first_at } => {
            // Maybe from the other laptop at this door: now this screen knows too.
            door.checked_in.insert(who.person.to_string(), first_at);
            let banner = Banner::Already {
                name: who.name,
                enterprise: who.enterprise,
                first_at,
                late: door.session.is_late(first_at, grace),
            };
            (banner, None)
        }
    };
    if let Some(recent) = recent {
        c.remember(recent);
    }
    c.banner = Some(banner);
    c.clear_query();
    sync_sessions(store, state, who.session)
}

/// When the person came: `at` when already decided, else now while the door's session is on.
/// Keyed in after it the clock is not when they came: the coordinator is asked, 补录 at the start
/// or (the same day) now, and `None` says the question is open; Esc brings back `form`, the one
/// the question came from.
fn arrival_or_ask(
    state: &mut State,
    at: Option<NaiveDateTime>,
    name: &str,
    retry: impl Fn(NaiveDateTime) -> Effect,
    form: Option<Form>,
    check: impl FnOnce() -> Result<(), Failure>,
) -> Result<Option<NaiveDateTime>, Failure> {
    if let Some(at) = at {
        return Ok(Some(at));
    }
    let now = state.today.and_time(state.clock.time());
    let Some(session) = state.checkin.door.as_ref().map(|d| &d.session) else {
        return Ok(Some(now));
    };
    match app::checkin::arrival(session, now, None) {
        Err(Refusal::Confirm(Confirm::AfterEnd { start, end })) => {
            check()?;
            let mut ask = if now.date() != start.date() {
                // Days later (the paper keyed in at the office), now is not a time of that
                // day: only the start is offered, so nobody is late on a day nobody came.
                AskOverlay::yes_no(
                    tf(
                        "tui.checkin.after_end_later",
                        &[
                            ("name", &name),
                            ("date", &start.format("%m-%d")),
                            ("today", &now.format("%m-%d")),
                            ("start", &start.format("%H:%M")),
                        ],
                    ),
                    retry(start),
                )
            } else {
                let start_words = tf(
                    "tui.checkin.after_end_start",
                    &[("start", &start.format("%H:%M"))],
                );
                let now_words = tf(
                    "tui.checkin.after_end_now",
                    &[("now", &now.format("%m-%d %H:%M"))],
                );
                AskOverlay::two_ways(
                    tf(
                        "tui.checkin.after_end",
                        &[
                            ("name", &name),
                            ("end", &end.format("%m-%d %H:%M")),
                            ("now", &now.format("%m-%d %H:%M")),
                        ],
                    ),
                    (start_words, retry(start)),
                    (now_words, retry(now)),
                )
            };
            ask.back = form.map(Box::new);
            state.overlay = Overlay::Confirm(ask);
            Ok(None)
        }
        arrival => Ok(Some(arrival?)),
    }
}

fn walk_in(
    store: &Store,
    state: &mut State,
    session: &str,
    draft: &PersonDraft,
    at: NaiveDateTime,
) -> Result<(), Failure> {
    let (enrolled, outcome) = app::checkin::walk_in(store, session, draft, at)?;
    let (arrival, list_changed) = match &enrolled {
        Enrolled::New(_) => (Arrival::WalkIn, true),
        Enrolled::Known {
            was_enrolled: false,
            ..
        } => (Arrival::KnownPhone, true),
        Enrolled::Known {
            was_enrolled: true, ..
        } => (Arrival::Listed, false),
    };
    let person = enrolled.person();
    if matches!(enrolled, Enrolled::New(_)) {
        state.checkin.office_stale = true;
    }
    let enterprise = match &person.enterprise {
        Some(id) => store.enterprise(id)?.map(|e| e.name).unwrap_or_default(),
        None => String::new(),
    };
    // An enterprise the walk-in made is offered to the next one at once, not after the
    // office's index is built again.
    if !enterprise.is_empty() && !state.checkin.enterprises.knows(&enterprise) {
        Arc::make_mut(&mut state.checkin.enterprises).insert(&enterprise);
    }
    let who = Who {
        session,
        person: &person.id,
        name: person.name.clone(),
        enterprise,
    };
    record(store, state, who, outcome, arrival, list_changed)?;
    Ok(())
}

fn undo(
    store: &Store,
    state: &mut State,
    session: &str,
    person: &str,
    name: String,
    unenrol: bool,
) -> Result<(), Failure> {
    let app::checkin::Undone {
        undone, unenrolled, ..
    } = app::checkin::undo(store, session, person, unenrol)?;
    let c = &mut state.checkin;
    if let Some(at) = c.recent.iter().rposition(|r| r.person == person) {
        c.recent.remove(at);
    }
    if let Some(door) = c.door.as_mut().filter(|d| d.session.id == session) {
        door.present = crate::store::lists::present_count(store, session)?;
        if undone {
            door.checked_in.remove(person);
        }
        if unenrolled {
            door.enrolled = crate::store::lists::enrolled_count(store, session)?;
            door.search = DoorSearch::new(store, session, c.office.clone().unwrap_or_default())?;
        }
    }
    c.banner = Some(if undone {
        Banner::Undone { name, unenrolled }
    } else {
        Banner::NotCheckedIn { name }
    });
    // The rows on screen show check-in status.
    c.refresh();
    sync_sessions(store, state, session)?;
    Ok(())
}

/// The 场次 tab's counts for the session, and its detail if open on it (which lists check-in
/// times), without re-reading the other sessions.
fn sync_sessions(store: &Store, state: &mut State, session: &str) -> Result<()> {
    let Some(door) = state.checkin.door.as_ref() else {
        return Ok(());
    };
    let list = &mut state.sessions;
    if let Some(row) = list.rows.iter_mut().find(|r| r.session.id == session) {
        row.enrolled = door.enrolled;
        row.present = door.present;
    }
    if list
        .detail
        .as_ref()
        .is_some_and(|d| d.row.session.id == session)
    {
        if let Some(old) = list.detail.take() {
            list.detail = load_detail(store, session)?.map(|fresh| fresh.keep_view(old));
        }
    }
    Ok(())
}
