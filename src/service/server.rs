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

    /// Where a command run for this peixun prints.
    pub fn sink(&self) -> io::Result<Box<dyn Sink>> {
        Ok(Box::new(Replies(self.stream.try_clone()?)))
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
}

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
        let shared = Arc::new(Shared::default());
        let accepting = Arc::clone(&shared);
        let accept = std::thread::Builder::new()
            .name("service".into())
            .spawn(move || accept_loop(&listener, &accepting, &handler))?;
        Ok(Server {
            path: path.to_path_buf(),
            shared,
            accept: Some(accept),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // The accept loop is blocked in accept(): a connection wakes it to see it must stop.
        drop(UnixStream::connect(&self.path));
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
        let _ = std::fs::remove_file(&self.path);
    }
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
    // Only the owner's own peixuns: the folder is private already, and the socket says so too.
    let Some(pid) = peer_of_this_user(&stream) else {
        return;
    };
    // A peixun sends its request at once; a connection that says nothing is not kept waiting.
    let mut reading = &stream;
    if stream
        .set_read_timeout(Some(Duration::from_secs(5)))
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
        Request::Interface { .. } => "peixun".to_string(),
        Request::Who => "peixun who".to_string(),
        // Only ever after a first request.
        Request::Key(_) | Request::Resize { .. } | Request::Stop => return,
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
    handler(request, &mut connection);
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
