//! `peixun cert ...`: what changes the certification chain. The province office records online
//! training, evaluates, adjusts, approves expansion classes, records exam results and issues
//! certificates; a city records the results of its own expansion classes.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::{open_store, print_json, user_error};
use crate::app::cert::{self, Recorded};
use crate::cert::model::Marks;
use crate::cert::{cells, Rules};
use crate::cli::Cli;
use crate::cli_cert::{CertCommand, ResultArgs};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::sheets::import::Options;
use crate::sheets::read;
use crate::sheets::watch_log;
use crate::store::Store;

/// Commits, or says nothing changed (unless the output is JSON).
fn commit(store: &Store, payloads: Vec<Payload>, json: bool) -> Result<()> {
    if payloads.is_empty() {
        if !json {
            crate::outln!("{}", t("cert.nothing_changed"));
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
            let person = cert::adjust(&store, person, !drop, reason)?;
            let key = if *drop {
                "cert.adjust.dropped"
            } else {
                "cert.adjust.selected"
            };
            crate::outln!("{}", tf(key, &[("name", &person.name)]));
            Ok(())
        }
        CertCommand::Approve {
            session,
            reason,
            withdraw,
        } => {
            let Some(title) = cert::approve(&store, session, !withdraw, reason)? else {
                return commit(&store, Vec::new(), false);
            };
            let key = if *withdraw {
                "cert.approve.withdrawn"
            } else {
                "cert.approve.done"
            };
            crate::outln!("{}", tf(key, &[("title", &title)]));
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
            super::cert_print::list(&store, &rules, *stage, city.as_deref(), *json)
        }
        CertCommand::Show { person, json } => {
            let person = cert::find_person(&store, person)?;
            let entry = cert::entry_of(&store, &rules, &person.id)?;
            if *json {
                return print_json(&entry);
            }
            crate::out!("{}", super::cert_print::history(&store, &rules, &entry)?);
            Ok(())
        }
        CertCommand::Points {
            person,
            category,
            points,
            reason,
            date,
        } => {
            let (person, balance) =
                cert::points(&store, &rules, person, category, *points, *date, reason)?;
            crate::outln!(
                "{}",
                tf(
                    "cert.points.done",
                    &[
                        ("name", &person.name),
                        ("points", points),
                        ("balance", &balance),
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
    cert::require_province(store)?;
    let plan = watch_log::plan(store, read::read(file, sheet_name)?)?;
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
    let ranking = cert::evaluate(store, rules, city, publish)?;
    if publish && !json {
        if ranking.published == 0 {
            crate::outln!("{}", t("cert.nothing_changed"));
        } else {
            crate::outln!(
                "{}",
                tf("cert.evaluate.published", &[("count", &ranking.published)])
            );
        }
    }
    super::cert_print::ranking(&ranking.ranked_people, &ranking.ranked, json)
}

fn results(store: &Store, rules: &Rules, args: &ResultArgs) -> Result<()> {
    let session = cert::exam_session(store, &args.session)?;
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
    let person = args.person.as_deref().unwrap_or_default();
    let name = match cert::record_result(
        store,
        rules,
        &session.id,
        person,
        marks,
        args.reason.as_deref(),
    )? {
        Recorded::Written { name, .. } => name,
        Recorded::Unchanged { name } => {
            crate::outln!("{}", tf("cert.results.unchanged", &[("name", &name)]));
            return Ok(());
        }
    };
    let passed = crate::cert::pipeline::passed(&marks, rules);
    crate::outln!(
        "{}",
        tf(
            "cert.results.done",
            &[
                ("name", &name),
                ("marks", &crate::cert::history::marks_text(&marks)),
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

fn issue(
    store: &Store,
    rules: &Rules,
    person: Option<&str>,
    date: NaiveDate,
    json: bool,
) -> Result<()> {
    let issued = cert::issue(store, rules, person, date)?;
    if json {
        let rows: Vec<(&str, &str, &str)> = issued
            .certificates
            .iter()
            .map(|(p, c)| (p.id.as_str(), p.name.as_str(), c.number.as_str()))
            .collect();
        return print_json(&rows);
    }
    for person in &issued.untrained {
        crate::outln!("{}", cert::untrained_line(&person.name, rules));
    }
    if issued.certificates.is_empty() {
        crate::outln!("{}", t("cert.nothing_changed"));
        return Ok(());
    }
    for (person, certificate) in &issued.certificates {
        crate::outln!("{}  {}", certificate.number, person.name);
    }
    crate::outln!(
        "{}",
        tf("cert.issue.done", &[("count", &issued.certificates.len())])
    );
    Ok(())
}

fn results_from(
    store: &Store,
    rules: &Rules,
    session: &crate::domain::Session,
    file: &std::path::Path,
    args: &ResultArgs,
) -> Result<()> {
    let rows = read::read(file, args.sheet.as_deref())?;
    let plan = crate::sheets::results::plan(store, rows, session, rules, args.reason.as_deref())?;
    let options = Options {
        skip_invalid: args.skip_invalid,
        dry_run: args.dry_run,
    };
    super::import::settle(store, file, plan, options, args.json)
}
