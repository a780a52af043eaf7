//! The training plan screen in English at 80x24: title, where the plan stands, the class table
//! and the form's labels, all in English.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::i18n::{set_lang, Lang};
use peixun::tui::app::Overlay;
use peixun::tui::Theme;

#[test]
fn a_county_adds_a_class_to_its_plan_in_english() {
    set_lang(Lang::En);
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    to_item(&store, &mut state, "county.plan");
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("Training plan of 鄂城区"), "{screen}");
    assert!(screen.contains("press a to add one"), "{screen}");

    press(&store, &mut state, KeyCode::Char('a'));
    let Overlay::Form(form) = &state.overlay else {
        panic!("the class form is open");
    };
    let labels: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert!(
        labels.contains(&"Month") && labels.contains(&"People expected"),
        "{labels:?}"
    );
    // Whole on screen at 80 columns, not cut to "People expe…".
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("People expected") && screen.contains("Enterprises expected"),
        "{screen}"
    );
    typed(&store, &mut state, "13");
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("“13” is not a month"), "{screen}");

    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "7");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "3");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "SME managers");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "60");
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    for shown in [
        "SME managers",
        "month 7",
        "not yet reported",
        "class 1 added",
    ] {
        assert!(screen.contains(shown), "{shown} missing:\n{screen}");
    }
}
