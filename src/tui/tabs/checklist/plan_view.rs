//! Drawing a unit's training plan: where it stands (reported or not, planned against held), a
//! row per planned class, and the selected class's courses, co-host and teacher needs in full.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::plan::PlanScreen;
use crate::campaign::unit_name;
use crate::domain::plan::{course_titles, PlannedClass};
use crate::i18n::{t, tf};
use crate::sheets::plans::block_line;
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::widgets::text::{fit, fit_right, page, truncate, width, wrap_words};

pub fn render(frame: &mut Frame, area: Rect, view: &View, screen: &PlanScreen) {
    let theme = view.theme;
    let w = area.width as usize;
    let classes: &[PlannedClass] = screen
        .plan
        .plan
        .as_ref()
        .map_or(&[], |p| p.classes.as_slice());
    let panel = class_panel(classes.get(screen.selected), w);
    let list_area = crate::tui::widgets::panel_below(frame, area, theme, panel, 4);

    let back = view.keymap.hint(Action::Back).unwrap_or_default();
    let title = tf(
        "tui.plan.title",
        &[("unit", &screen.plan.unit_name), ("key", &back)],
    );
    let mut lines = vec![Line::styled(truncate(&title, w), theme.title)];
    for part in wrap_words(&block_line(&screen.plan), w).into_iter().take(2) {
        lines.push(Line::styled(part, theme.dim));
    }
    if classes.is_empty() {
        let text = if screen.own {
            let key = view.keymap.hint(Action::Add).unwrap_or_default();
            tf("tui.plan.empty_own", &[("key", &key)])
        } else {
            t("tui.plan.none_other")
        };
        for part in wrap_words(&text, w) {
            lines.push(Line::styled(part, theme.dim));
        }
        frame.render_widget(Paragraph::new(lines), list_area);
        return;
    }
    let cols = Columns::new(classes, w);
    lines.push(Line::styled(cols.header(), theme.column_header));
    let height = (list_area.height as usize).saturating_sub(lines.len());
    for i in page(classes.len(), screen.selected, height) {
        let text = cols.row(i + 1, &classes[i]);
        let style = if i == screen.selected {
            theme.selected
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(fit(&text, w), style));
    }
    frame.render_widget(Paragraph::new(lines), list_area);
}

/// Widths of the class table at `w` columns: the audience takes what the numbers leave.
struct Columns {
    no: usize,
    month: usize,
    courses: usize,
    people: usize,
    enterprises: usize,
    audience: usize,
}

/// A column's name as 附件2 prints it; the course ids get a short name of their own.
fn header(key: &str) -> String {
    match key {
        "courses_short" => t("tui.plan.col_courses"),
        _ => t(&format!("cli.plan.col.{key}")),
    }
}

fn course_ids(class: &PlannedClass) -> String {
    class.courses.join(",")
}

fn month(class: &PlannedClass) -> String {
    tf("cli.plan.month", &[("month", &class.month)])
}

impl Columns {
    fn new(classes: &[PlannedClass], w: usize) -> Columns {
        let widest = |key: &str, cell: &dyn Fn(&PlannedClass) -> String| {
            classes
                .iter()
                .map(|c| width(&cell(c)))
                .chain([width(&header(key))])
                .max()
                .unwrap_or(4)
        };
        let no = width(&header("no")).max(classes.len().to_string().len());
        let month = widest("month", &month);
        let courses = widest("courses_short", &course_ids).min(14);
        let people = widest("people", &|c| c.people.to_string());
        let enterprises = widest("enterprises", &|c| {
            c.enterprises.map(|n| n.to_string()).unwrap_or_default()
        });
        let used = no + month + courses + people + enterprises + 5;
        Columns {
            no,
            month,
            courses,
            people,
            enterprises,
            audience: w.saturating_sub(used).max(6),
        }
    }

    fn header(&self) -> String {
        [
            fit(&header("no"), self.no),
            fit(&header("month"), self.month),
            fit(&header("courses_short"), self.courses),
            fit(&header("audience"), self.audience),
            fit_right(&header("people"), self.people),
            fit_right(&header("enterprises"), self.enterprises),
        ]
        .join(" ")
    }

    fn row(&self, number: usize, class: &PlannedClass) -> String {
        [
            fit(&number.to_string(), self.no),
            fit(&month(class), self.month),
            fit(&course_ids(class), self.courses),
            fit(&class.audience, self.audience),
            fit_right(&class.people.to_string(), self.people),
            fit_right(
                &class.enterprises.map(|n| n.to_string()).unwrap_or_default(),
                self.enterprises,
            ),
        ]
        .join(" ")
    }
}

/// The selected class in full: its courses by title, the co-host and what it asks of teachers.
fn class_panel(class: Option<&PlannedClass>, w: usize) -> Vec<Line<'static>> {
    let Some(class) = class else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let courses = labelled(&header("courses"), &course_titles(class).join("；"));
    lines.extend(wrap_words(&courses, w).into_iter().take(3).map(Line::raw));
    if let Some(cohost) = &class.cohost {
        let text = labelled(&header("cohost"), &unit_name(cohost));
        lines.push(Line::raw(truncate(&text, w)));
    }
    if !class.teachers.is_empty() {
        let text = labelled(&header("teachers"), &class.teachers);
        lines.extend(wrap_words(&text, w).into_iter().take(2).map(Line::raw));
    }
    lines
}

/// "课程：…" in Chinese, "Courses: …" in English.
fn labelled(label: &str, value: &str) -> String {
    tf("tui.plan.labelled", &[("label", &label), ("value", &value)])
}
