//! Commands and interfaces run through the store service. The peixun holding a store serves it
//! while its command or interface runs (`serve_while_running`); another peixun on the same data
//! folder sends its command line or shows its interface there (`send`), so reads and writes work
//! whoever holds the store, and every interface is told when the log changed.

mod send;

pub use send::{client_lines, clients, forward, holder_of, SERVES_AFTER_OPENING, SERVES_SOON};

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use clap::FromArgMatches;
use color_eyre::eyre::eyre;

use crate::cli::{Cli, Command};
use crate::i18n::{t, Lang};
use crate::service::wire::{self, Reply, Request};
use crate::service::{Connection, Server};
use crate::store::Store;
use crate::tui::{Link, Notice};

thread_local! {
    static SERVED: RefCell<Option<Arc<Store>>> = const { RefCell::new(None) };
}

/// The store this thread's command runs on for another peixun, if it does.
pub fn served() -> Option<Arc<Store>> {
    SERVED.with(|slot| slot.borrow().clone())
}

/// The thread's command works on its own store again when this drops.
struct OnServed(());

impl Drop for OnServed {
    fn drop(&mut self) {
        SERVED.with(|slot| slot.borrow_mut().take());
    }
}

fn serve_on_this_thread(store: Arc<Store>) -> OnServed {
    SERVED.with(|slot| *slot.borrow_mut() = Some(store));
    OnServed(())
}

/// Every interface on a store (the holder's and the visiting ones), to tell of changes.
#[derive(Default)]
pub struct Hub {
    next: AtomicU64,
    listeners: Mutex<Vec<(u64, Sender<Notice>)>>,
    /// The holder is closing: an interface that joins now hears so at once.
    closing: std::sync::atomic::AtomicBool,
    /// The log's length when the interfaces were last told of a change.
    told_at: Mutex<Option<u64>>,
}

impl Hub {
    /// A new listener on `store`: its number, and the way it hears. It hears of every growth of
    /// the log from now on.
    pub fn join(&self, store: &Store) -> (u64, Receiver<Notice>) {
        {
            let mut told_at = self.told_at();
            if told_at.is_none() {
                *told_at = store.ops_written().ok();
            }
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::channel();
        let mut listeners = self.listeners();
        if self.closing.load(Ordering::SeqCst) {
            let _ = tx.send(Notice::HostLeaving);
        }
        listeners.push((id, tx));
        (id, rx)
    }

    /// The holder is closing: every interface but its own (`holder`) is told to leave, and so
    /// is any that joins from now on. Returns how many were told.
    pub fn close(&self, holder: u64) -> usize {
        let listeners = self.listeners();
        self.closing.store(true, Ordering::SeqCst);
        drop(listeners);
        self.tell(Notice::HostLeaving, Some(holder));
        self.listeners()
            .iter()
            .filter(|(id, _)| *id != holder)
            .count()
    }

    /// The tie of interface `id` to the others: it hears on `notices` and tells them it wrote.
    pub fn link(self: &Arc<Self>, id: u64, notices: Receiver<Notice>) -> Link {
        let hub = Arc::clone(self);
        Link {
            notices,
            wrote: Box::new(move |now| hub.wrote(now, id)),
            took_over: None,
        }
    }

    /// Tells every listener but `except`; one that has gone is forgotten.
    pub fn tell(&self, notice: Notice, except: Option<u64>) {
        self.listeners()
            .retain(|(id, tx)| Some(*id) == except || tx.send(notice).is_ok());
    }

    /// Tells every interface when the log has grown since they were last told. With nobody
    /// listening the log is not read.
    pub fn tell_if_grown(&self, store: &Store) {
        if self.listeners().is_empty() {
            return;
        }
        let now = store.ops_written().ok();
        let mut told_at = self.told_at();
        if now != *told_at {
            *told_at = now;
            self.tell(Notice::Changed, None);
        }
    }

    /// Interface `by` grew the log to `now` itself: the others are told, and the watch does not
    /// tell it again (unless it saw the write first: then `by` reads its tabs once more).
    fn wrote(&self, now: u64, by: u64) {
        let mut told_at = self.told_at();
        if *told_at != Some(now) {
            *told_at = Some(now);
            self.tell(Notice::Changed, Some(by));
        }
    }

    fn told_at(&self) -> std::sync::MutexGuard<'_, Option<u64>> {
        self.told_at.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn listeners(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Sender<Notice>)>> {
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The store this process holds and serves while its command (or interface) runs.
struct Serving {
    store: Arc<Store>,
    hub: Arc<Hub>,
    /// `None` where the socket could not be made: the store is then this peixun's alone.
    server: Option<Server>,
    /// The watch on every write to the store (this process's command's, a command run for
    /// another peixun), ended by `stop_serving`.
    watching: Option<(Sender<()>, std::thread::JoinHandle<()>)>,
}

/// How often the holder looks whether the log grew, for the interfaces: a command's writes (a
/// scanner's pipe checks people in one by one) reach them within this. An interface tells the
/// others of its own writes at once.
const LOOK: std::time::Duration = std::time::Duration::from_millis(50);

/// Tells the hub, every `LOOK`, when the log has grown, until told to stop.
fn watch(store: &Arc<Store>, hub: &Arc<Hub>) -> Option<(Sender<()>, std::thread::JoinHandle<()>)> {
    let (stop, stopped) = mpsc::channel::<()>();
    let (store, hub) = (Arc::clone(store), Arc::clone(hub));
    let thread = std::thread::Builder::new()
        .name("watch-writes".into())
        .spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(LOOK) {
                hub.tell_if_grown(&store);
            }
        })
        .ok()?;
    Some((stop, thread))
}

static SERVING: Mutex<Option<Serving>> = Mutex::new(None);

fn serving() -> std::sync::MutexGuard<'static, Option<Serving>> {
    SERVING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Serves `store` to the office's other peixuns until `stop_serving`; the hub tells the
/// interfaces on it of changes. A store already served is served once.
pub fn serve_while_running(store: &Arc<Store>) -> Arc<Hub> {
    let mut slot = serving();
    if let Some(serving) = slot.as_ref().filter(|s| Arc::ptr_eq(&s.store, store)) {
        return Arc::clone(&serving.hub);
    }
    let hub = Arc::new(Hub::default());
    *slot = Some(Serving {
        store: Arc::clone(store),
        server: serve(store, &hub),
        watching: watch(store, &hub),
        hub: Arc::clone(&hub),
    });
    hub
}

fn stop_watching(serving: &mut Serving) {
    if let Some((stop, thread)) = serving.watching.take() {
        drop(stop);
        let _ = thread.join();
    }
}

/// The store this process already holds and serves, for a command that opens it again.
pub fn serving_store() -> Option<Arc<Store>> {
    serving().as_ref().map(|s| Arc::clone(&s.store))
}

/// This process is done with its store: interfaces visiting it (all but `own`, this process's
/// interface) are told to take over, requests under way are answered, and the store closes
/// once the last holder of it lets go. Returns how many interfaces were told.
pub fn stop_serving(own: Option<u64>) -> usize {
    let Some(mut serving) = serving().take() else {
        return 0;
    };
    // The command's last writes reach the visitors before they are told to take over.
    stop_watching(&mut serving);
    serving.hub.tell_if_grown(&serving.store);
    let told = serving.hub.close(own.unwrap_or(u64::MAX));
    drop(serving.server);
    told
}

/// Starts answering other peixuns on `store`, telling `hub` of every command that added to the
/// log and showing visiting interfaces. `None` where the socket cannot be made (a folder path
/// too long for one): the store is then this peixun's alone, as it always was.
fn serve(store: &Arc<Store>, hub: &Arc<Hub>) -> Option<Server> {
    let store_for_requests = Arc::clone(store);
    let hub = Arc::clone(hub);
    let handler = move |request: Request, connection: &mut Connection| {
        let store = &store_for_requests;
        match request {
            Request::Who => {
                let _ = connection.reply(&Reply::Clients(connection.others()));
            }
            Request::Run {
                args,
                english,
                input,
                folder,
            } => {
                let _folder = crate::out::work_in(folder.into());
                let code = run_for(store, args, english, input, connection);
                // At once, not at the watch's next look.
                hub.tell_if_grown(store);
                // A report or a `doctor` run here must not leave the holder at its peak.
                crate::heap::release_freed();
                let _ = connection.reply(&Reply::Exit(code));
            }
            Request::Interface {
                english,
                today,
                cols,
                rows,
                folder,
                ..
            } => show_to_visitor(
                &folder,
                store,
                &hub,
                english,
                today.as_deref(),
                (cols, rows),
                connection,
            ),
            // Only ever after an `Interface` or a `Run`, which read them themselves.
            Request::Key(_)
            | Request::Resize { .. }
            | Request::Stop
            | Request::Input(_)
            | Request::InputEnd => {}
        }
    };
    let path = crate::service::socket_path(store.dir());
    Server::start(&path, Arc::new(handler)).ok()
}

/// A visiting peixun's interface, run here on `store` until it ends.
fn show_to_visitor(
    folder: &str,
    store: &Arc<Store>,
    hub: &Arc<Hub>,
    english: bool,
    today: Option<&str>,
    size: (u16, u16),
    connection: &Connection,
) {
    let lang = if english { Lang::En } else { Lang::Zh };
    let _lang = crate::i18n::speak_on_this_thread(lang);
    let _folder = crate::out::work_in(folder.into());
    let today = match today.map(str::parse::<chrono::NaiveDate>) {
        Some(Ok(day)) => Ok(day),
        _ => store.today(),
    };
    let Ok(stream) = connection.stream() else {
        return;
    };
    let (id, notices) = hub.join(store);
    let link = hub.link(id, notices);
    let shown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        today.and_then(|today| crate::tui::host(Arc::clone(store), today, link, &stream, size))
    }))
    .unwrap_or_else(|_| Err(eyre!(t("cli.service.failed"))));
    if let Err(error) = shown {
        let mut stream = stream;
        let said = format!("peixun: {}\n", super::failure(&error, Some(store.dir())).0);
        let _ = wire::write_frame(&mut stream, &Reply::Err(said.into_bytes()));
        let _ = wire::write_frame(&mut stream, &Reply::Exit(1));
    }
}

/// Runs one command line on `store` with its output, language and input those of the peixun
/// that sent it. Returns its exit status.
fn run_for(
    store: &Arc<Store>,
    args: Vec<String>,
    english: bool,
    input: bool,
    connection: &Connection,
) -> u8 {
    let lang = if english { Lang::En } else { Lang::Zh };
    let Ok(sink) = connection.sink() else {
        return 1;
    };
    let _lang = crate::i18n::speak_on_this_thread(lang);
    let _out = crate::out::redirect(sink);
    let input = match input.then(|| connection.input()).transpose() {
        Ok(input) => input,
        Err(_) => return 1,
    };
    let _input = input.map(crate::out::provide_input);
    let _served = serve_on_this_thread(Arc::clone(store));
    let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut command = crate::cli_help::command(lang);
        let cli = command
            .try_get_matches_from_mut(&args)
            .and_then(|matches| Cli::from_arg_matches(&matches));
        match cli {
            Err(error) => {
                crate::errln!("peixun: {}", error.render());
                2
            }
            // The sender checks this too; a peixun of this version never sends one of these.
            Ok(cli) if !runs_in_service(&cli) => {
                crate::errln!("peixun: {}", t("cli.service.not_here"));
                2
            }
            Ok(cli) => match super::dispatch(cli) {
                Ok(()) => 0,
                Err(report) => {
                    let (message, code) = super::failure(&report, Some(store.dir()));
                    crate::errln!("peixun: {message}");
                    code
                }
            },
        }
    }));
    ran.unwrap_or_else(|_| {
        crate::errln!("peixun: {}", t("cli.service.failed"));
        1
    })
}

/// Whether a command may run in the peixun holding the store: not the interface (it is that
/// peixun's), nor what makes, replaces or waits for a store of its own.
fn runs_in_service(cli: &Cli) -> bool {
    !matches!(
        cli.command,
        None | Some(
            Command::Tui
                | Command::Init { .. }
                | Command::Demo(_)
                | Command::Who
                | Command::Completions { .. }
                | Command::Man
                | Command::Restore { .. }
                | Command::Backup { auto: true, .. }
        )
    )
}
