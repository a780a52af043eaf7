//! One folder per tab, each with its `state` (what is on screen), `update` (keys, pure) and
//! `view` (drawing), and where the tab has store work of its own, `effects`.

pub mod calendar;
pub mod cert;
pub mod checkin;
pub mod checklist;
pub mod outreach;
pub mod reports;
pub mod sessions;
pub mod sync;

/// Rows a page key moves by in the lists.
pub const PAGE: usize = 10;

/// Moves a list's selection for the movement actions; false for any other action.
pub fn step_selection(
    selected: &mut usize,
    len: usize,
    action: crate::tui::action::Action,
) -> bool {
    use crate::tui::action::Action;
    let last = len.saturating_sub(1);
    *selected = match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (*selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(PAGE),
        Action::PageDown => (*selected + PAGE).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return false,
    };
    true
}
