//! Terminal events, stop signals and hang-ups.
//!
//! These are read on the key reader's thread (`tui::read_keys`), which sends them into the event
//! loop's channel. SIGTERM, SIGHUP (a dropped SSH session), SIGQUIT and SIGINT set a flag that
//! the reader checks between polls, so the loop leaves through the normal path: terminal
//! restored, store closed. SIGINT quits as the Ctrl-C key does; the others do not wait for a
//! report or an import under way, and the process then ends as the signal would
//! (`Closed::Stopped`).
//!
//! A terminal that goes away (tmux kill-session, a dropped SSH session) must never reach
//! crossterm's reader: on a hung-up tty a read returns 0 bytes at once, and crossterm's reader
//! loops on that without end. So the reader polls the tty itself first and stops on a hang-up,
//! an error or end of input. A watcher thread remains for the one case this cannot see (the
//! terminal going away in the microseconds between that check and crossterm's read): once a
//! stop signal came, a reader that stays inside crossterm for `STUCK` is taken as spinning on a
//! dead terminal, and the watcher restores what it can and exits; it stands down when the loop
//! has left, so leaving (a report being finished, the store closing) is not cut short unless a
//! signal comes again.

use std::fs::File;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use color_eyre::eyre::{Result, WrapErr};
use crossterm::event::{self, Event as TermEvent, KeyEvent, KeyEventKind};

/// How long to wait for a key before checking the stop flag again.
pub const POLL: Duration = Duration::from_millis(200);

/// How often the loop ticks while a job runs, so the seconds shown move on.
pub const POLL_BUSY: Duration = Duration::from_millis(40);

/// How long the event loop has to notice a stop signal before the watcher exits for it.
const GRACE: Duration = Duration::from_millis(1500);

/// A crossterm call that has not returned after this long, with a stop signal raised, is
/// spinning on a terminal that went away: a live one answers in microseconds.
const STUCK: Duration = Duration::from_millis(100);

/// What the loop and the watcher tell each other.
#[derive(Default)]
struct Flags {
    /// The stop signal that arrived (0 before one did).
    stop: AtomicI32,
    /// The loop is inside a crossterm call on the terminal.
    in_terminal: AtomicBool,
    /// The loop has ended; leaving is under way.
    left: AtomicBool,
}

pub struct Signals {
    flags: Arc<Flags>,
    /// Readable after any of our signals or a resize (SIGWINCH): the loop waits on it with the
    /// tty, so it wakes at once instead of at the next poll timeout.
    wake: UnixStream,
    /// What was installed, taken out again on drop: a visiting interface that takes the store
    /// over installs its own, and an old watcher would end the process at the next Ctrl-C.
    handle: signal_hook::iterator::Handle,
    registered: Vec<signal_hook::SigId>,
}

impl Drop for Signals {
    fn drop(&mut self) {
        self.handle.close();
        for id in self.registered.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

impl Signals {
    pub fn install() -> Result<Signals> {
        let flags = Arc::new(Flags::default());
        let mut kinds = vec![signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT];
        #[cfg(unix)]
        kinds.extend([signal_hook::consts::SIGHUP, signal_hook::consts::SIGQUIT]);
        crate::unfinished::leave_stops_to_the_interface();
        let mut signals = signal_hook::iterator::Signals::new(&kinds)
            .wrap_err("installing the signal handler")?;
        let (wake, waker) = UnixStream::pair().wrap_err("creating the wake-up pipe")?;
        wake.set_nonblocking(true)
            .wrap_err("creating the wake-up pipe")?;
        let mut registered = Vec::new();
        for signal in kinds.iter().copied().chain([signal_hook::consts::SIGWINCH]) {
            let waker = waker.try_clone().wrap_err("creating the wake-up pipe")?;
            registered.push(
                signal_hook::low_level::pipe::register(signal, waker)
                    .wrap_err("installing the signal handler")?,
            );
        }
        let handle = signals.handle();
        let watched = Arc::clone(&flags);
        std::thread::Builder::new()
            .name("stop-signals".into())
            .spawn(move || {
                for (seen, signal) in signals.forever().enumerate() {
                    // Already leaving (a report being finished) or asked twice: now means now.
                    if seen > 0 || watched.left.load(Ordering::SeqCst) {
                        crate::unfinished::remove_under_way_and_exit(128 + signal);
                    }
                    watched.stop.store(signal, Ordering::SeqCst);
                    if watch_for_a_stuck_loop(&watched) {
                        // Writes may fail on a hung-up tty; on a live one they leave it usable.
                        let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
                        let _ = ratatui::try_restore();
                        crate::unfinished::remove_under_way_and_exit(128 + signal);
                    }
                }
            })
            .wrap_err("starting the signal watcher")?;
        Ok(Signals {
            flags,
            wake,
            handle,
            registered,
        })
    }

    fn raised(&self) -> bool {
        self.flags.stop.load(Ordering::SeqCst) != 0
    }

    /// How the interface is closing as far as signals go: SIGTERM, SIGHUP and SIGQUIT stop it, SIGINT
    /// (from `kill -INT`: the Ctrl-C key is read as a key) quits it as the key does.
    pub fn closing(&self) -> super::Closed {
        match self.flags.stop.load(Ordering::SeqCst) {
            0 | signal_hook::consts::SIGINT => super::Closed::Quit,
            signal => super::Closed::Stopped(signal),
        }
    }

    /// Runs a crossterm call, marked so the watcher can tell a call that never returns.
    fn in_terminal<T>(&self, call: impl FnOnce() -> T) -> T {
        self.flags.in_terminal.store(true, Ordering::SeqCst);
        let result = call();
        self.flags.in_terminal.store(false, Ordering::SeqCst);
        result
    }

    /// Whether the loop has ended.
    pub fn has_left(&self) -> bool {
        self.flags.left.load(Ordering::SeqCst)
    }

    /// The loop has ended: from now on the watcher leaves the way out alone.
    pub fn left(&self) {
        self.flags.left.store(true, Ordering::SeqCst);
    }

    /// Empties the wake-up pipe (one byte per signal).
    fn drain(&self) {
        let mut buf = [0u8; 64];
        while matches!((&self.wake).read(&mut buf), Ok(n) if n > 0) {}
    }
}

/// After a stop signal: true when the loop is stuck (inside crossterm for `STUCK`, or still
/// looping after `GRACE`), false once it has left by itself.
fn watch_for_a_stuck_loop(flags: &Flags) -> bool {
    let signalled = std::time::Instant::now();
    let mut inside_since = None;
    while signalled.elapsed() < GRACE {
        if flags.left.load(Ordering::SeqCst) {
            return false;
        }
        if flags.in_terminal.load(Ordering::SeqCst) {
            let since = *inside_since.get_or_insert_with(std::time::Instant::now);
            if since.elapsed() >= STUCK {
                return true;
            }
        } else {
            inside_since = None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    !flags.left.load(Ordering::SeqCst)
}

/// What polling the terminal's input found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Bytes to read.
    Ready,
    /// Nothing within the time given.
    Quiet,
    /// The other descriptor given became readable (a signal, a resize).
    Woken,
    /// Hung up, closed, or in error: no key will ever come.
    Gone,
}

/// The descriptor crossterm reads keys from (stdin when it is a terminal, else `/dev/tty`),
/// watched with poll(2) so a hang-up is seen before crossterm reads.
pub struct Tty {
    fd: libc::c_int,
    /// Keeps `/dev/tty` open when that is what is watched.
    _file: Option<File>,
}

impl Tty {
    pub fn open() -> Result<Tty> {
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return Ok(Tty::from_fd(libc::STDIN_FILENO));
        }
        let file = File::options()
            .read(true)
            .open("/dev/tty")
            .wrap_err("opening /dev/tty")?;
        let fd = file.as_raw_fd();
        Ok(Tty {
            fd,
            _file: Some(file),
        })
    }

    /// Watches a descriptor the caller keeps open (tests use a pipe or a pty).
    pub fn from_fd(fd: libc::c_int) -> Tty {
        Tty { fd, _file: None }
    }

    /// Waits up to `timeout` for input, or for `wake` to become readable. A tty that went away
    /// shows as a hang-up (POLLHUP), as does a pipe whose writer closed.
    pub fn wait(&self, timeout: Duration, wake: Option<libc::c_int>) -> Input {
        let watch = |fd| libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let mut fds = [watch(self.fd), watch(wake.unwrap_or(-1))];
        let count: libc::nfds_t = if wake.is_some() { 2 } else { 1 };
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: `count` valid pollfds.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), count, ms) };
        let [pfd, woken] = fds;
        if rc < 0 {
            // A signal arrived: the caller checks the stop flag. Anything else is a dead fd.
            return match std::io::Error::last_os_error().kind() {
                std::io::ErrorKind::Interrupted => Input::Quiet,
                _ => Input::Gone,
            };
        }
        if pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            Input::Gone
        } else if pfd.revents & libc::POLLIN != 0 {
            Input::Ready
        } else if woken.revents != 0 {
            Input::Woken
        } else {
            Input::Quiet
        }
    }

    /// Whether the terminal is gone now (after a write to it failed, say).
    pub fn gone(&self) -> bool {
        self.wait(Duration::ZERO, None) == Input::Gone
    }
}

pub enum Event {
    Key(KeyEvent),
    /// The screen must be drawn again (the terminal was resized or came back).
    Redraw,
    /// A signal asked us to stop.
    Stop,
    /// The terminal went away: leave at once, restoring what can be.
    HangUp,
    /// Nothing happened within the poll interval.
    Idle,
}

pub fn next(signals: &Signals, tty: &Tty, poll: Duration) -> Result<Event> {
    if signals.raised() {
        return Ok(Event::Stop);
    }
    // Checked before every crossterm call: crossterm reads whenever the tty is readable, and a
    // hung-up tty is always readable.
    if tty.gone() {
        return Ok(Event::HangUp);
    }
    // Keys crossterm read earlier but has not handed out yet (a paste, fast typing) first.
    let waiting = |signals: &Signals| signals.in_terminal(|| event::poll(Duration::ZERO));
    if !waiting(signals).wrap_err("reading the terminal")? {
        match tty.wait(poll, Some(signals.wake.as_raw_fd())) {
            Input::Gone => return Ok(Event::HangUp),
            Input::Quiet => {
                return Ok(if signals.raised() {
                    Event::Stop
                } else {
                    Event::Idle
                })
            }
            // A stop signal, or a resize: crossterm reports the new size later, but the loop
            // reads it itself when it draws.
            Input::Woken => {
                signals.drain();
                return Ok(if signals.raised() {
                    Event::Stop
                } else {
                    Event::Redraw
                });
            }
            Input::Ready => {}
        }
        if signals.raised() {
            return Ok(Event::Stop);
        }
        if !waiting(signals).wrap_err("reading the terminal")? {
            // Part of a key sequence: the rest follows.
            return Ok(Event::Idle);
        }
    }
    Ok(
        match signals
            .in_terminal(event::read)
            .wrap_err("reading the terminal")?
        {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => Event::Key(key),
            TermEvent::Resize(_, _) | TermEvent::FocusGained => Event::Redraw,
            _ => Event::Idle,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe whose writer is closed reads as end of input; one still open with nothing in it
    /// is quiet. (The pty hang-up is tested on the real binary in tests/pty.rs.)
    #[test]
    fn a_closed_input_is_never_quiet() {
        let mut fds = [0; 2];
        // SAFETY: two ints for pipe(2) to fill.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let tty = Tty::from_fd(fds[0]);
        assert_eq!(tty.wait(Duration::from_millis(10), None), Input::Quiet);
        let (wake, mut waker) = UnixStream::pair().expect("socket pair");
        std::io::Write::write_all(&mut waker, b"x").expect("wake");
        let woken = tty.wait(Duration::from_millis(10), Some(wake.as_raw_fd()));
        assert_eq!(woken, Input::Woken);
        // SAFETY: closing the write end this test opened.
        unsafe { libc::close(fds[1]) };
        assert_eq!(tty.wait(Duration::from_millis(10), None), Input::Gone);
        assert!(tty.gone());
        // SAFETY: closing the read end this test opened.
        unsafe { libc::close(fds[0]) };
    }
}
