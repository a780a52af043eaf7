//! Drawing the 报表 tab: the list of reports and the import with what each does, the running
//! job's progress, the last outcome; or an import's preview before it is committed.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{Entry, Preview, ReportKind, ENTRIES};
use super::{PapersSession, ReportsState};
use crate::i18n::{t, tf};
use crate::sheets::import::preview::used_columns;
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::theme::Theme;
use crate::tui::widgets::text::{fit, truncate, truncate_middle, width, wrap_words};

/// `chosen` is the session a sign-in sheet or notice is for: their entries name it and where it
/// was chosen.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    tab: &ReportsState,
    chosen: Option<PapersSession>,
    view: &View,
) {
    let lines = match &tab.preview {
        Some(preview) => preview_lines(view, preview, area),
        None => list_lines(tab, chosen, view, area.width as usize),
    };
    frame.render_widget(Paragraph::new(lines), area);
}

fn entry_text(chosen: Option<PapersSession>, entry: Entry) -> (String, String) {
    match entry {
        Entry::Report(kind) => {
            let about = match kind {
                ReportKind::Signin | ReportKind::Notice => match chosen {
                    Some(c) => tf(
                        if c.at_door {
                            "tui.reports.session_at_door"
                        } else {
                            "tui.reports.session_selected"
                        },
                        &[("title", &c.row.session.title)],
                    ),
                    None => t("tui.reports.pick_session"),
                },
                _ => t(&format!("tui.reports.{}_about", kind.key())),
            };
            (kind.title(), about)
        }
        Entry::Import => (t("tui.reports.import"), t("tui.reports.import_about")),
    }
}

fn list_lines(
    tab: &ReportsState,
    chosen: Option<PapersSession>,
    view: &View,
    w: usize,
) -> Vec<Line<'static>> {
    let theme = view.theme;
    let r = tab;
    let mut lines = vec![
        Line::styled(t("tui.reports.heading"), theme.title),
        Line::raw(""),
    ];
    let names: Vec<(String, String)> = ENTRIES.iter().map(|e| entry_text(chosen, *e)).collect();
    let name_w = names.iter().map(|(n, _)| width(n)).max().unwrap_or(8) + 2;
    let about_w = w.saturating_sub(name_w + 2);
    // What the selected entry does, whole, when its line cuts it (English at 80 columns).
    let selected_cut = names
        .get(r.selected)
        .map(|(_, about)| about.clone())
        .filter(|about| width(about) > about_w);
    for (i, (name, about)) in names.into_iter().enumerate() {
        let selected = i == r.selected;
        let marker = if selected { "> " } else { "  " };
        let style = if selected {
            theme.selected
        } else {
            Style::new()
        };
        // A session's title loses its middle (its tail tells sessions apart); prose its end.
        let about = if matches!(
            ENTRIES[i],
            Entry::Report(ReportKind::Signin | ReportKind::Notice)
        ) {
            truncate_middle(&about, about_w)
        } else {
            truncate(&about, about_w)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{}", fit(&name, name_w)), style),
            Span::styled(about, theme.dim),
        ]));
    }
    lines.push(Line::raw(""));
    if let Some((what, progress, ms)) = &r.running {
        let seconds = format!("{:.1}", *ms as f64 / 1000.0);
        lines.push(Line::styled(
            tf(
                "tui.reports.running",
                &[("what", what), ("seconds", &seconds)],
            ),
            theme.key,
        ));
        if !progress.is_empty() {
            lines.push(Line::styled(truncate(progress, w), theme.dim));
        }
    } else if let Some(outcome) = &r.outcome {
        let style = if outcome.error {
            theme.status_error
        } else {
            theme.status_ok
        };
        let parts = outcome.text.split('\n').flat_map(|p| wrap_path(p, w));
        for part in parts.take(4) {
            lines.push(Line::styled(part, style));
        }
    } else {
        for part in selected_cut.iter().flat_map(|about| wrap_words(about, w)) {
            lines.push(Line::styled(part, theme.dim));
        }
        let key = view.keymap.hint(Action::Open).unwrap_or_default();
        lines.push(Line::styled(
            tf("tui.reports.how", &[("key", &key)]),
            theme.dim,
        ));
    }
    lines
}

/// A line that may hold a file's path: broken after a `/` when it is too long, so a file's
/// name stays whole on its line; other text wraps between words.
fn wrap_path(text: &str, w: usize) -> Vec<String> {
    if width(text) <= w || !text.contains('/') {
        return wrap_words(text, w);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in text.split_inclusive('/') {
        if !line.is_empty() && width(&line) + width(piece) > w {
            lines.push(std::mem::take(&mut line));
        }
        line.push_str(piece);
    }
    lines.push(line);
    lines.into_iter().flat_map(|l| wrap_words(&l, w)).collect()
}

/// A labelled line, wrapped under its label.
fn labelled(theme: &Theme, label: &str, value: &str, w: usize) -> Vec<Line<'static>> {
    let lead = width(label) + 1;
    wrap_words(value, w.saturating_sub(lead).max(8))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let head = if i == 0 {
                Span::styled(format!("{label} "), theme.column_header)
            } else {
                Span::raw(" ".repeat(lead))
            };
            Line::from(vec![head, Span::raw(part)])
        })
        .collect()
}

fn preview_lines(view: &View, preview: &Preview, area: Rect) -> Vec<Line<'static>> {
    let theme = view.theme;
    let w = area.width as usize;
    let plan = &preview.plan;
    let sep = t("tui.reports.list_sep");
    let file = preview.job.path.display().to_string();
    let mut lines = vec![Line::styled(
        truncate_middle(&tf("tui.reports.preview_title", &[("file", &file)]), w),
        theme.title,
    )];
    // A CSV file has no sheet name.
    let sheet = if plan.sheet.is_empty() {
        tf("tui.reports.header_row", &[("row", &plan.header_row)])
    } else {
        tf(
            "tui.reports.sheet_header",
            &[("sheet", &plan.sheet), ("row", &plan.header_row)],
        )
    };
    lines.extend(labelled(view.theme, &t("tui.reports.sheet"), &sheet, w));
    let used = used_columns(plan).join(&sep);
    lines.extend(labelled(view.theme, &t("tui.reports.used"), &used, w));
    if !plan.ignored.is_empty() {
        lines.extend(labelled(
            view.theme,
            &t("tui.reports.ignored"),
            &plan.ignored.join(&sep),
            w,
        ));
    }
    let counts = &plan.counts;
    let counts = tf(
        if counts.enterprise_list {
            "tui.reports.counts_enterprises"
        } else {
            "tui.reports.counts"
        },
        &[
            ("rows", &plan.rows),
            ("new", &counts.new_people),
            ("known", &counts.known_people),
            ("enterprises", &counts.new_enterprises),
            ("known_enterprises", &counts.known_enterprises),
            ("enrolments", &counts.enrolments),
        ],
    );
    lines.extend(labelled(
        view.theme,
        &t("tui.reports.counts_label"),
        &counts,
        w,
    ));
    for warning in &plan.warnings {
        let warning = crate::sheets::people::on_screen(warning);
        lines.extend(
            wrap_words(warning, w.max(8))
                .into_iter()
                .map(|part| Line::styled(part, theme.due_soon)),
        );
    }
    lines.push(Line::raw(""));
    let (bad, listed) = (plan.bad, plan.errors.len());
    if bad == 0 {
        let key = view.keymap.hint(Action::Open).unwrap_or_default();
        let all_good = tf("tui.reports.all_good", &[("key", &key)]);
        lines.extend(
            wrap_words(&all_good, w.max(8))
                .into_iter()
                .map(|part| Line::styled(part, theme.status_ok)),
        );
        return lines;
    }
    let skip = view.keymap.hint(Action::SkipBadRows).unwrap_or_default();
    lines.push(Line::styled(
        tf("tui.reports.bad_rows", &[("n", &bad), ("key", &skip)]),
        theme.status_error,
    ));
    // The bad rows listed fill what is left, from the scroll position; a last line says how
    // many more there are below, those past the listed ones included.
    let room = (area.height as usize).saturating_sub(lines.len()).max(1);
    let start = preview.scroll.min(listed.saturating_sub(room));
    let rows = if bad - start > room { room - 1 } else { room };
    for error in plan.errors.iter().skip(start).take(rows) {
        let text = tf(
            "tui.reports.bad_row",
            &[("row", &error.row), ("message", &error.message)],
        );
        lines.push(Line::raw(truncate(&text, w)));
    }
    let below = bad.saturating_sub(start + rows);
    if below > 0 {
        let key = view.keymap.hint(Action::Down).unwrap_or_default();
        lines.push(Line::styled(
            tf("tui.reports.more_bad_rows", &[("n", &below), ("key", &key)]),
            theme.dim,
        ));
    }
    lines
}
