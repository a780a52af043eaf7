//! 日历: a month grid (Monday first) with session counts, statutory holidays (休) and make-up
//! workdays (班), and the agenda of the selected day: its sessions and the office's deadlines.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::campaign::{campaign, DayKind};
use crate::domain::checklist::{ChecklistRow, ItemStatus};
use crate::domain::{Session, SessionKind};
use crate::i18n::{t, tf};
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay, State, Tab};
use crate::tui::forms::Form;
use crate::tui::labels::{kind_label, weekday_label, weekday_of, WEEK};
use crate::tui::widgets::text::{fit, status_style, width};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaEntry {
    pub id: String,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub kind: SessionKind,
    pub title: String,
    pub venue: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub title: String,
    pub status: ItemStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarState {
    pub selected: NaiveDate,
    pub sessions: BTreeMap<NaiveDate, Vec<AgendaEntry>>,
    pub deadlines: BTreeMap<NaiveDate, Vec<Deadline>>,
}

impl CalendarState {
    pub fn new(today: NaiveDate) -> CalendarState {
        CalendarState {
            selected: today,
            sessions: BTreeMap::new(),
            deadlines: BTreeMap::new(),
        }
    }

    /// Fills the grid from every session and the office's own checklist.
    pub fn set_data(&mut self, sessions: &[Session], own_items: &[ChecklistRow]) {
        self.sessions.clear();
        for s in sessions {
            self.sessions.entry(s.date).or_default().push(AgendaEntry {
                id: s.id.clone(),
                start: s.start,
                end: s.end,
                kind: s.kind,
                title: s.title.clone(),
                venue: s.venue.clone(),
            });
        }
        self.deadlines.clear();
        for row in own_items {
            self.deadlines.entry(row.due).or_default().push(Deadline {
                title: row.title.clone(),
                status: row.status,
            });
        }
    }
}

fn shift_days(d: NaiveDate, n: i64) -> NaiveDate {
    let moved = if n >= 0 {
        d.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        d.checked_sub_days(Days::new(n.unsigned_abs()))
    };
    moved.unwrap_or(d)
}

/// The same day in the next or previous month, clamped to its length (1/31 -> 2/28).
fn shift_months(d: NaiveDate, forward: bool) -> NaiveDate {
    let moved = if forward {
        d.checked_add_months(Months::new(1))
    } else {
        d.checked_sub_months(Months::new(1))
    };
    moved.unwrap_or(d)
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn last_of_month(d: NaiveDate) -> NaiveDate {
    let first = first_of_month(d);
    shift_days(shift_months(first, true), -1)
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    let cal = &mut state.calendar;
    match action {
        Action::Left => cal.selected = shift_days(cal.selected, -1),
        Action::Right => cal.selected = shift_days(cal.selected, 1),
        Action::Up => cal.selected = shift_days(cal.selected, -7),
        Action::Down => cal.selected = shift_days(cal.selected, 7),
        Action::PageUp => cal.selected = shift_months(cal.selected, false),
        Action::PageDown => cal.selected = shift_months(cal.selected, true),
        Action::Top => cal.selected = first_of_month(cal.selected),
        Action::Bottom => cal.selected = last_of_month(cal.selected),
        Action::Today => cal.selected = state.today,
        Action::Open => {
            let day = cal.selected;
            if state.sessions.select_date(day) {
                state.tab = Tab::Sessions;
            } else {
                state.info(t("tui.calendar.no_sessions"));
            }
        }
        Action::Add => {
            state.overlay = Overlay::Form(Form::new_session(&state.office.id, cal.selected));
        }
        _ => {}
    }
    None
}

pub fn hints(_state: &State) -> Vec<Hint> {
    vec![
        (Action::Open, "open"),
        (Action::Add, "add"),
        (Action::PageDown, "next_month"),
        (Action::Today, "today"),
    ]
}

/// Day cells are six columns at 80x24 (a two-digit day, then markers of up to four columns) and
/// grow on wider terminals, leaving the agenda at least 36 columns.
fn cell_width(area: Rect) -> u16 {
    (area.width.saturating_sub(38) / 7).clamp(6, 10)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let cell = cell_width(area);
    let [grid_area, agenda_area] =
        Layout::horizontal([Constraint::Length(cell * 7 + 2), Constraint::Min(20)]).areas(area);
    render_grid(frame, grid_area, state, cell);
    render_agenda(frame, agenda_area, state);
}

fn day_kind_style(state: &State, kind: &DayKind) -> Style {
    match kind {
        DayKind::Holiday(_) => state.theme.holiday,
        DayKind::MakeupWorkday(_) => state.theme.makeup_workday,
        DayKind::Weekend => state.theme.weekend,
        DayKind::Workday => Style::new(),
    }
}

fn render_grid(frame: &mut Frame, area: Rect, state: &State, cell_w: u16) {
    let cell_w = cell_w as usize;
    let theme = &state.theme;
    let cal = &state.calendar;
    let selected = cal.selected;
    let title = tf(
        "tui.calendar.month_title",
        &[
            ("year", &selected.year()),
            ("month", &selected.month()),
            ("name", &t(&format!("tui.month.m{}", selected.month()))),
        ],
    );
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {title} "), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    // A blank line between weeks when there is room: title, weekdays, 6 weeks, legend.
    let spaced = inner.height >= 6 * 3 + 2;
    // Wide cells start one column in, so numbers and markers do not touch the previous day.
    let indent = usize::from(cell_w > 6);
    let mut lines: Vec<Line> = Vec::new();
    let names: Vec<Span> = WEEK
        .iter()
        .map(|d| {
            Span::styled(
                fit(
                    &format!("{}{}", " ".repeat(indent), weekday_label(*d)),
                    cell_w,
                ),
                theme.column_header,
            )
        })
        .collect();
    lines.push(Line::from(names));

    let holidays = &campaign().holidays;
    let first = first_of_month(selected);
    let lead = i64::from(first.weekday().num_days_from_monday());
    let mut day = shift_days(first, -lead);
    for _week in 0..6 {
        let mut numbers: Vec<Span> = Vec::new();
        let mut markers: Vec<Span> = Vec::new();
        for _ in 0..7 {
            let in_month = day.month() == selected.month();
            let kind = holidays.kind(day);
            let mut number_style = day_kind_style(state, &kind);
            if !in_month {
                number_style = theme.dim;
            }
            if day == state.today {
                number_style = number_style.patch(theme.today);
            }
            let mut marker_style = Style::new();
            if day == selected {
                number_style = number_style.patch(theme.selected);
                marker_style = theme.selected;
            }
            numbers.push(Span::styled(
                fit(&format!("{:>pad$}", day.day(), pad = 2 + indent), cell_w),
                number_style,
            ));
            let mut cell: Vec<Span> = vec![Span::styled(" ".repeat(indent), marker_style)];
            let mut used = indent;
            if in_month {
                let mark = match &kind {
                    DayKind::Holiday(_) => Some((t("tui.calendar.holiday_mark"), theme.holiday)),
                    DayKind::MakeupWorkday(_) => {
                        Some((t("tui.calendar.makeup_mark"), theme.makeup_workday))
                    }
                    _ => None,
                };
                if let Some((text, style)) = mark {
                    used += width(&text);
                    cell.push(Span::styled(text, style.patch(marker_style)));
                }
                if let Some(n) = cal.sessions.get(&day).map(Vec::len).filter(|n| *n > 0) {
                    let text = tf("tui.calendar.sessions_mark", &[("n", &n)]);
                    let text = fit(&text, (cell_w).saturating_sub(used));
                    used += width(text.trim_end());
                    cell.push(Span::styled(
                        text.trim_end().to_string(),
                        theme.session_marker.patch(marker_style),
                    ));
                }
            }
            cell.push(Span::styled(
                " ".repeat((cell_w).saturating_sub(used)),
                marker_style,
            ));
            markers.extend(cell);
            day = shift_days(day, 1);
        }
        lines.push(Line::from(numbers));
        lines.push(Line::from(markers));
        if spaced {
            lines.push(Line::raw(""));
        }
    }
    let legend = Line::from(vec![
        Span::styled(t("tui.calendar.holiday_mark"), theme.holiday),
        Span::raw(format!(" {}  ", t("tui.calendar.legend_holiday"))),
        Span::styled(t("tui.calendar.makeup_mark"), theme.makeup_workday),
        Span::raw(format!(" {}  ", t("tui.calendar.legend_makeup"))),
        Span::styled(
            tf("tui.calendar.sessions_mark", &[("n", &"n")]),
            theme.session_marker,
        ),
    ]);
    lines.push(legend);
    frame.render_widget(Paragraph::new(lines), inner);
}

fn render_agenda(frame: &mut Frame, area: Rect, state: &State) {
    let theme = &state.theme;
    let cal = &state.calendar;
    let day = cal.selected;
    let weekday = weekday_of(day);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {day} {weekday} "), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let room = inner.width as usize;

    let kind = campaign().holidays.kind(day);
    let kind_text = match &kind {
        DayKind::Workday => t("tui.calendar.workday"),
        DayKind::Weekend => t("tui.calendar.weekend"),
        DayKind::Holiday(name) => tf("tui.calendar.holiday", &[("name", name)]),
        DayKind::MakeupWorkday(name) => tf("tui.calendar.makeup", &[("name", name)]),
    };
    let mut lines = vec![
        Line::styled(fit(&kind_text, room), day_kind_style(state, &kind)),
        Line::raw(""),
    ];
    let sessions = cal
        .sessions
        .get(&day)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let deadlines = cal
        .deadlines
        .get(&day)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if sessions.is_empty() && deadlines.is_empty() {
        lines.push(Line::styled(t("tui.calendar.nothing"), theme.dim));
    }
    if !sessions.is_empty() {
        lines.push(Line::styled(
            t("tui.calendar.sessions"),
            theme.column_header,
        ));
        for s in sessions {
            let head = format!(
                "{}-{} {} ",
                s.start.format("%H:%M"),
                s.end.format("%H:%M"),
                kind_label(s.kind)
            );
            let head_width = width(&head);
            lines.push(Line::from(vec![
                Span::styled(head, theme.session_marker),
                Span::raw(fit(&s.title, room.saturating_sub(head_width))),
            ]));
            lines.push(Line::styled(
                fit(&format!("  @ {}", s.venue), room),
                theme.dim,
            ));
        }
    }
    if !deadlines.is_empty() {
        if !sessions.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            t("tui.calendar.deadlines"),
            theme.column_header,
        ));
        for d in deadlines {
            let label = d.status.label();
            let label_width = width(&label) + 1;
            lines.push(Line::from(vec![
                Span::styled(format!("{label} "), status_style(theme, d.status)),
                Span::raw(fit(&d.title, room.saturating_sub(label_width))),
            ]));
        }
    }
    let visible: Vec<Line> = lines.into_iter().take(inner.height as usize).collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
