//! What another peixun on the same store changes reaches this interface (`AppEvent::
//! StoreChanged`, sent by the store service): lists are read again in place, and a form open
//! over a record that changed says so.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::log::Payload;
use peixun::tui::app::Overlay;
use peixun::tui::{drive, AppEvent, Theme};

#[test]
fn a_change_made_elsewhere_is_shown_in_place_with_the_cursor_kept() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Down);
    let selected = state.sessions.selected_row().map(|r| r.session.id.clone());
    let mut renamed = store.sessions().unwrap()[0].clone();
    renamed.title = "另一台电脑改过的名称".into();
    store
        .commit(vec![Payload::SessionUpserted(renamed)])
        .unwrap();
    assert!(!screen_text(&state, 120, 30).contains("另一台电脑改过的名称"));

    drive(&store, &mut state, AppEvent::StoreChanged);
    assert!(screen_text(&state, 120, 30).contains("另一台电脑改过的名称"));
    assert_eq!(
        state.sessions.selected_row().map(|r| r.session.id.clone()),
        selected,
        "the cursor stays on its session"
    );
}

#[test]
fn a_session_form_open_over_a_change_made_elsewhere_says_so() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('e'));
    let Overlay::Form(_) = &state.overlay else {
        panic!("the edit form is open");
    };
    let id = state
        .sessions
        .selected_row()
        .map(|r| r.session.id.clone())
        .unwrap();
    // Something else written elsewhere: the form is not warned.
    drive(&store, &mut state, AppEvent::StoreChanged);
    assert!(!screen_text(&state, 120, 30).contains("另一个 peixun 修改，保存会覆盖"));

    let mut changed = store.session(&id).unwrap().unwrap();
    changed.venue = "改到区政府三楼".into();
    store
        .commit(vec![Payload::SessionUpserted(changed)])
        .unwrap();
    drive(&store, &mut state, AppEvent::StoreChanged);
    assert!(
        matches!(state.overlay, Overlay::Form(_)),
        "the form stays open"
    );
    let screen = screen_text(&state, 120, 30);
    assert!(
        screen.contains("另一个 peixun 修改，保存会覆盖"),
        "{screen}"
    );
}

#[test]
fn the_certification_book_is_read_again_only_when_shown() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    assert!(state.cert.loaded);
    press(&store, &mut state, KeyCode::Char('2'));
    store
        .commit(vec![Payload::ChecklistMarked {
            unit: "420700".into(),
            item: "city.mobilise".into(),
            status: peixun::domain::MarkStatus::Done,
            note: String::new(),
        }])
        .unwrap();
    drive(&store, &mut state, AppEvent::StoreChanged);
    assert!(
        state.cert.stale && !state.cert.reading,
        "not worked out again behind another tab"
    );
    press(&store, &mut state, KeyCode::Char('6'));
    assert!(
        state.cert.loaded && !state.cert.stale,
        "worked out again on the tab"
    );
}

#[test]
fn an_interface_that_takes_the_store_over_opens_where_it_was() {
    let (_dir, store) = county_store();
    let mut was = load(&store, Theme::coloured());
    press(&store, &mut was, KeyCode::Char('4'));
    let door = was.checkin.door.as_ref().map(|d| d.session.id.clone());
    assert!(door.is_some());
    let bytes = peixun::tui::Resume::of(&was).encode();

    let mut now = load(&store, Theme::coloured());
    drive(
        &store,
        &mut now,
        AppEvent::Resume(peixun::tui::Resume::decode(&bytes)),
    );
    assert_eq!(now.tab, peixun::tui::app::Tab::Checkin);
    assert_eq!(
        now.checkin.door.as_ref().map(|d| d.session.id.clone()),
        door
    );
    assert!(screen_text(&now, 120, 30).contains("本终端已接管"));
    // Bytes that say nothing open the first screen.
    let mut fresh = load(&store, Theme::coloured());
    drive(
        &store,
        &mut fresh,
        AppEvent::Resume(peixun::tui::Resume::decode(b"\xff")),
    );
    assert_eq!(fresh.tab, peixun::tui::app::Tab::Calendar);
}

/// The 企业 tab on screen shows a firm another peixun registered without being left and
/// entered again.
#[test]
fn the_enterprises_tab_on_screen_shows_a_change_made_elsewhere() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    assert!(state.outreach.loaded);
    store
        .commit(vec![Payload::EnterpriseUpserted(
            peixun::domain::Enterprise {
                id: store.new_id('E').unwrap(),
                office: store.office().to_string(),
                name: "鄂州市另一台电脑登记的有限公司".into(),
                credit_code: None,
                categories: Default::default(),
                unit: store.office().to_string(),
            },
        )])
        .unwrap();
    assert!(!screen_text(&state, 120, 30).contains("另一台电脑登记的"));
    drive(&store, &mut state, AppEvent::StoreChanged);
    let screen = screen_text(&state, 120, 30);
    assert!(screen.contains("另一台电脑登记的"), "{screen}");
}
