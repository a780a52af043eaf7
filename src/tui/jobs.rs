//! The 报表 tab's long work off the event loop: writing a report, reading and planning an import,
//! committing it. `prepare` makes a job owned work, `execute` runs it (on a worker thread in the
//! app, in place in tests) sending progress lines, and `finish` puts the outcome on screen
//! (asking for the tabs to be read again after an import).

use std::time::Instant;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::action::Effect;
use super::app::{Overlay, State};
use super::data::reload;
use super::effects::chain;
use super::tabs::checkin::effects as door;
use super::tabs::reports::{ImportJob, ImportWhat, Job, Outcome, Preview, ReportJob, ReportKind};
use super::tabs::sync::effects as sync_effects;
use super::tabs::sync::{SyncEffect, SyncJob};
use crate::i18n::{t, tf};

use crate::sheets::doc::Document;
use crate::sheets::import::{self, Options};
use crate::sheets::people::PeoplePlan;
use crate::sheets::stamp::office_name;
use crate::sheets::{bulletin, bulletin_doc, enterprises, people, read, report, rollup};
use crate::store::{PayloadSpool, Store};

/// A job with everything it needs, owned, so it can go to another thread.
pub enum Work {
    Report(ReportJob),
    Preview(ImportJob),
    Commit {
        payloads: PayloadSpool,
        rows: usize,
        skipped: usize,
        /// When the preview read the store (`Plan::read_at`).
        read_at: Option<[u8; 32]>,
    },
    /// A bundle export or import (the 同步 tab).
    Sync(SyncJob),
}

pub enum Done {
    Written(String),
    Previewed(ImportJob, Box<PeoplePlan>),
    Committed(String),
    Failed(String),
    Sync(sync_effects::Done),
}

/// The job as owned work, with the line saying what runs; `None` when the preview it commits
/// is gone or refused.
pub fn prepare(state: &mut State, job: Job) -> Option<Work> {
    let (label, work) = match job {
        Job::Report(job) => (
            tf("tui.reports.writing", &[("report", &job.kind.title())]),
            Work::Report(job),
        ),
        Job::Preview(job) => (t("tui.reports.reading"), Work::Preview(job)),
        Job::Commit { skip } => {
            let preview = state.reports.preview.as_ref()?;
            let plan = &preview.plan;
            let options = Options {
                skip_invalid: skip,
                dry_run: false,
            };
            if plan.outcome(options) == import::Outcome::Refused {
                return None;
            }
            let work = Work::Commit {
                payloads: plan.payloads.clone(),
                rows: plan.rows - plan.bad,
                skipped: plan.bad,
                read_at: plan.read_at,
            };
            state.reports.job_form = preview.form.clone();
            (t("tui.reports.importing"), work)
        }
    };
    state.reports.outcome = None;
    state.reports.running = Some((label, String::new(), 0));
    Some(work)
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
            read_at,
        } => commit(store, payloads, (rows, skipped), read_at, progress).map(Done::Committed),
        Work::Sync(job) => Ok(Done::Sync(sync_effects::execute(store, job, progress))),
    };
    result.unwrap_or_else(|e| Done::Failed(chain(&e)))
}

fn write_report(store: &Store, job: &ReportJob, progress: &dyn Fn(String)) -> Result<String> {
    let office = &job.office;
    let path = &job.path;
    make_reports_folder(path)?;
    progress(t("tui.reports.collecting"));
    let maker = office_name(office, store.office())?;
    let mut printed = None;
    let (docs, done) = match job.kind {
        ReportKind::Stats => {
            use chrono::Datelike;
            let rows = report::stats_rows(store, office, job.today.year(), job.today)?;
            let people: u32 = rows.iter().map(|r| r.people).sum();
            let done = tf(
                "tui.reports.stats_done",
                &[("classes", &rows.len()), ("people", &people)],
            );
            (vec![report::stats_document(&maker, &rows, job.today)], done)
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
            (vec![sheet.document], done)
        }
        ReportKind::Checklist => {
            let doc = rollup::checklist_document(store, office, job.today, &maker)?;
            let done = tf("tui.reports.table_done", &[("rows", &doc.body_len())]);
            (vec![doc], done)
        }
        ReportKind::Coverage => {
            let coverage = rollup::coverage(store, office)?;
            let doc = rollup::coverage_document(store, office, &coverage, job.today, &maker)?;
            let done = tf("tui.reports.table_done", &[("rows", &doc.body_len())]);
            (vec![doc], done)
        }
        ReportKind::Bulletin => {
            use chrono::Datelike;
            let rows = bulletin::bulletin(store, office, job.today.year(), job.today)?;
            let awards = crate::app::awards::list(store)?;
            let docs =
                bulletin_doc::bulletin_documents(store, office, &rows, &awards, job.today, &maker)?;
            let body: usize = docs.iter().map(Document::body_len).sum();
            (docs, tf("tui.reports.table_done", &[("rows", &body)]))
        }
        ReportKind::Package => return write_package(store, job, progress),
        ReportKind::Notice => return write_notice(store, job, progress),
        ReportKind::Summary => {
            let summary = crate::sheets::summary::summary(store, office, job.today)?;
            let doc = crate::sheets::summary::summary_document(&summary, &maker, job.today);
            let done = tf("tui.reports.table_done", &[("rows", &doc.body_len())]);
            (vec![doc], done)
        }
        ReportKind::Plans => {
            let doc = crate::app::plans::annex_2(store, Some(office), job.today)
                .map_err(color_eyre::Report::from)?;
            let done = tf("tui.reports.table_done", &[("rows", &doc.body_len())]);
            (vec![doc], done)
        }
        ReportKind::Contacts => {
            let doc = crate::app::contacts::document(store, Some(office), job.today)
                .map_err(color_eyre::Report::from)?;
            let done = tf("tui.reports.table_done", &[("rows", &doc.body_len())]);
            (vec![doc], done)
        }
        ReportKind::Calls => return write_calls(store, job, progress),
    };
    progress(tf("tui.reports.saving", &[("file", &path.display())]));
    let written =
        crate::sheets::output::write_documents_then(path, &docs, job.encoding, || match printed {
            Some(order) => order.record(store).map(drop),
            None => Ok(()),
        })?;
    // The file on a line of its own, so the screen never breaks the message inside its name.
    Ok(format!(
        "{done}\n{}",
        tf("cli.report.written", &[("file", &written.display())])
    ))
}

/// The call list, read through the use case into a scratch file, written, and its taking
/// recorded once the file is whole beside its place: never held whole, never recorded unwritten.
fn write_calls(store: &Store, job: &ReportJob, progress: &dyn Fn(String)) -> Result<String> {
    let (doc, taken) = crate::app::call_list::take(store, job.calls, job.today)?;
    let count = taken.count();
    progress(tf("tui.reports.saving", &[("file", &job.path.display())]));
    let written = crate::sheets::output::write_long(&job.path, &doc, job.encoding, || {
        Ok(taken.record(store)?)
    })?;
    let done = tf(
        "tui.reports.calls_done",
        &[("count", &count), ("actor", &store.actor())],
    );
    Ok(format!(
        "{done}\n{}",
        tf("cli.report.written", &[("file", &written.display())])
    ))
}

/// The default folder is made on first use; a folder typed by hand must exist.
fn make_reports_folder(path: &std::path::Path) -> Result<()> {
    let folder = crate::sheets::output::reports_dir();
    if path.parent() == Some(folder.as_path()) && !folder.exists() {
        std::fs::create_dir_all(&folder).wrap_err_with(|| {
            tf(
                "cli.report.write_failed",
                &[("file", &path.display()), ("reason", &folder.display())],
            )
        })?;
    }
    Ok(())
}

/// The 培训通知 of the job's session, as the CLI writes it.
fn write_notice(store: &Store, job: &ReportJob, progress: &dyn Fn(String)) -> Result<String> {
    let session = job
        .session
        .as_deref()
        .ok_or_else(|| eyre!(t("tui.reports.pick_session")))?;
    progress(tf("tui.reports.saving", &[("file", &job.path.display())]));
    let written = crate::app::notice::write(store, session, &job.path, job.today)
        .map_err(color_eyre::Report::from)?;
    Ok(format!(
        "{}\n{}",
        tf("notice.cli.done", &[("title", &written.title)]),
        tf("cli.report.written", &[("file", &written.path.display())])
    ))
}

/// The 附件5 package, unit by unit with its progress on screen.
fn write_package(store: &Store, job: &ReportJob, progress: &dyn Fn(String)) -> Result<String> {
    let mut each_unit = |n: usize, total: usize, unit: &str| {
        progress(tf(
            "package.progress",
            &[("n", &n), ("total", &total), ("unit", &unit)],
        ))
    };
    let now = job.today.and_time(chrono::Local::now().time());
    let written = crate::app::package::write(
        store,
        Some(&job.office),
        &job.path,
        job.today,
        now,
        &mut each_unit,
    )?;
    // The file on a line of its own, as the other reports say it.
    Ok(format!(
        "{}\n{}",
        written.counts(),
        tf("cli.report.written", &[("file", &written.path.display())])
    ))
}

fn preview(store: &Store, job: &ImportJob, progress: &dyn Fn(String)) -> Result<PeoplePlan> {
    let _turn = store.import_turn(|| progress(t("cli.sheets.waiting_for_import")));
    progress(tf(
        "tui.reports.reading_file",
        &[("file", &job.path.display())],
    ));
    let checked = |rows: usize| progress(tf("tui.reports.checking_rows", &[("rows", &rows)]));
    let rows = read::read(&job.path, job.sheet.as_deref())?.reporting(&checked);
    match job.what {
        ImportWhat::People => people::plan(store, rows, job.session.as_deref()),
        ImportWhat::Enterprises => enterprises::plan(store, rows),
    }
}

fn commit(
    store: &Store,
    payloads: PayloadSpool,
    (rows, skipped): (usize, usize),
    read_at: Option<[u8; 32]>,
    progress: &dyn Fn(String),
) -> Result<String> {
    if payloads.is_empty() {
        return Ok(t("tui.reports.nothing_to_import"));
    }
    let _turn = store.import_turn(|| progress(t("cli.sheets.waiting_for_import")));
    // The preview was read before the coordinator said yes: refused whole when a firm or
    // person was registered since, else all of it written, or none, in chunks when long.
    import::write(store, &payloads, read_at, &|done, total| {
        progress(tf(
            "cli.sheets.writing",
            &[("done", &done), ("total", &total)],
        ))
    })?;
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

/// The running job's time so far at `now`; whether the tenths of a second shown changed.
pub fn tick(state: &mut State, now: Instant) -> bool {
    let Some(since) = state.job_since else {
        return false;
    };
    let elapsed = now.saturating_duration_since(since).as_millis();
    let elapsed = u64::try_from(elapsed).unwrap_or(u64::MAX);
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

/// Puts the outcome on screen; after an import or a bundle taken in, asks for every tab to be
/// read again.
pub fn finish(state: &mut State, done: Done) -> Option<Effect> {
    state.job_since = None;
    let done = match done {
        Done::Sync(done) => {
            state.sync.running = None;
            return Some(Effect::Sync(SyncEffect::Finished(Box::new(done))));
        }
        Done::Failed(text) if state.sync.running.is_some() => {
            state.sync.running = None;
            let done = sync_effects::Done::failed(text);
            return Some(Effect::Sync(SyncEffect::Finished(Box::new(done))));
        }
        other => other,
    };
    state.reports.running = None;
    let form = state.reports.job_form.take();
    let (text, error) = match done {
        Done::Written(text) => (text, false),
        Done::Failed(text) => {
            // An import that could not be written: the preview goes, its form opens again
            // with the reason, and the sheet is previewed again from it.
            state.reports.preview = None;
            // Only when nothing else is open over the tab: a form opened meanwhile stays.
            if let (Some(mut form), Overlay::None) = (form, &state.overlay) {
                // The form says why under its path; said under the form too, it was said twice.
                form.set_error("path", text);
                state.overlay = Overlay::Form(form);
                state.reports.outcome = None;
                return None;
            }
            (text, true)
        }
        Done::Sync(_) => return None,
        Done::Previewed(job, plan) => {
            state.reports.preview = Some(Preview {
                job,
                plan: *plan,
                scroll: 0,
                form,
            });
            return None;
        }
        Done::Committed(text) => {
            state.reports.preview = None;
            // New people are missing from the office index until it is built again.
            state.checkin.office_stale = true;
            return Some(Effect::Imported(text));
        }
    };
    show(state, text, error);
    None
}

/// After an import: every tab read again, then the outcome.
pub fn imported(store: &Store, state: &mut State, text: String) {
    match reload(store, state).and_then(|()| door::refresh(store, state)) {
        Ok(()) => show(state, text, false),
        Err(e) => show(state, chain(&e), true),
    }
}

fn show(state: &mut State, text: String, error: bool) {
    // The status line is one line, said on the other tabs; the 报表 tab shows the outcome's
    // lines as they are.
    let outcome = Outcome { text, error };
    let line = outcome.line();
    state.reports.outcome = Some(outcome);
    if error {
        state.error(line);
    } else {
        state.info(line);
    }
}
