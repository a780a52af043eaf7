//! An interface shown on another peixun's terminal: the holder of a store runs it on a thread
//! against its own store, with keys and sizes from the visiting peixun (`visit`) and the frames
//! sent back to it over the store service's connection.

use std::io::{self, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Arc;

use chrono::NaiveDate;
use color_eyre::eyre::{Result, WrapErr};
use ratatui::Terminal;

use super::backend::{pack_size, CjkBackend};
use super::runner::{AppEvent, Threads};
use super::{data, event_loop, finish_job, hear, visit, Around, Exit, Keymap, Link, Theme};
use crate::config::Config;
use crate::service::wire::{self, Reply, Request};
use crate::store::Store;

/// Frames for the visitor: what the backend writes for one frame goes in one reply.
struct Screen {
    stream: UnixStream,
    pending: Vec<u8>,
}

impl Write for Screen {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let bytes = std::mem::take(&mut self.pending);
        wire::write_frame(&mut self.stream, &Reply::Screen(bytes))
    }
}

/// Runs the interface for the peixun at the other end of `stream` until it quits, goes away or
/// the holder closes; the last reply says which.
pub fn host(
    store: Arc<Store>,
    today: NaiveDate,
    link: Link,
    stream: &UnixStream,
    (cols, rows): (u16, u16),
) -> Result<()> {
    let keymap = Keymap::load()?;
    let grace = Config::load()?.late_grace_minutes;
    let mut state = data::load(&store, today, keymap, Theme::from_env())?;
    state.checkin.grace = grace;
    let size = Arc::new(AtomicU32::new(pack_size(cols, rows)));
    let screen = Screen {
        stream: stream.try_clone().wrap_err("the visiting terminal")?,
        pending: Vec::new(),
    };
    let mut terminal = Terminal::new(CjkBackend::told(screen, Arc::clone(&size)))
        .wrap_err("the visiting terminal")?;
    let (tx, rx) = mpsc::channel();
    hear(link.notices, tx.clone())?;
    let gone = Arc::new(AtomicBool::new(false));
    read_visitor(
        stream.try_clone().wrap_err("the visiting terminal")?,
        Arc::clone(&size),
        Arc::clone(&gone),
        tx.clone(),
    )?;
    let workers = Threads {
        store: Arc::clone(&store),
        tx,
    };
    let around = Around {
        store: &store,
        workers: &workers,
        gone: &|| gone.load(Ordering::SeqCst),
        wrote: &*link.wrote,
    };
    let result = event_loop(&mut terminal, &around, &mut state, &rx);
    drop(workers);
    finish_job(&state, &rx);
    let mut replies = stream.try_clone().wrap_err("the visiting terminal")?;
    let last = match &result {
        Ok(Exit::HostLeaving) => Reply::HostLeft(super::Resume::of(&state).encode()),
        Ok(_) => Reply::Exit(0),
        Err(error) => {
            let said = format!("peixun: {}\n", super::effects::chain(error));
            let _ = wire::write_frame(&mut replies, &Reply::Err(said.into_bytes()));
            Reply::Exit(1)
        }
    };
    let _ = wire::write_frame(&mut replies, &last);
    // The reader is blocked on the visitor's next key: this ends it.
    let _ = stream.shutdown(Shutdown::Read);
    result.map(drop)
}

/// Keys, sizes and stop signals from the visitor into the loop's channel, on a thread of their
/// own; the visitor going away is a hang-up.
fn read_visitor(
    mut stream: UnixStream,
    size: Arc<AtomicU32>,
    gone: Arc<AtomicBool>,
    tx: Sender<AppEvent>,
) -> Result<()> {
    std::thread::Builder::new()
        .name("visitor-keys".into())
        .spawn(move || loop {
            let event = match wire::read_frame::<Request>(&mut stream) {
                Ok(Some(Request::Key(bytes))) => match visit::decode_key(&bytes) {
                    Some(key) => AppEvent::Key(key),
                    None => continue,
                },
                Ok(Some(Request::Resize { cols, rows })) => {
                    size.store(pack_size(cols, rows), Ordering::SeqCst);
                    AppEvent::Resize
                }
                Ok(Some(Request::Stop)) => AppEvent::Stop,
                Ok(Some(_)) => continue,
                Ok(None) | Err(_) => {
                    gone.store(true, Ordering::SeqCst);
                    let _ = tx.send(AppEvent::HangUp);
                    return;
                }
            };
            if tx.send(event).is_err() {
                return;
            }
        })
        .wrap_err("starting the visitor's key reader")?;
    Ok(())
}
