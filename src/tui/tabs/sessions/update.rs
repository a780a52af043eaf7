//! Keys on the 场次 tab: the list, its filter and a session's detail, each checked against who may change what.

use super::header;
use crate::domain::Session;
use crate::i18n::tf;
use crate::log::authority::may_keep_list;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Confirm, Hint, Overlay, State};
use crate::tui::forms::Form;
use crate::tui::list_filter::filter_key;
pub use crate::tui::list_filter::Filter;
use crate::tui::suggest;
use crate::tui::tabs::step_selection;

fn is_move(action: Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    if state.sessions.detail.is_some() {
        return update_detail(state, action);
    }
    let list = &mut state.sessions;
    if filter_key(&mut list.filter, &mut list.selected, action) {
        return None;
    }
    let len = list.visible().len();
    if is_move(action) {
        step_selection(&mut list.selected, len, action);
        return None;
    }
    match action {
        Action::Filter => {
            list.filter.editing = true;
            None
        }
        Action::Back if list.filter.is_active() => {
            list.filter = Filter::default();
            list.selected = 0;
            None
        }
        Action::Open => list
            .selected_row()
            .map(|r| Effect::OpenSession(r.session.id.clone())),
        Action::Add => {
            let form = Form::new_session(&state.office.id, state.calendar.selected);
            state.overlay = Overlay::Form(form);
            None
        }
        Action::Edit => {
            if let Some(session) = list.selected_row().map(|r| r.session.clone()) {
                open_edit(state, &session);
            }
            None
        }
        _ => None,
    }
}

/// Only the office that owns a session changes it; say so instead of letting the write fail.
fn owns(state: &mut State, session: &Session) -> bool {
    allowed(
        state,
        crate::app::sessions::may_change(&state.office.id, session),
    )
}

/// Whether this office keeps the session's list, said when it does not.
fn keeps_list(state: &mut State, session: &Session) -> bool {
    allowed(
        state,
        crate::app::sessions::may_keep_list(&state.office.id, session),
    )
}

fn allowed(state: &mut State, rule: crate::app::Outcome<()>) -> bool {
    match rule {
        Ok(()) => true,
        Err(refusal) => {
            crate::tui::effects::report(state, refusal);
            false
        }
    }
}

fn open_edit(state: &mut State, session: &Session) {
    if owns(state, session) {
        state.overlay = Overlay::Form(Form::edit_session(session));
    }
}

fn update_detail(state: &mut State, action: Action) -> Option<Effect> {
    let detail = state.sessions.detail.as_mut()?;
    if filter_key(&mut detail.filter, &mut detail.selected, action) {
        detail.refilter();
        return None;
    }
    let len = detail.visible().len();
    if is_move(action) {
        step_selection(&mut detail.selected, len, action);
        return None;
    }
    match action {
        Action::Right => {
            let max = header::max_scroll_at(state, state.sessions.detail.as_ref()?);
            let detail = state.sessions.detail.as_mut()?;
            detail.info_scroll = (detail.info_scroll + 1).min(max);
        }
        Action::Left => detail.info_scroll = detail.info_scroll.saturating_sub(1),
        Action::Filter => detail.filter.editing = true,
        Action::Back if detail.filter.is_active() => {
            detail.filter = Filter::default();
            detail.selected = 0;
            detail.refilter();
        }
        Action::Back => state.sessions.detail = None,
        Action::Add => {
            let session = detail.row.session.clone();
            if keeps_list(state, &session) {
                state.overlay = Overlay::Form(Form::enrol(&session));
                // The form offers the office's people and enterprises from the door's index.
                return suggest::want_index(state);
            }
        }
        Action::Edit => {
            let session = detail.row.session.clone();
            open_edit(state, &session);
        }
        Action::Paper => {
            let session = detail.row.session.clone();
            if keeps_list(state, &session) {
                super::paper::open(state);
            }
        }
        Action::Remove => {
            let session = detail.row.session.clone();
            let person = detail.selected_person().cloned()?;
            if keeps_list(state, &session) {
                state.overlay = Overlay::Confirm(Confirm {
                    message: tf(
                        "tui.sessions.confirm_remove",
                        &[("name", &person.name), ("title", &session.title)],
                    ),
                    effect: Effect::Unenrol {
                        session: session.id.clone(),
                        person: person.person.clone(),
                        name: person.name.clone(),
                    },
                    otherwise: None,
                });
            }
        }
        _ => {}
    }
    None
}

pub fn hints(state: &State) -> Vec<Hint> {
    if state.sessions.editing_filter() {
        return vec![
            (Action::Open, "keep_filter"),
            (Action::Back, "clear_filter"),
        ];
    }
    match &state.sessions.detail {
        Some(detail) => {
            let mut out = vec![(Action::Back, "back")];
            if may_keep_list(&state.office.id, &detail.row.session) {
                out.extend([
                    (Action::Add, "enrol"),
                    (Action::Remove, "remove"),
                    (Action::Paper, "paper"),
                ]);
            }
            if detail.row.session.office == state.office.id {
                out.push((Action::Edit, "edit"));
            }
            out.push((Action::Filter, "filter"));
            if header::max_scroll_at(state, detail) > 0 {
                out.push((Action::Right, "scroll_info"));
            }
            out
        }
        None => vec![
            (Action::Open, "open"),
            (Action::Add, "add"),
            (Action::Edit, "edit"),
            (Action::Filter, "filter"),
        ],
    }
}
