//! Drawing the 日历 tab: the month grid and the selected day's agenda.

use chrono::{Datelike, NaiveDate};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::update::{back_days, first_of_month, next_day};
use super::CalendarState;
use super::{AgendaEntry, Deadline};
use crate::campaign::{campaign, DayKind};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::labels::{kind_label, weekday_label, weekday_of, WEEK};
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{fit, status_style, truncate, truncate_middle, width};

/// Day cells are six columns at 80x24 (a two-digit day and its deadline mark above, holiday and
/// session marks below) and grow on wider terminals, leaving the agenda at least 36 columns.
fn cell_width(area: Rect) -> u16 {
    (area.width.saturating_sub(38) / 7).clamp(6, 10)
}

pub fn render(frame: &mut Frame, area: Rect, tab: &CalendarState, view: &View) {
    let cell = cell_width(area);
    let [grid_area, agenda_area] =
        Layout::horizontal([Constraint::Length(cell * 7 + 2), Constraint::Min(20)]).areas(area);
    render_grid(frame, grid_area, tab, view, cell);
    render_agenda(frame, agenda_area, tab, view);
}

fn day_kind_style(theme: &Theme, kind: &DayKind) -> Style {
    match kind {
        DayKind::Holiday(_) => theme.holiday,
        DayKind::MakeupWorkday(_) => theme.makeup_workday,
        DayKind::Weekend => theme.weekend,
        DayKind::Workday => Style::new(),
    }
}

/// The two lines of one day's cell: the number with its deadline mark, then holiday and
/// session marks. Days of the neighbouring months keep their marks, dimmed.
fn day_cell(
    tab: &CalendarState,
    view: &View,
    day: NaiveDate,
    cell_w: usize,
) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
    let theme = view.theme;
    let cal = tab;
    let in_month = day.month() == cal.selected.month();
    let indent = usize::from(cell_w > 6);
    let kind = campaign().holidays.kind(day);
    // Marks of another month's days are dim, whatever they mean.
    let mark = |style: Style| if in_month { style } else { theme.dim };
    let mut number_style = mark(day_kind_style(view.theme, &kind));
    if day == view.today {
        number_style = number_style.patch(theme.today);
    }
    let mut back = Style::new();
    if day == cal.selected {
        number_style = number_style.patch(theme.selected);
        back = theme.selected;
    }

    let mut top = vec![Span::styled(
        format!("{:>pad$}", day.day(), pad = 2 + indent),
        number_style,
    )];
    let mut used = 2 + indent;
    if let Some(status) = cal.deadline_status(day) {
        let text = t("tui.calendar.deadline_mark");
        used += width(&text);
        top.push(Span::styled(
            text,
            mark(status_style(theme, status)).patch(back),
        ));
    }
    top.push(Span::styled(" ".repeat(cell_w.saturating_sub(used)), back));

    let mut bottom = vec![Span::styled(" ".repeat(indent), back)];
    let mut used = indent;
    let holiday = match &kind {
        DayKind::Holiday(_) => Some((t("tui.calendar.holiday_mark"), theme.holiday)),
        DayKind::MakeupWorkday(_) => Some((t("tui.calendar.makeup_mark"), theme.makeup_workday)),
        _ => None,
    };
    if let Some((text, style)) = holiday {
        used += width(&text);
        bottom.push(Span::styled(text, mark(style).patch(back)));
    }
    if let Some(n) = cal.sessions.get(&day).map(Vec::len).filter(|n| *n > 0) {
        let text = tf("tui.calendar.sessions_mark", &[("n", &n)]);
        let text = truncate(&text, cell_w.saturating_sub(used));
        used += width(&text);
        bottom.push(Span::styled(text, mark(theme.session_marker).patch(back)));
    }
    bottom.push(Span::styled(" ".repeat(cell_w.saturating_sub(used)), back));
    (top, bottom)
}

fn render_grid(frame: &mut Frame, area: Rect, tab: &CalendarState, view: &View, cell_w: u16) {
    let cell_w = cell_w as usize;
    let theme = view.theme;
    let selected = tab.selected;
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

    // A blank line between weeks when there is room: weekdays, 6 weeks, two legend lines.
    let spaced = inner.height >= 6 * 3 + 3;
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

    let first = first_of_month(selected);
    let lead = i64::from(first.weekday().num_days_from_monday());
    let mut day = back_days(first, lead);
    for _week in 0..6 {
        let mut numbers: Vec<Span> = Vec::new();
        let mut markers: Vec<Span> = Vec::new();
        for _ in 0..7 {
            let (top, bottom) = day_cell(tab, view, day, cell_w);
            numbers.extend(top);
            markers.extend(bottom);
            day = next_day(day);
        }
        lines.push(Line::from(numbers));
        lines.push(Line::from(markers));
        if spaced {
            lines.push(Line::raw(""));
        }
    }
    let mark = tf("tui.calendar.sessions_mark", &[("n", &3)]);
    lines.push(Line::from(vec![
        Span::styled(t("tui.calendar.holiday_mark"), theme.holiday),
        Span::raw(format!(" {}  ", t("tui.calendar.legend_holiday"))),
        Span::styled(t("tui.calendar.makeup_mark"), theme.makeup_workday),
        Span::raw(format!(" {}  ", t("tui.calendar.legend_makeup"))),
        Span::styled(t("tui.calendar.deadline_mark"), theme.overdue),
        Span::raw(format!(" {}", t("tui.calendar.legend_deadline"))),
    ]));
    lines.push(Line::from(vec![
        Span::styled(mark.clone(), theme.session_marker),
        Span::raw(format!(
            " {}",
            tf("tui.calendar.legend_sessions", &[("n", &3)])
        )),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A session in the agenda: two lines (time, kind, title; venue) or one when room is short.
fn session_lines(theme: &Theme, s: &AgendaEntry, room: usize, compact: bool) -> Vec<Line<'static>> {
    let head = if compact {
        format!("{} ", s.start.format("%H:%M"))
    } else {
        format!(
            "{}-{} {} ",
            s.start.format("%H:%M"),
            s.end.format("%H:%M"),
            kind_label(s.kind)
        )
    };
    let title = truncate_middle(&s.title, room.saturating_sub(width(&head)));
    let mut out = vec![Line::from(vec![
        Span::styled(head, theme.session_marker),
        Span::raw(title),
    ])];
    if !compact {
        out.push(Line::styled(
            truncate(&format!("  @ {}", s.venue), room),
            theme.dim,
        ));
    }
    out
}

/// A deadline in the agenda: status and title, then for units' items how many closed it and
/// which have not (on a second line when there is room, else after the title).
fn deadline_lines(theme: &Theme, d: &Deadline, room: usize, compact: bool) -> Vec<Line<'static>> {
    let label = format!("{} ", d.status.label());
    let Some((total, closed)) = d.units else {
        let title = truncate_middle(&d.title, room.saturating_sub(width(&label)));
        return vec![Line::from(vec![
            Span::styled(label, status_style(theme, d.status)),
            Span::raw(title),
        ])];
    };
    let count = tf(
        "tui.calendar.units_closed",
        &[("closed", &closed), ("total", &total)],
    );
    if compact {
        let title_room = room.saturating_sub(width(&label) + width(&count) + 1);
        return vec![Line::from(vec![
            Span::styled(label, status_style(theme, d.status)),
            Span::raw(truncate_middle(&d.title, title_room)),
            Span::styled(format!(" {count}"), theme.dim),
        ])];
    }
    let mut detail = format!("  {count}");
    if !d.open_units.is_empty() {
        detail.push_str(&tf(
            "tui.calendar.units_open",
            &[("units", &d.open_units.join("、"))],
        ));
    }
    vec![
        Line::from(vec![
            Span::styled(label.clone(), status_style(theme, d.status)),
            Span::raw(truncate_middle(
                &d.title,
                room.saturating_sub(width(&label)),
            )),
        ]),
        Line::styled(truncate(&detail, room), theme.dim),
    ]
}

/// A list cut to `room` lines: when it does not fit, its last line says how many are left.
fn cut(
    mut lines: Vec<Line<'static>>,
    room: usize,
    more: impl Fn(usize) -> Line<'static>,
) -> Vec<Line<'static>> {
    if lines.len() > room {
        let keep = room.saturating_sub(1);
        let left = lines.len() - keep;
        lines.truncate(keep);
        lines.push(more(left));
    }
    lines
}

fn render_agenda(frame: &mut Frame, area: Rect, tab: &CalendarState, view: &View) {
    let theme = view.theme;
    let cal = tab;
    let day = cal.selected;
    let weekday = weekday_of(day);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" {day} {weekday} "), theme.title));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let room = inner.width as usize;
    let height = inner.height as usize;

    let kind = campaign().holidays.kind(day);
    let kind_text = match &kind {
        DayKind::Workday => t("tui.calendar.workday"),
        DayKind::Weekend => t("tui.calendar.weekend"),
        DayKind::Holiday(name) => tf("tui.calendar.holiday", &[("name", name)]),
        DayKind::MakeupWorkday(name) => tf("tui.calendar.makeup", &[("name", name)]),
    };
    let mut lines = vec![
        Line::styled(fit(&kind_text, room), day_kind_style(view.theme, &kind)),
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
    let left = height.saturating_sub(lines.len());
    // Deadlines take what they need up to half; sessions the rest.
    let deadline_need = if deadlines.is_empty() {
        0
    } else {
        deadlines.len() + 1 + usize::from(!sessions.is_empty())
    };
    // (Each deadline's second line is a nicety: the sessions do not make room for it.)
    let session_room = if sessions.is_empty() {
        0
    } else {
        left.saturating_sub(deadline_need.min(left / 2)).max(2)
    };
    if !sessions.is_empty() {
        lines.push(Line::styled(
            tf("tui.calendar.sessions_n", &[("n", &sessions.len())]),
            theme.column_header,
        ));
        let rows = session_room.saturating_sub(1);
        let compact = sessions.len() * 2 > rows;
        let body: Vec<Line> = sessions
            .iter()
            .flat_map(|s| session_lines(view.theme, s, room, compact))
            .collect();
        let open = view.keymap.hint(Action::Open).unwrap_or_default();
        // Cut only when compact, one line a session: what is left over is sessions.
        lines.extend(cut(body, rows, |n| {
            Line::styled(
                tf("tui.calendar.more_sessions", &[("n", &n), ("key", &open)]),
                theme.dim,
            )
        }));
    }
    if !deadlines.is_empty() {
        if !sessions.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(
            tf("tui.calendar.deadlines_n", &[("n", &deadlines.len())]),
            theme.column_header,
        ));
        let rows = height.saturating_sub(lines.len());
        let tall: usize = deadlines
            .iter()
            .map(|d| 1 + usize::from(d.units.is_some()))
            .sum();
        let compact = tall > rows;
        let body: Vec<Line> = deadlines
            .iter()
            .flat_map(|d| deadline_lines(view.theme, d, room, compact))
            .collect();
        lines.extend(cut(body, rows, |n| {
            Line::styled(tf("tui.calendar.more_deadlines", &[("n", &n)]), theme.dim)
        }));
    }
    let visible: Vec<Line> = lines.into_iter().take(height).collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
