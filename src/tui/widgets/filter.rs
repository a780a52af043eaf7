//! The `/` filter's line above a list, shared by the lists that filter (场次, 认证).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::i18n::t;
use crate::tui::list_filter::Filter;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::width;

/// The filter's line, with the terminal cursor in it while it is typed.
pub fn filter_line(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    filter: &Filter,
    shown: usize,
    total: usize,
) -> Line<'static> {
    let prefix = format!("{} ", t("tui.filter.prompt"));
    let count = format!("  ({shown}/{total})");
    if filter.editing {
        let x = area.x + (width(&prefix) + width(filter.input.before_cursor())) as u16;
        frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
    }
    Line::from(vec![
        Span::styled(prefix, theme.key),
        Span::styled(filter.input.value().to_string(), theme.input),
        Span::styled(count, theme.dim),
    ])
}
