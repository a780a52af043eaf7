//! Fixtures for tests/tui.rs: small stores built with `Store::create` + `commit`, key presses
//! through the real keymap, and drawing on ratatui's TestBackend.

use chrono::{NaiveDate, NaiveTime};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use tempfile::TempDir;

use peixun::domain::{
    Enterprise, Evidence, MarkStatus, Person, Session, SessionCourse, SessionKind,
};
use peixun::log::Payload;
use peixun::store::Store;
use peixun::tui::app::State;
use peixun::tui::{data, drive, view, AppEvent, Effect, Keymap, Theme};

pub const EZHOU_CITY: &str = "420700";
pub const ECHENG: &str = "420704";

pub fn today() -> NaiveDate {
    day("2023-03-10")
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

pub fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("test time")
}

pub fn session(store: &Store, kind: SessionKind, title: &str, date: &str, venue: &str) -> Session {
    Session {
        id: store.new_id('S').expect("id"),
        office: store.office().to_string(),
        kind,
        title: title.to_string(),
        units: vec![store.office().to_string()],
        host: store.office().to_string(),
        cohost: None,
        date: day(date),
        start: time(9, 0),
        end: time(11, 30),
        venue: venue.to_string(),
        courses: vec![
            SessionCourse {
                course: "K".into(),
                lecturer: "省局领导".into(),
            },
            SessionCourse {
                course: "3".into(),
                lecturer: "李老师".into(),
            },
        ],
        audience: "企业高管、代表".to_string(),
        capacity: 60,
    }
}

/// 鄂城区局 with three sessions, three people enrolled in the first (one checked in), one
/// checklist item done with evidence.
pub fn county_store() -> (TempDir, Store) {
    let dir = TempDir::new().expect("temp dir");
    let store = Store::create(dir.path(), ECHENG, "测试员").expect("create store");
    let first = session(
        &store,
        SessionKind::Offline,
        "知识产权强国新法政策解读专题培训班",
        "2023-03-15",
        "鄂城区政务中心三楼",
    );
    let second = session(
        &store,
        SessionKind::Online,
        "线上大培训动员会",
        "2023-03-22",
        "腾讯会议",
    );
    let third = session(
        &store,
        SessionKind::Offline,
        "2023年全省“百县万企”知识产权大培训鄂城区、临空经济区第一场：企业知识产权风险防范与控制策略",
        "2023-04-23",
        "鄂州市民中心报告厅",
    );
    let mut payloads = vec![
        Payload::SessionUpserted(first.clone()),
        Payload::SessionUpserted(second),
        Payload::SessionUpserted(third),
    ];
    let enterprise = Enterprise {
        id: store.new_id('E').expect("id"),
        office: ECHENG.into(),
        name: "鄂州市华宇光电科技有限公司".into(),
        credit_code: None,
        categories: Default::default(),
        unit: ECHENG.into(),
    };
    payloads.push(Payload::EnterpriseUpserted(enterprise.clone()));
    for (name, phone, position) in [
        ("张三", "13800001234", "知识产权专员"),
        ("李四", "13900005678", "总经理"),
        ("欧阳晓明", "027-86759057", "研发部长"),
    ] {
        let id = store.new_id('P').expect("id");
        let person = Person {
            code: peixun::domain::code::participant_code(&id),
            id,
            office: ECHENG.into(),
            name: name.into(),
            phone: phone.into(),
            position: position.into(),
            enterprise: Some(enterprise.id.clone()),
        };
        payloads.push(Payload::EnrolmentSet {
            session: first.id.clone(),
            person: person.id.clone(),
            enrolled: true,
        });
        if name == "张三" {
            payloads.push(Payload::CheckedIn {
                session: first.id.clone(),
                person: person.id.clone(),
                at: day("2023-03-15").and_time(time(8, 52)),
            });
        }
        payloads.insert(0, Payload::PersonUpserted(person));
    }
    payloads.push(Payload::ChecklistMarked {
        unit: ECHENG.into(),
        item: "county.contact".into(),
        status: MarkStatus::Done,
        note: "联系人：王科长".into(),
    });
    payloads.push(Payload::EvidenceAttached {
        unit: ECHENG.into(),
        item: "county.contact".into(),
        evidence: Evidence {
            file_name: "联系人报送表.pdf".into(),
            size: 48_213,
            blake3: "5f1c0a9d3e7b2c4a6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90123456789ab".into(),
            note: String::new(),
            added: day("2023-02-20").and_time(time(10, 0)),
        },
    });
    store.commit(payloads).expect("commit");
    (dir, store)
}

pub fn city_store() -> (TempDir, Store) {
    let dir = TempDir::new().expect("temp dir");
    let store = Store::create(dir.path(), EZHOU_CITY, "测试员").expect("create store");
    store
        .commit(vec![Payload::ChecklistMarked {
            unit: EZHOU_CITY.into(),
            item: "city.plan_summary".into(),
            status: MarkStatus::Done,
            note: String::new(),
        }])
        .expect("commit");
    (dir, store)
}

pub fn load(store: &Store, theme: Theme) -> State {
    let keymap = Keymap::built_in().expect("built-in keymap");
    data::load(store, today(), keymap, theme).expect("load state")
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Presses a key through the app's own `step` and effect runner; the work the app gives a worker
/// (a report, an import, the office index) runs in place. Returns the effect the key asked for.
pub fn press(store: &Store, state: &mut State, code: KeyCode) -> Option<Effect> {
    press_event(store, state, key(code))
}

pub fn press_event(store: &Store, state: &mut State, event: KeyEvent) -> Option<Effect> {
    drive(store, state, AppEvent::Key(event)).into_iter().next()
}

pub fn ctrl(store: &Store, state: &mut State, c: char) -> Option<Effect> {
    press_event(
        store,
        state,
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
    )
}

pub fn typed(store: &Store, state: &mut State, text: &str) {
    for c in text.chars() {
        press(store, state, KeyCode::Char(c));
    }
}

pub fn draw(state: &State, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| view::render(frame, state))
        .expect("draw");
    terminal
}

/// Where `text` first starts on screen; wide characters take two cells, the second one blank.
pub fn find(buffer: &Buffer, text: &str) -> Option<(u16, u16)> {
    find_from(buffer, 0, text)
}

/// As `find`, from row `top` down.
pub fn find_from(buffer: &Buffer, top: u16, text: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    for y in top..area.height {
        let mut row = String::new();
        let mut columns = Vec::new();
        let mut hidden = 0;
        for x in 0..area.width {
            // The cell after a wide character holds a placeholder, not text.
            if hidden > 0 {
                hidden -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            hidden = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            for c in symbol.chars() {
                row.push(c);
                columns.push(x);
            }
        }
        if let Some(byte) = row.find(text) {
            let index = row[..byte].chars().count();
            return Some((columns[index], y));
        }
    }
    None
}

pub fn op_count(store: &Store) -> usize {
    store.ops().count()
}

/// The screen at `width` x `height` as text, a wide character once.
pub fn screen_text(state: &State, width: u16, height: u16) -> String {
    let terminal = draw(state, width, height);
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                row.push_str(symbol);
            }
            row
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Moves the open unit's cursor in the 清单 tab down to `item`.
pub fn to_item(store: &Store, state: &mut State, item: &str) {
    let at = state
        .checklist
        .open_unit()
        .expect("a unit open")
        .rows
        .iter()
        .position(|r| r.item == item)
        .unwrap_or_else(|| panic!("{item} in the open unit"));
    for _ in 0..at {
        press(store, state, KeyCode::Down);
    }
}

/// `payload` written by a county's own device and taken into `store`, as a bundle would bring it.
pub fn from_county(store: &Store, county: &str, payload: peixun::log::Payload) {
    let device = peixun::log::device::tagged(county, 1);
    let mut chain = peixun::demo::ChainWriter::new(county, device, "区局");
    let op = chain.push(payload).expect("op");
    store.import_foreign_chain(vec![op]).expect("import");
}
