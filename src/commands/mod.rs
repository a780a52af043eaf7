//! What each subcommand does. Output for people is a table in the UI language; `--json` is for
//! scripts.

mod award;
mod backup;
mod bundle;
mod cert;
mod cert_print;
mod checkin;
mod checklist;
mod contacts;
mod demo;
mod doctor;
mod import;
mod keys;
mod list_spool;
mod outreach;
mod package;
mod plans;
mod records;
pub mod remote;
mod report;
mod session;
mod table;
mod teachers;

use std::io::Write;
use std::path::PathBuf;

use color_eyre::eyre::{eyre, Result, WrapErr};
use serde::Serialize;

use crate::campaign::campaign;
pub use crate::campaign::{role_label, unit_name};
use crate::cli::{CampaignCommand, Cli, Command};
use crate::i18n::{t, tf};
use crate::store::derived::DerivedFile;
use crate::store::kept_records::KeptRecords;
use crate::store::Store;

pub use crate::error::{user_error, UserError};
pub use table::{print_table, print_table_each};

/// A refusal of what came from outside (a bundle, a card, a roster) said as a user error; the
/// machine's failures pass through.
pub fn refused<E: std::fmt::Display>(fault: crate::sync::Fault<E>) -> color_eyre::Report {
    match fault {
        crate::sync::Fault::Refused(e) => user_error(e.to_string()),
        crate::sync::Fault::Failed(report) => report,
    }
}

/// Whether a failure is the user's to fix (exit code 2) rather than the machine's (1).
///
/// The one place errors are sorted by their type. The use cases say which is which in their
/// `Refusal` without asking, but a command also passes up what the layers below return through
/// `?` (an unreadable sheet, a field a validator refused, an office changing what it does not
/// own), and those reach `main` only as a `Report`, whose exit code is decided here.
pub fn is_user_error(report: &color_eyre::Report) -> bool {
    report.downcast_ref::<crate::error::UserError>().is_some()
        || report
            .downcast_ref::<crate::domain::input::FieldErrors>()
            .is_some()
        || matches!(
            report.downcast_ref::<crate::store::CommitError>(),
            Some(crate::store::CommitError::Refused(_))
        )
}

/// `peixun who`: the peixun holding the store, read from its lock file, or that none does.
fn who(cli: &Cli) -> Result<()> {
    let dir = data_dir(cli)?;
    let said = match crate::store::holder::holding(&dir)
        .wrap_err_with(|| tf("cli.store.open_failed", &[("dir", &dir.display())]))?
    {
        Some(h) => tf(
            "cli.store.held_by",
            &[
                ("dir", &dir.display()),
                ("user", &h.user),
                ("pid", &h.pid),
                ("since", &h.since.format("%Y-%m-%d %H:%M")),
            ],
        ),
        None => tf("cli.store.held_by_nobody", &[("dir", &dir.display())]),
    };
    crate::outln!("{said}");
    let others = remote::clients(&dir).unwrap_or_default();
    if !others.is_empty() {
        crate::outln!("{}", t("cli.service.clients"));
        for line in remote::client_lines(&others) {
            crate::outln!("  {line}");
        }
    }
    Ok(())
}

pub fn data_dir(cli: &Cli) -> Result<PathBuf> {
    match &cli.data_dir {
        Some(dir) => Ok(dir.clone()),
        None => crate::store::default_data_dir().ok_or_else(|| eyre!(t("cli.store.no_home"))),
    }
}

/// The office's store. While the automatic backup that closing the TUI started is still being
/// written, it waits for it (saying so) instead of refusing. A command the store service runs
/// for another peixun works on the store the service holds.
pub fn open_store(cli: &Cli) -> Result<std::sync::Arc<Store>> {
    if let Some(store) = remote::served().or_else(remote::serving_store) {
        return Ok(store);
    }
    let store = std::sync::Arc::new(backup::open_waiting(&data_dir(cli)?)?);
    // While this command runs, the office's other peixuns work through it.
    remote::serve_while_running(&store);
    Ok(store)
}

/// The store's records under `file`'s prefixes (`store::kept_records`): from the copy kept
/// beside the store while holding only its lock, else from the store itself, which keeps them
/// for next time.
pub fn kept_records(cli: &Cli, file: DerivedFile) -> Result<KeptRecords> {
    if let Some(store) = remote::served().or_else(remote::serving_store) {
        // This process holds the store, and with it the lock.
        if let Some(kept) = crate::store::kept_records::load(store.dir(), file) {
            return Ok(kept);
        }
        return crate::store::kept_records::keep(&store, file);
    }
    let dir = data_dir(cli)?;
    let lock = backup::lock_waiting(&dir)?;
    if let Some(kept) = crate::store::kept_records::load(&dir, file) {
        return Ok(kept);
    }
    drop(lock);
    crate::store::kept_records::keep(&*open_store(cli)?, file)
}

/// The moment a record is written: the clock's time on the day the store counts from, so that
/// a demo's (or `--today`'s) records are dated as the interface dates them.
pub fn now(cli: &Cli, store: &Store) -> Result<chrono::NaiveDateTime> {
    Ok(today(cli, store)?.and_time(chrono::Local::now().time()))
}

/// The date the checklist counts from: `--today`, else the store's (a demo pins one), else today.
pub fn today(cli: &Cli, store: &Store) -> Result<chrono::NaiveDate> {
    match cli.today {
        Some(day) => Ok(day),
        None => store.today(),
    }
}

pub fn print_json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut out = std::io::BufWriter::new(crate::out::stdout());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// As `print_json` for a list read one item at a time, printed the same way: a long list is never
/// held whole. An error stops the list where it is, and is returned.
pub fn print_json_each<T: Serialize>(items: impl Iterator<Item = Result<T>>) -> Result<()> {
    print_json_elements(items.map(|item| json_element(&item?)))
}

/// One element of a list as `print_json` prints it: pretty, indented under the bracket.
pub fn json_element<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    Ok(serde_json::to_string_pretty(value)?
        .replace('\n', "\n  ")
        .into_bytes())
}

/// Elements, JSON already, as one array, as `print_json` prints a list.
pub fn print_json_elements(elements: impl Iterator<Item = Result<Vec<u8>>>) -> Result<()> {
    write_json_elements(std::io::BufWriter::new(crate::out::stdout()), elements)
}

fn write_json_elements(
    out: impl Write,
    elements: impl Iterator<Item = Result<Vec<u8>>>,
) -> Result<()> {
    let mut list = JsonList::start(out)?;
    for element in elements {
        list.push_element(&element?)?;
    }
    list.finish()
}

/// A list printed as `print_json` prints one, its elements handed over one at a time by work
/// that visits them rather than yields them.
pub struct JsonList<W: Write> {
    out: W,
    any: bool,
}

impl<W: Write> JsonList<W> {
    pub fn start(mut out: W) -> Result<Self> {
        out.write_all(b"[")?;
        Ok(JsonList { out, any: false })
    }

    pub fn push<T: Serialize>(&mut self, value: &T) -> Result<()> {
        self.push_element(&json_element(value)?)
    }

    fn push_element(&mut self, element: &[u8]) -> Result<()> {
        let out = &mut self.out;
        out.write_all(if self.any { b",\n  " } else { b"\n  " })?;
        self.any = true;
        out.write_all(element)?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        let out = &mut self.out;
        out.write_all(if self.any { b"\n]\n" } else { b"]\n" })?;
        out.flush()?;
        Ok(())
    }
}

pub fn headers(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(&format!("cli.col.{k}"))).collect()
}

/// The office itself and every unit below it, in official order.
pub fn units_under(office: &str) -> Vec<String> {
    campaign()
        .descendants(office)
        .into_iter()
        .map(|(unit, _)| unit.id.clone())
        .collect()
}

/// What `peixun` says when a command failed, and its exit status: 2 for what the user can
/// mend, 1 otherwise.
pub fn failure(report: &color_eyre::Report, data_dir: Option<&std::path::Path>) -> (String, u8) {
    let damaged = data_dir.and_then(|dir| crate::store::damaged_message(report, dir));
    // Every message the user needs is in the chain; the backtrace is for developers.
    let chain: Vec<String> = report.chain().map(crate::error::cause_said).collect();
    let message = damaged.unwrap_or_else(|| chain.join(": "));
    let lines: Vec<_> = message
        .split('\n')
        .map(crate::domain::text::printable)
        .collect();
    let code = if is_user_error(report) { 2 } else { 1 };
    (lines.join("\n"), code)
}

pub fn run(cli: Cli) -> Result<()> {
    let backup_into = backup::wanted_after(&cli);
    if matches!(cli.command, None | Some(Command::Tui)) {
        // Closing the interface must be instant: its backup is written by a process of its
        // own, and only by the peixun that held the store (a visitor's holder does it).
        let shown = interface_or_visit(&cli);
        // A report still being written when the interface closed leaves nothing half-made.
        crate::unfinished::remove_under_way();
        if let Some(dir) = backup_into.filter(|_| matches!(&shown, Ok(s) if s.last_holder)) {
            backup::after_in_background(&dir);
        }
        end_if_stopped(shown?.closed);
        return Ok(());
    }
    keep_on_after_a_hang_up();
    // Should the signals be refused, Ctrl-C only ends the command as it always did.
    let _unwatched = crate::unfinished::remove_on_stop();
    let done = dispatch(cli);
    // A worker still writing when the command or the interface ended leaves nothing half-made.
    crate::unfinished::remove_under_way();
    // Before the day's backup, which opens the store itself; an interface that took the store
    // over from this command writes the backup when it closes.
    let handed_over = remote::stop_serving(None) > 0;
    done?;
    if let Some(dir) = backup_into.filter(|_| !handed_over) {
        backup::after(&dir);
    }
    Ok(())
}

/// A dropped SSH session hangs up the terminal: a command goes on to its end (an export's file
/// whole, an import committed, the day's backup written) instead of dying part way and leaving
/// a temp file beside its target. What it prints meanwhile is lost; input ends. (The interface
/// catches the hang-up itself and closes cleanly.)
fn keep_on_after_a_hang_up() {
    let hung_up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _ignored = signal_hook::flag::register(signal_hook::consts::SIGHUP, hung_up);
}

/// How an interface shown by this peixun ended.
struct Shown {
    /// This peixun held the store last: it writes the day's backup.
    last_holder: bool,
    closed: crate::tui::Closed,
}

/// An interface stopped by a signal ends the process as the signal would, once it has closed as
/// `q` closes it: what a worker was still writing is removed, not finished.
fn end_if_stopped(closed: crate::tui::Closed) {
    if let crate::tui::Closed::Stopped(signal) = closed {
        crate::unfinished::remove_under_way_and_exit(128 + signal);
    }
}

/// The interface on `store`, serving it to the office's other peixuns while it is open.
/// Returns whether it handed the store over to interfaces still open when it closed, and how it
/// closed.
fn interface(
    cli: &Cli,
    store: std::sync::Arc<Store>,
    took_over: Option<crate::tui::Resume>,
) -> Result<(bool, crate::tui::Closed)> {
    let today = today(cli, &store)?;
    let hub = remote::serve_while_running(&store);
    let (id, notices) = hub.join(&store);
    let link = crate::tui::Link {
        took_over,
        ..hub.link(id, notices)
    };
    let shown = crate::tui::run(std::sync::Arc::clone(&store), today, link);
    // The interface's own watcher is gone; what the command does after it (`demo`'s backup) is
    // stopped as before it.
    let _unwatched = crate::unfinished::remove_on_stop();
    // Visiting interfaces are told to take over; requests under way are answered before the
    // store closes.
    let handed_over = remote::stop_serving(Some(id)) > 0;
    shown.map(|closed| (handed_over, closed))
}

/// The interface: shown by the peixun holding the store when one does, else on the store
/// opened here. When the holder closes, this one takes the store over.
fn interface_or_visit(cli: &Cli) -> Result<Shown> {
    // Set once a holder has said it is closing: the store is free in a moment.
    let mut taking_over: Option<(std::time::Instant, crate::tui::Resume)> = None;
    loop {
        if let Some(stream) = remote::holder_of(cli, remote::SERVES_SOON) {
            let english = cli.lang == crate::i18n::Lang::En;
            match crate::tui::visit(stream, english, cli.today)? {
                crate::tui::Visit::Closed(closed) => {
                    return Ok(Shown {
                        last_holder: false,
                        closed,
                    })
                }
                crate::tui::Visit::HostLeft(resume) => {
                    taking_over = Some((std::time::Instant::now(), resume));
                    continue;
                }
                // Still held and answering: its interface for this one failed, and would again.
                crate::tui::Visit::Lost
                    if remote::holder_of(cli, remote::SERVES_SOON).is_some() =>
                {
                    return Err(eyre!(t("tui.visit.lost")));
                }
                crate::tui::Visit::Lost => {
                    taking_over = Some((std::time::Instant::now(), Default::default()));
                    continue;
                }
            }
        }
        let waited = taking_over.as_ref().map(|(since, _)| since.elapsed());
        // Taking over, the store is not waited for (a backup the old holder started waits for
        // it too): another visitor may hold it first, and is visited.
        let opened = match taking_over {
            Some(_) => Store::open(&data_dir(cli)?).map(std::sync::Arc::new),
            None => open_store(cli),
        };
        match opened {
            Ok(store) => {
                let resume = taking_over.map(|(_, resume)| resume);
                let (handed_over, closed) = interface(cli, store, resume)?;
                return Ok(Shown {
                    last_holder: !handed_over,
                    closed,
                });
            }
            Err(e)
                if crate::store::is_locked(&e)
                    && waited.is_some_and(|w| w < std::time::Duration::from_secs(10)) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(e) => return Err(e),
        }
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match &cli.command {
        None | Some(Command::Tui) => interface_or_visit(&cli).map(drop),
        Some(Command::Init { office, actor }) => init(&cli, office, actor.as_deref()),
        Some(Command::Demo(args)) => demo::demo(&cli, args),
        Some(Command::Campaign {
            command: CampaignCommand::Show { json },
        }) => {
            if *json {
                print_json(campaign())
            } else {
                crate::out!("{}", crate::campaign::show_text(campaign()));
                // The certification rules live in the cert layer, above the campaign data.
                let rules = crate::cert::Rules::load()?;
                crate::out!("{}", crate::cert::sources::sources_text(&rules));
                Ok(())
            }
        }
        Some(Command::Sessions { month, json }) => session::list(&cli, month.as_deref(), *json),
        Some(Command::Session { command }) => session::run(&cli, command),
        Some(Command::People { session, json }) => records::people(&cli, session.as_deref(), *json),
        Some(Command::Person { command }) => records::person(&cli, command),
        Some(Command::Enterprises { json }) => records::enterprises(&cli, *json),
        Some(Command::Enterprise { command }) => records::enterprise(&cli, command),
        Some(Command::Search {
            query,
            session,
            limit,
            json,
        }) => checkin::search(&cli, query, session.as_deref(), *limit, *json),
        Some(Command::Enrol(args)) => checkin::enrol(&cli, args),
        Some(Command::Checkin(args)) => checkin::checkin(&cli, args),
        Some(Command::Attendance { session, json }) => checkin::attendance(&cli, session, *json),
        Some(Command::Import(args)) => import::run(&cli, args),
        Some(Command::Report { command }) => report::run(&cli, command),
        Some(Command::Checklist(args)) => checklist::run(&cli, args),
        Some(Command::Due { days, json }) => checklist::due(&cli, *days, *json),
        Some(Command::Contact {
            name,
            phone,
            position,
            since,
            office_phone,
        }) => contacts::set(
            &cli,
            (name, phone, position.as_deref()),
            *since,
            office_phone.as_deref(),
        ),
        Some(Command::Who) => who(&cli),
        Some(Command::Contacts {
            history: true,
            json,
        }) => contacts::history(&cli, *json),
        Some(Command::Contacts { json, .. }) => contacts::list(&cli, *json),
        Some(Command::Award { command }) => award::run(&cli, command),
        Some(Command::Plan { command }) => plans::run(&cli, command),
        Some(Command::Outreach { command }) => outreach::run_outreach(&cli, command),
        Some(Command::Need { command }) => outreach::run_need(&cli, command),
        Some(Command::Publicity { command }) => outreach::run_publicity(&cli, command),
        Some(Command::Teacher { command }) => teachers::run(&cli, command),
        Some(Command::Log {
            record,
            limit,
            json,
        }) => doctor::log(&cli, record.as_deref(), *limit, *json),
        Some(Command::Doctor) => doctor::doctor(&cli),
        Some(Command::Completions { shell }) => {
            crate::cli_help::completions(cli.lang, *shell, &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Man) => crate::cli_help::man(cli.lang, &mut std::io::stdout().lock())
            .wrap_err("writing the man page"),
        Some(Command::Cert { command }) => cert::run(&cli, command),
        Some(Command::Keys { command }) => keys::keys(&cli, command),
        Some(Command::Bundle { command }) => bundle::bundle(&cli, command),
        Some(Command::Backup { auto: true, .. }) => backup::auto_in_background(&cli),
        Some(Command::Backup { json, .. }) => backup::backup_now(&cli, *json),
        Some(Command::Restore { file, keys, json }) => {
            backup::restore(&cli, file, keys.as_deref(), *json)
        }
    }
}

/// Who is at the keyboard, for the audit trail: the login name, even where `$USER` is unset
/// (cron, some SSH set-ups), read from the password database by user id.
fn login_name() -> String {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(name) = std::env::var(var) {
            if !name.is_empty() {
                return name;
            }
        }
    }
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() }.to_string();
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| {
            passwd.lines().find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                (fields.get(2) == Some(&uid.as_str())).then(|| fields[0].to_string())
            })
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}

fn init(cli: &Cli, office: &str, actor: Option<&str>) -> Result<()> {
    let unit = crate::domain::input::resolve_unit(office).map_err(user_error)?;
    let dir = data_dir(cli)?;
    let actor = actor.map_or_else(login_name, str::to_string);
    let store = Store::create(&dir, &unit, &actor)?;
    crate::outln!(
        "{}",
        tf(
            "cli.init.done",
            &[
                ("office", &unit_name(store.office())),
                ("role", &role_label(store.office())),
                ("dir", &dir.display()),
            ]
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `doctor` stopped by a full disk said so in the system's English at the end of its
    /// Chinese message.
    #[test]
    fn a_full_disk_in_a_failure_is_said_in_the_ui_language() {
        let _zh = crate::i18n::speak_on_this_thread(crate::i18n::Lang::Zh);
        for full in [
            color_eyre::Report::new(std::io::Error::from_raw_os_error(libc::ENOSPC)),
            color_eyre::Report::new(sled::Error::Io(std::io::Error::from_raw_os_error(
                libc::ENOSPC,
            ))),
        ] {
            let (said, _) = failure(&full.wrap_err("检查没有做完，数据未作改动"), None);
            assert_eq!(
                said,
                format!("检查没有做完，数据未作改动: {}", t("cli.io.full"))
            );
            assert!(said.contains("磁盘已满"), "{said}");
        }
        let other = color_eyre::Report::new(std::io::Error::from_raw_os_error(libc::EIO));
        let (said, _) = failure(&other, None);
        assert!(said.contains("os error"), "{said}");
    }

    /// A list printed an item at a time reads exactly as the whole list printed at once.
    #[test]
    fn a_list_printed_item_by_item_is_the_whole_list_printed() {
        let rows = |n: usize| {
            (0..n)
                .map(|i| serde_json::json!({"单位": "鄂城区", "n": i, "inner": {"a": [i]}}))
                .collect::<Vec<_>>()
        };
        for n in [0, 1, 3] {
            let mut out = Vec::new();
            let elements = rows(n).into_iter().map(|row| json_element(&row));
            write_json_elements(&mut out, elements).unwrap();
            let whole = serde_json::to_string_pretty(&rows(n)).unwrap() + "\n";
            assert_eq!(String::from_utf8(out).unwrap(), whole);
        }
    }
}
