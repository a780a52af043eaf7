//! The 签到 tab: ranking, check-in, duplicates, undo, lateness, scanned codes and the divider for
//! people on other lists, against a real store in a temp dir (walk-ins in `walk_in.rs`).

use crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};

use super::door::{at_door, door_store, names, present};
use super::fixtures::*;
use super::snapshot_sizes;
use peixun::tui::app::Clock;
use peixun::tui::app::{Overlay, Tab};
use peixun::tui::tabs::checkin::{Arrival, Banner};
use peixun::tui::{DoorEffect, Effect, Theme};

#[test]
fn the_tab_opens_on_todays_session_and_letters_go_to_the_query() {
    let d = door_store();
    let mut state = load(&d.store, Theme::coloured());
    let effect = press(&d.store, &mut state, KeyCode::Char('4'));
    assert_eq!(effect, Some(Effect::Door(DoorEffect::Open(None))));
    let door = state.checkin.door.as_ref().expect("door open");
    assert_eq!(door.session.id, d.today);
    assert_eq!(present(&state), (1, 6));
    // q and digits are typed here; Tab still leaves, Ctrl-C still quits.
    typed(&d.store, &mut state, "q1");
    assert!(!state.quit);
    assert_eq!(state.checkin.query.value(), "q1");
    assert_eq!(state.tab, Tab::Checkin);
    press(&d.store, &mut state, KeyCode::Esc);
    assert_eq!(state.checkin.query.value(), "");
    press(&d.store, &mut state, KeyCode::F(1));
    assert!(matches!(state.overlay, Overlay::Help { .. }));
    press(&d.store, &mut state, KeyCode::Esc);
    press(&d.store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Reports);
    press(&d.store, &mut state, KeyCode::BackTab);
    assert_eq!(state.tab, Tab::Checkin);
    ctrl(&d.store, &mut state, 'c');
    assert!(state.quit);
}

#[test]
fn zs_ranks_initials_first_and_others_after_the_divider() {
    let d = door_store();
    let mut state = at_door(&d, 8, 50);
    typed(&d.store, &mut state, "zs");
    let found = names(&state);
    let first: Vec<&str> = found[..3].iter().map(|(n, _)| n.as_str()).collect();
    for name in ["张三", "赵四", "周山"] {
        assert!(first.contains(&name), "{found:?}");
    }
    assert_eq!(found[3], ("邹浩山".to_string(), true));
    assert_eq!(found[4], ("张珊".to_string(), false), "{found:?}");
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (_, divider) = find(buffer, "不在本场次名单中").expect("divider");
    let (_, zou) = find(buffer, "邹浩山").expect("邹浩山 row");
    let (_, zhang) = find(buffer, "张珊").expect("张珊 row");
    assert!(zou < divider && divider < zhang);
    assert!(find(buffer, "138****1234").is_some(), "phones are masked");
    snapshot_sizes("checkin_zs", &state);
}

/// Three digits find nobody (a phone tail takes four): the line says so while typing, and the
/// fourth digit finds the person.
#[test]
fn too_few_digits_say_a_phone_tail_needs_four() {
    let d = door_store();
    let mut state = at_door(&d, 8, 50);
    typed(&d.store, &mut state, "567");
    assert!(names(&state).is_empty());
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("手机尾号请输入至少 4 位数字（已输入“567”）"),
        "{screen}"
    );
    typed(&d.store, &mut state, "8");
    assert_eq!(names(&state)[0].0, "赵四");
    // Full-width digits from an input method are counted as digits too.
    ctrl(&d.store, &mut state, 'u');
    typed(&d.store, &mut state, "５６７");
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("手机尾号请输入至少 4 位数字"), "{screen}");
}

#[test]
fn enter_checks_in_the_selected_person_and_the_count_moves() {
    let d = door_store();
    let mut state = at_door(&d, 8, 52);
    let ops = op_count(&d.store);
    typed(&d.store, &mut state, "zhaos");
    assert_eq!(names(&state)[0].0, "赵四");
    // Pinyin is not a whole name: the first Enter says whom it would check in, writes nothing.
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(effect, None);
    assert!(matches!(
        &state.checkin.banner,
        Some(Banner::Confirm { name, .. }) if name == "赵四"
    ));
    assert_eq!(op_count(&d.store), ops);
    // At 80 columns a long firm name gives way to what to press, from after the 湖北 that
    // most names start with.
    let asked = state.checkin.banner.clone();
    state.checkin.banner = Some(Banner::Confirm {
        person: String::new(),
        name: "赵四".into(),
        enterprise: "湖北洪万农业科技股份有限公司武汉东湖新技术开发区分公司".into(),
        listed: true,
    });
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("将为 赵四（洪万农…）"), "{screen}");
    assert!(
        screen.contains("不是请继续输入，或按 F2 现场登记"),
        "{screen}"
    );
    state.checkin.banner = asked;
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(
        effect,
        Some(Effect::Door(DoorEffect::CheckIn { listed: true, .. }))
    ));
    assert_eq!(present(&state), (2, 6));
    assert_eq!(
        peixun::store::lists::present_count(&d.store, &d.today).expect("count"),
        2
    );
    assert_eq!(op_count(&d.store), ops + 1);
    assert_eq!(state.checkin.query.value(), "", "the line is cleared");
    let Some(Banner::Done { name, late, at, .. }) = &state.checkin.banner else {
        panic!("no success banner: {:?}", state.checkin.banner);
    };
    assert_eq!((name.as_str(), *late), ("赵四", false));
    assert_eq!(*at, today().and_time(time(8, 52)));
    // The sessions tab's count moved too, without a reload.
    let row = state.sessions.rows.iter().find(|r| r.session.id == d.today);
    assert_eq!(row.map(|r| r.present), Some(2));
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(find(buffer, "已签到 2 / 6，33%").is_some());
    let tick = find(buffer, "✓").expect("banner");
    assert_eq!(buffer[tick].fg, Color::Green);
    snapshot_sizes("checkin_done", &state);
}

#[test]
fn the_count_of_others_says_when_more_may_have_matched() {
    let d = door_store();
    let mut state = at_door(&d, 8, 52);
    typed(&d.store, &mut state, "zs");
    let other = |i: usize| peixun::search::door::Found {
        candidate: peixun::search::Candidate {
            id: format!("P-other-{i}"),
            name: "张思".into(),
            ..Default::default()
        },
        tier: peixun::search::Tier::Initials,
        in_session: false,
    };
    let shown = peixun::tui::tabs::checkin::OTHERS;
    state.checkin.results = (0..shown - 1).map(other).collect();
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains(&format!("其他名单 {} 人", shown - 1)),
        "{screen}"
    );
    state.checkin.results = (0..shown).map(other).collect();
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains(&format!("其他名单 {shown}+ 人")),
        "{screen}"
    );
}

#[test]
fn pinyin_for_someone_already_checked_in_says_so_without_asking_to_confirm() {
    let d = door_store();
    let mut state = at_door(&d, 9, 5);
    let ops = op_count(&d.store);
    typed(&d.store, &mut state, "lisi");
    assert_eq!(names(&state)[0].0, "李四");
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(effect, None);
    let Some(Banner::Already { name, first_at, .. }) = &state.checkin.banner else {
        panic!("no warning: {:?}", state.checkin.banner);
    };
    assert_eq!(name, "李四");
    assert_eq!(*first_at, today().and_time(time(8, 48)));
    assert_eq!(
        state.checkin.query.value(),
        "",
        "the line is cleared for the next"
    );
    assert_eq!(op_count(&d.store), ops, "nothing written");
    assert_eq!(present(&state), (1, 6));
}

#[test]
fn a_second_check_in_warns_with_the_first_time_and_counts_once() {
    let d = door_store();
    let mut state = at_door(&d, 9, 5);
    let ops = op_count(&d.store);
    typed(&d.store, &mut state, "李四");
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(present(&state), (1, 6));
    assert_eq!(
        peixun::store::lists::present_count(&d.store, &d.today).expect("count"),
        1
    );
    assert_eq!(op_count(&d.store), ops, "nothing written");
    let Some(Banner::Already { first_at, .. }) = &state.checkin.banner else {
        panic!("no warning: {:?}", state.checkin.banner);
    };
    assert_eq!(*first_at, today().and_time(time(8, 48)));
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let warn = find(buffer, "08:48 签到，不重复计数").expect("warning with the first time");
    // Its own style: never the green of a success.
    assert_eq!(buffer[warn].bg, Color::Yellow);
    assert_ne!(buffer[warn].fg, Color::Green);
    snapshot_sizes("checkin_already", &state);

    let mut plain = at_door(&d, 9, 5);
    plain.theme = Theme::monochrome();
    typed(&d.store, &mut plain, "李四");
    press(&d.store, &mut plain, KeyCode::Enter);
    let terminal = draw(&plain, 80, 24);
    let buffer = terminal.backend().buffer();
    let warn = find(buffer, "不重复计数").expect("warning");
    assert!(buffer[warn].modifier.contains(Modifier::REVERSED));
}

#[test]
fn undo_takes_back_the_last_check_in_as_an_op() {
    let d = door_store();
    let mut state = at_door(&d, 8, 57);
    typed(&d.store, &mut state, "周山");
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(present(&state), (2, 6));
    let ops = op_count(&d.store);
    let effect = ctrl(&d.store, &mut state, 'z');
    assert!(
        matches!(effect, Some(Effect::Door(DoorEffect::Undo { ref name, .. })) if name == "周山")
    );
    assert_eq!(present(&state), (1, 6));
    assert_eq!(
        peixun::store::lists::present_count(&d.store, &d.today).expect("count"),
        1
    );
    assert_eq!(op_count(&d.store), ops + 1, "undo is an op too");
    assert!(
        matches!(&state.checkin.banner, Some(Banner::Undone { name, unenrolled: false }) if name == "周山")
    );
    // Nothing left to take back on this screen: says so, writes nothing.
    let effect = ctrl(&d.store, &mut state, 'z');
    assert_eq!(effect, None);
    assert_eq!(state.checkin.banner, Some(Banner::NothingToUndo));
    assert_eq!(op_count(&d.store), ops + 1);
}

#[test]
fn after_start_plus_grace_is_late() {
    let d = door_store();
    // 09:15 is the last minute on time with the default 15 minutes' grace.
    let mut state = at_door(&d, 9, 15);
    typed(&d.store, &mut state, "张三");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(
        state.checkin.banner,
        Some(Banner::Done { late: false, .. })
    ));
    state.clock = Clock::Fixed(time(9, 16));
    typed(&d.store, &mut state, "邹浩山");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(
        state.checkin.banner,
        Some(Banner::Done { late: true, .. })
    ));
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (_, banner) = find(buffer, "✓").expect("banner");
    let late = find_from(buffer, banner, "迟到").expect("late marker");
    assert_eq!(buffer[late].fg, Color::Magenta);
    // The row says so too.
    typed(&d.store, &mut state, "zouhs");
    let terminal = draw(&state, 80, 24);
    assert!(find(terminal.backend().buffer(), "09:16 迟到").is_some());
}

#[test]
fn a_scanned_code_checks_its_person_in_whatever_is_selected() {
    let d = door_store();
    let mut state = at_door(&d, 8, 45);
    // 张三's code, as a scanner types it, then Enter.
    let code = d
        .store
        .person(&d.id("张三"))
        .expect("read")
        .expect("张三")
        .code;
    typed(&d.store, &mut state, &code.to_lowercase());
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(&state.checkin.banner, Some(Banner::Done { name, .. }) if name == "张三"));

    // "1234" is 钱七's code and 张三's phone tail: the code wins over whatever is highlighted.
    typed(&d.store, &mut state, "1234");
    assert_eq!(names(&state).len(), 2);
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(&state.checkin.banner, Some(Banner::Done { name, .. }) if name == "钱七"));
    assert_eq!(present(&state), (3, 6));
    // A row the coordinator moves to is who they mean.
    typed(&d.store, &mut state, "1234");
    let zhang = names(&state)
        .iter()
        .position(|(n, _)| n == "张三")
        .expect("张三 by phone tail");
    press(&d.store, &mut state, KeyCode::Down);
    while state.checkin.selected > zhang {
        press(&d.store, &mut state, KeyCode::Up);
    }
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(&state.checkin.banner, Some(Banner::Already { name, .. }) if name == "张三"));
}

#[test]
fn someone_on_another_list_is_checked_in_and_joins_this_one() {
    let d = door_store();
    let mut state = at_door(&d, 8, 58);
    typed(&d.store, &mut state, "zs");
    let row = names(&state)
        .iter()
        .position(|(n, _)| n == "张珊")
        .expect("张珊 found");
    for _ in 0..row {
        press(&d.store, &mut state, KeyCode::Down);
    }
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(
        effect,
        Some(Effect::Door(DoorEffect::CheckIn { listed: false, .. }))
    ));
    assert_eq!(present(&state), (2, 7));
    assert!(peixun::store::lists::is_enrolled(&d.store, &d.today, &d.id("张珊")).expect("read"));
    assert!(matches!(
        state.checkin.banner,
        Some(Banner::Done {
            arrival: Arrival::OtherList,
            ..
        })
    ));
    typed(&d.store, &mut state, "zs");
    assert!(names(&state).contains(&("张珊".to_string(), true)));
}

#[test]
fn f3_picks_another_session() {
    let d = door_store();
    let mut state = at_door(&d, 8, 50);
    press(&d.store, &mut state, KeyCode::F(3));
    assert!(matches!(state.overlay, Overlay::Picker { .. }));
    snapshot_sizes("checkin_picker", &state);
    // Letters move here: the picker is no text input.
    press(&d.store, &mut state, KeyCode::Char('j'));
    let effect = press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(
        effect,
        Some(Effect::Door(DoorEffect::Open(Some(d.other.clone()))))
    );
    assert_eq!(present(&state), (0, 1));
    typed(&d.store, &mut state, "zs");
    assert_eq!(names(&state)[0], ("张珊".to_string(), true));
    assert!(names(&state)[1..].iter().all(|(_, listed)| !listed));
}

#[test]
fn the_footer_shows_keys_that_work_on_the_door() {
    let d = door_store();
    let state = at_door(&d, 8, 50);
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    let (_, footer) = find(buffer, "C-z").expect("undo key in the footer");
    assert_eq!(footer, 23);
    for key in ["Enter", "F2", "F3", "F1", "Tab", "C-c"] {
        assert!(find_from(buffer, 23, key).is_some(), "{key} missing");
    }
    assert!(find_from(buffer, 23, "? ").is_none(), "? would be typed");
}

/// A check-in that put someone on the list: undoing it asks whether they come off the list
/// too (Enter, or → then Enter to keep them on it), and says which it did.
#[test]
fn undoing_a_check_in_that_enrolled_offers_to_take_them_off_the_list() {
    for take_off in [true, false] {
        let d = door_store();
        let mut state = at_door(&d, 8, 58);
        typed(&d.store, &mut state, "张珊");
        press(&d.store, &mut state, KeyCode::Enter);
        assert_eq!(present(&state), (1, 6), "not on this list: said back first");
        press(&d.store, &mut state, KeyCode::Enter);
        assert_eq!(present(&state), (2, 7), "checked in, and on this list now");
        ctrl(&d.store, &mut state, 'z');
        let Overlay::Confirm(_) = &state.overlay else {
            panic!("no question: {:?}", state.checkin.banner);
        };
        let screen = screen_text(&state, 80, 24);
        assert!(screen.contains("撤销签到，并移出本场名单"), "{screen}");
        assert!(screen.contains("只撤销签到，留在名单上"), "{screen}");
        if !take_off {
            press(&d.store, &mut state, KeyCode::Down);
        }
        press(&d.store, &mut state, KeyCode::Enter);
        let enrolled = if take_off { 6 } else { 7 };
        assert_eq!(present(&state), (1, enrolled));
        assert_eq!(
            peixun::store::lists::is_enrolled(&d.store, &d.today, &d.id("张珊")).expect("read"),
            !take_off
        );
        assert!(matches!(
            &state.checkin.banner,
            Some(Banner::Undone { name, unenrolled }) if name == "张珊" && *unenrolled == take_off
        ));
    }
}

/// Backing out of a question with two answers records neither: Esc at the late-entry question
/// checks nobody in, and Esc at the undo question takes nothing back.
#[test]
fn esc_at_a_two_answer_question_changes_nothing() {
    let d = door_store();
    let mut state = at_door(&d, 23, 40);
    let ops = op_count(&d.store);
    typed(&d.store, &mut state, "赵四");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(state.overlay, Overlay::Confirm(_)));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("Up/Down 选择"), "{screen}");
    assert!(screen.contains("Esc 不做改动"), "{screen}");
    // Letters still being typed are not keys here: q does not quit, l does not choose.
    typed(&d.store, &mut state, "ql");
    assert!(!state.quit);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("› 开场时间"), "{screen}");
    // Choosing "now" and backing out still records nothing.
    press(&d.store, &mut state, KeyCode::Right);
    press(&d.store, &mut state, KeyCode::Esc);
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(op_count(&d.store), ops, "Esc checked nobody in");
    assert_eq!(present(&state).0, 1, "the count did not move");

    let mut state = at_door(&d, 8, 58);
    typed(&d.store, &mut state, "张珊");
    press(&d.store, &mut state, KeyCode::Enter);
    press(&d.store, &mut state, KeyCode::Enter);
    let ops = op_count(&d.store);
    ctrl(&d.store, &mut state, 'z');
    assert!(matches!(state.overlay, Overlay::Confirm(_)));
    press(&d.store, &mut state, KeyCode::Esc);
    assert_eq!(op_count(&d.store), ops, "Esc took nothing back");
    assert_eq!(present(&state), (2, 7));
}

/// A check-in changes who is trained: the 认证 and 企业 tabs, read before, are read again when
/// next shown (a tab's counts were those of before the check-in).
#[test]
fn a_check_in_has_the_cert_and_enterprise_tabs_read_again() {
    let d = door_store();
    let mut state = load(&d.store, Theme::coloured());
    state.clock = Clock::Fixed(time(8, 52));
    press(&d.store, &mut state, KeyCode::Char('6'));
    assert!(state.cert.loaded);
    press(&d.store, &mut state, KeyCode::Char('8'));
    assert!(!state.outreach.stale);
    press(&d.store, &mut state, KeyCode::Char('4'));
    typed(&d.store, &mut state, "赵四");
    press(&d.store, &mut state, KeyCode::Enter);
    assert!(matches!(state.checkin.banner, Some(Banner::Done { .. })));
    assert!(state.cert.stale && !state.cert.reading);
    assert!(state.outreach.stale);
    press(&d.store, &mut state, KeyCode::Tab);
    let effect = press(&d.store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Cert);
    assert_eq!(effect, Some(peixun::tui::Effect::LoadCert));
}

/// Keyed in on a later day (the paper, at the office): now is not a time of the session's day,
/// so only its start is offered and the check-in lands on that day, not late; someone already
/// checked in is told so at once, not asked which time to record.
#[test]
fn a_late_entry_on_another_day_is_recorded_at_the_start_and_the_already_in_are_not_asked() {
    let d = door_store();
    let mut state = at_door(&d, 23, 40);
    let session_day = state.today;
    state.today = session_day.succ_opt().expect("a next day");
    state.clock = Clock::Fixed(time(0, 10));
    let ops = op_count(&d.store);
    typed(&d.store, &mut state, "赵四");
    press(&d.store, &mut state, KeyCode::Enter);
    let Overlay::Confirm(confirm) = &state.overlay else {
        panic!("no question: {:?}", state.checkin.banner);
    };
    assert!(confirm.otherwise.is_none(), "no second answer: {confirm:?}");
    assert!(
        confirm.message.contains("补录") && confirm.message.contains("开场时间 09:00"),
        "{}",
        confirm.message
    );
    assert_eq!(
        op_count(&d.store),
        ops,
        "nothing recorded before the answer"
    );
    press(&d.store, &mut state, KeyCode::Right);
    press(&d.store, &mut state, KeyCode::Enter);
    let Some(Banner::Done { at, late, .. }) = &state.checkin.banner else {
        panic!("not checked in: {:?}", state.checkin.banner);
    };
    assert_eq!((*at, *late), (session_day.and_time(time(9, 0)), false));

    let ops = op_count(&d.store);
    typed(&d.store, &mut state, "赵四");
    press(&d.store, &mut state, KeyCode::Enter);
    assert_eq!(
        state.overlay,
        Overlay::None,
        "no question for someone already in"
    );
    assert!(matches!(
        &state.checkin.banner,
        Some(Banner::Already { name, .. }) if name == "赵四"
    ));
    assert!(screen_text(&state, 80, 24).contains("09:00 签到"));
    assert_eq!(op_count(&d.store), ops);
}

/// Keyed in after the session ended: the door asks whether to record the start (补录) or now
/// (→ then Enter), and a late mark always says after what time.
#[test]
fn a_check_in_after_the_end_asks_which_time_to_record() {
    for record_start in [true, false] {
        let d = door_store();
        let mut state = at_door(&d, 23, 40);
        let ops = op_count(&d.store);
        typed(&d.store, &mut state, "赵四");
        press(&d.store, &mut state, KeyCode::Enter);
        let Overlay::Confirm(confirm) = &state.overlay else {
            panic!("no question: {:?}", state.checkin.banner);
        };
        assert!(confirm.message.contains("补录"), "{}", confirm.message);
        assert_eq!(
            op_count(&d.store),
            ops,
            "nothing recorded before the answer"
        );
        let screen = screen_text(&state, 80, 24);
        assert!(screen.contains("› 开场时间 09:00（不算迟到）"), "{screen}");
        if !record_start {
            press(&d.store, &mut state, KeyCode::Right);
            let screen = screen_text(&state, 80, 24);
            assert!(screen.contains("› 现在"), "{screen}");
        }
        press(&d.store, &mut state, KeyCode::Enter);
        let Some(Banner::Done { at, late, .. }) = &state.checkin.banner else {
            panic!("not checked in: {:?}", state.checkin.banner);
        };
        if record_start {
            assert_eq!((at.time(), *late), (time(9, 0), false));
        } else {
            assert_eq!((at.time(), *late), (time(23, 40), true));
            let terminal = draw(&state, 80, 24);
            assert!(find(terminal.backend().buffer(), "迟到（晚于 09:15）").is_some());
        }
    }
}

#[test]
fn a_service_asked_for_at_the_door_is_recorded_for_the_enterprise_just_checked_in() {
    let d = door_store();
    let mut state = at_door(&d, 8, 52);
    // Nobody checked in yet: F4 says so and opens nothing.
    press(&d.store, &mut state, KeyCode::F(4));
    assert!(!matches!(state.overlay, peixun::tui::app::Overlay::Form(_)));
    typed(&d.store, &mut state, "zhaos");
    press(&d.store, &mut state, KeyCode::Enter);
    press(&d.store, &mut state, KeyCode::Enter);
    let enterprise = state
        .checkin
        .recent
        .last()
        .expect("checked in")
        .enterprise
        .clone();
    assert!(!enterprise.is_empty());
    press(&d.store, &mut state, KeyCode::F(4));
    assert!(matches!(state.overlay, peixun::tui::app::Overlay::Form(_)));
    press(&d.store, &mut state, KeyCode::Right);
    press(&d.store, &mut state, KeyCode::Enter);
    let needs = peixun::app::needs::list(&d.store, false).expect("needs");
    assert_eq!(needs.len(), 1, "{:?}", state.status);
    assert_eq!(needs[0].enterprise_name, enterprise);
    assert_eq!(needs[0].need.service, 2);
}
