//! Drawing the whole screen from `State` alone: no store reads and no clock, so the same state
//! always draws the same screen (which is what the snapshot tests rely on).

use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;

use super::app::{Overlay, State, Tab};
use super::tabs::sessions::paper_view;
use super::tabs::{calendar, cert, checkin, checklist, outreach, reports, sessions, sync};
use super::widgets::{chrome, form, help};

pub fn render(frame: &mut Frame, state: &State) {
    let [header, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    chrome::header(frame, header, state);
    match state.tab {
        Tab::Calendar => calendar::view::render(frame, body, &state.calendar, &state.view()),
        Tab::Sessions => sessions::view::render(frame, body, &state.sessions, &state.view()),
        Tab::Checklist => checklist::view::render(frame, body, &state.checklist, &state.view()),
        Tab::Checkin => checkin::view::render(
            frame,
            body,
            &state.checkin,
            &state.sessions.rows,
            &state.view(),
        ),
        Tab::Reports => reports::view::render(
            frame,
            body,
            &state.reports,
            crate::tui::app::papers_session(&state.sessions, &state.checkin, state.papers_at_door),
            &state.view(),
        ),
        Tab::Cert => cert::view::render(frame, body, &state.cert, &state.view()),
        Tab::Sync => sync::view::render(frame, body, &state.sync, &state.view()),
        Tab::Outreach => outreach::view::render(frame, body, &state.outreach, &state.view()),
    }
    chrome::status(frame, status, state);
    chrome::footer(frame, footer, state);
    match &state.overlay {
        Overlay::None => {}
        Overlay::Help { scroll } => help::render(frame, body, state, *scroll),
        Overlay::Confirm(confirm) => chrome::confirm(frame, body, state, confirm),
        Overlay::Form(f) => form::render(frame, body, state, f),
        Overlay::Discard { form: f, then_quit } => {
            form::render(frame, body, state, f);
            chrome::discard(frame, body, state, *then_quit);
        }
        Overlay::Picker { selected } => checkin::view::render_picker(
            frame,
            body,
            &state.checkin,
            &state.sessions.rows,
            &state.view(),
            *selected,
        ),
        Overlay::Paper(entry) => paper_view::render(frame, body, state, entry),
    }
}
