//! The 同步 tab in English at 80x24: every panel and form fits without cutting a word, the
//! summaries wrap between words, and a folder import lists every file under its total.

use crossterm::event::KeyCode;

use super::fixtures::*;
use super::sync_fixtures::*;
use peixun::i18n::{set_lang, Lang};
use peixun::tui::app::Overlay;

/// No row cut short with "…", no full-width bracket in English text.
fn assert_fits(rows: &[String]) {
    for row in rows {
        assert!(!row.contains('…'), "cut: {row:?}\n{}", rows.join("\n"));
        assert!(
            !row.contains(['（', '）']),
            "full-width bracket: {row:?}\n{}",
            rows.join("\n")
        );
    }
}

#[test]
fn the_tab_and_its_forms_fit_80_columns() {
    set_lang(Lang::En);
    let (_dir, store, mut state) = city_with_golden_keys();
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    let screen = rows(&buffer);
    assert_fits(&screen);
    assert!(screen.iter().any(|r| r.contains("(generation 1)")));
    assert!(screen.iter().any(|r| r.contains("people to review (0)")));
    assert!(screen.iter().any(|r| r.ends_with("a trusts a card")));
    for _ in 0..2 {
        press(&store, &mut state, KeyCode::Char('l'));
        assert_fits(&rows(draw(&state, 80, 24).backend().buffer()));
    }
    // The export form, each field's hint in turn.
    press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(state.overlay, Overlay::Form(_)));
    assert_fits(&rows(draw(&state, 80, 24).backend().buffer()));
    press(&store, &mut state, KeyCode::Tab);
    let form = rows(draw(&state, 80, 24).backend().buffer());
    assert_fits(&form);
    assert!(form.iter().any(|r| r.contains("(at most 200 MB)")));
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Char('i'));
    assert_fits(&rows(draw(&state, 80, 24).backend().buffer()));
    // The trust form, each field's hint in turn.
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Char('a'));
    assert_fits(&rows(draw(&state, 80, 24).backend().buffer()));
    press(&store, &mut state, KeyCode::Tab);
    let form = rows(draw(&state, 80, 24).backend().buffer());
    assert_fits(&form);
    assert!(
        form.iter().any(|r| r.contains("on the phone")),
        "{}",
        form.join("\n")
    );
}

#[test]
fn a_folder_import_lists_every_file_and_wraps_between_words() {
    set_lang(Lang::En);
    let (_dir, store, mut state) = city_with_golden_keys();
    let stick = damaged_stick(11);
    import(&store, &mut state, stick.path());
    let outcome = state.sync.outcome.clone().expect("an outcome");
    let total = "20 files: 1 imported, 19 refused";
    assert_eq!(outcome.lines, [total]);
    assert_eq!(outcome.files.len(), 20);
    let status = state.status.clone().expect("a status");
    assert!(!status.text.contains("Sync tab"), "{}", status.text);
    super::snapshot("sync_folder_results", &state);
    let mut names = Vec::new();
    for selected in 0..outcome.files.len() {
        let buffer = draw(&state, 80, 24).backend().buffer().clone();
        assert_eq!(assert_shown_whole(&buffer, total, Lang::En), 1);
        let file = &outcome.files[selected];
        let taken = assert_shown_whole(&buffer, &file.lines[0], Lang::En);
        // The summary of the one taken in is longer than a line: it wraps between words.
        assert!(file.refused || taken > 1, "{:?}", file.lines);
        let name = file.lines[0].split(':').next().unwrap_or_default();
        assert!(
            rows(&buffer)
                .iter()
                .any(|r| r.starts_with(&format!("> {name}: "))),
            "{name} is selected"
        );
        names.push(name.to_string());
        press(&store, &mut state, KeyCode::Down);
    }
    // The last file was reached, past the page that opened.
    assert_eq!(names.last().map(String::as_str), Some("z10.pxb"));
    let good = outcome.files.iter().find(|f| !f.refused).expect("good");
    assert!(good.lines[0].contains("0 duplicates"), "{:?}", good.lines);
}
