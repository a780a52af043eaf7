//! The 签到 tab's walk-in form: someone nobody found, the names near what was typed, the door's
//! keys under the form, a walk-in after the session's end, and the enterprises the door knows.

use crossterm::event::KeyCode;

use super::door::{at_door, door_store, names, present, DoorStore};
use super::fixtures::*;
use super::snapshot_sizes;
use peixun::tui::app::{Overlay, State};
use peixun::tui::tabs::checkin::{Arrival, Banner};

#[test]
fn nobody_found_opens_the_walk_in_form_which_validates_then_checks_in() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    typed(&d.store, &mut state, "王五");
    assert!(state.checkin.results.is_empty());
    let ops = op_count(&d.store);
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("no walk-in form");
    };
    assert_eq!(form.field("name").map(|f| f.value()), Some("王五"));
    assert_eq!(form.focus, 1, "straight to the phone");
    typed(&d.store, &mut state, "1380000");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "新企业有限公司");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "91420700MA4KX0000X");
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on a bad phone");
    };
    assert!(form.field("phone").and_then(|f| f.error.as_ref()).is_some());
    assert_eq!(op_count(&d.store), ops, "nothing written");
    snapshot_sizes("checkin_walk_in_errors", &state);

    // The phone has the focus again; with it right, the credit code does not check: still
    // nothing written.
    typed(&d.store, &mut state, "8888");
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on a bad credit code");
    };
    assert!(form.field("phone").and_then(|f| f.error.as_ref()).is_none());
    assert!(form
        .field("credit_code")
        .and_then(|f| f.error.as_ref())
        .is_some());
    assert_eq!(op_count(&d.store), ops, "nothing written");

    // Without the code (the focus is on it now): enrolled and checked in by one commit.
    assert_eq!(form.focus, 3);
    for _ in 0..18 {
        press(&d.store, &mut state, KeyCode::Backspace);
    }
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None, "{:?}", state.status);
    assert!(op_count(&d.store) > ops);
    assert_eq!(present(&state), (2, 7));
    assert!(matches!(
        &state.checkin.banner,
        Some(Banner::Done { name, arrival: Arrival::WalkIn, enterprise, .. })
            if name == "王五" && enterprise == "新企业有限公司"
    ));
    // Found at once by the next search, above the divider.
    typed(&d.store, &mut state, "ww");
    assert_eq!(names(&state)[0], ("王五".to_string(), true));
}

/// The door's how-to names its keys also while the walk-in form is open over it.
#[test]
fn the_doors_keys_stay_named_under_the_walk_in_form() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    state.checkin.recent.clear();
    let screen = |state: &State| {
        let terminal = draw(state, 80, 24);
        super::sync_fixtures::rows(terminal.backend().buffer()).join("\n")
    };
    let before = screen(&state);
    assert!(
        before.contains("按 Enter 或 F2 现场登记；F3 换场次"),
        "{before}"
    );
    press(&d.store, &mut state, KeyCode::F(2));
    assert!(matches!(state.overlay, Overlay::Form(_)));
    let under = screen(&state);
    assert!(
        under.contains("按 Enter 或 F2 现场登记；F3 换场次"),
        "{under}"
    );
}

/// Part of a known name is not that person: 邹浩 is registered as a walk-in, with 邹浩山
/// offered under the form to pick instead; picking him checks him in and makes nobody new.
#[test]
fn a_name_nobody_has_opens_the_walk_in_form_with_the_near_ones_to_pick() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    typed(&d.store, &mut state, "邹浩");
    assert_eq!(names(&state)[0].0, "邹浩山");
    let ops = op_count(&d.store);
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(effect, None, "nobody checked in on a guess");
    let Overlay::Form(form) = &state.overlay else {
        panic!("no walk-in form");
    };
    assert_eq!(form.field("name").map(|f| f.value()), Some("邹浩"));
    assert!(
        form.suggest
            .items
            .iter()
            .any(|s| s.label.starts_with("邹浩山")),
        "{:?}",
        form.suggest.items
    );
    let terminal = draw(&state, 80, 24);
    assert!(find(terminal.backend().buffer(), "邹浩山").is_some());
    // ↓ picks him, Enter fills the form, Enter checks him in.
    press(&d.store, &mut state, KeyCode::Down);
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed before it was sent");
    };
    assert_eq!(form.field("name").map(|f| f.value()), Some("邹浩山"));
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None, "{:?}", state.status);
    assert!(matches!(
        &state.checkin.banner,
        Some(Banner::Done { name, .. }) if name == "邹浩山"
    ));
    assert_eq!(op_count(&d.store), ops + 1, "one check-in, nobody new");
}

/// The door at 23:40, long after the day's session ended, with the walk-in form filled in.
fn walk_in_after_the_end(d: &DoorStore) -> State {
    let mut state = at_door(d, 23, 40);
    press(&d.store, &mut state, KeyCode::F(2));
    typed(&d.store, &mut state, "钱七");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "13907119876");
    state
}

/// A walk-in keyed after the session ended is asked about the same way: 补录 at the start, or
/// now (late, and said why).
#[test]
fn a_walk_in_after_the_end_asks_which_time_to_record() {
    let d = door_store();
    let mut state = walk_in_after_the_end(&d);
    let ops = op_count(&d.store);
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Confirm(confirm) = &state.overlay else {
        panic!("no question: {:?}", state.overlay);
    };
    assert!(confirm.message.contains("补录"), "{}", confirm.message);
    assert_eq!(
        op_count(&d.store),
        ops,
        "nothing recorded before the answer"
    );
    press(&d.store, &mut state, KeyCode::Enter);
    let Some(Banner::Done { at, late, name, .. }) = &state.checkin.banner else {
        panic!("not checked in: {:?}", state.checkin.banner);
    };
    assert_eq!(name, "钱七");
    assert_eq!((at.time(), *late), (time(9, 0), false));
}

/// Esc at that question is a step back, not a loss: the walk-in form returns as it was typed,
/// and sending it again asks again.
#[test]
fn esc_at_a_walk_ins_late_entry_question_brings_the_form_back_as_typed() {
    let d = door_store();
    let mut state = walk_in_after_the_end(&d);
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "武汉光谷材料");
    let ops = op_count(&d.store);
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(
        matches!(state.overlay, Overlay::Confirm(_)),
        "{:?}",
        state.overlay
    );
    press(&d.store, &mut state, KeyCode::Esc);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the walk-in form is not back: {:?}", state.overlay);
    };
    assert_eq!(
        (
            form.text("name"),
            form.text("phone"),
            form.text("enterprise")
        ),
        ("钱七".into(), "13907119876".into(), "武汉光谷材料".into())
    );
    assert_eq!(op_count(&d.store), ops, "Esc recorded nothing");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(
        matches!(state.overlay, Overlay::Confirm(_)),
        "sent again, asked again: {:?}",
        state.overlay
    );
    press(&d.store, &mut state, KeyCode::Enter);
    let Some(Banner::Done { name, .. }) = &state.checkin.banner else {
        panic!("not checked in: {:?}", state.checkin.banner);
    };
    assert_eq!(name, "钱七");
}

/// A walk-in's enterprise is offered from every enterprise of the office, one nobody from has
/// enrolled yet too: the door reads them from the office index, not from the store's records.
#[test]
fn the_door_knows_an_enterprise_nobody_has_enrolled_from() {
    let d = door_store();
    let nobody_yet = peixun::domain::Enterprise {
        id: d.store.new_id('E').expect("id"),
        office: ECHENG.into(),
        name: "鄂州市梁子湖生态农业有限公司".into(),
        credit_code: None,
        categories: Default::default(),
        unit: ECHENG.into(),
    };
    d.store
        .commit(vec![peixun::log::Payload::EnterpriseUpserted(nobody_yet)])
        .expect("enterprise added");
    let state = at_door(&d, 8, 55);
    let known: Vec<&str> = state.checkin.enterprises.names().collect();
    assert_eq!(
        known,
        ["鄂州市华宇光电科技有限公司", "鄂州市梁子湖生态农业有限公司"]
    );
    let kept = peixun::search::cache::load(d.store.dir())
        .expect("read")
        .expect("the index is kept");
    assert_eq!(kept.known_enterprises().collect::<Vec<_>>(), known);
}

/// Someone new at the door: with nobody known by their phone, the enterprise field offers the
/// office's enterprises, and picking one fills its full name.
#[test]
fn a_walk_in_picks_a_known_enterprise() {
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    press(&d.store, &mut state, KeyCode::F(2));
    typed(&d.store, &mut state, "孙八");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "13011112222");
    press(&d.store, &mut state, KeyCode::Tab);
    typed(&d.store, &mut state, "华宇");
    let Overlay::Form(form) = &state.overlay else {
        panic!("no walk-in form");
    };
    let offered: Vec<&str> = form
        .suggest
        .items
        .iter()
        .map(|s| s.label.as_str())
        .collect();
    assert_eq!(offered, ["鄂州市华宇光电科技有限公司"]);
    press(&d.store, &mut state, KeyCode::Down);
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on a pick");
    };
    assert_eq!(
        form.field("enterprise").map(|f| f.value()),
        Some("鄂州市华宇光电科技有限公司")
    );
}
