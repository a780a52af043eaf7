//! The sending side: a command or an interface of a peixun whose store another peixun holds
//! goes to that peixun, with what it needs to run there as here (paths, language, folder,
//! standard input), and what comes back is printed.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use clap::{ArgMatches, ValueHint};

use super::runs_in_service;
use crate::cli::{Cli, Command};
use crate::i18n::{t, tf, Lang};
use crate::service::wire::{self, Client, Reply, Request};

/// How long a command waits for the peixun holding its store to serve it: one that has just
/// taken the store serves it once it has opened it (two imports started together were told to
/// close the other one).
pub const SERVES_SOON: Duration = Duration::from_secs(1);

/// The same once this command's own open found the store taken: the holder is opening it now,
/// which takes seconds on a loaded machine.
pub const SERVES_AFTER_OPENING: Duration = Duration::from_secs(10);

/// The service of the store `cli` names, when another peixun holds it and answers within
/// `patience`.
pub fn holder_of(cli: &Cli, patience: Duration) -> Option<std::os::unix::net::UnixStream> {
    let dir = crate::commands::data_dir(cli).ok()?;
    let started = std::time::Instant::now();
    let mut said = false;
    loop {
        crate::store::holder::holding(&dir).ok()??;
        if let Some(stream) = crate::service::connect(&dir) {
            return Some(stream);
        }
        let waited = started.elapsed();
        if waited >= patience {
            return None;
        }
        if waited >= SERVES_SOON && !said {
            crate::errln!("{}", t("cli.store.waiting_for_holder"));
            said = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Sends the command to the peixun holding its store, if one is and answers, and says what it
/// printed. Returns the exit status, or `None` to run the command here.
pub fn forward(
    args: &[String],
    command: &mut clap::Command,
    cli: &Cli,
    patience: Duration,
) -> Option<u8> {
    if !runs_in_service(cli) {
        return None;
    }
    let mut stream = holder_of(cli, patience)?;
    let cwd = std::env::current_dir().ok()?;
    let args = absolute_args(args, command, &cwd);
    let input = matches!(&cli.command, Some(Command::Checkin(a)) if a.codes_from_stdin);
    let request = Request::Run {
        args,
        english: cli.lang == Lang::En,
        input,
        folder: cwd.display().to_string(),
    };
    wire::write_frame(&mut stream, &request).ok()?;
    // A holder that closed before taking the request did nothing: the command runs here.
    match wire::read_frame::<Reply>(&mut stream) {
        Ok(Some(Reply::Started)) => {}
        _ => return None,
    }
    if input {
        send_input(&stream);
    }
    Some(relay(&mut stream))
}

/// Standard input to the holder as it comes (a scanner's pipe: each code is checked in as it is
/// read), on a thread of its own, then its end.
fn send_input(stream: &std::os::unix::net::UnixStream) {
    let Ok(mut stream) = stream.try_clone() else {
        return;
    };
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        let mut stdin = std::io::stdin();
        loop {
            match std::io::Read::read(&mut stdin, &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if wire::write_frame(&mut stream, &Request::Input(buffer[..n].to_vec()))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
        let _ = wire::write_frame(&mut stream, &Request::InputEnd);
    });
}

/// Prints the replies to a `Run` until its exit status.
fn relay(stream: &mut std::os::unix::net::UnixStream) -> u8 {
    loop {
        match wire::read_frame::<Reply>(stream) {
            Ok(Some(Reply::Out(bytes))) => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(&bytes).and_then(|()| out.flush());
            }
            Ok(Some(Reply::Err(bytes))) => {
                let _ = std::io::stderr().lock().write_all(&bytes);
            }
            Ok(Some(Reply::Exit(code))) => return code,
            Ok(Some(
                Reply::Started | Reply::Clients(_) | Reply::Screen(_) | Reply::HostLeft(_),
            ))
            | Ok(None)
            | Err(_) => {
                eprintln!("peixun: {}", t("cli.service.gone"));
                return 1;
            }
        }
    }
}

/// The peixuns connected to the service of `dir`, if one answers.
pub fn clients(dir: &Path) -> Option<Vec<Client>> {
    let mut stream = crate::service::connect(dir)?;
    // A holder that cannot answer (stopped) does not hold `who` up.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(3)))
        .ok()?;
    wire::write_frame(&mut stream, &Request::Who).ok()?;
    loop {
        match wire::read_frame::<Reply>(&mut stream) {
            Ok(Some(Reply::Started)) => {}
            Ok(Some(Reply::Clients(clients))) => return Some(clients),
            _ => return None,
        }
    }
}

/// One line per connected peixun, for `peixun who`.
pub fn client_lines(clients: &[Client]) -> Vec<String> {
    clients
        .iter()
        .map(|client| {
            let since = chrono::DateTime::from_timestamp_millis(client.since_ms)
                .map(|at| {
                    at.with_timezone(&chrono::Local)
                        .format("%H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default();
            tf(
                "cli.service.client",
                &[
                    ("pid", &client.pid),
                    ("since", &since),
                    ("doing", &crate::domain::text::printable(&client.doing)),
                ],
            )
        })
        .collect()
}

/// `args` with every relative path made absolute from `cwd`: the service runs in another
/// folder. A word is a path when clap, given a marker in its place, hands the marker to an
/// argument that takes a path: clap alone knows which words are values of which arguments.
fn absolute_args(args: &[String], command: &mut clap::Command, cwd: &Path) -> Vec<String> {
    const MARKER: &str = "peixun-path-probe";
    let mut absolute = args.to_vec();
    for (at, word) in args.iter().enumerate().skip(1) {
        let (flag, value) = match word.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (format!("{flag}="), value),
            _ if word.starts_with("--") => continue,
            // A short option with its value attached (`-ostats.xlsx`).
            _ if word.starts_with('-') => match word.get(..2) {
                Some(flag) if word.len() > 2 => (flag.to_string(), &word[2..]),
                _ => continue,
            },
            _ => (String::new(), word.as_str()),
        };
        if value.is_empty() || value == "-" || Path::new(value).is_absolute() {
            continue;
        }
        let mut probe = args.to_vec();
        probe[at] = format!("{flag}{MARKER}");
        let Ok(matches) = command.try_get_matches_from_mut(&probe) else {
            continue;
        };
        if takes_as_path(command, &matches, MARKER) {
            absolute[at] = format!("{flag}{}", cwd.join(value).display());
        }
    }
    absolute
}

/// Whether `value` went to an argument that takes a path, at any level of subcommands.
fn takes_as_path(command: &clap::Command, matches: &ArgMatches, value: &str) -> bool {
    let here = command.get_arguments().any(|arg| {
        let is_path = matches!(
            arg.get_value_hint(),
            ValueHint::AnyPath | ValueHint::FilePath | ValueHint::DirPath
        );
        // `try_get_raw` answers for an id this level does not know without panicking.
        is_path
            && matches
                .try_get_raw(arg.get_id().as_str())
                .ok()
                .flatten()
                .is_some_and(|mut raws| raws.any(|raw| raw == value))
    });
    here || matches.subcommand().is_some_and(|(name, sub_matches)| {
        command
            .find_subcommand(name)
            .is_some_and(|sub| takes_as_path(sub, sub_matches, value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn absolute(line: &[&str]) -> Vec<String> {
        let args: Vec<String> = line.iter().map(|a| a.to_string()).collect();
        let mut command = crate::cli_help::command(Lang::Zh);
        absolute_args(&args, &mut command, Path::new("/home/zm"))
    }

    #[test]
    fn relative_paths_anywhere_on_the_line_become_the_callers() {
        assert_eq!(
            absolute(&[
                "peixun",
                "--data-dir",
                "d",
                "report",
                "stats",
                "-o",
                "s.xlsx"
            ]),
            [
                "peixun",
                "--data-dir",
                "/home/zm/d",
                "report",
                "stats",
                "-o",
                "/home/zm/s.xlsx"
            ]
        );
        assert_eq!(
            absolute(&[
                "peixun",
                "report",
                "stats",
                "--output=s.xlsx",
                "--data-dir=/srv/d"
            ]),
            [
                "peixun",
                "report",
                "stats",
                "--output=/home/zm/s.xlsx",
                "--data-dir=/srv/d"
            ]
        );
        // Words that are not paths stay as typed, even when they look like one or are a
        // path's name too.
        assert_eq!(
            absolute(&["peixun", "session", "show", "a/b"]),
            ["peixun", "session", "show", "a/b"]
        );
        assert_eq!(
            absolute(&["peixun", "bundle", "import", "b.pxb", "--data-dir", "b.pxb"]),
            [
                "peixun",
                "bundle",
                "import",
                "/home/zm/b.pxb",
                "--data-dir",
                "/home/zm/b.pxb"
            ]
        );
        assert_eq!(
            absolute(&["peixun", "report", "stats", "-os.xlsx"]),
            ["peixun", "report", "stats", "-o/home/zm/s.xlsx"]
        );
        assert_eq!(
            absolute(&["peixun", "checkin", "--session", "out", "--code", "-"]),
            ["peixun", "checkin", "--session", "out", "--code", "-"]
        );
    }
}
