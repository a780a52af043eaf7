//! Drawing the 同步 tab: this office's fingerprint, the peers with their last bundles, a panel
//! (the selected peer's key, held and quarantined ranges, people to review, or how the last job
//! ended), and the running job or how to start one at the bottom.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::state::{FileResult, Panel, PeerRow, SyncState};
use crate::domain::text::mask_phone;
use crate::i18n::{t, tf};
use crate::sync::status::age_text;
use crate::tui::action::Action;
use crate::tui::context::View;
use crate::tui::widgets::text::{fit, page, truncate, width, wrap_words};

/// Rows the panel keeps for itself below the peers; the results, a line per file, keep more.
const PANEL_ROWS: usize = 6;
const RESULTS_ROWS: usize = 10;

pub fn render(frame: &mut Frame, area: Rect, tab: &SyncState, view: &View) {
    let w = area.width as usize;
    let h = area.height as usize;
    let s = tab;
    let bottom = bottom_lines(tab, view, w);
    let mut lines = vec![Line::styled(truncate(&heading(s), w), view.theme.title)];
    let reserved = if s.panel == Panel::Results {
        RESULTS_ROWS
    } else {
        PANEL_ROWS
    };
    let room = h.saturating_sub(lines.len() + 2 + reserved + bottom.len());
    lines.extend(peer_lines(tab, view, w, room.max(2)));
    lines.push(Line::raw(""));
    lines.push(panel_tabs(tab, view));
    let panel_room = h.saturating_sub(lines.len() + bottom.len()).max(1);
    lines.extend(
        panel_lines(tab, view, w, panel_room)
            .into_iter()
            .take(panel_room),
    );
    while lines.len() + bottom.len() < h {
        lines.push(Line::raw(""));
    }
    lines.extend(bottom);
    frame.render_widget(Paragraph::new(lines), area);
}

fn heading(s: &SyncState) -> String {
    match &s.fingerprint {
        Some(fp) => tf(
            "sync.tui.heading",
            &[("fingerprint", fp), ("epoch", &s.epoch)],
        ),
        None => t("sync.tui.no_keys"),
    }
}

/// "第 17 号包，9 天前", or the word for none yet.
fn bundle_text(bundle: Option<(u64, i64)>, none: &str) -> String {
    match bundle {
        Some((seq, days)) => tf(
            "sync.tui.bundle",
            &[("seq", &seq), ("age", &age_text(days))],
        ),
        None => t(none),
    }
}

fn peer_lines(tab: &SyncState, view: &View, w: usize, room: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let s = tab;
    if s.peers.is_empty() {
        let key = view.keymap.hint(Action::Add).unwrap_or_default();
        return wrap_words(&tf("sync.tui.no_peers", &[("key", &key)]), w)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim))
            .collect();
    }
    let name_w = s
        .peers
        .iter()
        .map(|p| width(&p.name))
        .max()
        .unwrap_or(6)
        .clamp(6, 12)
        + 4;
    let role_w = s.peers.iter().map(|p| width(&p.role)).max().unwrap_or(4) + 1;
    let col_w = w.saturating_sub(name_w + role_w) / 2;
    let cells = |p: &PeerRow| {
        [
            bundle_text(p.sent, "sync.tui.never_sent"),
            bundle_text(p.received, "sync.tui.never_received"),
        ]
    };
    let mut lines = vec![Line::styled(
        format!(
            "{}{}{}{}",
            fit(&t("sync.col.office"), name_w),
            fit(&t("sync.col.role"), role_w),
            fit(&t("sync.tui.col_sent"), col_w),
            t("sync.tui.col_received"),
        ),
        theme.column_header,
    )];
    for i in page(s.peers.len(), s.selected, room.saturating_sub(1)) {
        let p = &s.peers[i];
        let selected = i == s.selected;
        let marker = if selected { "> " } else { "  " };
        let base = if selected {
            theme.selected
        } else {
            Style::new()
        };
        let [sent, received] = cells(p);
        let name_style = if p.revoked {
            theme.status_error.patch(base)
        } else {
            base
        };
        let spans = vec![
            Span::styled(format!("{marker}{}", fit(&p.name, name_w - 2)), name_style),
            Span::styled(fit(&p.role, role_w), base),
            Span::styled(fit(&sent, col_w), base),
            Span::styled(
                fit(&received, w.saturating_sub(name_w + role_w + col_w)),
                base,
            ),
        ];
        lines.push(Line::from(spans));
    }
    lines
}

fn panel_tabs(tab: &SyncState, view: &View) -> Line<'static> {
    let s = tab;
    let mut spans = Vec::new();
    for panel in s.panels() {
        let count = match panel {
            Panel::Keys => None,
            Panel::Held => Some(s.held.len()),
            Panel::Review => Some(s.review.len()),
            Panel::Results => s.outcome.as_ref().map(|o| o.files.len()).filter(|n| *n > 0),
        };
        let label = t(&format!("sync.tui.panel_{}", panel.key()));
        let text = match count {
            Some(n) => tf("sync.tui.panel_count", &[("label", &label), ("n", &n)]),
            None => label,
        };
        let text = format!(" {text} ");
        let style = if panel == s.panel {
            view.theme.tab_active
        } else {
            view.theme.tab_inactive
        };
        spans.push(Span::styled(text, style));
    }
    Line::from(spans)
}

fn panel_lines(tab: &SyncState, view: &View, w: usize, room: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let s = tab;
    let dim = |text: String| Line::styled(truncate(&text, w), theme.dim);
    match s.panel {
        Panel::Keys => match s.selected_peer() {
            None => vec![dim(t("sync.tui.keys_hint"))],
            Some(p) => {
                let status = t(if p.revoked {
                    "sync.status.revoked"
                } else {
                    "sync.status.trusted"
                });
                vec![
                    Line::raw(truncate(
                        &tf(
                            "sync.tui.peer_key",
                            &[
                                ("office", &p.name),
                                ("fingerprint", &p.fingerprint),
                                ("epoch", &p.epoch),
                            ],
                        ),
                        w,
                    )),
                    Line::raw(truncate(
                        &tf(
                            "sync.tui.peer_trust",
                            &[("source", &p.source), ("status", &status)],
                        ),
                        w,
                    )),
                ]
            }
        },
        Panel::Held if s.held.is_empty() => vec![dim(t("sync.held.none"))],
        Panel::Held => s
            .held
            .iter()
            .skip(s.scroll)
            .flat_map(|text| wrap_words(text, w).into_iter().map(Line::raw))
            .collect(),
        Panel::Review if s.review.is_empty() => vec![dim(t("sync.review.none"))],
        Panel::Review => review_lines(s)
            .into_iter()
            .skip(s.scroll)
            .map(|(text, head)| {
                let style = if head {
                    theme.column_header
                } else {
                    Style::new()
                };
                Line::styled(truncate(&text, w), style)
            })
            .collect(),
        Panel::Results => results_lines(tab, view, w, room),
    }
}

/// What the job said as a whole (wrapped between words), then a line per file cut to the
/// width, a page at a time, the selected file's lines whole; a last line counts the files below.
fn results_lines(tab: &SyncState, view: &View, w: usize, room: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let Some(outcome) = &tab.outcome else {
        return Vec::new();
    };
    let style = |error: bool| {
        if error {
            theme.status_error
        } else {
            theme.status_ok
        }
    };
    let files = &outcome.files;
    let head_room = if files.is_empty() {
        room
    } else {
        room.saturating_sub(1).max(1)
    };
    let mut lines: Vec<Line<'static>> = outcome
        .lines
        .iter()
        .flat_map(|l| wrap_words(l, w))
        .take(head_room)
        .map(|l| Line::styled(l, style(outcome.error)))
        .collect();
    let Some(last) = files.len().checked_sub(1) else {
        return lines;
    };
    let avail = room.saturating_sub(lines.len()).max(1);
    let selected = outcome.selected.min(last);
    let open = file_rows(&files[selected], w);
    let extra = open.len().saturating_sub(1);
    // Pages of the same size wherever the selection is, less a row to say more are below.
    let height = if files.len() + extra > avail {
        avail.saturating_sub(1).max(1)
    } else {
        avail
    };
    let shown = page(files.len(), selected, height);
    let (mut start, mut end) = (shown.start, shown.end);
    // The selected file's further rows push out the page's last files, then its first ones.
    let mut rows = end - start + extra;
    while rows > height && end > selected + 1 {
        end -= 1;
        rows -= 1;
    }
    while rows > height && start < selected {
        start += 1;
        rows -= 1;
    }
    let below = files.len() - end;
    for (i, file) in files.iter().enumerate().take(end).skip(start) {
        if i == selected {
            let style = style(file.refused).patch(theme.selected);
            lines.extend(open.iter().map(|row| Line::styled(row.clone(), style)));
        } else {
            let first = file.lines.first().map_or("", String::as_str);
            let row = format!("  {}", truncate(first, w.saturating_sub(2)));
            lines.push(Line::styled(row, style(file.refused)));
        }
    }
    if below > 0 {
        let key = view.keymap.hint(Action::Down).unwrap_or_default();
        let more = tf("sync.tui.more_files", &[("n", &below), ("key", &key)]);
        lines.push(Line::styled(truncate(&more, w), theme.dim));
    }
    lines
}

/// A file's lines whole: the first after the marker, the ones under it indented further.
fn file_rows(file: &FileResult, w: usize) -> Vec<String> {
    let mut rows = Vec::new();
    for (i, line) in file.lines.iter().enumerate() {
        let (first, rest, text) = if i == 0 {
            ("> ", "  ", line.as_str())
        } else {
            ("    ", "    ", line.trim_start())
        };
        for (k, part) in wrap_words(text, w.saturating_sub(first.len()))
            .into_iter()
            .enumerate()
        {
            rows.push(format!("{}{part}", if k == 0 { first } else { rest }));
        }
    }
    rows
}

/// Each group's heading, then one line per unit's record (phones masked, as on every screen).
fn review_lines(s: &SyncState) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for d in &s.review {
        let value = match d.by {
            crate::sync::ledger::DuplicateBy::Phone => mask_phone(&d.value),
            crate::sync::ledger::DuplicateBy::CreditCodeAndName => d.value.clone(),
        };
        out.push((
            tf(
                "sync.review.group",
                &[
                    ("by", &t(&format!("sync.review.by_{}", d.by.key()))),
                    ("value", &value),
                ],
            ),
            true,
        ));
        for p in &d.sightings {
            out.push((
                tf(
                    "sync.review.sighting",
                    &[
                        ("office", &crate::campaign::unit_name(&p.office)),
                        ("name", &p.name),
                        ("phone", &mask_phone(&p.phone)),
                        ("enterprise", &p.enterprise),
                    ],
                ),
                false,
            ));
        }
    }
    out
}

/// The running job's progress, else how to start one; the results panel needs the room itself.
fn bottom_lines(tab: &SyncState, view: &View, w: usize) -> Vec<Line<'static>> {
    let theme = view.theme;
    let s = tab;
    if let Some((what, progress, ms)) = &s.running {
        let seconds = format!("{:.1}", *ms as f64 / 1000.0);
        let mut lines = vec![Line::styled(
            truncate(
                &tf(
                    "tui.reports.running",
                    &[("what", what), ("seconds", &seconds)],
                ),
                w,
            ),
            theme.key,
        )];
        if !progress.is_empty() {
            lines.push(Line::styled(truncate(progress, w), theme.dim));
        }
        return lines;
    }
    if s.panel == Panel::Results {
        return Vec::new();
    }
    let export = view.keymap.hint(Action::Open).unwrap_or_default();
    let import = view.keymap.hint(Action::Import).unwrap_or_default();
    let trust = view.keymap.hint(Action::Add).unwrap_or_default();
    vec![Line::styled(
        truncate(
            &tf(
                "sync.tui.how",
                &[("export", &export), ("import", &import), ("trust", &trust)],
            ),
            w,
        ),
        theme.dim,
    )]
}
