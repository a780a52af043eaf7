//! The door of a county that hosts a joint session its city made: the picker offers the
//! sessions this county runs (its own and the joint ones naming it), never a neighbour's, and
//! the door shows the whole session's counts as the city last sent them.

use crossterm::event::KeyCode;
use peixun::demo::ChainWriter;
use peixun::domain::{Session, SessionKind};
use peixun::log::device::tagged;
use peixun::log::{Payload, SessionTally};
use peixun::store::Store;
use peixun::tui::app::Overlay;
use peixun::tui::Theme;
use tempfile::TempDir;

use super::fixtures::*;

fn city_session(id: &str, title: &str, host: &str, cohost: Option<&str>) -> Session {
    Session {
        id: id.into(),
        office: EZHOU_CITY.into(),
        kind: SessionKind::Offline,
        title: title.into(),
        units: vec![host.into()],
        host: host.into(),
        cohost: cohost.map(str::to_string),
        date: day("2023-03-10"),
        start: time(9, 0),
        end: time(11, 30),
        venue: "鄂州市民中心".into(),
        courses: vec![],
        audience: String::new(),
        capacity: 150,
    }
}

/// 鄂城区 holding, as its city's view brings them, a joint session it hosts with its tally and
/// 华容区's own session.
fn county_with_city_sessions() -> (TempDir, Store) {
    let dir = TempDir::new().expect("temp dir");
    let store = Store::create(dir.path(), ECHENG, "测试员").expect("create store");
    let mut city = ChainWriter::new(EZHOU_CITY, tagged(EZHOU_CITY, 9), "市局");
    let joint = city_session(
        "S-420700-j1",
        "鄂州市第一场（鄂城区局承办，临空分局协办）",
        ECHENG,
        Some("420700-linkong"),
    );
    let theirs = city_session("S-420700-h1", "华容区第1期", "420703", None);
    let ops = vec![
        city.push(Payload::SessionUpserted(joint)).expect("op"),
        city.push(Payload::SessionUpserted(theirs)).expect("op"),
        city.push(Payload::SessionTallied {
            session: "S-420700-j1".into(),
            tally: SessionTally {
                enrolled: 118,
                present: 97,
                by_unit: vec![],
            },
        })
        .expect("op"),
    ];
    store.import_foreign_chain(ops).expect("the city's chain");
    (dir, store)
}

#[test]
fn the_host_runs_the_joint_door_and_sees_the_whole_session() {
    let (_dir, store) = county_with_city_sessions();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('4'));
    let door = state.checkin.door.as_ref().expect("the door opened");
    assert_eq!(door.session.id, "S-420700-j1", "its own door, not 华容区's");
    assert_eq!(door.whole, Some((97, 118, "鄂州市".to_string())));
    let screen = draw(&state, 80, 24);
    assert!(find(screen.backend().buffer(), "全场 97/118（鄂州市汇总）").is_some());
    press(&store, &mut state, KeyCode::F(3));
    assert!(matches!(state.overlay, Overlay::Picker { .. }));
    let screen = draw(&state, 80, 24);
    assert!(find(screen.backend().buffer(), "鄂州市第一场").is_some());
    assert!(find(screen.backend().buffer(), "华容区第1期").is_none());
}

/// A city holding only a county's own session opens no door on it: what it typed there would
/// be refused, as that list is the county's. The tab says whose doors it runs.
#[test]
fn a_city_opens_no_door_on_a_countys_own_session() {
    let (_dir, store) = city_store();
    let mut county = ChainWriter::new(ECHENG, tagged(ECHENG, 3), "区局");
    let mut theirs = city_session("S-420704-c1", "鄂城区第1期", ECHENG, None);
    theirs.office = ECHENG.into();
    let op = county.push(Payload::SessionUpserted(theirs)).expect("op");
    store
        .import_foreign_chain(vec![op])
        .expect("the county's chain");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("名单在鄂城区") && !screen.contains("按 a 报名"),
        "the detail says whose list it is: {screen}"
    );
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('4'));
    assert!(state.checkin.door.is_none(), "no door on 鄂城区's session");
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("还没有本单位签到的场次"), "{screen}");

    // Nor does the import offer to enrol the sheet's people in it.
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('2'));
    press(&store, &mut state, KeyCode::Char('5'));
    press(&store, &mut state, KeyCode::Char('i'));
    assert!(matches!(state.overlay, Overlay::Form(_)));
    for _ in 0..3 {
        press(&store, &mut state, KeyCode::Tab);
    }
    press(&store, &mut state, KeyCode::Right);
    let screen = screen_text(&state, 80, 24);
    let enrol_in = screen
        .lines()
        .find(|l| l.contains("同时报名"))
        .unwrap_or_default();
    assert!(enrol_in.contains("不报名"), "the only choice: {screen}");
}
