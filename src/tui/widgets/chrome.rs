//! The frame around the tabs: header (office, role, today, tab titles), status line, footer
//! hints from the keymap, and the confirmation box.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::text::{truncate, width, wrap_words};
use super::{centered, clear_under};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::app::{hints, Confirm, Otherwise, State, Tab};

/// A tab's title as the header may write it: full or short.
type Title = fn(Tab) -> String;

pub fn header(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    // Every tab stays in view: the date goes first when the line is short, then the role, then
    // the full titles for short ones (English ones are long), then the other tabs' titles
    // (their keys stay).
    let bar = |title: Title, compact: bool| -> Vec<(Tab, String)> {
        Tab::ALL
            .iter()
            .map(|tab| {
                let key = state.keymap.hint(tab.action()).unwrap_or_default();
                if compact && *tab != state.tab {
                    (*tab, format!(" {key} "))
                } else {
                    (*tab, format!(" {key} {} ", title(*tab)))
                }
            })
            .collect()
    };
    let today = tf("tui.header.today", &[("date", &state.today)]);
    let (name, role) = (&state.office.name, &state.office.role);
    let offices = [
        format!(" {name}  {role}  {today} "),
        format!(" {name}  {role} "),
        format!(" {name} "),
    ];
    let fits = |office: &String, tabs: &[(Tab, String)]| {
        let tabs_w: usize = tabs.iter().map(|(_, text)| width(text) + 1).sum();
        width(office) + tabs_w <= area.width as usize
    };
    let tiers: [(Title, bool); 3] = [
        (Tab::title, false),
        (Tab::short_title, false),
        (Tab::title, true),
    ];
    let (office, tabs) = tiers
        .into_iter()
        .map(|(title, compact)| bar(title, compact))
        .find_map(|tabs| {
            let office = offices.iter().find(|o| fits(o, &tabs))?.clone();
            Some((office, tabs))
        })
        .unwrap_or_else(|| (String::new(), bar(Tab::title, true)));
    let tabs_w: usize = tabs.iter().map(|(_, text)| width(text) + 1).sum();
    let used = width(&office) + tabs_w;
    let mut spans = vec![Span::styled(office, theme.header.patch(theme.title))];
    for (tab, text) in tabs {
        let style = if tab == state.tab {
            theme.tab_active
        } else {
            theme.tab_inactive
        };
        spans.push(Span::styled("│", theme.header));
        spans.push(Span::styled(text, style));
    }
    let rest = (area.width as usize).saturating_sub(used);
    spans.push(Span::styled(" ".repeat(rest), theme.header));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn status(frame: &mut Frame, area: Rect, state: &State) {
    let Some(status) = &state.status else {
        return;
    };
    // The 报表 tab shows a job's outcome whole above; the line under it would say it again.
    let outcome = state.reports.outcome.as_ref();
    if state.tab == Tab::Reports && outcome.is_some_and(|o| o.line() == status.text) {
        return;
    }
    let style = if status.error {
        state.theme.status_error
    } else {
        state.theme.status_ok
    };
    let text = truncate(&status.text.replace('\n', " "), area.width as usize);
    frame.render_widget(Paragraph::new(Line::styled(text, style)), area);
}

/// "key label" pairs for what is on screen, as many as fit; the keymap decides the keys.
pub fn footer(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let mut spans = Vec::new();
    let mut used = 0;
    let focus = state.focus();
    for (action, label) in hints(state) {
        // The key that works here: on the check-in tab `?` and `q` would be typed.
        let Some(key) = state.keymap.hint_in(action, focus) else {
            continue;
        };
        let label = t(&format!("tui.short.{label}"));
        let needed = width(&key) + 1 + width(&label) + 2;
        if used + needed > area.width as usize {
            break;
        }
        used += needed;
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn confirm(frame: &mut Frame, area: Rect, state: &State, confirm: &Confirm) {
    match &confirm.otherwise {
        None => question(
            frame,
            area,
            state,
            &confirm.message,
            (t("tui.confirm.yes"), t("tui.confirm.no")),
        ),
        Some(other) => two_ways(frame, area, state, &confirm.message, other),
    }
}

/// A question with two answers: both written out, the chosen one marked, and the keys that
/// choose, answer and back out.
fn two_ways(frame: &mut Frame, area: Rect, state: &State, message: &str, other: &Otherwise) {
    let theme = &state.theme;
    let inner_w = inner_width(area);
    let mut lines = message_lines(message, inner_w);
    lines.push(Line::raw(""));
    for (i, choice) in other.choices.iter().enumerate() {
        let chosen = other.chosen == (i == 1);
        let (mark, style) = if chosen {
            ("› ", theme.selected)
        } else {
            ("  ", ratatui::style::Style::new())
        };
        for (n, text) in wrap_words(choice, inner_w.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            let mark = if n == 0 { mark } else { "  " };
            lines.push(Line::styled(format!("{mark}{text}"), style));
        }
    }
    let key = |action| state.keymap.hint_untyped(action).unwrap_or_default();
    lines.extend([
        Line::raw(""),
        Line::from(vec![
            Span::styled(
                format!("{}/{}", key(Action::Up), key(Action::Down)),
                theme.key,
            ),
            Span::raw(format!(" {}   ", t("tui.confirm.choose"))),
            Span::styled(key(Action::Open), theme.key),
            Span::raw(format!(" {}   ", t("tui.confirm.yes"))),
            Span::styled(key(Action::Back), theme.key),
            Span::raw(format!(" {}", t("tui.confirm.cancel"))),
        ]),
    ]);
    boxed(frame, area, state, lines);
}

const BOX_WIDTH: u16 = 50;

/// The width inside a question's box on `area`.
fn inner_width(area: Rect) -> usize {
    BOX_WIDTH
        .saturating_sub(2)
        .min(area.width.saturating_sub(2)) as usize
}

fn message_lines(message: &str, width: usize) -> Vec<Line<'static>> {
    wrap_words(message, width)
        .into_iter()
        .map(Line::raw)
        .collect()
}

/// Asked on Esc in a form with something typed.
pub fn discard(frame: &mut Frame, area: Rect, state: &State, then_quit: bool) {
    let message = if then_quit {
        t("tui.confirm.discard_and_quit")
    } else {
        t("tui.confirm.discard")
    };
    question(
        frame,
        area,
        state,
        &message,
        (t("tui.short.discard"), t("tui.short.keep_editing")),
    );
}

/// A question in a box with the keys that answer it: Enter for `yes`, Esc for `no`.
fn question(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    message: &str,
    (yes_label, no_label): (String, String),
) {
    let theme = &state.theme;
    let yes = state.keymap.hint(Action::Open).unwrap_or_default();
    let no = state.keymap.hint(Action::Back).unwrap_or_default();
    let inner_w = inner_width(area);
    let mut lines = message_lines(message, inner_w);
    lines.extend([
        Line::raw(""),
        Line::from(vec![
            Span::styled(yes, theme.key),
            Span::raw(format!(" {yes_label}   ")),
            Span::styled(no, theme.key),
            Span::raw(format!(" {no_label}")),
        ]),
    ]);
    boxed(frame, area, state, lines);
}

/// The question's box, centred, tall enough for its lines (seven rows at least, as it always
/// was) within the screen.
fn boxed(frame: &mut Frame, area: Rect, state: &State, lines: Vec<Line>) {
    let theme = &state.theme;
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).max(7);
    let box_area = centered(area, BOX_WIDTH, height);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", t("tui.confirm.title")),
            theme.title,
        ));
    clear_under(frame, box_area);
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}
