//! What the forms ask before they save: a session date outside the plan's window, on a
//! holiday or before today, an enrolment past the session's capacity, and a new enterprise whose name is a
//! character from a known one's. The first Enter says why; a second on the same values goes
//! ahead; a change asks again.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::log::Payload;
use peixun::tui::app::Overlay;
use peixun::tui::{Effect, Theme};

fn field_error(state: &peixun::tui::app::State, name: &str) -> Option<String> {
    let Overlay::Form(form) = &state.overlay else {
        return None;
    };
    form.field(name).and_then(|f| f.error.clone())
}

#[test]
fn a_session_on_a_holiday_is_saved_on_the_second_enter() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "国庆专场");
    press(&store, &mut state, KeyCode::Down);
    for _ in 0..10 {
        press(&store, &mut state, KeyCode::Backspace);
    }
    typed(&store, &mut state, "2023-10-02");
    for _ in 0..3 {
        press(&store, &mut state, KeyCode::Down);
    }
    typed(&store, &mut state, "区图书馆报告厅");
    let before = op_count(&store);
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(
        matches!(
            effect,
            Some(Effect::SaveSession {
                confirmed: false,
                ..
            })
        ),
        "{effect:?}"
    );
    let said = field_error(&state, "date").expect("the date says why");
    assert!(said.contains("法定节假日（中秋节、国庆节）"), "{said}");
    assert!(said.contains("再按 Enter"), "{said}");
    // At 80 columns the line is cut: what to do comes first, so it is what stays on screen.
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("再按 Enter 照此保存"), "{screen}");
    assert_eq!(op_count(&store), before);
    // A change asks again (the focus went to the date): now it is also outside the window.
    for _ in 0..10 {
        press(&store, &mut state, KeyCode::Backspace);
    }
    typed(&store, &mut state, "2024-01-01");
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(
        matches!(
            effect,
            Some(Effect::SaveSession {
                confirmed: false,
                ..
            })
        ),
        "{effect:?}"
    );
    let said = field_error(&state, "date").expect("asked again");
    assert!(said.contains("2023-03-01 至 2023-11-30"), "{said}");
    assert!(said.contains("元旦"), "{said}");
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(
        matches!(
            effect,
            Some(Effect::SaveSession {
                confirmed: true,
                ..
            })
        ),
        "{effect:?}"
    );
    assert_eq!(state.overlay, Overlay::None);
    assert!(store
        .sessions()
        .expect("sessions")
        .iter()
        .any(|s| s.title == "国庆专场" && s.date == day("2024-01-01")));
}

#[test]
fn a_new_session_dated_before_today_is_saved_on_the_second_enter() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "补录专场");
    press(&store, &mut state, KeyCode::Down);
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "2023-03-06");
    for _ in 0..3 {
        press(&store, &mut state, KeyCode::Down);
    }
    typed(&store, &mut state, "区图书馆报告厅");
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    let said = field_error(&state, "date").expect("the date says why");
    assert!(said.contains("早于今天（2023-03-10）"), "{said}");
    assert!(said.contains("再按 Enter"), "{said}");
    assert_eq!(op_count(&store), before);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    assert!(store
        .sessions()
        .expect("sessions")
        .iter()
        .any(|s| s.title == "补录专场" && s.date == day("2023-03-06")));
}

/// The county's first session open in 场次, its capacity set to the people already on it: the
/// store, the screen's state, the session and how many are enrolled.
fn a_full_session() -> (
    tempfile::TempDir,
    peixun::store::Store,
    peixun::tui::app::State,
    peixun::domain::Session,
    usize,
) {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    let detail = state.sessions.detail.as_ref().expect("detail");
    let mut session = detail.row.session.clone();
    let enrolled = detail.people.len();
    session.capacity = enrolled as u32;
    store
        .commit(vec![Payload::SessionUpserted(session.clone())])
        .expect("capacity");
    (dir, store, state, session, enrolled)
}

#[test]
fn enrolling_into_a_full_session_asks_and_a_second_enter_enrols() {
    let (_dir, store, mut state, session, enrolled) = a_full_session();
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "赵六");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "13800009999");
    let before = op_count(&store);
    let first = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(
        first,
        Some(Effect::Enrol {
            over_capacity: false,
            ..
        })
    ));
    let said = field_error(&state, "name").expect("the form says the session is full");
    assert!(
        said.contains(&format!("场次已满（{enrolled}/{enrolled}）")),
        "{said}"
    );
    assert_eq!(op_count(&store), before, "nobody enrolled yet");
    let second = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(
        second,
        Some(Effect::Enrol {
            over_capacity: true,
            ..
        })
    ));
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(
        peixun::store::lists::enrolled_count(&store, &session.id).expect("count") as usize,
        enrolled + 1
    );
}

/// A full session and an enterprise name one character from a known one: each question is asked
/// in turn, and each Enter goes past only the questions already shown.
#[test]
fn a_near_enterprise_name_and_a_full_session_are_each_asked_in_turn() {
    let (_dir, store, mut state, _session, _enrolled) = a_full_session();
    let enterprises = store.enterprises().expect("enterprises").len();
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "赵六");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "13800009999");
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "鄂州华宇光电科技有限公司");
    let first = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(
        first,
        Some(Effect::Enrol {
            over_capacity: false,
            ref draft,
            ..
        }) if !draft.new_enterprise
    ));
    let said = field_error(&state, "enterprise").expect("the form asks about the name");
    assert!(said.contains("“鄂州市华宇光电科技有限公司”"), "{said}");
    let second = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(
        second,
        Some(Effect::Enrol {
            over_capacity: false,
            ref draft,
            ..
        }) if draft.new_enterprise
    ));
    assert!(field_error(&state, "name").is_some_and(|e| e.contains("场次已满")));
    let third = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(
        third,
        Some(Effect::Enrol {
            over_capacity: true,
            ref draft,
            ..
        }) if draft.new_enterprise
    ));
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(
        store.enterprises().expect("enterprises").len(),
        enterprises + 1
    );
}
