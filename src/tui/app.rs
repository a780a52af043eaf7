//! The whole screen's state and `update`, the one place keys change it. `update` never touches
//! the store, the files or the clock: what needs them comes back as an `Effect` for
//! `effects::run`.

use std::time::Instant;

use chrono::{NaiveDate, NaiveTime};
use crossterm::event::KeyEvent;

use super::action::{Action, Effect, TextKey};
use super::context::ctx;
use super::forms::{Form, FormKind, FormStep};
use super::keymap::{Focus, Keymap};
use super::suggest;
use super::tabs::calendar::CalendarState;
use super::tabs::cert::CertState;
use super::tabs::checkin::CheckinState;
use super::tabs::checklist::ChecklistState;
use super::tabs::outreach::OutreachState;
use super::tabs::reports::{PapersSession, ReportsState};
use super::tabs::sessions::paper;
use super::tabs::sessions::paper::PaperEntry;
use super::tabs::sessions::SessionsState;
use super::tabs::sync::SyncState;
use super::tabs::{calendar, cert, checkin, checklist, outreach, reports, sessions, sync};
use super::theme::Theme;
use super::widgets::help;
use crate::campaign::{campaign, role_label};
use crate::i18n::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Calendar,
    Sessions,
    Checklist,
    Checkin,
    Reports,
    Cert,
    Sync,
    Outreach,
}

impl Tab {
    pub const ALL: [Tab; 8] = [
        Tab::Calendar,
        Tab::Sessions,
        Tab::Checklist,
        Tab::Checkin,
        Tab::Reports,
        Tab::Cert,
        Tab::Sync,
        Tab::Outreach,
    ];

    pub fn title(self) -> String {
        t(match self {
            Tab::Calendar => "tui.tab.calendar",
            Tab::Sessions => "tui.tab.sessions",
            Tab::Checklist => "tui.tab.checklist",
            Tab::Checkin => "tui.tab.checkin",
            Tab::Reports => "tui.tab.reports",
            Tab::Cert => "cert.tab.title",
            Tab::Sync => "sync.tui.tab",
            Tab::Outreach => "tui.tab.outreach",
        })
    }

    /// The title when the full ones do not all fit the header: as short as it reads.
    pub fn short_title(self) -> String {
        t(match self {
            Tab::Calendar => "tui.tab_short.calendar",
            Tab::Sessions => "tui.tab_short.sessions",
            Tab::Checklist => "tui.tab_short.checklist",
            Tab::Checkin => "tui.tab_short.checkin",
            Tab::Reports => "tui.tab_short.reports",
            Tab::Cert => "tui.tab_short.cert",
            Tab::Sync => "tui.tab_short.sync",
            Tab::Outreach => "tui.tab_short.outreach",
        })
    }

    /// The action that goes straight to this tab.
    pub fn action(self) -> Action {
        match self {
            Tab::Calendar => Action::TabCalendar,
            Tab::Sessions => Action::TabSessions,
            Tab::Checklist => Action::TabChecklist,
            Tab::Checkin => Action::TabCheckin,
            Tab::Reports => Action::TabReports,
            Tab::Cert => Action::TabCert,
            Tab::Sync => Action::TabSync,
            Tab::Outreach => Action::TabOutreach,
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// A question before a change that is not undone by a key: Enter runs the effect, Esc drops it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub message: String,
    /// What Enter does.
    pub effect: Effect,
    /// A second answer, when the question has two: ↑↓ (or ←→) choose, Enter runs the one chosen, and
    /// Esc still answers neither (a coordinator backing out must never record something).
    pub otherwise: Option<Otherwise>,
    /// The form the question came from, which Esc brings back as it was typed (a walk-in asked
    /// which time a late entry takes keeps its name, phone and firm).
    pub back: Option<Box<Form>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Otherwise {
    pub effect: Effect,
    /// What the two answers do, in words: `Confirm::effect`'s, then this one's.
    pub choices: [String; 2],
    /// Whether Enter runs this answer rather than `Confirm::effect`.
    pub chosen: bool,
}

impl Confirm {
    /// A question answered yes (Enter runs `effect`) or no.
    pub fn yes_no(message: String, effect: Effect) -> Self {
        Confirm {
            message,
            effect,
            otherwise: None,
            back: None,
        }
    }

    /// A question with two answers, the first chosen until ←→ say otherwise.
    pub fn two_ways(message: String, first: (String, Effect), second: (String, Effect)) -> Self {
        Confirm {
            message,
            effect: first.1,
            otherwise: Some(Otherwise {
                effect: second.1,
                choices: [first.0, second.0],
                chosen: false,
            }),
            back: None,
        }
    }
}

/// What is drawn over the tabs; at most one at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    None,
    Help {
        scroll: u16,
    },
    Confirm(Confirm),
    Form(Form),
    /// Esc in a form with something typed: Enter throws it away, Esc goes back to the form.
    /// Typed text would be lost: the form, and whether the program quits once it is dropped.
    Discard {
        form: Box<Form>,
        then_quit: bool,
    },
    /// Choosing the check-in tab's session: `selected` indexes `state.sessions.rows`.
    Picker {
        selected: usize,
    },
    /// Typing the rows ticked on a printed sign-in sheet (`tabs::sessions::paper`).
    Paper(PaperEntry),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// The office this install belongs to, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub id: String,
    /// The unit's short name (鄂城区, 鄂州市, 湖北省): with the role after it, every level reads
    /// the same way (鄂城区 县区局, 鄂州市 市局).
    pub name: String,
    /// 县区局, 市局 or 省局.
    pub role: String,
}

impl Office {
    pub fn of(id: &str) -> Office {
        let name = campaign()
            .unit(id)
            .map_or_else(|| id.to_string(), |u| u.short.clone());
        Office {
            id: id.to_string(),
            name,
            // The CLI's word too: one place decides what an office is called.
            role: role_label(id),
        }
    }
}

/// Where the time of day of a check-in or an attached file comes from: the wall clock, or a
/// fixed time in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    #[default]
    Wall,
    Fixed(NaiveTime),
}

impl Clock {
    /// Read only by effects, never by `update` or drawing.
    pub fn time(self) -> NaiveTime {
        match self {
            Clock::Wall => chrono::Local::now().time(),
            Clock::Fixed(time) => time,
        }
    }
}

pub struct State {
    pub office: Office,
    /// The date deadlines count from (a demo store pins its own).
    pub today: NaiveDate,
    /// Opened on the wall clock's date (not a pinned or given one): an interface left open past
    /// midnight moves on to the new day.
    pub today_follows_wall: bool,
    pub clock: Clock,
    pub tab: Tab,
    pub overlay: Overlay,
    pub status: Option<Status>,
    pub calendar: CalendarState,
    pub sessions: SessionsState,
    pub checklist: ChecklistState,
    pub checkin: CheckinState,
    pub reports: ReportsState,
    /// The door was opened since the 场次 tab's cursor last moved: a 签到表 or 通知 is then the
    /// door's session's.
    pub papers_at_door: bool,
    pub cert: CertState,
    pub sync: SyncState,
    pub outreach: OutreachState,
    pub keymap: Keymap,
    pub theme: Theme,
    /// The terminal's size (columns, rows) as last drawn, so `update` can clamp scrolling to
    /// what the screen shows.
    pub viewport: (u16, u16),
    pub quit: bool,
    /// When the running report, import or bundle job started, for the seconds shown.
    pub job_since: Option<Instant>,
    /// The screen shows an older state: the loop draws again.
    pub dirty: bool,
}

impl State {
    /// Who gets the keys: a form, a filter being typed, the check-in line, or the keymap.
    pub fn focus(&self) -> Focus {
        match &self.overlay {
            Overlay::Form(_) | Overlay::Paper(_) => Focus::Text,
            Overlay::None => match self.tab {
                Tab::Sessions if self.sessions.editing_filter() => Focus::Text,
                Tab::Cert if self.cert.filter.editing => Focus::Text,
                Tab::Outreach if self.outreach.filter.editing => Focus::Text,
                Tab::Checkin => Focus::Door,
                _ => Focus::Keys,
            },
            // At the door a coordinator may still be typing the next name: letters in a question
            // there are typed into nothing, not taken as keys (q would quit, l change the answer).
            Overlay::Confirm(_) if self.tab == Tab::Checkin => Focus::Door,
            Overlay::Help { .. }
            | Overlay::Confirm(_)
            | Overlay::Discard { .. }
            | Overlay::Picker { .. } => Focus::Keys,
        }
    }

    /// Whether a text input has the keys (a form, a filter, the check-in line).
    pub fn text_focus(&self) -> bool {
        self.focus() != Focus::Keys
    }

    /// A key press through the keymap into `update`.
    pub fn press(&mut self, key: KeyEvent) -> Option<Effect> {
        let action = self.keymap.resolve(key, self.focus())?;
        update(self, action)
    }

    /// A new terminal size; scrolled overlays stay within what it shows.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.viewport = (width, height);
        clamp_help(self);
    }

    pub fn info(&mut self, text: String) {
        self.status = Some(Status { text, error: false });
    }

    pub fn error(&mut self, text: String) {
        self.status = Some(Status { text, error: true });
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match &mut self.overlay {
            Overlay::Form(form) => Some(form),
            _ => None,
        }
    }
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    if !matches!(action, Action::Text(_)) {
        state.status = None;
    }
    if action == Action::Quit {
        // Ctrl-C in a form with typed text asks first, as Esc does.
        match &state.overlay {
            Overlay::Form(form) if form.changed() => {
                state.overlay = Overlay::Discard {
                    form: Box::new(form.clone()),
                    then_quit: true,
                };
            }
            Overlay::Discard { .. } => {}
            _ => state.quit = true,
        }
        return None;
    }
    match &mut state.overlay {
        Overlay::None => {}
        Overlay::Help { scroll } => {
            match action {
                Action::Up => *scroll = scroll.saturating_sub(1),
                Action::Down => *scroll = scroll.saturating_add(1),
                Action::PageUp => *scroll = scroll.saturating_sub(10),
                Action::PageDown => *scroll = scroll.saturating_add(10),
                Action::Help | Action::Back | Action::Open => state.overlay = Overlay::None,
                _ => {}
            }
            clamp_help(state);
            return None;
        }
        Overlay::Picker { .. } => return checkin::update_picker(state, action),
        Overlay::Paper(_) => return paper::update(state, action),
        Overlay::Confirm(confirm) => {
            return match action {
                Action::Open => {
                    let effect = match &confirm.otherwise {
                        Some(other) if other.chosen => other.effect.clone(),
                        _ => confirm.effect.clone(),
                    };
                    // A form the question was asked over is there again while the answer runs:
                    // it closes on success, and a refusal is shown in it, nothing typed lost.
                    state.overlay = match confirm.back.take() {
                        Some(form) => Overlay::Form(*form),
                        None => Overlay::None,
                    };
                    Some(effect)
                }
                // The answers stand one above the other: either pair of arrows moves between them
                // (at the door ←→ come as the line's editing keys).
                Action::Left
                | Action::Right
                | Action::Up
                | Action::Down
                | Action::Text(TextKey::Left | TextKey::Right) => {
                    if let Some(other) = &mut confirm.otherwise {
                        other.chosen = matches!(
                            action,
                            Action::Right | Action::Down | Action::Text(TextKey::Right)
                        );
                    }
                    None
                }
                Action::Back => {
                    state.overlay = match confirm.back.take() {
                        Some(form) => Overlay::Form(*form),
                        None => Overlay::None,
                    };
                    suggest::refresh(&state.checkin, &state.sessions.teachers, &mut state.overlay);
                    None
                }
                _ => None,
            };
        }
        // Report and import forms hand their values to a worker.
        Overlay::Form(form) if action == Action::Open && form.kind.is_job() => {
            if matches!(form.kind, FormKind::Bundle(_)) {
                return sync::submit(state);
            }
            if form.suggest.selected.is_none() {
                return reports::submit(form, state.today, &state.sessions.rows);
            }
            return None;
        }
        Overlay::Form(form) => {
            // The form stays open while its effect runs: the app closes it on success and
            // shows a failure next to the field otherwise.
            return match form.update(action, &state.office.id) {
                FormStep::Stay => {
                    if let Overlay::Form(form) = &mut state.overlay {
                        reports::follow_office(form, state.today);
                    }
                    suggest::refresh(&state.checkin, &state.sessions.teachers, &mut state.overlay);
                    None
                }
                FormStep::Close => {
                    state.overlay = Overlay::None;
                    None
                }
                FormStep::AskDiscard => {
                    let form = Box::new(form.clone());
                    state.overlay = Overlay::Discard {
                        form,
                        then_quit: false,
                    };
                    None
                }
                FormStep::Submit(effect) => Some(effect),
            };
        }
        Overlay::Discard { form, then_quit } => {
            match action {
                Action::Open => {
                    state.quit = *then_quit;
                    state.overlay = Overlay::None;
                }
                Action::Back => state.overlay = Overlay::Form((**form).clone()),
                _ => {}
            }
            return None;
        }
    }
    // Tabs switch everywhere but in a form or filter; on the check-in tab the digits are typed,
    // so Tab and the F-keys do it there.
    if state.focus() != Focus::Text {
        let target = match action {
            Action::Help => {
                state.overlay = Overlay::Help { scroll: 0 };
                return None;
            }
            Action::NextTab => Some(Tab::ALL[(state.tab.index() + 1) % Tab::ALL.len()]),
            Action::PrevTab => {
                Some(Tab::ALL[(state.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()])
            }
            Action::TabCalendar => Some(Tab::Calendar),
            Action::TabSessions => Some(Tab::Sessions),
            Action::TabChecklist => Some(Tab::Checklist),
            Action::TabCheckin => Some(Tab::Checkin),
            Action::TabReports => Some(Tab::Reports),
            Action::TabCert => Some(Tab::Cert),
            Action::TabSync => Some(Tab::Sync),
            Action::TabOutreach => Some(Tab::Outreach),
            _ => None,
        };
        if let Some(tab) = target {
            state.tab = tab;
            return match tab {
                Tab::Checkin => checkin::entered(&state.checkin, &state.sessions.rows),
                Tab::Cert => cert::entered(&state.cert),
                Tab::Sync => sync::entered(&state.sync),
                Tab::Outreach => outreach::entered(&state.outreach),
                _ => None,
            };
        }
    }
    match state.tab {
        Tab::Calendar => calendar::update(&mut state.calendar, &mut ctx!(state), action),
        Tab::Sessions => {
            let day = state.calendar.selected;
            let before = state.sessions.selected_row().map(|r| r.session.id.clone());
            let open = state.sessions.detail.is_some();
            let effect = sessions::update(&mut state.sessions, day, &mut ctx!(state), action);
            if state.sessions.selected_row().map(|r| &r.session.id) != before.as_ref() {
                state.papers_at_door = false;
            }
            // A session opened from the calendar closes back onto it.
            if open && state.sessions.detail.is_none() {
                if let Some(tab) = state.sessions.back_to.take() {
                    state.tab = tab;
                }
            }
            effect
        }
        Tab::Checklist => checklist::update(&mut state.checklist, &mut ctx!(state), action),
        Tab::Checkin => {
            let sessions = &state.sessions.rows;
            checkin::update(&mut state.checkin, sessions, &mut ctx!(state), action)
        }
        Tab::Reports => {
            let chosen = papers_session(&state.sessions, &state.checkin, state.papers_at_door);
            reports::update(
                &mut state.reports,
                chosen.map(|c| c.row),
                &mut ctx!(state),
                action,
            )
        }
        Tab::Cert => cert::update(&mut state.cert, action),
        Tab::Sync => sync::update(&mut state.sync, &mut ctx!(state), action),
        Tab::Outreach => outreach::update(&mut state.outreach, &mut ctx!(state), action),
    }
}

/// The session the 报表 tab prints a 签到表 or 通知 for: the door's, when it was opened since
/// the 场次 tab's cursor last moved, else the one selected there.
pub fn papers_session<'a>(
    sessions: &'a SessionsState,
    checkin: &CheckinState,
    at_door: bool,
) -> Option<PapersSession<'a>> {
    let door = checkin.door.as_ref().filter(|_| at_door);
    if let Some(row) =
        door.and_then(|d| sessions.rows.iter().find(|r| r.session.id == d.session.id))
    {
        return Some(PapersSession { row, at_door: true });
    }
    sessions.selected_row().map(|row| PapersSession {
        row,
        at_door: false,
    })
}

/// The one place the help overlay's scroll is limited: to its last line at the current size.
fn clamp_help(state: &mut State) {
    let max = help::max_scroll(state);
    if let Overlay::Help { scroll } = &mut state.overlay {
        *scroll = (*scroll).min(max);
    }
}

/// A footer entry: an action and the `tui.short.<label>` word for what it does here.
pub type Hint = (Action, &'static str);

/// The footer's actions for what is on screen, most useful first.
pub fn hints(state: &State) -> Vec<Hint> {
    match &state.overlay {
        Overlay::Help { .. } => vec![
            (Action::Back, "close"),
            (Action::Down, "down"),
            (Action::Up, "up"),
        ],
        Overlay::Confirm(Confirm {
            otherwise: Some(_), ..
        }) => vec![(Action::Open, "yes"), (Action::Back, "back_out")],
        Overlay::Confirm(_) => vec![(Action::Open, "yes"), (Action::Back, "cancel")],
        Overlay::Discard { .. } => {
            vec![(Action::Open, "discard"), (Action::Back, "keep_editing")]
        }
        Overlay::Picker { .. } => vec![
            (Action::Open, "choose"),
            (Action::Back, "cancel"),
            (Action::Down, "down"),
            (Action::Up, "up"),
        ],
        Overlay::Paper(_) => vec![(Action::Open, "check_in_rows"), (Action::Back, "cancel")],
        Overlay::Form(form) => vec![
            match form.kind {
                FormKind::Report { .. } => (Action::Open, "write_report"),
                FormKind::Import => (Action::Open, "preview"),
                FormKind::Bundle(_) => (Action::Open, "start"),
                _ => (Action::Open, "save"),
            },
            (Action::Back, "cancel"),
            (Action::NextTab, "next_field"),
            (Action::PrevTab, "prev_field"),
        ],
        Overlay::None => {
            let mut out = match state.tab {
                Tab::Calendar => calendar::hints(),
                Tab::Sessions => sessions::hints(&state.sessions, &state.view()),
                Tab::Checklist => checklist::hints(&state.checklist, &state.view()),
                Tab::Checkin => checkin::hints(&state.checkin),
                Tab::Reports => reports::hints(&state.reports),
                Tab::Cert => cert::hints(&state.cert),
                Tab::Sync => sync::hints(&state.sync),
                Tab::Outreach => outreach::hints(&state.outreach),
            };
            if state.focus() != Focus::Text {
                out.insert(0, (Action::Help, "help"));
                out.push((Action::NextTab, "next_tab"));
                out.push((Action::Quit, "quit"));
            }
            out
        }
    }
}
