//! Terminal events and stop signals.
//!
//! SIGTERM, SIGHUP (a dropped SSH session) and SIGINT set a flag that the event loop checks
//! between polls, so it leaves through the normal path: terminal restored, store closed. After a
//! hang-up, though, crossterm's poll can spin forever on a dead tty without returning, so a
//! watcher thread gives the loop a grace period and then restores what it can and exits itself.
//! Nothing is redrawn on a poll timeout.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{self, Event as TermEvent, KeyEvent, KeyEventKind};

/// How long to wait for a key before checking the stop flag again.
pub const POLL: Duration = Duration::from_millis(200);

/// The same while a worker runs, so its result shows soon after it is ready.
pub const POLL_BUSY: Duration = Duration::from_millis(40);

/// How long the event loop has to notice a stop signal before the watcher exits for it.
const GRACE: Duration = Duration::from_millis(1500);

pub struct Signals {
    stop: Arc<AtomicBool>,
}

impl Signals {
    pub fn install() -> Result<Signals> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut kinds = vec![signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];
        #[cfg(unix)]
        kinds.push(signal_hook::consts::SIGHUP);
        let mut signals = signal_hook::iterator::Signals::new(&kinds)
            .wrap_err("installing the signal handler")?;
        let flag = Arc::clone(&stop);
        std::thread::Builder::new()
            .name("stop-signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    flag.store(true, Ordering::SeqCst);
                    std::thread::sleep(GRACE);
                    // Still running: the loop is stuck on a dead terminal. Writes may fail on a
                    // hung-up tty; on a live one they leave it usable.
                    let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
                    let _ = ratatui::try_restore();
                    std::process::exit(128 + signal);
                }
            })
            .wrap_err("starting the signal watcher")?;
        Ok(Signals { stop })
    }

    fn raised(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

pub enum Event {
    Key(KeyEvent),
    /// The screen must be drawn again (the terminal was resized or came back).
    Redraw,
    /// A signal asked us to stop.
    Stop,
    /// Nothing happened within the poll interval.
    Idle,
}

pub fn next(signals: &Signals, poll: Duration) -> Result<Event> {
    if signals.raised() {
        return Ok(Event::Stop);
    }
    if !event::poll(poll).wrap_err("reading the terminal")? {
        return Ok(if signals.raised() {
            Event::Stop
        } else {
            Event::Idle
        });
    }
    Ok(match event::read().wrap_err("reading the terminal")? {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => Event::Key(key),
        TermEvent::Resize(_, _) | TermEvent::FocusGained => Event::Redraw,
        _ => Event::Idle,
    })
}
