//! Keys on the month grid: moving by day, week and month, opening a day.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::CalendarState;
use crate::i18n::t;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay};
use crate::tui::context::Ctx;

fn shift_days(d: NaiveDate, n: i64) -> NaiveDate {
    let moved = if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    };
    moved.unwrap_or(d)
}

/// The same day in the next or previous month, clamped to its length (1/31 -> 2/28).
fn shift_months(d: NaiveDate, forward: bool) -> NaiveDate {
    let moved = if forward {
        d.checked_add_months(Months::new(1))
    } else {
        d.checked_sub_months(Months::new(1))
    };
    moved.unwrap_or(d)
}

pub(super) fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let first = first_of_month(d);
    shift_days(shift_months(first, true), -1)
}

pub(super) fn next_day(d: NaiveDate) -> NaiveDate {
    shift_days(d, 1)
}

pub(super) fn back_days(d: NaiveDate, n: i64) -> NaiveDate {
    shift_days(d, -n)
}

pub fn update(cal: &mut CalendarState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    match action {
        Action::Left => cal.selected = shift_days(cal.selected, -1),
        Action::Right => cal.selected = shift_days(cal.selected, 1),
        Action::Up => cal.selected = shift_days(cal.selected, -7),
        Action::Down => cal.selected = shift_days(cal.selected, 7),
        Action::PageUp => cal.selected = shift_months(cal.selected, false),
        Action::PageDown => cal.selected = shift_months(cal.selected, true),
        Action::Top => cal.selected = first_of_month(cal.selected),
        Action::Bottom => cal.selected = last_of_month(cal.selected),
        Action::Today => cal.selected = ctx.today,
        Action::Open => {
            let day = cal.selected;
            // One session: straight to it. Several: the list, on the day's first.
            return match cal.sessions.get(&day).map(Vec::as_slice) {
                None | Some([]) => {
                    ctx.info(t("tui.calendar.no_sessions"));
                    None
                }
                Some([only]) => Some(Effect::ShowDay {
                    day,
                    session: Some(only.id.clone()),
                }),
                Some(_) => Some(Effect::ShowDay { day, session: None }),
            };
        }
        Action::Add => {
            ctx.open(Overlay::Form(
                crate::tui::tabs::sessions::forms::new_session(&ctx.office.id, cal.selected),
            ));
        }
        _ => {}
    }
    None
}

pub fn hints() -> Vec<Hint> {
    vec![
        (Action::Open, "open"),
        (Action::Add, "add"),
        (Action::PageDown, "next_month"),
        (Action::Today, "today"),
    ]
}
