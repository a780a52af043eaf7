//! `peixun search|enrol|checkin|attendance`: the door from the command line.

use std::io::BufRead;
use std::sync::Arc;

use chrono::NaiveDateTime;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::{backup, data_dir, headers, open_store, print_json, print_table, today, user_error};
use crate::app;
use crate::cli::{CheckinArgs, Cli, EnrolArgs};
use crate::config::Config;
use crate::domain::text::mask_phone;
use crate::domain::Person;
use crate::i18n::{t, tf};
use crate::search::cache;
use crate::search::door::{decide, Choice, DoorSearch, Found};
use crate::search::office::OfficeIndex;
use crate::search::{Candidate, Tier};
use crate::store::lists;
use crate::store::{CheckIn, Enrolled, PersonDraft, Store};

#[derive(Serialize)]
struct FoundRow<'a> {
    tier: Tier,
    in_session: bool,
    id: &'a str,
    name: &'a str,
    enterprise: &'a str,
    phone: &'a str,
    code: &'a str,
}

fn tier_label(tier: Tier) -> String {
    t(&format!("cli.tier.{}", tier.key()))
}

fn door(store: &Store, session: &str) -> Result<DoorSearch> {
    if store.session(session)?.is_none() {
        return Err(user_error(tf("cli.session.not_found", &[("id", &session)])));
    }
    DoorSearch::new(store, session, Arc::new(cache::office_index(store)?))
}

/// Everyone in the office: from the index kept beside the store while holding only its lock,
/// else from the store itself (which keeps the index for next time).
fn office_index(cli: &Cli) -> Result<OfficeIndex> {
    if let Some(store) = super::remote::served() {
        return cache::office_index(&store);
    }
    let dir = data_dir(cli)?;
    let lock = backup::lock_waiting(&dir)?;
    if let Some(index) = cache::load(&dir)? {
        return Ok(index);
    }
    drop(lock);
    cache::office_index(&*open_store(cli)?)
}

pub fn search(
    cli: &Cli,
    query: &str,
    session: Option<&str>,
    limit: usize,
    json: bool,
) -> Result<()> {
    let found: Vec<Found> = match session {
        Some(id) => door(&*open_store(cli)?, id)?.search(query, limit, limit),
        None => {
            let index = office_index(cli)?;
            index
                .search(query, limit)
                .iter()
                .map(|h| Found::elsewhere(&index, h))
                .collect()
        }
    };
    if json {
        let rows: Vec<FoundRow> = found
            .iter()
            .map(|f| FoundRow {
                tier: f.tier,
                in_session: f.in_session,
                id: &f.candidate.id,
                name: &f.candidate.name,
                enterprise: &f.candidate.enterprise,
                phone: &f.candidate.phone,
                code: &f.candidate.code,
            })
            .collect();
        return print_json(&rows);
    }
    if found.is_empty() {
        let why = if crate::search::too_few_digits(query) {
            "cli.search.too_few_digits"
        } else {
            "cli.search.none"
        };
        return Err(user_error(tf(
            why,
            &[
                ("query", &query),
                ("digits", &crate::search::PHONE_TAIL_DIGITS),
            ],
        )));
    }
    let mut rows = Vec::new();
    let mut divided = false;
    for f in &found {
        if session.is_some() && !f.in_session && !divided {
            divided = true;
            rows.push(vec![
                String::new(),
                format!("── {} ──", t("cli.search.elsewhere")),
            ]);
        }
        rows.push(vec![
            tier_label(f.tier),
            f.candidate.name.clone(),
            f.candidate.enterprise.clone(),
            mask_phone(&f.candidate.phone),
            f.candidate.code.clone(),
            f.candidate.id.clone(),
        ]);
    }
    print_table(
        &headers(&["tier", "name", "enterprise", "phone", "code", "id"]),
        &rows,
    );
    Ok(())
}

pub fn enrol(cli: &Cli, args: &EnrolArgs) -> Result<()> {
    let store = open_store(cli)?;
    let draft = PersonDraft {
        name: args.name.clone(),
        phone: args.phone.clone(),
        position: args.position.clone(),
        enterprise: args.enterprise.clone(),
        credit_code: args.credit_code.clone(),
        new_enterprise: args.new_enterprise,
    };
    let enrolled = app::sessions::enrol(&store, &args.session, &draft, args.over_capacity)?;
    let person = enrolled.person();
    let key = match enrolled {
        Enrolled::New(_) => "cli.enrol.new",
        Enrolled::Known {
            was_enrolled: false,
            ..
        } => "cli.enrol.known",
        Enrolled::Known {
            was_enrolled: true, ..
        } => "cli.enrol.already",
    };
    crate::outln!(
        "{}",
        tf(
            key,
            &[
                ("name", &person.name),
                ("code", &person.code),
                ("id", &person.id)
            ]
        )
    );
    Ok(())
}

/// What a check-in did, in a line; `listed` says whether they were on the list before it.
fn checked_in_line(
    store: &Store,
    session: &str,
    name: &str,
    outcome: &CheckIn,
    listed: bool,
) -> Result<String> {
    Ok(match outcome {
        CheckIn::Done { at, present } => {
            let enrolled = lists::enrolled_count(store, session)?;
            let line = tf(
                "cli.checkin.done",
                &[
                    ("name", &name),
                    ("time", &at.format("%H:%M")),
                    ("present", present),
                    ("enrolled", &enrolled),
                ],
            );
            if listed {
                line
            } else {
                format!("{line}{}", t("cli.checkin.added_to_list"))
            }
        }
        CheckIn::Already { first_at } => tf(
            "cli.checkin.already",
            &[("name", &name), ("time", &first_at.format("%H:%M"))],
        ),
    })
}

/// The one person with this participant code; two people sharing one is refused by name.
fn by_code(store: &Store, code: &str) -> Result<Person> {
    let mut people = crate::search::lookup::by_code(store, code)?;
    match people.len() {
        0 => Err(user_error(tf("cli.checkin.no_code", &[("code", &code)]))),
        1 => Ok(people.remove(0)),
        _ => {
            let names: Vec<String> = people
                .iter()
                .map(|p| format!("{} {} {}", p.name, mask_phone(&p.phone), p.id))
                .collect();
            Err(user_error(format!(
                "{}\n{}",
                tf(
                    "cli.checkin.code_shared",
                    &[("code", &code), ("count", &people.len())]
                ),
                names.join("\n")
            )))
        }
    }
}

/// The time a check-in is recorded at: the wall clock on the day the commands count from, so a
/// demo store's "today" (or `--today`) is the day of the check-in.
fn now(cli: &Cli, store: &Store) -> Result<NaiveDateTime> {
    Ok(today(cli, store)?.and_time(chrono::Local::now().time()))
}

/// When the person came: `--at` on the session's day, else now while the session is on.
fn arrival(cli: &Cli, store: &Store, session: &str, at: Option<&str>) -> Result<NaiveDateTime> {
    let found = app::checkin::session(store, session)?;
    let at = at
        .map(|raw| {
            crate::domain::input::parse_time(raw).map_err(|e| user_error(format!("--at: {e}")))
        })
        .transpose()?;
    Ok(app::checkin::arrival(&found, now(cli, store)?, at)?)
}

#[derive(Serialize)]
struct CheckInReport<'a> {
    person: &'a str,
    name: &'a str,
    code: &'a str,
    outcome: &'a str,
    at: NaiveDateTime,
    present: u32,
    enrolled: u32,
    /// Not on the session's list before: the check-in put them on it.
    added_to_list: bool,
}

/// The person `--who` certainly means (`door::decide`); anything less is refused with the
/// people it could mean, so the wrong person is never checked in.
fn by_query(store: &Store, session: &str, query: &str) -> Result<Candidate> {
    let found = door(store, session)?.search(query, 20, 20);
    let listed = |people: &[&Found]| -> String {
        people
            .iter()
            .map(|f| {
                let c = &f.candidate;
                format!(
                    "{} {} {} {}",
                    c.name,
                    c.enterprise,
                    mask_phone(&c.phone),
                    c.code
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (head, people) = match decide(&found, query, None) {
        Choice::Person(found) => return Ok(found.candidate.clone()),
        Choice::Several(people) => (
            tf(
                "cli.checkin.ambiguous",
                &[("query", &query), ("count", &people.len())],
            ),
            people,
        ),
        Choice::Confirm(_) => (
            tf("cli.checkin.not_certain", &[("query", &query)]),
            found.iter().take(5).collect(),
        ),
        Choice::WalkIn { near, .. } if near.is_empty() => {
            return Err(user_error(tf("cli.checkin.nobody", &[("query", &query)])))
        }
        Choice::WalkIn { near, .. } => (tf("cli.checkin.nobody_near", &[("query", &query)]), near),
    };
    Err(user_error(format!("{head}\n{}", listed(&people))))
}

pub fn checkin(cli: &Cli, args: &CheckinArgs) -> Result<()> {
    let store = open_store(cli)?;
    // Whose list it is before anyone is looked for: a list this office does not keep is refused
    // whoever is named.
    app::sessions::list_session(&store, &args.session)?;
    if args.codes_from_stdin {
        return codes_from_stdin(cli, &store, &args.session, args.at.as_deref());
    }
    if let Some(numbers) = &args.numbers {
        return from_paper(cli, &store, &args.session, numbers, args.sheet);
    }
    let (id, name, code) = match (&args.code, &args.who) {
        (Some(code), _) => {
            let p = by_code(&store, code)?;
            (p.id, p.name, p.code)
        }
        (None, Some(who)) => {
            let c = by_query(&store, &args.session, who)?;
            (c.id, c.name, c.code)
        }
        (None, None) => return Err(user_error(t("cli.checkin.whom"))),
    };
    if args.undo {
        let undone = app::checkin::undo(&store, &args.session, &id, args.unenrol)?;
        let key = match (undone.undone, undone.unenrolled) {
            (true, true) => "cli.checkin.undone_unenrolled",
            (true, false) => "cli.checkin.undone",
            (false, _) => "cli.checkin.not_checked_in",
        };
        crate::outln!("{}", tf(key, &[("name", &name)]));
        if args.unenrol && !undone.undone {
            crate::outln!(
                "{}",
                tf(
                    "cli.checkin.unenrol_instead",
                    &[("session", &args.session), ("person", &id)]
                )
            );
        }
        if let Some(why) = undone.kept_on_list {
            crate::outln!("{}", tf("cli.checkin.kept_on_list", &[("why", &why)]));
        }
        return Ok(());
    }
    let at = arrival(cli, &store, &args.session, args.at.as_deref())?;
    let listed = lists::is_enrolled(&store, &args.session, &id)?;
    let outcome = app::checkin::check_in(&store, &args.session, &id, at)?;
    if args.json {
        let (kind, at) = match outcome {
            CheckIn::Done { at, .. } => ("checked-in", at),
            CheckIn::Already { first_at } => ("already", first_at),
        };
        return print_json(&CheckInReport {
            person: &id,
            name: &name,
            code: &code,
            outcome: kind,
            at,
            present: lists::present_count(&store, &args.session)?,
            enrolled: lists::enrolled_count(&store, &args.session)?,
            added_to_list: !listed,
        });
    }
    crate::outln!(
        "{}",
        checked_in_line(&store, &args.session, &name, &outcome, listed)?
    );
    Ok(())
}

/// One line in, one line out: the answer is printed only once the check-in is on disk, so
/// whatever printed "ok" survives a crash.
/// A line that names no one (or comes after the session) is answered with why, the next line
/// is read, and the run ends with exit 2 saying how many were not checked in.
fn codes_from_stdin(cli: &Cli, store: &Store, session: &str, at: Option<&str>) -> Result<()> {
    let mut refused = 0usize;
    for line in crate::out::input().lines() {
        let line = line?;
        let code = line.trim();
        if code.is_empty() {
            continue;
        }
        let found =
            by_code(store, code).and_then(|person| Ok((person, arrival(cli, store, session, at)?)));
        match found {
            Err(why) => {
                refused += 1;
                crate::outln!("{why}");
            }
            Ok((person, at)) => {
                let listed = lists::is_enrolled(store, session, &person.id)?;
                let outcome = app::checkin::check_in(store, session, &person.id, at)?;
                crate::outln!(
                    "ok {code} {}",
                    checked_in_line(store, session, &person.name, &outcome, listed)?
                );
            }
        }
    }
    if refused > 0 {
        return Err(user_error(tf(
            "cli.checkin.codes_refused",
            &[("count", &refused)],
        )));
    }
    Ok(())
}

#[derive(Serialize)]
struct AttendanceRow {
    person: String,
    name: String,
    enterprise: String,
    code: String,
    checked_in_at: chrono::NaiveDateTime,
    late: bool,
}

pub fn attendance(cli: &Cli, session_id: &str, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let session = store
        .session(session_id)?
        .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", &session_id)])))?;
    let grace = Config::load()?.late_grace_minutes;
    let present = lists::attendance(&store, session_id)?;
    let mut rows = Vec::new();
    for (person, enterprise) in lists::enrolment_list(&store, session_id)? {
        let Some(at) = present.get(&person.id).and_then(|a| a.first_at) else {
            continue;
        };
        rows.push(AttendanceRow {
            late: session.is_late(at, grace),
            person: person.id,
            name: person.name,
            enterprise: enterprise.map(|e| e.name).unwrap_or_default(),
            code: person.code,
            checked_in_at: at,
        });
    }
    rows.sort_by_key(|r| r.checked_in_at);
    if json {
        return print_json(&rows);
    }
    let enrolled = lists::enrolled_count(&store, session_id)?;
    let table: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                r.name.clone(),
                r.enterprise.clone(),
                r.code.clone(),
                r.checked_in_at.format("%H:%M").to_string(),
                if r.late {
                    t("cli.attendance.late")
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    print_table(
        &headers(&["no", "name", "enterprise", "code", "time", "late"]),
        &table,
    );
    let percent = crate::domain::share::percent(rows.len() as u64, u64::from(enrolled));
    crate::outln!(
        "{}",
        tf(
            "cli.attendance.summary",
            &[
                ("present", &rows.len()),
                ("enrolled", &enrolled),
                ("percent", &percent)
            ]
        )
    );
    Ok(())
}

/// The rows ticked on a printed sign-in sheet (its order is the enrolment list's), checked in at
/// the session's start, since the paper does not say when each person came.
fn from_paper(
    cli: &Cli,
    store: &Store,
    session_id: &str,
    numbers: &str,
    sheet: Option<u32>,
) -> Result<()> {
    let numbers = crate::sheets::report::parse_numbers(numbers).map_err(user_error)?;
    let today = today(cli, store)?;
    let outcome = app::checkin::paper(store, session_id, &numbers, sheet, today)?;
    let against = outcome.version.map_or_else(String::new, |v| {
        tf("cli.report.sheet_version", &[("version", &v)])
    });
    crate::outln!(
        "{}{against}",
        tf(
            "cli.report.numbers_done",
            &[("count", &outcome.recorded), ("already", &outcome.already)]
        )
    );
    Ok(())
}
