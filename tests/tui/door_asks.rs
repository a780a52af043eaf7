//! The door asks before it does what a slip of a key could get wrong: someone found for
//! certain but not on the list is said back before they are put on it (a code typed one
//! character off is another real person's), and nobody is checked in to a session on a day
//! still to come.

use crossterm::event::KeyCode;

use super::door::{at_door, door_store};
use super::fixtures::*;
use peixun::tui::app::Overlay;
use peixun::tui::tabs::checkin::Banner;
use peixun::tui::{DoorEffect, Effect};

fn present(state: &peixun::tui::app::State) -> u32 {
    state.checkin.door.as_ref().expect("door open").present
}

#[test]
fn someone_off_the_list_found_by_code_is_said_back_before_being_put_on_it() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    let off_list = d.id("张珊");
    let code = d.store.person(&off_list).unwrap().unwrap().code;
    let (ops, before) = (op_count(&d.store), present(&state));

    typed(&d.store, &mut state, &code);
    assert_eq!(press(&d.store, &mut state, KeyCode::Enter), None);
    match &state.checkin.banner {
        Some(Banner::Confirm { name, listed, .. }) => assert!(name == "张珊" && !listed),
        other => panic!("not said back: {other:?}"),
    }
    // What to press is whole at 80 columns; the firm's name gives way.
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("不在本场名单：确是此人再按 Enter，签到并加入名单"),
        "{screen}"
    );
    assert_eq!(op_count(&d.store), ops, "nothing written yet");

    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert!(
        matches!(&effect, Some(Effect::Door(DoorEffect::CheckIn { person, listed: false, .. })) if *person == off_list),
        "{effect:?}"
    );
    assert_eq!(present(&state), before + 1);
    assert!(peixun::store::lists::is_enrolled(&d.store, &d.today, &off_list).unwrap());

    // Someone on the list is checked in by their code at once, as before.
    let listed = d.id("张三");
    let code = d.store.person(&listed).unwrap().unwrap().code;
    typed(&d.store, &mut state, &code);
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert!(
        matches!(&effect, Some(Effect::Door(DoorEffect::CheckIn { person, listed: true, .. })) if *person == listed),
        "{effect:?}"
    );
    assert_eq!(present(&state), before + 2);
}

#[test]
fn nobody_is_checked_in_to_a_session_on_a_day_still_to_come() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    press(&d.store, &mut state, KeyCode::F(3));
    assert!(matches!(state.overlay, Overlay::Picker { .. }));
    press(&d.store, &mut state, KeyCode::Char('j'));
    press(&d.store, &mut state, KeyCode::Enter);
    let door = state.checkin.door.as_ref().expect("door open");
    assert_eq!(
        door.session.id, d.other,
        "the later session (03-22) is open"
    );
    let ops = op_count(&d.store);

    typed(&d.store, &mut state, "张珊");
    press(&d.store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("还没到"), "{screen}");
    assert_eq!(op_count(&d.store), ops, "nothing written");
    assert_eq!(present(&state), 0);
    assert!(
        !matches!(state.overlay, Overlay::Confirm(_)),
        "no late entry offered"
    );
    // Nor is a walk-in's form opened, to be refused only once filled in.
    press(&d.store, &mut state, KeyCode::F(2));
    assert_eq!(state.overlay, Overlay::None);
    assert!(screen_text(&state, 80, 24).contains("还没到"));
}

#[test]
fn a_name_that_only_sounds_alike_is_offered_and_marked_as_a_guess() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    let ops = op_count(&d.store);
    // 赵肆 for 赵四: nobody has the characters.
    typed(&d.store, &mut state, "赵肆");
    let found = &state.checkin.results;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].candidate.name, "赵四");
    let screen = screen_text(&state, 80, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("赵四"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.starts_with(">~") || row.starts_with(" ~"), "{row}");
    // Enter does not take the guess: nobody is checked in without a second look.
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(op_count(&d.store), ops);
    assert_eq!(present(&state), 1);
}

#[test]
fn a_question_goes_with_the_query_it_was_about() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    typed(&d.store, &mut state, "zhaos");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(state.checkin.banner, Some(Banner::Confirm { .. })));
    press(&d.store, &mut state, KeyCode::Esc);
    assert_eq!(
        state.checkin.banner, None,
        "Esc cleared the query and the question"
    );
    assert!(!screen_text(&state, 80, 24).contains("再按"));

    typed(&d.store, &mut state, "zhaos");
    press(&d.store, &mut state, KeyCode::Enter);
    typed(&d.store, &mut state, "i");
    assert_eq!(state.checkin.banner, None, "typing on asks again");
    assert!(!state.checkin.chosen);

    // An undo in between answers nothing: the next Enter asks again, it checks no one in.
    let code = d.store.person(&d.id("张珊")).unwrap().unwrap().code;
    press(&d.store, &mut state, KeyCode::Esc);
    typed(&d.store, &mut state, &code);
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(state.checkin.banner, Some(Banner::Confirm { .. })));
    ctrl(&d.store, &mut state, 'z');
    let ops = op_count(&d.store);
    assert_eq!(press(&d.store, &mut state, KeyCode::Enter), None);
    assert!(matches!(state.checkin.banner, Some(Banner::Confirm { .. })));
    assert_eq!(op_count(&d.store), ops);
}

/// The question names a person, and the second Enter takes that person, not a row: here the
/// one asked about is below someone on the list whose name starts the same.
#[test]
fn the_second_enter_checks_in_whom_the_question_named_wherever_their_row_is() {
    let d = door_store();
    let draft = peixun::store::PersonDraft {
        name: "张珊丽".into(),
        phone: "13012345678".into(),
        position: String::new(),
        enterprise: String::new(),
        credit_code: String::new(),
        new_enterprise: false,
    };
    peixun::app::sessions::enrol(&d.store, &d.today, &draft, false).unwrap();
    let mut state = at_door(&d, 8, 55);
    typed(&d.store, &mut state, "张珊");
    let rows: Vec<&str> = state
        .checkin
        .results
        .iter()
        .map(|f| f.candidate.name.as_str())
        .collect();
    assert_eq!(rows[0], "张珊丽", "{rows:?}");
    assert!(rows.contains(&"张珊"), "{rows:?}");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(
        &state.checkin.banner,
        Some(Banner::Confirm { name, listed: false, .. }) if name == "张珊"
    ));
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert!(
        matches!(&effect, Some(Effect::Door(DoorEffect::CheckIn { name, .. })) if name == "张珊"),
        "{effect:?}"
    );

    // Moving to a row after the question is a choice of its own: the question goes.
    typed(&d.store, &mut state, "zhaos");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(state.checkin.banner, Some(Banner::Confirm { .. })));
    press(&d.store, &mut state, KeyCode::Down);
    assert_eq!(state.checkin.banner, None);
}
