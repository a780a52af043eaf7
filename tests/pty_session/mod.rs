//! A peixun in a pseudo-terminal at 80x24, for the tests that drive the real binary: the screen
//! is read back through a vt100 parser (raw output has cursor moves between CJK cells), keys are
//! written as a terminal would send them, and every wait polls the screen with a deadline
//! instead of sleeping a fixed time.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

pub const BIN: &str = env!("CARGO_BIN_EXE_peixun");
pub const DEADLINE: Duration = Duration::from_secs(20);

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// The 鄂州 city demo store, to open.
pub fn prepare_store(dir: &Path) {
    let demo = Command::new(BIN)
        .args(["demo", "--no-tui", "--data-dir"])
        .arg(dir.join("data"))
        .env("XDG_CONFIG_HOME", dir)
        .output()
        .expect("run peixun demo");
    assert!(
        demo.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&demo.stderr)
    );
}

pub struct Session {
    /// Closing the master hangs up the terminal, so it lives until `hang_up`.
    pub master: Option<Box<dyn MasterPty + Send>>,
    /// The reader holds a duplicate of the master; it must stop for a hang-up to happen.
    pub stop_reading: Arc<AtomicBool>,
    pub reader_thread: Option<JoinHandle<()>>,
    pub child: Box<dyn Child + Send + Sync>,
    pub writer: Box<dyn Write + Send>,
    pub output: Receiver<Vec<u8>>,
    pub parser: vt100::Parser,
    /// Bytes the program wrote to the terminal, for what a keystroke costs over SSH.
    pub bytes: usize,
}

impl Session {
    pub fn start(dir: &Path, extra: &[&str]) -> Session {
        let data = dir.join("data");
        let mut args: Vec<&str> = vec!["--data-dir", path_str(&data), "--today", "2023-03-10"];
        args.extend(extra);
        Session::spawn(dir, &args)
    }

    /// The binary with exactly these arguments.
    pub fn spawn(dir: &Path, args: &[&str]) -> Session {
        Session::spawn_with_env(dir, args, &[])
    }

    pub fn spawn_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Session {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        // Keep a developer's own keymap out of the test.
        cmd.env("XDG_CONFIG_HOME", dir);
        cmd.env("HOME", dir);
        for (name, value) in env {
            cmd.env(name, value);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn peixun");
        // Only the child keeps the slave open, so the reader sees EOF when it exits.
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let (tx, output) = channel();
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stop_reading);
        let reader_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx.send(buf[..n].to_vec()).is_err() || stop.load(Ordering::SeqCst) {
                            break;
                        }
                    }
                }
            }
        });
        Session {
            master: Some(pty.master),
            stop_reading,
            reader_thread: Some(reader_thread),
            child,
            writer,
            output,
            parser: vt100::Parser::new(24, 80, 0),
            bytes: 0,
        }
    }

    pub fn pump(&mut self, wait: Duration) {
        if let Ok(bytes) = self.output.recv_timeout(wait) {
            self.bytes += bytes.len();
            self.parser.process(&bytes);
            while let Ok(bytes) = self.output.try_recv() {
                self.bytes += bytes.len();
                self.parser.process(&bytes);
            }
        }
    }

    pub fn screen_text(&self) -> String {
        self.parser.screen().contents()
    }

    /// Waits until the screen satisfies `ok`, failing with the screen shown.
    pub fn wait_for(&mut self, what: &str, ok: impl Fn(&str) -> bool) {
        let start = Instant::now();
        loop {
            if ok(&self.screen_text()) {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; screen:\n{}",
                self.screen_text()
            );
            self.pump(Duration::from_millis(50));
        }
    }

    pub fn wait_text(&mut self, text: &str) {
        self.wait_for(text, |screen| screen.contains(text));
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write keys");
        self.writer.flush().expect("flush keys");
    }

    /// What a dropped SSH session does: the terminal goes away under the program. Returns when
    /// the last handle on the master side was closed.
    pub fn hang_up(&mut self) -> Instant {
        // The reader is blocked in read(): ask it to stop, then make the program redraw (a key)
        // so that read returns and the reader drops its copy of the master.
        self.stop_reading.store(true, Ordering::SeqCst);
        self.send("l");
        if let Some(thread) = self.reader_thread.take() {
            thread.join().expect("reader thread");
        }
        self.master = None;
        self.writer = Box::new(std::io::sink());
        Instant::now()
    }

    /// Sends `signal` to the program, as `kill` does.
    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.child.process_id().expect("child pid");
        // SAFETY: kill has no preconditions; the child is ours and not yet waited for.
        assert_eq!(unsafe { libc::kill(pid as libc::pid_t, signal) }, 0);
    }

    /// Waits for the process to end, reading its last output, and returns whether it succeeded.
    pub fn wait_exit(&mut self) -> bool {
        self.wait_status().success()
    }

    /// Waits for the process to end, reading its last output, and returns how it ended.
    pub fn wait_status(&mut self) -> portable_pty::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for peixun") {
                self.pump(Duration::from_millis(200));
                return status;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "peixun did not exit; screen:\n{}",
                self.screen_text()
            );
            self.pump(Duration::from_millis(50));
        }
    }

    /// Whether the terminal is back in line mode with echo (raw mode clears both).
    pub fn cooked(&self) -> bool {
        let master = self.master.as_ref().expect("the terminal is open");
        let fd = master.as_raw_fd().expect("a unix pty");
        // SAFETY: a zeroed termios is a valid out-parameter; fd is the open master.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        assert_eq!(unsafe { libc::tcgetattr(fd, &mut termios) }, 0);
        termios.c_lflag & libc::ICANON != 0 && termios.c_lflag & libc::ECHO != 0
    }

    pub fn assert_restored(&self) {
        let screen = self.parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor left hidden");
    }
}

/// A failed test must not leave the program running (it holds the store's lock).
impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

pub fn door_count(screen: &str) -> Option<(u32, u32)> {
    let rest = &screen[screen.find("已签到 ")? + "已签到 ".len()..];
    let (present, rest) = rest.split_once(" / ")?;
    let enrolled: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((present.parse().ok()?, enrolled.parse().ok()?))
}
