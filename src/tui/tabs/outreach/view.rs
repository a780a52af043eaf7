//! Drawing the 企业 tab: counts by outreach status, a row per enterprise, and the selected one's
//! people (phones masked) and last note.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{EnterpriseRow, OutreachState};
use crate::app::needs::NeedRow;
use crate::domain::outreach::OutreachStatus;
use crate::i18n::{t, tf};
use crate::sheets::calls::{outreach_text, trained_text};
use crate::tui::context::View;
use crate::tui::widgets::filter::filter_line;
use crate::tui::widgets::text::{fit, page, truncate, width, wrap_words};

pub fn render(frame: &mut Frame, area: Rect, o: &OutreachState, view: &View) {
    let theme = view.theme;
    let w = area.width as usize;
    if !o.loaded {
        frame.render_widget(
            Paragraph::new(Line::styled(t("tui.outreach.loading"), theme.dim)),
            area,
        );
        return;
    }
    let panel = panel_lines(o.selected_row(), &o.selected_needs(), w);
    let list_area = crate::tui::widgets::panel_below(frame, area, theme, panel, 4);

    let visible = o.visible();
    let mut lines: Vec<Line> = wrap_words(&summary(o, view), w)
        .into_iter()
        .take(2)
        .map(|l| Line::styled(l, theme.title))
        .collect();
    if o.filter.is_active() || o.filter.editing {
        let line_area = Rect {
            y: list_area.y + lines.len() as u16,
            height: 1,
            ..list_area
        };
        lines.push(filter_line(
            frame,
            line_area,
            theme,
            &o.filter,
            visible.len(),
            o.pool(),
        ));
    }
    if visible.is_empty() {
        lines.push(Line::styled(t("tui.outreach.none"), theme.dim));
        frame.render_widget(Paragraph::new(lines), list_area);
        return;
    }
    let cols = Columns::new(w);
    lines.push(Line::styled(cols.header(), theme.column_header));
    let height = (list_area.height as usize).saturating_sub(lines.len());
    for i in page(visible.len(), o.selected, height) {
        let Some(row) = o.rows.get(visible[i]) else {
            continue;
        };
        let style = if i == o.selected {
            theme.selected
        } else {
            Style::new()
        };
        lines.push(Line::styled(fit(&cols.row(&row), w), style));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// "鄂城区范围内的企业 122 家：已参训 40；已通知 3、…；未联络 80".
fn summary(o: &OutreachState, view: &View) -> String {
    let rows = 0..o.rows.len();
    let trained = rows.clone().filter(|&i| o.rows.trained(i)).count();
    let mut by_status = [0usize; OutreachStatus::ALL.len()];
    let mut none = 0;
    for i in rows {
        match o.rows.outreach(i) {
            Some(x) => {
                if let Some(at) = OutreachStatus::ALL.iter().position(|s| *s == x.status) {
                    by_status[at] += 1;
                }
            }
            None => none += 1,
        }
    }
    let counts: Vec<String> = OutreachStatus::ALL
        .iter()
        .zip(by_status)
        .map(|(s, n)| format!("{} {n}", s.label()))
        .collect();
    let key = if o.untrained_only {
        "tui.outreach.summary_untrained"
    } else {
        "tui.outreach.summary"
    };
    let mut text = tf(
        key,
        &[
            ("office", &view.office.name),
            ("count", &o.rows.len()),
            ("trained", &trained),
            ("counts", &counts.join(&t("cli.list_sep"))),
            ("none", &none),
        ],
    );
    if o.repeated > 0 {
        text.push_str(&tf("cli.outreach.repeated", &[("count", &o.repeated)]));
    }
    text
}

/// Column widths at `w`: the enterprise's name takes what the others leave.
struct Columns {
    unit: usize,
    name: usize,
    category: usize,
    trained: usize,
    status: usize,
}

impl Columns {
    fn new(w: usize) -> Columns {
        let unit = 10;
        let category = 14;
        let trained = width(&t("cli.outreach.col_trained")).max(8);
        let status = 17;
        Columns {
            unit,
            name: w
                .saturating_sub(unit + category + trained + status + 4)
                .max(10),
            category,
            trained,
            status,
        }
    }

    fn header(&self) -> String {
        [
            fit(&t("cli.col.unit"), self.unit),
            fit(&t("cli.col.enterprise"), self.name),
            fit(&t("cli.col.category"), self.category),
            fit(&t("cli.outreach.col_trained"), self.trained),
            fit(&t("cli.outreach.col_status"), self.status),
        ]
        .join(" ")
    }

    fn row(&self, row: &EnterpriseRow) -> String {
        [
            fit(row.unit_name, self.unit),
            fit(row.name, self.name),
            fit(&row.categories.label(), self.category),
            fit(&trained_text(row.trained), self.trained),
            fit(&outreach_text(row.outreach), self.status),
        ]
        .join(" ")
    }
}

/// The people in at most `rows` lines: as many whole as fit, then how many more there are.
fn people_lines(people: &[&str], w: usize, rows: usize) -> Vec<String> {
    if people.is_empty() {
        return wrap_words(&t("tui.outreach.no_people"), w);
    }
    let sep = t("cli.list_sep");
    let text = |shown: usize| {
        let listed = people[..shown].join(&sep);
        if shown == people.len() {
            tf("tui.outreach.people", &[("people", &listed)])
        } else {
            tf(
                "tui.outreach.people_more",
                &[("people", &listed), ("count", &people.len())],
            )
        }
    };
    let fits = |shown: usize| wrap_words(&text(shown), w).len() <= rows;
    if fits(people.len()) {
        return wrap_words(&text(people.len()), w);
    }
    // Grown from the front until the next one would not fit: a line holds a few names, so this
    // stops after a few, however many people the enterprise has.
    let mut shown = 1;
    while shown + 1 < people.len() && fits(shown + 1) {
        shown += 1;
    }
    wrap_words(&text(shown), w).into_iter().take(rows).collect()
}

/// The selected enterprise's people, phones masked, the outreach's note and its needs.
fn panel_lines(row: Option<EnterpriseRow>, needs: &[&NeedRow], w: usize) -> Vec<Line<'static>> {
    let Some(row) = row else {
        return Vec::new();
    };
    let people: Vec<&str> = row.people().collect();
    let mut lines: Vec<Line> = people_lines(&people, w, 2)
        .into_iter()
        .map(Line::raw)
        .collect();
    if let Some(o) = row.outreach.filter(|o| !o.note.is_empty()) {
        let note = tf("tui.checklist.note", &[("note", &o.note)]);
        lines.push(Line::raw(truncate(&note, w)));
    }
    for need in needs {
        let answer = match &need.answer {
            Some(a) => tf(
                "tui.outreach.answered",
                &[
                    ("by", &need.answered_by.clone().unwrap_or_default()),
                    ("on", &a.on),
                    ("note", &a.note),
                ],
            ),
            None => t("cli.need.open"),
        };
        let text = tf(
            "tui.outreach.need_line",
            &[
                ("service", &need.service),
                ("asked", &need.need.asked),
                ("answer", &answer),
            ],
        );
        lines.extend(wrap_words(&text, w).into_iter().take(2).map(Line::raw));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::people_lines;

    #[test]
    fn people_that_do_not_fit_end_with_how_many_there_are() {
        let owned: Vec<String> = (1..=20)
            .map(|i| format!("张{i:02} 139****{i:04}"))
            .collect();
        let people: Vec<&str> = owned.iter().map(String::as_str).collect();
        let lines = people_lines(&people, 40, 2);
        assert_eq!(lines.len(), 2, "{lines:?}");
        let last = lines.last().map(String::as_str).unwrap_or_default();
        assert!(last.ends_with("等 20 人"), "{lines:?}");
        assert!(lines[0].starts_with("人员：张01 139****0001"), "{lines:?}");

        let few = people_lines(&people[..2], 40, 2);
        assert_eq!(few, ["人员：张01 139****0001、张02 139****0002"]);
    }
}
