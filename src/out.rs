//! Where a command's words go: this process's terminal, or, for a command the store service
//! runs on behalf of another peixun, back to that peixun over its socket. Commands print with
//! `outln!`/`out!` (standard output) and `errln!` (standard error) instead of `println!`, so the
//! same code serves both.

use std::cell::RefCell;
use std::fmt;
use std::io::{self, Write};

/// Standard output or standard error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

/// Takes a command's output for another process.
pub trait Sink {
    fn write(&mut self, stream: Stream, bytes: &[u8]) -> io::Result<()>;
}

thread_local! {
    /// This thread works for another peixun (the store service's): a panic here is that
    /// peixun's to hear of, not this process's terminal's.
    static FOR_ANOTHER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static SINK: RefCell<Option<Box<dyn Sink>>> = const { RefCell::new(None) };
    /// The folder the other peixun was started in: its relative paths and default file names
    /// are there, not in this process's folder.
    static FOLDER: RefCell<Option<std::path::PathBuf>> = const { RefCell::new(None) };
    /// The standard input of a command run for another peixun.
    static INPUT: RefCell<Option<Box<dyn io::BufRead>>> = const { RefCell::new(None) };
}

/// Marks this thread as working for another peixun until the guard drops.
pub fn work_for_another() -> ForAnother {
    FOR_ANOTHER.with(|flag| flag.set(true));
    ForAnother(())
}

/// The thread works for this process again when this drops.
pub struct ForAnother(());

impl Drop for ForAnother {
    fn drop(&mut self) {
        FOR_ANOTHER.with(|flag| flag.set(false));
    }
}

pub fn working_for_another() -> bool {
    FOR_ANOTHER.with(std::cell::Cell::get)
}

/// Sends `text` to standard error only where this thread's output goes to another peixun;
/// otherwise it is dropped (a panic message must not be written over this process's screen).
pub fn to_another_only(text: &str) {
    SINK.with(|slot| {
        if let Some(sink) = slot.borrow_mut().as_mut() {
            let _ = sink.write(Stream::Err, text.as_bytes());
        }
    });
}

/// Makes `folder` this thread's folder for relative paths until the guard drops.
pub fn work_in(folder: std::path::PathBuf) -> WorkIn {
    FOLDER.with(|slot| *slot.borrow_mut() = Some(folder));
    WorkIn(())
}

/// The thread's relative paths are this process's again when this drops.
pub struct WorkIn(());

impl Drop for WorkIn {
    fn drop(&mut self) {
        FOLDER.with(|slot| slot.borrow_mut().take());
    }
}

/// `path` as the one who asked means it: a relative path is in their folder when this thread
/// works for another peixun, else as given (this process's folder).
pub fn in_callers_folder(path: &std::path::Path) -> std::path::PathBuf {
    match FOLDER.with(|slot| slot.borrow().clone()) {
        Some(folder) if path.is_relative() => folder.join(path),
        _ => path.to_path_buf(),
    }
}

/// Gives this thread's commands `input` as their standard input until the guard drops.
pub fn provide_input(input: Box<dyn io::BufRead>) -> Provided {
    INPUT.with(|slot| *slot.borrow_mut() = Some(input));
    Provided(())
}

/// This thread reads its own standard input again when this drops.
pub struct Provided(());

impl Drop for Provided {
    fn drop(&mut self) {
        INPUT.with(|slot| slot.borrow_mut().take());
    }
}

/// Standard input, wherever it comes from.
pub fn input() -> Box<dyn io::BufRead> {
    match INPUT.with(|slot| slot.borrow_mut().take()) {
        Some(input) => input,
        None => Box::new(io::stdin().lock()),
    }
}

/// Sends this thread's output to `sink` until the guard drops.
pub fn redirect(sink: Box<dyn Sink>) -> Redirected {
    SINK.with(|slot| *slot.borrow_mut() = Some(sink));
    Redirected(())
}

/// This thread's output goes back to its own terminal when this drops.
pub struct Redirected(());

impl Drop for Redirected {
    fn drop(&mut self) {
        SINK.with(|slot| slot.borrow_mut().take());
    }
}

/// Writes `bytes` to `stream` wherever this thread's output goes.
pub fn write(stream: Stream, bytes: &[u8]) -> io::Result<()> {
    let sent = SINK.with(|slot| {
        slot.borrow_mut()
            .as_mut()
            .map(|sink| sink.write(stream, bytes))
    });
    match (sent, stream) {
        (Some(result), _) => result,
        (None, Stream::Out) => io::stdout().lock().write_all(bytes),
        (None, Stream::Err) => io::stderr().lock().write_all(bytes),
    }
}

/// What the macros call. A reader that went away is not the command's failure: the words are
/// dropped as `println!` would have ended the process (SIGPIPE) without undoing the work.
pub fn print(stream: Stream, args: fmt::Arguments) {
    let text = match args.as_str() {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None => std::borrow::Cow::Owned(args.to_string()),
    };
    let _ = write(stream, text.as_bytes());
}

/// Standard output as a writer, for JSON and other streamed output.
pub fn stdout() -> Writer {
    Writer(Stream::Out)
}

/// A writer into one stream.
pub struct Writer(Stream);

impl Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        write(self.0, bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.0 {
            Stream::Out => io::stdout().flush(),
            Stream::Err => io::stderr().flush(),
        }
    }
}

/// `println!` for commands: to standard output, wherever it goes.
#[macro_export]
macro_rules! outln {
    () => {
        $crate::out::print($crate::out::Stream::Out, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::out::print($crate::out::Stream::Out, format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for commands.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::print($crate::out::Stream::Out, format_args!($($arg)*))
    };
}

/// `eprintln!` for commands: to standard error, wherever it goes.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::out::print($crate::out::Stream::Err, format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufRead;
    use std::sync::{Arc, Mutex};

    type Pieces = Vec<(Stream, Vec<u8>)>;

    struct Kept(Arc<Mutex<Pieces>>);

    impl Sink for Kept {
        fn write(&mut self, stream: Stream, bytes: &[u8]) -> io::Result<()> {
            self.0.lock().unwrap().push((stream, bytes.to_vec()));
            Ok(())
        }
    }

    #[test]
    fn a_redirected_thread_sends_its_words_to_the_sink_and_only_while_redirected() {
        let kept = Arc::new(Mutex::new(Vec::new()));
        {
            let _guard = redirect(Box::new(Kept(Arc::clone(&kept))));
            crate::outln!("签到 {}", 3);
            crate::errln!("warning");
            let mut writer = stdout();
            writeln!(writer, "json").unwrap();
            let _given = provide_input(Box::new(io::Cursor::new(b"0001\n0002\n".to_vec())));
            let codes: Vec<String> = input().lines().map(Result::unwrap).collect();
            assert_eq!(codes, ["0001", "0002"]);
        }
        // Another thread's words never reach this sink.
        std::thread::spawn(|| crate::outln!("elsewhere"))
            .join()
            .unwrap();
        crate::out!("");
        let kept = kept.lock().unwrap();
        let text: Vec<(Stream, String)> = kept
            .iter()
            .map(|(s, b)| (*s, String::from_utf8(b.clone()).unwrap()))
            .collect();
        assert_eq!(
            text,
            vec![
                (Stream::Out, "签到 3\n".to_string()),
                (Stream::Err, "warning\n".to_string()),
                (Stream::Out, "json\n".to_string()),
            ]
        );
    }
}
