//! Naming this office's 联系人 from the 清单 tab: on a county's contact item (Enter or d), or
//! with e on the office's own row. A bad phone is said by its field and writes nothing; saved, the
//! contact is the unit's and its item is done.

use crossterm::event::KeyCode;

use super::fixtures::*;
use super::sync_fixtures::retype;
use peixun::app::contacts;
use peixun::domain::checklist::ItemStatus;
use peixun::tui::app::Overlay;
use peixun::tui::Theme;

#[test]
fn a_county_names_its_contact_on_the_contact_item() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    to_item(&store, &mut state, "county.contact");
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("Enter 联系人"), "{screen}");

    // d does not mark it done without a name: it asks for the contact.
    press(&store, &mut state, KeyCode::Char('d'));
    let Overlay::Form(form) = &state.overlay else {
        panic!("the contact form: {:?}", state.overlay);
    };
    assert_eq!(form.title, "本单位工作联系人");
    typed(&store, &mut state, "张敏");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "1390711000");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "科长");
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("a short phone keeps the form open");
    };
    assert!(form.field("phone").and_then(|f| f.error.clone()).is_some());
    assert_eq!(op_count(&store), before, "nothing written");

    // The field to fix has the cursor.
    retype(&store, &mut state, "13907110001");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let named = contacts::current(&store, ECHENG).unwrap().expect("named");
    assert_eq!(
        (named.name.as_str(), named.phone.as_str()),
        ("张敏", "13907110001")
    );
    let status = state.status.clone().expect("said");
    assert!(
        !status.error && status.text.contains("张敏"),
        "{}",
        status.text
    );
    let row = state.checklist.selected_item().expect("row");
    assert_eq!(row.item, "county.contact");
    assert_eq!(row.status, ItemStatus::Done);
    assert!(screen_text(&state, 80, 24).contains("联系人：张敏（科长）"));

    // Reopened, the item is closed again by naming the same contact: nothing else is written.
    press(&store, &mut state, KeyCode::Char('u'));
    assert!(state
        .checklist
        .selected_item()
        .expect("row")
        .status
        .is_open());
    press(&store, &mut state, KeyCode::Char('d'));
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form again");
    };
    assert_eq!(form.text("name"), "张敏");
    assert_eq!(form.text("position"), "科长");
    press(&store, &mut state, KeyCode::Enter);
    let status = state.status.clone().expect("said");
    assert!(status.text.contains("已标记为完成"), "{}", status.text);
    let row = state.checklist.selected_item().expect("row");
    assert_eq!(row.status, ItemStatus::Done);
}

/// A phone corrected is no new contact: the day they were named stays.
#[test]
fn correcting_the_contacts_phone_keeps_the_day_they_were_named() {
    let (_dir, store) = county_store();
    let named_on = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).expect("a day");
    contacts::set(
        &store,
        "张敏",
        "13907110001",
        "科长",
        Some(named_on),
        named_on,
    )
    .unwrap();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    press(&store, &mut state, KeyCode::Char('e'));
    press(&store, &mut state, KeyCode::Tab);
    retype(&store, &mut state, "13907110009");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let held = contacts::current(&store, ECHENG).unwrap().expect("named");
    assert_eq!((held.phone.as_str(), held.since), ("13907110009", named_on));
}

#[test]
fn a_city_names_its_contact_with_e_on_its_own_row_only() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    assert_eq!(state.checklist.row, 0, "the city's own row first");
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Char('e'));
    assert_eq!(state.overlay, Overlay::None, "not a county's contact");
    let refused = state.status.clone().expect("said");
    assert!(
        refused.error && refused.text.contains("自己指定"),
        "{}",
        refused.text
    );

    press(&store, &mut state, KeyCode::Up);
    press(&store, &mut state, KeyCode::Char('e'));
    typed(&store, &mut state, "李华");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "13907110002");
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "0711-3861234");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let city = state.checklist.units[0].unit.clone();
    assert_eq!(
        contacts::office_phone(&store, &city).unwrap().as_deref(),
        Some("0711-3861234")
    );
    assert!(contacts::current(&store, &city).unwrap().is_some());
}
