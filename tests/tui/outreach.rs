//! The 企业 tab: the area's enterprises with trained-or-not and their outreach; a status recorded
//! in the form (a bad date named, nothing written); phones masked; the list narrowed to those not
//! yet trained.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::app::outreach::CallFilter;
use peixun::domain::outreach::OutreachStatus;
use peixun::tui::app::Overlay;
use peixun::tui::Theme;

#[test]
fn every_key_of_the_enterprises_tab_fits_the_footer_at_80_columns() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    let screen = screen_text(&state, 80, 24);
    let footer = screen.lines().last().unwrap_or_default();
    for hint in [
        "? 帮助",
        "Enter 联络",
        "a 登记需求",
        "d 答复需求",
        "/ 筛选",
        "n 未参训",
        "Tab 切换",
        "q 退出",
    ] {
        assert!(footer.contains(hint), "{hint} missing: {footer}");
    }
    // The other way of the toggle is as short.
    press(&store, &mut state, KeyCode::Char('n'));
    let screen = screen_text(&state, 80, 24);
    let footer = screen.lines().last().unwrap_or_default();
    assert!(
        footer.contains("n 看全部") && footer.contains("q 退出"),
        "{footer}"
    );
}

#[test]
fn a_status_is_recorded_from_the_enterprises_tab() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    assert!(state.cert.loaded);
    press(&store, &mut state, KeyCode::Char('8'));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("鄂州市华宇光电科技有限公司"), "{screen}");
    assert!(screen.contains("已参训"), "{screen}");
    // Phones are masked here; the full ones are only in the logged call list.
    assert!(screen.contains("138****1234"), "{screen}");
    assert!(!screen.contains("13800001234"), "{screen}");

    press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(state.overlay, Overlay::Form(_)));
    // 已通知 → 已确认, and a day that is not one.
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Tab);
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "3月2日");
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form stays open");
    };
    assert!(form.field("on").and_then(|f| f.error.clone()).is_some());
    assert_eq!(op_count(&store), before);
    // A day after today is refused under the field too: it has not happened yet.
    ctrl(&store, &mut state, 'u');
    let tomorrow = state.today.succ_opt().expect("a next day");
    typed(&store, &mut state, &tomorrow.to_string());
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form stays open: {:?}", state.status);
    };
    let error = form.field("on").and_then(|f| f.error.clone());
    assert!(
        error.as_ref().is_some_and(|e| e.contains("晚于今天")),
        "{error:?}"
    );
    assert_eq!(op_count(&store), before);

    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "2023-03-02");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "送去培训通知");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let rows = crate::common::outreach_rows(&store, CallFilter::default()).expect("rows");
    let recorded = rows[0].outreach.as_ref().expect("recorded");
    assert_eq!(recorded.status, OutreachStatus::Confirmed);
    assert_eq!(recorded.note, "送去培训通知");
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("已确认 2023-03-02"), "{screen}");
    assert!(screen.contains("备注：送去培训通知"), "{screen}");
    let total = rows.len();
    let untouched = rows.iter().filter(|r| r.outreach.is_none()).count();
    assert_eq!(untouched, total - 1);
    // The counts above the list follow the row recorded (the summary wraps at 80 columns).
    let summary: String = screen.lines().skip(1).take(2).collect();
    assert!(
        summary.contains("已确认 1") && summary.contains(&format!("未联络 {untouched}")),
        "{screen}"
    );
    // Opened again, the form offers the status as it stands, not the one after it in the list
    // (which is 不参加 after 已确认).
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("no form");
    };
    assert_eq!(form.text("status"), "confirmed");
    press(&store, &mut state, KeyCode::Esc);
    assert!(
        state.cert.stale && !state.cert.reading,
        "a save here does not work the certification book out again behind another tab"
    );

    // n: only the enterprises nobody of which was trained; this one was.
    press(&store, &mut state, KeyCode::Char('n'));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("没有符合条件的企业"), "{screen}");
}

#[test]
fn a_city_reads_its_units_enterprises_but_records_only_its_own() {
    let (_dir, store) = city_store();
    let firm = peixun::domain::Enterprise {
        id: format!("E-{ECHENG}-1"),
        office: ECHENG.into(),
        name: "鄂州市华宇光电科技有限公司".into(),
        credit_code: None,
        categories: Default::default(),
        unit: ECHENG.into(),
    };
    from_county(
        &store,
        ECHENG,
        peixun::log::Payload::EnterpriseUpserted(firm),
    );
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    assert!(screen_text(&state, 80, 24).contains("鄂州市华宇光电科技有限公司"));
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    assert!(screen_text(&state, 80, 24).contains("由鄂城区登记"));
}

#[test]
fn a_service_need_is_recorded_and_answered_from_the_enterprises_tab() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    // d with nothing asked says so and opens nothing.
    press(&store, &mut state, KeyCode::Char('d'));
    assert_eq!(state.overlay, Overlay::None);
    assert!(screen_text(&state, 80, 24).contains("没有登记服务需求"));

    press(&store, &mut state, KeyCode::Char('a'));
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "想了解专利质押");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let open = peixun::app::needs::list(&store, true).expect("needs");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].need.service, 3);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("需求：知识产权金融服务"), "{screen}");
    assert!(screen.contains("未答复"), "{screen}");

    press(&store, &mut state, KeyCode::Char('d'));
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "已约武汉知识产权交易所面谈");
    press(&store, &mut state, KeyCode::Enter);
    assert!(peixun::app::needs::list(&store, true)
        .expect("needs")
        .is_empty());
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("鄂城区 2023-03-10 答复"), "{screen}");
    assert!(screen.contains("已约武汉知识产权交易所面谈"), "{screen}");

    // All answered: d opens the answer given, to correct it; Enter asks before replacing it.
    press(&store, &mut state, KeyCode::Char('d'));
    press(&store, &mut state, KeyCode::Tab);
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "已面谈，转交市局");
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(
        op_count(&store),
        before,
        "the earlier answer is kept until Enter again"
    );
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("已于 2023-03-10 答复"), "{screen}");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let needs = peixun::app::needs::list(&store, false).expect("needs");
    assert_eq!(
        needs[0].answer.as_ref().map(|a| a.note.as_str()),
        Some("已面谈，转交市局")
    );
}

#[test]
fn the_enterprises_are_read_again_on_entering_after_a_change_elsewhere_not_at_every_save() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    assert!(state.outreach.loaded && !state.outreach.stale);
    // A save on another tab only marks the list as out of date.
    press(&store, &mut state, KeyCode::Char('3'));
    to_item(&store, &mut state, "county.contact");
    press(&store, &mut state, KeyCode::Char('u'));
    assert!(state.outreach.stale);
    let effect = press(&store, &mut state, KeyCode::Char('8'));
    assert!(matches!(effect, Some(peixun::tui::Effect::Outreach(_))));
    assert!(!state.outreach.stale);
}

#[test]
fn keys_on_an_empty_enterprises_tab_say_what_to_do_first() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    for key in ['a', 'd'] {
        press(&store, &mut state, KeyCode::Char(key));
        assert_eq!(state.overlay, Overlay::None);
    }
    press(&store, &mut state, KeyCode::Enter);
    assert!(screen_text(&state, 80, 24).contains("没有选中的企业"));
}

#[test]
fn slash_narrows_the_enterprises_by_what_is_typed() {
    let (_dir, store) = county_store();
    let other = peixun::domain::Enterprise {
        id: store.new_id('E').expect("id"),
        office: ECHENG.into(),
        name: "鄂州市新港物流有限公司".into(),
        credit_code: None,
        categories: Default::default(),
        unit: ECHENG.into(),
    };
    store
        .commit(vec![peixun::log::Payload::EnterpriseUpserted(other)])
        .expect("commit");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("新港物流") && screen.contains("华宇光电"),
        "{screen}"
    );
    press(&store, &mut state, KeyCode::Char('/'));
    // "n" is typed into the filter, not taken as "only those not trained".
    typed(&store, &mut state, "新港");
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("新港物流"), "{screen}");
    assert!(!screen.contains("华宇光电"), "{screen}");
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Esc);
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("华宇光电"),
        "Esc clears the filter: {screen}"
    );
    // By the pinyin of the name too, as on the other tabs: 新港物流 is xgwl.
    press(&store, &mut state, KeyCode::Char('/'));
    typed(&store, &mut state, "xgwl");
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("新港物流"), "{screen}");
    assert!(!screen.contains("华宇光电"), "{screen}");
    let total = state.outreach.rows.len();
    assert!(screen.contains(&format!("(1/{total})")), "{screen}");
    // With n the filter counts among the untrained: 新港物流 is the only one.
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Char('n'));
    let screen = screen_text(&state, 80, 24);
    assert!(total > 1 && screen.contains("(1/1)"), "{screen}");
}

/// An interface left open past midnight takes the new day: a call made on it is not "after
/// today".
#[test]
fn an_interface_open_past_midnight_records_on_the_new_day() {
    use peixun::tui::{drive, AppEvent};
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    let tomorrow = state.today.succ_opt().expect("a next day");
    drive(&store, &mut state, AppEvent::NewDay(tomorrow));
    assert_eq!(state.today, tomorrow);
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Tab);
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, &tomorrow.to_string());
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None, "{:?}", state.status);
    let rows = crate::common::outreach_rows(&store, CallFilter::default()).expect("rows");
    let recorded = rows[0].outreach.as_ref().expect("recorded");
    assert_eq!(recorded.on, tomorrow);
}
