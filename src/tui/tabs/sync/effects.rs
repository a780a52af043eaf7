//! The 同步 tab's long work: writing a bundle for a peer, taking in bundle files. Runs on a
//! worker (in place in tests), sending progress lines; the outcome goes in the
//! tab's results panel (an import's total, then each file's lines), and after an import every
//! tab is read again.

use color_eyre::eyre::Result;

use super::data;
use super::state::{FileResult, Outcome, SyncEffect, SyncJob};
use super::update::form;
use crate::app;
use crate::campaign::unit_name;
use crate::i18n::{t, tf};
use crate::store::Store;
use crate::sync::export::{check_destination, export, ExportOptions, FILES_CAP};
use crate::sync::import::Outcome as ImportOutcome;
use crate::sync::media::incoming_bundles;
use crate::sync::summary::{import_file, office_name, outcome_lines, FileOutcome};
use crate::sync::Keys;
use crate::tui::app::{Overlay, State, Tab};
use crate::tui::data::reload;
use crate::tui::effects::{busy, chain, start};
use crate::tui::jobs::Work;
use crate::tui::runner::Workers;
use crate::tui::tabs::checkin::effects as door;

/// Runs the tab's effects: its reads (a failure goes to the status line), and its jobs.
pub fn run_effect(store: &Store, workers: &dyn Workers, state: &mut State, effect: SyncEffect) {
    let result = match effect {
        SyncEffect::Start {
            export_to,
            place,
            with_files,
        } => {
            if busy(state) {
                return;
            }
            let job = match export_to {
                Some(to) => match check_destination(&place) {
                    // The form's line is narrow: the short form of the refusal.
                    Err(_) => return refuse(state, "output", t("sync.tui.bad_place")),
                    Ok(_) => SyncJob::Export {
                        to,
                        output: place,
                        with_files,
                    },
                },
                None => match incoming_bundles(&place, store.office()) {
                    Ok((paths, _)) => SyncJob::Import { paths },
                    Err(message) => return refuse(state, "input", message),
                },
            };
            state.sync.close_results();
            state.overlay = Overlay::None;
            let job = prepare(state, job);
            return start(workers, state, Work::Sync(job));
        }
        SyncEffect::Finished(done) => return finish(store, state, *done),
        SyncEffect::Trust {
            path,
            fingerprint,
            replace,
        } => return trust(store, state, &path, (&fingerprint, replace)),
        SyncEffect::Refresh => data::load(store, &mut state.sync, state.today),
        SyncEffect::Open(kind) => {
            state.sync.media = data::media();
            if let Some(form) = form(&state.sync, &kind) {
                state.overlay = Overlay::Form(form);
            }
            Ok(())
        }
    };
    if let Err(e) = result {
        state.error(chain(&e));
    }
}

/// Trusts the file the form names. What stops it is said next to the field to fix, the form
/// staying open; what changed goes in the results panel, with the peers read again.
fn trust(store: &Store, state: &mut State, path: &std::path::Path, typed: (&str, bool)) {
    let (fingerprint, replace) = typed;
    let file = match app::trust::read(path) {
        Ok(file) => file,
        Err(refusal) => return refuse_or_fail(state, "card", refusal),
    };
    let needs_fingerprint = |office: &&str| *office != store.office() && fingerprint.is_empty();
    if let Some(office) = file.card_office().filter(needs_fingerprint) {
        let message = tf(
            "sync.tui.fingerprint_needed",
            &[("office", &unit_name(office))],
        );
        return refuse(state, "fingerprint", message);
    }
    let mut lines = Vec::new();
    let trusted = app::trust::take_in(store, &file, (Some(fingerprint), replace), || {
        keys(store, &mut lines)
    });
    match trusted {
        Ok(trusted) => {
            lines.extend(trusted.lines());
            state.overlay = Overlay::None;
            finish(
                store,
                state,
                Done {
                    outcome: Outcome {
                        lines,
                        ..Outcome::default()
                    },
                    changed: false,
                },
            );
        }
        Err(refusal) => refuse_or_fail(state, "card", refusal),
    }
}

/// A refusal in words next to `field`; one naming its field, or a question, where the app puts
/// them; the machine failing, on the status line.
fn refuse_or_fail(state: &mut State, field: &str, refusal: app::Refusal) {
    // A question answered before is asked again after any other refusal.
    if let Some(form) = state.form_mut() {
        form.disarm();
    }
    match refusal {
        app::Refusal::Said(message) => refuse(state, field, message),
        refusal => crate::tui::effects::report(state, refusal),
    }
}

/// A place the bundle form cannot use, said next to its field; the form stays open, and a
/// question answered before is asked again.
fn refuse(state: &mut State, field: &str, message: String) {
    if let Some(form) = state.form_mut() {
        form.disarm();
        form.set_error(field, message);
    }
}

/// How a sync job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub outcome: Outcome,
    /// Something was taken in: every tab reads the store again.
    pub changed: bool,
}

impl Done {
    /// A job that failed as a whole, with the one line saying why.
    pub fn failed(line: String) -> Done {
        Done {
            outcome: Outcome {
                lines: vec![line],
                error: true,
                ..Outcome::default()
            },
            changed: false,
        }
    }
}

/// The job about to run, with the line saying what runs.
fn prepare(state: &mut State, job: SyncJob) -> SyncJob {
    let label = match &job {
        SyncJob::Export { to, .. } => tf("sync.tui.exporting", &[("office", &office_name(to))]),
        SyncJob::Import { paths } => tf("sync.tui.importing", &[("count", &paths.len())]),
    };
    state.sync.running = Some((label, String::new(), 0));
    job
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
    let mut outcome = Outcome::default();
    let result = match job {
        SyncJob::Export {
            to,
            output,
            with_files,
        } => run_export(
            store,
            &to,
            &output,
            with_files,
            progress,
            &mut outcome.lines,
        )
        .map(|()| false),
        SyncJob::Import { paths } => run_import(store, &paths, progress, &mut outcome),
    };
    let changed = match result {
        Ok(changed) => changed,
        Err(e) => {
            outcome.lines.push(chain(&e));
            outcome.error = true;
            // Files taken in before the failure stay in: the tabs read the store again.
            outcome.files.iter().any(|f| !f.refused)
        }
    };
    Done { outcome, changed }
}

fn run_export(
    store: &Store,
    to: &str,
    output: &std::path::Path,
    with_files: bool,
    progress: &dyn Fn(String),
    lines: &mut Vec<String>,
) -> Result<()> {
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
    Ok(())
}

/// Takes in each file, one result per file, with the total first when there are several.
/// Returns whether anything was taken in.
fn run_import(
    store: &Store,
    paths: &[std::path::PathBuf],
    progress: &dyn Fn(String),
    outcome: &mut Outcome,
) -> Result<bool> {
    let keys = keys(store, &mut outcome.lines)?;
    let (mut imported, mut already) = (0, 0);
    let mut failure = None;
    for (i, path) in paths.iter().enumerate() {
        // The name is what tells bundles apart at 80 columns; the folder was typed just now.
        let file = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        // A file on a stick may be named anything; what reaches the screen is plain text.
        let file = crate::domain::text::printable(&file).into_owned();
        progress(tf(
            "sync.tui.importing_file",
            &[("n", &(i + 1)), ("count", &paths.len()), ("file", &file)],
        ));
        let result = match import_file(store, &keys, path) {
            Ok(FileOutcome::Done(done)) => {
                match done {
                    ImportOutcome::Imported(_) => imported += 1,
                    ImportOutcome::AlreadyImported { .. } => already += 1,
                }
                FileResult {
                    lines: outcome_lines(&file, &done),
                    refused: false,
                }
            }
            Ok(FileOutcome::Refused { message, .. }) => FileResult {
                lines: vec![tf(
                    "sync.tui.file_refused",
                    &[("file", &file), ("cause", &message)],
                )],
                refused: true,
            },
            // The store or the disk failed: the files after this one are left alone.
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        outcome.files.push(result);
    }
    let refused = outcome.files.iter().filter(|f| f.refused).count();
    outcome.error = refused > 0;
    if paths.len() > 1 {
        let key = if already > 0 {
            "sync.tui.total_already"
        } else {
            "sync.tui.total"
        };
        let total = tf(
            key,
            &[
                ("count", &paths.len()),
                ("imported", &imported),
                ("already", &already),
                ("refused", &refused),
            ],
        );
        outcome.lines.push(total);
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(imported > 0),
    }
}

/// Puts the outcome on the tab; after an import the whole screen is read again.
fn finish(store: &Store, state: &mut State, done: Done) {
    let mut outcome = done.outcome;
    if done.changed {
        // New people are missing from the office index until it is built again.
        state.checkin.office_stale = true;
        if let Err(e) = reload(store, state).and_then(|()| door::refresh(store, state)) {
            outcome.lines.push(chain(&e));
            outcome.error = true;
        }
    }
    if let Err(e) = data::load(store, &mut state.sync, state.today) {
        outcome.lines.push(chain(&e));
        outcome.error = true;
    }
    // The results are on the tab; the status line only says it ended, and where to look when
    // another tab is showing.
    let here = state.tab == Tab::Sync;
    let key = match (outcome.error, here) {
        (true, true) => "sync.tui.failed_here",
        (true, false) => "sync.tui.failed_status",
        (false, true) => "sync.tui.done_here",
        (false, false) => "sync.tui.done_status",
    };
    if outcome.error {
        state.error(t(key));
    } else {
        state.info(t(key));
    }
    state.sync.show(outcome);
}
