//! Keys on the 场次 tab: the list, its filter and a session's detail, each checked against who may change what.

use super::header;
use super::SessionsState;
use crate::domain::Session;
use crate::i18n::tf;
use crate::log::authority::may_keep_list;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Confirm, Hint, Overlay};
use crate::tui::context::{Ctx, View};
use crate::tui::list_filter::filter_key;
pub use crate::tui::list_filter::Filter;
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

/// `day` is the calendar's selected day: a new session is put on it.
pub fn update(
    tab: &mut SessionsState,
    day: chrono::NaiveDate,
    ctx: &mut Ctx,
    action: Action,
) -> Option<Effect> {
    if tab.detail.is_some() {
        return update_detail(tab, ctx, action);
    }
    let list = tab;
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
            let form = super::forms::new_session(&ctx.office.id, day);
            ctx.open(Overlay::Form(form));
            None
        }
        Action::Edit => {
            if let Some(session) = list.selected_row().map(|r| r.session.clone()) {
                open_edit(ctx, &session);
            }
            None
        }
        _ => None,
    }
}

/// Only the office that owns a session changes it; say so instead of letting the write fail.
fn owns(ctx: &mut Ctx, session: &Session) -> bool {
    let rule = crate::app::sessions::may_change(&ctx.office.id, session);
    allowed(ctx, rule)
}

/// Whether this office keeps the session's list, said when it does not.
fn keeps_list(ctx: &mut Ctx, session: &Session) -> bool {
    let rule = crate::app::sessions::may_keep_list(&ctx.office.id, session);
    allowed(ctx, rule)
}

fn allowed(ctx: &mut Ctx, rule: crate::app::Outcome<()>) -> bool {
    match rule {
        Ok(()) => true,
        Err(refusal) => {
            ctx.refuse(refusal);
            false
        }
    }
}

fn open_edit(ctx: &mut Ctx, session: &Session) {
    if owns(ctx, session) {
        ctx.open(Overlay::Form(super::forms::edit_session(session)));
    }
}

fn update_detail(tab: &mut SessionsState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    let detail = tab.detail.as_mut()?;
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
            let max = header::max_scroll_at(ctx.viewport, tab.detail.as_ref()?);
            let detail = tab.detail.as_mut()?;
            detail.info_scroll = (detail.info_scroll + 1).min(max);
        }
        Action::Left => detail.info_scroll = detail.info_scroll.saturating_sub(1),
        Action::Filter => detail.filter.editing = true,
        Action::Back if detail.filter.is_active() => {
            detail.filter = Filter::default();
            detail.selected = 0;
            detail.refilter();
        }
        Action::Back => tab.detail = None,
        Action::Add => {
            let session = detail.row.session.clone();
            if keeps_list(ctx, &session) {
                ctx.open(Overlay::Form(super::forms::enrol(&session)));
                // The form offers the office's people and enterprises from the door's index.
                return Some(Effect::BuildIndex);
            }
        }
        Action::Edit => {
            let session = detail.row.session.clone();
            open_edit(ctx, &session);
        }
        Action::AssignTeacher => {
            if !crate::campaign::hierarchy::above_county(&ctx.office.id) {
                ctx.error(tf(
                    "cli.teacher.not_keeper",
                    &[("office", &ctx.office.name)],
                ));
            } else if detail.teachers.is_empty() {
                ctx.error(crate::i18n::t("tui.teachers.empty"));
            } else {
                ctx.open(Overlay::Form(super::forms::assign_teacher(detail)));
            }
        }
        Action::Paper => {
            let session = detail.row.session.clone();
            if keeps_list(ctx, &session) {
                super::paper::open(tab, ctx);
            }
        }
        Action::Remove => {
            let session = detail.row.session.clone();
            let person = detail.selected_person().cloned()?;
            if keeps_list(ctx, &session) {
                ctx.open(Overlay::Confirm(Confirm::yes_no(
                    tf(
                        "tui.sessions.confirm_remove",
                        &[("name", &person.name), ("title", &session.title)],
                    ),
                    Effect::Unenrol {
                        session: session.id.clone(),
                        person: person.person.clone(),
                        name: person.name.clone(),
                    },
                )));
            }
        }
        _ => {}
    }
    None
}

pub fn hints(tab: &SessionsState, view: &View) -> Vec<Hint> {
    if tab.editing_filter() {
        return vec![
            (Action::Open, "keep_filter"),
            (Action::Back, "clear_filter"),
        ];
    }
    match &tab.detail {
        Some(detail) => {
            let mut out = vec![(Action::Back, "back")];
            if may_keep_list(&view.office.id, &detail.row.session) {
                out.extend([
                    (Action::Add, "enrol"),
                    (Action::Remove, "remove"),
                    (Action::Paper, "paper"),
                ]);
            }
            if detail.row.session.office == view.office.id {
                out.push((Action::Edit, "edit"));
            }
            if crate::campaign::hierarchy::above_county(&view.office.id) {
                out.push((Action::AssignTeacher, "assign_teacher"));
            }
            out.push((Action::Filter, "filter"));
            if header::max_scroll_at(view.viewport, detail) > 0 {
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
