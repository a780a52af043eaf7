//! What the 报表 tab shows after a job: a written report's outcome said once, and an import's
//! warnings in the screen's words, without the command line's hint.

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

#[test]
fn an_imports_near_name_warning_leaves_out_the_command_lines_hint() {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('5'));
    let file = dir.path().join("报名表.csv");
    let sheet = "姓名,手机号,单位名称\n王五,13800003333,鄂州市华宇光电科技有限司\n";
    std::fs::write(&file, sheet).expect("write sheet");
    press(&store, &mut state, KeyCode::Char('i'));
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let plan = &state.reports.preview.as_ref().expect("a preview").plan;
    // The plan is the command line's too: it keeps the hint.
    assert!(
        plan.warnings.iter().any(|w| w.contains("--dry-run")),
        "{:?}",
        plan.warnings
    );
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("与已登记的“鄂州市华宇光电科技有限公司”"),
        "{screen}"
    );
    assert!(screen.contains("改为全称"), "{screen}");
    assert!(!screen.contains("dry-run"), "{screen}");
}
