//! The terminal interface without a terminal: keys through the keymap into `update`, effects run
//! against a real store in a temp dir, and snapshots of every tab drawn on ratatui's TestBackend.

#[path = "tui/fixtures.rs"]
pub(crate) mod fixtures;

#[path = "tui/asks.rs"]
mod asks;

#[path = "tui/door.rs"]
mod door;

#[path = "tui/elsewhere.rs"]
mod elsewhere;

#[path = "tui/checkin.rs"]
mod checkin;
#[path = "tui/walk_in.rs"]
mod walk_in;

#[path = "tui/door_asks.rs"]
mod door_asks;

#[path = "tui/papers_session.rs"]
mod papers_session;

#[path = "tui/door_learns.rs"]
mod door_learns;

#[path = "tui/joint.rs"]
mod joint;

#[path = "tui/outreach_repeated.rs"]
mod outreach_repeated;
#[path = "tui/polish.rs"]
mod polish;
#[path = "tui/polish_sessions.rs"]
mod polish_sessions;
#[path = "tui/snapshots.rs"]
mod snapshots;

#[path = "tui/reports.rs"]
mod reports;
#[path = "tui/reports_chain.rs"]
mod reports_chain;
#[path = "tui/reports_screen.rs"]
mod reports_screen;

#[path = "tui/notice.rs"]
mod notice;

#[path = "tui/outreach.rs"]
mod outreach;

#[path = "tui/teachers.rs"]
mod teachers;

#[path = "tui/plan.rs"]
mod plan;
#[path = "tui/plan_edit.rs"]
mod plan_edit;

#[path = "tui/paper.rs"]
mod paper;
#[path = "tui/sync.rs"]
mod sync;

#[path = "tui/sync_fixtures.rs"]
pub(crate) mod sync_fixtures;

#[path = "tui/trust.rs"]
mod trust;

#[path = "tui/contact.rs"]
mod contact;

#[path = "tui/wrapping.rs"]
mod wrapping;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use fixtures::*;
use peixun::domain::{MarkStatus, SessionKind};
use peixun::tui::app::{Overlay, State, Tab};
use peixun::tui::{Action, Effect, Focus, Keymap, Theme};

// ---------------------------------------------------------------------------------------------
// Keys, actions, update
// ---------------------------------------------------------------------------------------------

#[test]
fn digits_and_tab_switch_tabs() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    assert_eq!(state.tab, Tab::Calendar);
    press(&store, &mut state, KeyCode::Char('2'));
    assert_eq!(state.tab, Tab::Sessions);
    press(&store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Checklist);
    press(&store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Checkin);
    press(&store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Reports);
    press(&store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Cert);
    press(&store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Sync);
    press(&store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Outreach);
    press(&store, &mut state, KeyCode::Tab);
    assert_eq!(state.tab, Tab::Calendar);
    press(&store, &mut state, KeyCode::BackTab);
    assert_eq!(state.tab, Tab::Outreach);
    press(&store, &mut state, KeyCode::BackTab);
    assert_eq!(state.tab, Tab::Sync);
    press(&store, &mut state, KeyCode::BackTab);
    assert_eq!(state.tab, Tab::Cert);
    press(&store, &mut state, KeyCode::BackTab);
    assert_eq!(state.tab, Tab::Reports);
    press(&store, &mut state, KeyCode::BackTab);
    assert_eq!(state.tab, Tab::Checkin);
    press(&store, &mut state, KeyCode::BackTab);
    assert_eq!(state.tab, Tab::Checklist);
    press(&store, &mut state, KeyCode::Char('1'));
    assert_eq!(state.tab, Tab::Calendar);
    press(&store, &mut state, KeyCode::Char('q'));
    assert!(state.quit);
}

#[test]
fn help_overlay_opens_and_closes() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('?'));
    assert_eq!(state.overlay, Overlay::Help { scroll: 0 });
    // Tab keys do nothing under the overlay.
    press(&store, &mut state, KeyCode::Char('2'));
    assert_eq!(state.tab, Tab::Calendar);
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.overlay, Overlay::None);
}

#[test]
fn help_scrolls_to_its_last_line_and_up_moves_at_once() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('?'));
    let top = draw(&state, 80, 24).backend().buffer().clone();
    for _ in 0..100 {
        press(&store, &mut state, KeyCode::Down);
    }
    let Overlay::Help { scroll: bottom } = state.overlay else {
        panic!("help closed");
    };
    assert!(bottom > 0 && bottom < 100);
    let at_bottom = draw(&state, 80, 24).backend().buffer().clone();
    assert_ne!(top, at_bottom);
    assert!(
        find(&at_bottom, "签到页").is_some(),
        "the last note is in view"
    );
    // One Up is one line up on screen, straight away.
    press(&store, &mut state, KeyCode::Up);
    assert_eq!(state.overlay, Overlay::Help { scroll: bottom - 1 });
    assert_ne!(draw(&state, 80, 24).backend().buffer(), &at_bottom);
    // A taller terminal needs less scrolling: clamped again on resize.
    state.resize(120, 60);
    assert_eq!(state.overlay, Overlay::Help { scroll: 0 });
}

#[test]
fn calendar_moves_by_day_week_and_month_and_opens_a_day() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('l'));
    assert_eq!(state.calendar.selected, day("2023-03-11"));
    press(&store, &mut state, KeyCode::Down);
    assert_eq!(state.calendar.selected, day("2023-03-18"));
    press(&store, &mut state, KeyCode::PageDown);
    assert_eq!(state.calendar.selected, day("2023-04-18"));
    press(&store, &mut state, KeyCode::Char('t'));
    assert_eq!(state.calendar.selected, today());

    // A day without sessions says so and stays.
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.tab, Tab::Calendar);
    assert!(state.status.as_ref().is_some_and(|s| !s.error));

    // 3/15 has a session: Enter selects it in the sessions list.
    for _ in 0..5 {
        press(&store, &mut state, KeyCode::Right);
    }
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.tab, Tab::Sessions);
    let row = state.sessions.selected_row().expect("selected session");
    assert_eq!(row.session.date, day("2023-03-15"));
}

#[test]
fn the_filter_narrows_the_list_and_sees_raw_keys() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    assert_eq!(state.sessions.visible().len(), 3);
    press(&store, &mut state, KeyCode::Char('/'));
    assert!(state.text_focus());
    // "q" and digits are typed, not quit or tab switches.
    typed(&store, &mut state, "线上q");
    assert!(!state.quit);
    assert_eq!(state.sessions.visible().len(), 0);
    press(&store, &mut state, KeyCode::Backspace);
    assert_eq!(state.sessions.visible().len(), 1);
    press(&store, &mut state, KeyCode::Enter);
    assert!(!state.text_focus());
    assert_eq!(state.sessions.visible().len(), 1);
    // Esc clears a kept filter.
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.sessions.visible().len(), 3);
}

#[test]
fn the_enrolment_list_filters_too() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(effect, Some(Effect::OpenSession(_))));
    let detail = state.sessions.detail.as_ref().expect("detail open");
    assert_eq!(detail.people.len(), 3);
    press(&store, &mut state, KeyCode::Char('/'));
    typed(&store, &mut state, "5678");
    let detail = state.sessions.detail.as_ref().expect("detail open");
    let visible: Vec<&str> = detail
        .visible()
        .iter()
        .map(|&i| detail.people[i].name.as_str())
        .collect();
    assert_eq!(visible, ["李四"]);
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Esc);
    assert!(state.sessions.detail.is_none());
}

#[test]
fn a_bad_session_form_stays_open_and_writes_nothing() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    assert!(matches!(state.overlay, Overlay::Form(_)));
    // Title is empty; the date is nonsense.
    press(&store, &mut state, KeyCode::Tab);
    for _ in 0..12 {
        press(&store, &mut state, KeyCode::Backspace);
    }
    typed(&store, &mut state, "2023-13-45");
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert_eq!(effect, None);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on bad input");
    };
    assert!(form.field("title").and_then(|f| f.error.as_ref()).is_some());
    assert!(form.field("date").and_then(|f| f.error.as_ref()).is_some());
    assert!(form.field("venue").and_then(|f| f.error.as_ref()).is_some());
    assert!(form.field("start").and_then(|f| f.error.as_ref()).is_none());
    assert_eq!(form.focus, 1, "focus moves to the first bad field");
    assert_eq!(op_count(&store), before);
    assert_eq!(store.sessions().expect("sessions").len(), 3);
    // Esc asks first (something was typed); Enter then drops the form, still without writing.
    press(&store, &mut state, KeyCode::Esc);
    assert!(matches!(state.overlay, Overlay::Discard { .. }));
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(op_count(&store), before);
}

#[test]
fn ctrl_c_in_a_form_with_typed_text_asks_before_quitting() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "专利");
    ctrl(&store, &mut state, 'c');
    assert!(!state.quit, "typed text is not dropped by one key");
    assert!(matches!(
        state.overlay,
        Overlay::Discard {
            then_quit: true,
            ..
        }
    ));
    let terminal = draw(&state, 80, 24);
    assert!(find(terminal.backend().buffer(), "放弃已输入的内容并退出").is_some());
    // Esc goes back to the form with the text still there.
    press(&store, &mut state, KeyCode::Esc);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form is back");
    };
    assert_eq!(form.field("title").map(|f| f.value()), Some("专利"));
    ctrl(&store, &mut state, 'c');
    press(&store, &mut state, KeyCode::Enter);
    assert!(state.quit);
    // An untouched form quits at once.
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    ctrl(&store, &mut state, 'c');
    assert!(state.quit);
}

#[test]
fn a_good_session_form_commits_and_selects_the_new_session() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('a'));
    // Kind is a choice: → makes it online.
    press(&store, &mut state, KeyCode::Up);
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Down);
    typed(&store, &mut state, "专利质押融资政策解读");
    for _ in 0..4 {
        press(&store, &mut state, KeyCode::Down);
    }
    typed(&store, &mut state, "区图书馆报告厅");
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(effect, Some(Effect::SaveSession { .. })));
    assert_eq!(state.overlay, Overlay::None);
    let status = state.status.clone().expect("status");
    assert!(!status.error, "{}", status.text);
    assert!(status.text.contains("专利质押融资政策解读"));
    let saved = store
        .sessions()
        .expect("sessions")
        .into_iter()
        .find(|s| s.title == "专利质押融资政策解读")
        .expect("saved");
    assert_eq!(saved.kind, SessionKind::Online);
    assert_eq!(saved.date, today());
    assert_eq!(saved.venue, "区图书馆报告厅");
    let selected = state.sessions.selected_row().expect("selected");
    assert_eq!(selected.session.id, saved.id);
}

#[test]
fn enrolling_validates_the_phone_then_commits() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "赵六");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "1380000");
    let before = op_count(&store);
    assert_eq!(press(&store, &mut state, KeyCode::Enter), None);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on a bad phone");
    };
    assert!(form.field("phone").and_then(|f| f.error.as_ref()).is_some());
    assert_eq!(op_count(&store), before);

    typed(&store, &mut state, "9999");
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "鄂州新材料有限公司");
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(effect, Some(Effect::Enrol { .. })));
    assert_eq!(state.overlay, Overlay::None);
    let detail = state.sessions.detail.as_ref().expect("detail");
    let row = detail
        .people
        .iter()
        .find(|p| p.name == "赵六")
        .expect("enrolled row");
    assert_eq!(row.phone, "13800009999");
    assert_eq!(row.enterprise, "鄂州新材料有限公司");
    assert!(
        peixun::store::lists::is_enrolled(&store, &detail.row.session.id, &row.person)
            .expect("read")
    );
    // The participant code printed on the sign-in sheet is this person's own.
    let person = store.person(&row.person).expect("read").expect("person");
    assert_eq!(
        person.code,
        peixun::domain::code::participant_code(&person.id)
    );
    assert!(state
        .status
        .as_ref()
        .is_some_and(|s| s.text.contains("赵六")));
}

#[test]
fn removing_asks_first() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Char('x'));
    assert!(matches!(state.overlay, Overlay::Confirm(_)));
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(op_count(&store), before);

    let name = state
        .sessions
        .detail
        .as_ref()
        .and_then(|d| d.selected_person())
        .map(|p| p.name.clone())
        .expect("a selected person");
    press(&store, &mut state, KeyCode::Char('x'));
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(effect, Some(Effect::Unenrol { .. })));
    let detail = state.sessions.detail.as_ref().expect("detail");
    assert_eq!(detail.people.len(), 2);
    assert!(detail.people.iter().all(|p| p.name != name));
}

#[test]
fn marking_an_item_commits_and_reports() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let plan = state
        .checklist
        .open_unit()
        .and_then(|u| u.rows.iter().position(|r| r.item == "county.plan"))
        .expect("plan item");
    state.checklist.item = plan;
    // d asks for an optional note; Enter marks.
    assert_eq!(press(&store, &mut state, KeyCode::Char('d')), None);
    assert!(matches!(state.overlay, Overlay::Form(_)));
    let effect = press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(
        effect,
        Some(Effect::Mark {
            status: MarkStatus::Done,
            ..
        })
    ));
    let marks = peixun::store::checklist::marks(&store, ECHENG).expect("marks");
    assert_eq!(
        marks.get("county.plan").map(|m| m.status),
        Some(MarkStatus::Done)
    );
    assert!(state.status.as_ref().is_some_and(|s| !s.error));
    let row = state.checklist.selected_item().expect("row");
    assert_eq!(row.item, "county.plan");
    assert!(!row.status.is_open());
    // Marking it done again writes nothing.
    let before = op_count(&store);
    assert_eq!(press(&store, &mut state, KeyCode::Char('d')), None);
    assert_eq!(op_count(&store), before);
}

#[test]
fn attaching_hashes_the_file_and_a_missing_file_keeps_the_form() {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    state.checklist.item = 0;
    let item = state.checklist.selected_item().expect("item").item.clone();
    press(&store, &mut state, KeyCode::Char('f'));
    assert!(matches!(state.overlay, Overlay::Form(_)));
    let before = op_count(&store);
    typed(&store, &mut state, "/no/such/签到表.xlsx");
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on a missing file");
    };
    assert!(form.field("path").and_then(|f| f.error.as_ref()).is_some());
    assert_eq!(op_count(&store), before);

    let file = dir.path().join("签到表.csv");
    std::fs::write(&file, "姓名,手机\n张三,13800001234\n").expect("write file");
    for _ in 0.."/no/such/签到表.xlsx".chars().count() {
        press(&store, &mut state, KeyCode::Backspace);
    }
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let evidence = peixun::store::checklist::evidence(&store, ECHENG).expect("evidence");
    let attached = evidence
        .get(&item)
        .and_then(|list| list.iter().find(|e| e.file_name == "签到表.csv"))
        .expect("attached");
    let bytes = std::fs::read(&file).expect("read file");
    assert_eq!(attached.size, bytes.len() as u64);
    assert_eq!(attached.blake3, blake3::hash(&bytes).to_hex().to_string());
}

#[test]
fn a_city_sees_a_grid_and_drills_into_a_unit_it_cannot_mark() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('3'));
    let c = &state.checklist;
    assert!(c.grid);
    assert_eq!(c.open, None);
    let names: Vec<&str> = c.units.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names[0], "鄂州市");
    assert!(names.contains(&"鄂城区") && names.contains(&"葛店开发区"));
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    assert!(state.checklist.open.is_some());
    let before = op_count(&store);
    assert_eq!(press(&store, &mut state, KeyCode::Char('d')), None);
    assert!(state.status.as_ref().is_some_and(|s| s.error));
    assert_eq!(op_count(&store), before);
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.checklist.open, None);
}

#[test]
fn keymap_rejects_duplicates_and_bad_names_and_takes_overrides() {
    let defaults = include_str!("../assets/keymap.toml");
    let path = std::path::Path::new("/home/u/.config/peixun/keymap.toml");
    let error =
        Keymap::parse(defaults, Some((path, "help = [\"q\"]\n"))).expect_err("q is quit's key");
    let message = error.to_string();
    assert!(
        message.contains("q") && message.contains("quit") && message.contains("help"),
        "{message}"
    );
    let error =
        Keymap::parse(defaults, Some((path, "help = [\"hyper-x\"]\n"))).expect_err("bad key");
    assert!(error.to_string().contains("hyper-x"));
    let error = Keymap::parse(defaults, Some((path, "jump = [\"J\"]\n"))).expect_err("bad action");
    assert!(error.to_string().contains("jump"));

    let keymap =
        Keymap::parse(defaults, Some((path, "quit = [\"Q\", \"ctrl-c\"]\n"))).expect("override");
    assert_eq!(
        keymap.resolve(key(KeyCode::Char('Q')), Focus::Keys),
        Some(Action::Quit)
    );
    assert_eq!(keymap.resolve(key(KeyCode::Char('q')), Focus::Keys), None);
    // Shift is part of the character, however the terminal reports it.
    let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(keymap.resolve(shifted, Focus::Keys), Some(Action::Bottom));
}

#[test]
fn every_action_has_a_key_and_strings_in_both_languages() {
    let keymap = Keymap::built_in().expect("built-in keymap");
    for action in Action::ALL {
        assert!(
            !keymap.keys(*action).is_empty(),
            "{} has no key",
            action.name()
        );
        for lang in [peixun::i18n::Lang::Zh, peixun::i18n::Lang::En] {
            let key = format!("tui.action.{}", action.name());
            assert_ne!(peixun::i18n::t_in(lang, &key), key);
            let key = format!("tui.short.{}", action.name());
            assert_ne!(peixun::i18n::t_in(lang, &key), key);
        }
    }
}

/// The tabs drawn at 80x24 and 120x40 as snapshots, named from this module wherever called.
fn snapshot_sizes(name: &str, state: &State) {
    for (w, h) in [(80, 24), (120, 40)] {
        let terminal = draw(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}
