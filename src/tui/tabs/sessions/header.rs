//! The top of a session's detail: what the session is, laid out so nothing is lost at 80
//! columns. The title, date and counts always show (`sticky`); venue, units, audience and the
//! courses (one entry each) wrap, and scroll with ←/→ when they are taller than their room.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Detail;
use crate::campaign::{campaign, unit_name};
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::labels::{kind_label, weekday_of};
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{truncate_middle, width, wrap_words};

/// Gap between fields that share a line.
const GAP: &str = "   ";

pub struct Header {
    /// Always on screen: title, date and time, 报名 and 签到 counts.
    pub sticky: Vec<Line<'static>>,
    /// Scrolls when it does not fit.
    pub rest: Vec<Line<'static>>,
}

/// "label value" with the value wrapped to `w` columns, its later lines under the value.
fn field(label: &str, value: &str, w: usize, label_style: Style) -> Vec<Line<'static>> {
    hanging(Some(label), width(label), value, w, label_style)
}

/// `text` wrapped with a hanging indent of `indent` columns (+1 for the space after a label);
/// the first line starts with `label` when there is one.
fn hanging(
    label: Option<&str>,
    indent: usize,
    text: &str,
    w: usize,
    label_style: Style,
) -> Vec<Line<'static>> {
    let room = w.saturating_sub(indent + 1).max(8);
    wrap_words(text, room)
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let lead = match (i, label) {
                (0, Some(label)) => Span::styled(format!("{label} "), label_style),
                _ => Span::raw(" ".repeat(indent + 1)),
            };
            Line::from(vec![lead, Span::raw(part)])
        })
        .collect()
}

/// Short fields side by side while they fit, a new line when the next one does not; a field
/// too long for a line of its own wraps.
fn flow(fields: &[(String, String)], w: usize, label_style: Style) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (label, value) in fields {
        let need = width(label) + 1 + width(value);
        let gap = if current.is_empty() { 0 } else { width(GAP) };
        if used + gap + need <= w {
            if gap > 0 {
                current.push(Span::raw(GAP));
            }
            current.push(Span::styled(format!("{label} "), label_style));
            current.push(Span::raw(value.clone()));
            used += gap + need;
            continue;
        }
        if !current.is_empty() {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if need <= w {
            current.push(Span::styled(format!("{label} "), label_style));
            current.push(Span::raw(value.clone()));
            used = need;
        } else {
            lines.extend(field(label, value, w, label_style));
        }
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}

/// The title on at most two lines with the kind after it; a longer one loses its middle.
fn title_lines(title: &str, kind: String, w: usize, theme: &Theme) -> Vec<Line<'static>> {
    let room = w.saturating_sub(width(&kind) + 2).max(8);
    let mut parts = wrap_words(title, room);
    if parts.len() > 2 {
        // The first line is the start of the title; the second shows what follows it.
        let rest = title.get(parts[0].len()..).unwrap_or_default().trim_start();
        parts = vec![parts[0].clone(), truncate_middle(rest, room)];
    }
    let mut lines: Vec<Line<'static>> = parts
        .into_iter()
        .map(|p| Line::from(Span::styled(p, theme.title)))
        .collect();
    if let Some(first) = lines.first_mut() {
        first.spans.push(Span::raw("  "));
        first.spans.push(Span::styled(kind, theme.session_marker));
    }
    lines
}

fn course_text(course: &crate::domain::SessionCourse) -> String {
    let title = campaign()
        .course(&course.course)
        .map(|x| x.title.clone())
        .unwrap_or_default();
    if course.lecturer.is_empty() {
        format!("{} {title}", course.course)
    } else {
        format!("{} {title}（{}）", course.course, course.lecturer)
    }
}

pub fn header(theme: &Theme, detail: &Detail, w: usize) -> Header {
    let label = theme.column_header;
    let s = &detail.row.session;
    let mut sticky = title_lines(&s.title, kind_label(s.kind), w, theme);
    let when = format!(
        "{} {} {}-{}",
        s.date,
        weekday_of(s.date),
        s.start.format("%H:%M"),
        s.end.format("%H:%M")
    );
    // The counts are what a coordinator looks for: they come before anything that can wrap.
    sticky.extend(flow(
        &[
            (t("tui.col.date"), when),
            (
                t("tui.col.enrolled"),
                format!("{}/{}", detail.row.enrolled, s.capacity),
            ),
            (t("tui.col.present"), detail.row.present.to_string()),
        ],
        w,
        label,
    ));

    let mut rest = field(&t("tui.col.venue"), &s.venue, w, label);
    let units: Vec<String> = s.units.iter().map(|u| unit_name(u)).collect();
    let dash = || "-".to_string();
    rest.extend(flow(
        &[
            (t("tui.field.host"), unit_name(&s.host)),
            (
                t("tui.field.cohost"),
                s.cohost.as_deref().map(unit_name).unwrap_or_else(dash),
            ),
            (t("tui.field.units"), units.join("、")),
        ],
        w,
        label,
    ));
    let audience = if s.audience.is_empty() {
        dash()
    } else {
        s.audience.clone()
    };
    rest.extend(field(&t("tui.field.audience"), &audience, w, label));
    let teachers: Vec<String> = detail
        .sent_teachers()
        .iter()
        .map(|teacher| crate::app::teachers::named(teacher))
        .collect();
    if !teachers.is_empty() {
        rest.extend(field(
            &t("tui.field.teacher"),
            &teachers.join(&t("cli.list_sep")),
            w,
            label,
        ));
    }
    let courses_label = t("tui.field.courses");
    if s.courses.is_empty() {
        rest.extend(field(&courses_label, "-", w, label));
    }
    for (i, course) in s.courses.iter().enumerate() {
        let lead = (i == 0).then_some(courses_label.as_str());
        rest.extend(hanging(
            lead,
            width(&courses_label),
            &course_text(course),
            w,
            label,
        ));
    }
    Header { sticky, rest }
}

/// Rows the header may use in a body `height` rows tall above a list of `list` rows: what the
/// list (with its blank line, filter and column header) leaves, and at least half the body.
pub fn budget(height: usize, list: usize) -> usize {
    (height / 2).max(height.saturating_sub(list.max(1) + 3))
}

/// How the header sits in `height` rows: the scrolling part's rows, and whether one of them is
/// the "more" line.
fn rest_room(height: usize, header: &Header) -> (usize, bool) {
    let room = height.max(header.sticky.len() + 2);
    let rest_room = room.saturating_sub(header.sticky.len());
    if header.rest.len() <= rest_room {
        (header.rest.len(), false)
    } else {
        (rest_room.saturating_sub(1).max(1), true)
    }
}

/// How far the header's scrolling part can scroll in `height` rows.
pub fn max_scroll(header: &Header, height: usize) -> usize {
    let (rows, more) = rest_room(height, header);
    if more {
        header.rest.len().saturating_sub(rows)
    } else {
        0
    }
}

/// The header's lines in `height` rows (see `budget`), scrolled by `scroll` (clamped).
pub fn lines(view: &View, header: Header, height: usize, scroll: usize) -> Vec<Line<'static>> {
    let (rows, more) = rest_room(height, &header);
    let scroll = scroll.min(max_scroll(&header, height));
    let below = header.rest.len().saturating_sub(scroll + rows);
    let mut out = header.sticky;
    out.extend(header.rest.into_iter().skip(scroll).take(rows));
    if more {
        let key = |a| view.keymap.hint(a).unwrap_or_default();
        let (left, right) = (key(Action::Left), key(Action::Right));
        let text = if below > 0 {
            tf("tui.sessions.info_more", &[("n", &below), ("key", &right)])
        } else {
            tf("tui.sessions.info_end", &[("key", &left)])
        };
        out.push(Line::styled(text, view.theme.dim));
    }
    out
}

/// The scroll limit at the terminal size `update` knows (`State::viewport`).
pub fn max_scroll_at(viewport: (u16, u16), detail: &Detail) -> usize {
    let (w, h) = viewport;
    // The tab area: the screen less the header, status and footer rows.
    let body = usize::from(h.saturating_sub(3));
    let room = budget(body, detail.visible().len());
    // Styles do not change how many lines the header takes.
    max_scroll(&header(&Theme::monochrome(), detail, usize::from(w)), room)
}
