//! A door for tests/tui.rs: a county office with today's session and a few people whose
//! pinyin initials collide (zs), one more on another session's list, and one checked in
//! already.

use std::collections::HashMap;

use peixun::domain::{Enterprise, Person, SessionKind};
use peixun::log::Payload;
use peixun::store::Store;
use tempfile::TempDir;

use crossterm::event::KeyCode;
use peixun::tui::app::{Clock, State, Tab};
use peixun::tui::Theme;

use super::fixtures::{day, load, press, session, time, ECHENG};

pub struct DoorStore {
    pub _dir: TempDir,
    pub store: Store,
    /// Today's session (2023-03-10, 09:00) and another one later.
    pub today: String,
    pub other: String,
    /// Person ids by name.
    pub people: HashMap<&'static str, String>,
}

impl DoorStore {
    pub fn id(&self, name: &str) -> String {
        self.people.get(name).cloned().expect("person in fixture")
    }
}

/// Today's list: 张三, 赵四, 周山, 邹浩山, 李四 (checked in at 08:48), 钱七 (whose participant
/// code is the tail of 张三's phone). 张珊 is on the later session only.
pub fn door_store() -> DoorStore {
    let dir = TempDir::new().expect("temp dir");
    let store = Store::create(dir.path(), ECHENG, "测试员").expect("create store");
    let mut first = session(
        &store,
        SessionKind::Offline,
        "知识产权风险防范专题培训班",
        "2023-03-10",
        "鄂城区政务中心三楼",
    );
    first.capacity = 120;
    let second = session(
        &store,
        SessionKind::Offline,
        "专利导航专题培训班",
        "2023-03-22",
        "鄂州市民中心",
    );
    let enterprise = Enterprise {
        id: store.new_id('E').expect("id"),
        office: ECHENG.into(),
        name: "鄂州市华宇光电科技有限公司".into(),
        credit_code: None,
        categories: Default::default(),
        unit: ECHENG.into(),
    };
    let mut payloads = vec![
        Payload::SessionUpserted(first.clone()),
        Payload::SessionUpserted(second.clone()),
        Payload::EnterpriseUpserted(enterprise.clone()),
    ];
    let mut people = HashMap::new();
    let list: [(&str, &str, &str, &str); 7] = [
        ("张三", "13800001234", "知识产权专员", "today"),
        ("赵四", "13900005678", "总经理", "today"),
        ("周山", "13700002468", "研发部长", "today"),
        ("邹浩山", "13600001357", "法务", "today"),
        ("李四", "13500009999", "办公室主任", "today"),
        ("钱七", "13300004321", "专员", "today"),
        ("张珊", "13200007777", "财务", "other"),
    ];
    for (name, phone, position, on) in list {
        let id = store.new_id('P').expect("id");
        let code = if name == "钱七" {
            // As if printed on an old sheet: digits only, the same as another's phone tail.
            "1234".to_string()
        } else {
            peixun::domain::code::participant_code(&id)
        };
        let person = Person {
            code,
            id: id.clone(),
            office: ECHENG.into(),
            name: name.into(),
            phone: phone.into(),
            position: position.into(),
            enterprise: Some(enterprise.id.clone()),
        };
        payloads.push(Payload::PersonUpserted(person));
        let target = if on == "today" { &first } else { &second };
        payloads.push(Payload::EnrolmentSet {
            session: target.id.clone(),
            person: id.clone(),
            enrolled: true,
        });
        if name == "李四" {
            payloads.push(Payload::CheckedIn {
                session: first.id.clone(),
                person: id.clone(),
                at: day("2023-03-10").and_time(time(8, 48)),
            });
        }
        people.insert(name, id);
    }
    store.commit(payloads).expect("commit");
    DoorStore {
        _dir: dir,
        store,
        today: first.id,
        other: second.id,
        people,
    }
}

/// The door open on a session with a venue too long to share a line with the late note; the
/// time after which arrivals count as late, as the door shows it.
pub fn door_with_a_long_venue(d: &DoorStore) -> (peixun::tui::app::State, String) {
    use super::fixtures::{load, press};
    let mut state = load(&d.store, peixun::tui::Theme::coloured());
    press(&d.store, &mut state, crossterm::event::KeyCode::Char('4'));
    let grace = i64::from(state.checkin.grace);
    let door = state.checkin.door.as_mut().expect("door open");
    door.session.venue = LONG_VENUE.into();
    let late = (door.session.start + chrono::Duration::minutes(grace))
        .format("%H:%M")
        .to_string();
    (state, late)
}

pub const LONG_VENUE: &str = "鄂州市葛店经济技术开发区创业服务中心三楼第一报告厅";

/// The door open on today's session with the clock at `h:m`.
pub fn at_door(d: &DoorStore, h: u32, m: u32) -> State {
    let mut state = load(&d.store, Theme::coloured());
    state.clock = Clock::Fixed(time(h, m));
    let effect = press(&d.store, &mut state, KeyCode::Tab);
    assert_eq!(effect, None);
    for _ in 0..2 {
        press(&d.store, &mut state, KeyCode::Tab);
    }
    assert_eq!(state.tab, Tab::Checkin);
    state
}

/// The names the door lists, each with whether they are on this session's list.
pub fn names(state: &State) -> Vec<(String, bool)> {
    state
        .checkin
        .results
        .iter()
        .map(|f| (f.candidate.name.clone(), f.in_session))
        .collect()
}

/// How many are checked in, of how many enrolled.
pub fn present(state: &State) -> (u32, u32) {
    let door = state.checkin.door.as_ref().expect("door open");
    (door.present, door.enrolled)
}
