//! A person's whole history in the chain as lines of text, for `cert show` and the 认证 tab.

use std::collections::HashMap;

use super::cells::show_score;
use super::model::{Marks, ResultEntry};
use super::pipeline::passed;
use super::Rules;
use crate::campaign::unit_name;
use crate::cert::book::CertPerson;
use crate::domain::text::mask_phone;
use crate::i18n::{t, tf};

fn mark(score: Option<u16>) -> String {
    score.map_or_else(|| t("cert.absent"), show_score)
}

pub fn marks_text(marks: &Marks) -> String {
    tf(
        "cert.marks",
        &[
            ("exam", &mark(marks.exam)),
            ("practical", &mark(marks.practical)),
        ],
    )
}

/// One result as it was written: when, by which office, and for a correction why.
fn written(entry: &ResultEntry) -> String {
    let day = i64::try_from(entry.at_ms)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|d| {
            d.with_timezone(&chrono::Local)
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default();
    let key = if entry.reason.is_some() {
        "cert.show.result_corrected"
    } else {
        "cert.show.result_first"
    };
    tf(
        key,
        &[
            ("marks", &marks_text(&entry.marks)),
            ("date", &day),
            ("office", &unit_name(&entry.office)),
            ("reason", &entry.reason.as_deref().unwrap_or_default()),
        ],
    )
}

fn yes_no(b: bool) -> String {
    t(if b { "cert.yes" } else { "cert.no" })
}

/// The titles of the sessions `c`'s history names.
pub fn titles(
    store: &crate::store::Store,
    c: &CertPerson,
) -> color_eyre::Result<HashMap<String, String>> {
    let mut titles = HashMap::new();
    for session in c
        .facts
        .attempts
        .iter()
        .map(|a| &a.session)
        .chain(c.facts.expansion.iter().map(|(s, _)| s))
    {
        if let Some(found) = store.session(session)? {
            titles.insert(session.clone(), found.title);
        }
    }
    Ok(titles)
}

/// The history of the person with id `person`, or nothing when the book has no such person.
pub fn of_person(
    store: &crate::store::Store,
    rules: &Rules,
    person: &str,
) -> color_eyre::Result<Vec<String>> {
    let Some(c) = store.cert_person(rules, person)? else {
        return Ok(Vec::new());
    };
    Ok(lines(&c, &titles(store, &c)?, rules))
}

/// One line per fact, in the order the chain runs; `titles` names the sessions.
pub fn lines(c: &CertPerson, titles: &HashMap<String, String>, rules: &Rules) -> Vec<String> {
    let f = &c.facts;
    let s = &c.status;
    let title = |id: &str| titles.get(id).cloned().unwrap_or_else(|| id.to_string());
    let mut out = vec![
        tf(
            "cert.show.person",
            &[
                ("name", &c.person.name),
                ("phone", &mask_phone(&c.person.phone)),
                ("enterprise", &c.enterprise),
                ("unit", &unit_name(&c.unit)),
            ],
        ),
        tf(
            "cert.show.online",
            &[
                ("minutes", &f.online_minutes),
                (
                    "questionnaire",
                    &f.questionnaire.map_or_else(|| "-".into(), yes_no),
                ),
                ("test", &f.test.map_or_else(|| "-".into(), show_score)),
            ],
        ),
        tf("cert.show.offline", &[("count", &f.offline_attended)]),
        tf("cert.show.trained", &[("trained", &yes_no(s.trained))]),
    ];
    if let Some(e) = &f.evaluation {
        out.push(tf(
            "cert.show.evaluation",
            &[
                ("score", &show_score(e.score)),
                ("rank", &e.rank),
                ("selected", &yes_no(e.selected)),
            ],
        ));
    }
    if let Some(a) = &f.adjustment {
        out.push(tf(
            "cert.show.adjustment",
            &[("selected", &yes_no(a.selected)), ("reason", &a.reason)],
        ));
    }
    for (session, approved) in &f.expansion {
        out.push(tf(
            "cert.show.expansion",
            &[("title", &title(session)), ("approved", &yes_no(*approved))],
        ));
    }
    out.push(tf(
        "cert.show.candidate",
        &[("candidate", &yes_no(s.candidate))],
    ));
    for (key, attempt) in [
        ("cert.show.exam", &s.first),
        ("cert.show.makeup", &s.makeup),
    ] {
        if let Some(a) = attempt {
            out.push(tf(
                key,
                &[
                    ("date", &a.date),
                    ("title", &title(&a.session)),
                    ("marks", &marks_text(&a.marks)),
                    ("outcome", &yes_no(passed(&a.marks, rules))),
                ],
            ));
            // A corrected attempt shows every result it was given, the first included.
            if a.history.len() > 1 {
                out.extend(a.history.iter().map(written));
            }
        }
    }
    out.push(tf(
        "cert.show.outcome",
        &[("outcome", &t(&format!("cert.outcome.{}", s.outcome.key())))],
    ));
    for (cert, valid) in &f.certificates {
        let key = if *valid {
            "cert.show.certificate"
        } else {
            "cert.show.certificate_void"
        };
        out.push(tf(key, &[("number", &cert.number), ("date", &cert.date)]));
    }
    for p in &f.points {
        out.push(tf(
            "cert.show.points_entry",
            &[
                ("date", &p.date),
                ("category", &t(&format!("cert.category.{}", p.category))),
                ("points", &format!("{:+}", p.points)),
                ("reason", &p.reason),
            ],
        ));
    }
    out.push(tf("cert.show.points", &[("points", &s.points)]));
    out
}
