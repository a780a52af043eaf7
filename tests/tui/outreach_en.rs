//! The work down to the enterprises in English at 80x24: the 企业 tab, a service need,
//! publicity, and sending a teacher.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::i18n::{set_lang, Lang};
use peixun::tui::Theme;

#[test]
fn the_enterprises_tab_speaks_english() {
    set_lang(Lang::En);
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    let screen = screen_text(&state, 80, 24);
    for shown in ["1 enterprise,", "trained", "not yet"] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
    }
    // Every key of the tab fits the footer at 80 columns, the last one too.
    let footer = screen.lines().last().unwrap_or_default();
    for hint in [
        "? help",
        "Enter record",
        "a need",
        "d reply",
        "/ filter",
        "n untrained",
        "Tab next",
        "q quit",
    ] {
        assert!(footer.contains(hint), "{hint} missing: {footer}");
    }
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("recorded: 鄂州市华宇光电科技有限公司 confirmed"),
        "{screen}"
    );
}

#[test]
fn a_service_need_and_publicity_are_recorded_in_english() {
    set_lang(Lang::En);
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    press(&store, &mut state, KeyCode::Char('a'));
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("Service need: 鄂州市华宇光电科技有限公司"),
        "{screen}"
    );
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("service need N-"), "{screen}");
    assert!(screen.contains("Need: 知识产权创造服务"), "{screen}");

    press(&store, &mut state, KeyCode::Char('3'));
    to_item(&store, &mut state, "county.publicity");
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("Publicity of 鄂城区 (0;"), "{screen}");
    assert!(screen.contains("press a to add one"), "{screen}");
}

#[test]
fn a_city_sends_a_teacher_in_english() {
    set_lang(Lang::En);
    let (_dir, store) = city_store();
    let class = session(
        &store,
        peixun::domain::SessionKind::Offline,
        "专利导航专题",
        "2023-04-23",
        "鄂州市民中心",
    );
    store
        .commit(vec![peixun::log::Payload::SessionUpserted(class)])
        .expect("commit");
    peixun::app::teachers::add(&store, "李明", "武汉大学", "教授", "K,3", "").expect("teacher");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Char('r'));
    assert!(screen_text(&state, 80, 24).contains("Send a teacher: 专利导航专题"));
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("李明 sent to “专利导航专题”"), "{screen}");
    assert!(screen.contains("李明 (武汉大学)"), "{screen}");
}
