//! Terminal events and stop signals. Polling with a timeout lets a SIGTERM or SIGHUP (a dropped
//! SSH session) be noticed between key presses, so the terminal is restored before exiting;
//! nothing is redrawn on a timeout.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{self, Event as TermEvent, KeyEvent, KeyEventKind};

/// How long to wait for a key before checking the stop flag again.
const POLL: Duration = Duration::from_millis(200);

pub struct Signals {
    stop: Arc<AtomicBool>,
}

impl Signals {
    pub fn install() -> Result<Signals> {
        let stop = Arc::new(AtomicBool::new(false));
        let mut signals = vec![signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];
        #[cfg(unix)]
        signals.push(signal_hook::consts::SIGHUP);
        for signal in signals {
            signal_hook::flag::register(signal, Arc::clone(&stop))
                .wrap_err("installing the signal handler")?;
        }
        Ok(Signals { stop })
    }

    fn raised(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

pub enum Event {
    Key(KeyEvent),
    /// The screen must be drawn again (the terminal was resized).
    Redraw,
    /// A signal asked us to stop.
    Stop,
    /// Nothing happened within the poll interval.
    Idle,
}

pub fn next(signals: &Signals) -> Result<Event> {
    if signals.raised() {
        return Ok(Event::Stop);
    }
    if !event::poll(POLL).wrap_err("reading the terminal")? {
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
