//! Running what `update` asked for. Every change is one `Store::commit`; the status line confirms
//! it only after commit returned, i.e. after the flush. A failure is shown, never swallowed, and
//! a form stays open so nothing typed is lost.

use std::path::{Path, PathBuf};
use std::time::Instant;

use color_eyre::eyre::{Report, Result};

use super::action::{DoorEffect, Effect};
use super::app::{Overlay, State, Tab};
use super::context::ctx;
use super::data::{load_detail, reload};
use super::history;
use super::jobs;
use super::labels::mark_label;
use super::runner::{Work, Workers};
use super::suggest;
use super::tabs::checkin::effects as door;
use super::tabs::reports::{Job, ReportKind};
use super::tabs::sync::effects as sync_effects;
use crate::app::{self, Refusal};
use crate::domain::input::SessionInput;
use crate::domain::MarkStatus;
use crate::i18n::{t, tf};
use crate::store::{Enrolled, PersonDraft, Store};

/// Why an effect did not happen: the use case's refusal.
pub(super) type Failure = Refusal;

/// The one place effects run: each is carried out against the store, reloads what it changed
/// and reports in the status line; long work goes to `workers`, whose outcome comes back as an
/// `AppEvent`. The door's effects update their own rows in place instead of reloading everything.
pub fn run(store: &Store, workers: &dyn Workers, state: &mut State, effect: Effect) {
    run_one(store, workers, state, effect);
    // A change while the 认证 tab is on screen reads it again on a worker; the screen keeps
    // what it shows meanwhile.
    if state.tab == Tab::Cert && state.cert.loaded && state.cert.wants_read() {
        read_cert(workers, state);
    }
}

/// Starts a read of the book for the 认证 tab; whatever changes from now on makes it stale.
fn read_cert(workers: &dyn Workers, state: &mut State) {
    state.cert.reading = true;
    state.cert.stale = false;
    state.cert.failed = None;
    workers.start(Work::Cert(state.cert.open.clone()));
}

fn run_one(store: &Store, workers: &dyn Workers, state: &mut State, effect: Effect) {
    // A saved session is selected in the list once it has been reloaded.
    let mut select = None;
    let outcome = match effect {
        Effect::OpenSession(id) => {
            state.sessions.back_to = None;
            open_session(store, state, &id).map(|()| None)
        }
        Effect::ShowDay { day, session } => {
            let listed = state.sessions.select_date(day);
            match session {
                Some(id) => {
                    state.sessions.select_id(&id);
                    state.sessions.back_to = Some(Tab::Calendar);
                    open_session(store, state, &id).map(|()| None)
                }
                None if listed => {
                    state.tab = Tab::Sessions;
                    Ok(None)
                }
                None => Err(Refusal::said(t("tui.calendar.no_sessions"))),
            }
        }
        Effect::SaveSession {
            id,
            input,
            confirmed,
        } => save_session(store, id.as_deref(), &input, confirmed, state.today).map(
            |(message, id)| {
                select = Some(id);
                Some(message)
            },
        ),
        Effect::Enrol {
            session,
            draft,
            over_capacity,
        } => enrol(store, &session, &draft, over_capacity).map(|(message, new)| {
            // The office index (door, enrol suggestions) lacks them until built again.
            state.checkin.office_stale |= new;
            Some(message)
        }),
        Effect::Unenrol {
            session,
            person,
            name,
        } => unenrol(store, &session, &person, &name).map(Some),
        Effect::Mark {
            unit,
            item,
            status,
            note,
        } => mark(store, state, &unit, &item, status, note).map(Some),
        Effect::Attach {
            unit,
            item,
            path,
            note,
        } => attach(store, state, &unit, &item, &path, note).map(Some),
        Effect::SetContact {
            name,
            phone,
            position,
            office_phone,
        } => app::contacts::name(
            store,
            &name,
            &phone,
            &position,
            (None, state.today),
            Some(&office_phone),
        )
        .map(|named| Some(named.lines().join(&t("cli.reason_sep")))),
        Effect::PaperCheckIn {
            session,
            numbers,
            version,
        } => app::checkin::paper(store, &session, &numbers, version, state.today).map(|done| {
            Some(tf(
                "cli.report.numbers_done",
                &[("count", &done.recorded), ("already", &done.already)],
            ))
        }),
        Effect::LoadCert => {
            // One read at a time: one asked for meanwhile follows from the first's outcome.
            if !state.cert.reading {
                read_cert(workers, state);
            }
            return;
        }
        Effect::CertHistory { person } => {
            crate::tui::tabs::cert::effects::history(store, state, &person)
                .map(|()| None)
                .map_err(Failure::from)
        }
        Effect::AssignTeacher {
            session,
            teacher,
            confirmed,
        } => app::teachers::assign(store, &session, &teacher, true, confirmed).and_then(|done| {
            open_session(store, state, &session)?;
            let key = if done.already {
                "cli.teacher.already"
            } else {
                "cli.teacher.assigned"
            };
            Ok(Some(tf(
                key,
                &[
                    ("name", &done.teacher.name),
                    ("title", &done.title),
                    ("date", &done.date),
                ],
            )))
        }),
        Effect::Publicity(effect) => {
            crate::tui::tabs::checklist::effects::run_publicity(store, state, effect)
        }
        Effect::Outreach(effect) => crate::tui::tabs::outreach::effects::run(store, state, effect),
        Effect::Plan(effect) => crate::tui::tabs::checklist::effects::run(store, state, effect),
        Effect::ItemHistory { unit, item } => history::load(store, state, &unit, &item)
            .map(|()| None)
            .map_err(Failure::from),
        Effect::Door(effect) => return run_door(store, workers, state, effect),
        Effect::Sync(effect) => return sync_effects::run_effect(store, workers, state, effect),
        Effect::Job(job) => {
            if busy(state) {
                return;
            }
            if let Job::Preview(import) = &job {
                if let Some(problem) = not_a_file(&import.path) {
                    return report(state, Refusal::field("path", problem));
                }
            }
            // A package or a notice never overwrites: said beside the path while the form is
            // still open.
            if let Job::Report(wanted) = &job {
                let taken = match wanted.kind {
                    ReportKind::Package => app::evidence::refuse_existing(&wanted.path),
                    ReportKind::Notice => app::notice::check_path(&wanted.path).map(|_| ()),
                    _ => Ok(()),
                };
                if let Err(Refusal::Said(problem)) = taken {
                    return report(state, Refusal::field("path", problem));
                }
            }
            if matches!(state.overlay, Overlay::Form(_)) {
                if let Overlay::Form(form) = std::mem::replace(&mut state.overlay, Overlay::None) {
                    state.reports.job_form = Some(form);
                }
            }
            if let Some(work) = jobs::prepare(state, job) {
                start(workers, state, work);
            }
            return;
        }
        Effect::Imported(text) => return jobs::imported(store, state, text),
        Effect::Changed => {
            changed_elsewhere(store, state);
            // The 企业 tab on screen shows what another peixun wrote at once: its rows are kept
            // and brought up to date from the few people a check-in or a registration changed.
            if state.tab == Tab::Outreach
                && state.outreach.loaded
                && matches!(state.overlay, Overlay::None)
            {
                if let Err(failure) = crate::tui::tabs::outreach::effects::load(store, state) {
                    report(state, failure);
                }
            }
            // Someone registered by another peixun on this store is found at the open door
            // once the index is read again (the kept index and the changes beside it).
            if state.checkin.door.is_some() && suggest::want_index(state) {
                workers.start(Work::Index);
            }
            return;
        }
        Effect::BuildIndex => {
            if suggest::want_index(state) {
                workers.start(Work::Index);
            }
            return;
        }
    };
    match outcome {
        Ok(message) => {
            if matches!(state.overlay, Overlay::Form(_) | Overlay::Paper(_)) {
                state.overlay = Overlay::None;
            }
            if let Some(message) = message {
                match read_again(store, state) {
                    Ok(()) => state.info(message),
                    Err(e) => state.error(chain(&e)),
                }
                if let Some(id) = &select {
                    state.sessions.select_saved(id);
                }
            }
        }
        Err(failure) => report(state, failure),
    }
}

/// Every tab read again after a change. The door keeps its own copy of its session and list; a
/// change made on another tab or elsewhere (a time, an enrolment) reaches it here, and an item's
/// trail on screen gains the mark or file just made.
fn read_again(store: &Store, state: &mut State) -> Result<()> {
    let trail = state.checklist.history.as_ref();
    let trail = trail.map(|h| (h.unit.clone(), h.item.clone()));
    reload(store, state)
        .and_then(|()| door::refresh(store, state))
        .and_then(|()| match &trail {
            Some((unit, item)) => history::load(store, state, unit, item),
            None => Ok(()),
        })
}

/// What another peixun wrote reaches every tab, the door's count and an item's trail on
/// screen; new people reach the door's search when its index is next wanted.
fn changed_elsewhere(store: &Store, state: &mut State) {
    state.checkin.office_stale = true;
    if let Err(e) = read_again(store, state) {
        state.error(chain(&e));
    }
    // A session being edited here that the other peixun changed: saving would put this form's
    // values over theirs, so the form says so before it is saved.
    if let Overlay::Form(form) = &state.overlay {
        if let crate::tui::forms::FormKind::Session(base) = &form.kind {
            let now = store.session(&base.id).ok().flatten();
            if !base.id.is_empty() && now.as_ref() != Some(&**base) {
                state.error(t("tui.visit.form_changed"));
            }
        }
    }
}

/// One job at a time, whichever tab asks: leaving waits for the one running, and its seconds
/// and progress have one place on screen. The form asking stays open to try again.
pub(super) fn busy(state: &mut State) -> bool {
    if state.job_since.is_some() {
        state.error(t("tui.reports.busy"));
    }
    state.job_since.is_some()
}

/// Starts a report, import or bundle job, timed from now.
pub(super) fn start(workers: &dyn Workers, state: &mut State, work: jobs::Work) {
    state.job_since = Some(Instant::now());
    workers.start(Work::Job(work));
}

fn run_door(store: &Store, workers: &dyn Workers, state: &mut State, effect: DoorEffect) {
    let opening = matches!(effect, DoorEffect::Open(_));
    // A form open while the index arrived stays open.
    let closes = !matches!(effect, DoorEffect::Refresh);
    let writes = matches!(
        effect,
        DoorEffect::CheckIn { .. } | DoorEffect::WalkIn { .. } | DoorEffect::Undo { .. }
    );
    match door::run(store, state, effect) {
        Ok(()) => {
            // The door updates its own rows; who is trained changed with them, so the 认证 and
            // 企业 tabs read again when next shown (never here, at the door's pace).
            if writes {
                state.cert.mark_stale();
                state.outreach.stale = true;
            }
            if closes && matches!(state.overlay, Overlay::Form(_)) {
                state.overlay = Overlay::None;
            }
            // Walk-ins since the last build are missing from it: build again, keep using the
            // old one meanwhile.
            if opening && state.checkin.door.is_some() && suggest::want_index(state) {
                workers.start(Work::Index);
            }
        }
        Err(failure) => report(state, failure),
    }
}

/// Shows a refusal where it belongs: beside the form's field, or in the status line.
pub(crate) fn report(state: &mut State, refusal: Refusal) {
    ctx!(state).refuse(refusal);
}

/// Every cause of an error on one line: the status line has one.
pub(crate) fn chain(report: &Report) -> String {
    report
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

fn open_session(store: &Store, state: &mut State, id: &str) -> Result<(), Failure> {
    match load_detail(store, id)? {
        Some(detail) => {
            state.sessions.detail = Some(detail);
            state.tab = Tab::Sessions;
            Ok(())
        }
        None => Err(Refusal::said(tf("tui.sessions.gone", &[("id", &id)]))),
    }
}

fn save_session(
    store: &Store,
    id: Option<&str>,
    input: &SessionInput,
    confirmed: bool,
    today: chrono::NaiveDate,
) -> Result<(String, String), Failure> {
    let before_today = app::sessions::BeforeToday::Ask(today);
    let saved = app::sessions::save(store, id, input, confirmed, before_today)?;
    let key = if saved.unchanged {
        "tui.saved.unchanged"
    } else if saved.new {
        "tui.saved.session_added"
    } else {
        "tui.saved.session_edited"
    };
    Ok((tf(key, &[("title", &saved.title)]), saved.id))
}

/// The message, and whether the person is new to the office.
fn enrol(
    store: &Store,
    session: &str,
    draft: &PersonDraft,
    over_capacity: bool,
) -> Result<(String, bool), Failure> {
    let enrolled = app::sessions::enrol(store, session, draft, over_capacity)?;
    let key = match enrolled {
        Enrolled::Known {
            was_enrolled: true, ..
        } => "tui.saved.already_enrolled",
        _ => "tui.saved.enrolled",
    };
    let new = matches!(enrolled, Enrolled::New(_));
    Ok((tf(key, &[("name", &enrolled.person().name)]), new))
}

fn unenrol(store: &Store, session: &str, person: &str, name: &str) -> Result<String, Failure> {
    app::sessions::unenrol(store, session, person)?;
    Ok(tf("tui.saved.unenrolled", &[("name", &name)]))
}

fn item_title(state: &State, unit: &str, item: &str) -> String {
    state
        .checklist
        .units
        .iter()
        .filter(|u| u.unit == unit)
        .flat_map(|u| u.rows.iter())
        .find(|r| r.item == item)
        .map_or_else(|| item.to_string(), |r| r.title.clone())
}

fn mark(
    store: &Store,
    state: &State,
    unit: &str,
    item: &str,
    status: MarkStatus,
    note: String,
) -> Result<String, Failure> {
    app::checklist::mark(store, unit, item, status, &note)?;
    Ok(tf(
        "tui.saved.marked",
        &[
            ("title", &item_title(state, unit, item)),
            ("status", &mark_label(status)),
        ],
    ))
}

/// Why `path` cannot be read as a file, for a form's field: missing, or a folder.
fn not_a_file(path: &std::path::Path) -> Option<String> {
    let shown = path.display();
    if !path.exists() {
        Some(tf("sync.tui.no_such_place", &[("path", &shown)]))
    } else if !path.is_file() {
        Some(tf("tui.attach.not_a_file", &[("path", &shown)]))
    } else {
        None
    }
}

/// A typed or pasted path: surrounding quotes from drag-and-drop removed, `~/` expanded.
pub(crate) fn expand(raw: &str) -> PathBuf {
    let trimmed = raw.trim().trim_matches(|c| c == '"' || c == '\'');
    if let Some(rest) = trimmed.strip_prefix("~/") {
        if let Some(home) = crate::dirs::home_dir() {
            return home.join(rest);
        }
    }
    // A visiting interface's paths are in the folder its peixun was started in.
    crate::out::in_callers_folder(Path::new(trimmed))
}

fn attach(
    store: &Store,
    state: &State,
    unit: &str,
    item: &str,
    raw_path: &str,
    note: String,
) -> Result<String, Failure> {
    let path = expand(raw_path);
    if let Some(problem) = not_a_file(&path) {
        return Err(Refusal::field("path", problem));
    }
    // The demo pins "today"; the time of day is the real one so two files keep their order.
    let added = state.today.and_time(state.clock.time());
    // What the coordinator can fix (an unreadable file) goes next to the path.
    let evidence =
        app::checklist::attach(store, unit, item, &path, &note, added).map_err(|refusal| {
            match refusal {
                Refusal::Said(problem) => Refusal::field("path", problem),
                other => other,
            }
        })?;
    Ok(tf(
        "tui.saved.attached",
        &[
            ("file", &evidence.file_name),
            ("title", &item_title(state, unit, item)),
        ],
    ))
}
