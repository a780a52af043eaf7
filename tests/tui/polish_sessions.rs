//! The 场次 tab at 80x24 after a tester's pass: a session's detail, the list's and the enrolment
//! list's filters, and the enrol form's offers. Each test fails without its fix.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::domain::{Person, SessionCourse, SessionKind};
use peixun::log::Payload;
use peixun::tui::{Effect, Theme};

/// `n` new people of the office enrolled in `session` (学员甲, 学员乙, ...).
fn crowd(store: &peixun::store::Store, session: &str, n: usize) -> Vec<Payload> {
    let names = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥";
    let mut out = Vec::new();
    for (i, c) in names.chars().take(n).enumerate() {
        let id = store.new_id('P').expect("id");
        out.push(Payload::PersonUpserted(Person {
            code: peixun::domain::code::participant_code(&id),
            id: id.clone(),
            office: ECHENG.into(),
            name: format!("学员{c}"),
            phone: format!("1370000{i:04}"),
            position: String::new(),
            enterprise: None,
        }));
        out.push(Payload::EnrolmentSet {
            session: session.to_string(),
            person: id,
            enrolled: true,
        });
    }
    out
}

/// A session of long words and twenty people, the first listed, committed to `store`.
fn long_session(store: &peixun::store::Store) -> peixun::domain::Session {
    let mut long = session(
        store,
        SessionKind::Offline,
        "鄂州市2023年“百县万企”知识产权线下大培训（第一场）",
        "2023-03-01",
        "鄂城区市场监督管理局五楼会议室",
    );
    long.audience = "县（市）区党政机关领导干部，知识产权有关单位人员，企业高管、代表。".into();
    long.courses = ["K", "5", "13", "2"]
        .iter()
        .map(|c| SessionCourse {
            course: (*c).into(),
            lecturer: "毛敏婷（中南财经政法大学知识产权研究中心）".into(),
        })
        .collect();
    let mut payloads = vec![Payload::SessionUpserted(long.clone())];
    payloads.extend(crowd(store, &long.id, 20));
    store.commit(payloads).expect("commit");
    long
}

#[test]
fn session_detail_keeps_the_counts_and_lists_every_course_at_80_columns() {
    let (_dir, store) = county_store();
    let long = long_session(&store);
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    state.sessions.selected = 0;
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(
        state
            .sessions
            .detail
            .as_ref()
            .map(|d| d.row.session.id.clone()),
        Some(long.id.clone())
    );
    let first = screen_text(&state, 80, 24);
    assert!(
        first.contains("往下看"),
        "the cut header says there is more:\n{first}"
    );
    let mut seen = String::new();
    for _ in 0..20 {
        let text = screen_text(&state, 80, 24);
        assert!(text.contains("报名 20/60"), "{text}");
        assert!(text.contains("签到 0"), "{text}");
        seen.push_str(&text);
        press(&store, &mut state, KeyCode::Right);
    }
    for course in [
        "K 《锚定",
        "5 企业知识产权风险防范",
        "13 ",
        "2 专利、商标质押融资",
    ] {
        assert!(seen.contains(course), "{course} never shown:\n{seen}");
    }
    assert!(seen.contains("企业高管、代表。"), "the whole audience");
    // The list keeps most of the screen.
    let text = screen_text(&state, 80, 24);
    assert!(text.contains("姓名") && text.contains("学员甲"), "{text}");
}

/// The names the open enrolment list shows under its filter.
fn filtered(state: &peixun::tui::app::State) -> Vec<String> {
    let detail = state.sessions.detail.as_ref().expect("detail open");
    detail
        .visible()
        .iter()
        .map(|&i| detail.people[i].name.clone())
        .collect()
}

#[test]
fn the_enrolment_filter_finds_people_by_pinyin_like_the_door() {
    let d = super::door::door_store();
    let mut state = load(&d.store, Theme::coloured());
    press(&d.store, &mut state, KeyCode::Char('2'));
    let today = state
        .sessions
        .rows
        .iter()
        .position(|r| r.session.id == d.today)
        .expect("today's session");
    state.sessions.selected = today;
    press(&d.store, &mut state, KeyCode::Enter);
    let query = |state: &mut peixun::tui::app::State, text: &str| {
        press(&d.store, state, KeyCode::Char('/'));
        typed(&d.store, state, text);
        let found = filtered(state);
        press(&d.store, state, KeyCode::Esc);
        found
    };
    assert_eq!(query(&mut state, "zou"), ["邹浩山"]);
    assert_eq!(query(&mut state, "邹"), ["邹浩山"]);
    assert_eq!(query(&mut state, "zhs"), ["邹浩山"]);
    let zs = query(&mut state, "zs");
    for name in ["张三", "赵四", "周山"] {
        assert!(zs.contains(&name.to_string()), "{zs:?}");
    }
    assert!(!zs.contains(&"李四".to_string()), "{zs:?}");
    // Phone tail, enterprise initials, position.
    assert_eq!(query(&mut state, "1357"), ["邹浩山"]);
    assert_eq!(query(&mut state, "ezshy").len(), 6);
    assert_eq!(query(&mut state, "法务"), ["邹浩山"]);
}

#[test]
fn the_sessions_filter_takes_pinyin_initials() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('/'));
    let titles = |state: &peixun::tui::app::State| -> Vec<String> {
        let list = &state.sessions;
        list.visible()
            .iter()
            .map(|&i| list.rows[i].session.title.clone())
            .collect()
    };
    typed(&store, &mut state, "xsdpx");
    assert_eq!(titles(&state), ["线上大培训动员会"]);
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Char('/'));
    // The venue by its initials, and full pinyin.
    typed(&store, &mut state, "ezsmzx");
    assert_eq!(titles(&state).len(), 1, "{:?}", titles(&state));
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Char('/'));
    typed(&store, &mut state, "zhishichanquan");
    assert_eq!(titles(&state).len(), 2, "{:?}", titles(&state));
}

#[test]
fn the_enrolled_column_is_as_wide_as_the_widest_count() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    // A province's online day: thousands enrolled (render reads the state only).
    let row = &mut state.sessions.rows[1];
    row.enrolled = 3000;
    row.session.capacity = 50000;
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen_text(&state, w, h);
        assert!(text.contains(" 3000/50000"), "{text}");
        assert!(text.contains("   3/60"), "{text}");
    }
}

fn enrol_form(store: &peixun::store::Store) -> peixun::tui::app::State {
    let mut state = load(store, Theme::coloured());
    press(store, &mut state, KeyCode::Char('2'));
    state.sessions.selected = 1;
    press(store, &mut state, KeyCode::Enter);
    press(store, &mut state, KeyCode::Char('a'));
    assert!(matches!(state.overlay, peixun::tui::app::Overlay::Form(_)));
    state
}

fn form_value(state: &peixun::tui::app::State, name: &str) -> String {
    let peixun::tui::app::Overlay::Form(form) = &state.overlay else {
        panic!("no form");
    };
    form.field(name)
        .map(|f| f.value().to_string())
        .unwrap_or_default()
}

#[test]
fn the_enrol_form_offers_known_people_by_name_or_phone_tail() {
    let (_dir, store) = county_store();
    let mut state = enrol_form(&store);
    typed(&store, &mut state, "zs");
    let text = screen_text(&state, 80, 24);
    assert!(text.contains("张三  138****1234"), "{text}");
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(form_value(&state, "name"), "张三");
    assert_eq!(form_value(&state, "phone"), "13800001234");
    assert_eq!(form_value(&state, "position"), "知识产权专员");
    assert_eq!(
        form_value(&state, "enterprise"),
        "鄂州市华宇光电科技有限公司"
    );
    let before = store.people().expect("people").len();
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(effect, Some(peixun::tui::Effect::Enrol { .. })));
    let detail = state.sessions.detail.as_ref().expect("detail");
    assert_eq!(detail.people.len(), 1);
    assert_eq!(detail.people[0].name, "张三");
    assert_eq!(
        store.people().expect("people").len(),
        before,
        "no new person"
    );

    // By the phone's last digits too.
    press(&store, &mut state, KeyCode::Char('a'));
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "5678");
    let text = screen_text(&state, 80, 24);
    assert!(text.contains("李四  139****5678"), "{text}");
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(form_value(&state, "phone"), "13900005678");
}

#[test]
fn the_enrol_form_offers_known_enterprises_by_part_of_the_name() {
    let (_dir, store) = county_store();
    let mut state = enrol_form(&store);
    typed(&store, &mut state, "赵六");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "13800009999");
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "华宇");
    let text = screen_text(&state, 80, 24);
    assert!(text.contains("鄂州市华宇光电科技有限公司"), "{text}");
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(
        form_value(&state, "enterprise"),
        "鄂州市华宇光电科技有限公司"
    );
    press(&store, &mut state, KeyCode::Enter);
    let detail = state.sessions.detail.as_ref().expect("detail");
    assert_eq!(detail.people[0].enterprise, "鄂州市华宇光电科技有限公司");
    assert_eq!(
        store.enterprises().expect("enterprises").len(),
        1,
        "no new enterprise"
    );
}

#[test]
fn an_edit_keeps_the_sessions_filter_and_selects_the_edited_row() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('/'));
    typed(&store, &mut state, "大培训");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.sessions.visible().len(), 2);
    // The second row the filter shows, opened and its venue edited.
    press(&store, &mut state, KeyCode::Down);
    let id = state
        .sessions
        .selected_row()
        .expect("row")
        .session
        .id
        .clone();
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Char('e'));
    for _ in 0..4 {
        press(&store, &mut state, KeyCode::Down);
    }
    typed(&store, &mut state, "二楼");
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(effect, Some(Effect::SaveSession { .. })));
    press(&store, &mut state, KeyCode::Esc);
    assert!(state.sessions.detail.is_none());
    assert_eq!(state.sessions.filter.input.value(), "大培训");
    assert_eq!(state.sessions.visible().len(), 2);
    let row = state.sessions.selected_row().expect("selected");
    assert_eq!(row.session.id, id);
    assert!(row.session.venue.ends_with("二楼"), "{}", row.session.venue);
    assert!(screen_text(&state, 80, 24).contains("大培训"));
}

#[test]
fn a_new_session_the_filter_hides_clears_the_filter_to_be_shown() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('/'));
    typed(&store, &mut state, "大培训");
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "专利导航实务");
    for _ in 0..4 {
        press(&store, &mut state, KeyCode::Down);
    }
    typed(&store, &mut state, "区图书馆");
    press(&store, &mut state, KeyCode::Enter);
    assert!(!state.sessions.filter.is_active());
    let row = state.sessions.selected_row().expect("selected");
    assert_eq!(row.session.title, "专利导航实务");
}

#[test]
fn the_half_of_a_wide_character_the_forms_border_cuts_is_blanked_on_screen() {
    let (_dir, store) = county_store();
    // The audience fills its lines: a character spans the columns the right border takes.
    let mut wide = session(
        &store,
        SessionKind::Offline,
        "专利导航实务",
        "2023-03-01",
        "报告厅",
    );
    wide.audience = "企业高管代表".repeat(20);
    store
        .commit(vec![Payload::SessionUpserted(wide)])
        .expect("commit");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    state.sessions.selected = 0;
    press(&store, &mut state, KeyCode::Enter);
    let before = draw(&state, 80, 24).backend().buffer().clone();
    press(&store, &mut state, KeyCode::Char('e'));
    let after = draw(&state, 80, 24).backend().buffer().clone();
    let (x, top) = find(&after, "┐").expect("the form's top-right corner");
    let (_, bottom) = find(&after, "┘").expect("the form's bottom-right corner");
    let sent: Vec<(u16, u16)> = before
        .diff(&after)
        .into_iter()
        .map(|(x, y, _)| (x, y))
        .collect();
    let cut: Vec<u16> = (top..=bottom)
        .filter(|&y| unicode_width::UnicodeWidthStr::width(before[(x, y)].symbol()) == 2)
        .collect();
    assert!(!cut.is_empty(), "no wide character under the border");
    // The border overwrites the character's first half; its second half is sent blank, not
    // left to the terminal.
    for y in cut {
        assert!(
            sent.contains(&(x + 1, y)),
            "row {y}: the half beside the border stays"
        );
    }
}
