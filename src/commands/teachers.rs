//! `peixun teacher add|list|assign|unassign`: the teachers' register and who teaches where.

use color_eyre::eyre::Result;

use super::{open_store, print_json, print_table};
use crate::app::teachers;
use crate::cli::Cli;
use crate::cli_outreach::TeacherCommand;
use crate::domain::teacher::Teacher;
use crate::i18n::{t, tf};

/// The courses a teacher teaches, as 附件1 numbers them.
fn courses(teacher: &Teacher) -> String {
    teacher.courses.join(",")
}

pub fn run(cli: &Cli, command: &TeacherCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        TeacherCommand::Add {
            name,
            organisation,
            title,
            courses: taught,
            phone,
        } => {
            let added = teachers::add(&store, name, organisation, title, taught, phone)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.teacher.added",
                    &[
                        ("id", &added.id),
                        ("name", &added.name),
                        ("courses", &courses(&added))
                    ]
                )
            );
        }
        TeacherCommand::List { json } => {
            let rows = teachers::list(&store)?;
            if *json {
                return print_json(&rows);
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let booked: Vec<String> = r
                        .bookings
                        .iter()
                        .map(|b| format!("{} {}", b.date, b.title))
                        .collect();
                    let mut sessions = booked.join(&t("cli.reason_sep"));
                    if !r.double_booked.is_empty() {
                        let days: Vec<String> =
                            r.double_booked.iter().map(|d| d.to_string()).collect();
                        sessions = format!(
                            "{} {}",
                            tf(
                                "cli.teacher.double",
                                &[("days", &days.join(&t("cli.list_sep")))]
                            ),
                            sessions
                        );
                    }
                    vec![
                        r.teacher.id.clone(),
                        r.teacher.name.clone(),
                        r.teacher.organisation.clone(),
                        r.teacher.title.clone(),
                        courses(&r.teacher),
                        r.teacher.phone.clone(),
                        sessions,
                    ]
                })
                .collect();
            let columns: Vec<String> = [
                "id",
                "name",
                "organisation",
                "post",
                "courses",
                "phone",
                "sessions",
            ]
            .iter()
            .map(|k| t(&format!("cli.teacher.col.{k}")))
            .collect();
            print_table(&columns, &cells);
        }
        TeacherCommand::Assign {
            session,
            teacher,
            yes,
        } => {
            let done = teachers::assign(&store, session, teacher, true, *yes)?;
            let key = if done.already {
                "cli.teacher.already"
            } else {
                "cli.teacher.assigned"
            };
            crate::outln!(
                "{}",
                tf(
                    key,
                    &[
                        ("name", &done.teacher.name),
                        ("title", &done.title),
                        ("date", &done.date)
                    ]
                )
            );
        }
        TeacherCommand::Unassign { session, teacher } => {
            let done = teachers::assign(&store, session, teacher, false, true)?;
            let key = if done.already {
                "cli.teacher.not_assigned"
            } else {
                "cli.teacher.unassigned"
            };
            crate::outln!(
                "{}",
                tf(key, &[("name", &done.teacher.name), ("title", &done.title)])
            );
        }
    }
    Ok(())
}
