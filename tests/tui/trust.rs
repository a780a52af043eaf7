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
    assert!(wrong.contains("与这张身份卡不符"), "{wrong}");
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
    // A sheet picked by mistake is said as what it is not, not by a parser's words.
    let sheet = dir.path().join("名单.csv");
    std::fs::write(&sheet, "姓名,手机号\n张三,13800001111\n").unwrap();
    retype(&store, &mut state, &sheet.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let said = field_error(&state, "card").expect("a sheet is no card");
    assert!(said.contains("不是身份卡、名册或密钥轮换证书"), "{said}");
    // The office's own card is said to be its own before any fingerprint is asked for.
    let keys = peixun::sync::Keys::load_or_create(store.dir(), store.office())
        .unwrap()
        .0;
    let own = dir.path().join("本单位.card");
    std::fs::write(&own, keys.card().unwrap().to_text().unwrap()).unwrap();
    retype(&store, &mut state, &own.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let said = field_error(&state, "card").expect("our own card");
    assert!(said.contains("本单位自己的身份卡"), "{said}");
    assert!(store.peers().unwrap().is_empty());
}

/// A card with other keys than those an office is trusted with is no rotation: the form says it
/// may be someone passing as the office, and replaces the keys only on a second Enter.
#[test]
fn other_keys_for_a_trusted_office_are_taken_only_when_confirmed() {
    let (dir, store) = city_store();
    let golden_card = golden().join("county.card");
    let held = Card::from_text(&std::fs::read_to_string(&golden_card).unwrap()).unwrap();
    peixun::sync::trust::trust_card(&store, &held, &held.fingerprint()).unwrap();
    let other = peixun::sync::Keys::generate(&held.body.office)
        .card()
        .unwrap();
    let path = dir.path().join("另一张.card");
    std::fs::write(&path, other.to_text().unwrap()).unwrap();

    let mut state = on_sync_tab(&store);
    press(&store, &mut state, KeyCode::Char('a'));
    retype(&store, &mut state, &path.display().to_string());
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, &other.fingerprint());
    press(&store, &mut state, KeyCode::Enter);
    let warned = field_error(&state, "fingerprint").expect("warned");
    assert!(
        warned.contains("冒充") && warned.contains("再按一次 Enter"),
        "{warned}"
    );
    let peer = store.peer(&held.body.office).unwrap().expect("trusted");
    assert_eq!(peer.fingerprint, held.fingerprint(), "the held keys stay");
    // A value changed withdraws the question.
    typed(&store, &mut state, " ");
    assert_eq!(field_error(&state, "fingerprint"), None, "withdrawn");

    // Another refusal in between (a fingerprint mistyped, then put right) asks again.
    let mistyped: String = other.fingerprint().chars().rev().collect();
    retype(&store, &mut state, &mistyped);
    press(&store, &mut state, KeyCode::Enter);
    assert!(field_error(&state, "fingerprint").is_some());
    retype(&store, &mut state, &other.fingerprint());
    press(&store, &mut state, KeyCode::Enter);
    let warned = field_error(&state, "fingerprint").expect("warned again");
    assert!(warned.contains("冒充"), "{warned}");
    let peer = store.peer(&held.body.office).unwrap().expect("trusted");
    assert_eq!(peer.fingerprint, held.fingerprint(), "still the held keys");

    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let peer = store.peer(&held.body.office).unwrap().expect("trusted");
    assert_eq!(peer.fingerprint, other.fingerprint());
}
