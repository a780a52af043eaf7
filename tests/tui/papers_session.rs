//! The 报表 tab prints a 签到表 or 通知 for the session last worked: the one open at the door
//! when the door was opened since the 场次 tab's cursor last moved, else the one selected there;
//! it says which. The door leaves the 场次 tab's cursor and filter as they are.

use crossterm::event::KeyCode;

use super::door::{at_door, door_store, DoorStore};
use super::fixtures::*;
use peixun::tui::app::{State, Tab};
use peixun::tui::list_filter::Filter;
use peixun::tui::text_input::TextInput;
use peixun::tui::Theme;

const TODAYS: &str = "知识产权风险防范专题培训班";
const LATER: &str = "专利导航专题培训班";

fn selected(state: &State) -> Option<String> {
    state.sessions.selected_row().map(|r| r.session.id.clone())
}

/// The 报表 tab's line for the 签到表, after going there (Tab from the door, where digits are
/// typed; `5` elsewhere).
fn signin_line(d: &DoorStore, state: &mut State) -> String {
    let key = if state.tab == Tab::Checkin {
        KeyCode::Tab
    } else {
        KeyCode::Char('5')
    };
    press(&d.store, state, key);
    assert_eq!(state.tab, Tab::Reports);
    let screen = super::sync_fixtures::rows(draw(state, 80, 24).backend().buffer());
    screen
        .into_iter()
        .find(|line| line.contains("签到表"))
        .unwrap_or_default()
}

/// The 场次 tab with its cursor moved to `id` (Shift-Tab back from the door, where digits are
/// typed).
fn on_sessions(d: &DoorStore, state: &mut State, id: &str) {
    if state.tab == Tab::Checkin {
        press(&d.store, state, KeyCode::BackTab);
        press(&d.store, state, KeyCode::BackTab);
    } else {
        press(&d.store, state, KeyCode::Char('2'));
    }
    assert_eq!(state.tab, Tab::Sessions);
    let at = |state: &State| selected(state).as_deref() == Some(id);
    for _ in 0..5 {
        if at(state) {
            break;
        }
        press(&d.store, state, KeyCode::Char('j'));
    }
    assert!(at(state));
}

#[test]
fn the_session_picked_at_the_door_is_the_one_the_reports_print() {
    let d = door_store();
    let mut state = at_door(&d, 8, 50);
    press(&d.store, &mut state, KeyCode::F(3));
    press(&d.store, &mut state, KeyCode::Char('j'));
    press(&d.store, &mut state, KeyCode::Enter);
    let door = state
        .checkin
        .door
        .as_ref()
        .map(|door| door.session.id.clone());
    assert_eq!(door, Some(d.other.clone()));
    let line = signin_line(&d, &mut state);
    assert!(line.contains(&format!("签到页的场次：{LATER}")), "{line}");
}

#[test]
fn the_door_opened_after_the_sessions_cursor_moved_is_the_one_printed() {
    let d = door_store();
    let mut state = load(&d.store, Theme::coloured());
    on_sessions(&d, &mut state, &d.other);
    press(&d.store, &mut state, KeyCode::Char('4'));
    let door = state
        .checkin
        .door
        .as_ref()
        .map(|door| door.session.id.clone());
    assert_eq!(
        door,
        Some(d.today.clone()),
        "the door opens on today's by itself"
    );
    assert_eq!(
        selected(&state),
        Some(d.other.clone()),
        "the 场次 cursor stays"
    );
    let line = signin_line(&d, &mut state);
    assert!(line.contains(&format!("签到页的场次：{TODAYS}")), "{line}");
}

#[test]
fn the_sessions_cursor_moved_after_the_door_is_the_one_printed() {
    let d = door_store();
    let mut state = at_door(&d, 8, 50);
    on_sessions(&d, &mut state, &d.other);
    let line = signin_line(&d, &mut state);
    assert!(line.contains(&format!("场次页所选：{LATER}")), "{line}");
}

#[test]
fn the_door_leaves_the_sessions_filter_and_cursor_alone() {
    let d = door_store();
    let mut state = load(&d.store, Theme::coloured());
    on_sessions(&d, &mut state, &d.today);
    state.sessions.filter = Filter {
        input: TextInput::new("fxff"),
        editing: false,
    };
    state.sessions.selected = 0;
    assert_eq!(
        selected(&state),
        Some(d.today.clone()),
        "the filter keeps today's"
    );
    press(&d.store, &mut state, KeyCode::Char('4'));
    press(&d.store, &mut state, KeyCode::F(3));
    press(&d.store, &mut state, KeyCode::Char('j'));
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(state.sessions.filter.is_active());
    assert_eq!(selected(&state), Some(d.today.clone()));
    let line = signin_line(&d, &mut state);
    assert!(line.contains(&format!("签到页的场次：{LATER}")), "{line}");
}
