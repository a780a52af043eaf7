//! `peixun checklist` and `peixun due`.

use color_eyre::eyre::Result;

use super::{
    headers, kept_records, open_store, print_json, print_table, unit_name, units_under, user_error,
};
use crate::app::checklist;
use crate::cli::{ChecklistArgs, ChecklistCommand, Cli};
use crate::domain::checklist::ChecklistRow;
use crate::i18n::tf;
use crate::store::derived::DerivedFile;

fn row_cells(row: &ChecklistRow) -> Vec<String> {
    vec![
        unit_name(&row.unit),
        row.item.clone(),
        row.title.clone(),
        row.due_text(),
        row.days_left().map(|d| d.to_string()).unwrap_or_default(),
        row.status.label(),
        row.evidence.len().to_string(),
    ]
}

const COLUMNS: [&str; 7] = [
    "unit",
    "item",
    "title",
    "due",
    "days_left",
    "status",
    "evidence",
];

fn unit_of(ours: &str, raw: &Option<String>) -> Result<String> {
    match raw {
        Some(raw) => crate::domain::input::resolve_unit(raw).map_err(user_error),
        None => Ok(ours.to_string()),
    }
}

pub fn run(cli: &Cli, args: &ChecklistArgs) -> Result<()> {
    let Some(command) = &args.command else {
        // A look at a checklist reads the records kept beside the store.
        let records = kept_records(cli, DerivedFile::Checklist)?;
        let unit = unit_of(records.office(), &args.unit)?;
        let today = cli.today.unwrap_or_else(|| records.today());
        let rows = crate::store::checklist::rows(&records, &unit, today)?;
        if args.json {
            return print_json(&rows);
        }
        let cells: Vec<Vec<String>> = rows.iter().map(row_cells).collect();
        print_table(&headers(&COLUMNS), &cells);
        return Ok(());
    };
    let store = open_store(cli)?;
    let unit = unit_of(store.office(), &args.unit)?;
    match command {
        ChecklistCommand::Mark { item, status, note } => {
            checklist::mark(&store, &unit, item, *status, note)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.checklist.marked",
                    &[
                        ("unit", &unit_name(&unit)),
                        ("item", item),
                        ("status", &status.label())
                    ]
                )
            );
            Ok(())
        }
        ChecklistCommand::Attach { item, file, note } => {
            let now = super::now(cli, &store)?;
            let evidence = checklist::attach(&store, &unit, item, file, note, now)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.checklist.attached",
                    &[
                        ("file", &evidence.file_name),
                        ("size", &evidence.size),
                        ("hash", &&evidence.blake3[..12]),
                    ]
                )
            );
            Ok(())
        }
        // The files of an office and its units: `--office`, else the checklist's `--unit`.
        ChecklistCommand::Files { office } => {
            let office = office.as_deref().or(args.unit.as_deref());
            super::package::files(&store, office, args.json)
        }
        ChecklistCommand::Get {
            file,
            office,
            output,
        } => {
            let office = office.as_deref().or(args.unit.as_deref());
            super::package::get(&store, file, office, output.as_deref())
        }
        ChecklistCommand::Deadline { item, date } => {
            checklist::set_deadline(&store, &unit, item, *date)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.checklist.deadline_set",
                    &[("unit", &unit_name(&unit)), ("item", item), ("date", date)]
                )
            );
            Ok(())
        }
    }
}

/// Open items of this office and every unit below it, due within `days` working days or late.
pub fn due(cli: &Cli, days: i64, json: bool) -> Result<()> {
    let checklists = kept_records(cli, DerivedFile::Checklist)?;
    let today = cli.today.unwrap_or_else(|| checklists.today());
    let mut rows = Vec::new();
    for unit in units_under(checklists.office()) {
        rows.extend(
            crate::store::checklist::rows(&checklists, &unit, today)?
                .into_iter()
                .filter(|r| r.status.is_open() && r.working_days_left <= days),
        );
    }
    rows.sort_by(|a, b| a.due.cmp(&b.due).then(a.unit.cmp(&b.unit)));
    if json {
        return print_json(&rows);
    }
    if rows.is_empty() {
        crate::outln!("{}", tf("cli.due.none", &[("days", &days)]));
        return Ok(());
    }
    let cells: Vec<Vec<String>> = rows.iter().map(row_cells).collect();
    print_table(&headers(&COLUMNS), &cells);
    Ok(())
}
