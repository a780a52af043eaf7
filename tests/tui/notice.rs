//! The 报表 tab's 培训通知: written for the session selected on the 场次 tab, as a .docx; a file
//! already there is refused beside the path, the form still open.

use std::io::Read;

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::tui::app::{Overlay, Tab};
use peixun::tui::tabs::reports::{Entry, ReportKind, ENTRIES};
use peixun::tui::Theme;

fn document_xml(path: &std::path::Path) -> String {
    let file = std::fs::File::open(path).expect("the written notice");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .expect("UTF-8");
    xml
}

#[test]
fn the_notice_entry_writes_the_selected_sessions_notice() {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    state.today = day("2023-03-10");
    state.sessions.selected = 0;
    press(&store, &mut state, KeyCode::Char('5'));
    assert_eq!(state.tab, Tab::Reports);
    let at = ENTRIES
        .iter()
        .position(|e| *e == Entry::Report(ReportKind::Notice))
        .expect("a notice entry");
    for _ in 0..at {
        press(&store, &mut state, KeyCode::Down);
    }
    // The entry names the session it is for, whole at 80 columns.
    let terminal = draw(&state, 80, 24);
    assert!(find(
        terminal.backend().buffer(),
        "场次页所选：知识产权强国新法政策解读专题培训班"
    )
    .is_some());
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("no notice form");
    };
    // The form's title and the hint on the file, whole at 80 columns.
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(find(buffer, "生成培训通知：知识产权强国新法政策解读专题培训班").is_some());
    assert!(find(
        buffer,
        "扩展名决定格式：.docx（可编辑）或 .pdf；不覆盖已有文件"
    )
    .is_some());
    let path = form.field("path").expect("path").value().to_string();
    assert!(
        path.starts_with("~/peixun-reports/培训通知-") && path.ends_with("-2023-03-15.docx"),
        "{path}"
    );
    let file = dir.path().join("通知.docx");
    press(&store, &mut state, KeyCode::End);
    for _ in 0..80 {
        press(&store, &mut state, KeyCode::Backspace);
    }
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let outcome = state.reports.outcome.clone().expect("an outcome");
    assert!(!outcome.error, "{}", outcome.text);
    assert!(outcome.text.contains("通知.docx"), "{}", outcome.text);
    let xml = document_xml(&file);
    assert!(
        xml.contains("关于举办知识产权强国新法政策解读专题培训班的通知"),
        "{xml}"
    );
    assert!(xml.contains("鄂城区政务中心三楼"), "{xml}");

    // Again to the same file: refused in the form, the file as it was.
    let before = std::fs::read(&file).expect("written");
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::End);
    for _ in 0..80 {
        press(&store, &mut state, KeyCode::Backspace);
    }
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form stays open");
    };
    let error = form
        .field("path")
        .and_then(|f| f.error.clone())
        .unwrap_or_default();
    assert!(error.contains("已存在"), "{error}");
    assert_eq!(std::fs::read(&file).expect("still there"), before);
}
