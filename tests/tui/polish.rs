//! Fixes from a tester's pass over the screens at 80x24 (the calendar, forms, the checklist, help
//! and the header; the 场次 tab's are in polish_sessions.rs): each test fails without its fix.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::log::Payload;
use peixun::tui::Theme;

/// Every row of the screen as text, wide characters once.
fn rows(state: &peixun::tui::app::State, w: u16, h: u16) -> Vec<String> {
    screen_text(state, w, h).lines().map(String::from).collect()
}

fn screen(state: &peixun::tui::app::State, w: u16, h: u16) -> String {
    screen_text(state, w, h)
}

#[test]
fn a_city_calendar_shows_its_units_deadlines_grouped_and_counted() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    state.calendar.selected = day("2023-02-27");
    let text = screen(&state, 80, 24);
    // The counties' plans were due 02-27: one line for the item, with how many units.
    assert!(text.contains("截止事项"), "{text}");
    assert!(text.contains("0/5 个单位已办"), "{text}");
    assert!(text.contains("未办：梁子湖区"), "{text}");
    // The day is marked in the grid, and explained under it.
    assert!(text.contains("27止"), "{text}");
    assert!(text.contains("止 截止日"), "{text}");
    assert!(text.contains("3场 = 当天 3 个场次"), "{text}");
}

#[test]
fn days_of_the_neighbouring_months_keep_their_marks_dimmed() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    // March 2023 starts on a Wednesday: 02-27 and 02-28 lead the grid.
    state.calendar.selected = day("2023-03-10");
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let at = find(buffer, "27止").expect("02-27 marked in March's grid");
    let mark = (at.0 + 2, at.1);
    assert_eq!(buffer[mark].symbol(), "止");
    assert_eq!(buffer[mark].fg, ratatui::style::Color::DarkGray);
}

#[test]
fn a_crowded_day_says_how_many_sessions_are_not_shown() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    let day = day("2023-03-15");
    let first = state.calendar.sessions[&day][0].clone();
    let list = state.calendar.sessions.get_mut(&day).expect("03-15");
    for i in 0..29 {
        let mut more = first.clone();
        more.title = format!("第{i}场");
        list.push(more);
    }
    state.calendar.selected = day;
    let text = screen(&state, 80, 24);
    assert!(text.contains("场次（30）"), "{text}");
    let more = text
        .lines()
        .find(|l| l.contains("还有 "))
        .expect("a more line");
    assert!(more.contains("场，按 Enter 查看全部"), "{text}");
    // The grid counts them all.
    assert!(text.contains("30场"), "{text}");
}

#[test]
fn enter_on_a_day_with_one_session_opens_it() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    state.calendar.selected = day("2023-03-22");
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(
        effect,
        Some(peixun::tui::Effect::ShowDay {
            session: Some(_),
            ..
        })
    ));
    assert_eq!(state.tab, peixun::tui::app::Tab::Sessions);
    let detail = state
        .sessions
        .detail
        .as_ref()
        .expect("the session's detail");
    assert_eq!(detail.row.session.title, "线上大培训动员会");
    // Back goes to the calendar it came from, and leaves the list on it.
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.tab, peixun::tui::app::Tab::Calendar);
    let row = state.sessions.selected_row().expect("selected");
    assert_eq!(row.session.title, "线上大培训动员会");
    // Opened from the list, back stays on the list.
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.tab, peixun::tui::app::Tab::Sessions);
}

/// Clears the focused text field of a form (at most 40 characters).
fn clear_field(store: &peixun::store::Store, state: &mut peixun::tui::app::State) {
    press(store, state, KeyCode::End);
    for _ in 0..40 {
        press(store, state, KeyCode::Backspace);
    }
}

#[test]
fn a_field_with_an_error_shows_the_error_not_the_hint_too() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "专利导航实务");
    for _ in 0..4 {
        press(&store, &mut state, KeyCode::Down);
    }
    typed(&store, &mut state, "区图书馆");
    for _ in 0..6 {
        press(&store, &mut state, KeyCode::Down);
    }
    clear_field(&store, &mut state);
    typed(&store, &mut state, "0");
    assert_eq!(press(&store, &mut state, KeyCode::Enter), None);
    let peixun::tui::app::Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on a bad capacity");
    };
    let field = form.field("capacity").expect("capacity field").clone();
    assert!(field.error.is_some());
    assert_eq!(form.fields[form.focus].name, "capacity");
    let text = screen(&state, 80, 24);
    let error_row = text
        .lines()
        .position(|l| l.contains("! "))
        .expect("the error under the field");
    let next = text.lines().nth(error_row + 1).unwrap_or_default();
    assert!(!next.contains(&field.hint), "hint repeated:\n{text}");
    // Fixed, the hint comes back with the focus.
    clear_field(&store, &mut state);
    typed(&store, &mut state, "80");
    let text = screen(&state, 80, 24);
    assert!(text.contains(&field.hint), "{text}");
}

#[test]
fn esc_in_a_form_with_typed_input_asks_before_throwing_it_away() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    // Untouched: Esc just closes.
    press(&store, &mut state, KeyCode::Char('a'));
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.overlay, peixun::tui::app::Overlay::None);

    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "专利导航实务");
    press(&store, &mut state, KeyCode::Esc);
    assert!(matches!(
        state.overlay,
        peixun::tui::app::Overlay::Discard { .. }
    ));
    let text = screen(&state, 80, 24);
    assert!(text.contains("放弃已输入的内容？"), "{text}");
    // Esc again: back to the form with the title still there.
    press(&store, &mut state, KeyCode::Esc);
    let peixun::tui::app::Overlay::Form(form) = &state.overlay else {
        panic!("not back in the form");
    };
    assert_eq!(form.field("title").map(|f| f.value()), Some("专利导航实务"));
    // Esc, Enter: gone, nothing written.
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, peixun::tui::app::Overlay::None);
    assert_eq!(op_count(&store), before);
}

#[test]
fn waiving_asks_why_done_takes_a_note_and_the_panel_shows_every_note() {
    use peixun::domain::MarkStatus;
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let plan = state
        .checklist
        .open_unit()
        .and_then(|u| u.rows.iter().position(|r| r.item == "county.plan"))
        .expect("plan item");
    state.checklist.item = plan;

    // w: a reason is required.
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Char('w'));
    assert_eq!(press(&store, &mut state, KeyCode::Enter), None);
    let peixun::tui::app::Overlay::Form(form) = &state.overlay else {
        panic!("the reason form closed empty");
    };
    assert!(form
        .field("reason")
        .and_then(|f| f.error.as_ref())
        .is_some());
    assert_eq!(op_count(&store), before);
    typed(&store, &mut state, "本区并入市级计划");
    press(&store, &mut state, KeyCode::Enter);
    let mark =
        peixun::store::checklist::marks(&store, ECHENG).expect("marks")["county.plan"].clone();
    assert_eq!(mark.status, MarkStatus::Waived);
    assert_eq!(mark.note, "本区并入市级计划");
    assert!(screen(&state, 80, 24).contains("免报理由：本区并入市级计划"));

    // d: a note if wanted.
    press(&store, &mut state, KeyCode::Char('d'));
    typed(&store, &mut state, "已报市局");
    press(&store, &mut state, KeyCode::Enter);
    let mark =
        peixun::store::checklist::marks(&store, ECHENG).expect("marks")["county.plan"].clone();
    assert_eq!(
        (mark.status, mark.note.as_str()),
        (MarkStatus::Done, "已报市局")
    );

    // A file with a note: the note is in the panel.
    let file = dir.path().join("培训计划.pdf");
    std::fs::write(&file, "计划").expect("write file");
    press(&store, &mut state, KeyCode::Char('f'));
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "盖章版");
    press(&store, &mut state, KeyCode::Enter);
    let text = screen(&state, 80, 24);
    assert!(text.contains("培训计划.pdf"), "{text}");
    assert!(text.contains("备注：盖章版"), "{text}");

    // Enter shows the plan behind the item; Enter again every mark with its note, and the file.
    press(&store, &mut state, KeyCode::Enter);
    assert!(screen(&state, 80, 24).contains("鄂城区的培训计划"));
    press(&store, &mut state, KeyCode::Enter);
    let text = screen(&state, 80, 24);
    for shown in [
        "免报：本区并入市级计划",
        "已完成：已报市局",
        "附件 培训计划.pdf：盖章版",
    ] {
        assert!(text.contains(shown), "{shown} missing:\n{text}");
    }
}

#[test]
fn the_help_wraps_its_notes_instead_of_cutting_the_last_line() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('?'));
    for _ in 0..100 {
        press(&store, &mut state, KeyCode::Down);
    }
    let text = screen(&state, 80, 24);
    assert!(
        text.contains("切换项。") && text.contains("操作。"),
        "{text}"
    );
    assert!(!text.contains("…"), "{text}");
}

#[test]
fn the_end_of_a_list_is_a_full_page() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let units = state.checklist.units.len();
    press(&store, &mut state, KeyCode::Char('G'));
    assert_eq!(state.checklist.row, units - 1);
    // At 80x10 the grid has 4 rows (header, step title, column header above; summary,
    // status, footer below) for 6 units: G shows the last 4, no blank rows.
    let shown = rows(&state, 80, 10);
    let grid = &shown[3..7];
    assert!(grid.iter().all(|r| !r.trim().is_empty()), "{shown:#?}");
    let last = &state.checklist.units[units - 1].name;
    assert!(
        grid[3].trim_start().starts_with(last.as_str()),
        "{shown:#?}"
    );
}

#[test]
fn long_titles_lose_their_middle_and_keep_what_tells_them_apart() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    let text = screen(&state, 80, 24);
    assert!(text.contains("…险防范与控制策略"), "{text}");
}

#[test]
fn the_header_names_every_office_the_same_way() {
    // With room the role follows the name; at 80 columns it gives way to the eight tabs' names.
    let (_dir, county) = county_store();
    let state = load(&county, Theme::coloured());
    assert!(rows(&state, 100, 24)[0].starts_with(" 鄂城区  县区局 "));
    assert!(rows(&state, 80, 24)[0].starts_with(" 鄂城区 │ 1 日历 "));
    assert!(rows(&state, 80, 24)[0].contains("8 企业"));
    let (_dir, city) = city_store();
    let state = load(&city, Theme::coloured());
    assert!(rows(&state, 100, 24)[0].starts_with(" 鄂州市  市局 "));
    assert!(rows(&state, 80, 24)[0].starts_with(" 鄂州市 │ 1 日历 "));
}

/// The enrol form open on the county's second session (nobody enrolled yet).

#[test]
fn the_checklist_shows_who_to_call_and_follows_a_change_of_contact() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    assert!(screen_text(&state, 80, 24).contains("联系人：尚未指定"));

    peixun::app::contacts::set(
        &store,
        "王芳",
        "13972100001",
        "科长",
        Some(day("2023-03-01")),
        day("2023-03-01"),
    )
    .expect("contact set");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("联系人：王芳（科长），13972100001，2023-03-01 起"),
        "{screen}"
    );

    // The post changes hands: the checklist names the new contact, not the old one.
    peixun::app::contacts::set(
        &store,
        "李强",
        "13972100002",
        "",
        Some(day("2023-06-01")),
        day("2023-06-01"),
    )
    .expect("contact changed");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("联系人：李强，13972100002，2023-06-01 起"),
        "{screen}"
    );
    assert!(!screen.contains("王芳"), "{screen}");

    peixun::app::contacts::set_office_phone(&store, "0711-3861234").expect("office phone");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("联系人：李强，13972100002，办公电话 0711-3861234，2023-06-01 起"),
        "{screen}"
    );
}

#[test]
fn the_city_grid_names_the_selected_units_contact() {
    let (_dir, store) = city_store();
    let contact =
        peixun::domain::contact::contact("朱宇秀", "18918788585", "副局长", day("2023-02-22"))
            .expect("contact");
    // Named by 华容区 itself, on its own device, and taken in as a bundle's chain would be.
    let mut county = peixun::demo::ChainWriter::new(
        "420703",
        peixun::log::device::tagged("420703", 7),
        "华容区局",
    );
    let op = county
        .push(Payload::ContactSet {
            unit: "420703".into(),
            contact,
        })
        .expect("op");
    store.import_foreign_chain(vec![op]).expect("taken in");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let row = state
        .checklist
        .units
        .iter()
        .position(|u| u.unit == "420703")
        .expect("华容区 on the grid");
    state.checklist.row = row;
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("华容区联系人：朱宇秀（副局长），18918788585，2023-02-22 起"),
        "{screen}"
    );
}

#[test]
fn the_province_grid_has_its_own_row_above_the_cities() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let store = peixun::store::Store::create(dir.path(), "420000", "测试员").expect("store");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let screen = screen_text(&state, 80, 24);
    let lines: Vec<&str> = screen.lines().collect();
    let province = lines
        .iter()
        .position(|l| l.starts_with("湖北省"))
        .unwrap_or_else(|| panic!("no 湖北省 row: {screen}"));
    let wuhan = lines
        .iter()
        .position(|l| l.starts_with("武汉市"))
        .unwrap_or_else(|| panic!("no 武汉市 row: {screen}"));
    assert!(province < wuhan, "{screen}");
    // Its own items are opened from its row as a city's are.
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("启动仪式"), "{screen}");
}
