//! `peixun report stats|signin`.

use color_eyre::eyre::Result;

use super::{open_store, print_json, print_table, today, unit_name, user_error};
use crate::cli::{Cli, ReportCommand};
use crate::i18n::tf;
use crate::sheets::write::Encoding;
use crate::sheets::{report, rollup};

fn office_of(store: &crate::store::Store, raw: &Option<String>) -> Result<String> {
    match raw {
        Some(raw) => crate::domain::input::resolve_unit(raw).map_err(user_error),
        None => Ok(store.office().to_string()),
    }
}

/// A titled table to a file, or to the terminal when no file is named.
fn emit(
    rows: Vec<Vec<String>>,
    output: &Option<std::path::PathBuf>,
    encoding: Encoding,
) -> Result<()> {
    match output {
        Some(path) => {
            report::write_table(path, &rows, encoding)?;
            println!(
                "{}",
                tf(
                    "cli.report.table_done",
                    &[("rows", &(rows.len() - 3)), ("file", &path.display())]
                )
            );
        }
        None => {
            println!("{}\n{}", rows[0][0], rows[1][0]);
            print_table(&rows[2], &rows[3..]);
        }
    }
    Ok(())
}

pub fn run(cli: &Cli, command: &ReportCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        ReportCommand::Checklist {
            office,
            output,
            encoding,
        } => {
            let office = office_of(&store, office)?;
            let today = today(cli, &store)?;
            let mut rows = vec![
                vec![tf(
                    "cli.report.checklist_title",
                    &[("office", &unit_name(&office))],
                )],
                vec![tf("cli.report.as_of", &[("date", &today)])],
            ];
            rows.extend(rollup::checklist_rows(&store, &office, today)?);
            emit(rows, output, *encoding)
        }
        ReportCommand::Coverage {
            office,
            output,
            encoding,
            json,
        } => {
            let office = office_of(&store, office)?;
            let coverage = rollup::coverage(&store, &office)?;
            if *json {
                return print_json(&coverage);
            }
            let target = crate::campaign::campaign().target_enterprises;
            let reached = coverage.last().map_or(0, |c| c.enterprises_reached);
            let mut rows = vec![
                vec![tf(
                    "cli.report.coverage_title",
                    &[("office", &unit_name(&office))],
                )],
                vec![tf(
                    "cli.report.target",
                    &[("reached", &reached), ("target", &target)],
                )],
            ];
            rows.extend(rollup::coverage_table(
                store.office(),
                &coverage,
                today(cli, &store)?,
            ));
            emit(rows, output, *encoding)
        }
        ReportCommand::Stats {
            office,
            year,
            output,
            encoding,
        } => {
            let office = office_of(&store, office)?;
            let rows = report::stats_rows(&store, &office, *year, today(cli, &store)?)?;
            report::write_stats(output, &office, &rows, *encoding)?;
            let total: u32 = rows.iter().map(|r| r.people).sum();
            println!(
                "{}",
                tf(
                    "cli.report.stats_done",
                    &[
                        ("office", &unit_name(&office)),
                        ("classes", &rows.len()),
                        ("people", &total),
                        ("file", &output.display()),
                    ]
                )
            );
            Ok(())
        }
        ReportCommand::Certified(args) => super::cert_view::report_certified(&store, args),
        ReportCommand::Signin { session, output } => {
            let found = store
                .session(session)?
                .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", session)])))?;
            let version = report::write_signin(&store, &found, output)?;
            let count = store.enrolled_count(session)?;
            println!(
                "{}",
                tf(
                    "cli.report.signin_done",
                    &[
                        ("count", &count),
                        ("file", &output.display()),
                        ("version", &version)
                    ]
                )
            );
            Ok(())
        }
    }
}
