//! Reading what the screens show from the store. Runs at start-up and after every write, so
//! rendering never reads the store itself.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::app::{Clock, Office, Overlay, State, Tab};
use super::keymap::Keymap;
use super::tabs::calendar::CalendarState;
use super::tabs::checkin::CheckinState;
use super::tabs::checklist::{ChecklistState, UnitChecklist};
use super::tabs::sessions::{Detail, EnrolRow, Printed, SessionRow, SessionsState};
use super::theme::Theme;
use crate::campaign::{campaign, unit_name};
use crate::sheets::rollup;
use crate::store::lists;
use crate::store::Store;

/// The state of a freshly opened interface: calendar tab on `today`, data loaded.
pub fn load(store: &Store, today: NaiveDate, keymap: Keymap, theme: Theme) -> Result<State> {
    let mut state = State {
        office: Office::of(store.office()),
        today,
        today_follows_wall: today == chrono::Local::now().date_naive(),
        clock: Clock::Wall,
        tab: Tab::Calendar,
        overlay: Overlay::None,
        status: None,
        calendar: CalendarState::new(today),
        sessions: SessionsState::default(),
        checklist: ChecklistState::default(),
        checkin: CheckinState::new(crate::config::Config::default().late_grace_minutes),
        reports: Default::default(),
        papers_at_door: false,
        cert: Default::default(),
        sync: Default::default(),
        outreach: Default::default(),
        keymap,
        theme,
        viewport: (80, 24),
        quit: false,
        job_since: None,
        dirty: true,
    };
    reload(store, &mut state)?;
    // Coordinators look ahead: start the list at the next session rather than the first ever.
    let list = &mut state.sessions;
    list.selected = list
        .rows
        .iter()
        .position(|r| r.session.date >= today)
        .unwrap_or(list.rows.len().saturating_sub(1));
    Ok(state)
}

/// Re-reads every tab's data, keeping cursors on the same records where they still exist.
pub fn reload(store: &Store, state: &mut State) -> Result<()> {
    let sessions = store.sessions()?;
    let mut rows = Vec::with_capacity(sessions.len());
    for s in &sessions {
        rows.push(SessionRow::new(
            s.clone(),
            lists::enrolled_count(store, &s.id)?,
            lists::present_count(store, &s.id)?,
        ));
    }
    let list = &mut state.sessions;
    let selected = list.selected_row().map(|r| r.session.id.clone());
    list.rows = rows;
    list.teachers = crate::app::teachers::list(store)
        .map_err(color_eyre::Report::from)?
        .into_iter()
        .map(|row| row.teacher)
        .collect();
    if let Some(id) = selected {
        list.select_id(&id);
    }
    list.selected = list.selected.min(list.visible().len().saturating_sub(1));
    if let Some(old) = list.detail.take() {
        list.detail = load_detail(store, &old.row.session.id)?.map(|fresh| fresh.keep_view(old));
    }

    let office = state.office.id.clone();
    let grid = !campaign().children(&office).is_empty();
    let mut contacts: std::collections::HashMap<String, _> = crate::app::contacts::list(store)?
        .into_iter()
        .map(|row| (row.unit, (row.contact, row.office_phone)))
        .collect();
    let mut units = Vec::new();
    for (unit, depth) in units_under(&office) {
        let rows = crate::store::checklist::rows(store, &unit, state.today)?;
        if rows.is_empty() {
            continue;
        }
        let (contact, office_phone) = contacts.remove(&unit).unwrap_or_default();
        units.push(UnitChecklist {
            name: unit_name(&unit),
            contact,
            office_phone,
            unit,
            depth,
            rows,
        });
    }
    if grid {
        let fresh = store.freshness()?;
        state.checklist.stale = units
            .iter()
            .filter(|u| u.unit != office)
            .map(|u| {
                let text = rollup::unit_staleness(&office, &u.unit, &fresh, state.today);
                (u.unit.clone(), text)
            })
            .collect();
    }
    state.calendar.set_data(&sessions, &units, &office);
    state.checklist.set_units(units, grid);
    // The certification book is worked out for everyone (seconds at ten times the province),
    // on a worker: the 认证 tab reads it again when shown (`effects::run` asks at once when it
    // is on screen).
    state.cert.mark_stale();
    // Reading the enterprises means working out who is trained (the certification book): too
    // much for every save, so the 企业 tab reads them again when it is next entered.
    state.outreach.stale = true;
    Ok(())
}

/// The office and the units below it, each city followed by its own units, with their depth
/// (the province itself has no items and drops out later).
fn units_under(office: &str) -> Vec<(String, usize)> {
    fn walk(id: &str, depth: usize, out: &mut Vec<(String, usize)>) {
        out.push((id.to_string(), depth));
        for child in campaign().children(id) {
            walk(&child.id, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(office, 0, &mut out);
    // Under the province the cities are the top level beside the province's own row; shift
    // them so they start at depth 0.
    if campaign().unit(office).is_some_and(|u| u.parent.is_none()) {
        for (_, d) in &mut out {
            *d = d.saturating_sub(1);
        }
    }
    out
}

/// A session with its enrolment list and check-ins, or `None` when it no longer exists.
pub fn load_detail(store: &Store, id: &str) -> Result<Option<Detail>> {
    let Some(session) = store.session(id)? else {
        return Ok(None);
    };
    let attendance = lists::attendance(store, id)?;
    let mut people: Vec<EnrolRow> = Vec::new();
    for (p, e) in lists::enrolment_list(store, id)? {
        let by = lists::enrolled_by(store, id, &p.id)?;
        // A joint session's units each enrol their own: the list says who.
        let enrolled_by = if by.iter().all(|o| *o == session.office) {
            String::new()
        } else {
            by.iter()
                .map(|o| unit_name(o))
                .collect::<Vec<_>>()
                .join("、")
        };
        people.push(EnrolRow {
            checked_in: attendance.get(&p.id).and_then(|a| a.first_at),
            person: p.id,
            name: p.name,
            phone: p.phone,
            position: p.position,
            enterprise: e.map(|e| e.name).unwrap_or_default(),
            code: p.code,
            enrolled_by,
        });
    }
    let teachers = crate::app::teachers::list(store).map_err(color_eyre::Report::from)?;
    let printed = match crate::store::printed::sheet(store, id, None)? {
        Some(sheet) => {
            let drift = crate::store::printed::drift(store, id, &sheet)?;
            let mut rows = Vec::new();
            for person_id in &sheet.people {
                let Some(p) = store.person(person_id)? else {
                    continue;
                };
                let enterprise = match &p.enterprise {
                    Some(e) => store.enterprise(e)?.map(|e| e.name).unwrap_or_default(),
                    None => String::new(),
                };
                rows.push(EnrolRow {
                    checked_in: attendance.get(&p.id).and_then(|a| a.first_at),
                    person: p.id,
                    name: p.name,
                    phone: p.phone,
                    position: p.position,
                    enterprise,
                    code: p.code,
                    enrolled_by: String::new(),
                });
            }
            Some(Printed {
                version: sheet.version,
                at: crate::sync::summary::when(sheet.at_ms),
                rows,
                added: drift.added,
                removed: drift.removed,
            })
        }
        None => None,
    };
    let row = SessionRow::new(
        session,
        u32::try_from(people.len()).unwrap_or(u32::MAX),
        u32::try_from(attendance.len()).unwrap_or(u32::MAX),
    );
    let mut detail = Detail::new(row, people);
    detail.printed = printed;
    detail.teachers = teachers;
    Ok(Some(detail))
}
