//! The terminal interface: seven tabs (日历, 场次, 清单, 签到, 报表, 认证, 同步) over one office's
//! store.
//!
//! Keys, ticks and the workers' results arrive as `AppEvent`s on one channel; `runner::step`
//! changes the `State` (keys through the keymap into `update`) and may ask for `Effect`s (store
//! reads and writes, file checks, workers) that `effects::run` carries out; `view::render` draws
//! the state and nothing else. Each tab's `update`, `view` and `hints` take the tab's own state
//! and a small shared context (`context::Ctx`, `context::View`), plus, where a tab uses another's
//! data, that data by name; overlays (forms, the picker, the paper entry) and effects see the
//! whole state. Nothing outside this module imports ratatui or crossterm.

pub mod action;
pub mod app;
pub mod backend;
pub mod context;
pub mod data;
pub mod effects;
pub mod event;
pub mod forms;
pub mod history;
mod host;
pub mod jobs;
pub mod keymap;
pub mod labels;
pub mod list_filter;
pub mod runner;
pub mod suggest;
pub mod tabs;
pub mod text_input;
pub mod theme;
pub mod view;
mod visit;
pub mod widgets;

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use color_eyre::eyre::{eyre, Result, WrapErr};
use ratatui::Terminal;

pub use action::{Action, DoorEffect, Effect};
pub use app::{update, State};
pub use host::host;
pub use keymap::{Focus, Keymap};
pub use runner::{drive, step, AppEvent};
pub use theme::Theme;
pub use visit::{visit, Visit};

use crate::config::Config;
use crate::i18n::t;
use crate::store::Store;
use backend::CjkBackend;
use runner::Threads;

/// What an interface hears from the store service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// Another peixun changed the store.
    Changed,
    /// The peixun holding the store is closing (to a visiting interface).
    HostLeaving,
}

/// An interface's tie to the others on the same store: what it hears, and whom it tells when it
/// wrote.
pub struct Link {
    pub notices: Receiver<Notice>,
    /// Called with the log's length after this interface's own effects grew it.
    pub wrote: Box<dyn Fn(u64) + Send>,
    /// This interface took the store over from a holder that closed: the first screen says so,
    /// and opens where the interface was.
    pub took_over: Option<Resume>,
}

/// Where an interface was, to open there again after taking the store over: its tab, and the
/// door's session.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Resume {
    tab: usize,
    door: Option<String>,
}

impl Resume {
    pub fn of(state: &State) -> Resume {
        Resume {
            tab: state.tab.index(),
            door: state.checkin.door.as_ref().map(|d| d.session.id.clone()),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        postcard::to_stdvec(self).unwrap_or_default()
    }

    /// Goes back to the tab, and to the door's session, saying the store was taken over.
    pub fn reopen(self, state: &mut State) -> Option<Effect> {
        let tab = app::Tab::ALL
            .get(self.tab)
            .copied()
            .unwrap_or(app::Tab::Calendar);
        let effect = match (tab, self.door) {
            (app::Tab::Checkin, Some(session)) => {
                state.tab = tab;
                Some(Effect::Door(DoorEffect::Open(Some(session))))
            }
            (tab, _) => update(state, tab.action()),
        };
        // After the tab's own opening, which clears the status line.
        state.info(t("tui.visit.took_over"));
        effect
    }

    /// Where the bytes say, or the first screen for bytes that say nothing.
    pub fn decode(bytes: &[u8]) -> Resume {
        postcard::from_bytes(bytes).unwrap_or_default()
    }
}

/// How an interface closed, for how the process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Quit (`q`, Ctrl-C): a report or import under way was finished first.
    Quit,
    /// Stopped by this signal (SIGTERM, SIGQUIT, or SIGHUP: the terminal went away) without
    /// waiting for the work under way; the process removes what it was writing and exits 128 +
    /// the signal.
    Stopped(i32),
}

/// Opens the interface on `store` until the user quits or a stop signal arrives; the terminal is
/// restored on every way out, panics included (ratatui's hook).
pub fn run(store: Arc<Store>, today: NaiveDate, link: Link) -> Result<Closed> {
    let keymap = Keymap::load()?;
    let grace = Config::load()?.late_grace_minutes;
    let mut state = data::load(&store, today, keymap, Theme::from_env())?;
    state.checkin.grace = grace;
    if store.rehomed_on_open() {
        state.info(t("tui.header.rehomed"));
    }
    let resume = link.took_over.clone();
    let signals = Arc::new(event::Signals::install()?);
    let tty = Arc::new(event::Tty::open()?);
    // ratatui's init puts the terminal in raw mode on the alternate screen and restores it on a
    // panic; the terminal it returns is swapped for one on the backend that sends fewer bytes.
    let terminal = ratatui::try_init().and_then(|_| {
        // The alternate screen starts blank, as ratatui assumes too.
        let (cols, rows) = crossterm::terminal::size()?;
        Terminal::new(CjkBackend::with_size(std::io::stdout(), cols, rows))
    });
    let mut terminal = match terminal {
        Ok(terminal) => terminal,
        Err(error) => {
            ratatui::restore();
            return Err(error).wrap_err(t("tui.error.terminal"));
        }
    };
    keep_the_screen_from_others_panics();
    let (tx, rx) = mpsc::channel();
    let workers = Threads {
        store: Arc::clone(&store),
        tx: tx.clone(),
    };
    if let Some(resume) = resume {
        let _ = tx.send(AppEvent::Resume(resume));
    }
    hear(link.notices, tx.clone())?;
    let around = Around {
        store: &store,
        workers: &workers,
        gone: &|| tty.gone(),
        wrote: &*link.wrote,
    };
    let result = read_keys(&signals, &tty, tx)
        .and_then(|()| event_loop(&mut terminal, &around, &mut state, &rx));
    signals.left();
    // From here the channel closes once the key reader and the workers are done.
    drop(workers);
    let cursor = terminal.show_cursor();
    let restored = ratatui::try_restore();
    // With the terminal gone there is nothing to restore and nobody to tell: leaving is the
    // point, as for the SIGHUP that comes with it.
    if tty.gone() || matches!(result, Ok(Exit::HangUp)) {
        return Ok(Closed::Stopped(libc::SIGHUP));
    }
    let closed = signals.closing();
    if closed == Closed::Quit {
        if state.job_since.is_some() {
            eprintln!("{}", t("tui.leaving.finishing"));
        }
        finish_job(&state, &rx);
    }
    result?;
    cursor.and(restored).wrap_err(t("tui.error.restore"))?;
    Ok(closed)
}

/// ratatui's panic hook restores this terminal on a panic in any thread; one in a thread
/// working for another peixun (a command or a visiting interface the service runs) is that
/// peixun's, and this screen goes on.
fn keep_the_screen_from_others_panics() {
    let restore_and_report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if crate::caught::is_expected(info) {
            // A library's panic caught where it should have been an error: not this screen's.
        } else if crate::out::working_for_another() {
            crate::out::to_another_only(&format!("peixun: {info}\n"));
        } else {
            restore_and_report(info);
        }
    }));
}

/// A report or an import still being written finishes before the store closes: leaving
/// mid-way would leave a temp file behind, or nothing imported after a preview said so.
fn finish_job(state: &State, rx: &Receiver<AppEvent>) {
    if state.job_since.is_some() {
        while let Ok(event) = rx.recv() {
            if matches!(event, AppEvent::JobDone(_)) {
                break;
            }
        }
    }
}

/// How the event loop ended.
enum Exit {
    /// Quit key or stop signal.
    Quit,
    /// The terminal went away.
    HangUp,
    /// The peixun holding the store is closing (a visiting interface).
    HostLeaving,
}

/// What the event loop works with besides its state.
struct Around<'a> {
    store: &'a Store,
    workers: &'a Threads,
    /// Whether the terminal went away.
    gone: &'a dyn Fn() -> bool,
    /// Tells the other interfaces on the store that this one wrote, up to this log length.
    wrote: &'a dyn Fn(u64),
}

/// Reads keys, resizes, stop signals and hang-ups on a thread of its own, into the loop's
/// channel, until the loop has left or the terminal is gone.
fn read_keys(
    signals: &Arc<event::Signals>,
    tty: &Arc<event::Tty>,
    tx: Sender<AppEvent>,
) -> Result<()> {
    let (signals, tty) = (Arc::clone(signals), Arc::clone(tty));
    std::thread::Builder::new()
        .name("keys".into())
        .spawn(move || loop {
            // Once the loop has left, the keys are the shell's again.
            if signals.has_left() {
                return;
            }
            let event = match event::next(&signals, &tty, event::POLL) {
                Ok(event::Event::Key(key)) => AppEvent::Key(key),
                Ok(event::Event::Redraw) => AppEvent::Resize,
                Ok(event::Event::Idle) => continue,
                Ok(event::Event::Stop) => AppEvent::Stop,
                Ok(event::Event::HangUp) => AppEvent::HangUp,
                Err(error) => AppEvent::ReadFailed(error),
            };
            let last = matches!(
                event,
                AppEvent::Stop | AppEvent::HangUp | AppEvent::ReadFailed(_)
            );
            if tx.send(event).is_err() || last {
                return;
            }
        })
        .wrap_err("starting the key reader")?;
    Ok(())
}

/// Draws the state; `Some` when the terminal has gone away.
fn draw<W: std::io::Write>(
    terminal: &mut Terminal<CjkBackend<W>>,
    around: &Around,
    state: &mut State,
) -> Result<Option<Exit>> {
    let drawn = terminal.size().and_then(|size| {
        if (size.width, size.height) != state.viewport {
            state.resize(size.width, size.height);
        }
        terminal.draw(|frame| view::render(frame, state)).map(drop)
    });
    if drawn.is_err() && (around.gone)() {
        return Ok(Some(Exit::HangUp));
    }
    drawn.wrap_err(t("tui.error.draw"))?;
    state.dirty = false;
    Ok(None)
}

/// Passes on what the store service says, until either side is gone.
fn hear(notices: Receiver<Notice>, tx: Sender<AppEvent>) -> Result<()> {
    std::thread::Builder::new()
        .name("notices".into())
        .spawn(move || {
            while let Ok(notice) = notices.recv() {
                let event = match notice {
                    Notice::Changed => AppEvent::StoreChanged,
                    Notice::HostLeaving => AppEvent::HostLeaving,
                };
                if tx.send(event).is_err() {
                    return;
                }
            }
        })
        .wrap_err("starting the notice listener")?;
    Ok(())
}

/// The wall clock's date when it has passed the day an interface following it shows.
fn new_day(state: &State) -> Option<chrono::NaiveDate> {
    let day = chrono::Local::now().date_naive();
    (state.today_follows_wall && day > state.today).then_some(day)
}

/// Runs until quit, a stop signal or a hang-up: waits on the one channel, steps the state,
/// runs the effects, draws when something changed.
fn event_loop<W: std::io::Write>(
    terminal: &mut Terminal<CjkBackend<W>>,
    around: &Around,
    state: &mut State,
    rx: &Receiver<AppEvent>,
) -> Result<Exit> {
    // The log's length as this interface last saw it: when its own effects grow it, the others
    // are told.
    let mut seen = around.store.ops_written().unwrap_or(0);
    loop {
        if state.dirty {
            if let Some(exit) = draw(terminal, around, state)? {
                return Ok(exit);
            }
            // Debug builds only: tests/pty.rs panics here on purpose, with a frame on screen, to
            // see ratatui's hook restore the terminal. Nothing in a correct program panics on
            // demand, and a release build has no such door.
            #[cfg(debug_assertions)]
            if std::env::var_os("PEIXUN_DEBUG_PANIC").is_some() {
                panic!("PEIXUN_DEBUG_PANIC: a panic on purpose after a frame");
            }
        }
        // Ticks come often only while a job's seconds are on screen.
        let wait = if state.job_since.is_some() {
            event::POLL_BUSY
        } else {
            event::POLL
        };
        let event = match rx.recv_timeout(wait) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => match new_day(state) {
                Some(day) => AppEvent::NewDay(day),
                None => AppEvent::Tick(Instant::now()),
            },
            // `workers` holds a sender for as long as the loop runs.
            Err(RecvTimeoutError::Disconnected) => return Err(eyre!("the event channel closed")),
        };
        let elsewhere = matches!(event, AppEvent::StoreChanged);
        match event {
            AppEvent::HangUp => return Ok(Exit::HangUp),
            AppEvent::HostLeaving => return Ok(Exit::HostLeaving),
            AppEvent::ReadFailed(error) => return Err(error),
            event => {
                let effects = step(state, event);
                let wrote_maybe = !effects.is_empty();
                for effect in effects {
                    effects::run(around.store, around.workers, state, effect);
                }
                // After a change made elsewhere the reading is left as it was: were one of this
                // interface's workers to have written meanwhile, the others still hear of it
                // (at worst they read their tabs once more than needed).
                if wrote_maybe && !elsewhere {
                    let now = around.store.ops_written().unwrap_or(seen);
                    if now != seen {
                        (around.wrote)(now);
                    }
                    seen = now;
                }
            }
        }
        if state.quit {
            return Ok(Exit::Quit);
        }
    }
}
