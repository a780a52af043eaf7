//! Keys on the 报表 tab: choosing an entry, opening its form, answering an import's preview.

use super::forms::{import_form, report_form};

use super::ReportsState;
use super::{Entry, Job, ENTRIES};
use crate::i18n::{t, tf};
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay};
use crate::tui::context::Ctx;
use crate::tui::tabs::sessions::SessionRow;
use crate::tui::tabs::PAGE;

/// `chosen` is the session selected on the 场次 tab (a sign-in sheet, an import's enrolment).
pub fn update(
    r: &mut ReportsState,
    chosen: Option<&SessionRow>,
    ctx: &mut Ctx,
    action: Action,
) -> Option<Effect> {
    if r.preview.is_some() {
        return update_preview(r, ctx, action);
    }
    let last = ENTRIES.len() - 1;
    match action {
        Action::Up => r.selected = r.selected.saturating_sub(1),
        Action::Down => r.selected = (r.selected + 1).min(last),
        Action::Top => r.selected = 0,
        Action::Bottom => r.selected = last,
        Action::Import => r.selected = last,
        _ => {}
    }
    if !matches!(action, Action::Open | Action::Import) {
        return None;
    }
    if r.running.is_some() {
        ctx.error(t("tui.reports.busy"));
        return None;
    }
    let form = match r.entry() {
        Entry::Report(kind) => match report_form(&ctx.office.id, ctx.today, chosen, kind) {
            Some(form) => form,
            None => {
                ctx.error(t("tui.reports.pick_session"));
                return None;
            }
        },
        Entry::Import => import_form(chosen, &ctx.office.id),
    };
    ctx.open(Overlay::Form(form));
    None
}

fn update_preview(r: &mut ReportsState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    let preview = r.preview.as_mut()?;
    let (bad, listed) = (preview.plan.bad, preview.plan.errors.len());
    match action {
        Action::Up => preview.scroll = preview.scroll.saturating_sub(1),
        Action::Down => preview.scroll = (preview.scroll + 1).min(listed.saturating_sub(1)),
        Action::PageUp => preview.scroll = preview.scroll.saturating_sub(PAGE),
        Action::PageDown => preview.scroll = (preview.scroll + PAGE).min(listed.saturating_sub(1)),
        Action::Back => {
            r.preview = None;
            ctx.info(t("tui.reports.import_cancelled"));
        }
        Action::Open if bad > 0 => {
            let key = ctx.keymap.hint(Action::SkipBadRows).unwrap_or_default();
            ctx.error(tf(
                "tui.reports.has_bad_rows",
                &[("n", &bad), ("key", &key)],
            ));
        }
        Action::Open => return Some(Effect::Job(Job::Commit { skip: false })),
        Action::SkipBadRows if bad > 0 => return Some(Effect::Job(Job::Commit { skip: true })),
        _ => {}
    }
    None
}

pub fn hints(r: &ReportsState) -> Vec<Hint> {
    match &r.preview {
        Some(preview) if !preview.plan.errors.is_empty() => vec![
            (Action::SkipBadRows, "skip_bad_rows"),
            (Action::Back, "cancel"),
            (Action::Down, "down"),
        ],
        Some(_) => vec![(Action::Open, "import_all"), (Action::Back, "cancel")],
        None => vec![
            (Action::Open, "write_report"),
            (Action::Import, "import"),
            (Action::Down, "down"),
        ],
    }
}
