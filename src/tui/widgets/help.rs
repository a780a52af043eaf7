//! The `?` overlay: every action with its keys, generated from the keymap in use, so a user's
//! overrides show as they are.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::text::{fit, truncate, wrap_words};
use super::{centered, clear_under};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::app::State;

const KEYS_W: usize = 16;

/// The box in the tab area: the rows between header and status line, less a margin.
fn box_area(body: Rect) -> Rect {
    // Wider on wide terminals, so the notes take fewer lines.
    let width = body.width.saturating_sub(8).clamp(72, 100);
    centered(body, width, body.height.saturating_sub(2))
}

/// The tab area of a `width` x `height` screen (header above, status and footer below).
fn body_of(width: u16, height: u16) -> Rect {
    Rect::new(0, 1, width, height.saturating_sub(3))
}

fn lines(state: &State, width: usize) -> Vec<Line<'static>> {
    let theme = &state.theme;
    let desc_w = width.saturating_sub(KEYS_W + 1);
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
                Span::styled(fit(&keys.join(", "), KEYS_W), theme.key),
                Span::raw(" "),
                Span::raw(truncate(
                    &t(&format!("tui.action.{}", action.name())),
                    desc_w,
                )),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    // The notes are sentences: wrapped, never cut.
    let mut notes: Vec<String> = ["tui.help.text_inputs", "tui.help.door"]
        .iter()
        .map(|note| t(note))
        .collect();
    if let Some(path) = state.keymap.user_path() {
        notes.push(tf("tui.help.user_keymap", &[("path", &path.display())]));
    }
    for note in notes {
        for part in wrap_words(&note, width) {
            lines.push(Line::styled(part, theme.dim));
        }
    }
    lines
}

/// How far the help can scroll at the state's terminal size: until its last line is at the
/// bottom. `update` clamps to this; drawing takes the scroll as it is.
pub fn max_scroll(state: &State) -> u16 {
    let (width, height) = state.viewport;
    let inner = Block::new()
        .borders(Borders::ALL)
        .inner(box_area(body_of(width, height)));
    let count = lines(state, inner.width as usize).len();
    u16::try_from(count.saturating_sub(inner.height as usize)).unwrap_or(u16::MAX)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, scroll: u16) {
    let theme = &state.theme;
    let box_area = box_area(area);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", t("tui.help.title")),
            theme.title,
        ));
    let inner = block.inner(box_area);
    clear_under(frame, box_area);
    frame.render_widget(
        Paragraph::new(lines(state, inner.width as usize))
            .block(block)
            .scroll((scroll, 0)),
        box_area,
    );
}
