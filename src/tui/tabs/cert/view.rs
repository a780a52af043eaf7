//! Drawing the 认证 tab: the pipeline table by city, a city's people, or one person's history.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::CertState;
use super::PersonRow;
use crate::campaign::unit_name;
use crate::cert::Stage;
use crate::i18n::{t, tf};
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::widgets::text::{fit, fit_right, page, truncate, width, wrap_words};

pub fn render(frame: &mut Frame, area: Rect, tab: &CertState, view: &View) {
    let c = tab;
    if !c.loaded {
        // A failed read says so (any key reads again) rather than a reading line that never ends.
        let (text, style) = match (&c.failed, &c.open) {
            (Some(why), _) if !c.reading => (
                tf("cert.tab.read_failed", &[("why", why)]),
                view.theme.status_error,
            ),
            (_, Some(city)) => (
                tf("cert.tab.reading_city", &[("city", &unit_name(city))]),
                view.theme.dim,
            ),
            (_, None) => (t("cert.tab.reading"), view.theme.dim),
        };
        let lines: Vec<Line> = wrap_words(&text, area.width as usize)
            .into_iter()
            .map(|text| Line::styled(text, style))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    if c.cities.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(t("cert.tab.empty"), view.theme.dim)),
            area,
        );
        return;
    }
    let listed = c.listed();
    match (&c.open, listed.get(c.person)) {
        (Some(_), Some(person)) if c.detail => {
            render_history(frame, area, view, person, c.history.as_deref())
        }
        (Some(city), _) => render_people(frame, area, tab, view, city, &listed),
        (None, _) => render_pipeline(frame, area, tab, view),
    }
}

fn stage_label(stage: Stage) -> String {
    t(&format!("cert.stage.{}", stage.key()))
}

fn render_pipeline(frame: &mut Frame, area: Rect, tab: &CertState, view: &View) {
    let theme = view.theme;
    let c = tab;
    let w = area.width as usize;
    let col_w = Stage::ALL
        .iter()
        .map(|s| width(&stage_label(*s)))
        .max()
        .unwrap_or(4)
        .max(6);
    let name_w = w
        .saturating_sub((col_w + 1) * Stage::ALL.len())
        .clamp(6, 16);
    let row_line = |name: &str, counts: &[usize; 5], style: Style| {
        let mut text = fit(name, name_w);
        for n in counts {
            text.push(' ');
            text.push_str(&fit_right(&n.to_string(), col_w));
        }
        Line::styled(text, style)
    };
    let arrow = Stage::ALL
        .iter()
        .map(|s| stage_label(*s))
        .collect::<Vec<_>>()
        .join(" → ");
    let mut lines = vec![Line::styled(truncate(&arrow, w), theme.title)];
    let mut header = fit(&t("cert.tab.city"), name_w);
    for s in Stage::ALL {
        header.push(' ');
        header.push_str(&fit_right(&stage_label(s), col_w));
    }
    lines.push(Line::styled(header, theme.column_header));
    let note = wrap_words(&c.rules_note, w);
    let height = (area.height as usize).saturating_sub(lines.len() + 2 + note.len());
    let shown = page(c.cities.len(), c.row, height);
    // The line under the totals says when some cities are off screen, and how to reach them.
    let under_totals = if shown.len() < c.cities.len() {
        let key = |action| view.keymap.hint(action).unwrap_or_default();
        Line::styled(
            truncate(
                &tf(
                    "cert.tab.more_cities",
                    &[
                        ("from", &(shown.start + 1)),
                        ("to", &shown.end),
                        ("total", &c.cities.len()),
                        ("down", &key(Action::Down)),
                        ("up", &key(Action::Up)),
                    ],
                ),
                w,
            ),
            theme.dim,
        )
    } else {
        Line::raw("")
    };
    for i in shown {
        let city = &c.cities[i];
        let style = if i == c.row {
            theme.selected
        } else {
            Style::new()
        };
        lines.push(row_line(&city.name, &city.counts, style));
    }
    lines.push(row_line(&t("cert.tab.total"), &c.totals(), theme.title));
    lines.push(under_totals);
    lines.extend(note.into_iter().map(|part| Line::styled(part, theme.dim)));
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_people(
    frame: &mut Frame,
    area: Rect,
    tab: &CertState,
    view: &View,
    city: &str,
    listed: &[&PersonRow],
) {
    let theme = view.theme;
    let c = tab;
    let w = area.width as usize;
    let name = c
        .cities
        .iter()
        .find(|r| r.city == city)
        .map_or_else(|| city.to_string(), |r| r.name.clone());
    let mut lines = vec![Line::styled(
        truncate(
            &tf(
                "cert.tab.people",
                &[("city", &name), ("count", &listed.len())],
            ),
            w,
        ),
        theme.title,
    )];
    if c.filter.is_active() || c.filter.editing {
        let line_area = Rect {
            y: area.y + lines.len() as u16,
            height: 1,
            ..area
        };
        let total = c.people.iter().filter(|p| p.city == city).count();
        lines.push(crate::tui::widgets::filter::filter_line(
            frame,
            line_area,
            view.theme,
            &c.filter,
            listed.len(),
            total,
        ));
    }
    let (name_w, unit_w, stage_w, outcome_w) = (8, 10, 6, 8);
    let cert_w = w.saturating_sub(name_w + unit_w + stage_w + outcome_w + 4);
    lines.push(Line::styled(
        [
            fit(&t("cert.col.name"), name_w),
            fit(&t("cert.col.unit"), unit_w),
            fit(&t("cert.col.stage"), stage_w),
            fit(&t("cert.col.outcome"), outcome_w),
            fit(&t("cert.col.certificate"), cert_w),
        ]
        .join(" "),
        theme.column_header,
    ));
    let height = (area.height as usize).saturating_sub(lines.len());
    for i in page(listed.len(), c.person, height) {
        let p = listed[i];
        let style = if i == c.person {
            theme.selected
        } else {
            Style::new()
        };
        let outcome_style = match p.outcome {
            crate::cert::Outcome::Passed | crate::cert::Outcome::PassedMakeup => theme.done,
            crate::cert::Outcome::AwaitingMakeup => theme.due_soon,
            crate::cert::Outcome::Failed => theme.overdue,
            crate::cert::Outcome::NotExamined => theme.dim,
        };
        let stage = p.stage.map(stage_label).unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} {} {} ",
                    fit(&p.name, name_w),
                    fit(&p.unit, unit_w),
                    fit(&stage, stage_w)
                ),
                style,
            ),
            Span::styled(
                format!(
                    "{} ",
                    fit(&t(&format!("cert.outcome.{}", p.outcome.key())), outcome_w)
                ),
                outcome_style.patch(style),
            ),
            Span::styled(fit(p.certificate.as_deref().unwrap_or(""), cert_w), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_history(
    frame: &mut Frame,
    area: Rect,
    view: &View,
    person: &PersonRow,
    history: Option<&[String]>,
) {
    let theme = view.theme;
    let w = area.width as usize;
    let mut lines = vec![Line::styled(
        truncate(&format!("{} · {}", t("cert.tab.history"), person.name), w),
        theme.title,
    )];
    match history {
        Some(history) => {
            for text in history {
                lines.extend(wrap_words(text, w).into_iter().map(Line::raw));
            }
        }
        None => lines.push(Line::styled(t("cert.tab.reading_person"), theme.dim)),
    }
    frame.render_widget(Paragraph::new(lines), area);
}
