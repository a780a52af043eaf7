//! `peixun import`: preview, then all or nothing. `settle` ends every sheet import, `cert import`
//! and `cert results --from` too.

use std::path::Path;

use color_eyre::eyre::Result;

use super::{open_store, print_json, user_error};
use crate::cli::{Cli, ImportArgs, ImportKind};
use crate::i18n::{t, tf};
use crate::sheets::import::{self, preview, Counts, Options, Outcome, Plan};
use crate::sheets::{enterprises, people, read};
use crate::store::Store;

pub fn run(cli: &Cli, args: &ImportArgs) -> Result<()> {
    let store = open_store(cli)?;
    let _turn = store.import_turn(|| crate::errln!("{}", t("cli.sheets.waiting_for_import")));
    let checked = |rows: usize| crate::errln!("{}", tf("cli.sheets.checked", &[("rows", &rows)]));
    let rows = read::read(&args.file, args.sheet.as_deref())?.reporting(&checked);
    let plan = match args.kind {
        ImportKind::People => people::plan(&store, rows, args.session.as_deref())?,
        ImportKind::Enterprises => enterprises::plan(&store, rows)?,
    };
    let options = Options {
        skip_invalid: args.skip_invalid,
        dry_run: args.dry_run,
    };
    settle(&store, &args.file, plan, options, args.json)
}

/// Writes the plan, all or nothing (in chunks when long, saying how far it is), unless bad rows or a dry run stop it, says what was found and
/// done (the plan as JSON with `json`), and fails when bad rows refused the file.
pub fn settle<C: Counts>(
    store: &Store,
    file: &Path,
    mut plan: Plan<C>,
    options: Options,
    json: bool,
) -> Result<()> {
    let outcome = plan.outcome(options);
    if outcome == Outcome::Write {
        let payloads = std::mem::take(&mut plan.payloads);
        let long = payloads.len() > crate::store::STAGED_CHUNK;
        import::write(store, &payloads, plan.read_at, &|done, total| {
            if long {
                crate::errln!(
                    "{}",
                    tf("cli.sheets.writing", &[("done", &done), ("total", &total)])
                );
            }
        })?;
    }
    if json {
        print_json(&plan)?;
    } else {
        for line in preview::lines(file, &plan, outcome) {
            crate::outln!("{line}");
        }
    }
    if outcome == Outcome::Refused {
        return Err(user_error(tf("cli.sheets.refused", &[("bad", &plan.bad)])));
    }
    Ok(())
}
