//! The interface of a store another peixun holds: this peixun keeps its terminal (raw mode, the
//! alternate screen, stop signals, hang-ups) and sends it keys and sizes; the holder runs the
//! interface (`host`) and sends back the bytes of each frame.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::mpsc;
use std::time::Duration;

use chrono::NaiveDate;
use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde::{Deserialize, Serialize};

use super::event;
use crate::i18n::t;
use crate::service::wire::{self, Reply, Request};

/// How a visit ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visit {
    /// The user quit, a stop signal came, or the terminal went away.
    Closed(super::Closed),
    /// The holder closed: this peixun may take the store over, and open where it was.
    HostLeft(super::Resume),
    /// The connection ended without a word: the holder died (the store is free), or its
    /// interface for this peixun failed (the store is still held).
    Lost,
}

/// How the holder ended a visit: how, and what it said on the way.
struct Ending {
    visit: Visit,
    said: Vec<u8>,
    failed: bool,
}

/// How often the visitor looks up from its keys to see whether the holder is done.
const LOOK_UP: Duration = Duration::from_millis(30);

/// Shows the interface of the peixun at the other end of `stream` on this terminal.
pub fn visit(mut stream: UnixStream, english: bool, today: Option<NaiveDate>) -> Result<Visit> {
    let signals = event::Signals::install()?;
    let tty = event::Tty::open()?;
    let (cols, rows) = crossterm::terminal::size().wrap_err(t("tui.error.terminal"))?;
    if let Err(error) = ratatui::try_init() {
        ratatui::restore();
        return Err(error).wrap_err(t("tui.error.terminal"));
    }
    let folder = std::env::current_dir().unwrap_or_default();
    let asked = Request::Interface {
        english,
        today: today.map(|day| day.to_string()),
        cols,
        rows,
        folder: folder.display().to_string(),
        terminal: terminal_name(),
    };
    let (ended, end) = mpsc::channel::<Ending>();
    let shown = wire::write_frame(&mut stream, &asked)
        .wrap_err(t("tui.visit.lost"))
        .and_then(|()| {
            let screens = stream.try_clone().wrap_err(t("tui.visit.lost"))?;
            show_screens(screens, ended)
        });
    let outcome = shown.and_then(|()| send_keys(&mut stream, &signals, &tty, &end));
    signals.left();
    if tty.gone() {
        return Ok(Visit::Closed(super::Closed::Stopped(libc::SIGHUP)));
    }
    // The holder's frames hid the cursor; restoring the screen does not show it again.
    let cursor = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
    let restored = cursor
        .and_then(|()| ratatui::try_restore())
        .wrap_err(t("tui.error.restore"));
    let ending = outcome?;
    restored?;
    // What the holder said goes on the terminal once it is back to normal.
    if ending.failed {
        let said = String::from_utf8_lossy(&ending.said);
        let said = said.trim().trim_start_matches("peixun: ");
        return Err(color_eyre::eyre::eyre!("{said}")).wrap_err(t("tui.visit.failed"));
    }
    // The holder closed this visit as asked; a signal to this peixun ends it as the signal would.
    // The holder can only say it closed (`Quit`): how this process was stopped is its own.
    Ok(match ending.visit {
        Visit::Closed(_) => Visit::Closed(signals.closing()),
        other => other,
    })
}

/// The name of the terminal on standard input (`/dev/pts/3`), or nothing.
fn terminal_name() -> String {
    // SAFETY: ttyname returns a pointer to a static buffer or null; it is read at once.
    let name = unsafe { libc::ttyname(libc::STDIN_FILENO) };
    if name.is_null() {
        return String::new();
    }
    // SAFETY: a non-null ttyname result is a NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned()
}

/// The holder's frames onto this terminal, on a thread of their own, until its last reply.
fn show_screens(mut stream: UnixStream, ended: mpsc::Sender<Ending>) -> Result<()> {
    std::thread::Builder::new()
        .name("screens".into())
        .spawn(move || {
            let mut out = std::io::stdout();
            let mut said = Vec::new();
            let (visit, failed) = loop {
                match wire::read_frame::<Reply>(&mut stream) {
                    Ok(Some(Reply::Screen(bytes))) => {
                        let _ = out.write_all(&bytes).and_then(|()| out.flush());
                    }
                    Ok(Some(Reply::Err(bytes) | Reply::Out(bytes))) => said.extend(bytes),
                    Ok(Some(Reply::Started)) => {}
                    Ok(Some(Reply::HostLeft(resume))) => {
                        break (Visit::HostLeft(super::Resume::decode(&resume)), false)
                    }
                    Ok(Some(Reply::Exit(code))) => {
                        break (Visit::Closed(super::Closed::Quit), code != 0)
                    }
                    Ok(Some(Reply::Clients(_))) | Ok(None) | Err(_) => break (Visit::Lost, false),
                }
            };
            let _ = ended.send(Ending {
                visit,
                said,
                failed,
            });
        })
        .wrap_err("starting the screen reader")?;
    Ok(())
}

/// This terminal's keys, sizes and stop signals to the holder until the visit ends.
fn send_keys(
    stream: &mut UnixStream,
    signals: &event::Signals,
    tty: &event::Tty,
    end: &mpsc::Receiver<Ending>,
) -> Result<Ending> {
    let closed = || Ending {
        visit: Visit::Closed(super::Closed::Quit),
        said: Vec::new(),
        failed: false,
    };
    loop {
        if let Ok(ending) = end.try_recv() {
            return Ok(ending);
        }
        let request = match event::next(signals, tty, LOOK_UP)? {
            event::Event::Key(key) => Request::Key(encode_key(key)),
            event::Event::Redraw => {
                let (cols, rows) = crossterm::terminal::size().wrap_err(t("tui.error.terminal"))?;
                Request::Resize { cols, rows }
            }
            event::Event::Idle => continue,
            event::Event::Stop => Request::Stop,
            event::Event::HangUp => return Ok(closed()),
        };
        if wire::write_frame(stream, &request).is_err() {
            // The holder is gone; its last reply (if any) says how.
            return Ok(end
                .recv_timeout(Duration::from_millis(500))
                .unwrap_or(Ending {
                    visit: Visit::Lost,
                    ..closed()
                }));
        }
    }
}

/// A key as it travels: the keys the interface knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
enum Code {
    Char(char),
    F(u8),
    Backspace,
    Enter,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    BackTab,
    Delete,
    Insert,
    Esc,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct WireKey {
    code: Code,
    modifiers: u8,
    release: bool,
}

fn encode_key(key: KeyEvent) -> Vec<u8> {
    let code = match key.code {
        KeyCode::Char(c) => Code::Char(c),
        KeyCode::F(n) => Code::F(n),
        KeyCode::Backspace => Code::Backspace,
        KeyCode::Enter => Code::Enter,
        KeyCode::Left => Code::Left,
        KeyCode::Right => Code::Right,
        KeyCode::Up => Code::Up,
        KeyCode::Down => Code::Down,
        KeyCode::Home => Code::Home,
        KeyCode::End => Code::End,
        KeyCode::PageUp => Code::PageUp,
        KeyCode::PageDown => Code::PageDown,
        KeyCode::Tab => Code::Tab,
        KeyCode::BackTab => Code::BackTab,
        KeyCode::Delete => Code::Delete,
        KeyCode::Insert => Code::Insert,
        KeyCode::Esc => Code::Esc,
        _ => Code::Other,
    };
    let wire = WireKey {
        code,
        modifiers: key.modifiers.bits(),
        release: key.kind == KeyEventKind::Release,
    };
    postcard::to_stdvec(&wire).unwrap_or_default()
}

/// The key the visitor pressed; `None` for bytes that are not one.
pub(super) fn decode_key(bytes: &[u8]) -> Option<KeyEvent> {
    let wire: WireKey = postcard::from_bytes(bytes).ok()?;
    let code = match wire.code {
        Code::Char(c) => KeyCode::Char(c),
        Code::F(n) => KeyCode::F(n),
        Code::Backspace => KeyCode::Backspace,
        Code::Enter => KeyCode::Enter,
        Code::Left => KeyCode::Left,
        Code::Right => KeyCode::Right,
        Code::Up => KeyCode::Up,
        Code::Down => KeyCode::Down,
        Code::Home => KeyCode::Home,
        Code::End => KeyCode::End,
        Code::PageUp => KeyCode::PageUp,
        Code::PageDown => KeyCode::PageDown,
        Code::Tab => KeyCode::Tab,
        Code::BackTab => KeyCode::BackTab,
        Code::Delete => KeyCode::Delete,
        Code::Insert => KeyCode::Insert,
        Code::Esc => KeyCode::Esc,
        Code::Other => return None,
    };
    let kind = if wire.release {
        KeyEventKind::Release
    } else {
        KeyEventKind::Press
    };
    Some(KeyEvent::new_with_kind(
        code,
        KeyModifiers::from_bits_truncate(wire.modifiers),
        kind,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn keys_travel_whole() {
        for key in [
            KeyEvent::new(KeyCode::Char('签'), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
            KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE),
            KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
        ] {
            assert_eq!(decode_key(&encode_key(key)), Some(key));
        }
    }

    proptest! {
        #[test]
        fn any_bytes_decode_to_a_key_or_nothing(bytes in proptest::collection::vec(any::<u8>(), 0..16)) {
            let _ = decode_key(&bytes);
        }
    }
}
