//! `peixun report stats|signin|notice|checklist|coverage|bulletin|plans|contacts|certified`: each a
//! printable document, written
//! in the format its file's extension names (or printed, for the roll-ups without a file).

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use std::sync::Arc;

use super::{
    kept_records, open_store, print_json, print_table, print_table_each, today, unit_name,
    user_error,
};
use crate::cli::{Cli, ReportCommand};
use crate::i18n::{t, tf};
use crate::sheets::doc::Document;
use crate::sheets::long::WrittenDocument;
use crate::sheets::output::{
    default_name, write_document, write_documents, write_long, FileFormat,
};
use crate::sheets::stamp::office_name;
use crate::sheets::write::Encoding;
use crate::sheets::{bulletin, bulletin_doc, report, rollup};
use crate::store::derived::DerivedFile;
use crate::store::Store;

fn office_of(ours: &str, raw: &Option<String>) -> Result<String> {
    match raw {
        Some(raw) => crate::domain::input::resolve_unit(raw).map_err(user_error),
        None => Ok(ours.to_string()),
    }
}

/// The file a report goes to: the one given, if its extension names a format we write, or a
/// plain default name in the current directory. Refused before any work is done.
pub fn output_path(
    given: &Option<PathBuf>,
    report: &str,
    what: &str,
    date: NaiveDate,
) -> Result<PathBuf> {
    match given {
        Some(path) => {
            FileFormat::of(path).map_err(user_error)?;
            Ok(path.clone())
        }
        None => Ok(crate::out::in_callers_folder(Path::new(&default_name(
            report, what, date,
        )))),
    }
}

/// Writes `doc` and says where, by its absolute path.
pub(super) fn write(doc: &Document, path: &Path, encoding: Encoding) -> Result<()> {
    let written = write_document(path, doc, encoding)?;
    crate::outln!(
        "{}",
        tf(
            "cli.report.table_done",
            &[("rows", &doc.body_len()), ("file", &written.display())]
        )
    );
    Ok(())
}

/// A file named for a report must be of a format it is written in: refused before any work.
pub(super) fn refuse_bad_output(output: Option<&Path>) -> Result<()> {
    if let Some(given) = output {
        FileFormat::of(given).map_err(user_error)?;
    }
    Ok(())
}

/// Writes `doc` to `output`, or prints it when no file was named.
pub(super) fn deliver(doc: &Document, output: Option<&Path>, encoding: Encoding) -> Result<()> {
    match output {
        Some(path) => write(doc, path, encoding),
        None => {
            print_document(doc);
            Ok(())
        }
    }
}

/// As `deliver`, for a document too long to hold: its rows are read back as they are written.
/// `ready` runs before anyone can read it: once its file is whole beside its place, or before
/// it is printed.
pub(super) fn deliver_long(
    doc: &WrittenDocument,
    output: Option<&Path>,
    encoding: Encoding,
    ready: impl FnOnce() -> Result<()>,
) -> Result<()> {
    match output {
        Some(path) => {
            let written = write_long(path, doc, encoding, ready)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.report.table_done",
                    &[("rows", &doc.body_len()), ("file", &written.display())]
                )
            );
        }
        None => {
            ready()?;
            let frame = &doc.frame;
            crate::outln!("{}\n{}", frame.title, frame.line);
            let [_, _, headers] = frame.head();
            print_table_each(&headers, || {
                Ok(doc
                    .rows()
                    .map(|cells| Ok(cells?.iter().map(|c| c.value.shown()).collect())))
            })?;
            for note in &frame.notes {
                crate::outln!("{note}");
            }
        }
    }
    Ok(())
}

/// A document's title, the line under it and its table, on the terminal.
pub(super) fn print_document(doc: &Document) {
    let table = doc.table();
    crate::outln!("{}\n{}", doc.title, doc.line);
    let rows: Vec<Vec<String>> = table.iter().skip(3).take(doc.rows.len()).cloned().collect();
    print_table(&table[2], &rows);
    for note in &doc.notes {
        crate::outln!("{note}");
    }
}

pub fn run(cli: &Cli, command: &ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Stats {
            office,
            year,
            output,
            encoding,
        } => stats(cli, office, *year, output, *encoding),
        _ => on_store(cli, open_store(cli)?, command),
    }
}

/// The 样表, made from the sessions and their counts kept beside the store (`kept_records`):
/// a quick report at a city desk does not wait for the store to open.
fn stats(
    cli: &Cli,
    office: &Option<String>,
    year: i32,
    output: &Option<PathBuf>,
    encoding: Encoding,
) -> Result<()> {
    let records = kept_records(cli, DerivedFile::Sessions)?;
    let office = office_of(records.office(), office)?;
    let today = cli.today.unwrap_or_else(|| records.today());
    let path = output_path(
        output,
        &t("cli.report.sheet_stats"),
        &unit_name(&office),
        today,
    )?;
    let rows = report::stats_rows(&records, &office, year, today)?;
    let maker = office_name(&office, records.office())?;
    let doc = report::stats_document(&maker, &rows, today);
    let written = write_document(&path, &doc, encoding)?;
    let total: u32 = rows.iter().map(|r| r.people).sum();
    crate::outln!(
        "{}",
        tf(
            "cli.report.stats_done",
            &[
                ("office", &unit_name(&office)),
                ("classes", &rows.len()),
                ("people", &total),
                ("file", &written.display()),
            ]
        )
    );
    Ok(())
}

fn on_store(cli: &Cli, store: Arc<Store>, command: &ReportCommand) -> Result<()> {
    match command {
        ReportCommand::Calls(args) => super::outreach::report_calls(cli, &store, args),
        ReportCommand::Needs {
            output,
            encoding,
            json,
        } => {
            refuse_bad_output(output.as_deref())?;
            let rows = crate::app::needs::list(&store, false)?;
            if *json {
                return print_json(&crate::app::needs::counts(&rows));
            }
            let maker = office_name(store.office(), store.office())?;
            let doc = crate::app::needs::counts_document(
                &rows,
                store.office(),
                &maker,
                today(cli, &store)?,
            );
            deliver(&doc, output.as_deref(), *encoding)
        }
        ReportCommand::Summary {
            office,
            output,
            encoding,
            json,
        } => {
            refuse_bad_output(output.as_deref())?;
            let office = crate::app::evidence::office_in_area(&store, office.as_deref())?;
            let summary = crate::sheets::summary::summary(&store, &office, today(cli, &store)?)?;
            if *json {
                return print_json(&summary);
            }
            let maker = office_name(&office, store.office())?;
            let doc =
                crate::sheets::summary::summary_document(&summary, &maker, today(cli, &store)?);
            deliver(&doc, output.as_deref(), *encoding)
        }
        ReportCommand::Checklist {
            office,
            output,
            encoding,
        } => {
            let office = office_of(store.office(), office)?;
            let today = today(cli, &store)?;
            let Some(given) = output else {
                crate::outln!(
                    "{}\n{}",
                    tf(
                        "cli.report.checklist_title",
                        &[("office", &unit_name(&office))]
                    ),
                    tf("cli.report.as_of", &[("date", &today)])
                );
                let rows = rollup::checklist_rows(&store, &office, today)?;
                print_table(&rows[0], &rows[1..]);
                return Ok(());
            };
            FileFormat::of(given).map_err(user_error)?;
            let maker = office_name(&office, store.office())?;
            let doc = rollup::checklist_document(&store, &office, today, &maker)?;
            write(&doc, given, *encoding)
        }
        ReportCommand::Coverage {
            office,
            output,
            encoding,
            json,
        } => {
            let office = office_of(store.office(), office)?;
            let coverage = rollup::coverage(&store, &office)?;
            if *json {
                return print_json(&coverage);
            }
            let today = today(cli, &store)?;
            refuse_bad_output(output.as_deref())?;
            let maker = office_name(&office, store.office())?;
            let doc = rollup::coverage_document(&store, &office, &coverage, today, &maker)?;
            deliver(&doc, output.as_deref(), *encoding)
        }
        ReportCommand::Stats {
            office,
            year,
            output,
            encoding,
        } => stats(cli, office, *year, output, *encoding),
        ReportCommand::Bulletin {
            office,
            year,
            output,
            encoding,
            json,
        } => {
            let office = office_of(store.office(), office)?;
            let today = today(cli, &store)?;
            let rows = bulletin::bulletin(&store, &office, *year, today)?;
            let awards = crate::app::awards::list(&store)?;
            if *json {
                return print_json(&serde_json::json!({ "rows": rows, "awards": awards }));
            }
            refuse_bad_output(output.as_deref())?;
            let maker = office_name(&office, store.office())?;
            let docs =
                bulletin_doc::bulletin_documents(&store, &office, &rows, &awards, today, &maker)?;
            match output {
                Some(path) => {
                    let written = write_documents(path, &docs, *encoding)?;
                    let rows: usize = docs.iter().map(Document::body_len).sum();
                    crate::outln!(
                        "{}",
                        tf(
                            "cli.report.table_done",
                            &[("rows", &rows), ("file", &written.display())]
                        )
                    );
                    Ok(())
                }
                None => {
                    for doc in &docs {
                        print_document(doc);
                    }
                    Ok(())
                }
            }
        }
        ReportCommand::Package { office, output } => {
            super::package::write(cli, &store, office.as_deref(), output)
        }
        ReportCommand::Plans {
            office,
            output,
            encoding,
            json,
        } => {
            refuse_bad_output(output.as_deref())?;
            let today = today(cli, &store)?;
            if *json {
                let rows = crate::app::plans::overview(&store, office.as_deref(), today)?;
                return print_json(&rows);
            }
            let doc = crate::app::plans::annex_2(&store, office.as_deref(), today)?;
            deliver(&doc, output.as_deref(), *encoding)
        }
        ReportCommand::Contacts {
            office,
            output,
            encoding,
        } => {
            refuse_bad_output(output.as_deref())?;
            let doc =
                crate::app::contacts::document(&store, office.as_deref(), today(cli, &store)?)?;
            deliver(&doc, output.as_deref(), *encoding)
        }
        ReportCommand::Certified(args) => super::cert_print::report_certified(cli, &store, args),
        ReportCommand::Notice { session, output } => {
            let found = crate::app::notice::session(&store, session)?;
            let path = output.clone().unwrap_or_else(|| {
                crate::out::in_callers_folder(Path::new(&crate::sheets::notice::default_name(
                    &found.title,
                    found.date,
                )))
            });
            let written = crate::app::notice::write(&store, &found, &path, today(cli, &store)?)?;
            crate::outln!(
                "{}\n{}",
                tf("notice.cli.done", &[("title", &written.title)]),
                tf("cli.report.written", &[("file", &written.path.display())])
            );
            Ok(())
        }
        ReportCommand::Signin {
            session,
            output,
            encoding,
        } => {
            let found = store
                .session(session)?
                .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", session)])))?;
            let path = output_path(
                output,
                &t("cli.report.sheet_signin"),
                &found.title,
                found.date,
            )?;
            let maker = office_name(store.office(), store.office())?;
            let sheet = report::signin_document(&store, &found, &maker, today(cli, &store)?)?;
            let count = sheet.order.count();
            let mut version = 0;
            let written = crate::sheets::output::write_documents_then(
                &path,
                std::slice::from_ref(&sheet.document),
                *encoding,
                || {
                    version = sheet.order.record(&store)?;
                    Ok(())
                },
            )?;
            crate::outln!(
                "{}",
                tf(
                    "cli.report.signin_done",
                    &[
                        ("count", &count),
                        ("file", &written.display()),
                        ("version", &version)
                    ]
                )
            );
            Ok(())
        }
    }
}
