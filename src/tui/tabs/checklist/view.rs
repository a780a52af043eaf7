//! Drawing the 清单 tab: one unit's items with due dates and working days left, or the grid of
//! units by step. Status colour is the point of this screen, so every status has its own style.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{Cell, ChecklistState, StepColumn, UnitChecklist};
use crate::domain::checklist::{ChecklistRow, ItemStatus};
use crate::domain::contact::Contact;
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::widgets::text::{
    fit, page, status_style, truncate, truncate_middle, width, wrap_words,
};

pub fn render(frame: &mut Frame, area: Rect, tab: &ChecklistState, view: &View) {
    let c = tab;
    if let Some(screen) = &c.plan {
        return super::plan_view::render(frame, area, view, screen);
    }
    if let Some(screen) = &c.publicity {
        return super::publicity_view::render(frame, area, view, screen);
    }
    match c.open_unit() {
        Some(unit) => render_items(frame, area, tab, view, unit),
        None if c.units.is_empty() => frame.render_widget(
            Paragraph::new(Line::styled(t("tui.checklist.none"), view.theme.dim)),
            area,
        ),
        None => render_grid(frame, area, tab, view),
    }
}

/// "3 working days left", "due today", "5 working days overdue"; blank once closed.
fn days_text(row: &ChecklistRow) -> String {
    let Some(n) = row.days_left() else {
        return String::new();
    };
    if row.status == ItemStatus::Overdue {
        tf("tui.checklist.days_overdue", &[("n", &n.unsigned_abs())])
    } else if n == 0 {
        t("tui.checklist.due_today")
    } else {
        tf("tui.checklist.days_left", &[("n", &n)])
    }
}

/// "03-15", or "02-28*" for a date no document gives (the panel says so in words).
fn short_due(row: &ChecklistRow) -> String {
    let date = row.due.format("%m-%d").to_string();
    if row.due_provisional {
        tf("cli.checklist.due_marked", &[("date", &date)])
    } else {
        date
    }
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1u32 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

fn render_items(
    frame: &mut Frame,
    area: Rect,
    tab: &ChecklistState,
    view: &View,
    unit: &UnitChecklist,
) {
    let theme = view.theme;
    let c = tab;
    // The panel takes what the selected item needs, up to half the area.
    let panel_lines = item_panel_lines(tab, view, area.width as usize);
    let panel_height = (panel_lines.len() as u16 + 1).clamp(4, (area.height / 2).max(4));
    let [list_area, panel_area] =
        Layout::vertical([Constraint::Min(3), Constraint::Length(panel_height)]).areas(area);
    let w = list_area.width as usize;

    let mut lines: Vec<Line> = Vec::new();
    let title = if c.grid {
        let back = view.keymap.hint(Action::Back).unwrap_or_default();
        tf(
            "tui.checklist.unit_title_back",
            &[("unit", &unit.name), ("key", &back)],
        )
    } else {
        tf("tui.checklist.unit_title", &[("unit", &unit.name)])
    };
    lines.push(Line::styled(truncate(&title, w), theme.title));
    lines.push(Line::styled(
        truncate(
            &contact_text(unit.contact.as_ref(), unit.office_phone.as_deref()),
            w,
        ),
        theme.dim,
    ));

    let status_w = [
        ItemStatus::Done,
        ItemStatus::Waived,
        ItemStatus::Todo,
        ItemStatus::DueSoon,
        ItemStatus::Overdue,
    ]
    .iter()
    .map(|s| width(&s.label()))
    .max()
    .unwrap_or(8);
    let days_w = unit
        .rows
        .iter()
        .map(|r| width(&days_text(r)))
        .chain([width(&t("tui.col.days"))])
        .max()
        .unwrap_or(8);
    let title_w = w.saturating_sub(6 + days_w + status_w + 4).max(8);
    lines.push(Line::styled(
        [
            fit(&t("tui.col.item"), title_w),
            fit(&t("tui.col.due"), 6),
            fit(&t("tui.col.days"), days_w),
            fit(&t("tui.col.status"), status_w),
        ]
        .join(" "),
        theme.column_header,
    ));
    if unit.rows.is_empty() {
        lines.push(Line::styled(t("tui.checklist.none"), theme.dim));
    }
    let height = (list_area.height as usize).saturating_sub(lines.len());
    for i in page(unit.rows.len(), c.item, height) {
        let row = &unit.rows[i];
        let style = status_style(theme, row.status);
        let selected = i == c.item;
        let base = if selected {
            theme.selected
        } else {
            Style::new()
        };
        let mut spans = vec![
            Span::styled(format!("{} ", fit(&row.title, title_w)), base),
            Span::styled(format!("{} ", fit(&short_due(row), 6)), base),
            Span::styled(
                format!("{} ", fit(&days_text(row), days_w)),
                style.patch(base),
            ),
            Span::styled(fit(&row.status.label(), status_w), style.patch(base)),
        ];
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        spans.push(Span::styled(" ".repeat(w.saturating_sub(used)), base));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(theme.border);
    let inner = block.inner(panel_area);
    frame.render_widget(block, panel_area);
    frame.render_widget(Paragraph::new(panel_lines), inner);
}

/// The selected item's panel: title, due date and status, the mark's note (the reason, for a
/// waived item), each file with its note, and the item's trail once read (Enter).
fn item_panel_lines(tab: &ChecklistState, view: &View, w: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let c = tab;
    let Some(row) = c.selected_item() else {
        return Vec::new();
    };
    let campaign_due = crate::campaign::campaign()
        .checklist
        .iter()
        .find(|d| d.id == row.item)
        .map(|d| d.due);
    // An assumed date must not be credited to the province's plan.
    let who = if row.due_provisional && row.is_the_provinces() {
        t("tui.checklist.due_provisional_own")
    } else if row.due_provisional {
        t("tui.checklist.due_provisional")
    } else if row.due_set_by_city {
        t("tui.checklist.due_by_city")
    } else if campaign_due.is_some_and(|due| due != row.due) {
        t("tui.checklist.due_by_city_notice")
    } else {
        t("tui.checklist.due_by_campaign")
    };
    let mut lines = vec![
        Line::styled(truncate_middle(&row.title, w), theme.title),
        Line::from(vec![
            Span::styled(format!("{} ", t("tui.col.due")), theme.column_header),
            Span::raw(format!("{} {who}  ", row.due)),
            Span::styled(row.status.label(), status_style(theme, row.status)),
        ]),
    ];
    if !row.note.is_empty() {
        let key = if row.status == ItemStatus::Waived {
            "tui.checklist.reason"
        } else {
            "tui.checklist.note"
        };
        for part in wrap_words(&tf(key, &[("note", &row.note)]), w)
            .into_iter()
            .take(2)
        {
            lines.push(Line::raw(part));
        }
    }
    if row.evidence.is_empty() {
        lines.push(Line::styled(t("tui.checklist.no_evidence"), theme.dim));
    }
    for e in &row.evidence {
        let hash: String = e.blake3.chars().take(12).collect();
        let text = tf(
            "tui.checklist.evidence_line",
            &[
                ("file", &e.file_name),
                ("size", &human_size(e.size)),
                ("hash", &hash),
            ],
        );
        lines.push(Line::raw(truncate(&format!("- {text}"), w)));
        if !e.note.is_empty() {
            let note = tf("tui.checklist.note", &[("note", &e.note)]);
            lines.push(Line::styled(truncate(&format!("  {note}"), w), theme.dim));
        }
    }
    match c.selected_history() {
        Some(history) => {
            lines.push(Line::styled(
                t("tui.checklist.history"),
                theme.column_header,
            ));
            if history.entries.is_empty() {
                lines.push(Line::styled(t("tui.checklist.no_history"), theme.dim));
            }
            for e in &history.entries {
                let mut text = format!("{} {} {}", e.at, e.actor, e.what);
                if !e.note.is_empty() {
                    text = format!("{text}：{}", e.note);
                }
                lines.push(Line::raw(truncate(&text, w)));
            }
        }
        None => {
            let key = view.keymap.hint(Action::Open).unwrap_or_default();
            lines.push(Line::styled(
                tf("tui.checklist.history_hint", &[("key", &key)]),
                theme.dim,
            ));
        }
    }
    lines
}

/// A cell's status in its column's width: with its count of closed items while some are open,
/// when the count fits (the footer says the selected cell whole).
fn cell_text(cell: &Cell, col_w: usize) -> String {
    let label = cell.status.short_label();
    // Closed cells are all closed: a count says something only while items are open.
    if cell.total > 1 && cell.status.is_open() {
        let counted = format!("{label} {}/{}", cell.closed, cell.total);
        if width(&counted) <= col_w {
            return counted;
        }
    }
    label
}

fn render_grid(frame: &mut Frame, area: Rect, tab: &ChecklistState, view: &View) {
    let theme = view.theme;
    let c = tab;
    let w = area.width as usize;
    let unit_w = c
        .units
        .iter()
        .map(|u| width(&u.name) + 2 * u.depth)
        .max()
        .unwrap_or(8)
        .clamp(8, 16);
    let col_w = c
        .steps
        .iter()
        .map(|s| width(&s.label))
        .max()
        .unwrap_or(0)
        .max(8);

    let mut lines: Vec<Line> = Vec::new();
    let step = c.steps.get(c.col);
    let step_title = step.map(|s| s.title.clone()).unwrap_or_default();
    lines.push(Line::styled(truncate(&step_title, w), theme.title));
    let mut header = vec![Span::styled(
        fit(&t("tui.col.unit"), unit_w),
        theme.column_header,
    )];
    for (i, s) in c.steps.iter().enumerate() {
        let style = if i == c.col {
            theme.column_header.patch(theme.selected)
        } else {
            theme.column_header
        };
        header.push(Span::raw(" "));
        header.push(Span::styled(fit(&s.label, col_w), style));
    }
    lines.push(Line::from(header));

    // Under the grid: how current the selected unit is, and its cell; at least two rows, so
    // the grid does not jump when the selection moves.
    let below = grid_footer(tab, step, w);
    let height = (area.height as usize).saturating_sub(lines.len() + below.len().max(2));
    for i in page(c.units.len(), c.row, height) {
        let unit = &c.units[i];
        let name = format!("{}{}", "  ".repeat(unit.depth), unit.name);
        let name_style = if i == c.row {
            theme.title
        } else {
            Style::new()
        };
        let mut spans = vec![Span::styled(fit(&name, unit_w), name_style)];
        for (j, s) in c.steps.iter().enumerate() {
            spans.push(Span::raw(" "));
            let (text, mut style) = match c.cell(unit, &s.id) {
                Some(cell) => (cell_text(&cell, col_w), status_style(theme, cell.status)),
                None => ("-".to_string(), theme.dim),
            };
            if i == c.row && j == c.col {
                style = style.patch(theme.selected);
            }
            spans.push(Span::styled(fit(&text, col_w), style));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
    let rows = u16::try_from(below.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let below_area = Rect {
        y: area.bottom().saturating_sub(rows),
        height: rows,
        ..area
    };
    let below: Vec<Line> = below
        .into_iter()
        .map(|part| Line::styled(part, theme.dim))
        .collect();
    frame.render_widget(Paragraph::new(below), below_area);
}

/// The selected unit's staleness (when known) and its cell in the selected step, each wrapped to
/// `w` columns.
fn grid_footer(tab: &ChecklistState, step: Option<&StepColumn>, w: usize) -> Vec<String> {
    let c = tab;
    let (Some(unit), Some(step)) = (c.units.get(c.row), step) else {
        return Vec::new();
    };
    let mut texts = vec![tf(
        "tui.checklist.unit_contact",
        &[
            ("unit", &unit.name),
            (
                "contact",
                &contact_text(unit.contact.as_ref(), unit.office_phone.as_deref()),
            ),
        ],
    )];
    if let Some(stale) = c.stale.get(&unit.unit) {
        texts.push(tf(
            "tui.checklist.staleness",
            &[("unit", &unit.name), ("stale", stale)],
        ));
    }
    texts.push(match c.cell(unit, &step.id) {
        Some(cell) => tf(
            "tui.checklist.cell_summary",
            &[
                ("unit", &unit.name),
                ("status", &cell.status.label()),
                ("closed", &cell.closed),
                ("total", &cell.total),
            ],
        ),
        None => tf("tui.checklist.cell_none", &[("unit", &unit.name)]),
    });
    texts.iter().flat_map(|text| wrap_words(text, w)).collect()
}

/// Who to call about a unit: its 联系人 with post, phones and since when, or that it named none.
fn contact_text(contact: Option<&Contact>, office_phone: Option<&str>) -> String {
    let Some(contact) = contact else {
        return t("tui.checklist.contact_none");
    };
    let since = contact.since.format("%Y-%m-%d");
    let phone = match office_phone {
        Some(office) => tf(
            "tui.checklist.contact_phones",
            &[("phone", &contact.phone), ("office", &office)],
        ),
        None => contact.phone.clone(),
    };
    if contact.position.is_empty() {
        tf(
            "tui.checklist.contact",
            &[
                ("name", &contact.name),
                ("phone", &phone),
                ("since", &since),
            ],
        )
    } else {
        tf(
            "tui.checklist.contact_post",
            &[
                ("name", &contact.name),
                ("position", &contact.position),
                ("phone", &phone),
                ("since", &since),
            ],
        )
    }
}
