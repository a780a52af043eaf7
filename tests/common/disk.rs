//! A small disk that can be filled, for the tests of what a full disk does.
//!
//! A full disk is a real one where possible: a 64 MiB tmpfs mounted for the test, when the tests
//! run as root and `mount` works. Elsewhere the child runs under RLIMIT_FSIZE (set in
//! `pre_exec`, with SIGXFSZ ignored so the write fails with EFBIG instead of killing it): the
//! same failing write, reached another way. Each test prints which one it used;
//! `PEIXUN_FAULTS_RLIMIT=1` forces the limit.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

pub fn bin(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_peixun"));
    command
        .arg("--data-dir")
        .arg(dir)
        .env_remove("PEIXUN_LANG")
        .env("XDG_CONFIG_HOME", dir.with_extension("config"));
    command
}

pub enum Disk {
    Tmpfs,
    /// The file size limit for the child, in bytes, once the disk is "full".
    Rlimit(Option<u64>),
}

/// A small disk that can be filled: a tmpfs when we may mount one, else a file size limit.
pub struct SmallDisk {
    root: tempfile::TempDir,
    pub kind: Disk,
}

impl SmallDisk {
    pub fn new() -> SmallDisk {
        let root = tempfile::tempdir().unwrap();
        let mount = root.path().join("disk");
        std::fs::create_dir(&mount).unwrap();
        // PEIXUN_FAULTS_RLIMIT=1 takes the other way even where a mount would work.
        let mounted = std::env::var_os("PEIXUN_FAULTS_RLIMIT").is_none()
            && is_root()
            && Command::new("mount")
                .args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"])
                .arg(&mount)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        let kind = if mounted {
            Disk::Tmpfs
        } else {
            Disk::Rlimit(None)
        };
        eprintln!(
            "full disk by {}",
            if mounted { "tmpfs" } else { "RLIMIT_FSIZE" }
        );
        SmallDisk { root, kind }
    }

    pub fn path(&self) -> PathBuf {
        self.root.path().join("disk")
    }

    /// Takes every free byte (tmpfs), or caps the child's files at the size of the largest file
    /// under `near` so that growing any of them fails (rlimit).
    pub fn fill(&mut self, near: &Path) {
        match &mut self.kind {
            Disk::Tmpfs => {
                let mut filler = std::fs::File::create(self.path().join("filler")).unwrap();
                let block = vec![0u8; 64 * 1024];
                while filler.write_all(&block).is_ok() {}
                // The last partial block: byte by byte until nothing fits.
                while filler.write_all(&[0]).is_ok() {}
            }
            Disk::Rlimit(limit) => *limit = Some(largest_file(near)),
        }
    }

    /// What is on the disk but the filler.
    pub fn left(&self) -> Vec<String> {
        std::fs::read_dir(self.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "filler")
            .collect()
    }

    pub fn free(&mut self) {
        match &mut self.kind {
            Disk::Tmpfs => std::fs::remove_file(self.path().join("filler")).unwrap(),
            Disk::Rlimit(limit) => *limit = None,
        }
    }

    /// The command, under the file size limit when that is how this disk is full.
    pub fn command(&self, dir: &Path) -> Command {
        let mut command = bin(dir);
        if let Disk::Rlimit(Some(limit)) = self.kind {
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(move || {
                    libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                    let rlim = libc::rlimit {
                        rlim_cur: limit,
                        rlim_max: limit,
                    };
                    if libc::setrlimit(libc::RLIMIT_FSIZE, &rlim) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        command
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if let Disk::Tmpfs = self.kind {
            let _ = Command::new("umount").arg(self.path()).status();
        }
    }
}

pub fn largest_file(dir: &Path) -> u64 {
    let mut largest = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let meta = entry.metadata().unwrap();
        largest = largest.max(if meta.is_dir() {
            largest_file(&entry.path())
        } else {
            meta.len()
        });
    }
    largest
}
