//! What an import would do, worked out before anything is written: the header and columns, each
//! non-blank row under it through the kind's rules (bad rows named by the row number the
//! spreadsheet shows), the counts, and the ops; then whether it is written.

use std::path::{Path, PathBuf};

use color_eyre::eyre::Result;
use serde::Serialize;

use super::header::{self, Header};
use super::row::Row;
use super::schema::{Column, Schema};
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::sheets::read::{NumberedRow, SheetRows};
use crate::store::{PayloadSpool, Store};

/// A row that cannot be imported, by the row number the spreadsheet shows, with why in the UI
/// language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: usize,
    pub message: String,
}

/// What a kind counts besides rows and bad rows, and the line a preview says them in.
pub trait Counts: Serialize + Default {
    fn line(&self, rows: usize, bad: usize) -> String;
}

/// An import worked out: shown first, written only as a whole (or without its bad rows).
#[derive(Debug, Default, Serialize)]
pub struct Plan<C> {
    pub sheet: String,
    /// The header's row number as the spreadsheet shows it.
    pub header_row: usize,
    /// The columns read, each with the header text it was found by.
    pub columns: Vec<(Column, String)>,
    pub ignored: Vec<String>,
    /// Non-blank rows under the header.
    pub rows: usize,
    #[serde(flatten)]
    pub counts: C,
    /// Bad rows: the first `KEPT_ERRORS` of them, and how many there are.
    pub errors: Vec<RowError>,
    pub bad: usize,
    /// What to heed that is no bad row: rows that match nobody, a session past its capacity.
    pub warnings: Vec<String>,
    #[serde(skip)]
    pub payloads: PayloadSpool,
    /// The log the store was read at (`Store::heads_digest`), for a write that comes later
    /// (`known::still_as_read`); `None` for a plan made of no registered people or firms.
    #[serde(skip)]
    pub read_at: Option<[u8; 32]>,
}

/// Writes a plan's `payloads`, read from the store at `read_at` (`Plan::read_at`), all or
/// nothing and in chunks when long (`progress` hears how far), unless a person or firm was
/// registered since the read: then nothing, and the sheet is to be read again. The caller holds
/// the import turn (`Store::import_turn`).
pub fn write(
    store: &Store,
    payloads: &PayloadSpool,
    read_at: Option<[u8; 32]>,
    progress: &dyn Fn(usize, usize),
) -> Result<usize> {
    if let Some(read_at) = read_at {
        if !crate::sheets::known::still_as_read(store, &read_at)? {
            return Err(user_error(t("cli.sheets.changed_since_read")));
        }
    }
    Ok(store.commit_staged(payloads, progress)?)
}

/// The most rows one import takes. What an import holds grows a little with its rows (each
/// row's phone, the sheet's new enterprises, the pages sled keeps of what it wrote): into a new
/// store, 500,000 rows peaked at 87 MB from CSV and 95 MB from XLSX, a million at 122 MB. A
/// province's enrolment is a few ten thousand rows.
pub const MAX_ROWS: usize = 500_000;

/// Bad rows said one by one; the rest are counted. A sheet of a million bad rows said them all
/// in 100 MB.
pub const KEPT_ERRORS: usize = 10_000;

/// A sheet whose header was found, with every column its kind needs, and the rows after it
/// still to be read.
pub struct Sheet<'a> {
    sheet: String,
    /// The rows the header was looked for in.
    head: Vec<NumberedRow>,
    rest: SheetRows<'a>,
    header: Header,
    /// Where the plan's payloads go once there are many.
    spill_dir: PathBuf,
}

/// How many characters of the first non-blank row the no-header message shows.
const SHOWN_CHARS: usize = 60;

/// The schema's message that no header was found, with what the first non-blank row read holds:
/// a garbled row says the file was read in the wrong encoding better than any guess.
fn no_header(schema: &Schema, head: &[NumberedRow]) -> String {
    let first = head
        .iter()
        .find(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let message = t(schema.no_header);
    let message = message.trim_end_matches(['。', '.']);
    let and = |detail: String| {
        tf(
            "cli.sheets.and_then",
            &[("message", &message), ("detail", &detail)],
        )
    };
    let Some((row, cells)) = first else {
        return and(t("cli.sheets.all_blank"));
    };
    let joined = cells
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" | ");
    let mut shown: String = joined.chars().take(SHOWN_CHARS).collect();
    if shown.len() < joined.len() {
        shown.push('…');
    }
    let read = tf(
        "cli.sheets.first_row_read",
        &[
            ("row", row),
            ("cells", &crate::domain::text::printable(&shown)),
        ],
    );
    and(read)
}

impl<'a> Sheet<'a> {
    /// The header of `rows` read for `schema`; a user error with the schema's message when no
    /// row is one, or the first missing required column's (given the column's aliases). A long
    /// plan's payloads go to a file in `spill_dir`.
    pub fn find(mut rows: SheetRows<'a>, schema: &Schema, spill_dir: &Path) -> Result<Sheet<'a>> {
        let head = rows
            .by_ref()
            .take(header::SEARCHED_ROWS)
            .collect::<Result<Vec<_>>>()?;
        let header =
            header::find(&head, schema).ok_or_else(|| user_error(no_header(schema, &head)))?;
        if let Some((column, message)) = schema.required().find(|(c, _)| !header.has(*c)) {
            let aliases = column.aliases().join(&t("cli.list_sep"));
            return Err(user_error(tf(message, &[("aliases", &aliases)])));
        }
        Ok(Sheet {
            sheet: rows.sheet.clone(),
            head,
            rest: rows,
            header,
            spill_dir: spill_dir.to_path_buf(),
        })
    }

    /// Every non-blank row under the header through `rules`, which puts what the row adds in
    /// the plan and returns the reasons the row is bad (none: it is fine). Bad rows become
    /// errors, their reasons joined; past `KEPT_ERRORS` they are only counted.
    pub fn plan<C: Default>(
        self,
        mut rules: impl FnMut(&Row, &mut Plan<C>) -> Result<Vec<String>>,
    ) -> Result<Plan<C>> {
        let header = &self.header;
        let mut plan = Plan {
            sheet: self.sheet,
            header_row: self.head.get(header.row).map_or(0, |(n, _)| *n),
            columns: header
                .columns
                .iter()
                .map(|(_, c, name)| (*c, name.clone()))
                .collect(),
            ignored: header.ignored.clone(),
            payloads: PayloadSpool::new(&self.spill_dir),
            ..Plan::default()
        };
        let file = self.rest.file.clone();
        let under = self.head.into_iter().skip(header.row + 1).map(Ok);
        for read in under.chain(self.rest) {
            let (number, cells) = read?;
            if super::header::is_blank(&cells, header) {
                continue;
            }
            plan.rows += 1;
            if plan.rows > MAX_ROWS {
                return Err(user_error(tf(
                    "cli.sheets.too_many_rows",
                    &[("file", &file), ("max", &MAX_ROWS)],
                )));
            }
            let row = Row::new(number, &cells, header);
            let reasons = rules(&row, &mut plan)?;
            if !reasons.is_empty() {
                plan.bad += 1;
                if plan.errors.len() < KEPT_ERRORS {
                    plan.errors.push(RowError {
                        row: number,
                        message: reasons.join(&t("cli.reason_sep")),
                    });
                }
            }
        }
        Ok(plan)
    }
}

/// How an import is asked for: `--skip-invalid`, `--dry-run`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub skip_invalid: bool,
    pub dry_run: bool,
}

/// What becomes of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Bad rows and no leave to skip them: nothing is written.
    Refused,
    DryRun,
    Write,
    /// Every row is known already: nothing to write.
    Nothing,
}

impl<C> Plan<C> {
    pub fn outcome(&self, options: Options) -> Outcome {
        if self.bad > 0 && !options.skip_invalid {
            Outcome::Refused
        } else if options.dry_run {
            Outcome::DryRun
        } else if self.payloads.is_empty() {
            Outcome::Nothing
        } else {
            Outcome::Write
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::super::schema::Column;
    use super::*;
    use crate::sheets::people::SCHEMA;

    /// A sheet of `rows` rows under a header, made as they are read.
    fn sheet(rows: usize) -> SheetRows<'static> {
        let header = std::iter::once(Ok((1, vec!["姓名".to_string(), "手机".to_string()])));
        let body = (0..rows).map(|i| Ok((i + 2, vec![format!("测试{i}"), format!("138{i:08}")])));
        SheetRows::new(String::new(), header.chain(body))
    }

    #[derive(Debug, Default, Serialize)]
    struct NoCounts;

    impl Counts for NoCounts {
        fn line(&self, rows: usize, bad: usize) -> String {
            format!("{rows} {bad}")
        }
    }

    #[test]
    fn a_sheet_past_the_most_rows_is_refused_before_its_rows_are_all_read() {
        let dir = tempfile::tempdir().unwrap();
        let read = Cell::new(0);
        let counted = |rows: usize| read.set(rows);
        let mut rows = sheet(MAX_ROWS + 5).reporting(&counted);
        rows.file = "全省报名表.csv".into();
        let found = Sheet::find(rows, &SCHEMA, dir.path()).unwrap();
        let error = found
            .plan(|_, _: &mut Plan<NoCounts>| Ok(Vec::new()))
            .err()
            .map(|e| e.to_string());
        assert!(
            error
                .as_deref()
                .is_some_and(|e| e.contains(&MAX_ROWS.to_string()) && e.contains("全省报名表.csv")),
            "{error:?}"
        );
        assert!(
            read.get() <= MAX_ROWS + 1,
            "stopped at the row past the most"
        );

        let found = Sheet::find(sheet(MAX_ROWS), &SCHEMA, dir.path()).unwrap();
        let plan = found
            .plan(|_, _: &mut Plan<NoCounts>| Ok(Vec::new()))
            .unwrap();
        assert_eq!(plan.rows, MAX_ROWS);
    }

    #[test]
    fn bad_rows_past_those_kept_are_counted_and_said_to_be_more() {
        let dir = tempfile::tempdir().unwrap();
        let found = Sheet::find(sheet(KEPT_ERRORS + 7), &SCHEMA, dir.path()).unwrap();
        let plan = found
            .plan(|row, _: &mut Plan<NoCounts>| Ok(vec![row.get(Column::Name)]))
            .unwrap();
        assert_eq!(plan.bad, KEPT_ERRORS + 7);
        assert_eq!(plan.errors.len(), KEPT_ERRORS);
        assert_eq!(plan.errors[0].row, 2);
        assert_eq!(plan.outcome(Options::default()), Outcome::Refused);
        let lines = super::super::preview::lines(Path::new("x.csv"), &plan, Outcome::Refused);
        assert!(lines.iter().any(|l| l.contains(&format!(
            "{} {}",
            KEPT_ERRORS + 7,
            KEPT_ERRORS + 7
        ))));
        assert!(
            lines.last().is_some_and(|l| l.contains('7')),
            "{:?}",
            lines.last()
        );
        assert_eq!(lines.len(), 2 + KEPT_ERRORS + 1);
    }
}
