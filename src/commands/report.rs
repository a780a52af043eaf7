//! `peixun report stats|signin`.

use color_eyre::eyre::Result;

use super::{open_store, today, unit_name, user_error};
use crate::cli::{Cli, ReportCommand};
use crate::i18n::tf;
use crate::sheets::report;

pub fn run(cli: &Cli, command: &ReportCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        ReportCommand::Stats {
            office,
            year,
            output,
            encoding,
        } => {
            let office = match office {
                Some(raw) => crate::domain::input::resolve_unit(raw).map_err(user_error)?,
                None => store.office().to_string(),
            };
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
        ReportCommand::Signin { session, output } => {
            let found = store
                .session(session)?
                .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", session)])))?;
            let count = report::write_signin(&store, &found, output)?;
            println!(
                "{}",
                tf(
                    "cli.report.signin_done",
                    &[("count", &count), ("file", &output.display())]
                )
            );
            Ok(())
        }
    }
}
