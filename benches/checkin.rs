//! The 签到 tab at province scale: 100,000 people in the office index, a session of 120, each
//! keystroke of a few typical queries through `update` and a draw at 80x24. Reports p50/p99 over
//! every keystroke (the budget is a tail: p99 ≤ 8 ms) besides criterion's median, and the bytes
//! a keystroke sends to the terminal, with this crate's backend and with ratatui's own.

use std::cell::Cell as StdCell;
use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime};
use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::{Backend, CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use peixun::domain::{Enterprise, Person, Session, SessionKind};
use peixun::log::Payload;
use peixun::search::door::DoorSearch;
use peixun::search::office::OfficeIndex;
use peixun::search::{Candidate, SearchIndex};
use peixun::store::Store;
use peixun::tui::app::{State, Tab};
use peixun::tui::backend::CjkBackend;
use peixun::tui::tabs::checkin::{Door, IndexJob};
use peixun::tui::{data, view, Keymap, Theme};

const PEOPLE: usize = 100_000;
const LISTED: usize = 120;
const QUERIES: &[&str] = &["zhangs", "zs", "1234", "wang", "张", "lv", "oyn"];

fn or_die<T, E: std::fmt::Display>(result: Result<T, E>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{what}: {e}"),
    }
}

/// Every keystroke of typing each query, then Esc to clear the line: what the door sees.
fn keystrokes() -> Vec<KeyEvent> {
    let mut keys = Vec::new();
    for q in QUERIES {
        for c in q.chars() {
            keys.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        keys.push(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
    }
    keys
}

/// A county store with today's session and `LISTED` people of the crowd enrolled, a third of
/// them checked in.
fn door_store(dir: &std::path::Path, crowd: &[Candidate], today: NaiveDate) -> (Store, Session) {
    let store = or_die(Store::create(dir, "420704", "bench"), "store");
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let session = Session {
        id: or_die(store.new_id('S'), "id"),
        office: "420704".into(),
        kind: SessionKind::Offline,
        title: "鄂城区“百县万企”知识产权培训班（第1期）".into(),
        units: vec!["420704".into()],
        host: "420704".into(),
        cohost: None,
        date: today,
        start: nine,
        end: NaiveTime::from_hms_opt(11, 30, 0).unwrap_or_default(),
        venue: "鄂城区政务服务中心".into(),
        courses: Vec::new(),
        audience: String::new(),
        capacity: 150,
    };
    let mut payloads = vec![Payload::SessionUpserted(session.clone())];
    let mut enterprises: HashMap<String, String> = HashMap::new();
    for (i, c) in crowd.iter().take(LISTED).enumerate() {
        let enterprise = match enterprises.get(&c.enterprise) {
            Some(id) => id.clone(),
            None => {
                let id = or_die(store.new_id('E'), "id");
                payloads.push(Payload::EnterpriseUpserted(Enterprise {
                    id: id.clone(),
                    office: "420704".into(),
                    name: c.enterprise.clone(),
                    credit_code: None,
                    categories: Default::default(),
                    unit: "420704".into(),
                }));
                enterprises.insert(c.enterprise.clone(), id.clone());
                id
            }
        };
        let id = or_die(store.new_id('P'), "id");
        payloads.push(Payload::PersonUpserted(Person {
            code: peixun::domain::code::participant_code(&id),
            id: id.clone(),
            office: "420704".into(),
            name: c.name.clone(),
            phone: c.phone.clone(),
            position: "知识产权专员".into(),
            enterprise: Some(enterprise),
        }));
        payloads.push(Payload::EnrolmentSet {
            session: session.id.clone(),
            person: id.clone(),
            enrolled: true,
        });
        if i % 3 == 0 {
            let minute = u32::try_from(i % 60).unwrap_or(0);
            payloads.push(Payload::CheckedIn {
                session: session.id.clone(),
                person: id,
                at: today.and_time(NaiveTime::from_hms_opt(8, minute, 0).unwrap_or(nine)),
            });
        }
    }
    or_die(store.commit(payloads), "commit");
    (store, session)
}

/// The door open on the session, built directly as the tab would be once its index is in.
fn door_state(store: &Store, session: &Session, office: Arc<OfficeIndex>) -> State {
    let today = session.date;
    let keymap = or_die(Keymap::built_in(), "keymap");
    let mut state = or_die(data::load(store, today, keymap, Theme::coloured()), "load");
    let start = Instant::now();
    let search = or_die(DoorSearch::new(store, &session.id, office.clone()), "door");
    println!("session index ({LISTED} people): {:?}", start.elapsed());
    let checked_in = or_die(
        peixun::store::lists::attendance(store, &session.id),
        "attendance",
    )
    .into_iter()
    .filter_map(|(p, a)| a.first_at.map(|at| (p, at)))
    .collect();
    state.checkin.office = Some(office);
    state.checkin.index = IndexJob::Ready;
    state.checkin.open(Door {
        session: session.clone(),
        enrolled: or_die(
            peixun::store::lists::enrolled_count(store, &session.id),
            "count",
        ),
        present: or_die(
            peixun::store::lists::present_count(store, &session.id),
            "count",
        ),
        whole: None,
        checked_in,
        search,
    });
    state.tab = Tab::Checkin;
    state
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    let rank = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[rank]
}

fn keystroke<B: Backend>(state: &mut State, terminal: &mut Terminal<B>, key: KeyEvent) {
    black_box(state.press(key));
    if terminal.draw(|frame| view::render(frame, state)).is_err() {
        panic!("draw failed");
    }
}

/// p50/p99 of update + draw per keystroke, over every keystroke of the queries, repeated.
fn report_tails(state: &mut State) {
    let mut terminal = or_die(Terminal::new(TestBackend::new(80, 24)), "terminal");
    let keys = keystrokes();
    let mut samples = Vec::new();
    for _ in 0..30 {
        for key in &keys {
            let start = Instant::now();
            keystroke(state, &mut terminal, *key);
            samples.push(start.elapsed());
        }
    }
    let (p50, p99) = (percentile(samples.clone(), 0.5), percentile(samples, 0.99));
    println!(
        "update + render per keystroke at 80x24, {PEOPLE} people: p50 {p50:?} p99 {p99:?} (budget p99 8ms)"
    );
}

/// Counts what a backend writes.
#[derive(Clone, Default)]
struct Tally(Rc<StdCell<usize>>);

impl Write for Tally {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes per keystroke while typing the queries, after a first full frame.
fn bytes_per_key<B: Backend>(state: &mut State, backend: B, tally: &Tally) -> (usize, usize) {
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
    };
    let mut terminal = or_die(Terminal::with_options(backend, options), "terminal");
    if terminal.draw(|frame| view::render(frame, state)).is_err() {
        panic!("draw failed");
    }
    let keys = keystrokes();
    let mut worst = 0;
    let start = tally.0.get();
    for key in &keys {
        let before = tally.0.get();
        keystroke(state, &mut terminal, *key);
        worst = worst.max(tally.0.get() - before);
    }
    ((tally.0.get() - start) / keys.len(), worst)
}

fn report_bytes(state: &mut State) {
    let tally = Tally::default();
    let ours = bytes_per_key(state, CjkBackend::with_size(tally.clone(), 80, 24), &tally);
    let tally = Tally::default();
    let stock = bytes_per_key(state, CrosstermBackend::new(tally.clone()), &tally);
    println!(
        "bytes per keystroke at 80x24: average {} worst {} (ratatui's crossterm backend: average {} worst {}; budget average 1536)",
        ours.0, ours.1, stock.0, stock.1
    );
}

fn bench(c: &mut Criterion) {
    let crowd = or_die(peixun::demo::crowd(2023, PEOPLE), "crowd");
    let distinct: HashSet<&str> = crowd.iter().map(|p| p.enterprise.as_str()).collect();
    println!("{PEOPLE} people in {} enterprises", distinct.len());
    let start = Instant::now();
    let office = Arc::new(OfficeIndex::whole(SearchIndex::build(crowd.clone(), [])));
    println!("office index ({PEOPLE} people): {:?}", start.elapsed());
    let dir = or_die(tempfile::TempDir::new(), "temp dir");
    let today = NaiveDate::from_ymd_opt(2023, 3, 10).unwrap_or_default();
    let (store, session) = door_store(dir.path(), &crowd, today);
    let mut state = door_state(&store, &session, office);

    report_tails(&mut state);
    report_bytes(&mut state);

    let keys = keystrokes();
    let mut terminal = or_die(Terminal::new(TestBackend::new(80, 24)), "terminal");
    let mut group = c.benchmark_group("checkin_100k");
    group.sample_size(50);
    let mut next = 0;
    group.bench_function("keystroke_update_render_80x24", |b| {
        b.iter(|| {
            keystroke(&mut state, &mut terminal, keys[next % keys.len()]);
            next += 1;
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
