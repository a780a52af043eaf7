//! The terminal interface (DESIGN §5): five tabs (日历, 场次, 清单, 签到, 报表) over one office's
//! store.
//!
//! Keys become `Action`s through the keymap, `update` changes the `State` and may ask for an
//! `Effect` (a store read or write) that the app runs; `view::render` draws the state and nothing
//! else. Nothing outside this module imports ratatui or crossterm.

pub mod action;
pub mod app;
pub mod backend;
pub mod data;
pub mod door;
pub mod effects;
pub mod event;
pub mod forms;
pub mod history;
pub mod jobs;
pub mod keymap;
pub mod labels;
pub mod suggest;
pub mod tabs;
pub mod text_input;
pub mod theme;
pub mod view;
pub mod widgets;

use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use color_eyre::eyre::{eyre, Result, WrapErr};
use ratatui::Terminal;

pub use action::{Action, DoorEffect, Effect};
pub use app::{update, State};
pub use keymap::{Focus, Keymap};
pub use theme::Theme;

use crate::config::Config;
use crate::i18n::t;
use crate::store::Store;
use backend::CjkBackend;
use door::OfficeIndex;
use tabs::checkin::IndexJob;

/// Opens the interface on `store` until the user quits or a stop signal arrives; the terminal is
/// restored on every way out, panics included (ratatui's hook).
pub fn run(store: Store, today: NaiveDate) -> Result<()> {
    let keymap = Keymap::load()?;
    let grace = Config::load()?.late_grace_minutes;
    // Shared with the worker that builds the office index.
    let store = Arc::new(store);
    let mut state = data::load(&store, today, keymap, Theme::from_env())?;
    state.checkin.grace = grace;
    let signals = event::Signals::install()?;
    let tty = event::Tty::open()?;
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
    let mut job = None;
    let result = event_loop(&mut terminal, &store, &mut state, &signals, &tty, &mut job);
    signals.left();
    let cursor = terminal.show_cursor();
    let restored = ratatui::try_restore();
    // A report or an import still being written finishes before the store closes: leaving
    // mid-way would leave a temp file behind, or nothing imported after a preview said so.
    if let Some((rx, _)) = job {
        if !tty.gone() {
            eprintln!("{}", t("tui.leaving.finishing"));
        }
        while let Ok(jobs::Message::Progress(_)) = rx.recv() {}
    }
    // With the terminal gone there is nothing to restore and nobody to tell: leaving is the
    // point, and the store closes as `store` drops on the way out.
    if tty.gone() || matches!(result, Ok(Exit::HangUp)) {
        return Ok(());
    }
    result?;
    cursor.and(restored).wrap_err(t("tui.error.restore"))
}

/// How the event loop ended.
enum Exit {
    /// Quit key or stop signal.
    Quit,
    /// The terminal went away.
    HangUp,
}

/// Builds the office-wide index on its own thread: at province scale it takes a noticeable
/// fraction of a second, and the door stays usable on the session's own list meanwhile.
fn spawn_index(store: &Arc<Store>) -> Result<Receiver<Result<OfficeIndex>>> {
    let (tx, rx) = mpsc::channel();
    let store = Arc::clone(store);
    std::thread::Builder::new()
        .name("office-index".into())
        .spawn(move || {
            // The receiver is gone only when the app is leaving.
            let _ = tx.send(door::build_office_index(&store));
        })
        .wrap_err("starting the index worker")?;
    Ok(rx)
}

/// Runs until quit, a stop signal or a hang-up. `job` is the 报表 tab's worker and when it
/// started (for the seconds shown); it outlives the loop so leaving can wait for it.
fn event_loop(
    terminal: &mut Terminal<CjkBackend<std::io::Stdout>>,
    store: &Arc<Store>,
    state: &mut State,
    signals: &event::Signals,
    tty: &event::Tty,
    job: &mut Option<(Receiver<jobs::Message>, Instant)>,
) -> Result<Exit> {
    let mut dirty = true;
    let mut worker: Option<Receiver<Result<OfficeIndex>>> = None;
    loop {
        if job.is_none() {
            if let Some(work) = jobs::prepare(state) {
                *job = Some((jobs::spawn(store, work)?, Instant::now()));
                dirty = true;
            }
        }
        if let Some((rx, started)) = &job {
            let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            // Drawn again when the tenths of a second shown change, not on every poll.
            dirty |= jobs::tick(state, elapsed);
            let mut finished = None;
            loop {
                match rx.try_recv() {
                    Ok(jobs::Message::Progress(line)) => {
                        jobs::progressed(state, line);
                        dirty = true;
                    }
                    Ok(jobs::Message::Done(done)) => {
                        finished = Some(done);
                        break;
                    }
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        let stopped = t("tui.reports.worker_stopped");
                        finished = Some(jobs::Done::Failed(stopped));
                        break;
                    }
                }
            }
            if let Some(done) = finished {
                *job = None;
                jobs::finish(store, state, done);
                dirty = true;
            }
        }
        if state.checkin.index == IndexJob::Wanted && worker.is_none() {
            worker = Some(spawn_index(store)?);
            state.checkin.index = IndexJob::Building;
            dirty = true;
        }
        if let Some(rx) = &worker {
            let done = match rx.try_recv() {
                Ok(built) => Some(built),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => Some(Err(eyre!("index worker stopped"))),
            };
            if let Some(built) = done {
                worker = None;
                door::index_built(store, state, built);
                dirty = true;
            }
        }
        if dirty {
            let drawn = terminal.size().and_then(|size| {
                if (size.width, size.height) != state.viewport {
                    state.resize(size.width, size.height);
                }
                terminal.draw(|frame| view::render(frame, state)).map(drop)
            });
            if drawn.is_err() && tty.gone() {
                return Ok(Exit::HangUp);
            }
            drawn.wrap_err(t("tui.error.draw"))?;
            dirty = false;
            // Debug builds only: tests/pty.rs panics here on purpose, with a frame on screen, to
            // see ratatui's hook restore the terminal. Nothing in a correct program panics on
            // demand, and a release build has no such door.
            #[cfg(debug_assertions)]
            if std::env::var_os("PEIXUN_DEBUG_PANIC").is_some() {
                panic!("PEIXUN_DEBUG_PANIC: a panic on purpose after a frame");
            }
        }
        let poll = if worker.is_some() || job.is_some() {
            event::POLL_BUSY
        } else {
            event::POLL
        };
        match event::next(signals, tty, poll)? {
            event::Event::Stop => return Ok(Exit::Quit),
            event::Event::HangUp => return Ok(Exit::HangUp),
            event::Event::Idle => {}
            event::Event::Redraw => dirty = true,
            event::Event::Key(key) => {
                if let Some(effect) = state.press(key) {
                    effects::run_effect(store, state, effect);
                }
                if state.quit {
                    return Ok(Exit::Quit);
                }
                dirty = true;
            }
        }
    }
}
