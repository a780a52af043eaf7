//! Keys on the 清单 tab: moving on the grid, opening a unit, marking its items.

use crate::app::contacts;
use crate::domain::checklist::ItemStatus;
use crate::domain::MarkStatus;
use crate::i18n::tf;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay};
use crate::tui::context::{Ctx, View};
use crate::tui::tabs::PAGE;

use super::plan::{self, PlanEffect};
use super::publicity::{self, PublicityEffect};
use super::ChecklistState;

pub fn update(c: &mut ChecklistState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    if c.plan.is_some() {
        return plan::update(c, ctx, action);
    }
    if c.publicity.is_some() {
        return publicity::update(c, ctx, action);
    }
    if c.open.is_some() {
        return update_items(c, ctx, action);
    }
    let last_row = c.units.len().saturating_sub(1);
    let last_col = c.steps.len().saturating_sub(1);
    match action {
        Action::Up => c.row = c.row.saturating_sub(1),
        Action::Down => c.row = (c.row + 1).min(last_row),
        Action::PageUp => c.row = c.row.saturating_sub(PAGE),
        Action::PageDown => c.row = (c.row + PAGE).min(last_row),
        Action::Top => c.row = 0,
        Action::Bottom => c.row = last_row,
        Action::Left => c.col = c.col.saturating_sub(1),
        Action::Right => c.col = (c.col + 1).min(last_col),
        Action::Open if !c.units.is_empty() => {
            c.open = Some(c.row);
            c.item = 0;
        }
        Action::Edit => return open_contact(c, ctx, c.row),
        _ => {}
    }
    None
}

/// This office's 联系人 form, named so far, when `row` is this office's unit.
fn open_contact(c: &ChecklistState, ctx: &mut Ctx, row: usize) -> Option<Effect> {
    let unit = c.units.get(row)?;
    if unit.unit != ctx.office.id {
        ctx.error(tf(
            "tui.checklist.contact_not_owner",
            &[("unit", &unit.name)],
        ));
        return None;
    }
    ctx.open(Overlay::Form(super::forms::contact(
        unit.contact.as_ref(),
        unit.office_phone.as_deref(),
    )));
    None
}

fn update_items(c: &mut ChecklistState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    let len = c.open_unit().map_or(0, |u| u.rows.len());
    let last = len.saturating_sub(1);
    match action {
        Action::Up => c.item = c.item.saturating_sub(1),
        Action::Down => c.item = (c.item + 1).min(last),
        Action::Top | Action::PageUp => c.item = 0,
        Action::Bottom | Action::PageDown => c.item = last,
        Action::Back if c.grid => c.open = None,
        Action::Edit => return open_contact(c, ctx, c.open?),
        // Naming the contact is what marks its item done.
        Action::Open | Action::MarkDone
            if c.selected_item()
                .is_some_and(|r| r.unit == ctx.office.id && contacts::is_contact_item(&r.item)) =>
        {
            return open_contact(c, ctx, c.open?);
        }
        Action::Open => {
            let row = c.selected_item()?;
            if plan::is_plan_item(&row.item) {
                return Some(Effect::Plan(PlanEffect::Open {
                    unit: row.unit.clone(),
                }));
            }
            if publicity::is_publicity_item(&row.item) {
                return Some(Effect::Publicity(PublicityEffect::Open {
                    unit: row.unit.clone(),
                }));
            }
            return Some(Effect::ItemHistory {
                unit: row.unit.clone(),
                item: row.item.clone(),
            });
        }
        Action::MarkDone | Action::MarkWaived | Action::MarkTodo | Action::Attach => {
            let row = c.selected_item()?.clone();
            if row.unit != ctx.office.id {
                let name = c.open_unit().map(|u| u.name.clone()).unwrap_or_default();
                ctx.error(tf("tui.checklist.not_owner", &[("unit", &name)]));
                return None;
            }
            let status = match action {
                Action::MarkDone => MarkStatus::Done,
                Action::MarkWaived => MarkStatus::Waived,
                Action::MarkTodo => MarkStatus::Todo,
                _ => {
                    ctx.open(Overlay::Form(super::forms::attach(
                        &row.unit, &row.item, &row.title,
                    )));
                    return None;
                }
            };
            let already = matches!(
                (status, row.status),
                (MarkStatus::Done, ItemStatus::Done) | (MarkStatus::Waived, ItemStatus::Waived)
            ) || (status == MarkStatus::Todo && row.status.is_open());
            if already {
                ctx.info(tf(
                    "tui.checklist.unchanged",
                    &[("title", &row.title), ("status", &row.status.label())],
                ));
                return None;
            }
            // Done and waived say why in a form; reopening needs no words.
            if status == MarkStatus::Todo {
                return Some(Effect::Mark {
                    unit: row.unit,
                    item: row.item,
                    status,
                    note: String::new(),
                });
            }
            ctx.open(Overlay::Form(super::forms::mark(
                &row.unit, &row.item, &row.title, status,
            )));
            return None;
        }
        _ => {}
    }
    None
}

pub fn hints(c: &ChecklistState, view: &View) -> Vec<Hint> {
    if let Some(screen) = &c.plan {
        return plan::hints(screen);
    }
    if let Some(screen) = &c.publicity {
        return publicity::hints(screen);
    }
    let own_row = c.units.get(c.row).is_some_and(|u| u.unit == view.office.id);
    match c.open {
        None if own_row => vec![
            (Action::Open, "open_unit"),
            (Action::Right, "next_step"),
            (Action::Edit, "contact"),
        ],
        None => vec![(Action::Open, "open_unit"), (Action::Right, "next_step")],
        Some(_) => {
            let own = c.open_unit().is_some_and(|u| u.unit == view.office.id);
            let mut out = Vec::new();
            if c.grid {
                out.push((Action::Back, "back"));
            }
            let on_plan = c
                .selected_item()
                .is_some_and(|r| plan::is_plan_item(&r.item));
            let on_publicity = c
                .selected_item()
                .is_some_and(|r| publicity::is_publicity_item(&r.item));
            let on_contact = own
                && c.selected_item()
                    .is_some_and(|r| contacts::is_contact_item(&r.item));
            let open = match (on_plan, on_publicity, on_contact) {
                (true, _, _) => "plan",
                (_, true, _) => "publicity",
                (_, _, true) => "contact",
                _ => "history",
            };
            out.push((Action::Open, open));
            if own {
                out.extend([
                    (Action::MarkDone, "mark_done"),
                    (Action::MarkWaived, "mark_waived"),
                    (Action::MarkTodo, "mark_todo"),
                    (Action::Attach, "attach"),
                ]);
                if !on_contact {
                    out.push((Action::Edit, "contact"));
                }
            }
            out
        }
    }
}
