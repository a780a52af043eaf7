//! The door's banner: the one line under the session's that says what just happened (checked
//! in, already checked in, undone) or what to press next, fitted to the screen so the firm's own
//! name shows rather than the province it starts with.

use ratatui::text::{Line, Span};

use super::state::{Arrival, Banner, CheckinState};
use super::view::{arrival_time, enter_key};
use crate::i18n::{t, tf};
use crate::tui::context::View;
use crate::tui::widgets::text::{clip_line, truncate, width};

/// "张三（企业）", or the name alone when there is no enterprise.
fn who(name: &str, enterprise: &str) -> String {
    if enterprise.is_empty() {
        name.to_string()
    } else {
        tf(
            "tui.checkin.who",
            &[("name", &name), ("enterprise", &enterprise)],
        )
    }
}

/// What `said` says with `enterprise` whole or, where `w` columns are too few, from after the
/// places it starts with and then cut: the 湖北 most names start with tells no one apart.
fn fitted(enterprise: &str, w: usize, said: impl Fn(&str) -> String) -> String {
    let text = said(enterprise);
    if width(&text) <= w {
        return text;
    }
    let own = crate::domain::pinyin::after_leading_places(enterprise);
    let text = said(own);
    let over = width(&text).saturating_sub(w);
    if over == 0 {
        return text;
    }
    said(&truncate(own, width(own).saturating_sub(over)))
}

/// The line that says what just happened at the door, or what to press next.
pub(super) fn banner_line(tab: &CheckinState, view: &View, w: usize) -> Line<'static> {
    let theme = view.theme;
    let Some(banner) = &tab.banner else {
        return Line::raw("");
    };
    let line = match banner {
        Banner::Done {
            name,
            enterprise,
            at,
            late,
            arrival,
        } => {
            let mut spans = vec![
                Span::styled(format!("✓ {} ", t("tui.checkin.done")), theme.checkin_ok),
                Span::styled(name.clone(), theme.checkin_ok),
            ];
            if !enterprise.is_empty() {
                spans.push(Span::raw(format!(" · {enterprise}")));
            }
            spans.push(Span::raw(format!(" · {}", arrival_time(*at, tab))));
            if *late {
                // Why: the time after which arrivals count as late.
                let why = tab.door.as_ref().map_or_else(String::new, |d| {
                    let from = d.session.start + chrono::Duration::minutes(i64::from(tab.grace));
                    tf("tui.checkin.late_why", &[("time", &from.format("%H:%M"))])
                });
                spans.push(Span::raw(" "));
                spans.push(Span::styled(
                    format!("{}{why}", t("tui.checkin.late")),
                    theme.late,
                ));
            }
            let note = match arrival {
                Arrival::Listed => None,
                Arrival::OtherList => Some("tui.checkin.joined"),
                Arrival::WalkIn => Some("tui.checkin.walked_in"),
                Arrival::KnownPhone => Some("tui.checkin.known_phone"),
            };
            if let Some(note) = note {
                spans.push(Span::styled(format!("  {}", t(note)), theme.dim));
            }
            Line::from(spans)
        }
        Banner::Already {
            name,
            enterprise,
            first_at,
            late,
        } => {
            let said = |enterprise: &str| {
                let text = tf(
                    "tui.checkin.already",
                    &[
                        ("who", &who(name, enterprise)),
                        ("time", &arrival_time(*first_at, tab)),
                    ],
                );
                let late = if *late {
                    format!("（{}）", t("tui.checkin.late"))
                } else {
                    String::new()
                };
                format!("! {text}{late} ")
            };
            // The whole line in the warning style: it must not read as a success.
            Line::styled(fitted(enterprise, w, said), theme.checkin_warn)
        }
        Banner::Undone { name, unenrolled } => {
            let key = if *unenrolled {
                "tui.checkin.undone_and_unenrolled"
            } else {
                "tui.checkin.undone"
            };
            Line::styled(
                format!("↶ {}", tf(key, &[("name", &name)])),
                theme.status_ok,
            )
        }
        Banner::Confirm {
            name,
            enterprise,
            listed,
            ..
        } => {
            let key = if *listed {
                "tui.checkin.confirm"
            } else {
                "tui.checkin.confirm_off_list"
            };
            let said = |enterprise: &str| {
                tf(
                    key,
                    &[("who", &who(name, enterprise)), ("key", &enter_key(view))],
                )
            };
            // What to press matters more than the end of a long firm name: the name gives way.
            Line::styled(fitted(enterprise, w, said), theme.checkin_warn)
        }
        Banner::Several { count } => Line::styled(
            tf("tui.checkin.several", &[("count", count)]),
            theme.checkin_warn,
        ),
        Banner::NotCheckedIn { name } => Line::styled(
            tf("tui.checkin.not_checked_in", &[("name", &name)]),
            theme.due_soon,
        ),
        Banner::NothingToUndo => Line::styled(t("tui.checkin.nothing_to_undo"), theme.dim),
    };
    clip_line(line, w)
}
