//! Listening, one thread per connection, the list of who is connected, and stopping only once
//! every request under way has been answered.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::io::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::wire::{self, Client, Reply, Request};
use crate::out::{Sink, Stream};

/// What the service does with a request; it answers through the connection.
pub type Handler = dyn Fn(Request, &mut Connection) + Send + Sync;

/// A request's way back to its peixun.
pub struct Connection {
    stream: UnixStream,
    id: u64,
    shared: Arc<Shared>,
}

impl Connection {
    pub fn reply(&mut self, reply: &Reply) -> io::Result<()> {
        wire::write_frame(&mut self.stream, reply)
    }

    /// The other peixuns connected now.
    pub fn others(&self) -> Vec<Client> {
        lock(&self.shared.clients)
            .iter()
            .filter(|(id, _)| *id != self.id)
            .map(|(_, client)| client.clone())
            .collect()
    }

    /// The connection itself, for a request that goes on (an interface): one copy to read
    /// from, one to write to.
    pub fn stream(&self) -> io::Result<UnixStream> {
        self.stream.try_clone()
    }

    /// The standard input this peixun sends after its request, read as it comes.
    pub fn input(&self) -> io::Result<Box<dyn io::BufRead>> {
        Ok(Box::new(io::BufReader::new(Input {
            stream: self.stream.try_clone()?,
            pending: io::Cursor::new(Vec::new()),
            ended: false,
        })))
    }

    /// Where a command run for this peixun prints.
    pub fn sink(&self) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(Replies(self.stream.try_clone()?)))
    }
}

/// `Input` frames as a reader; `InputEnd`, or the sender going away, is the end.
struct Input {
    stream: UnixStream,
    pending: io::Cursor<Vec<u8>>,
    ended: bool,
}

impl io::Read for Input {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let n = self.pending.read(buf)?;
            if n > 0 || self.ended || buf.is_empty() {
                return Ok(n);
            }
            match wire::read_frame::<Request>(&mut self.stream) {
                Ok(Some(Request::Input(bytes))) => self.pending = io::Cursor::new(bytes),
                Ok(Some(_)) | Ok(None) | Err(_) => self.ended = true,
            }
        }
    }
}

/// A command's output as `Out`/`Err` replies.
struct Replies(UnixStream);

impl Sink for Replies {
    fn write(&mut self, stream: Stream, bytes: &[u8]) -> io::Result<()> {
        let reply = match stream {
            Stream::Out => Reply::Out(bytes.to_vec()),
            Stream::Err => Reply::Err(bytes.to_vec()),
        };
        wire::write_frame(&mut self.0, &reply)
    }
}

#[derive(Default)]
struct Shared {
    clients: Mutex<Vec<(u64, Client)>>,
    next_id: AtomicU64,
    /// Connections being served; the server stops when this is back to nothing.
    running: Mutex<usize>,
    finished: Condvar,
    stopping: AtomicBool,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The listening service; dropping it stops listening, waits for the requests under way and
/// removes the socket.
pub struct Server {
    path: PathBuf,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    /// The listening socket, to stop the accept loop with even if the socket file is gone.
    listening: UnixListener,
    /// What removes the socket when a closed pipe ends the process.
    on_broken_pipe: Option<signal_hook::SigId>,
}

/// A peixun that stops reading (a pager paused, a frozen SSH session) cannot hold a command,
/// and so the holder's closing, for longer than this.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

impl Server {
    /// Listens on `path`. The caller holds the store's lock, so a socket already there is one a
    /// holder that died left behind, and is replaced.
    pub fn start(path: &Path, handler: Arc<Handler>) -> io::Result<Server> {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let listener = UnixListener::bind(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        let listening = listener.try_clone()?;
        let shared = Arc::new(Shared::default());
        let accepting = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("service".into())
            .spawn(move || accept_loop(&listener, &accepting, &handler))?;
        Ok(Server {
            path: path.to_path_buf(),
            shared,
            accept: Some(accept),
            listening,
            on_broken_pipe: remove_on_broken_pipe(path),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // The accept loop is blocked in accept(): shutting the listening socket down wakes it
        // (accept then fails) to see it must stop, even where the socket file was removed.
        // SAFETY: shutdown only changes the state of a socket this server owns.
        unsafe {
            libc::shutdown(self.listening.as_raw_fd(), libc::SHUT_RDWR);
        }
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let mut running = lock(&self.shared.running);
        while *running > 0 {
            running = self
                .shared
                .finished
                .wait(running)
                .unwrap_or_else(PoisonError::into_inner);
        }
        drop(running);
        if let Some(id) = self.on_broken_pipe.take() {
            signal_hook::low_level::unregister(id);
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A peixun ended by a closed pipe (`peixun people | head`) runs no destructor, and would leave
/// its socket for the next peixun to find unanswered: the socket is removed on the way out.
/// Only where a closed pipe ends the process (as `main` sets it); where it is ignored, writes
/// see the error instead and the server's drop removes the socket.
fn remove_on_broken_pipe(path: &Path) -> Option<signal_hook::SigId> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: sigaction with no new action only reads the signal's disposition.
    let ends_process = unsafe {
        let mut now: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut now) == 0
            && now.sa_sigaction == libc::SIG_DFL
    };
    if !ends_process {
        return None;
    }
    // SAFETY: the action calls only unlink and the signal's default action, both safe in a
    // signal handler, on a path made beforehand.
    unsafe {
        signal_hook::low_level::register(libc::SIGPIPE, move || {
            libc::unlink(path.as_ptr());
            let _ = signal_hook::low_level::emulate_default_handler(libc::SIGPIPE);
        })
    }
    .ok()
}

fn accept_loop(listener: &UnixListener, shared: &Arc<Shared>, handler: &Arc<Handler>) {
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of descriptors or similar: try again shortly rather than spin.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        *lock(&shared.running) += 1;
        let running = Running(Arc::clone(shared));
        let handler = Arc::clone(handler);
        let shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new()
            .name("service-client".into())
            .spawn(move || {
                let _running = running;
                serve_one(stream, shared, handler.as_ref());
            });
        // A thread that could not start dropped its `Running` with the closure.
        drop(spawned);
    }
}

/// Counts a connection as served when dropped, even when its handler panicked.
struct Running(Arc<Shared>);

impl Drop for Running {
    fn drop(&mut self) {
        *lock(&self.0.running) -= 1;
        self.0.finished.notify_all();
    }
}

fn serve_one(stream: UnixStream, shared: Arc<Shared>, handler: &Handler) {
    let _for_another = crate::out::work_for_another();
    // Only the owner's own peixuns: the folder is private already, and the socket says so too.
    let Some(pid) = peer_of_this_user(&stream) else {
        return;
    };
    // A peixun sends its request at once; a connection that says nothing is not kept waiting.
    let mut reading = &stream;
    if stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .and_then(|()| stream.set_write_timeout(Some(WRITE_TIMEOUT)))
        .is_err()
    {
        return;
    }
    let Ok(Some(request)) = wire::read_frame::<Request>(&mut reading) else {
        return;
    };
    if stream.set_read_timeout(None).is_err() {
        return;
    }
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    let doing = match &request {
        Request::Run { args, .. } => {
            let mut line = vec!["peixun"];
            line.extend(args.iter().skip(1).map(String::as_str));
            line.join(" ")
        }
        Request::Interface { terminal, .. } => format!("peixun  {terminal}").trim().to_string(),
        Request::Who => "peixun who".to_string(),
        // Only ever after a first request.
        Request::Key(_)
        | Request::Resize { .. }
        | Request::Stop
        | Request::Input(_)
        | Request::InputEnd => return,
    };
    lock(&shared.clients).push((
        id,
        Client {
            pid,
            since_ms: chrono::Local::now().timestamp_millis(),
            doing,
        },
    ));
    let mut connection = Connection {
        stream,
        id,
        shared: Arc::clone(&shared),
    };
    if connection.reply(&Reply::Started).is_ok() {
        handler(request, &mut connection);
    }
    lock(&shared.clients).retain(|(other, _)| *other != id);
}

/// The process at the other end, if it runs as this user.
fn peer_of_this_user(stream: &UnixStream) -> Option<u32> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = libc::socklen_t::try_from(std::mem::size_of::<libc::ucred>()).ok()?;
    // SAFETY: `cred` and `len` are valid for writes and sized for SO_PEERCRED's answer.
    let read = unsafe {
        libc::getsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            std::ptr::addr_of_mut!(cred).cast(),
            &mut len,
        )
    };
    // SAFETY: getuid has no preconditions and cannot fail.
    let me = unsafe { libc::getuid() };
    (read == 0 && cred.uid == me)
        .then(|| u32::try_from(cred.pid).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn echo_who() -> Arc<Handler> {
        Arc::new(|request: Request, connection: &mut Connection| {
            if request == Request::Who {
                let _ = connection.reply(&Reply::Clients(connection.others()));
            } else {
                // Stays connected until the other side goes.
                let mut stream = connection.stream().unwrap();
                let _ = wire::read_frame::<Request>(&mut stream);
            }
        })
    }

    #[test]
    fn who_lists_the_others_and_the_socket_is_the_owners_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("peixun.sock");
        let server = Server::start(&path, echo_who()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let mut staying = UnixStream::connect(&path).unwrap();
        wire::write_frame(&mut staying, &Request::Stop).unwrap();
        let mut interface = UnixStream::connect(&path).unwrap();
        let asked = Request::Interface {
            english: false,
            today: None,
            cols: 80,
            rows: 24,
            folder: "/home/zm".into(),
            terminal: "/dev/pts/9".into(),
        };
        wire::write_frame(&mut interface, &asked).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        let clients = loop {
            let mut who = UnixStream::connect(&path).unwrap();
            wire::write_frame(&mut who, &Request::Who).unwrap();
            assert_eq!(wire::read_frame(&mut who).unwrap(), Some(Reply::Started));
            let Some(Reply::Clients(clients)) = wire::read_frame(&mut who).unwrap() else {
                panic!("no answer");
            };
            // An earlier round's `who` may still be listed while it closes.
            let interface = clients.iter().any(|c| c.doing != "peixun who");
            if interface || Instant::now() > deadline {
                break clients;
            }
        };
        // The interface is listed; the connection whose first frame was no request is not.
        let clients: Vec<_> = clients
            .into_iter()
            .filter(|c| c.doing != "peixun who")
            .collect();
        assert_eq!(clients.len(), 1, "{clients:?}");
        assert_eq!(clients[0].doing, "peixun  /dev/pts/9");
        assert_eq!(clients[0].pid, std::process::id());
        drop(interface);
        drop(staying);
        drop(server);
        assert!(!path.exists(), "the socket goes with the server");
    }

    #[test]
    fn stopping_does_not_wait_for_a_socket_file_someone_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("peixun.sock");
        let server = Server::start(&path, echo_who()).unwrap();
        std::fs::remove_file(&path).unwrap();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(server);
            let _ = done.send(());
        });
        assert!(finished.recv_timeout(Duration::from_secs(5)).is_ok());
    }
}
