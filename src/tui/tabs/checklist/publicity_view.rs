//! Drawing a unit's publicity: a row per report, newest first, the selected one's link below.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::publicity::PublicityScreen;
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::widgets::text::{fit, page, truncate, wrap_words};

pub fn render(frame: &mut Frame, area: Rect, view: &View, screen: &PublicityScreen) {
    let theme = view.theme;
    let w = area.width as usize;
    let panel: Vec<Line> = screen
        .rows
        .get(screen.selected)
        .map(|r| {
            let mut lines: Vec<Line> = wrap_words(&r.item.title, w)
                .into_iter()
                .take(2)
                .map(Line::raw)
                .collect();
            if let Some(title) = &r.session_title {
                let text = tf("tui.publicity.covered", &[("title", title)]);
                lines.push(Line::raw(truncate(&text, w)));
            }
            if !r.item.link.is_empty() {
                lines.push(Line::styled(truncate(&r.item.link, w), theme.dim));
            }
            lines
        })
        .unwrap_or_default();
    let list_area = crate::tui::widgets::panel_below(frame, area, theme, panel, 3);
    let back = view.keymap.hint(Action::Back).unwrap_or_default();
    let title = tf(
        "tui.publicity.title",
        &[
            ("unit", &screen.unit_name),
            ("count", &screen.rows.len()),
            ("key", &back),
        ],
    );
    let mut lines = vec![Line::styled(truncate(&title, w), theme.title)];
    if screen.rows.is_empty() {
        let text = if screen.own {
            let key = view.keymap.hint(Action::Add).unwrap_or_default();
            tf("tui.publicity.empty_own", &[("key", &key)])
        } else {
            t("tui.publicity.empty_other")
        };
        lines.push(Line::styled(text, theme.dim));
        frame.render_widget(Paragraph::new(lines), list_area);
        return;
    }
    let (date_w, outlet_w) = (10, 14);
    let title_w = w.saturating_sub(date_w + outlet_w + 2);
    lines.push(Line::styled(
        [
            fit(&t("cli.publicity.col_on"), date_w),
            fit(&t("cli.publicity.col_outlet"), outlet_w),
            fit(&t("cli.publicity.col_title"), title_w),
        ]
        .join(" "),
        theme.column_header,
    ));
    let height = (list_area.height as usize).saturating_sub(lines.len());
    for i in page(screen.rows.len(), screen.selected, height) {
        let r = &screen.rows[i];
        let text = [
            fit(&r.item.on.to_string(), date_w),
            fit(&r.item.outlet, outlet_w),
            fit(&r.item.title, title_w),
        ]
        .join(" ");
        let style = if i == screen.selected {
            theme.selected
        } else {
            Style::new()
        };
        lines.push(Line::styled(fit(&text, w), style));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
}
