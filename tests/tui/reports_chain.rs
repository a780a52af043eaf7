//! The reporting chain's own tables from the 报表 tab: 附件2 (each unit's plan against what it
//! held) and the units' contacts, chosen in the list and written through the form, the same
//! documents `peixun report plans` and `report contacts` write.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::tui::app::{Overlay, Tab};
use peixun::tui::tabs::reports::{Entry, ReportKind, ENTRIES};
use peixun::tui::Theme;

#[test]
fn annex_2_and_the_contacts_are_written_from_the_reports_tab() {
    let (dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('5'));
    assert_eq!(state.tab, Tab::Reports);
    for (kind, name, heading) in [
        (ReportKind::Plans, "附件2.csv", "培训计划汇总表"),
        (ReportKind::Contacts, "联系人.csv", "联系人"),
    ] {
        let at = ENTRIES
            .iter()
            .position(|e| *e == Entry::Report(kind))
            .expect("an entry for the report");
        press(&store, &mut state, KeyCode::Char('g'));
        for _ in 0..at {
            press(&store, &mut state, KeyCode::Down);
        }
        press(&store, &mut state, KeyCode::Enter);
        press(&store, &mut state, KeyCode::Tab);
        press(&store, &mut state, KeyCode::End);
        for _ in 0..80 {
            press(&store, &mut state, KeyCode::Backspace);
        }
        let path = dir.path().join(name);
        typed(&store, &mut state, &path.display().to_string());
        press(&store, &mut state, KeyCode::Enter);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(heading), "{name}: {text}");
        // Every unit of the city is in both.
        for unit in ["鄂城区", "华容区", "梁子湖区"] {
            assert!(text.contains(unit), "{unit} in {name}: {text}");
        }
    }
}

/// A report that cannot be written (its folder is not there) opens its form again with the
/// reason beside the file and everything typed still in it.
#[test]
fn a_report_that_fails_opens_its_form_again_with_what_was_typed() {
    let (dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('5'));
    press(&store, &mut state, KeyCode::Char('g'));
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::End);
    for _ in 0..80 {
        press(&store, &mut state, KeyCode::Backspace);
    }
    let path = dir.path().join("没有的文件夹").join("统计表.xlsx");
    typed(&store, &mut state, &path.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form is open again: {:?}", state.overlay);
    };
    let field = form.field("path").expect("the file's field");
    assert_eq!(field.value(), path.display().to_string());
    let said = field.error.clone().unwrap_or_default();
    assert!(said.contains("没有的文件夹"), "{said}");
    assert!(!path.exists());
    // Said once, in the form: not again under it.
    let screen = screen_text(&state, 120, 40);
    assert_eq!(screen.matches("无法写入").count(), 1, "{screen}");
}
