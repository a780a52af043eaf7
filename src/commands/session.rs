//! `peixun sessions` and `peixun session ...`.

use color_eyre::eyre::Result;
use serde::Serialize;

use super::{headers, open_store, print_json, print_table, today, unit_name, user_error};
use crate::app::sessions;
use crate::cli::{Cli, SessionCommand};
use crate::domain::text::mask_phone;
use crate::domain::{Enterprise, Person, Session};
use crate::i18n::{t, tf};
use crate::store::derived::DerivedFile;
use crate::store::lists;
use crate::store::Store;

pub fn list(cli: &Cli, month: Option<&str>, json: bool) -> Result<()> {
    // The sessions and their counts kept beside the store: a quick look opens nothing.
    let records = super::kept_records(cli, DerivedFile::Sessions)?;
    let mut sessions = crate::store::query::sessions_in(&records)?;
    if let Some(month) = month {
        let first = crate::domain::input::parse_date(&format!("{month}-01"))
            .map_err(|_| user_error(tf("cli.input.bad_month", &[("value", &month)])))?;
        sessions
            .retain(|s| s.date.format("%Y-%m").to_string() == first.format("%Y-%m").to_string());
    }
    if json {
        return print_json(&sessions);
    }
    let rows: Vec<Vec<String>> = sessions
        .iter()
        .map(|s| -> Result<Vec<String>> {
            let enrolled = lists::enrolled_count(&records, &s.id)?;
            Ok(vec![
                s.id.clone(),
                s.date.to_string(),
                format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M")),
                s.kind.label(),
                s.title.clone(),
                unit_name(&s.host),
                format!("{enrolled}/{}", s.capacity),
            ])
        })
        .collect::<Result<_>>()?;
    print_table(
        &headers(&["id", "date", "time", "kind", "title", "host", "enrolled"]),
        &rows,
    );
    Ok(())
}

pub fn run(cli: &Cli, command: &SessionCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        SessionCommand::Add { fields, yes } => {
            let before_today = sessions::BeforeToday::Warn(today(cli, &store)?);
            let saved = sessions::save(&store, None, fields, *yes, before_today)?;
            if let Some(warning) = &saved.before_today {
                crate::errln!("{warning}");
            }
            crate::outln!("{}", saved.id);
            Ok(())
        }
        SessionCommand::Edit { id, fields, yes } => {
            let before_today = sessions::BeforeToday::Warn(today(cli, &store)?);
            let saved = sessions::save(&store, Some(id), fields, *yes, before_today)?;
            if let Some(warning) = &saved.before_today {
                crate::errln!("{warning}");
            }
            let said = if saved.unchanged {
                "cli.session.unchanged"
            } else {
                "cli.session.edited"
            };
            crate::outln!("{}", tf(said, &[("id", id)]));
            Ok(())
        }
        SessionCommand::Show { id, json } => show(&store, id, *json),
        SessionCommand::Enrol {
            id,
            person,
            over_capacity,
        } => {
            sessions::enrol_known(&store, id, person, *over_capacity)?;
            crate::outln!(
                "{}",
                tf("cli.session.enrolled", &[("person", person), ("id", id)])
            );
            Ok(())
        }
        SessionCommand::Unenrol { id, person } => {
            sessions::unenrol(&store, id, person)?;
            crate::outln!(
                "{}",
                tf("cli.session.unenrolled", &[("person", person), ("id", id)])
            );
            Ok(())
        }
    }
}

#[derive(Serialize)]
struct SessionDetail<'a> {
    session: &'a Session,
    /// Teachers of the register sent to the session.
    teachers: Vec<crate::domain::teacher::Teacher>,
    enrolled: Vec<EnrolledRow>,
}

#[derive(Serialize)]
struct EnrolledRow {
    person: Person,
    enterprise: Option<Enterprise>,
    checked_in_at: Option<String>,
    /// The offices that put the person on the list (a joint session's units each enrol).
    enrolled_by: Vec<String>,
}

fn show(store: &Store, id: &str, json: bool) -> Result<()> {
    let session = store
        .session(id)?
        .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", &id)])))?;
    let attendance = lists::attendance(store, id)?;
    let mut enrolled: Vec<EnrolledRow> = Vec::new();
    for (person, enterprise) in lists::enrolment_list(store, id)? {
        enrolled.push(EnrolledRow {
            checked_in_at: attendance
                .get(&person.id)
                .and_then(|a| a.first_at)
                .map(|at| at.format("%H:%M").to_string()),
            enrolled_by: lists::enrolled_by(store, id, &person.id)?,
            person,
            enterprise,
        });
    }
    let teachers = crate::app::teachers::sent_to_session(store, id)?;
    if json {
        return print_json(&SessionDetail {
            session: &session,
            teachers,
            enrolled,
        });
    }
    let field =
        |key: &str, value: String| crate::outln!("{}: {value}", t(&format!("cli.field.{key}")));
    field("title", session.title.clone());
    field("kind", session.kind.label());
    field(
        "date",
        format!(
            "{} {}-{}",
            session.date,
            session.start.format("%H:%M"),
            session.end.format("%H:%M")
        ),
    );
    field("venue", session.venue.clone());
    field("host", unit_name(&session.host));
    if let Some(cohost) = &session.cohost {
        field("cohost", unit_name(cohost));
    }
    let units: Vec<String> = session.units.iter().map(|u| unit_name(u)).collect();
    field("units", units.join("、"));
    for course in &session.courses {
        let title = crate::campaign::campaign()
            .courses
            .iter()
            .find(|c| c.id == course.course)
            .map_or(course.course.clone(), |c| c.title.clone());
        let lecturer =
            crate::app::teachers::lecturer_of(&course.course, &course.lecturer, &teachers);
        field("courses", format!("{title} ({lecturer})"));
    }
    if !teachers.is_empty() {
        let named: Vec<String> = teachers.iter().map(crate::app::teachers::named).collect();
        field("sent_teachers", named.join("、"));
    }
    field("audience", session.audience.clone());
    field(
        "enrolled",
        tf(
            "cli.session.count",
            &[
                ("enrolled", &enrolled.len()),
                ("capacity", &session.capacity),
                ("present", &attendance.len()),
            ],
        ),
    );
    crate::outln!();
    // Who enrolled whom matters once more than the session's own office keeps its list.
    let joint = enrolled
        .iter()
        .any(|row| row.enrolled_by.iter().any(|o| *o != session.office));
    let rows: Vec<Vec<String>> = enrolled
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![
                (i + 1).to_string(),
                row.person.name.clone(),
                row.enterprise
                    .as_ref()
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                row.person.position.clone(),
                mask_phone(&row.person.phone),
                row.checked_in_at.clone().unwrap_or_default(),
            ];
            if joint {
                let by: Vec<String> = row.enrolled_by.iter().map(|o| unit_name(o)).collect();
                cells.push(by.join("、"));
            }
            cells
        })
        .collect();
    let mut columns = vec![
        "no",
        "name",
        "enterprise",
        "position",
        "phone",
        "checked_in",
    ];
    if joint {
        columns.push("enrolled_by");
    }
    print_table(&headers(&columns), &rows);
    Ok(())
}
