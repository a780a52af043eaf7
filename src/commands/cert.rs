//! `peixun cert ...`: what changes the certification chain. The province office records online
//! training, evaluates, adjusts, approves expansion classes, records exam results and issues
//! certificates; a city records the results of its own expansion classes.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::{open_store, print_json, unit_name, user_error};
use crate::cert::model::{Adjustment, Approval, Marks, PointsEntry};
use crate::cert::pipeline::may_record;
use crate::cert::record::{self, Recording};
use crate::cert::{cells, evaluate, is_province, sheet, Rules};
use crate::cli::Cli;
use crate::cli_cert::{CertCommand, ResultArgs};
use crate::domain::{text, Person, SessionKind};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::sheets::import::Options;
use crate::sheets::read;
use crate::store::cert::CertPerson;
use crate::store::Store;

fn require_province(store: &Store) -> Result<()> {
    if is_province(store.office()) {
        Ok(())
    } else {
        Err(user_error(tf(
            "cert.province_only",
            &[("office", &unit_name(store.office()))],
        )))
    }
}

/// A person by id, phone or participant code.
pub(super) fn find_person(store: &Store, raw: &str) -> Result<Person> {
    if let Some(p) = store.person(raw)? {
        return Ok(p);
    }
    if let Ok(phone) = text::normalise_phone(raw) {
        if let Some(p) = store.person_by_phone(&phone)? {
            return Ok(p);
        }
    }
    match store.people_by_code(raw)?.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(user_error(tf("cert.person.not_found", &[("person", &raw)]))),
    }
}

pub(super) fn entry_of(store: &Store, rules: &Rules, person: &str) -> Result<CertPerson> {
    store
        .cert_book(rules)?
        .into_iter()
        .find(|c| c.person.id == person)
        .ok_or_else(|| user_error(tf("cert.person.not_found", &[("person", &person)])))
}

fn reason_of(raw: &str) -> Result<String> {
    text::clean(raw).ok_or_else(|| user_error(t("cert.reason_required")))
}

/// Commits, or says nothing changed (unless the output is JSON).
fn commit(store: &Store, payloads: Vec<Payload>, json: bool) -> Result<()> {
    if payloads.is_empty() {
        if !json {
            println!("{}", t("cert.nothing_changed"));
        }
    } else {
        store.commit(payloads)?;
    }
    Ok(())
}

pub fn run(cli: &Cli, command: &CertCommand) -> Result<()> {
    let store = open_store(cli)?;
    let rules = Rules::load()?;
    match command {
        CertCommand::Import {
            file,
            sheet,
            dry_run,
            skip_invalid,
            json,
        } => import(
            &store,
            file,
            sheet.as_deref(),
            *dry_run,
            *skip_invalid,
            *json,
        ),
        CertCommand::Evaluate {
            city,
            publish,
            json,
        } => evaluate(&store, &rules, city.as_deref(), *publish, *json),
        CertCommand::Adjust {
            person,
            drop,
            reason,
        } => {
            require_province(&store)?;
            let person = find_person(&store, person)?;
            let adjustment = Adjustment {
                selected: !drop,
                reason: reason_of(reason)?,
            };
            let key = if *drop {
                "cert.adjust.dropped"
            } else {
                "cert.adjust.selected"
            };
            store.commit(vec![Payload::CandidateAdjusted {
                person: person.id.clone(),
                unit: person.office.clone(),
                adjustment,
            }])?;
            println!("{}", tf(key, &[("name", &person.name)]));
            Ok(())
        }
        CertCommand::Approve {
            session,
            reason,
            withdraw,
        } => {
            require_province(&store)?;
            let found = store
                .session(session)?
                .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", session)])))?;
            if found.kind != SessionKind::Expansion {
                return Err(user_error(tf(
                    "cert.approve.not_expansion",
                    &[("title", &found.title)],
                )));
            }
            let approval = Approval {
                approved: !withdraw,
                reason: reason_of(reason)?,
            };
            if store.expansion_approval(session)?.as_ref() == Some(&approval) {
                return commit(&store, Vec::new(), false);
            }
            store.commit(vec![Payload::ExpansionApproved {
                session: session.clone(),
                city: found.office.clone(),
                approval,
            }])?;
            let key = if *withdraw {
                "cert.approve.withdrawn"
            } else {
                "cert.approve.done"
            };
            println!("{}", tf(key, &[("title", &found.title)]));
            Ok(())
        }
        CertCommand::Results(args) => results(&store, &rules, args),
        CertCommand::Issue { person, date, json } => {
            let date = match date {
                Some(date) => *date,
                None => store.today()?,
            };
            issue(&store, &rules, person.as_deref(), date, *json)
        }
        CertCommand::List { stage, city, json } => {
            super::cert_view::list(&store, &rules, *stage, city.as_deref(), *json)
        }
        CertCommand::Show { person, json } => {
            let person = find_person(&store, person)?;
            let entry = entry_of(&store, &rules, &person.id)?;
            if *json {
                return print_json(&entry);
            }
            print!("{}", super::cert_view::history(&store, &rules, &entry)?);
            Ok(())
        }
        CertCommand::Points {
            person,
            category,
            points,
            reason,
            date,
        } => {
            require_province(&store)?;
            let person = find_person(&store, person)?;
            if !rules.point_categories.contains(category) {
                return Err(user_error(tf(
                    "cert.points.bad_category",
                    &[
                        ("category", category),
                        ("known", &rules.point_categories.join(", ")),
                    ],
                )));
            }
            let entry = entry_of(&store, &rules, &person.id)?;
            if entry.status.certificate.is_none() {
                return Err(user_error(tf(
                    "cert.points.not_certified",
                    &[("name", &person.name)],
                )));
            }
            let points_entry = PointsEntry {
                id: store.new_id('J')?,
                category: category.clone(),
                points: *points,
                date: date.unwrap_or(store.today()?),
                reason: reason_of(reason)?,
            };
            store.commit(vec![Payload::PointsRecorded {
                person: person.id.clone(),
                unit: person.office.clone(),
                entry: points_entry,
            }])?;
            println!(
                "{}",
                tf(
                    "cert.points.done",
                    &[
                        ("name", &person.name),
                        ("points", points),
                        ("balance", &(entry.status.points + points)),
                    ]
                )
            );
            Ok(())
        }
    }
}

fn import(
    store: &Store,
    file: &std::path::Path,
    sheet_name: Option<&str>,
    dry_run: bool,
    skip_invalid: bool,
    json: bool,
) -> Result<()> {
    require_province(store)?;
    let grid = read::read(file, sheet_name)?;
    let plan = sheet::plan(store, &grid)?;
    let options = Options {
        skip_invalid,
        dry_run,
    };
    super::import::settle(store, file, plan, options, json)
}

fn evaluate(
    store: &Store,
    rules: &Rules,
    city: Option<&str>,
    publish: bool,
    json: bool,
) -> Result<()> {
    if publish {
        require_province(store)?;
    }
    let city = city
        .map(|raw| crate::domain::input::resolve_unit(raw).map_err(user_error))
        .transpose()?
        .map(|unit| crate::cert::city_of(&unit));
    let book = store.cert_book(rules)?;
    let people: Vec<(String, String, crate::cert::Facts)> = book
        .iter()
        .map(|c| (c.person.id.clone(), c.city.clone(), c.facts.clone()))
        .collect();
    let ranked: Vec<evaluate::Ranked> = evaluate::rank(&people, rules)
        .into_iter()
        .filter(|r| city.as_ref().is_none_or(|c| *c == r.city))
        .collect();
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
        let changed = payloads.len();
        commit(store, payloads, json)?;
        if changed > 0 && !json {
            println!("{}", tf("cert.evaluate.published", &[("count", &changed)]));
        }
    }
    super::cert_view::ranking(&book, &ranked, json)
}

fn results(store: &Store, rules: &Rules, args: &ResultArgs) -> Result<()> {
    let session = store
        .session(&args.session)?
        .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", &args.session)])))?;
    if !matches!(
        session.kind,
        SessionKind::Exam | SessionKind::Makeup | SessionKind::Expansion
    ) {
        return Err(user_error(tf(
            "cert.refuse.not_an_exam",
            &[("title", &session.title)],
        )));
    }
    if session.office != store.office() {
        return Err(user_error(tf(
            "cert.results.not_owner",
            &[
                ("title", &session.title),
                ("office", &unit_name(&session.office)),
            ],
        )));
    }
    if let Some(file) = &args.from {
        return results_from(store, rules, &session, file, args);
    }
    let mark = |raw: &Option<String>, field: &str| -> Result<Option<u16>> {
        match raw {
            None => Ok(None),
            Some(raw) => match cells::parse_score(raw) {
                Ok(Some(score)) => Ok(Some(score)),
                _ => Err(user_error(tf(
                    "cert.results.bad_mark",
                    &[("field", &t(&format!("cert.col.{field}"))), ("value", raw)],
                ))),
            },
        }
    };
    let marks = Marks {
        exam: mark(&args.exam, "exam")?,
        practical: mark(&args.practical, "practical")?,
    };
    let person = find_person(store, args.person.as_deref().unwrap_or_default())?;
    if session.kind == SessionKind::Expansion && !store.is_enrolled(&session.id, &person.id)? {
        return Err(user_error(tf(
            "cert.refuse.not_enrolled",
            &[("name", &person.name), ("title", &session.title)],
        )));
    }
    let entry = entry_of(store, rules, &person.id)?;
    if let Err(refusal) = may_record(&entry.status, &session.id, session.kind) {
        return Err(user_error(tf(
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
    match record::recording(&attempt, held, marks, args.reason.as_deref()) {
        Recording::Write(payload) => {
            store.commit(vec![*payload])?;
        }
        Recording::Unchanged => {
            println!(
                "{}",
                tf("cert.results.unchanged", &[("name", &person.name)])
            );
            return Ok(());
        }
        Recording::NeedsReason(said) => return Err(user_error(said)),
    }
    let passed = crate::cert::pipeline::passed(&marks, rules);
    println!(
        "{}",
        tf(
            "cert.results.done",
            &[
                ("name", &person.name),
                ("marks", &super::cert_view::marks_text(&marks)),
                (
                    "outcome",
                    &t(if passed {
                        "cert.results.pass"
                    } else {
                        "cert.results.fail"
                    }),
                ),
            ]
        )
    );
    Ok(())
}

fn untrained_line(name: &str, rules: &Rules) -> String {
    tf(
        "cert.issue.not_trained",
        &[
            ("name", &name),
            ("minutes", &rules.online_minutes),
            ("sessions", &rules.offline_sessions),
        ],
    )
}

fn issue(
    store: &Store,
    rules: &Rules,
    person: Option<&str>,
    date: NaiveDate,
    json: bool,
) -> Result<()> {
    require_province(store)?;
    let book = store.cert_book(rules)?;
    let targets: Vec<&CertPerson> = match person {
        Some(raw) => {
            let person = find_person(store, raw)?;
            let entry = book
                .iter()
                .find(|c| c.person.id == person.id)
                .ok_or_else(|| user_error(tf("cert.person.not_found", &[("person", &raw)])))?;
            if let Some(number) = &entry.status.certificate {
                return Err(user_error(tf(
                    "cert.issue.already",
                    &[("name", &person.name), ("number", number)],
                )));
            }
            if entry.status.passed_untrained() {
                return Err(user_error(untrained_line(&person.name, rules)));
            }
            if !entry.status.may_issue() {
                return Err(user_error(tf(
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
            let untrained: Vec<&CertPerson> = book
                .iter()
                .filter(|c| c.status.passed_untrained())
                .collect();
            if !untrained.is_empty() && !json {
                for c in &untrained {
                    println!("{}", untrained_line(&c.person.name, rules));
                }
            }
            book.iter().filter(|c| c.status.may_issue()).collect()
        }
    };
    let certificates = store.next_certificates(rules, targets.len(), date)?;
    let issued: Vec<(String, String, String)> = targets
        .iter()
        .zip(&certificates)
        .map(|(c, cert)| {
            (
                c.person.id.clone(),
                c.person.name.clone(),
                cert.number.clone(),
            )
        })
        .collect();
    let payloads: Vec<Payload> = targets
        .iter()
        .zip(certificates)
        .map(|(c, certificate)| Payload::CertificateIssued {
            person: c.person.id.clone(),
            unit: c.person.office.clone(),
            certificate,
        })
        .collect();
    commit(store, payloads, json)?;
    if json {
        return print_json(&issued);
    }
    for (_, name, number) in &issued {
        println!("{number}  {name}");
    }
    if !issued.is_empty() {
        println!("{}", tf("cert.issue.done", &[("count", &issued.len())]));
    }
    Ok(())
}

fn results_from(
    store: &Store,
    rules: &Rules,
    session: &crate::domain::Session,
    file: &std::path::Path,
    args: &ResultArgs,
) -> Result<()> {
    let grid = read::read(file, args.sheet.as_deref())?;
    let plan =
        crate::cert::results_sheet::plan(store, &grid, session, rules, args.reason.as_deref())?;
    let options = Options {
        skip_invalid: args.skip_invalid,
        dry_run: args.dry_run,
    };
    super::import::settle(store, file, plan, options, args.json)
}
