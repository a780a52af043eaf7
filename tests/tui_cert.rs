//! The 认证 tab: key 6 reads the pipeline, counts per city by stage, Enter drills into a city's
//! people and a person's whole history, Esc comes back; snapshots at 80x24 and 120x40.

use crate::tui::{fixtures, sync_fixtures};
use crossterm::event::KeyCode;
use fixtures::*;
use peixun::cert::model::{Certificate, Evaluation, Marks, OnlineEntry};
use peixun::domain::{Person, SessionKind};
use peixun::log::Payload;
use peixun::store::Store;
use peixun::tui::app::Tab;
use peixun::tui::{Effect, Theme};
use tempfile::TempDir;

const PROVINCE: &str = "420000";

fn person(id: &str, office: &str, name: &str, phone: &str) -> Payload {
    Payload::PersonUpserted(Person {
        id: id.into(),
        office: office.into(),
        name: name.into(),
        phone: phone.into(),
        position: String::new(),
        enterprise: None,
        code: format!("C{phone}"),
    })
}

fn online(id: &str, office: &str, minutes: u32) -> Payload {
    Payload::OnlineRecorded {
        person: id.into(),
        unit: office.into(),
        entry: OnlineEntry::Watched {
            course: "第1天".into(),
            minutes,
        },
    }
}

fn selected(id: &str, office: &str) -> Payload {
    Payload::Evaluated {
        person: id.into(),
        unit: office.into(),
        evaluation: Evaluation {
            score: 800,
            rank: 1,
            selected: true,
        },
    }
}

fn result(session: &str, id: &str, office: &str, exam: u16) -> Payload {
    Payload::ResultRecorded {
        session: session.into(),
        person: id.into(),
        unit: office.into(),
        marks: Marks {
            exam: Some(exam),
            practical: Some(800),
        },
    }
}

/// A province store: three people in 鄂州 (one certified after a makeup, one failed twice, one
/// only trained) and one in 武汉 (candidate).
fn province_store() -> (TempDir, Store) {
    let dir = TempDir::new().expect("temp dir");
    let store = Store::create(dir.path(), PROVINCE, "测试员").expect("create store");
    let exam = session(
        &store,
        SessionKind::Exam,
        "专员考核（鄂东片区）",
        "2023-06-06",
        "鄂州",
    );
    let makeup = session(
        &store,
        SessionKind::Makeup,
        "专员考核补考",
        "2023-06-19",
        "武汉",
    );
    let counties = [
        (
            ECHENG,
            vec![
                ("P-420704-a", "欧阳明月", "13807110001"),
                ("P-420704-c", "诸葛亮", "13807110003"),
            ],
        ),
        ("420703", vec![("P-420703-b", "司马青", "13807110002")]),
        ("420102", vec![("P-420102-d", "黄鹤", "13807110004")]),
    ];
    for (office, people) in counties {
        let county_dir = TempDir::new().expect("temp dir");
        let county = Store::create(county_dir.path(), office, "县区局").expect("county store");
        let ops = county
            .commit(
                people
                    .into_iter()
                    .map(|(id, name, phone)| person(id, office, name, phone))
                    .collect(),
            )
            .expect("county commit");
        store
            .import_foreign_chain(ops)
            .expect("take the county's chain");
    }
    let mut payloads = vec![
        Payload::SessionUpserted(exam.clone()),
        Payload::SessionUpserted(makeup.clone()),
    ];
    for (id, office) in [
        ("P-420704-a", ECHENG),
        ("P-420703-b", "420703"),
        ("P-420704-c", ECHENG),
        ("P-420102-d", "420102"),
    ] {
        payloads.push(online(id, office, 400));
    }
    for (id, office) in [
        ("P-420704-a", ECHENG),
        ("P-420703-b", "420703"),
        ("P-420102-d", "420102"),
    ] {
        payloads.push(selected(id, office));
    }
    payloads.extend([
        result(&exam.id, "P-420704-a", ECHENG, 500),
        result(&makeup.id, "P-420704-a", ECHENG, 700),
        result(&exam.id, "P-420703-b", "420703", 400),
        result(&makeup.id, "P-420703-b", "420703", 450),
        Payload::CertificateIssued {
            person: "P-420704-a".into(),
            unit: ECHENG.into(),
            certificate: Certificate {
                number: "鄂知专202300001".into(),
                seq: 1,
                date: day("2023-07-01"),
            },
        },
    ]);
    store.commit(payloads).expect("commit");
    (dir, store)
}

#[test]
fn key_6_reads_the_pipeline_and_enter_drills_into_a_person() {
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    assert!(!state.cert.loaded, "read only when the tab is opened");
    let effect = press(&store, &mut state, KeyCode::Char('6'));
    assert_eq!(effect, Some(Effect::LoadCert));
    assert_eq!(state.tab, Tab::Cert);
    let cities: Vec<(&str, [usize; 5])> = state
        .cert
        .cities
        .iter()
        .map(|c| (c.name.as_str(), c.counts))
        .collect();
    assert_eq!(
        cities,
        [("武汉市", [1, 1, 0, 0, 0]), ("鄂州市", [3, 2, 2, 2, 1])]
    );
    assert_eq!(state.cert.totals(), [4, 3, 2, 2, 1]);
    assert!(state.cert.people.is_empty(), "people are read city by city");
    // Under the table: the numbers in force, said to be the province's defaults.
    let rules = peixun::cert::Rules::load().unwrap();
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains(&format!("线上学习满 {} 分钟", rules.online_minutes)),
        "{screen}"
    );
    assert!(screen.contains("省局设定的默认值"), "{screen}");
    snapshot_sizes("cert_pipeline", &state);

    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    let names: Vec<&str> = state
        .cert
        .listed()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["欧阳明月", "司马青", "诸葛亮"],
        "furthest along first"
    );
    assert_eq!(
        state.cert.people.len(),
        3,
        "only the open city's people are held"
    );
    snapshot_sizes("cert_people", &state);

    press(&store, &mut state, KeyCode::Enter);
    assert!(state.cert.detail);
    let screen = draw(&state, 80, 24);
    let buffer = screen.backend().buffer();
    for text in [
        "线上大培训：观看 400 分钟",
        "考试 2023-06-06 专员考核（鄂东片区）：考试 50，实操 80，合格 否",
        "补考 2023-06-19 专员考核补考：考试 70，实操 80，合格 是",
        "证书：鄂知专202300001（2023-07-01）",
    ] {
        assert!(
            find(buffer, text).is_some(),
            "{text}\n{:?}",
            screen.backend()
        );
    }
    snapshot_sizes("cert_history", &state);

    press(&store, &mut state, KeyCode::Enter);
    assert!(
        state.cert.detail,
        "Enter again stays on the record: the footer names Esc"
    );
    press(&store, &mut state, KeyCode::Esc);
    assert!(!state.cert.detail);
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.cert.open, None);
    assert!(state.cert.people.is_empty(), "a closed city's people go");
}

/// Each read of the whole book (seconds at ten times a province, on a worker) is asked for with
/// the tab already saying so.
#[test]
fn the_tab_says_it_is_reading_while_the_book_is_read() {
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    let asked = state.press(key(KeyCode::Char('6')));
    assert_eq!(asked, Some(Effect::LoadCert));
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("正在读取全部参训人员的认证进度"),
        "{screen}"
    );
    assert!(!screen.contains("还没有认证数据"), "{screen}");
    press(&store, &mut state, KeyCode::Char('6'));
    press(&store, &mut state, KeyCode::Down);

    let asked = state.press(key(KeyCode::Enter));
    assert_eq!(asked, Some(Effect::LoadCert));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("正在读取鄂州市的认证名单"), "{screen}");
    // Here the read was asked for and not run: the next key runs it.
    press(&store, &mut state, KeyCode::Down);
    assert!(state.cert.loaded);
    assert_eq!(state.cert.listed().len(), 3);
    assert!(!screen_text(&state, 80, 24).contains("正在读取"));

    let asked = state.press(key(KeyCode::Enter));
    assert!(matches!(asked, Some(Effect::CertHistory { .. })));
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("个人档案 · 欧阳明月"), "{screen}");
    assert!(screen.contains("正在读取个人档案"), "{screen}");
}

/// A province's seventeen cities do not all fit at 80x24: the line under the totals says which
/// are shown and how to reach the rest; when all fit it says nothing.
#[test]
fn the_city_table_says_when_cities_are_off_screen() {
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    let cities: Vec<peixun::tui::tabs::cert::CityRow> = peixun::campaign::campaign()
        .cities()
        .iter()
        .map(|c| peixun::tui::tabs::cert::CityRow {
            city: c.id.clone(),
            name: c.short.clone(),
            counts: [1, 0, 0, 0, 0],
        })
        .collect();
    assert_eq!(cities.len(), 17);
    state.cert.cities = cities;
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("第 1-"), "{screen}");
    assert!(screen.contains("共 17 个：按 j k 翻看"), "{screen}");
    for _ in 0..16 {
        press(&store, &mut state, KeyCode::Down);
    }
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("-17 个市州，共 17 个"), "{screen}");
    assert!(!screen_text(&state, 120, 40).contains("共 17 个："));
}

/// While the book is read on a worker the tab keeps answering: no second read is asked for,
/// Esc leaves a city being opened, and a read that comes back for a city no longer open brings
/// the counts and asks for the city open now.
#[test]
fn keys_while_the_book_is_read_ask_for_no_second_read() {
    use peixun::tui::tabs::cert::effects::read;
    use peixun::tui::{step, AppEvent};
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    let (wuhan, ezhou) = ("420100".to_string(), "420700".to_string());

    // Enter on 鄂州 while its read runs: keys ask for nothing more, Esc goes back.
    press(&store, &mut state, KeyCode::Down);
    assert_eq!(state.press(key(KeyCode::Enter)), Some(Effect::LoadCert));
    state.cert.reading = true;
    assert_eq!(state.press(key(KeyCode::Down)), None);
    state.cert.detail = true;
    assert_eq!(state.press(key(KeyCode::Esc)), None);
    assert_eq!(state.cert.open, None);
    assert!(!state.cert.detail, "back at the counts, not in a record");
    let came = read(&store, Some(ezhou.clone())).expect("read");
    assert!(step(&mut state, AppEvent::CertRead(Ok(Box::new(came)))).is_empty());
    assert!(state.cert.loaded && !state.cert.reading);
    assert!(
        state.cert.people.is_empty(),
        "a closed city's people are not kept"
    );
    assert_eq!(state.cert.cities.len(), 2);

    // 武汉 opened while 鄂州's read was running: its read comes next.
    state.cert.open = Some(wuhan.clone());
    state.cert.loaded = false;
    state.cert.reading = true;
    let came = read(&store, Some(ezhou)).expect("read");
    let next = step(&mut state, AppEvent::CertRead(Ok(Box::new(came))));
    assert_eq!(next, [Effect::LoadCert]);
    assert!(!state.cert.loaded);
    let came = read(&store, Some(wuhan)).expect("read");
    assert!(step(&mut state, AppEvent::CertRead(Ok(Box::new(came)))).is_empty());
    assert!(state.cert.loaded);
    let names: Vec<&str> = state
        .cert
        .listed()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    // The store changed while a read ran (a check-in at another door): what it brings is shown,
    // and it is read again.
    state.cert.reading = true;
    state.cert.mark_stale();
    let came = read(&store, state.cert.open.clone()).expect("read");
    let next = step(&mut state, AppEvent::CertRead(Ok(Box::new(came))));
    assert_eq!(next, [Effect::LoadCert]);
    assert!(state.cert.loaded && state.cert.stale);
    assert_eq!(state.cert.listed().len(), 1, "shown while read again");
}

/// Esc out of a city being read goes back to the counts already on screen, not to a reading
/// line; a read that fails says so on the tab, and the next key reads again.
#[test]
fn esc_while_a_city_is_read_shows_the_counts_and_a_failed_read_says_so() {
    use peixun::tui::{step, AppEvent};
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    let counts = screen_text(&state, 80, 24);
    assert!(counts.contains("合计"), "{counts}");
    assert_eq!(state.press(key(KeyCode::Enter)), Some(Effect::LoadCert));
    state.cert.reading = true;
    assert!(screen_text(&state, 80, 24).contains("正在读取"));
    assert_eq!(state.press(key(KeyCode::Esc)), None);
    assert_eq!(screen_text(&state, 80, 24), counts);

    state.cert.loaded = false;
    let failed = color_eyre::eyre::eyre!("磁盘读取错误");
    assert!(step(&mut state, AppEvent::CertRead(Err(failed))).is_empty());
    let screen = screen_text(&state, 80, 24);
    assert!(
        screen.contains("读取认证进度失败：磁盘读取错误"),
        "{screen}"
    );
    assert!(!screen.contains("正在读取"), "{screen}");
    assert_eq!(state.press(key(KeyCode::Down)), Some(Effect::LoadCert));
}

#[test]
fn slash_finds_a_citys_people_by_pinyin_or_certificate_number() {
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    let listed = |state: &peixun::tui::app::State| -> Vec<String> {
        state.cert.listed().iter().map(|p| p.name.clone()).collect()
    };
    press(&store, &mut state, KeyCode::Char('/'));
    // Typed, not taken as keys: 6 would switch tabs and j move the cursor.
    typed(&store, &mut state, "zgl");
    assert_eq!(state.tab, Tab::Cert);
    assert_eq!(listed(&state), ["诸葛亮"]);
    let screen = draw(&state, 80, 24);
    assert!(find(screen.backend().buffer(), "(1/3)").is_some());
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(listed(&state).len(), 3, "Esc clears the filter");
    press(&store, &mut state, KeyCode::Char('/'));
    typed(&store, &mut state, "202300001");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(listed(&state), ["欧阳明月"]);
    press(&store, &mut state, KeyCode::Enter);
    assert!(state.cert.detail, "Enter opens the one found");
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(listed(&state).len(), 3, "the first Esc clears the filter");
    assert!(state.cert.open.is_some());
}

#[test]
fn a_county_sees_its_checked_in_people_as_trained_and_an_empty_office_a_hint() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    let counts: Vec<(&str, [usize; 5])> = state
        .cert
        .cities
        .iter()
        .map(|c| (c.name.as_str(), c.counts))
        .collect();
    assert_eq!(
        counts,
        [("鄂州市", [1, 0, 0, 0, 0])],
        "an offline check-in trains"
    );
    let screen = draw(&state, 80, 24);
    assert!(find(screen.backend().buffer(), "6 认证").is_some());

    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    let screen = draw(&state, 80, 24);
    assert!(
        find(screen.backend().buffer(), "还没有认证数据").is_some(),
        "{:?}",
        screen.backend()
    );
}

#[test]
fn a_long_history_line_breaks_after_a_comma_not_inside_a_mark() {
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Enter);
    assert!(state.cert.detail);
    // An exam session with a full-length title, as the province names them.
    let (short, long) = (
        "专员考核（鄂东片区）",
        "2023年湖北省知识产权专员考核认证考试（鄂东片区）",
    );
    for line in state.cert.history.iter_mut().flatten() {
        *line = line.replace(short, long);
    }
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    let text = format!("考试 2023-06-06 {long}：考试 50，实操 80，合格 否");
    eprintln!("{}", sync_fixtures::rows(&buffer).join("\n"));
    assert_eq!(
        sync_fixtures::assert_shown_whole(&buffer, &text, peixun::i18n::Lang::Zh),
        2
    );
}

fn snapshot_sizes(name: &str, state: &peixun::tui::app::State) {
    for (w, h) in [(80, 24), (120, 40)] {
        let terminal = draw(state, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

/// A change made elsewhere while the tab is on screen is read again on a worker: the counts on
/// screen stay until the read brings the new ones.
#[test]
fn a_change_while_the_tab_is_on_screen_brings_new_counts() {
    use peixun::tui::{drive, AppEvent};
    let (_dir, store) = province_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('6'));
    let ezhou = |state: &peixun::tui::app::State| {
        let row = state.cert.cities.iter().find(|c| c.city == "420700");
        row.map(|c| c.counts).expect("鄂州's row")
    };
    let before = ezhou(&state);
    store
        .commit(vec![selected("P-420704-c", ECHENG)])
        .expect("commit");
    drive(&store, &mut state, AppEvent::StoreChanged);
    let after = ezhou(&state);
    assert_eq!(after[1], before[1] + 1, "{before:?} → {after:?}");
    assert!(state.cert.loaded && !state.cert.stale && !state.cert.reading);
}
