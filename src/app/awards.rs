//! The 评选 of 方案 二（五）2: a city (or the province) nominates 优秀师资, 优秀学员 and 精品课程
//! from its own area; the province chooses. Nominations go up with the city's bundles; the
//! choice comes back down with the province's.

use std::collections::BTreeMap;

use super::cert::find_person;
use super::{Outcome, Refusal};
use crate::campaign::hierarchy::{above_county, within};
use crate::campaign::{campaign, unit_name};
use crate::cert::is_province;
use crate::domain::award::{Award, AwardKind, Nomination, Selection};
use crate::domain::input::resolve_unit;
use crate::domain::{text, Person, Session};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::Store;

/// What the coordinator typed for a nomination; which fields a kind needs is decided here.
#[derive(Debug, Clone, Default)]
pub struct NominationInput {
    /// The lecturer's name, or a teacher of the register by id or name (优秀师资).
    pub name: Option<String>,
    /// The trainee, by id, phone or participant code (优秀学员).
    pub person: Option<String>,
    /// The class a lecturer taught or a course was given at.
    pub session: Option<String>,
    /// The course's id in 附件1 (精品课程).
    pub course: Option<String>,
    /// The unit, when no class names it.
    pub unit: Option<String>,
    pub reason: String,
}

/// Nominates for `kind`: a lecturer by name (at a class, when given), a trainee the store knows,
/// or a course of 附件1 (at a class, when given); always within this office's area, once.
pub fn nominate(store: &Store, kind: AwardKind, input: &NominationInput) -> Outcome<Nomination> {
    let office = store.office().to_string();
    if !above_county(&office) {
        return Err(Refusal::said(tf(
            "cli.award.city_only",
            &[("office", &unit_name(&office))],
        )));
    }
    let reason = text::clean_prose(&input.reason)
        .ok_or_else(|| Refusal::said(t("cli.award.reason_required")))?;
    let session = input
        .session
        .as_deref()
        .map(|id| held_session(store, id))
        .transpose()?;
    let given_unit = input
        .unit
        .as_deref()
        .map(|raw| resolve_unit(raw).map_err(Refusal::said))
        .transpose()?;
    let place = |session: &Option<Session>| {
        session
            .as_ref()
            .map(|s| s.host.clone())
            .or(given_unit.clone())
            .unwrap_or_else(|| office.clone())
    };
    let (unit, name, person, course) = match kind {
        AwardKind::Trainee => {
            let raw = input
                .person
                .as_deref()
                .ok_or_else(|| Refusal::said(t("cli.award.person_required")))?;
            let p = find_person(store, raw)?;
            (person_unit(store, &p)?, p.name, Some(p.id), None)
        }
        AwardKind::Teacher => {
            let name = input
                .name
                .as_deref()
                .and_then(text::clean)
                .ok_or_else(|| Refusal::said(t("cli.award.name_required")))?;
            // A teacher of the register may be named by id; one sent to the class taught there.
            let registered = super::teachers::registered(store, &name)?;
            let name = registered.as_ref().map_or(name, |t| t.name.clone());
            let name = match &session {
                Some(s) if super::teachers::sent_to(store, &s.id, registered.as_ref())? => name,
                Some(s) => lecturer_at(s, &name)?,
                None if registered.is_some() => name,
                // Outside the area, the refusal below says so first.
                None if !within(&office, &place(&session)) => name,
                None => lecturer_in_area(store, &office, &name)?,
            };
            (place(&session), name, None, None)
        }
        AwardKind::Course => {
            let id = course_of(input.course.as_deref(), session.as_ref())?;
            let title = campaign()
                .course(&id)
                .map(|c| c.title.clone())
                .ok_or_else(|| Refusal::said(tf("cli.award.unknown_course", &[("course", &id)])))?;
            (place(&session), title, None, Some(id))
        }
    };
    if !within(&office, &unit) {
        return Err(Refusal::said(tf(
            "cli.award.outside_area",
            &[("unit", &unit_name(&unit)), ("office", &unit_name(&office))],
        )));
    }
    let nomination = Nomination {
        id: String::new(),
        office,
        kind,
        unit,
        name,
        person,
        session: session.map(|s| s.id),
        course,
        reason,
    };
    if let Some(held) = all(store)?
        .into_iter()
        .find(|a| same_nominee(&a.nomination, &nomination))
    {
        return Err(Refusal::said(tf(
            "cli.award.already",
            &[("name", &held.nomination.name), ("id", &held.nomination.id)],
        )));
    }
    let nomination = Nomination {
        id: store.new_id('W')?,
        ..nomination
    };
    store.commit(vec![Payload::AwardNominated(nomination.clone())])?;
    Ok(nomination)
}

/// The same award for the same one: the same trainee, the same course at the same class, the
/// same lecturer at the same class or unit.
fn same_nominee(a: &Nomination, b: &Nomination) -> bool {
    a.kind == b.kind
        && match a.kind {
            AwardKind::Trainee => a.person == b.person,
            AwardKind::Course => (&a.course, &a.session) == (&b.course, &b.session),
            AwardKind::Teacher => (&a.name, &a.session, &a.unit) == (&b.name, &b.session, &b.unit),
        }
}

fn held_session(store: &Store, id: &str) -> Outcome<Session> {
    store
        .session(id)?
        .ok_or_else(|| Refusal::said(tf("cli.session.not_found", &[("id", &id)])))
}

/// The person's unit, as the reports count them: their enterprise's, else the office that
/// registered them.
fn person_unit(store: &Store, person: &Person) -> Outcome<String> {
    let enterprise = match &person.enterprise {
        Some(id) => store.enterprise(id)?,
        None => None,
    };
    Ok(enterprise.map_or_else(|| person.office.clone(), |e| e.unit))
}

/// The lecturer of `session` that `name` names, as the class lists them: a name alone finds
/// "毛敏婷（中南财经政法大学知识产权研究中心）".
/// `name` as it stands among the lecturers of a class held in `office`'s area: a teacher
/// nominated without a class is one someone there heard.
fn lecturer_in_area(store: &Store, office: &str, name: &str) -> Outcome<String> {
    for session in store.sessions()? {
        if !within(office, &session.host) {
            continue;
        }
        if let Some(lecturer) = named_lecturer(&session, name) {
            return Ok(lecturer.to_string());
        }
    }
    Err(Refusal::said(tf(
        "cli.award.unknown_teacher",
        &[("name", &name), ("office", &unit_name(office))],
    )))
}

/// The lecturer of `session` that `name` names: the same, or it followed by （organisation）.
fn named_lecturer<'a>(session: &'a Session, name: &str) -> Option<&'a str> {
    session
        .courses
        .iter()
        .map(|c| c.lecturer.as_str())
        .find(|lecturer| {
            *lecturer == name
                || lecturer
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.starts_with(['（', '(']))
        })
}

fn lecturer_at(session: &Session, name: &str) -> Outcome<String> {
    if let Some(lecturer) = named_lecturer(session, name) {
        return Ok(lecturer.to_string());
    }
    let lecturers: Vec<&str> = session
        .courses
        .iter()
        .map(|c| c.lecturer.as_str())
        .filter(|l| !l.is_empty())
        .collect();
    Err(Refusal::said(tf(
        "cli.award.not_lecturer",
        &[
            ("name", &name),
            ("session", &session.title),
            ("lecturers", &lecturers.join(&t("cli.list_sep"))),
        ],
    )))
}

/// The course named, which the class (when given) must have taught; else the class's only one.
fn course_of(course: Option<&str>, session: Option<&Session>) -> Outcome<String> {
    let taught = |s: &Session| {
        s.courses
            .iter()
            .map(|c| c.course.clone())
            .collect::<Vec<_>>()
    };
    match (course, session) {
        (Some(id), Some(s)) if !taught(s).iter().any(|c| c == id) => Err(Refusal::said(tf(
            "cli.award.course_not_at",
            &[("course", &id), ("session", &s.title)],
        ))),
        (Some(id), _) => Ok(id.to_string()),
        (None, Some(s)) => match taught(s).as_slice() {
            [one] => Ok(one.clone()),
            _ => Err(Refusal::said(tf(
                "cli.award.which_course",
                &[("session", &s.title)],
            ))),
        },
        (None, None) => Err(Refusal::said(t("cli.award.course_required"))),
    }
}

/// What choosing came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    Changed(Award),
    /// The nomination already stood so.
    Unchanged(Award),
}

/// The province chooses a nomination (`selected`), or takes its choice back.
pub fn select(store: &Store, id: &str, selected: bool, note: &str) -> Outcome<Chosen> {
    if !is_province(store.office()) {
        return Err(Refusal::said(tf(
            "cli.award.province_only",
            &[("office", &unit_name(store.office()))],
        )));
    }
    let award = all(store)?
        .into_iter()
        .find(|a| a.nomination.id == id)
        .ok_or_else(|| Refusal::said(tf("cli.award.not_found", &[("id", &id)])))?;
    if award.selected() == selected {
        return Ok(Chosen::Unchanged(award));
    }
    let selection = Selection {
        selected,
        note: text::clean_prose(note).unwrap_or_default(),
    };
    store.commit(vec![Payload::AwardSelected {
        nomination: id.to_string(),
        selection: selection.clone(),
    }])?;
    Ok(Chosen::Changed(Award {
        selection: Some(selection),
        ..award
    }))
}

/// The nominations for units of this office's area, by award, then unit in official order.
pub fn list(store: &Store) -> Outcome<Vec<Award>> {
    let order: Vec<String> = campaign()
        .descendants(store.office())
        .into_iter()
        .map(|(u, _)| u.id.clone())
        .collect();
    let mut awards: Vec<(usize, Award)> = all(store)?
        .into_iter()
        .filter_map(|a| {
            let at = order.iter().position(|u| *u == a.nomination.unit)?;
            Some((at, a))
        })
        .collect();
    awards.sort_by(|(x, a), (y, b)| {
        (a.nomination.kind, x, &a.nomination.id).cmp(&(b.nomination.kind, y, &b.nomination.id))
    });
    Ok(awards.into_iter().map(|(_, a)| a).collect())
}

/// Every nomination for the 评选 this store holds, in id order, each with the province's choice
/// on it if that has come.
fn all(store: &Store) -> Outcome<Vec<Award>> {
    let mut chosen: BTreeMap<String, Selection> = store
        .scan::<Selection>("w/s/")?
        .into_iter()
        .map(|(id, s)| (id, s.value))
        .collect();
    Ok(store
        .scan::<Nomination>("w/n/")?
        .into_iter()
        .map(|(id, s)| Award {
            selection: chosen.remove(&id),
            nomination: s.value,
        })
        .collect())
}
