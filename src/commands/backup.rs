//! `peixun backup`, `peixun restore`, and the daily automatic backup after the interface or a
//! command that changed the store.

use std::path::{Path, PathBuf};

use color_eyre::eyre::Result;
use serde::Serialize;

use super::{data_dir, open_store, print_json, user_error};
use crate::backup::{self, Summary};
use crate::cli::{AwardCommand, ChecklistArgs, Cli, Command, PlanCommand, SessionCommand};
use crate::cli_bundle::{BundleCommand, KeysCommand};
use crate::cli_cert::CertCommand;
use crate::config::Config;
use crate::i18n::{t, tf};
use crate::store::{is_locked, Store, StoreLock};

pub fn backup_now(cli: &Cli, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let keep = Config::load()?.backup_keep;
    let summary = backup::write(&store, keep, backup::Made::OnRequest)?;
    announce_keys(&summary, store.dir());
    if json {
        return print_json(&summary);
    }
    report(&summary, keep);
    Ok(())
}

/// Keys made for a backup are news: they are this office's identity from now on.
fn announce_keys(summary: &Summary, dir: &Path) {
    if summary.keys_created {
        crate::errln!(
            "{}",
            tf(
                "sync.keys.created_auto",
                &[("dir", &crate::sync::identity::keys_dir(dir).display())]
            )
        );
    }
}

fn report(summary: &Summary, keep: usize) {
    crate::outln!(
        "{}",
        tf(
            "backup.write.done",
            &[
                ("file", &summary.path.display()),
                ("entries", &summary.entries),
                ("bytes", &summary.bytes),
            ]
        )
    );
    for file in &summary.pruned {
        crate::outln!(
            "{}",
            tf(
                "backup.write.pruned",
                &[("keep", &keep.max(1)), ("file", &file.display())]
            )
        );
    }
}

#[derive(Serialize)]
struct Restored {
    #[serde(flatten)]
    summary: Summary,
    file: std::path::PathBuf,
    ops: usize,
}

pub fn restore(cli: &Cli, file: &Path, keys: Option<&Path>, json: bool) -> Result<()> {
    let target = data_dir(cli)?;
    let keys = match keys {
        Some(keys) => keys.to_path_buf(),
        None => backup::default_keys_dir(file).ok_or_else(|| {
            user_error(tf("backup.read.not_a_backup", &[("file", &file.display())]))
        })?,
    };
    let summary = backup::restore(file, &keys, &target)?;
    let store = Store::open(&target)?;
    let (ops, _, problems) = super::doctor::check(&store)?;
    if let Some(problem) = problems.first() {
        return Err(user_error(tf(
            "backup.restore.check_failed",
            &[("problem", problem)],
        )));
    }
    if json {
        return print_json(&Restored {
            summary,
            file: file.to_path_buf(),
            ops,
        });
    }
    crate::outln!(
        "{}",
        tf(
            "backup.restore.done",
            &[
                ("file", &file.display()),
                ("office", &super::unit_name(&summary.office)),
                ("dir", &target.display()),
                ("entries", &summary.entries),
                ("ops", &ops),
                ("device", &crate::sync::device_label(store.device())),
            ]
        )
    );
    Ok(())
}

/// Commands after which the store may hold changes worth a daily backup.
fn changes_store(command: Option<&Command>) -> bool {
    match command {
        None | Some(Command::Tui) => true,
        Some(Command::Session { command }) => !matches!(**command, SessionCommand::Show { .. }),
        Some(
            Command::Person { .. }
            | Command::Enterprise { .. }
            | Command::Enrol(_)
            | Command::Checkin(_)
            | Command::Contact { .. },
        ) => true,
        // Looking is not changing: a read-only look wrote a 19 MB backup at the province.
        Some(Command::Keys { command }) => {
            !matches!(command, KeysCommand::Show { .. } | KeysCommand::List { .. })
        }
        Some(Command::Bundle { command }) => !matches!(
            command,
            BundleCommand::Inspect { .. }
                | BundleCommand::Held { .. }
                | BundleCommand::Review { .. }
        ),
        Some(Command::Cert { command }) => match command {
            CertCommand::List { .. } | CertCommand::Show { .. } => false,
            CertCommand::Evaluate { publish, .. } => *publish,
            _ => true,
        },
        Some(Command::Plan { command }) => !matches!(command, PlanCommand::Show { .. }),
        Some(Command::Import(args)) => !args.dry_run,
        Some(Command::Award { command }) => !matches!(command, AwardCommand::List { .. }),
        Some(Command::Checklist(ChecklistArgs { command, .. })) => command.is_some(),
        _ => false,
    }
}

/// The data dir to back up once the command has succeeded, when the command may change it.
pub fn wanted_after(cli: &Cli) -> Option<PathBuf> {
    if changes_store(cli.command.as_ref()) {
        data_dir(cli).ok()
    } else {
        None
    }
}

/// While a background backup holds the store, it is marked by this file in the backups folder.
fn writing_marker(dir: &Path) -> PathBuf {
    backup::backups_dir(dir).join(".writing")
}

/// After the interface closed: today's backup, if due, by a detached `peixun backup --auto` in a
/// process group of its own, so that neither the prompt nor a dropped SSH session waits for it
/// or stops it. Nothing is said if it cannot start; the next command makes the backup then.
pub fn after_in_background(dir: &Path) {
    let due = Config::load()
        .and_then(|c| backup::due(dir, c.backup_keep))
        .unwrap_or(false);
    if !due {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut command = std::process::Command::new(exe);
    command
        .arg("--data-dir")
        .arg(dir)
        .args(["backup", "--auto"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    // Marked before the child starts, so a command run straight after waits rather than
    // finding the store busy.
    if std::fs::create_dir_all(backup::backups_dir(dir)).is_ok()
        && std::fs::write(writing_marker(dir), b"").is_ok()
        && command.spawn().is_err()
    {
        let _ = std::fs::remove_file(writing_marker(dir));
    }
}

/// `peixun backup --auto`: today's automatic backup if it is due, quietly; the terminal that
/// started it may be gone, and a hang-up stops no command (`commands::run`).
pub fn auto_in_background(cli: &Cli) -> Result<()> {
    let dir = data_dir(cli)?;
    let written = (|| -> Result<()> {
        let keep = Config::load()?.backup_keep;
        if !backup::due(&dir, keep)? {
            return Ok(());
        }
        // A command started right after the interface closed may hold the store for a moment.
        let deadline = std::time::Instant::now() + MARK_LIFE;
        let store = loop {
            match Store::open(&dir) {
                Err(e) if is_locked(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                opened => break opened?,
            }
        };
        backup::write(&store, keep, backup::Made::Automatically)?;
        Ok(())
    })();
    let _ = std::fs::remove_file(writing_marker(&dir));
    written
}

/// How long a background backup's mark is believed: a backup that died leaves one behind, and
/// then the store busy is another peixun's, said at once.
const MARK_LIFE: std::time::Duration = std::time::Duration::from_secs(600);

/// Whether a background backup is pending or being written.
fn backup_pending(marker: &Path) -> bool {
    std::fs::metadata(marker)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|at| at.elapsed().ok())
        .is_some_and(|age| age < MARK_LIFE)
}

/// Opens the store in `dir`, waiting (up to two minutes, saying so once) while a background
/// backup holds it.
pub fn open_waiting(dir: &Path) -> Result<Store> {
    waiting(dir, Store::open)
}

/// The store's lock alone (`Store::lock_only`), waiting as `open_waiting` does.
pub fn lock_waiting(dir: &Path) -> Result<StoreLock> {
    waiting(dir, Store::lock_only)
}

fn waiting<T>(dir: &Path, open: impl Fn(&Path) -> Result<T>) -> Result<T> {
    let marker = writing_marker(dir);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut said = false;
    loop {
        match open(dir) {
            Ok(opened) => return Ok(opened),
            Err(e)
                if is_locked(&e)
                    && backup_pending(&marker)
                    && std::time::Instant::now() < deadline =>
            {
                if !said {
                    crate::errln!("{}", t("backup.write.waiting"));
                    said = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The automatic backup after a successful command. Its failure is reported on stderr and does
/// not fail the command, whose change is already on disk.
pub fn after(dir: &Path) {
    if let Err(error) = auto(dir) {
        let chain: Vec<String> = error.chain().map(ToString::to_string).collect();
        crate::errln!(
            "peixun: {}",
            tf("backup.write.auto_failed", &[("error", &chain.join(": "))])
        );
    }
}

fn auto(dir: &Path) -> Result<()> {
    let keep = Config::load()?.backup_keep;
    if !backup::due(dir, keep)? {
        return Ok(());
    }
    // The day's backup made again later goes on behind the prompt, as after the interface.
    if backup::made_today(dir)? {
        after_in_background(dir);
        return Ok(());
    }
    // The command's change is saved: a Ctrl-C now only cuts the backup, and says so.
    crate::unfinished::stop_only_cuts(t("backup.write.auto_stopped"));
    // A province store takes seconds: say why the prompt has not come back yet.
    crate::errln!(
        "{}",
        tf(
            "backup.write.auto_start",
            &[("dir", &backup::backups_dir(dir).display())]
        )
    );
    let summary = backup::write(&Store::open(dir)?, keep, backup::Made::Automatically)?;
    announce_keys(&summary, dir);
    Ok(())
}
