//! What the CLI says of an import, whatever its kind: the header and the columns used, those not
//! used, the counts, the warnings, each bad row, and what became of the file.

use std::path::Path;

use super::plan::{Counts, Outcome, Plan};
use crate::i18n::{t, tf};

/// Each column read, named in the UI language with the header text it was found by:
/// 电话（手机号码）.
pub fn used_columns<C>(plan: &Plan<C>) -> Vec<String> {
    plan.columns
        .iter()
        .map(|(column, name)| {
            tf(
                "cli.sheets.column_found",
                &[("column", &column.label()), ("name", name)],
            )
        })
        .collect()
}

pub fn lines<C: Counts>(file: &Path, plan: &Plan<C>, outcome: Outcome) -> Vec<String> {
    let sep = t("cli.list_sep");
    // A CSV file has no sheet to name.
    let place = if plan.sheet.is_empty() {
        file.display().to_string()
    } else {
        tf(
            "cli.sheets.file_sheet",
            &[("file", &file.display()), ("sheet", &plan.sheet)],
        )
    };
    let mut lines = vec![tf(
        "cli.sheets.preview",
        &[
            ("place", &place),
            ("header", &plan.header_row),
            ("columns", &used_columns(plan).join(&sep)),
        ],
    )];
    if !plan.ignored.is_empty() {
        lines.push(tf(
            "cli.sheets.ignored",
            &[("columns", &plan.ignored.join(&sep))],
        ));
    }
    lines.push(plan.counts.line(plan.rows, plan.bad));
    // A preview needs no advice to preview first.
    lines.extend(plan.warnings.iter().map(|warning| match outcome {
        Outcome::DryRun => crate::sheets::people::on_screen(warning).to_string(),
        _ => warning.clone(),
    }));
    lines.extend(plan.errors.iter().map(|error| {
        tf(
            "cli.sheets.row",
            &[("row", &error.row), ("message", &error.message)],
        )
    }));
    if plan.bad > plan.errors.len() {
        lines.push(tf(
            "cli.sheets.more_bad",
            &[("more", &(plan.bad - plan.errors.len()))],
        ));
    }
    match outcome {
        Outcome::Refused => {}
        Outcome::DryRun => lines.push(t("cli.sheets.dry_run")),
        Outcome::Write if plan.bad > 0 => {
            lines.push(tf("cli.sheets.done_skipping", &[("bad", &plan.bad)]))
        }
        Outcome::Write => lines.push(t("cli.sheets.done")),
        Outcome::Nothing => lines.push(t("cli.sheets.nothing")),
    }
    lines
}
