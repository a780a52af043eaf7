//! `peixun checklist files|get` and `peixun report package`: evidence out by name, and the
//! 附件5 package of an office and its units.

use std::path::Path;

use color_eyre::eyre::Result;

use super::{headers, print_json, print_table, today, unit_name};
use crate::app::{evidence, package};
use crate::cli::Cli;
use crate::i18n::{t, tf};
use crate::sheets::package_index::shown_size;
use crate::store::Store;

pub fn files(store: &Store, office: Option<&str>, json: bool) -> Result<()> {
    let office = evidence::office_in_area(store, office)?;
    let files = evidence::files(store, &office)?;
    if json {
        return print_json(&files);
    }
    if files.is_empty() {
        crate::outln!("{}", tf("package.none", &[("office", &unit_name(&office))]));
        return Ok(());
    }
    let mut columns = headers(&["unit", "item"]);
    columns.extend([
        t("package.col_id"),
        t("package.col_name"),
        t("package.col_size"),
        t("package.col_by"),
        t("cli.col.date"),
    ]);
    let rows: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            vec![
                unit_name(&f.unit),
                f.item.clone(),
                f.id.clone(),
                f.evidence.file_name.clone(),
                shown_size(f.evidence.size),
                format!("{}（{}）", f.actor, unit_name(&f.office)),
                f.evidence.added.format("%Y-%m-%d %H:%M").to_string(),
            ]
        })
        .collect();
    print_table(&columns, &rows);
    Ok(())
}

pub fn get(store: &Store, wanted: &str, office: Option<&str>, output: Option<&Path>) -> Result<()> {
    let office = evidence::office_in_area(store, office)?;
    let file = evidence::find(store, &office, wanted)?;
    let path = evidence::save(store, &file, output)?;
    crate::outln!(
        "{}",
        tf(
            "package.saved",
            &[
                ("file", &file.evidence.file_name),
                ("path", &path.display())
            ]
        )
    );
    Ok(())
}

pub fn write(cli: &Cli, store: &Store, office: Option<&str>, output: &Path) -> Result<()> {
    let today = today(cli, store)?;
    let mut progress = |n: usize, total: usize, unit: &str| {
        if total > 1 {
            crate::errln!(
                "{}",
                tf(
                    "package.progress",
                    &[("n", &n), ("total", &total), ("unit", &unit)]
                )
            );
        }
    };
    let now = chrono::Local::now().naive_local();
    let written = package::write(store, office, output, today, now, &mut progress)?;
    crate::outln!(
        "{}",
        tf(
            "package.done",
            &[
                ("counts", &written.counts()),
                ("path", &written.path.display())
            ]
        )
    );
    Ok(())
}
