//! One module (and one state struct) per tab; drawing lives next to each in `*_view.rs` where it
//! would make the file long.

pub mod calendar;
pub mod calendar_view;
pub mod cert;
pub mod cert_view;
pub mod checkin;
pub mod checklist;
pub mod checklist_view;
pub mod list_filter;
pub mod paper;
pub mod paper_view;
pub mod reports;
pub mod reports_view;
pub mod session_header;
pub mod sessions;
pub mod sessions_view;
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
