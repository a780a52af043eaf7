//! Snapshots of the tabs at 80x24 and 120x40, and colour: what is overdue stands out with and
//! without it.

use ratatui::style::{Color, Modifier};

use crossterm::event::KeyCode;

use super::fixtures::*;
use super::snapshot_sizes;
use peixun::tui::Theme;

#[test]
fn snapshot_calendar() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    for _ in 0..5 {
        press(&store, &mut state, KeyCode::Right);
    }
    snapshot_sizes("calendar", &state);
    // April: 清明 (4/5) off, 4/23 a make-up Sunday with a session, 4/29 into 劳动节.
    press(&store, &mut state, KeyCode::PageDown);
    press(&store, &mut state, KeyCode::Down);
    snapshot_sizes("calendar_april", &state);
}

#[test]
fn snapshot_sessions_list_and_detail() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    snapshot_sizes("sessions", &state);
    press(&store, &mut state, KeyCode::Enter);
    snapshot_sizes("session_detail", &state);
}

#[test]
fn snapshot_form_with_errors() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    press(&store, &mut state, KeyCode::Enter);
    snapshot_sizes("session_form_errors", &state);
}

#[test]
fn snapshot_checklist_county_and_city() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    snapshot_sizes("checklist_county", &state);

    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    snapshot_sizes("checklist_city", &state);
}

#[test]
fn snapshot_help() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('?'));
    snapshot_sizes("help", &state);
}

#[test]
fn overdue_is_red_and_without_colour_still_stands_out() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let at = find(buffer, "逾期").expect("an overdue item on screen");
    assert_eq!(buffer[at].fg, Color::Red);
    let done = find(buffer, "已完成").expect("a done item on screen");
    assert_eq!(buffer[done].fg, Color::Green);

    let mut plain = load(&store, Theme::monochrome());
    press(&store, &mut plain, KeyCode::Char('3'));
    let terminal = draw(&plain, 80, 24);
    let buffer = terminal.backend().buffer();
    let at = find(buffer, "逾期").expect("an overdue item on screen");
    assert_eq!(buffer[at].fg, Color::Reset);
    assert!(buffer[at]
        .modifier
        .contains(Modifier::BOLD | Modifier::UNDERLINED));
}

#[test]
fn overdue_grid_cells_are_red() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    // 鄂城区's row: its plan was due 2/27 and is not done on 3/10.
    let (_, header) = find(buffer, "单位").expect("grid header");
    let (x, _) = find_from(buffer, header, "培训计划").expect("plan column");
    let (_, y) = find_from(buffer, header, "鄂城区").expect("鄂城区 row");
    assert_eq!(buffer[(x, y)].symbol(), "逾");
    assert_eq!(buffer[(x, y)].fg, Color::Red);
}
