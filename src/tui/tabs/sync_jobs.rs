//! The 同步 tab's long work: writing a bundle for a peer, taking in bundle files. Runs on the
//! worker `jobs` starts (in place in tests), sending progress lines; the outcome's lines go on
//! the tab, and after an import every tab is read again.

use color_eyre::eyre::Result;

use super::sync::{form, Outcome, SyncEffect, SyncJob};
use super::sync_data;
use crate::i18n::{t, tf};
use crate::store::Store;
use crate::sync::export::{export, ExportOptions, FILES_CAP};
use crate::sync::summary::{import_file, office_name, outcome_lines, FileOutcome};
use crate::sync::Keys;
use crate::tui::app::{Overlay, State};
use crate::tui::data::reload;
use crate::tui::door;
use crate::tui::effects::chain;

/// Runs the tab's reads; a failure goes to the status line.
pub fn run_effect(store: &Store, state: &mut State, effect: SyncEffect) {
    let result = match effect {
        SyncEffect::Refresh => sync_data::load(store, &mut state.sync, state.today),
        SyncEffect::Open(kind) => {
            state.sync.media = sync_data::media();
            if let Some(form) = form(state, &kind) {
                state.overlay = Overlay::Form(form);
            }
            Ok(())
        }
    };
    if let Err(e) = result {
        state.error(chain(&e));
    }
}

/// How a sync job ended.
pub struct Done {
    pub lines: Vec<String>,
    /// Something was refused or failed.
    pub error: bool,
    /// Something was taken in: every tab reads the store again.
    pub changed: bool,
}

/// Takes the wanted job out of the state, with the line saying what runs.
pub fn prepare(state: &mut State) -> Option<SyncJob> {
    let job = state.sync.wanted.take()?;
    let label = match &job {
        SyncJob::Export { to, .. } => tf("sync.tui.exporting", &[("office", &office_name(to))]),
        SyncJob::Import { paths } => tf("sync.tui.importing", &[("count", &paths.len())]),
    };
    state.sync.outcome = None;
    state.sync.running = Some((label, String::new(), 0));
    Some(job)
}

/// This office's keys; made on first use, as the CLI does, and said so.
fn keys(store: &Store, lines: &mut Vec<String>) -> Result<Keys> {
    let (keys, created) = Keys::load_or_create(store.dir(), store.office())?;
    if created {
        let dir = crate::sync::identity::keys_dir(store.dir());
        lines.push(tf("sync.keys.created_auto", &[("dir", &dir.display())]));
    }
    Ok(keys)
}

pub fn execute(store: &Store, job: SyncJob, progress: &dyn Fn(String)) -> Done {
    let mut lines = Vec::new();
    let result = match job {
        SyncJob::Export {
            to,
            output,
            with_files,
        } => run_export(store, &to, &output, with_files, progress, &mut lines),
        SyncJob::Import { paths } => run_import(store, &paths, progress, &mut lines),
    };
    match result {
        Ok((error, changed)) => Done {
            lines,
            error,
            changed,
        },
        Err(e) => {
            lines.push(chain(&e));
            Done {
                lines,
                error: true,
                changed: false,
            }
        }
    }
}

fn run_export(
    store: &Store,
    to: &str,
    output: &std::path::Path,
    with_files: bool,
    progress: &dyn Fn(String),
    lines: &mut Vec<String>,
) -> Result<(bool, bool)> {
    let keys = keys(store, lines)?;
    progress(t("sync.tui.collecting"));
    let options = ExportOptions {
        files_cap: with_files.then_some(FILES_CAP),
        ..ExportOptions::default()
    };
    let exported = export(store, &keys, to, output, &options)?;
    let file = exported
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    lines.push(tf(
        "sync.export.done",
        &[
            ("file", &file),
            ("to", &office_name(to)),
            ("seq", &exported.link_seq),
            ("ops", &exported.ops),
            ("ranges", &exported.ranges.len()),
            ("bytes", &exported.bytes),
        ],
    ));
    if exported.files > 0 {
        lines.push(tf(
            "sync.export.files",
            &[("count", &exported.files), ("bytes", &exported.file_bytes)],
        ));
    }
    if exported.missing_files > 0 {
        lines.push(tf(
            "sync.export.files_missing",
            &[("count", &exported.missing_files)],
        ));
    }
    if exported.unsigned_chains > 0 {
        lines.push(tf(
            "sync.export.unsigned",
            &[("count", &exported.unsigned_chains)],
        ));
    }
    Ok((false, false))
}

fn run_import(
    store: &Store,
    paths: &[std::path::PathBuf],
    progress: &dyn Fn(String),
    lines: &mut Vec<String>,
) -> Result<(bool, bool)> {
    let keys = keys(store, lines)?;
    let (mut refused, mut changed) = (false, false);
    for (i, path) in paths.iter().enumerate() {
        // The name is what tells bundles apart at 80 columns; the folder was typed just now.
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        progress(tf(
            "sync.tui.importing_file",
            &[("n", &(i + 1)), ("count", &paths.len()), ("file", &file)],
        ));
        match import_file(store, &keys, path)? {
            FileOutcome::Done(outcome) => {
                changed = true;
                lines.extend(outcome_lines(&file, &outcome));
            }
            FileOutcome::Refused { message, .. } => {
                refused = true;
                lines.push(tf(
                    "sync.import.rejected",
                    &[("file", &file), ("cause", &message)],
                ));
            }
        }
    }
    Ok((refused, changed))
}

/// Puts the outcome on the tab; after an import the whole screen is read again.
pub fn finish(store: &Store, state: &mut State, done: Done) {
    state.sync.running = None;
    let mut error = done.error;
    let mut lines = done.lines;
    if done.changed {
        // New people are missing from the office index until it is built again.
        state.checkin.office_stale = true;
        if let Err(e) = reload(store, state).and_then(|()| door::refresh(store, state)) {
            lines.push(chain(&e));
            error = true;
        }
    }
    if let Err(e) = sync_data::load(store, &mut state.sync, state.today) {
        lines.push(chain(&e));
        error = true;
    }
    // The lines are on the tab; the status line only says it ended, for another tab.
    if error {
        state.error(t("sync.tui.failed_status"));
    } else {
        state.info(t("sync.tui.done_status"));
    }
    state.sync.outcome = Some(Outcome { lines, error });
}
