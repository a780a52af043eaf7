//! Sending a teacher from the 场次 tab: a city picks one of its register for a session of its
//! area; a teacher already teaching that day is marked and asked about; a county cannot send.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::log::Payload;
use peixun::tui::app::Overlay;
use peixun::tui::Theme;

#[test]
fn a_city_sends_a_teacher_and_a_second_session_that_day_is_asked_first() {
    let (_dir, store) = city_store();
    // Two sessions on one day, made by the city itself.
    let first = session(
        &store,
        peixun::domain::SessionKind::Offline,
        "专利导航专题",
        "2023-04-23",
        "鄂州市民中心",
    );
    let second = session(
        &store,
        peixun::domain::SessionKind::Offline,
        "商标品牌专题",
        "2023-04-23",
        "葛店会议中心",
    );
    store
        .commit(vec![
            Payload::SessionUpserted(first.clone()),
            Payload::SessionUpserted(second.clone()),
        ])
        .expect("commit");
    peixun::app::teachers::add(&store, "李明", "武汉大学", "教授", "K,3", "").expect("teacher");
    peixun::app::teachers::assign(&store, &first.id, "李明", true, true).expect("sent");

    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    let at = state
        .sessions
        .visible()
        .iter()
        .position(|&i| state.sessions.rows[i].session.id == second.id)
        .expect("the second session listed");
    state.sessions.selected = at;
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Char('r'));
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("李明（武汉大学） K,3（当天已有安排）"),
        "{screen}"
    );
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    // Asked under the field; nothing written until Enter again.
    assert!(matches!(state.overlay, Overlay::Form(_)));
    assert_eq!(op_count(&store), before);
    assert!(screen_text(&state, 80, 24).contains("专利导航专题"));
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(op_count(&store), before + 1);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("师资"), "{screen}");
    assert!(screen.contains("李明（武汉大学）"), "{screen}");
    let rows = peixun::app::teachers::list(&store).expect("list");
    assert_eq!(rows[0].double_booked.len(), 1);
}

#[test]
fn a_county_does_not_send_teachers() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Char('r'));
    assert_eq!(state.overlay, Overlay::None);
    assert!(screen_text(&state, 80, 24).contains("不管理师资库"));
}

#[test]
fn the_session_form_offers_the_registers_teachers_of_a_course() {
    let (_dir, store) = city_store();
    peixun::app::teachers::add(&store, "李明", "武汉大学", "教授", "K,3", "").expect("teacher");
    peixun::app::teachers::add(&store, "王芳", "", "", "8", "").expect("teacher");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    let Overlay::Form(form) = &state.overlay else {
        panic!("the session form is open");
    };
    let courses = form
        .fields
        .iter()
        .position(|f| f.name == "courses")
        .expect("a courses field");
    let focus = form.focus;
    for _ in focus..courses {
        press(&store, &mut state, KeyCode::Tab);
    }
    typed(&store, &mut state, "K:省局领导,3");
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("李明（武汉大学）"), "{screen}");
    assert!(!screen.contains("王芳"), "{screen}");
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form stays open");
    };
    assert_eq!(
        form.field("courses").map(|f| f.value().to_string()),
        Some("K:省局领导,3:李明".to_string())
    );
}
