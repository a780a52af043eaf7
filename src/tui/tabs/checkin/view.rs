//! Drawing the 签到 tab and its session picker. Only the rows that fit are drawn, and nothing
//! here reads the store or the clock: times come from the check-ins themselves.
//!
//! ```text
//! title of the session                                   已签到 87 / 120  72%
//! 04-18 周二 09:00-17:15  venue              09:15 后到达记为迟到
//! ✓ 已签到 张三 · 鄂州市华宇光电科技有限公司 · 08:52          <- banner
//! › zs_                                                  3 人
//!   姓名     企业                        职务     手机         状态
//! > 张三     鄂州市华宇光电科技有限公司  专员     138****1234  08:52 签到
//!   ──── 不在本场次名单中 ────
//!   张珊     ...
//! ```

use chrono::Datelike;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::banner::banner_line;
use super::state::{CheckinState, Door, IndexJob, LIMIT, OTHERS};
use crate::domain::text::mask_phone;
use crate::i18n::{t, tf};
use crate::search::door::Found;
use crate::tui::action::Action;
use crate::tui::app::Overlay;
use crate::tui::context::View;
use crate::tui::keymap::Focus;
use crate::tui::labels::weekday_of;
use crate::tui::tabs::sessions::SessionRow;
use crate::tui::widgets::text::{
    clip_line, fit, fit_right, page, truncate, truncate_middle, width, wrap_words,
};
use crate::tui::widgets::{centered, clear_under};

/// Column widths for a screen `w` wide; the enterprise takes what is left.
struct Columns {
    name: usize,
    enterprise: usize,
    position: usize,
    phone: usize,
    status: usize,
}

impl Columns {
    fn for_width(w: usize) -> Columns {
        let wide = w >= 100;
        let (name, phone, status) = (if wide { 10 } else { 8 }, 12, 10);
        let position = if wide { 14 } else { 8 };
        let enterprise = w
            .saturating_sub(2 + name + position + phone + status + 4)
            .max(6);
        Columns {
            name,
            enterprise,
            position,
            phone,
            status,
        }
    }
}

/// `sessions` are the 场次 tab's rows, which the door's session is chosen from.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    tab: &CheckinState,
    sessions: &[SessionRow],
    view: &View,
) {
    let c = tab;
    let Some(door) = &c.door else {
        let office = &view.office.id;
        let runs_none = !sessions
            .iter()
            .any(|r| crate::log::authority::may_keep_list(office, &r.session));
        let text = if runs_none {
            t("tui.checkin.no_sessions")
        } else {
            t("tui.checkin.opening")
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, view.theme.dim)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    };
    let w = area.width as usize;
    let mut lines = vec![title_line(view, door, w)];
    lines.extend(session_lines(tab, view, door, w));
    lines.push(banner_line(tab, view, w));
    let query_row = lines.len();
    lines.push(query_line(tab, view, w));
    let room = (area.height as usize).saturating_sub(lines.len());
    if c.query.value().is_empty() {
        lines.extend(recent_lines(tab, view, w, room));
    } else if c.results.is_empty() {
        let key = enter_key(view);
        // Until the office index is in, only this list was searched.
        let indexing = c.index == IndexJob::Building;
        let message = if crate::search::too_few_digits(c.query.value()) {
            "tui.checkin.too_few_digits"
        } else if indexing {
            "tui.checkin.not_found_yet"
        } else {
            "tui.checkin.not_found"
        };
        let text = tf(
            message,
            &[
                ("query", &c.query.value()),
                ("key", &key),
                ("digits", &crate::search::PHONE_TAIL_DIGITS),
            ],
        );
        lines.push(Line::styled(truncate(&text, w), view.theme.due_soon));
    } else {
        lines.extend(result_lines(tab, view, w, room));
    }
    frame.render_widget(Paragraph::new(lines), area);
    // The line always has the keys here; an overlay on top places its own cursor or none.
    if *view.overlay == Overlay::None {
        let prompt = width(&t("tui.checkin.prompt")) + 1;
        let x = area.x + (prompt + width(c.query.before_cursor())) as u16;
        frame.set_cursor_position(Position::new(
            x.min(area.right().saturating_sub(1)),
            area.y + query_row as u16,
        ));
    }
}

fn title_line(view: &View, door: &Door, w: usize) -> Line<'static> {
    let count = tf(
        "tui.checkin.count",
        &[
            ("present", &door.present),
            ("enrolled", &door.enrolled),
            ("percent", &door.percent()),
        ],
    );
    let title_w = w.saturating_sub(width(&count) + 2);
    Line::from(vec![
        Span::styled(
            fit(&truncate_middle(&door.session.title, title_w), title_w),
            view.theme.title,
        ),
        Span::raw("  "),
        Span::styled(count, view.theme.checkin_ok),
    ])
}

/// When and where, and from when arrivals are late: one line while it fits, else a new line
/// before the part that does not, so no part is cut.
fn session_lines(tab: &CheckinState, view: &View, door: &Door, w: usize) -> Vec<Line<'static>> {
    let s = &door.session;
    let theme = view.theme;
    // Each part with the gap before it when it follows another on the same line.
    let mut parts = Vec::new();
    if s.date != view.today {
        parts.push((0, Span::styled(t("tui.checkin.not_today"), theme.due_soon)));
    }
    let gap = if parts.is_empty() { 0 } else { 1 };
    parts.push((
        gap,
        Span::raw(format!(
            "{:02}-{:02} {} {}-{}",
            s.date.month(),
            s.date.day(),
            weekday_of(s.date),
            s.start.format("%H:%M"),
            s.end.format("%H:%M"),
        )),
    ));
    parts.push((2, Span::raw(s.venue.clone())));
    if let Some((present, enrolled, office)) = &door.whole {
        parts.push((
            2,
            Span::styled(
                tf(
                    "tui.checkin.whole",
                    &[
                        ("present", present),
                        ("enrolled", enrolled),
                        ("office", office),
                    ],
                ),
                theme.dim,
            ),
        ));
    }
    let late_from = s.start + chrono::Duration::minutes(i64::from(tab.grace));
    parts.push((
        2,
        Span::styled(
            tf(
                "tui.checkin.late_after",
                &[("time", &late_from.format("%H:%M"))],
            ),
            theme.dim,
        ),
    ));
    let mut lines = Vec::new();
    let mut current: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for (gap, part) in parts {
        let need = part.width();
        if !current.is_empty() && used + gap + need <= w {
            current.push(Span::raw(" ".repeat(gap)));
            current.push(part);
            used += gap + need;
            continue;
        }
        if !current.is_empty() {
            lines.push(Line::from(std::mem::take(&mut current)));
        }
        if need <= w {
            current.push(part);
            used = need;
        } else {
            let style = part.style;
            lines.extend(
                wrap_words(&part.content, w)
                    .into_iter()
                    .map(|piece| Line::styled(piece, style)),
            );
            used = 0;
        }
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}

fn query_line(tab: &CheckinState, view: &View, w: usize) -> Line<'static> {
    let c = tab;
    let theme = view.theme;
    let prompt = format!("{} ", t("tui.checkin.prompt"));
    let mut left = vec![Span::styled(prompt, theme.key)];
    let right = if c.index == IndexJob::Building {
        t("tui.checkin.indexing")
    } else if c.query.value().is_empty() {
        String::new()
    } else {
        let listed = c.results.iter().filter(|f| f.in_session).count();
        let others = c.results.len() - listed;
        // Each part is cut at what it shows: at its cap, more may have matched.
        let at_most = |count: usize, cap: usize| {
            if count >= cap {
                format!("{count}+")
            } else {
                count.to_string()
            }
        };
        let (listed, others) = (at_most(listed, LIMIT), at_most(others, OTHERS));
        tf(
            "tui.checkin.matches",
            &[("listed", &listed), ("others", &others)],
        )
    };
    if c.query.value().is_empty() {
        left.push(Span::styled(t("tui.checkin.placeholder"), theme.dim));
    } else {
        left.push(Span::styled(c.query.value().to_string(), theme.input));
    }
    let left = clip_line(Line::from(left), w.saturating_sub(width(&right) + 1));
    let used = left.width();
    let mut spans = left.spans;
    spans.push(Span::styled(
        fit_right(&right, w.saturating_sub(used)),
        theme.dim,
    ));
    Line::from(spans)
}

fn header_line(view: &View, cols: &Columns) -> Line<'static> {
    let cells = [
        fit("", 2),
        fit(&t("tui.field.name"), cols.name),
        fit(&t("tui.field.enterprise"), cols.enterprise),
        fit(&t("tui.field.position"), cols.position),
        fit(&t("tui.field.phone"), cols.phone),
        fit(&t("tui.col.status"), cols.status),
    ];
    Line::styled(cells.join(" "), view.theme.column_header)
}

/// The ranked people, a page at a time around the cursor, with the divider before the first
/// person from another list.
fn result_lines(tab: &CheckinState, view: &View, w: usize, room: usize) -> Vec<Line<'static>> {
    let c = tab;
    let cols = Columns::for_width(w);
    // Display rows: Some(result index), or None for the divider.
    let mut rows: Vec<Option<usize>> = Vec::with_capacity(c.results.len() + 1);
    for (i, found) in c.results.iter().enumerate() {
        if !found.in_session && (i == 0 || c.results[i - 1].in_session) {
            rows.push(None);
        }
        rows.push(Some(i));
    }
    let selected_row = rows
        .iter()
        .position(|r| *r == Some(c.selected))
        .unwrap_or(0);
    let mut lines = vec![header_line(view, &cols)];
    for row in page(rows.len(), selected_row, room.saturating_sub(1)) {
        lines.push(match rows[row] {
            None => divider(view, w),
            Some(i) => person_line(tab, view, &cols, &c.results[i], i == c.selected, w),
        });
    }
    lines
}

/// When someone came, as the door shows it: the time, and the day too when it is not the
/// session's (a late entry keyed in the next morning is not someone who came before it began).
pub(super) fn arrival_time(at: chrono::NaiveDateTime, tab: &CheckinState) -> String {
    let day = tab.door.as_ref().map(|d| d.session.date);
    if day.is_some_and(|day| day != at.date()) {
        at.format("%m-%d %H:%M").to_string()
    } else {
        at.format("%H:%M").to_string()
    }
}

fn divider(view: &View, w: usize) -> Line<'static> {
    let text = format!(" {} ", t("tui.checkin.elsewhere"));
    let rest = w.saturating_sub(width(&text) + 2 + 6);
    let line = format!("  {}{text}{}", "─".repeat(6), "─".repeat(rest));
    Line::styled(truncate(&line, w), view.theme.dim)
}

fn status_cell(c: &CheckinState, person: &str) -> (String, bool) {
    let Some(door) = &c.door else {
        return (String::new(), false);
    };
    match door.checked_in.get(person) {
        Some(at) => {
            let late = c.is_late(*at);
            let word = if late {
                t("tui.checkin.late")
            } else {
                t("tui.checkin.in")
            };
            (format!("{} {word}", arrival_time(*at, c)), late)
        }
        None => (t("tui.checkin.not_in"), false),
    }
}

fn person_line(
    tab: &CheckinState,
    view: &View,
    cols: &Columns,
    found: &Found,
    selected: bool,
    w: usize,
) -> Line<'static> {
    let c = tab;
    let theme = view.theme;
    let p = &found.candidate;
    let base = if selected {
        theme.selected
    } else {
        Style::new()
    };
    let (status, late) = status_cell(c, &p.id);
    let status_style = match (c.door.as_ref().and_then(|d| d.checked_in.get(&p.id)), late) {
        (Some(_), true) => theme.late,
        (Some(_), false) => theme.checkin_ok,
        (None, _) => theme.dim,
    };
    // A name that only sounds or reads like the query is marked: a guess, not a match.
    let approximate = found.tier == crate::search::Tier::Fuzzy;
    let marker = match (selected, approximate) {
        (true, true) => ">~",
        (true, false) => "> ",
        (false, true) => " ~",
        (false, false) => "  ",
    };
    let text = format!(
        "{marker}{} {} {} {} ",
        fit(&p.name, cols.name),
        fit(&p.enterprise, cols.enterprise),
        fit(&p.position, cols.position),
        fit(&mask_phone(&p.phone), cols.phone),
    );
    let used = width(&text);
    Line::from(vec![
        Span::styled(text, base),
        Span::styled(
            fit(&status, w.saturating_sub(used)),
            status_style.patch(base),
        ),
    ])
}

/// The door's Enter key, also while a form over it has the focus.
pub(super) fn enter_key(view: &View) -> String {
    view.keymap
        .hint_in(Action::Open, Focus::Door)
        .unwrap_or_default()
}

/// With nothing typed: this screen's latest check-ins, newest first, or how to start.
fn recent_lines(tab: &CheckinState, view: &View, w: usize, room: usize) -> Vec<Line<'static>> {
    let c = tab;
    let theme = view.theme;
    // The door's own keys, also while a form over it has the focus.
    let key = |action| view.keymap.hint_in(action, Focus::Door).unwrap_or_default();
    if c.recent.is_empty() {
        let text = tf(
            "tui.checkin.how",
            &[
                ("walk_in", &key(Action::WalkIn)),
                ("pick", &key(Action::PickSession)),
            ],
        );
        return text
            .lines()
            .map(|l| Line::styled(truncate(l, w), theme.dim))
            .collect();
    }
    let mut lines = vec![Line::styled(
        truncate(
            &tf("tui.checkin.recent", &[("key", &key(Action::UndoCheckin))]),
            w,
        ),
        theme.column_header,
    )];
    for r in c.recent.iter().rev().take(room.saturating_sub(1)) {
        let mut spans = vec![
            Span::raw(format!("  {}  ", arrival_time(r.at, c))),
            Span::raw(format!("{} ", fit(&r.name, 8))),
            Span::styled(r.enterprise.clone(), theme.dim),
        ];
        if r.late {
            spans.push(Span::raw(" "));
            spans.push(Span::styled(t("tui.checkin.late"), theme.late));
        }
        lines.push(clip_line(Line::from(spans), w));
    }
    lines
}

/// The session picker over the tab: every session by date, the door's own marked.
pub fn render_picker(
    frame: &mut Frame,
    area: Rect,
    tab: &CheckinState,
    sessions: &[SessionRow],
    view: &View,
    selected: usize,
) {
    let theme = view.theme;
    let listed = super::door_rows(sessions, &view.office.id);
    let box_w = area.width.saturating_sub(2).min(90);
    let box_h = (listed.len() as u16 + 2)
        .min(area.height.saturating_sub(2))
        .max(3);
    let box_area = centered(area, box_w, box_h);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(
            format!(" {} ", t("tui.checkin.pick_title")),
            theme.title,
        ));
    let inner = block.inner(box_area);
    let w = inner.width as usize;
    let current = tab.door.as_ref().map(|d| d.session.id.as_str());
    let mut lines = Vec::new();
    for i in page(listed.len(), selected, inner.height as usize) {
        let Some(row) = listed.get(i).and_then(|r| sessions.get(*r)) else {
            continue;
        };
        let s = &row.session;
        let mark = if Some(s.id.as_str()) == current {
            "● "
        } else {
            "  "
        };
        let count = format!("{}/{}", row.present, row.enrolled);
        let head = format!(
            "{mark}{:02}-{:02} {} {} ",
            s.date.month(),
            s.date.day(),
            weekday_of(s.date),
            s.start.format("%H:%M"),
        );
        let title_w = w.saturating_sub(width(&head) + 10);
        let text = format!(
            "{head}{} {}",
            fit(&truncate_middle(&s.title, title_w), title_w),
            fit_right(&count, 9)
        );
        let mut style = if s.date == view.today {
            theme.today
        } else {
            Style::new()
        };
        if i == selected {
            style = style.patch(theme.selected);
        }
        lines.push(Line::styled(fit(&text, w), style));
    }
    clear_under(frame, box_area);
    frame.render_widget(Paragraph::new(lines).block(block), box_area);
}
