//! The store service. sled lets one process hold a store, so the peixun holding an office's
//! store while its interface is open answers the other peixuns of the same data folder on a Unix
//! socket there (owner only): a `due`, a report or a check-in from the command line runs in the
//! holder against its store instead of being refused. This module is the transport; what a
//! request means is the commands' business.

mod server;
pub mod wire;

use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

pub use server::{Connection, Handler, Server};

/// The socket's name inside the data folder. It names the version of what is said on it: a
/// peixun of another version finds no socket, and is told the store is in use, rather than
/// sending what the holder cannot read.
pub const SOCKET: &str = "peixun-1.sock";

pub fn socket_path(dir: &Path) -> PathBuf {
    dir.join(SOCKET)
}

/// A connection to the service of `dir`, if one answers: a socket left by a holder that died
/// refuses, and then there is none.
pub fn connect(dir: &Path) -> Option<UnixStream> {
    UnixStream::connect(socket_path(dir)).ok()
}
