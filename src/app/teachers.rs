//! 师资: the province's (or a city's) register of teachers with the 附件1 courses each teaches,
//! copied down to every office, and which teacher is sent to which session. A teacher sent to two
//! sessions on one day is flagged, and sending them a second time that day needs the
//! coordinator's word.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::{Confirm, Outcome, Refusal};
use crate::campaign::hierarchy::{above_county, within};
use crate::campaign::unit_name;
use crate::domain::teacher::{teacher, Teacher};
use crate::i18n::tf;
use crate::log::apply::keys;
use crate::log::Payload;
use crate::store::Store;

/// A session a teacher is sent to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Booking {
    pub session: String,
    pub title: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeacherRow {
    pub teacher: Teacher,
    pub kept_by: String,
    /// By date.
    pub bookings: Vec<Booking>,
    /// Days the teacher is sent to more than one session.
    pub double_booked: Vec<NaiveDate>,
}

/// Adds a teacher to this office's register (the province's, or a city's).
pub fn add(
    store: &Store,
    name: &str,
    organisation: &str,
    title: &str,
    courses: &str,
    phone: &str,
) -> Outcome<Teacher> {
    if !above_county(store.office()) {
        return Err(Refusal::said(tf(
            "cli.teacher.not_keeper",
            &[("office", &unit_name(store.office()))],
        )));
    }
    let entry = teacher(
        store.new_id('T')?,
        store.office().to_string(),
        name,
        organisation,
        title,
        courses,
        phone,
    )
    .map_err(|e| Refusal::Fields(e.0))?;
    store.commit(vec![Payload::TeacherUpserted(entry.clone())])?;
    Ok(entry)
}

/// Every session each teacher is sent to, by teacher id.
fn bookings(store: &Store) -> Outcome<BTreeMap<String, Vec<Booking>>> {
    let mut out: BTreeMap<String, Vec<Booking>> = BTreeMap::new();
    for (key, stored) in store.scan::<bool>("i/")? {
        let Some((session, teacher)) = key.split_once('/') else {
            continue;
        };
        if !stored.value {
            continue;
        }
        if let Some(s) = store.session(session)? {
            out.entry(teacher.to_string()).or_default().push(Booking {
                session: s.id,
                title: s.title,
                date: s.date,
            });
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| (a.date, &a.session).cmp(&(b.date, &b.session)));
    }
    Ok(out)
}

/// The register as this office holds it, by name, each with the sessions the teacher is sent to.
pub fn list(store: &Store) -> Outcome<Vec<TeacherRow>> {
    let mut booked = bookings(store)?;
    let mut rows: Vec<TeacherRow> = store
        .scan::<Teacher>("f/")?
        .into_iter()
        .map(|(_, stored)| {
            let teacher = stored.value;
            let bookings = booked.remove(&teacher.id).unwrap_or_default();
            let mut double_booked: Vec<NaiveDate> = bookings
                .windows(2)
                .filter(|w| w[0].date == w[1].date)
                .map(|w| w[0].date)
                .collect();
            double_booked.dedup();
            TeacherRow {
                kept_by: unit_name(&teacher.office),
                teacher,
                bookings,
                double_booked,
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.teacher.name, &a.teacher.id).cmp(&(&b.teacher.name, &b.teacher.id)));
    Ok(rows)
}

/// The teacher `query` names: an id, or a name only one teacher has.
fn find(store: &Store, query: &str) -> Outcome<Teacher> {
    let query = query.trim();
    if let Some(t) = store.get_stored::<Teacher>(&keys::teacher(query))? {
        return Ok(t.value);
    }
    let all: Vec<Teacher> = store
        .scan::<Teacher>("f/")?
        .into_iter()
        .map(|(_, s)| s.value)
        .filter(|t| t.name == query)
        .collect();
    match all.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Refusal::said(tf(
            "cli.teacher.not_found",
            &[("query", &query)],
        ))),
        _ => Err(Refusal::said(tf(
            "cli.teacher.several",
            &[("query", &query)],
        ))),
    }
}

/// What sending a teacher came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assigned {
    pub teacher: Teacher,
    pub title: String,
    pub date: NaiveDate,
    /// They were sent there already; nothing written.
    pub already: bool,
}

/// Sends teacher `query` to `session` (one of this office's area), or takes them off when
/// `assigned` is false. A second session the same day asks first (`confirmed` says yes).
pub fn assign(
    store: &Store,
    session: &str,
    query: &str,
    assigned: bool,
    confirmed: bool,
) -> Outcome<Assigned> {
    if !above_county(store.office()) {
        return Err(Refusal::said(tf(
            "cli.teacher.not_keeper",
            &[("office", &unit_name(store.office()))],
        )));
    }
    let Some(s) = store.session(session.trim())? else {
        return Err(Refusal::said(tf(
            "cli.session.not_found",
            &[("id", &session.trim())],
        )));
    };
    if !within(store.office(), &s.office) {
        return Err(Refusal::said(tf(
            "cli.teacher.outside",
            &[("title", &s.title), ("office", &unit_name(store.office()))],
        )));
    }
    let teacher = find(store, query)?;
    let now = store
        .get_stored::<bool>(&keys::assignment(&s.id, &teacher.id))?
        .is_some_and(|b| b.value);
    let outcome = Assigned {
        teacher: teacher.clone(),
        title: s.title.clone(),
        date: s.date,
        already: now == assigned,
    };
    if outcome.already {
        return Ok(outcome);
    }
    if assigned && !confirmed {
        let busy: Vec<String> = bookings(store)?
            .remove(&teacher.id)
            .unwrap_or_default()
            .into_iter()
            .filter(|b| b.date == s.date && b.session != s.id)
            .map(|b| {
                tf(
                    "cli.teacher.busy",
                    &[
                        ("name", &teacher.name),
                        ("date", &b.date),
                        ("title", &b.title),
                    ],
                )
            })
            .collect();
        if !busy.is_empty() {
            return Err(Refusal::Confirm(Confirm::Busy(busy)));
        }
    }
    store.commit(vec![Payload::TeacherAssigned {
        session: s.id,
        teacher: teacher.id,
        assigned,
    }])?;
    Ok(outcome)
}

/// The register's teacher `query` names (an id, or a name only one has), if any.
pub fn registered(store: &Store, query: &str) -> Outcome<Option<Teacher>> {
    match find(store, query) {
        Ok(teacher) => Ok(Some(teacher)),
        Err(Refusal::Said(_)) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Whether `teacher` (of the register) was sent to `session`.
pub fn sent_to(store: &Store, session: &str, teacher: Option<&Teacher>) -> Outcome<bool> {
    let Some(teacher) = teacher else {
        return Ok(false);
    };
    Ok(store
        .get_stored::<bool>(&keys::assignment(session, &teacher.id))?
        .is_some_and(|b| b.value))
}

/// The teachers of the register sent to `session`, by name.
pub fn sent_to_session(store: &Store, session: &str) -> Outcome<Vec<Teacher>> {
    let mut sent = Vec::new();
    for (teacher, stored) in store.scan::<bool>(&format!("i/{session}/"))? {
        if !stored.value {
            continue;
        }
        if let Some(t) = store.get_stored::<Teacher>(&keys::teacher(&teacher))? {
            sent.push(t.value);
        }
    }
    sent.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    Ok(sent)
}

/// "李明（武汉大学）", or the name alone.
pub fn named(teacher: &Teacher) -> String {
    if teacher.organisation.is_empty() {
        teacher.name.clone()
    } else {
        tf(
            "cli.teacher.named",
            &[
                ("name", &teacher.name),
                ("organisation", &teacher.organisation),
            ],
        )
    }
}

/// Who lectures `course`: the lecturer the session names, else the teachers sent to it who
/// teach that course.
pub fn lecturer_of(course: &str, named_lecturer: &str, sent: &[Teacher]) -> String {
    if !named_lecturer.trim().is_empty() {
        return named_lecturer.to_string();
    }
    let teaching: Vec<String> = sent
        .iter()
        .filter(|t| t.courses.iter().any(|c| c == course))
        .map(named)
        .collect();
    teaching.join(&crate::i18n::t("cli.list_sep"))
}
