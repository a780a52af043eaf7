//! Pieces of the screen shared by the tabs: header, footer, status line and the overlays.

pub mod chrome;
pub mod form;
pub mod help;
pub mod text;

use ratatui::layout::{Constraint, Flex, Layout, Rect};

/// A box of at most `width` x `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
