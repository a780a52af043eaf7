//! Drawing the 场次 tab: the list, or one session's detail with its enrolment list. Columns are
//! sized by display width; extra columns appear only when the terminal is wide enough.

use chrono::Datelike;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::header;
use super::SessionsState;
use super::{Detail, SessionRow};
use crate::campaign::unit_name;
use crate::domain::text::mask_phone;
use crate::domain::SessionKind;
use crate::i18n::{t, tf};
use crate::tui::context::View;
use crate::tui::labels::kind_label;
use crate::tui::widgets::filter::filter_line;
use crate::tui::widgets::text::{clip_line, fit, fit_right, page, truncate_middle, width};

pub fn render(frame: &mut Frame, area: Rect, tab: &SessionsState, view: &View) {
    match &tab.detail {
        Some(detail) => render_detail(frame, area, view, detail),
        None => render_list(frame, area, tab, view),
    }
}

fn render_list(frame: &mut Frame, area: Rect, tab: &SessionsState, view: &View) {
    let theme = view.theme;
    let list = tab;
    let visible = list.visible();
    let mut lines: Vec<Line> = Vec::new();
    let total_width = area.width as usize;
    if list.filter.is_active() || list.filter.editing {
        lines.push(filter_line(
            frame,
            area,
            view.theme,
            &list.filter,
            visible.len(),
            list.rows.len(),
        ));
    }
    if list.rows.is_empty() {
        let key = view
            .keymap
            .hint(crate::tui::action::Action::Add)
            .unwrap_or_default();
        lines.push(Line::styled(
            tf("tui.sessions.empty", &[("key", &key)]),
            theme.dim,
        ));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }

    let kind_width = SessionKind::ALL
        .iter()
        .map(|k| width(&kind_label(*k)))
        .max()
        .unwrap_or(4);
    let wide = total_width >= 100;
    let (venue_w, host_w) = if wide { (20, 10) } else { (0, 0) };
    // As wide as the widest count (a province's online day: 3000/5000), never cut.
    let count = |r: &SessionRow| format!("{}/{}", r.enrolled, r.session.capacity);
    let count_w = list
        .rows
        .iter()
        .map(|r| width(&count(r)))
        .chain([width(&t("tui.col.enrolled"))])
        .max()
        .unwrap_or(8);
    let fixed =
        5 + 1 + 11 + 1 + kind_width + 1 + count_w + if wide { venue_w + host_w + 2 } else { 0 };
    let title_w = total_width.saturating_sub(fixed + 1).max(8);

    let mut header = vec![
        fit(&t("tui.col.date"), 5),
        fit(&t("tui.col.time"), 11),
        fit(&t("tui.col.kind"), kind_width),
        fit(&t("tui.col.title"), title_w),
    ];
    if wide {
        header.push(fit(&t("tui.col.venue"), venue_w));
        header.push(fit(&t("tui.col.host"), host_w));
    }
    header.push(fit_right(&t("tui.col.enrolled"), count_w));
    lines.push(Line::styled(header.join(" "), theme.column_header));

    let height = (area.height as usize).saturating_sub(lines.len());
    for pos in page(visible.len(), list.selected, height) {
        let row = &list.rows[visible[pos]];
        let s = &row.session;
        let mut cells = vec![
            format!("{:02}-{:02}", s.date.month(), s.date.day()),
            format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M")),
            fit(&kind_label(s.kind), kind_width),
            fit(&truncate_middle(&s.title, title_w), title_w),
        ];
        if wide {
            cells.push(fit(&s.venue, venue_w));
            cells.push(fit(&unit_name(&s.host), host_w));
        }
        cells.push(fit_right(&count(row), count_w));
        let style = if pos == list.selected {
            theme.selected
        } else {
            Style::new()
        };
        lines.push(Line::styled(fit(&cells.join(" "), total_width), style));
    }
    if visible.is_empty() {
        lines.push(Line::styled(t("tui.filter.no_match"), theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_detail(frame: &mut Frame, area: Rect, view: &View, detail: &Detail) {
    let theme = view.theme;
    let w = area.width as usize;
    let head = header::header(view.theme, detail, w);
    let room = header::budget(area.height as usize, detail.visible().len());
    let mut lines: Vec<Line> = header::lines(view, head, room, detail.info_scroll)
        .into_iter()
        .map(|l| clip_line(l, w))
        .collect();
    lines.push(Line::raw(""));
    let visible = detail.visible();
    if detail.filter.is_active() || detail.filter.editing {
        let line_area = Rect {
            y: area.y + lines.len() as u16,
            height: 1,
            ..area
        };
        lines.push(filter_line(
            frame,
            line_area,
            view.theme,
            &detail.filter,
            visible.len(),
            detail.people.len(),
        ));
    }
    if detail.people.is_empty() {
        let session = &detail.row.session;
        // An office that does not keep this list is told whose it is, not to press a key it
        // would be refused.
        let text = if crate::log::authority::may_keep_list(&view.office.id, session) {
            let key = view
                .keymap
                .hint(crate::tui::action::Action::Add)
                .unwrap_or_default();
            tf("tui.sessions.nobody", &[("key", &key)])
        } else {
            let owner = crate::campaign::unit_name(&session.office);
            tf("tui.sessions.nobody_theirs", &[("owner", &owner)])
        };
        lines.push(Line::styled(text, theme.dim));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let wide = w >= 100;
    let position_w = if wide { 12 } else { 0 };
    let joint = detail.people.iter().any(|p| !p.enrolled_by.is_empty());
    let by_w = if joint { 10 } else { 0 };
    // 序号 as the printed sign-in sheet numbers the list, so ticked rows can be typed back.
    let fixed = 4
        + 1
        + 10
        + 1
        + 13
        + 1
        + 6
        + if wide { position_w + 1 } else { 0 }
        + if joint { by_w + 1 } else { 0 };
    let enterprise_w = w.saturating_sub(fixed + 1).max(6);
    let mut header = vec![
        fit_right(&t("tui.col.number"), 4),
        fit(&t("tui.field.name"), 10),
        fit(&t("tui.field.phone"), 13),
    ];
    if wide {
        header.push(fit(&t("tui.field.position"), position_w));
    }
    header.push(fit(&t("tui.field.enterprise"), enterprise_w));
    if joint {
        header.push(fit(&t("tui.col.enrolled_by"), by_w));
    }
    header.push(fit(&t("tui.col.present"), 6));
    lines.push(Line::styled(header.join(" "), theme.column_header));

    // Once a sheet is printed, each person's number is their row on it (what a tick on the
    // paper says), and those enrolled since are marked as not on it.
    let on_sheet: Option<std::collections::HashMap<&str, usize>> =
        detail.printed.as_ref().map(|printed| {
            printed
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| (r.person.as_str(), i + 1))
                .collect()
        });
    let number = |at: usize, person: &str| match &on_sheet {
        Some(rows) => rows
            .get(person)
            .map_or_else(|| t("tui.sessions.not_on_sheet"), ToString::to_string),
        None => (at + 1).to_string(),
    };
    let height = (area.height as usize).saturating_sub(lines.len());
    for pos in page(visible.len(), detail.selected, height) {
        let p = &detail.people[visible[pos]];
        let mut cells = vec![
            fit_right(&number(visible[pos], &p.person), 4),
            fit(&p.name, 10),
            fit(&mask_phone(&p.phone), 13),
        ];
        if wide {
            cells.push(fit(&p.position, position_w));
        }
        cells.push(fit(&p.enterprise, enterprise_w));
        if joint {
            cells.push(fit(&p.enrolled_by, by_w));
        }
        cells.push(fit(
            &p.checked_in
                .map(|at| at.format("%H:%M").to_string())
                .unwrap_or_default(),
            6,
        ));
        let style = if pos == detail.selected {
            theme.selected
        } else {
            Style::new()
        };
        lines.push(Line::styled(fit(&cells.join(" "), w), style));
    }
    if visible.is_empty() {
        lines.push(Line::styled(t("tui.filter.no_match"), theme.dim));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
