//! The 企业 tab in English at 80x24.

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
    for shown in ["1 enterprises", "trained", "not yet", "record outreach"] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
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
