//! `peixun import`: preview, then all or nothing.

use color_eyre::eyre::Result;

use super::{open_store, print_json, user_error};
use crate::cli::{Cli, ImportArgs, ImportKind};
use crate::i18n::{t, tf};
use crate::sheets::{enterprises, people, read};

pub fn run(cli: &Cli, args: &ImportArgs) -> Result<()> {
    let store = open_store(cli)?;
    let grid = read::read(&args.file, args.sheet.as_deref())?;
    let plan = match args.kind {
        ImportKind::People => people::plan(&store, &grid, args.session.as_deref())?,
        ImportKind::Enterprises => enterprises::plan(&store, &grid)?,
    };
    let refused = !plan.errors.is_empty() && !args.skip_invalid;
    let write = !refused && !args.dry_run && !plan.payloads.is_empty();
    if write {
        store.commit(plan.payloads.clone())?;
    }
    if args.json {
        print_json(&plan)?;
    } else {
        let columns: Vec<String> = plan
            .columns
            .iter()
            .map(|(field, name)| format!("{}（{name}）", t(&format!("cli.field.{}", field.key()))))
            .collect();
        println!(
            "{}",
            tf(
                "cli.sheets.preview",
                &[
                    ("file", &args.file.display()),
                    ("sheet", &plan.sheet),
                    ("header", &plan.header_row),
                    ("columns", &columns.join(&t("cli.list_sep"))),
                ]
            )
        );
        if !plan.ignored.is_empty() {
            println!(
                "{}",
                tf(
                    "cli.sheets.ignored",
                    &[("columns", &plan.ignored.join(&t("cli.list_sep")))]
                )
            );
        }
        println!(
            "{}",
            tf(
                if plan.enterprise_list {
                    "cli.sheets.counts_enterprises"
                } else {
                    "cli.sheets.counts"
                },
                &[
                    ("rows", &plan.rows),
                    ("new", &plan.new_people),
                    ("known", &plan.known_people),
                    ("enterprises", &plan.new_enterprises),
                    ("known_enterprises", &plan.known_enterprises),
                    ("enrolments", &plan.enrolments),
                    ("bad", &plan.errors.len()),
                ]
            )
        );
        if plan.over_capacity > 0 {
            println!(
                "{}",
                tf(
                    "cli.sheets.over_capacity",
                    &[("capacity", &plan.capacity), ("over", &plan.over_capacity)]
                )
            );
        }
        for error in &plan.errors {
            println!(
                "{}",
                tf(
                    "cli.sheets.row",
                    &[("row", &error.row), ("message", &error.message)]
                )
            );
        }
        let outcome = match (refused, args.dry_run, write) {
            (true, _, _) => None,
            (false, true, _) => Some(t("cli.sheets.dry_run")),
            (false, false, true) => Some(t("cli.sheets.done")),
            (false, false, false) => Some(t("cli.sheets.nothing")),
        };
        if let Some(outcome) = outcome {
            println!("{outcome}");
        }
    }
    if refused {
        return Err(user_error(tf(
            "cli.sheets.refused",
            &[("bad", &plan.errors.len())],
        )));
    }
    Ok(())
}
