//! Prose in English at 80x24 wraps between words, never inside one: the door's session line,
//! an import's preview, the help's notes and the checklist grid's footer.

use crossterm::event::KeyCode;

use super::door::{at_door, door_store, door_with_a_long_venue};
use super::fixtures::*;
use super::sync_fixtures::{assert_shown_whole, boxed, rows};
use peixun::i18n::{set_lang, t, Lang};
use peixun::tui::app::Overlay;
use peixun::tui::tabs::checkin::Banner;
use peixun::tui::Theme;

#[test]
fn the_door_puts_the_late_note_on_a_line_of_its_own_rather_than_cut_it() {
    set_lang(Lang::En);
    let d = door_store();
    let (state, late) = door_with_a_long_venue(&d);
    let late = format!("late after {late}");
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    assert_eq!(assert_shown_whole(&buffer, &late, Lang::En), 1);
}

#[test]
fn the_door_asks_about_a_person_in_one_line_that_keeps_what_to_press() {
    set_lang(Lang::En);
    let d = door_store();
    let mut state = at_door(&d, 8, 52);
    typed(&d.store, &mut state, "zhaos");
    press(&d.store, &mut state, KeyCode::Enter);
    let Some(Banner::Confirm { name, .. }) = state.checkin.banner.clone() else {
        panic!("Enter on pinyin asks first: {:?}", state.checkin.banner);
    };
    state.checkin.banner = Some(Banner::Confirm {
        person: String::new(),
        name,
        enterprise: "Hubei Hongwan Agricultural Science and Technology Co., Ltd. Wuhan Branch"
            .into(),
        listed: true,
    });
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("Check in 赵四 (Hubei Hon"), "{screen}");
    assert!(
        screen.contains("again if so; else type on, or F2 for a walk-in"),
        "{screen}"
    );
}

#[test]
fn the_door_says_a_second_check_in_is_not_counted_in_one_whole_line() {
    set_lang(Lang::En);
    let d = door_store();
    let mut state = at_door(&d, 8, 52);
    let first_at = chrono::NaiveDate::from_ymd_opt(2023, 4, 20)
        .and_then(|day| day.and_hms_opt(9, 14, 0))
        .expect("a time");
    state.checkin.banner = Some(Banner::Already {
        name: "朱思洋".into(),
        enterprise: "湖北泰洪激光技术有限公司".into(),
        first_at,
        late: false,
    });
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("! 朱思洋 (泰洪激光"), "{screen}");
    assert!(screen.contains("already; not counted twice"), "{screen}");
    // Where the line has room, the name is whole.
    let wide = screen_text(&state, 120, 24);
    assert!(
        wide.contains("朱思洋 (湖北泰洪激光技术有限公司) checked in at"),
        "{wide}"
    );
}

#[test]
fn an_import_preview_wraps_its_columns_between_words() {
    set_lang(Lang::En);
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('5'));
    let file = dir.path().join("list.csv");
    std::fs::write(
        &file,
        "姓名,手机号,单位名称,职务,统一社会信用代码\n\
         王小明,13912345678,鄂州市华宇光电科技有限公司,经理,91420700MA4F0XXXXX\n",
    )
    .expect("write sheet");
    press(&store, &mut state, KeyCode::Char('i'));
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let plan = &state.reports.preview.as_ref().expect("a preview").plan;
    let c = &plan.counts;
    assert_eq!(
        (
            plan.rows,
            c.new_people,
            c.known_people,
            c.new_enterprises,
            c.known_enterprises,
            c.enrolments
        ),
        (1, 0, 0, 0, 0, 0)
    );
    // One row is "1 row", not "1 rows".
    let counts = "1 row: 0 new people, 0 known, 0 new enterprises, 0 known, 0 enrolments";
    let used = peixun::sheets::import::preview::used_columns(plan);
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    let used = format!("Columns used {}", used.join(", "));
    assert_eq!(assert_shown_whole(&buffer, &used, Lang::En), 2);
    assert_shown_whole(&buffer, &format!("Rows {counts}"), Lang::En);
}

#[test]
fn the_help_notes_wrap_between_words() {
    set_lang(Lang::En);
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('?'));
    for _ in 0..100 {
        press(&store, &mut state, KeyCode::Down);
    }
    assert!(matches!(state.overlay, Overlay::Help { .. }));
    let inside = boxed(draw(&state, 80, 24).backend().buffer(), "Keys");
    eprintln!("{}", super::sync_fixtures::rows(&inside).join("\n"));
    for note in ["tui.help.text_inputs", "tui.help.door"] {
        assert_eq!(assert_shown_whole(&inside, &t(note), Lang::En), 2);
    }
    // A line of a note starts with its word, not with the space before it.
    let rows = rows(&inside);
    assert!(
        rows.iter().all(|r| !r.starts_with(' ')),
        "{}",
        rows.join("\n")
    );
}

#[test]
fn the_checklist_grid_footer_wraps_on_a_narrow_screen() {
    set_lang(Lang::En);
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    press(&store, &mut state, KeyCode::Down);
    let c = &state.checklist;
    let unit = &c.units[c.row];
    let stale = c.stale.get(&unit.unit).expect("how current the unit is");
    let text = format!("{} data: {stale}", unit.name);
    // Narrower than the line, which is cut at 80 columns only for the longest unit names.
    let buffer = draw(&state, 30, 24).backend().buffer().clone();
    assert_eq!(assert_shown_whole(&buffer, &text, Lang::En), 2);
}

/// A report's description is cut on its line at 80 columns in English; the selected one is said
/// whole under the list.
#[test]
fn the_reports_list_says_the_selected_description_whole_below_it() {
    set_lang(Lang::En);
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('5'));
    let about = t("tui.reports.stats_about");
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.lines().any(|line| line.trim_end() == about),
        "{screen}"
    );
    // The wide screen's line holds it: it is not said twice.
    let wide = screen_text(&state, 200, 24);
    assert_eq!(wide.matches(about.as_str()).count(), 1, "{wide}");
}

/// The checklist grid's English statuses fit its columns: a short word, and the count of closed
/// items only where it fits, never a word cut.
#[test]
fn the_checklist_grid_cuts_no_status_at_80_columns() {
    set_lang(Lang::En);
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let screen = screen_text(&state, 80, 24);
    let grid: Vec<&str> = screen.lines().skip(3).take(6).collect();
    assert!(grid.iter().all(|row| !row.contains('…')), "{screen}");
    assert!(grid.iter().any(|row| row.contains("late")), "{screen}");
}

/// Someone on another session's list is asked about in one line that keeps what to press.
#[test]
fn the_door_asks_about_someone_off_the_list_in_one_line_that_keeps_what_to_press() {
    set_lang(Lang::En);
    let d = door_store();
    let mut state = at_door(&d, 8, 55);
    let code = d.store.person(&d.id("张珊")).unwrap().unwrap().code;
    typed(&d.store, &mut state, &code);
    press(&d.store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("is not on this list: Enter again checks them in and adds them"),
        "{screen}"
    );
}
