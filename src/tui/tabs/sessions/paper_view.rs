//! The sign-in sheet entry as a box over the session: the numbers typed, then each ticked row's
//! name and enterprise, marked when that person was checked in already.

use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::paper::{preview, PaperEntry};
use crate::i18n::{t, tf};
use crate::tui::app::State;
use crate::tui::widgets::form::window;
use crate::tui::widgets::text::{fit, truncate, width};
use crate::tui::widgets::{centered, clear_under};

fn already_mark(at: chrono::NaiveDateTime) -> String {
    tf(
        "tui.paper.already",
        &[("time", &at.format("%H:%M").to_string())],
    )
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, entry: &PaperEntry) {
    let theme = &state.theme;
    let box_w = area.width.saturating_sub(2).min(76);
    let inner_w = box_w.saturating_sub(2) as usize;
    let label = t("tui.paper.numbers");
    let label_w = width(&label) + 1;
    let (shown, col) = window(&entry.input, inner_w.saturating_sub(label_w));
    let mut lines = vec![
        Line::styled(truncate(&t("tui.paper.how"), inner_w), theme.dim),
        Line::from(vec![
            Span::styled(format!("{label} "), theme.key),
            Span::styled(fit(&shown, inner_w.saturating_sub(label_w)), theme.input),
        ]),
    ];
    let detail = state.sessions.detail.as_ref();
    let people = super::paper::sheet_rows(detail);
    // Which paper the numbers are read against, and whether the list moved since it was printed.
    if let Some(printed) = detail.and_then(|d| d.printed.as_ref()) {
        lines.insert(
            1,
            Line::styled(
                truncate(
                    &tf(
                        "tui.paper.version",
                        &[("version", &printed.version), ("at", &printed.at)],
                    ),
                    inner_w,
                ),
                theme.dim,
            ),
        );
        if printed.added + printed.removed > 0 {
            lines.insert(
                2,
                Line::styled(
                    truncate(
                        &tf(
                            "tui.paper.drift",
                            &[("added", &printed.added), ("removed", &printed.removed)],
                        ),
                        inner_w,
                    ),
                    theme.due_soon,
                ),
            );
        }
    }
    // Room for the rows: the box may take the whole body less its borders and the lines above.
    let room = (area.height as usize).saturating_sub(lines.len() + 3);
    if entry.input.value().trim().is_empty() {
        lines.push(Line::raw(""));
    } else {
        match preview(entry.input.value(), people) {
            Ok(ticked) => {
                let already = ticked.iter().filter(|t| t.first_at.is_some()).count();
                lines.push(Line::styled(
                    truncate(
                        &tf(
                            "tui.paper.summary",
                            &[("new", &(ticked.len() - already)), ("already", &already)],
                        ),
                        inner_w,
                    ),
                    theme.checkin_ok,
                ));
                let shown_rows = if ticked.len() > room {
                    room.saturating_sub(1)
                } else {
                    ticked.len()
                };
                let already_w = ticked
                    .iter()
                    .filter_map(|t| t.first_at)
                    .map(|at| width(&already_mark(at)) + 1)
                    .max()
                    .unwrap_or(0);
                let enterprise_w = inner_w.saturating_sub(16 + already_w).max(6);
                for tick in &ticked[..shown_rows] {
                    let mark = tick.first_at.map(already_mark).unwrap_or_default();
                    let text = format!(
                        "{:>4} {} {} {}",
                        tick.number,
                        fit(&tick.row.name, 10),
                        fit(&tick.row.enterprise, enterprise_w),
                        mark
                    );
                    let style = if tick.first_at.is_some() {
                        theme.dim
                    } else {
                        ratatui::style::Style::new()
                    };
                    lines.push(Line::styled(truncate(text.trim_end(), inner_w), style));
                }
                if shown_rows < ticked.len() {
                    lines.push(Line::styled(
                        tf("tui.paper.more", &[("count", &(ticked.len() - shown_rows))]),
                        theme.dim,
                    ));
                }
            }
            Err(message) => {
                lines.push(Line::styled(truncate(&message, inner_w), theme.field_error))
            }
        }
    }
    let box_area = centered(area, box_w, lines.len() as u16 + 2);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(
                " {} ",
                truncate(
                    &tf("tui.paper.title", &[("title", &entry.title)]),
                    inner_w.saturating_sub(2)
                )
            ),
            theme.title,
        ));
    let inner = block.inner(box_area);
    clear_under(frame, box_area);
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
    if inner.height > 1 {
        frame.set_cursor_position(Position::new(inner.x + (label_w + col) as u16, inner.y + 1));
    }
}
