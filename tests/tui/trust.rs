//! Trusting another office from the 同步 tab: its card checked against the fingerprint read out
//! on the phone, each thing wrong said next to its field with nothing trusted, and the office
//! on the tab once it is.

use crossterm::event::KeyCode;

use super::fixtures::*;
use super::sync_fixtures::{golden, retype};
use peixun::store::Store;
use peixun::sync::Card;
use peixun::tui::app::{Overlay, State};
use peixun::tui::Theme;

fn on_sync_tab(store: &Store) -> State {
    let mut state = load(store, Theme::coloured());
    press(store, &mut state, KeyCode::Char('7'));
    state.sync.media.clear();
    state
}

fn field_error(state: &State, name: &str) -> Option<String> {
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed: {:?}", state.overlay);
    };
    form.field(name).and_then(|f| f.error.clone())
}

#[test]
fn a_card_is_trusted_only_with_the_fingerprint_read_out() {
    let (_dir, store) = city_store();
    let mut state = on_sync_tab(&store);
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("还没有信任的单位：按 a 导入对方的身份卡"),
        "{screen}"
    );
    let path = golden().join("county.card");
    let card = Card::from_text(&std::fs::read_to_string(&path).unwrap()).unwrap();

    press(&store, &mut state, KeyCode::Char('a'));
    retype(&store, &mut state, &path.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let needed = field_error(&state, "fingerprint").expect("asked for the fingerprint");
    assert!(needed.contains("鄂城区的身份卡"), "{needed}");

    // The field asked for has the cursor.
    typed(&store, &mut state, "5B44S HWB9Q VAEMP WTRDQ J1KBV XJ71B");
    press(&store, &mut state, KeyCode::Enter);
    let wrong = field_error(&state, "fingerprint").expect("a wrong fingerprint refused");
    assert!(wrong.contains("指纹"), "{wrong}");
    assert!(store.peers().unwrap().is_empty(), "nothing trusted");

    retype(&store, &mut state, &card.fingerprint().to_lowercase());
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let peers = store.peers().unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!(peers[0].office(), card.body.office);
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("> 鄂城区"),
        "the office on the tab: {screen}"
    );
    assert!(screen.contains(&card.fingerprint()), "{screen}");
}

#[test]
fn a_file_that_is_no_card_is_said_next_to_the_file() {
    let (dir, store) = city_store();
    let mut state = on_sync_tab(&store);
    press(&store, &mut state, KeyCode::Char('a'));
    retype(
        &store,
        &mut state,
        &dir.path().join("没有这个.card").display().to_string(),
    );
    press(&store, &mut state, KeyCode::Enter);
    assert!(field_error(&state, "card").is_some());
    let bundle = golden().join("county-to-city-v1.pxb");
    retype(&store, &mut state, &bundle.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let said = field_error(&state, "card").expect("a bundle is no card");
    assert!(said.contains("county-to-city-v1.pxb"), "{said}");
    assert!(store.peers().unwrap().is_empty());
}
