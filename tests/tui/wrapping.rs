//! Prose on every tab wraps where a reader expects it at 80x24: after a Chinese mark that ends an
//! item, never inside "考试 50" or "后到达记为迟到". Table cells are still cut, not wrapped.

use crossterm::event::KeyCode;

use super::door::{door_store, door_with_a_long_venue, LONG_VENUE};
use super::fixtures::*;
use super::sync_fixtures::{assert_shown_whole, boxed, rows};
use peixun::domain::MarkStatus;
use peixun::i18n::Lang;
use peixun::log::Payload;
use peixun::tui::app::Overlay;
use peixun::tui::Theme;

#[test]
fn a_course_in_the_session_detail_breaks_after_its_comma() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    let text = "K 《锚定建设全国构建新发展格局先行区目标，奋力谱写新时代知识产权强省建设新篇章》（省局领导）";
    assert_eq!(assert_shown_whole(&buffer, text, Lang::Zh), 2);
}

#[test]
fn the_door_puts_the_late_note_on_a_line_of_its_own_rather_than_cut_it() {
    let d = door_store();
    let (state, late) = door_with_a_long_venue(&d);
    let late = format!("{late} 后到达记为迟到");
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    assert_eq!(assert_shown_whole(&buffer, &late, Lang::Zh), 1);
    assert_shown_whole(&buffer, LONG_VENUE, Lang::Zh);
    // The query moved down a line with it, under the blank banner line.
    let rows = rows(&buffer);
    assert!(rows[5].starts_with("查找›"), "{}", rows.join("\n"));
}

#[test]
fn an_items_note_breaks_after_its_commas() {
    let (_dir, store) = county_store();
    let note = "已随培训计划报送工作联系人，联系人为区市场监管局知识产权股负责同志，\
                电话另行报送，纸质件已于三月一日寄出";
    store
        .commit(vec![Payload::ChecklistMarked {
            unit: ECHENG.into(),
            item: "county.plan".into(),
            status: MarkStatus::Done,
            note: note.into(),
        }])
        .expect("commit");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    state.checklist.item = state
        .checklist
        .open_unit()
        .and_then(|u| u.rows.iter().position(|r| r.item == "county.plan"))
        .expect("plan item");
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    assert_eq!(
        assert_shown_whole(&buffer, &format!("备注：{note}"), Lang::Zh),
        2
    );
}

#[test]
fn a_confirmation_breaks_after_a_comma_in_the_title() {
    let (_dir, store) = county_store();
    let mut first = store
        .sessions()
        .expect("sessions")
        .into_iter()
        .find(|s| s.date == day("2023-03-15"))
        .expect("first session");
    first.title = "专利导航与产业规划实务，数据知识产权登记与保护，企业海外维权".into();
    store
        .commit(vec![Payload::SessionUpserted(first)])
        .expect("commit");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    let name = state
        .sessions
        .detail
        .as_ref()
        .and_then(|d| d.selected_person())
        .map(|p| p.name.clone())
        .expect("a selected person");
    press(&store, &mut state, KeyCode::Char('x'));
    assert!(matches!(state.overlay, Overlay::Confirm(_)));
    let inside = boxed(draw(&state, 80, 24).backend().buffer(), "请确认");
    let text =
        format!("将{name}移出“专利导航与产业规划实务，数据知识产权登记与保护，企业海外维权”？");
    assert_eq!(assert_shown_whole(&inside, &text, Lang::Zh), 2);
}

#[test]
fn a_long_refusal_under_a_form_field_is_shown_whole() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    let refusal =
        "统一社会信用代码 91420700MA4KX00001 已属于“鄂州市华宇光电科技有限公司”（鄂城区），\
                   这里写的是“鄂州市华宇光电有限公司”；请核对名称或代码";
    let Overlay::Form(form) = &mut state.overlay else {
        panic!("no session form");
    };
    form.set_error("title", refusal.to_string());
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    // A piece longer than a line breaks between characters: read the box's rows as one.
    let inside: String = rows(&buffer)
        .iter()
        .filter_map(|row| row.split('│').nth(1))
        .collect::<String>()
        .split_whitespace()
        .collect();
    let whole: String = refusal.split_whitespace().collect();
    assert!(inside.contains(&whole), "{}", rows(&buffer).join("\n"));
}
