//! The certification chain's writes: adjusting the selection, approving an expansion class,
//! recording a result, issuing certificates. Evaluation and the watch-log import write through
//! their own plans (`cert::evaluate`, `cert::sheet`).

use chrono::NaiveDate;

use super::{Outcome, Refusal};
use crate::campaign::unit_name;
use crate::cert::book::CertPerson;
use crate::cert::model::{Adjustment, Approval, Certificate, Marks, PointsEntry};
use crate::cert::pipeline::may_record;
use crate::cert::record::{self, Recording};
use crate::cert::{evaluate, is_province, Rules};
use crate::domain::{text, Person, SessionKind};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::lists;
use crate::store::Store;

/// Certification is the province's: it evaluates, approves and issues.
pub fn require_province(store: &Store) -> Outcome<()> {
    if is_province(store.office()) {
        return Ok(());
    }
    Err(Refusal::said(tf(
        "cert.province_only",
        &[("office", &unit_name(store.office()))],
    )))
}

/// A person by id, phone or participant code.
pub fn find_person(store: &Store, raw: &str) -> Outcome<Person> {
    if let Some(p) = store.person(raw)? {
        return Ok(p);
    }
    if let Ok(phone) = text::normalise_phone(raw) {
        let mut people = crate::search::lookup::everyone_by_phone(store, &phone)?;
        match people.len() {
            0 => {}
            1 => return Ok(people.remove(0)),
            // Taking the first would record someone's certification on another.
            count => {
                let names: Vec<String> = people
                    .iter()
                    .map(|p| format!("{} {}", p.name, p.id))
                    .collect();
                return Err(Refusal::said(tf(
                    "cert.person.several",
                    &[
                        ("person", &phone),
                        ("count", &count),
                        ("names", &names.join("、")),
                    ],
                )));
            }
        }
    }
    match crate::search::lookup::by_code(store, raw)?.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(Refusal::said(tf(
            "cert.person.not_found",
            &[("person", &raw)],
        ))),
    }
}

/// The person's place in the chain.
pub fn entry_of(store: &Store, rules: &Rules, person: &str) -> Outcome<CertPerson> {
    store
        .cert_person(rules, person)?
        .ok_or_else(|| Refusal::said(tf("cert.person.not_found", &[("person", &person)])))
}

/// A reason is part of the record: a blank one is refused.
pub fn reason_of(raw: &str) -> Outcome<String> {
    text::clean_prose(raw).ok_or_else(|| Refusal::said(t("cert.reason_required")))
}

/// Puts a person on or off the selection (遴选) by hand, with the reason.
pub fn adjust(store: &Store, person: &str, selected: bool, reason: &str) -> Outcome<Person> {
    require_province(store)?;
    let person = find_person(store, person)?;
    let adjustment = Adjustment {
        selected,
        reason: reason_of(reason)?,
    };
    store.commit(vec![Payload::CandidateAdjusted {
        person: person.id.clone(),
        unit: person.office.clone(),
        adjustment,
    }])?;
    Ok(person)
}

/// Approves (or withdraws approval of) a city's expansion class; `None` when it already stood so.
pub fn approve(
    store: &Store,
    session: &str,
    approved: bool,
    reason: &str,
) -> Outcome<Option<String>> {
    require_province(store)?;
    let found = store
        .session(session)?
        .ok_or_else(|| Refusal::said(tf("cli.session.not_found", &[("id", &session)])))?;
    if found.kind != SessionKind::Expansion {
        return Err(Refusal::said(tf(
            "cert.approve.not_expansion",
            &[("title", &found.title)],
        )));
    }
    let approval = Approval {
        approved,
        reason: reason_of(reason)?,
    };
    if store.expansion_approval(session)?.as_ref() == Some(&approval) {
        return Ok(None);
    }
    store.commit(vec![Payload::ExpansionApproved {
        session: session.to_string(),
        city: found.office.clone(),
        approval,
    }])?;
    Ok(Some(found.title))
}

/// What recording a result came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Written { name: String, marks: Marks },
    Unchanged { name: String },
}

/// Records `marks` for `person` at the exam, makeup or expansion session `session`, by the rule
/// table (one makeup, no third attempt); different marks for an attempt that has some need a
/// `reason` and keep the earlier ones in the history.
pub fn record_result(
    store: &Store,
    rules: &Rules,
    session: &str,
    person: &str,
    marks: Marks,
    reason: Option<&str>,
) -> Outcome<Recorded> {
    let session = exam_session(store, session)?;
    let person = find_person(store, person)?;
    if session.kind == SessionKind::Expansion
        && !lists::is_enrolled(store, &session.id, &person.id)?
    {
        return Err(Refusal::said(tf(
            "cert.refuse.not_enrolled",
            &[("name", &person.name), ("title", &session.title)],
        )));
    }
    let entry = entry_of(store, rules, &person.id)?;
    if let Err(refusal) = may_record(&entry.status, &session.id, session.kind) {
        return Err(Refusal::said(tf(
            refusal.key(),
            &[("name", &person.name), ("title", &session.title)],
        )));
    }
    let held = entry
        .facts
        .attempts
        .iter()
        .find(|a| a.session == session.id)
        .map(|a| a.marks);
    let attempt = record::Attempt {
        session: &session.id,
        title: &session.title,
        person: &person.id,
        name: &person.name,
        unit: &person.office,
    };
    match record::recording(&attempt, held, marks, reason) {
        Recording::Write(payload) => {
            store.commit(vec![*payload])?;
            Ok(Recorded::Written {
                name: person.name,
                marks,
            })
        }
        Recording::Unchanged => Ok(Recorded::Unchanged { name: person.name }),
        Recording::NeedsReason(said) => Err(Refusal::Said(said)),
    }
}

/// A session results can be recorded at: an exam, a makeup or an expansion class of this office.
pub fn exam_session(store: &Store, id: &str) -> Outcome<crate::domain::Session> {
    let session = store
        .session(id)?
        .ok_or_else(|| Refusal::said(tf("cli.session.not_found", &[("id", &id)])))?;
    if !matches!(
        session.kind,
        SessionKind::Exam | SessionKind::Makeup | SessionKind::Expansion
    ) {
        return Err(Refusal::said(tf(
            "cert.refuse.not_an_exam",
            &[("title", &session.title)],
        )));
    }
    if session.office != store.office() {
        return Err(Refusal::said(tf(
            "cert.results.not_owner",
            &[
                ("title", &session.title),
                ("office", &unit_name(&session.office)),
            ],
        )));
    }
    Ok(session)
}

/// Why a passed person gets no certificate yet: the trained rule.
pub fn untrained_line(name: &str, rules: &Rules) -> String {
    tf(
        "cert.issue.not_trained",
        &[
            ("name", &name),
            ("minutes", &rules.online_minutes),
            ("sessions", &rules.offline_sessions),
        ],
    )
}

/// Certificates given out, and those who passed but are held back by the trained rule.
#[derive(Debug, Clone, Default)]
pub struct Issued {
    pub certificates: Vec<(Person, Certificate)>,
    pub untrained: Vec<Person>,
}

/// Issues certificates dated `date`: to `person` alone (refused with the reason when they may
/// not have one), or to everyone who may.
pub fn issue(
    store: &Store,
    rules: &Rules,
    person: Option<&str>,
    date: NaiveDate,
) -> Outcome<Issued> {
    require_province(store)?;
    let book = store.cert_book(rules)?;
    let mut issued = Issued::default();
    let targets: Vec<&CertPerson> = match person {
        Some(raw) => {
            let person = find_person(store, raw)?;
            let entry = book
                .iter()
                .find(|c| c.person.id == person.id)
                .ok_or_else(|| Refusal::said(tf("cert.person.not_found", &[("person", &raw)])))?;
            if let Some(number) = &entry.status.certificate {
                return Err(Refusal::said(tf(
                    "cert.issue.already",
                    &[("name", &person.name), ("number", number)],
                )));
            }
            if entry.status.passed_untrained() {
                return Err(Refusal::said(untrained_line(&person.name, rules)));
            }
            if !entry.status.may_issue() {
                return Err(Refusal::said(tf(
                    "cert.issue.not_passed",
                    &[
                        ("name", &person.name),
                        (
                            "outcome",
                            &t(&format!("cert.outcome.{}", entry.status.outcome.key())),
                        ),
                    ],
                )));
            }
            vec![entry]
        }
        None => {
            issued.untrained = book
                .iter()
                .filter(|c| c.status.passed_untrained())
                .map(|c| c.person.clone())
                .collect();
            book.iter().filter(|c| c.status.may_issue()).collect()
        }
    };
    let certificates = store.next_certificates(rules, targets.len(), date)?;
    let payloads: Vec<Payload> = targets
        .iter()
        .zip(&certificates)
        .map(|(c, certificate)| Payload::CertificateIssued {
            person: c.person.id.clone(),
            unit: c.person.office.clone(),
            certificate: certificate.clone(),
        })
        .collect();
    if !payloads.is_empty() {
        store.commit(payloads)?;
    }
    issued.certificates = targets
        .iter()
        .map(|c| c.person.clone())
        .zip(certificates)
        .collect();
    Ok(issued)
}

/// Points (积分) for a certified specialist, in one of the rule table's categories; returns the
/// person and their balance after.
pub fn points(
    store: &Store,
    rules: &Rules,
    person: &str,
    category: &str,
    points: i32,
    date: Option<NaiveDate>,
    reason: &str,
) -> Outcome<(Person, i32)> {
    require_province(store)?;
    let person = find_person(store, person)?;
    if !rules.point_categories.iter().any(|c| c == category) {
        return Err(Refusal::said(tf(
            "cert.points.bad_category",
            &[
                ("category", &category),
                ("known", &rules.point_categories.join(", ")),
            ],
        )));
    }
    let entry = entry_of(store, rules, &person.id)?;
    if entry.status.certificate.is_none() {
        return Err(Refusal::said(tf(
            "cert.points.not_certified",
            &[("name", &person.name)],
        )));
    }
    let points_entry = PointsEntry {
        id: store.new_id('J')?,
        category: category.to_string(),
        points,
        date: match date {
            Some(date) => date,
            None => store.today()?,
        },
        reason: reason_of(reason)?,
    };
    store.commit(vec![Payload::PointsRecorded {
        person: person.id.clone(),
        unit: person.office.clone(),
        entry: points_entry,
    }])?;
    Ok((person, entry.status.points + points))
}

/// The ranking (遴选) of everyone, or of one city's people; published (written) only when asked,
/// and then only the evaluations that changed.
pub struct Ranking {
    /// The people `ranked` names, to look them up by id; in no order.
    pub ranked_people: Vec<CertPerson>,
    pub ranked: Vec<evaluate::Ranked>,
    pub published: usize,
}

pub fn evaluate(
    store: &Store,
    rules: &Rules,
    city: Option<&str>,
    publish: bool,
) -> Outcome<Ranking> {
    if publish {
        require_province(store)?;
    }
    let city = city
        .map(|raw| crate::cert::city_asked(raw).map_err(Refusal::Said))
        .transpose()?;
    // Only those the ranking ranks (of the city asked for: each city is ranked on its own): the
    // whole book at ten times the province was 289 MB.
    let mut book = Vec::new();
    store.each_cert_person(rules, |c| {
        if evaluate::took_part_online(&c.facts) && city.as_ref().is_none_or(|city| *city == c.city)
        {
            book.push(c);
        }
        Ok(())
    })?;
    let people: Vec<(String, String, crate::cert::Facts)> = book
        .iter()
        .map(|c| (c.person.id.clone(), c.city.clone(), c.facts.clone()))
        .collect();
    let ranked: Vec<evaluate::Ranked> = evaluate::rank(&people, rules);
    let mut published = 0;
    if publish {
        let by_id: std::collections::HashMap<&str, &CertPerson> =
            book.iter().map(|c| (c.person.id.as_str(), c)).collect();
        let payloads: Vec<Payload> = ranked
            .iter()
            .filter_map(|r| {
                let entry = by_id.get(r.person.as_str())?;
                (entry.facts.evaluation.as_ref() != Some(&r.evaluation)).then(|| {
                    Payload::Evaluated {
                        person: r.person.clone(),
                        unit: entry.person.office.clone(),
                        evaluation: r.evaluation.clone(),
                    }
                })
            })
            .collect();
        published = payloads.len();
        if !payloads.is_empty() {
            store.commit(payloads)?;
        }
    }
    Ok(Ranking {
        ranked_people: book,
        ranked,
        published,
    })
}
