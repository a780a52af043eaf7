//! Keys on the 签到 tab and in its session picker.

use super::state::{default_session, Banner, CheckinState};
use crate::i18n::{t, tf};
use crate::search::door::{decide, Choice};
use crate::tui::action::{Action, DoorEffect, Effect};
use crate::tui::app::{Confirm, Hint, Overlay, State};
use crate::tui::context::Ctx;
use crate::tui::suggest;
use crate::tui::tabs::sessions::SessionRow;
use crate::tui::tabs::{step_selection, PAGE};

/// The tab became the current one: the first time, open it on the default session.
pub fn entered(c: &CheckinState, sessions: &[SessionRow]) -> Option<Effect> {
    if c.door.is_none() && !sessions.is_empty() {
        return Some(Effect::Door(DoorEffect::Open(None)));
    }
    None
}

/// `sessions` are the 场次 tab's rows: the door's sessions are picked from them.
pub fn update(
    c: &mut CheckinState,
    sessions: &[SessionRow],
    ctx: &mut Ctx,
    action: Action,
) -> Option<Effect> {
    if action == Action::PickSession {
        open_picker(c, sessions, ctx);
        return None;
    }
    let Some(door) = &c.door else {
        return match action {
            Action::Open => entered(c, sessions),
            _ => None,
        };
    };
    let session = door.session.id.clone();
    let last = c.results.len().saturating_sub(1);
    match action {
        Action::Text(key) => {
            c.query.edit(key);
            c.forget_question();
            c.refresh();
        }
        Action::Up | Action::Down | Action::PageUp | Action::PageDown if !c.results.is_empty() => {
            c.selected = match action {
                Action::Up => c.selected.saturating_sub(1),
                Action::Down => (c.selected + 1).min(last),
                Action::PageUp => c.selected.saturating_sub(PAGE),
                _ => (c.selected + PAGE).min(last),
            };
            c.chosen = true;
            // Moving chooses a row: a question about another no longer stands.
            if matches!(c.banner, Some(Banner::Confirm { .. })) {
                c.banner = None;
            }
        }
        Action::Back if !c.query.value().is_empty() => c.clear_query(),
        Action::Back => c.banner = None,
        Action::Open if c.query.value().trim().is_empty() => {}
        Action::Open => {
            // The person a question named, wherever a search since has put them (gone: asked
            // again); else the row moved to.
            let chosen = match &c.banner {
                Some(Banner::Confirm { person, .. }) => {
                    c.results.iter().position(|f| f.candidate.id == *person)
                }
                _ => c.chosen.then_some(c.selected),
            };
            let decided = match decide(&c.results, c.query.value(), chosen) {
                // Certainly this person, but not on the list (a code or phone typed one character
                // off is another real person's): said back before they are put on it.
                Choice::Person(found) if !found.in_session && chosen.is_none() => {
                    Choice::Confirm(found)
                }
                decided => decided,
            };
            match decided {
                Choice::Person(found) => {
                    return Some(Effect::Door(DoorEffect::CheckIn {
                        session,
                        person: found.candidate.id.clone(),
                        name: found.candidate.name.clone(),
                        enterprise: found.candidate.enterprise.clone(),
                        listed: found.in_session,
                        at: None,
                    }))
                }
                Choice::Confirm(found) => {
                    let (name, enterprise) = (&found.candidate.name, &found.candidate.enterprise);
                    let first_at = c
                        .door
                        .as_ref()
                        .and_then(|d| d.checked_in.get(&found.candidate.id).copied());
                    match first_at {
                        // Nothing to confirm: a second check-in would not count.
                        Some(first_at) => {
                            c.banner = Some(Banner::Already {
                                name: name.clone(),
                                enterprise: enterprise.clone(),
                                first_at,
                                late: c.is_late(first_at),
                            });
                            c.clear_query();
                        }
                        None => {
                            c.banner = Some(Banner::Confirm {
                                person: found.candidate.id.clone(),
                                name: name.clone(),
                                enterprise: enterprise.clone(),
                                listed: found.in_session,
                            });
                            // Enter again means this row, wherever the search put it.
                            c.selected = c
                                .results
                                .iter()
                                .position(|r| std::ptr::eq(r, found))
                                .unwrap_or_default();
                            c.chosen = true;
                        }
                    }
                }
                Choice::Several(people) => {
                    c.banner = Some(Banner::Several {
                        count: people.len(),
                    })
                }
                Choice::WalkIn { name, phone, .. } => open_walk_in_with(c, ctx, &name, &phone),
            }
        }
        Action::UndoCheckin => {
            // An undo answers no question and keeps no row chosen for the next Enter.
            c.forget_question();
            match c.recent.last().cloned() {
                Some(last) => {
                    let undo = |unenrol| {
                        Effect::Door(DoorEffect::Undo {
                            session: session.clone(),
                            person: last.person.clone(),
                            name: last.name.clone(),
                            unenrol,
                        })
                    };
                    if last.enrolled_here {
                        // The check-in put them on the list: ask whether the undo takes them off it.
                        ctx.open(Overlay::Confirm(Confirm::two_ways(
                            tf("tui.checkin.undo_enrolment", &[("name", &last.name)]),
                            (t("tui.checkin.undo_and_unenrol"), undo(true)),
                            (t("tui.checkin.undo_only"), undo(false)),
                        )));
                        return None;
                    }
                    return Some(undo(false));
                }
                None => c.banner = Some(Banner::NothingToUndo),
            }
        }
        Action::WalkIn => open_walk_in(c, ctx),
        // A service asked for at the door is the enterprise's of the person just checked in.
        Action::NeedAtDoor => match c.recent.last().filter(|r| !r.enterprise.is_empty()) {
            Some(last) => ctx.open(Overlay::Form(crate::tui::tabs::outreach::need_form(
                &last.enterprise,
                &last.enterprise,
                ctx.today,
            ))),
            None => ctx.info(t("tui.checkin.need_nobody")),
        },
        _ => {}
    }
    None
}

/// The walk-in form, with what was typed put where it fits: Hanzi as the name, digits as the
/// phone.
fn open_walk_in(c: &CheckinState, ctx: &mut Ctx) {
    let typed = c.query.value().trim().to_string();
    let (name, phone) = if !typed.is_empty() && typed.chars().all(|c| c.is_ascii_digit()) {
        (String::new(), typed)
    } else if !typed.is_ascii() {
        (typed, String::new())
    } else {
        (String::new(), String::new())
    };
    open_walk_in_with(c, ctx, &name, &phone);
}

/// The walk-in form filled with `name` and `phone`; the office's people like them are listed
/// under the field to pick from instead (a near name is often someone already known).
fn open_walk_in_with(c: &CheckinState, ctx: &mut Ctx, name: &str, phone: &str) {
    let Some(door) = &c.door else {
        return;
    };
    // Said before the form is filled in, not when it is saved.
    if let Some(why) = crate::app::checkin::not_yet(&door.session, ctx.today) {
        ctx.error(why);
        return;
    }
    ctx.open(Overlay::Form(super::forms::walk_in(
        &door.session,
        name,
        phone,
    )));
    suggest::refresh(c, &[], ctx.overlay);
}

/// The sessions whose door this office runs (its own, and the joint sessions that name it), as
/// indices into the 场次 rows: the picker's list.
pub fn door_rows(sessions: &[SessionRow], office: &str) -> Vec<usize> {
    sessions
        .iter()
        .enumerate()
        .filter(|(_, r)| crate::log::authority::may_keep_list(office, &r.session))
        .map(|(i, _)| i)
        .collect()
}

fn open_picker(c: &CheckinState, rows: &[SessionRow], ctx: &mut Ctx) {
    let listed = door_rows(rows, &ctx.office.id);
    let current = c
        .door
        .as_ref()
        .and_then(|d| rows.iter().position(|r| r.session.id == d.session.id))
        .or_else(|| default_session(rows, ctx.today, &ctx.office.id));
    if listed.is_empty() {
        ctx.error(t("tui.checkin.no_sessions"));
        return;
    }
    let selected = current
        .and_then(|row| listed.iter().position(|i| *i == row))
        .unwrap_or(0);
    ctx.open(Overlay::Picker { selected });
}

pub fn update_picker(state: &mut State, action: Action) -> Option<Effect> {
    let listed = door_rows(&state.sessions.rows, &state.office.id);
    let Overlay::Picker { selected } = &mut state.overlay else {
        return None;
    };
    if step_selection(selected, listed.len(), action) {
        return None;
    }
    match action {
        Action::Open => {
            let row = *listed.get(*selected)?;
            let id = state.sessions.rows.get(row)?.session.id.clone();
            state.overlay = Overlay::None;
            return Some(Effect::Door(DoorEffect::Open(Some(id))));
        }
        Action::Back | Action::PickSession => state.overlay = Overlay::None,
        _ => {}
    }
    None
}

pub fn hints(c: &CheckinState) -> Vec<Hint> {
    if c.door.is_none() {
        return vec![(Action::PickSession, "pick_session")];
    }
    vec![
        (Action::Open, "check_in"),
        (Action::UndoCheckin, "undo_checkin"),
        (Action::WalkIn, "walk_in"),
        (Action::PickSession, "pick_session"),
    ]
}
