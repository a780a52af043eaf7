//! `peixun demo`: a demo store built, then opened or named.

use std::path::Path;

use color_eyre::eyre::Result;

use super::{end_if_stopped, interface, unit_name};
use crate::cli::{Cli, DemoArgs, Scale};
use crate::i18n::tf;
use crate::store::{Store, StoreError};

pub(super) fn demo(cli: &Cli, args: &DemoArgs) -> Result<()> {
    let (dir, announce) = match &cli.data_dir {
        Some(dir) => (dir.clone(), false),
        None => (
            std::env::temp_dir().join(format!("peixun-demo-{}", std::process::id())),
            true,
        ),
    };
    if announce || args.no_tui {
        crate::errln!("{}", tf("cli.demo.where", &[("dir", &dir.display())]));
    }
    let mut last_percent = usize::MAX;
    let mut progress = |done: usize, total: usize| {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if percent != last_percent && percent.is_multiple_of(10) {
            last_percent = percent;
            crate::errln!("{}", tf("cli.demo.progress", &[("percent", &percent)]));
        }
    };
    // A demo stopped while it is built leaves no folder it made itself.
    let made_here = !dir.exists() && std::fs::create_dir_all(&dir).is_ok();
    if made_here {
        crate::unfinished::making(&dir);
    }
    let store = match build_aside(&dir, args.scale, args.seed, &mut progress) {
        Ok(store) => store,
        Err(e) => {
            if made_here {
                crate::unfinished::remove_under_way();
            }
            return Err(e);
        }
    };
    if args.no_tui {
        crate::outln!(
            "{}",
            tf(
                "cli.demo.built",
                &[
                    ("office", &unit_name(store.office())),
                    ("dir", &dir.display())
                ]
            )
        );
        return Ok(());
    }
    let (_, closed) = interface(cli, std::sync::Arc::new(store), None)?;
    end_if_stopped(closed);
    Ok(())
}

/// The demo store of `dir`, built in a folder of its own inside it (`.peixun-demo-PID-XXXXXX`)
/// and moved in only when whole: a demo killed outright (SIGKILL, a power cut) leaves no store
/// there to pass for a whole one, and the next demo into `dir` removes what it left.
fn build_aside(
    dir: &Path,
    scale: Scale,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Store> {
    // Before the build, which takes minutes at the province.
    if Store::exists(dir) {
        return Err(StoreError::AlreadyExists(dir.to_path_buf()).into());
    }
    let open_failed = |e: std::io::Error| {
        color_eyre::Report::new(e).wrap_err(tf("cli.store.open_failed", &[("dir", &dir.display())]))
    };
    std::fs::create_dir_all(dir).map_err(open_failed)?;
    let work = crate::unfinished::folder_in_own(dir, "demo").map_err(open_failed)?;
    let built = crate::demo::build(work.path(), scale, seed, progress)?;
    // Named in one step with the store's arrival: a stop after it keeps the folder made here.
    crate::unfinished::name(dir, || built.move_into(dir))?;
    // What is left of the work (its lock, files derived from the store there) goes with it.
    drop(work);
    Store::open(dir)
}
