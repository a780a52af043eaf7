//! Pieces of the screen shared by the tabs: header, footer, status line and the overlays.

pub mod chrome;
pub mod filter;
pub mod form;
pub mod help;
pub mod text;

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::widgets::Clear;
use ratatui::Frame;

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

/// Blanks the area under an overlay box and a column on each side of it: a Chinese character
/// starting left of the box would spill over its left border, and one the right border cut
/// leaves its other half (or the tab's text cut mid-phrase) beside the box.
pub fn clear_under(frame: &mut Frame, area: Rect) {
    let left = area.x.saturating_sub(1);
    let widened = Rect {
        x: left,
        width: area.width.saturating_add(area.x - left).saturating_add(1),
        ..area
    };
    let cleared = widened.intersection(frame.area());
    frame.render_widget(Clear, cleared);
    // Blank before and after, that column would not be sent again, and a terminal that keeps
    // the half of a wide character the right border overwrote would go on showing it.
    let right = area.right();
    if right < cleared.right() {
        for y in cleared.top()..cleared.bottom() {
            if let Some(cell) = frame.buffer_mut().cell_mut((right, y)) {
                cell.diff_option = ratatui::buffer::CellDiffOption::AlwaysUpdate;
            }
        }
    }
}

/// Draws `lines` as a panel under a rule at the foot of `area` (nothing when there are none) and
/// returns what is left above it, at least `min_above` rows.
pub fn panel_below(
    frame: &mut Frame,
    area: Rect,
    theme: &crate::tui::theme::Theme,
    lines: Vec<ratatui::text::Line<'_>>,
    min_above: u16,
) -> Rect {
    if lines.is_empty() {
        return area;
    }
    let height = lines.len() as u16 + 1;
    let [above, panel] =
        Layout::vertical([Constraint::Min(min_above), Constraint::Length(height)]).areas(area);
    let block = ratatui::widgets::Block::new()
        .borders(ratatui::widgets::Borders::TOP)
        .border_style(theme.border);
    let inner = block.inner(panel);
    frame.render_widget(block, panel);
    frame.render_widget(ratatui::widgets::Paragraph::new(lines), inner);
    above
}
