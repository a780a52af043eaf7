//! Bundles that claim more than they are: a signed header promising a 1 GiB payload, a zstd
//! bomb, a range claiming millions of ops, an op of a terabyte. Each is refused with its cause,
//! exit 2, the store unchanged, and the importer's peak memory stays under 100 MB. A FIFO and
//! /dev/zero are refused at once, never read.

mod common;
use common::*;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use peixun::log::device::tagged;
use peixun::store::Store;
use peixun::sync::bundle::{seal_payload, Draft, RangeHeader, Routing, SignedHead};
use peixun::sync::{trust, ChainKind, Keys};

const CITY: &str = "420700";
const COUNTY: &str = "420704";

/// A city store that trusts the county, both folders under `root`.
fn offices(root: &Path) -> (PathBuf, Keys, Keys) {
    let city_dir = root.join("city");
    let city = Store::create(&city_dir, CITY, "市局").unwrap();
    let city_keys = Keys::create(&city_dir, CITY).unwrap();
    let county_keys = Keys::generate(COUNTY);
    let card = county_keys.card().unwrap();
    trust::trust_card(&city, &card, &card.fingerprint()).unwrap();
    (city_dir, city_keys, county_keys)
}

/// The county's signed bundle to the city around `payload`, which says it is `len` bytes, with
/// one range of `ops` ops.
fn hostile(county: &Keys, city: &Keys, ops: u64, payload: &[u8], len: u64) -> Vec<u8> {
    let device = tagged(COUNTY, 1);
    let head = SignedHead::sign(county, device, ChainKind::Full, ops, [3; 32]).unwrap();
    let draft = Draft {
        routing: Routing {
            sender: COUNTY.into(),
            sender_epoch: county.epoch(),
            recipient: CITY.into(),
            recipient_epoch: city.epoch(),
            bundle_id: [5; 16],
        },
        link_seq: 1,
        seen_link_seq: 0,
        created_ms: 1,
        acks: vec![],
        ranges: vec![(RangeHeader { first: 1, head }, vec![])],
        files: vec![],
    };
    seal_payload(
        &draft,
        payload,
        len,
        county,
        &city.age_identity().to_public(),
    )
    .unwrap()
}

/// Compressed at a low level, so this test process stays small: a child's peak memory is
/// never below what its parent had when it was started.
fn zstd_of(reader: impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    zstd::stream::copy_encode(reader, &mut out, 1).unwrap();
    out
}

fn varint(mut n: u64, out: &mut Vec<u8>) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Runs the binary to its end (killed after `limit`): what it said, and its peak RSS in
/// kilobytes, from its own resource usage. Linux folds the spawning process's own peak into the
/// child's at exec, so these tests have a small binary of their own.
#[allow(clippy::zombie_processes)] // reaped by wait4, which also gives its resource usage
fn run_measured(dir: &Path, args: &[&str], limit: Duration) -> (Output, i64) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("PEIXUN_LANG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    // Small outputs: the pipes never fill before the child ends.
    let start = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: wait4 fills the status and the usage it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if done == pid {
            break (status, usage);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{args:?} did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_end(&mut stderr)
        .unwrap();
    let output = Output {
        status: std::os::unix::process::ExitStatusExt::from_raw(status),
        stdout,
        stderr,
    };
    (output, usage.ru_maxrss)
}

#[test]
fn claimed_and_bombed_payloads_are_refused_in_little_memory() {
    let root = tempfile::tempdir().unwrap();
    let (city_dir, city, county) = offices(root.path());

    // 1. A 1 GiB payload promised, a few hundred bytes given.
    let claim = hostile(&county, &city, 1, &zstd_of(&b"\x01\x01"[..]), 1 << 30);
    // 2. A real bomb: a gigabyte of zeros in a few kilobytes.
    let bomb = hostile(
        &county,
        &city,
        1,
        &zstd_of(std::io::repeat(0).take(1 << 30)),
        1 << 30,
    );
    // 3. A range that claims ten million ops, then an op of a terabyte.
    let mut huge = Vec::new();
    varint(1, &mut huge);
    varint(10_000_000, &mut huge);
    varint(1 << 40, &mut huge);
    let op = hostile(&county, &city, 10_000_000, &zstd_of(&huge[..]), 1 << 29);
    // 4. More than any payload may be.
    let over = hostile(&county, &city, 1, &zstd_of(&b"\x01"[..]), 4 << 30);
    assert!(claim.len() < 40_000 && bomb.len() < 100_000, "small files");

    for (name, bytes, said) in [
        ("claim.pxb", &claim, "操作数据校验不通过"),
        ("bomb.pxb", &bomb, "操作数据校验不通过"),
        ("op.pxb", &op, "1048576"),
        ("over.pxb", &over, "1073741824"),
    ] {
        let file = root.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let (out, peak_kb) = run_measured(
            &city_dir,
            &["bundle", "import", file.to_str().unwrap()],
            Duration::from_secs(60),
        );
        assert_eq!(out.status.code(), Some(2), "{name}: {}", text(&out));
        assert!(text(&out).contains(said), "{name}: {}", text(&out));
        assert!(peak_kb < 100 * 1024, "{name}: peak {peak_kb} KB");
        eprintln!("{name}: {} bytes, refused, peak {peak_kb} KB", bytes.len());
    }
    let doctor = stdout(&peixun(&city_dir, &["doctor"]));
    assert!(
        doctor.contains("检查通过：0 条操作"),
        "nothing taken in: {doctor}"
    );
}

/// A FIFO would block forever, /dev/zero never ends and a socket cannot be read: each is named
/// and refused at once, for a bundle, a card and a spreadsheet.
#[test]
fn a_fifo_or_a_device_is_refused_at_once() {
    let root = tempfile::tempdir().unwrap();
    let (city_dir, _, _) = offices(root.path());
    let fifo = root.path().join("stick.pxb");
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo reads the NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let zero = "/dev/zero";
    let fifo = fifo.to_str().unwrap();
    // A socket cannot even be opened; it is named as one all the same.
    let socket_path = root.path().join("agent.sock");
    let _socket = std::os::unix::net::UnixListener::bind(&socket_path).unwrap();
    let socket = socket_path.to_str().unwrap();
    for (args, kind) in [
        (vec!["bundle", "import", socket], "套接字"),
        (vec!["bundle", "import", fifo], "命名管道"),
        (vec!["bundle", "import", zero], "设备文件"),
        (vec!["bundle", "inspect", zero], "设备文件"),
        (vec!["keys", "trust", fifo], "命名管道"),
        (vec!["import", zero], "设备文件"),
    ] {
        let (out, _) = run_measured(&city_dir, &args, Duration::from_secs(10));
        assert!(!out.status.success(), "{args:?}");
        let said = text(&out);
        assert!(
            said.contains(kind) && said.contains("不是普通文件"),
            "{args:?}: {said}"
        );
    }
}
