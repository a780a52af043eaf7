//! The 报表 tab's long work off the event loop: writing a report, reading and planning an import,
//! committing it. `prepare` takes the wanted job out of the state as owned work, `execute` runs
//! it (on a worker thread in the app, in place in tests) sending progress lines, and `finish`
//! puts the outcome on screen (reloading the tabs after an import).

use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::app::State;
use super::data::reload;
use super::door;
use super::effects::chain;
use super::tabs::reports::{ImportJob, ImportWhat, Job, Outcome, Preview, ReportJob, ReportKind};
use super::tabs::sync::SyncJob;
use super::tabs::sync_jobs;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::sheets::import::{self, Options};
use crate::sheets::people::PeoplePlan;
use crate::sheets::stamp::office_name;
use crate::sheets::{enterprises, people, read, report, rollup};
use crate::store::Store;

/// A job with everything it needs, owned, so it can go to another thread.
pub enum Work {
    Report(ReportJob),
    Preview(ImportJob),
    Commit {
        payloads: Vec<Payload>,
        rows: usize,
        skipped: usize,
    },
    /// A bundle export or import (the 同步 tab).
    Sync(SyncJob),
}

pub enum Done {
    Written(String),
    Previewed(ImportJob, Box<PeoplePlan>),
    Committed(String),
    Failed(String),
    Sync(sync_jobs::Done),
}

/// What the worker sends: progress lines, then the outcome.
pub enum Message {
    Progress(String),
    Done(Done),
}

/// Takes the wanted job out of the state as owned work, with the line saying what runs.
pub fn prepare(state: &mut State) -> Option<Work> {
    if let Some(job) = sync_jobs::prepare(state) {
        return Some(Work::Sync(job));
    }
    let job = state.reports.wanted.take()?;
    let (label, work) = match job {
        Job::Report(job) => (
            tf("tui.reports.writing", &[("report", &job.kind.title())]),
            Work::Report(job),
        ),
        Job::Preview(job) => (t("tui.reports.reading"), Work::Preview(job)),
        Job::Commit { skip } => {
            let plan = &state.reports.preview.as_ref()?.plan;
            let options = Options {
                skip_invalid: skip,
                dry_run: false,
            };
            if plan.outcome(options) == import::Outcome::Refused {
                return None;
            }
            let work = Work::Commit {
                payloads: plan.payloads.clone(),
                rows: plan.rows - plan.errors.len(),
                skipped: plan.errors.len(),
            };
            (t("tui.reports.importing"), work)
        }
    };
    state.reports.outcome = None;
    state.reports.running = Some((label, String::new(), 0));
    Some(work)
}

/// Runs `work` on a worker thread; the receiver gets its progress and outcome.
pub fn spawn(store: &Arc<Store>, work: Work) -> Result<Receiver<Message>> {
    let (tx, rx) = mpsc::channel();
    let store = Arc::clone(store);
    std::thread::Builder::new()
        .name("report-job".into())
        .spawn(move || {
            let progress = |line: String| {
                // The receiver is gone only when the app is leaving.
                let _ = tx.send(Message::Progress(line));
            };
            let done = execute(&store, work, &progress);
            let _ = tx.send(Message::Done(done));
        })
        .wrap_err("starting the report worker")?;
    Ok(rx)
}

pub fn execute(store: &Store, work: Work, progress: &dyn Fn(String)) -> Done {
    let result = match work {
        Work::Report(job) => write_report(store, &job, progress).map(Done::Written),
        Work::Preview(job) => {
            preview(store, &job, progress).map(|plan| Done::Previewed(job, Box::new(plan)))
        }
        Work::Commit {
            payloads,
            rows,
            skipped,
        } => commit(store, payloads, rows, skipped).map(Done::Committed),
        Work::Sync(job) => Ok(Done::Sync(sync_jobs::execute(store, job, progress))),
    };
    result.unwrap_or_else(|e| Done::Failed(chain(&e)))
}

fn write_report(store: &Store, job: &ReportJob, progress: &dyn Fn(String)) -> Result<String> {
    let office = &job.office;
    let path = &job.path;
    progress(t("tui.reports.collecting"));
    let maker = office_name(office, store.office())?;
    let mut printed = None;
    let (doc, done) = match job.kind {
        ReportKind::Stats => {
            use chrono::Datelike;
            let rows = report::stats_rows(store, office, job.today.year(), job.today)?;
            let people: u32 = rows.iter().map(|r| r.people).sum();
            let done = tf(
                "tui.reports.stats_done",
                &[("classes", &rows.len()), ("people", &people)],
            );
            (report::stats_document(&maker, &rows, job.today), done)
        }
        ReportKind::Signin => {
            let session = job
                .session
                .as_deref()
                .ok_or_else(|| eyre!(t("tui.reports.pick_session")))?;
            let maker = office_name(store.office(), store.office())?;
            let sheet = report::signin_document(store, session, &maker, job.today)?;
            let done = tf(
                "tui.reports.signin_done",
                &[
                    ("count", &sheet.order.count()),
                    ("version", &sheet.order.version),
                ],
            );
            printed = Some(sheet.order);
            (sheet.document, done)
        }
        ReportKind::Checklist => {
            let doc = rollup::checklist_document(store, office, job.today, &maker)?;
            let done = tf("tui.reports.table_done", &[("rows", &doc.body_len())]);
            (doc, done)
        }
        ReportKind::Coverage => {
            let coverage = rollup::coverage(store, office)?;
            let doc = rollup::coverage_document(store, office, &coverage, job.today, &maker)?;
            let done = tf("tui.reports.table_done", &[("rows", &doc.body_len())]);
            (doc, done)
        }
    };
    progress(tf("tui.reports.saving", &[("file", &path.display())]));
    // The default folder is made on first use; a folder typed by hand must exist.
    let folder = crate::sheets::output::reports_dir();
    if path.parent() == Some(folder.as_path()) && !folder.exists() {
        std::fs::create_dir_all(&folder).wrap_err_with(|| {
            tf(
                "cli.report.write_failed",
                &[("file", &path.display()), ("reason", &folder.display())],
            )
        })?;
    }
    let written = crate::sheets::output::write_document(path, &doc, job.encoding)?;
    if let Some(order) = printed {
        order.record(store)?;
    }
    // The file on a line of its own, so the screen never breaks the message inside its name.
    Ok(format!(
        "{done}\n{}",
        tf("cli.report.written", &[("file", &written.display())])
    ))
}

fn preview(store: &Store, job: &ImportJob, progress: &dyn Fn(String)) -> Result<PeoplePlan> {
    progress(tf(
        "tui.reports.reading_file",
        &[("file", &job.path.display())],
    ));
    let grid = read::read(&job.path, job.sheet.as_deref())?;
    progress(tf(
        "tui.reports.checking_rows",
        &[("rows", &grid.rows.len())],
    ));
    match job.what {
        ImportWhat::People => people::plan(store, &grid, job.session.as_deref()),
        ImportWhat::Enterprises => enterprises::plan(store, &grid),
    }
}

fn commit(store: &Store, payloads: Vec<Payload>, rows: usize, skipped: usize) -> Result<String> {
    if payloads.is_empty() {
        return Ok(t("tui.reports.nothing_to_import"));
    }
    // One commit: all of it is written, or none.
    store.commit(payloads)?;
    Ok(tf(
        "tui.reports.imported",
        &[("rows", &rows), ("skipped", &skipped)],
    ))
}

/// A progress line from the worker.
pub fn progressed(state: &mut State, line: String) {
    let running = state
        .sync
        .running
        .as_mut()
        .or(state.reports.running.as_mut());
    if let Some((_, progress, _)) = running {
        *progress = line;
    }
}

/// The running job's time so far; whether the tenths of a second shown changed.
pub fn tick(state: &mut State, elapsed: u64) -> bool {
    let running = state
        .sync
        .running
        .as_mut()
        .or(state.reports.running.as_mut());
    match running {
        Some((_, _, ms)) => {
            let changed = *ms / 100 != elapsed / 100;
            *ms = elapsed;
            changed
        }
        None => false,
    }
}

/// Puts the outcome on screen; after an import every tab is read again.
pub fn finish(store: &Store, state: &mut State, done: Done) {
    let done = match done {
        Done::Sync(done) => return sync_jobs::finish(store, state, done),
        Done::Failed(text) if state.sync.running.is_some() => {
            return sync_jobs::finish(store, state, sync_jobs::Done::failed(text));
        }
        other => other,
    };
    state.reports.running = None;
    let (text, error) = match done {
        Done::Written(text) => (text, false),
        Done::Failed(text) => (text, true),
        Done::Sync(_) => return,
        Done::Previewed(job, plan) => {
            state.reports.preview = Some(Preview {
                job,
                plan: *plan,
                scroll: 0,
            });
            return;
        }
        Done::Committed(text) => {
            state.reports.preview = None;
            // New people are missing from the office index until it is built again.
            state.checkin.office_stale = true;
            match reload(store, state).and_then(|()| door::refresh(store, state)) {
                Ok(()) => (text, false),
                Err(e) => (chain(&e), true),
            }
        }
    };
    // The status line is one line; the tab shows the outcome's lines as they are.
    let line = text.replace('\n', " ");
    state.reports.outcome = Some(Outcome { text, error });
    if error {
        state.error(line);
    } else {
        state.info(line);
    }
}

/// Runs a wanted job in place: for tests, which have no worker.
pub fn run_now(store: &Store, state: &mut State) {
    if let Some(work) = prepare(state) {
        let done = execute(store, work, &|_| {});
        finish(store, state, done);
    }
}
