//! What the 报表 tab shows after a job: a written report's outcome said once.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::tui::app::Tab;
use peixun::tui::Theme;

#[test]
fn a_written_reports_outcome_is_on_screen_once() {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    state.today = day("2023-03-20");
    press(&store, &mut state, KeyCode::Char('5'));
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::End);
    for _ in 0..80 {
        press(&store, &mut state, KeyCode::Backspace);
    }
    let file = dir.path().join("统计表.xlsx");
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    assert!(file.exists());
    let said = |state: &peixun::tui::app::State| {
        screen_text(state, 80, 24).matches("已生成统计表").count()
    };
    assert_eq!(said(&state), 1, "{}", screen_text(&state, 80, 24));
    assert_eq!(state.tab, Tab::Reports);
}
