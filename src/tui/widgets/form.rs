//! A form as a centred box: one line per field, its error on the lines under it, and the focused
//! field's hint. Long forms scroll to keep the focused field in view at 80x24.

use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthChar;

use super::text::{fit, truncate, width, wrap_words};
use super::{centered, clear_under};
use crate::i18n::tf;
use crate::tui::action::Action;
use crate::tui::app::State;
use crate::tui::forms::{FieldInput, Form, TextInput};
use crate::tui::keymap::Focus;

/// The part of a long value that fits, keeping the cursor in view: (shown text, cursor column).
pub(crate) fn window(input: &TextInput, room: usize) -> (String, usize) {
    let before = input.before_cursor();
    let after = &input.value()[before.len()..];
    let mut start = 0;
    let chars: Vec<char> = before.chars().collect();
    let mut cursor_col = width(before);
    while cursor_col + 1 > room && start < chars.len() {
        cursor_col -= chars[start].width().unwrap_or(0);
        start += 1;
    }
    let shown: String = chars[start..].iter().collect::<String>() + after;
    (truncate(&shown, room), cursor_col)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, form: &Form) {
    let theme = &state.theme;
    let mut lines: Vec<Line> = Vec::new();
    let mut focus_span = (0, 0);
    let mut cursor: Option<(usize, usize)> = None;
    let box_w = area.width.saturating_sub(2).min(76);
    let inner_w = box_w.saturating_sub(2) as usize;
    // English labels ("People expected") are longer than Chinese ones; a third of the box
    // keeps them whole at 80 columns and leaves the input the rest.
    let label_w = form
        .fields
        .iter()
        .map(|f| width(&f.label))
        .max()
        .unwrap_or(4)
        .min(inner_w / 3);
    let input_w = inner_w.saturating_sub(label_w + 3);
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let first = lines.len();
        let marker = if focused { ">" } else { " " };
        let label_style = if focused {
            theme.key
        } else {
            theme.column_header
        };
        let mut spans = vec![Span::styled(
            format!("{marker}{} ", fit(&field.label, label_w)),
            label_style,
        )];
        match &field.input {
            FieldInput::Text(text) => {
                let (shown, col) = window(text, input_w);
                if focused {
                    cursor = Some((lines.len(), label_w + 2 + col));
                }
                spans.push(Span::styled(fit(&shown, input_w), theme.input));
            }
            FieldInput::Choice { options, index } => {
                let label = options
                    .get(*index)
                    .map(|(_, l)| l.as_str())
                    .unwrap_or_default();
                spans.push(Span::styled(format!("< {label} >"), theme.input));
            }
        }
        lines.push(Line::from(spans));
        if let Some(error) = &field.error {
            // A refusal names what is wrong and what to do: all of it is shown, wrapped.
            let indent = " ".repeat(label_w + 2);
            let room = inner_w.saturating_sub(label_w + 4);
            for (n, part) in wrap_words(error, room).into_iter().enumerate() {
                let mark = if n == 0 { "! " } else { "  " };
                let text = format!("{indent}{mark}{part}");
                lines.push(Line::styled(truncate(&text, inner_w), theme.field_error));
            }
        }
        // The hint says what to type; once there is an error, the error says it.
        if focused && !field.hint.is_empty() && field.error.is_none() {
            let text = format!("{}{}", " ".repeat(label_w + 2), field.hint);
            lines.push(Line::styled(truncate(&text, inner_w), theme.dim));
        }
        if focused && !form.suggest.is_empty() {
            let indent = " ".repeat(label_w + 2);
            for (i, item) in form.suggest.items.iter().enumerate() {
                let style = if form.suggest.selected == Some(i) {
                    theme.selected
                } else {
                    theme.dim
                };
                let text = truncate(&format!("{indent}{}", item.label), inner_w);
                lines.push(Line::styled(fit(&text, inner_w), style));
            }
            // In a form j and the like are typed: the keys that work here.
            let key = |a| state.keymap.hint_in(a, Focus::Text).unwrap_or_default();
            let (down, open) = (key(Action::Down), key(Action::Open));
            let how = tf("tui.form.suggest", &[("down", &down), ("open", &open)]);
            lines.push(Line::styled(
                truncate(&format!("{indent}{how}"), inner_w),
                theme.key,
            ));
        }
        if focused {
            focus_span = (first, lines.len());
        }
    }

    let wanted = lines.len() as u16 + 2;
    let box_area = centered(area, box_w, wanted.min(area.height));
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", truncate(&form.title, inner_w.saturating_sub(2))),
            theme.title,
        ));
    let inner = block.inner(box_area);
    let height = inner.height as usize;
    let offset = focus_span.1.saturating_sub(height).min(focus_span.0);
    clear_under(frame, box_area);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .style(Style::new())
            .scroll((offset as u16, 0)),
        box_area,
    );
    if let Some((line, col)) = cursor {
        if line >= offset && line < offset + height {
            frame.set_cursor_position(Position::new(
                inner.x + col as u16,
                inner.y + (line - offset) as u16,
            ));
        }
    }
}
