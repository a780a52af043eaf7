//! What the open door learns without being opened again: an enterprise a walk-in made is
//! offered to the next walk-in, and someone registered by another peixun on the store
//! (`AppEvent::StoreChanged`) is found. And a walk-in after the session ended is checked
//! before the late-entry question.

use crossterm::event::KeyCode;

use super::door::{at_door, door_store};
use super::fixtures::*;
use peixun::domain::{Categories, Enterprise, Person};
use peixun::log::Payload;
use peixun::tui::app::Clock;
use peixun::tui::app::{Overlay, State};
use peixun::tui::{drive, AppEvent};

fn offered(state: &State) -> Vec<String> {
    let Overlay::Form(form) = &state.overlay else {
        panic!("no walk-in form");
    };
    form.suggest.items.iter().map(|s| s.label.clone()).collect()
}

#[test]
fn an_enterprise_a_walk_in_made_is_offered_to_the_next() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    for (name, phone, enterprise) in [
        ("孙八", "13011112222", "新星光电有限公司"),
        ("周九", "13011113333", "新星"),
    ] {
        press(&d.store, &mut state, KeyCode::F(2));
        typed(&d.store, &mut state, name);
        press(&d.store, &mut state, KeyCode::Tab);
        typed(&d.store, &mut state, phone);
        press(&d.store, &mut state, KeyCode::Tab);
        typed(&d.store, &mut state, enterprise);
        if name == "周九" {
            assert_eq!(offered(&state), ["新星光电有限公司"]);
        } else {
            assert!(offered(&state).is_empty());
        }
        press(&d.store, &mut state, KeyCode::Enter);
        assert_eq!(state.overlay, Overlay::None, "{:?}", state.status);
    }
    let names: Vec<&str> = state.checkin.enterprises.names().collect();
    assert!(names.windows(2).all(|pair| pair[0] < pair[1]), "{names:?}");
}

#[test]
fn someone_registered_elsewhere_is_found_at_the_open_door() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    typed(&d.store, &mut state, "smg");
    assert!(state.checkin.results.is_empty());
    for _ in 0..3 {
        press(&d.store, &mut state, KeyCode::Backspace);
    }
    let office = d.store.office().to_string();
    let id = d.store.new_id('P').unwrap();
    d.store
        .commit(vec![Payload::PersonUpserted(Person {
            code: peixun::domain::code::participant_code(&id),
            id,
            office,
            name: "司马光".into(),
            phone: "13911112222".into(),
            position: String::new(),
            enterprise: None,
        })])
        .unwrap();
    drive(&d.store, &mut state, AppEvent::StoreChanged);
    typed(&d.store, &mut state, "smg");
    let found: Vec<(String, bool)> = state
        .checkin
        .results
        .iter()
        .map(|f| (f.candidate.name.clone(), f.in_session))
        .collect();
    assert_eq!(found, [("司马光".to_string(), false)]);
}

/// After the session ended, a walk-in is checked before the door asks which time to record: a
/// part of two names is refused in the form, as typed, without the question; once right, the
/// question comes.
#[test]
fn a_walk_in_after_the_end_is_checked_before_the_late_entry_question() {
    let d = door_store();
    let office = d.store.office().to_string();
    d.store
        .commit(vec![Payload::EnterpriseUpserted(Enterprise {
            id: d.store.new_id('E').unwrap(),
            office: office.clone(),
            name: "鄂州市梁子湖生态农业有限公司".into(),
            credit_code: None,
            categories: Categories::NONE,
            unit: office,
        })])
        .unwrap();
    let mut state = at_door(&d, 8, 55);
    state.clock = Clock::Fixed(time(23, 40));
    press(&d.store, &mut state, KeyCode::F(2));
    typed(&d.store, &mut state, "钱七");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "13907119876");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "鄂州市");
    let ops = op_count(&d.store);
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("not refused in the form: {:?}", state.overlay);
    };
    assert_eq!(
        (form.text("name"), form.text("enterprise")),
        ("钱七".into(), "鄂州市".into())
    );
    let refused = form.field("enterprise").and_then(|f| f.error.clone());
    assert!(
        refused
            .as_deref()
            .is_some_and(|e| e.contains("对应 2 家企业")),
        "{refused:?}"
    );
    assert_eq!(op_count(&d.store), ops, "nothing written");

    typed(&d.store, &mut state, "梁子湖生态农业");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(
        matches!(state.overlay, Overlay::Confirm(_)),
        "{:?}",
        state.overlay
    );
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None, "{:?}", state.status);
    assert!(op_count(&d.store) > ops, "checked in once right");
}

/// A walk-in giving someone else's phone under another name (a digit mistyped) is refused with
/// the phone's owner named, and nobody is checked in; with the owner's name it is them.
#[test]
fn a_walk_in_with_another_persons_phone_is_not_checked_in_as_them() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    let ops = op_count(&d.store);
    press(&d.store, &mut state, KeyCode::F(2));
    typed(&d.store, &mut state, "王五");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "13200007777");
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed: {:?}", state.status);
    };
    let error = form.field("phone").and_then(|f| f.error.clone());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("已登记为 张珊")),
        "{error:?}"
    );
    assert_eq!(op_count(&d.store), ops, "nobody checked in");

    let Overlay::Form(form) = &mut state.overlay else {
        unreachable!()
    };
    form.focus = 0;
    for _ in 0.."王五".chars().count() {
        press(&d.store, &mut state, KeyCode::Backspace);
    }
    typed(&d.store, &mut state, "张珊");
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None, "{:?}", state.status);
    let zhang = d.id("张珊");
    assert!(peixun::store::lists::attendance(&d.store, &d.today)
        .unwrap()
        .contains_key(&zhang));
}
