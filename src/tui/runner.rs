//! Everything that happens to the app arrives as one `AppEvent`; `step` turns it into state
//! changes and `Effect`s, and `effects::run` carries those out, handing long work to `Workers`.
//! The app's workers are threads sending into the loop's one channel; tests and benches use
//! `drive`, which runs the same work in place, so both go through the same `step` and `run`.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Instant;

use color_eyre::eyre::{eyre, Report, Result};
use crossterm::event::KeyEvent;

use super::action::Effect;
use super::app::State;
use super::effects;
use super::jobs;
use super::suggest::KnownEnterprises;
use super::tabs::checkin::effects as door;
use crate::i18n::t;
use crate::search::cache;
use crate::search::office::OfficeIndex;
use crate::store::Store;

/// What the loop waits for: from the key reader, the clock, and the workers.
pub enum AppEvent {
    Key(KeyEvent),
    /// Time passing, as data: the running job's seconds on screen follow it.
    Tick(Instant),
    /// The wall clock's date moved past `State::today` in an interface that follows it.
    NewDay(chrono::NaiveDate),
    /// A line from the running job.
    Progress(String),
    JobDone(jobs::Done),
    IndexBuilt(Result<Arc<OfficeIndex>>),
    /// The enterprises the enrol form offers, read after the index.
    EnterprisesKnown(KnownEnterprises),
    /// The 认证 tab's read of the whole certification book.
    CertRead(Result<Box<crate::tui::tabs::cert::effects::CertRead>>),
    /// The terminal was resized or came back: draw again.
    Resize,
    /// Another peixun changed the store.
    StoreChanged,
    /// The peixun holding the store is closing (to a visiting interface).
    HostLeaving,
    /// This interface took the store over: open where it was, and say so.
    Resume(super::Resume),
    /// A stop signal.
    Stop,
    /// The terminal went away.
    HangUp,
    /// Reading the terminal failed.
    ReadFailed(Report),
}

/// Long work, owned, for a worker.
pub enum Work {
    Job(jobs::Work),
    /// The office-wide index for the door and the enrol form's suggestions.
    Index,
    /// The 认证 tab's counts, and the people of the city open when it was asked for (seconds
    /// at ten times a province: the screen keeps answering keys meanwhile).
    Cert(Option<String>),
}

/// Where `effects::run` sends long work.
pub trait Workers {
    fn start(&self, work: Work);
}

/// Changes the state for one event and says what must be done with the store. Reads neither the
/// store, the files nor the clock: time comes in `Tick`.
pub fn step(state: &mut State, event: AppEvent) -> Vec<Effect> {
    let asked = match event {
        AppEvent::Tick(now) => {
            // Drawn again only when the tenths of a second shown change.
            state.dirty |= jobs::tick(state, now);
            return Vec::new();
        }
        AppEvent::NewDay(day) => {
            // Deadlines, lateness and "not after today" count from the new day: everything is
            // read again as after a change.
            state.today = day;
            Some(Effect::Changed)
        }
        AppEvent::Key(key) => state.press(key),
        AppEvent::Progress(line) => {
            jobs::progressed(state, line);
            None
        }
        AppEvent::JobDone(done) => jobs::finish(state, done),
        AppEvent::IndexBuilt(built) => door::index_built(state, built),
        AppEvent::EnterprisesKnown(known) => door::enterprises_known(state, known),
        AppEvent::CertRead(read) => cert_read(state, read),
        AppEvent::Resize => None,
        AppEvent::StoreChanged => Some(Effect::Changed),
        AppEvent::Resume(resume) => resume.reopen(state),
        AppEvent::Stop => {
            state.quit = true;
            None
        }
        // The loop leaves on these before stepping.
        AppEvent::HangUp | AppEvent::HostLeaving | AppEvent::ReadFailed(_) => None,
    };
    state.dirty = true;
    asked.into_iter().collect()
}

/// A read of the book arrived: on screen, or said why not (the next key on the tab asks again).
fn cert_read(
    state: &mut State,
    read: Result<Box<crate::tui::tabs::cert::effects::CertRead>>,
) -> Option<Effect> {
    match read {
        Ok(read) => crate::tui::tabs::cert::effects::apply(state, *read),
        Err(error) => {
            let why = effects::chain(&error);
            state.cert.reading = false;
            state.cert.failed = Some(why.clone());
            state.error(why);
            None
        }
    }
}

/// Runs `work` and sends what comes of it: progress lines, then the outcome.
fn perform(store: &Store, work: Work, send: &dyn Fn(AppEvent)) {
    match work {
        Work::Index => match cache::office_index(store) {
            Ok(index) => {
                let index = Arc::new(index);
                send(AppEvent::IndexBuilt(Ok(Arc::clone(&index))));
                // After the index, so the door is ready first.
                send(AppEvent::EnterprisesKnown(door::office_enterprises(&index)));
                drop(index);
                crate::heap::release_freed();
            }
            Err(e) => send(AppEvent::IndexBuilt(Err(e))),
        },
        Work::Job(work) => {
            let progress = |line| send(AppEvent::Progress(line));
            send(AppEvent::JobDone(jobs::execute(store, work, &progress)));
        }
        Work::Cert(open) => {
            let read = crate::tui::tabs::cert::effects::read(store, open);
            crate::heap::release_freed();
            send(AppEvent::CertRead(read.map(Box::new)));
        }
    }
}

/// The app's workers: a thread each, sending into the loop's channel.
pub struct Threads {
    pub store: Arc<Store>,
    pub tx: Sender<AppEvent>,
}

impl Workers for Threads {
    fn start(&self, work: Work) {
        let kind = match work {
            Work::Job(_) => Kind::Job,
            Work::Index => Kind::Index,
            Work::Cert(_) => Kind::Cert,
        };
        let store = Arc::clone(&self.store);
        let tx = self.tx.clone();
        // A visiting interface may speak another language than the process.
        let lang = crate::i18n::lang();
        let for_another = crate::out::working_for_another();
        let spawned = std::thread::Builder::new()
            .name(kind.thread_name().into())
            .spawn(move || {
                let _lang = crate::i18n::speak_on_this_thread(lang);
                let _for_another = for_another.then(crate::out::work_for_another);
                // A worker that panics still ends its job on screen.
                let _stopped = Stopped {
                    tx: tx.clone(),
                    kind,
                };
                // The receiver is gone only when the app is leaving.
                perform(&store, work, &|event| drop(tx.send(event)));
            });
        if let Err(error) = spawned {
            let _ = self.tx.send(stopped(kind, eyre!(error)));
        }
    }
}

/// Which work a worker does, for what the screen hears if it stops without an outcome.
#[derive(Clone, Copy)]
enum Kind {
    Job,
    Index,
    Cert,
}

impl Kind {
    fn thread_name(self) -> &'static str {
        match self {
            Kind::Job => "job",
            Kind::Index => "office-index",
            Kind::Cert => "cert-read",
        }
    }
}

/// What the screen hears of a worker that never sent its outcome.
fn stopped(kind: Kind, error: Report) -> AppEvent {
    match kind {
        Kind::Index => AppEvent::IndexBuilt(Err(error)),
        Kind::Cert => AppEvent::CertRead(Err(error)),
        Kind::Job => AppEvent::JobDone(jobs::Done::Failed(t("tui.reports.worker_stopped"))),
    }
}

/// Sends the worker's failure when its thread unwinds.
struct Stopped {
    tx: Sender<AppEvent>,
    kind: Kind,
}

impl Drop for Stopped {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = self.tx.send(stopped(self.kind, eyre!("worker stopped")));
        }
    }
}

/// Work run in place, its events queued for `drive`.
struct InPlace<'a> {
    store: &'a Store,
    queue: RefCell<VecDeque<AppEvent>>,
}

impl Workers for InPlace<'_> {
    fn start(&self, work: Work) {
        perform(self.store, work, &|event| {
            self.queue.borrow_mut().push_back(event)
        });
    }
}

/// Steps `event` and runs what it asks for, workers' work included, in place until nothing is
/// left: for tests and benches. Returns the effects `event` itself asked for.
pub fn drive(store: &Store, state: &mut State, event: AppEvent) -> Vec<Effect> {
    let workers = InPlace {
        store,
        queue: RefCell::new(VecDeque::new()),
    };
    let asked = step(state, event);
    for effect in asked.clone() {
        effects::run(store, &workers, state, effect);
    }
    loop {
        let next = workers.queue.borrow_mut().pop_front();
        let Some(event) = next else {
            break;
        };
        for effect in step(state, event) {
            effects::run(store, &workers, state, effect);
        }
    }
    asked
}
