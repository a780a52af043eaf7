//! A planned class corrected from the plan screen: `e` opens the add form filled with the class,
//! a bad field is named without writing, and Enter puts the class back where it stood.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::app::plans;
use peixun::domain::plan::ClassInput;
use peixun::tui::app::{Overlay, State};
use peixun::tui::Theme;

fn class(month: &str, people: &str) -> ClassInput {
    ClassInput {
        month: month.into(),
        courses: "K,3".into(),
        audience: "规上企业负责人".into(),
        people: people.into(),
        enterprises: Some("30".into()),
        cohost: None,
        teachers: "请省局选派讲师".into(),
    }
}

fn field(state: &State, name: &str) -> Option<(String, Option<String>)> {
    match &state.overlay {
        Overlay::Form(form) => form
            .field(name)
            .map(|f| (f.value().to_string(), f.error.clone())),
        _ => None,
    }
}

#[test]
fn a_county_corrects_a_planned_class_in_the_form_it_was_added_with() {
    let (_dir, store) = county_store();
    plans::add(&store, &class("5", "120")).expect("class 1");
    plans::add(&store, &class("7", "80")).expect("class 2");
    let mut state = load(&store, Theme::monochrome());
    press(&store, &mut state, KeyCode::Char('3'));
    to_item(&store, &mut state, "county.plan");
    press(&store, &mut state, KeyCode::Enter);
    assert!(screen_text(&state, 100, 24).contains("e 修改"));

    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Char('e'));
    assert_eq!(field(&state, "month"), Some(("7".into(), None)));
    assert_eq!(field(&state, "people"), Some(("80".into(), None)));
    assert_eq!(field(&state, "enterprises"), Some(("30".into(), None)));
    assert!(screen_text(&state, 80, 24).contains("修改第 2 期"));

    // A month outside the training: named, nothing written.
    let before = op_count(&store);
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "13");
    press(&store, &mut state, KeyCode::Enter);
    assert!(field(&state, "month").is_some_and(|(_, e)| e.is_some_and(|e| e.contains("“13”"))));
    assert_eq!(op_count(&store), before);

    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "8");
    for _ in 0..3 {
        press(&store, &mut state, KeyCode::Tab);
    }
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "95");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let plan = plans::current(&store).expect("plan");
    let classes: Vec<(u32, u32)> = plan.classes.iter().map(|c| (c.month, c.people)).collect();
    assert_eq!(classes, [(5, 120), (8, 95)]);
    assert_eq!(plan.classes[1].teachers, "请省局选派讲师");
    assert!(screen_text(&state, 80, 24).contains("已修改第 2 期"));
}
