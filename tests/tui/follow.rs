//! The session picked for the door (F3) becomes the 场次 tab's, so that the 报表 tab prints the
//! 签到表 and 通知 of the session being worked; the session the door opens on by itself, or a
//! session open in detail on the 场次 tab, leaves the coordinator's choice there alone.

use crossterm::event::KeyCode;

use super::door::{at_door, door_store, DoorStore};
use super::fixtures::*;
use peixun::tui::app::{State, Tab};
use peixun::tui::list_filter::Filter;
use peixun::tui::text_input::TextInput;
use peixun::tui::Theme;

fn picked(state: &State) -> Option<String> {
    state.sessions.selected_row().map(|r| r.session.id.clone())
}

/// F3, then the later session.
fn pick_the_other(d: &DoorStore, state: &mut State) {
    press(&d.store, state, KeyCode::F(3));
    press(&d.store, state, KeyCode::Char('j'));
    press(&d.store, state, KeyCode::Enter);
    let door = state
        .checkin
        .door
        .as_ref()
        .map(|door| door.session.id.clone());
    assert_eq!(door, Some(d.other.clone()));
}

/// The 场次 tab with its cursor on `id`.
fn on_sessions(d: &DoorStore, id: &str) -> State {
    let mut state = load(&d.store, Theme::coloured());
    press(&d.store, &mut state, KeyCode::Char('2'));
    assert_eq!(state.tab, Tab::Sessions);
    state.sessions.select_id(id);
    assert_eq!(picked(&state).as_deref(), Some(id));
    state
}

#[test]
fn the_session_picked_at_the_door_is_the_one_the_reports_print() {
    let d = door_store();
    let mut state = at_door(&d, 8, 50);
    assert_eq!(picked(&state), Some(d.today.clone()));
    pick_the_other(&d, &mut state);
    assert_eq!(picked(&state), Some(d.other.clone()));
    press(&d.store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Reports);
    let screen = super::sync_fixtures::rows(draw(&state, 80, 24).backend().buffer()).join("\n");
    assert!(
        screen.contains("场次页所选：专利导航专题培训班"),
        "{screen}"
    );
    assert!(!screen.contains("知识产权风险防范专题培训班"), "{screen}");
}

#[test]
fn the_session_the_door_opens_on_by_itself_leaves_the_sessions_tab_alone() {
    let d = door_store();
    let mut state = on_sessions(&d, &d.other);
    press(&d.store, &mut state, KeyCode::Char('4'));
    let door = state
        .checkin
        .door
        .as_ref()
        .map(|door| door.session.id.clone());
    assert_eq!(door, Some(d.today.clone()));
    assert_eq!(picked(&state), Some(d.other.clone()));
}

#[test]
fn a_session_open_in_detail_on_the_sessions_tab_is_left_as_it_is() {
    let d = door_store();
    let mut state = on_sessions(&d, &d.today);
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(state.sessions.detail.is_some());
    press(&d.store, &mut state, KeyCode::Char('4'));
    pick_the_other(&d, &mut state);
    assert_eq!(picked(&state), Some(d.today.clone()));
    assert!(state.sessions.detail.is_some());
}

#[test]
fn a_filter_that_hides_the_session_picked_is_cleared() {
    let d = door_store();
    let mut state = on_sessions(&d, &d.today);
    state.sessions.filter = Filter {
        input: TextInput::new("fxff"),
        editing: false,
    };
    state.sessions.selected = 0;
    assert_eq!(
        picked(&state),
        Some(d.today.clone()),
        "the filter keeps today's"
    );
    press(&d.store, &mut state, KeyCode::Char('4'));
    pick_the_other(&d, &mut state);
    assert_eq!(picked(&state), Some(d.other.clone()));
    assert!(!state.sessions.filter.is_active());
}
