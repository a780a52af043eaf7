//! The `?` overlay: every action with its keys, generated from the keymap in use, so a user's
//! overrides show as they are.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::centered;
use super::text::{fit, truncate};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::app::State;

pub fn render(frame: &mut Frame, area: Rect, state: &State, scroll: u16) {
    let theme = &state.theme;
    let box_area = centered(area, 72, area.height.saturating_sub(2));
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", t("tui.help.title")),
            theme.title,
        ));
    let inner = block.inner(box_area);
    let keys_w = 16;
    let desc_w = (inner.width as usize).saturating_sub(keys_w + 1);
    let mut lines: Vec<Line> = Action::ALL
        .iter()
        .map(|action| {
            let keys: Vec<String> = state
                .keymap
                .keys(*action)
                .iter()
                .map(|k| k.label())
                .collect();
            Line::from(vec![
                Span::styled(fit(&keys.join(", "), keys_w), theme.key),
                Span::raw(" "),
                Span::raw(truncate(
                    &t(&format!("tui.action.{}", action.name())),
                    desc_w,
                )),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        truncate(&t("tui.help.text_inputs"), inner.width as usize),
        theme.dim,
    ));
    if let Some(path) = state.keymap.user_path() {
        let text = tf("tui.help.user_keymap", &[("path", &path.display())]);
        lines.push(Line::styled(
            truncate(&text, inner.width as usize),
            theme.dim,
        ));
    }
    // Scrolling stops at the last line so a held key does not scroll into emptiness.
    let max_scroll = lines.len().saturating_sub(inner.height as usize) as u16;
    frame.render_widget(Clear, box_area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max_scroll), 0)),
        box_area,
    );
}
