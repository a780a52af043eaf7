//! Finding people as whole processes, at every scale (`PEIXUN_BENCH_SCALES`): `peixun search`
//! answering from the index kept beside the store and, as it did before, building the index
//! from the store, beside `fzf --filter` on the same people with their pinyin, measured in the
//! same run; and after a person changed, answering from the kept index with the change kept
//! beside it. Then, in process: the door's office index built into its kept file against built
//! held in memory, loaded from the kept file against built from the store, and keystrokes at
//! the door answered from the kept file against from the index held in memory.

#[path = "support/mod.rs"]
mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::Criterion;
use peixun::search::door::candidates;
use peixun::search::office::OfficeIndex;
use peixun::search::{cache, SearchIndex};
use peixun::store::derived::{search_index_path, DerivedFile};
use peixun::store::Store;

const QUERY: &str = "zs";

fn run(command: &mut Command) -> Duration {
    let start = Instant::now();
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{e}"));
    let took = start.elapsed();
    assert!(status.success(), "{command:?} failed");
    took
}

fn search(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_peixun"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(["search", QUERY, "--limit", "20"]);
    command
}

/// Everyone in the store as fzf would be given them: name, initials, full pinyin, phone, code,
/// enterprise, one line each.
fn lines(store: &Store, into: &Path) {
    let people = store.people().unwrap_or_else(|e| panic!("{e}"));
    let everyone = candidates(store, &people).unwrap_or_else(|e| panic!("{e}"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(into).unwrap());
    for c in everyone {
        let (initials, full) = peixun::search::pinyin::variants(&c.name)
            .first()
            .map(|v| (v.initials.clone(), v.full.clone()))
            .unwrap_or_default();
        writeln!(
            out,
            "{} {initials} {full} {} {} {}",
            c.name, c.phone, c.code, c.enterprise
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }
    out.flush().unwrap_or_else(|e| panic!("{e}"));
}

fn fzf_installed() -> bool {
    Command::new("fzf")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

fn fzf(lines: &Path) -> Command {
    let mut command = Command::new("fzf");
    command
        .args(["--filter", QUERY])
        .stdin(std::fs::File::open(lines).unwrap_or_else(|e| panic!("{e}")));
    command
}

fn main() {
    let scratch = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut criterion = Criterion::default().configure_from_args().sample_size(10);
    for scale in support::scales() {
        let name = support::name(scale);
        let dir = support::demo_store(scale);
        let kept = search_index_path(&dir);
        let _ = std::fs::remove_file(&kept);
        let builds = (0..3)
            .map(|_| {
                let _ = std::fs::remove_file(&kept);
                run(&mut search(&dir))
            })
            .collect();
        let built = support::median(builds);
        let from_kept = support::median((0..11).map(|_| run(&mut search(&dir))).collect());
        let list = scratch.path().join(format!("{name}.txt"));
        {
            let store = Store::open(&dir).unwrap_or_else(|e| panic!("{e}"));
            lines(&store, &list);
            support::walk_in(&store);
        }
        let after_change = support::median((0..11).map(|_| run(&mut search(&dir))).collect());
        support::report(
            "search zs as a process after a person changed: kept index and the change beside it, against building the index again",
            name,
            after_change,
            built,
            "",
        );
        match fzf_installed() {
            true => {
                let peer = support::median((0..11).map(|_| run(&mut fzf(&list))).collect());
                support::report(
                    "search zs as a process, kept index, against fzf --filter",
                    name,
                    from_kept,
                    peer,
                    &format!("building the index as before: {:.1} ms", support::ms(built)),
                );
            }
            false => support::report(
                "search zs as a process, kept index (fzf not installed)",
                name,
                from_kept,
                built,
                "baseline: building the index as before",
            ),
        }
        let store = Store::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mut held = None;
        let build = support::time(1, || {
            let people = store.people().unwrap_or_else(|e| panic!("{e}"));
            let everyone = candidates(&store, &people).unwrap_or_else(|e| panic!("{e}"));
            held = Some(std::hint::black_box(SearchIndex::build(everyone, [])));
        });
        let held = OfficeIndex::whole(held.unwrap_or_default());
        // Built again, so that no change kept beside it (the walk-in above) is searched too.
        let into_file = support::time(3, || {
            DerivedFile::Search
                .remove_from(&dir)
                .unwrap_or_else(|e| panic!("{e}"));
            std::hint::black_box(cache::office_index(&store).unwrap_or_else(|e| panic!("{e}")));
        });
        support::report(
            "door office index built into its kept file (columns put aside, key lists made from them read back), against built held in memory",
            name,
            into_file,
            build,
            "",
        );
        let kept = cache::office_index(&store).unwrap_or_else(|e| panic!("{e}"));
        let typing = |index: &OfficeIndex| {
            for keystroke in support::keystrokes() {
                std::hint::black_box(index.search(&keystroke, 20));
            }
        };
        support::report(
            "door keystrokes (every prefix of 7 queries): kept index read a page at a time, against held in memory",
            name,
            support::time(11, || typing(&kept)),
            support::time(11, || typing(&held)),
            "",
        );
        criterion.bench_function(&format!("{name}/door_keystrokes_from_kept_file"), |b| {
            b.iter(|| typing(&kept))
        });
        drop(held);
        let load = support::time(5, || {
            std::hint::black_box(cache::office_index(&store).unwrap_or_else(|e| panic!("{e}")));
        });
        support::report(
            "door office index: kept file loaded, against built from the store",
            name,
            load,
            build,
            "",
        );
        criterion.bench_function(&format!("{name}/door_index_from_kept_file"), |b| {
            b.iter(|| cache::office_index(&store).unwrap_or_else(|e| panic!("{e}")))
        });
    }
    criterion.final_summary();
}
