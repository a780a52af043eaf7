//! Every style the screens use, by meaning. The default sticks to the 16 ANSI colours so it reads
//! on any terminal over SSH; with `NO_COLOR` set, meaning is kept by bold, reverse and underline.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub header: Style,
    pub tab_active: Style,
    pub tab_inactive: Style,
    pub column_header: Style,
    pub selected: Style,
    pub dim: Style,
    pub title: Style,
    pub border: Style,
    pub key: Style,
    pub status_ok: Style,
    pub status_error: Style,
    pub field_error: Style,
    pub input: Style,
    pub done: Style,
    pub waived: Style,
    pub todo: Style,
    pub due_soon: Style,
    pub overdue: Style,
    pub holiday: Style,
    pub makeup_workday: Style,
    pub weekend: Style,
    pub today: Style,
    pub session_marker: Style,
    /// The check-in tab: a check-in done, a second one refused, an arrival after the grace.
    pub checkin_ok: Style,
    pub checkin_warn: Style,
    pub late: Style,
}

impl Theme {
    /// The theme the environment asks for: `NO_COLOR` present and non-empty means no colours.
    pub fn from_env() -> Theme {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if no_color {
            Theme::monochrome()
        } else {
            Theme::coloured()
        }
    }

    pub fn coloured() -> Theme {
        let plain = Style::new();
        Theme {
            header: plain.fg(Color::Black).bg(Color::Cyan),
            tab_active: plain
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(Modifier::BOLD),
            tab_inactive: plain.fg(Color::Black).bg(Color::Cyan),
            column_header: plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: plain.add_modifier(Modifier::REVERSED),
            dim: plain.fg(Color::DarkGray),
            title: plain.add_modifier(Modifier::BOLD),
            border: plain.fg(Color::Cyan),
            key: plain.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            status_ok: plain.fg(Color::Green),
            status_error: plain.fg(Color::Red).add_modifier(Modifier::BOLD),
            field_error: plain.fg(Color::Red),
            input: plain.add_modifier(Modifier::UNDERLINED),
            done: plain.fg(Color::Green),
            waived: plain.fg(Color::DarkGray),
            todo: plain,
            due_soon: plain.fg(Color::Yellow),
            overdue: plain.fg(Color::Red).add_modifier(Modifier::BOLD),
            holiday: plain.fg(Color::Red),
            makeup_workday: plain.fg(Color::Magenta),
            weekend: plain.fg(Color::DarkGray),
            today: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            session_marker: plain.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            checkin_ok: plain.fg(Color::Green).add_modifier(Modifier::BOLD),
            // Black on yellow: seen from a step away, and nothing like the green tick.
            checkin_warn: plain
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            late: plain.fg(Color::Magenta).add_modifier(Modifier::BOLD),
        }
    }

    pub fn monochrome() -> Theme {
        let plain = Style::new();
        let bold = plain.add_modifier(Modifier::BOLD);
        let reverse = plain.add_modifier(Modifier::REVERSED);
        let underline = plain.add_modifier(Modifier::UNDERLINED);
        Theme {
            header: reverse,
            tab_active: bold,
            tab_inactive: reverse,
            column_header: bold,
            selected: reverse,
            // An attribute, not a colour: other months' days and hints still recede.
            dim: plain.add_modifier(Modifier::DIM),
            title: bold,
            border: plain,
            key: bold,
            status_ok: plain,
            status_error: bold,
            field_error: bold,
            input: underline,
            done: plain,
            waived: plain,
            todo: plain,
            due_soon: underline,
            overdue: bold.add_modifier(Modifier::UNDERLINED),
            holiday: bold,
            makeup_workday: underline,
            weekend: plain,
            today: bold.add_modifier(Modifier::UNDERLINED),
            session_marker: bold,
            checkin_ok: bold,
            checkin_warn: reverse.add_modifier(Modifier::BOLD),
            late: bold.add_modifier(Modifier::UNDERLINED),
        }
    }
}
