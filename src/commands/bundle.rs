//! `peixun bundle export | import | inspect | held`.

use std::path::Path;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::keys::{keys_of, resolve};
use crate::cli::Cli;
use crate::cli_bundle::BundleCommand;
use crate::commands::{open_store, print_json, print_json_each, print_table, refused, user_error};
use crate::domain::text::mask_phone;
use crate::i18n::{t, tf};
use crate::store::Store;
use crate::sync::export::{export, ExportOptions};
use crate::sync::import::{inspect, Outcome};
use crate::sync::summary::{import_file, open_bundle, outcome_lines, FileOutcome};
use crate::sync::summary::{office_name as name, when};
use crate::sync::{hex, media, Keys};

/// One file's result for `bundle import --json`.
#[derive(Serialize)]
struct FileResult {
    file: String,
    #[serde(flatten)]
    result: JsonOutcome,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonOutcome {
    Done(Outcome),
    Refused {
        outcome: &'static str,
        code: &'static str,
        message: String,
    },
}

fn import_files(
    store: &Store,
    keys: &Keys,
    paths: &[std::path::PathBuf],
    json: bool,
) -> Result<()> {
    let mut results = Vec::new();
    let mut refused = 0usize;
    // A folder stands for the bundles in it, as on the 同步 tab.
    let mut files = Vec::new();
    for path in paths {
        let shown_as_folder = path.display().to_string().ends_with('/');
        match (path.is_dir() || shown_as_folder)
            .then(|| media::incoming_bundles(path, store.office()))
        {
            Some(Ok((found, own))) => {
                if own > 0 && !json {
                    crate::outln!(
                        "{}",
                        tf(
                            "sync.import.own_left",
                            &[("path", &shown(path)), ("count", &own)]
                        )
                    );
                }
                files.extend(found.into_iter().map(Ok));
            }
            Some(Err(message)) => files.push(Err((path, message))),
            None => files.push(Ok(path.clone())),
        }
    }
    for entry in files {
        let (file, outcome) = match entry {
            Ok(path) => {
                let result = import_file(store, keys, &path)?;
                (shown(&path), result)
            }
            Err((path, message)) => (
                shown(path),
                FileOutcome::Refused {
                    code: "no_bundles",
                    message,
                },
            ),
        };
        let result = match outcome {
            FileOutcome::Done(outcome) => JsonOutcome::Done(outcome),
            FileOutcome::Refused { code, message } => JsonOutcome::Refused {
                outcome: "refused",
                code,
                message,
            },
        };
        match &result {
            JsonOutcome::Done(outcome) if !json => {
                for line in outcome_lines(&file, outcome) {
                    crate::outln!("{line}");
                }
            }
            JsonOutcome::Refused { message, .. } => {
                refused += 1;
                crate::errln!(
                    "{}",
                    tf(
                        "sync.import.rejected",
                        &[("file", &file), ("cause", message)]
                    )
                );
            }
            JsonOutcome::Done(_) => {}
        }
        results.push(FileResult { file, result });
    }
    if json {
        print_json(&results)?;
    }
    if refused > 0 {
        return Err(user_error(tf("sync.import.failed", &[("count", &refused)])));
    }
    Ok(())
}

fn inspect_file(cli: &Cli, path: &Path, json: bool) -> Result<()> {
    let (file, size) = open_bundle(path).map_err(user_error)?;
    // Reading the routing header needs no store; the contents need this office's keys.
    let opened = open_store(cli);
    let closed_because = opened.as_ref().err().map(|e| e.to_string());
    let store = opened.ok();
    let keys = match &store {
        Some(s) if Keys::exists(s.dir()) => Keys::load(s.dir(), s.office()).ok(),
        _ => None,
    };
    let pair = store.as_deref().zip(keys.as_ref());
    let inspection = inspect(std::io::BufReader::new(file), size, pair).map_err(refused)?;
    if json {
        return print_json(&inspection);
    }
    let line = |key: &str, value: String| {
        let label = t(&format!("sync.inspect.{key}"));
        crate::outln!(
            "{}",
            tf("sync.inspect.line", &[("label", &label), ("value", &value)])
        )
    };
    line("file", path.display().to_string());
    line(
        "size",
        tf("sync.inspect.bytes", &[("bytes", &inspection.bytes)]),
    );
    line("version", inspection.version.to_string());
    line("sender", name(&inspection.sender));
    line("recipient", name(&inspection.recipient));
    // The number export and import name a bundle by is inside, sealed for the recipient; the
    // routing header has only the internal id.
    if let Some(c) = &inspection.contents {
        line(
            "link_seq",
            tf("sync.inspect.number", &[("seq", &c.link_seq)]),
        );
    }
    line("bundle_id", inspection.bundle_id.clone());
    if let (None, Some(reason)) = (&inspection.contents, &closed_because) {
        crate::outln!("{}", tf("sync.inspect.no_store", &[("reason", reason)]));
    }
    if let Some(c) = &inspection.contents {
        line(
            "signature",
            t(if c.signature_verified {
                "sync.inspect.signature_ok"
            } else {
                "sync.inspect.signature_unchecked"
            }),
        );
        line("created", when(c.created_ms));
        line("ops", c.ops.to_string());
        line("acks", c.acks.to_string());
        line("files", c.files.to_string());
        line(
            "imported",
            t(if c.already_imported {
                "sync.inspect.yes"
            } else if c.imported_in_part {
                "sync.inspect.in_part"
            } else {
                "sync.inspect.no"
            }),
        );
        crate::outln!("{}", t("sync.inspect.ranges"));
        for r in &c.ranges {
            crate::outln!(
                "{}",
                tf(
                    "sync.inspect.range",
                    &[
                        ("origin", &name(&r.origin)),
                        ("kind", &t(&format!("sync.kind.{}", r.kind.key()))),
                        ("device", &r.device),
                        ("first", &r.first),
                        ("last", &r.last),
                        ("ops", &r.ops),
                    ]
                )
            );
        }
    }
    if let Some(note) = &inspection.note {
        line("note", note.clone());
    }
    Ok(())
}

#[derive(Serialize)]
struct HeldRow {
    state: &'static str,
    origin: String,
    kind: crate::sync::ChainKind,
    device: String,
    first: u64,
    last: u64,
    sender: String,
    bundle: String,
    at_ms: u64,
    fork_at: Option<u64>,
    /// Why a refused op has no effect.
    reason: Option<String>,
}

/// Refused ops shown in the table; each is also listed on a line of its own after it, all of
/// them, read one at a time (a dishonest bundle can bring millions).
const TABLE_REFUSED: usize = 1_000;

fn held(store: &Store, json: bool) -> Result<()> {
    let mut rows: Vec<HeldRow> = Vec::new();
    for h in store.held_ranges()? {
        rows.push(HeldRow {
            state: "held",
            origin: h.range.head.origin.clone(),
            kind: h.range.head.kind,
            device: crate::sync::device_label(h.range.head.device),
            first: h.range.first,
            last: h.range.head.seq,
            sender: h.sender,
            bundle: hex(&h.bundle),
            at_ms: h.at_ms,
            fork_at: None,
            reason: None,
        });
    }
    for q in store.quarantined()? {
        rows.push(HeldRow {
            state: "quarantined",
            origin: q.range.head.origin.clone(),
            kind: q.range.head.kind,
            device: crate::sync::device_label(q.range.head.device),
            first: q.range.first,
            last: q.range.head.seq,
            sender: q.sender,
            bundle: hex(&q.bundle),
            at_ms: q.at_ms,
            fork_at: Some(q.fork_at),
            reason: None,
        });
    }
    let refused = || -> Result<_> {
        Ok(store.voided_each()?.map(|v| {
            v.map(|v| HeldRow {
                state: "refused",
                origin: v.origin.clone(),
                kind: crate::sync::ChainKind::Full,
                device: crate::sync::device_label(v.device),
                first: v.seq,
                last: v.seq,
                reason: Some(v.reason()),
                sender: v.sender,
                bundle: String::new(),
                at_ms: v.at_ms,
                fork_at: None,
            })
        }))
    };
    if json {
        return print_json_each(rows.into_iter().map(Ok).chain(refused()?));
    }
    let ranges = rows.len();
    for row in refused()?.take(TABLE_REFUSED + 1) {
        rows.push(row?);
    }
    if rows.is_empty() {
        crate::outln!("{}", t("sync.held.none"));
        return Ok(());
    }
    let more_than_the_table = rows.len() > ranges + TABLE_REFUSED;
    rows.truncate(ranges + TABLE_REFUSED);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                t(&format!("sync.held.{}", r.state)),
                name(&r.origin),
                r.device.clone(),
                format!("{}–{}", r.first, r.last),
                name(&r.sender),
                when(r.at_ms),
            ]
        })
        .collect();
    let headers: Vec<String> = ["state", "origin", "device", "range", "sender", "at"]
        .iter()
        .map(|k| t(&format!("sync.col.{k}")))
        .collect();
    print_table(&headers, &cells);
    drop(rows);
    if more_than_the_table {
        crate::outln!(
            "{}",
            tf("sync.held.table_first", &[("shown", &TABLE_REFUSED)])
        );
    }
    for r in refused()? {
        let r = r?;
        crate::outln!(
            "{}",
            tf(
                "sync.held.refused_line",
                &[
                    ("device", &r.device),
                    ("seq", &r.first),
                    ("reason", &r.reason.unwrap_or_default()),
                    ("origin", &name(&r.origin)),
                ],
            )
        );
    }
    Ok(())
}

fn review(store: &Store, json: bool) -> Result<()> {
    let found = crate::sync::ledger::review(store, store.office())?;
    if json {
        return print_json(&found);
    }
    if found.is_empty() {
        crate::outln!("{}", t("sync.review.none"));
        return Ok(());
    }
    crate::outln!("{}", tf("sync.review.heading", &[("count", &found.len())]));
    // Masked as on the 同步 tab: this list is read aloud and shown on screens.
    for d in &found {
        let value = match d.by {
            crate::sync::ledger::DuplicateBy::Phone => mask_phone(&d.value),
            _ => d.value.clone(),
        };
        crate::outln!(
            "{}",
            tf(
                "sync.review.group",
                &[
                    ("by", &t(&format!("sync.review.by_{}", d.by.key()))),
                    ("value", &value)
                ]
            )
        );
        for s in &d.sightings {
            crate::outln!(
                "{}",
                tf(
                    "sync.review.sighting",
                    &[
                        ("office", &name(&s.office)),
                        ("name", &s.name),
                        ("phone", &mask_phone(&s.phone)),
                        ("enterprise", &s.enterprise)
                    ]
                )
            );
        }
    }
    Ok(())
}

pub fn bundle(cli: &Cli, command: &BundleCommand) -> Result<()> {
    if let BundleCommand::Inspect { path, json } = command {
        return inspect_file(cli, path, *json);
    }
    let store = open_store(cli)?;
    match command {
        BundleCommand::Export {
            to,
            output,
            full,
            with_files,
            files_cap_mb,
            json,
        } => {
            let to = resolve(to)?;
            let keys = keys_of(&store)?;
            let options = ExportOptions {
                full: *full,
                since: None,
                files_cap: with_files.then_some(files_cap_mb.saturating_mul(1 << 20)),
            };
            let exported = export(&store, &keys, &to, output, &options)?;
            if *json {
                return print_json(&exported);
            }
            crate::outln!(
                "{}",
                tf(
                    "sync.export.done",
                    &[
                        (
                            "file",
                            &exported
                                .path
                                .as_ref()
                                .map(|p| p.display().to_string())
                                .unwrap_or_default()
                        ),
                        ("to", &name(&to)),
                        ("seq", &exported.link_seq),
                        ("ops", &exported.ops),
                        ("ranges", &exported.ranges.len()),
                        ("bytes", &exported.bytes),
                    ]
                )
            );
            if exported.files > 0 {
                crate::outln!(
                    "{}",
                    tf(
                        "sync.export.files",
                        &[("count", &exported.files), ("bytes", &exported.file_bytes)]
                    )
                );
            }
            if exported.missing_files > 0 {
                crate::outln!(
                    "{}",
                    tf(
                        "sync.export.files_missing",
                        &[("count", &exported.missing_files)]
                    )
                );
            }
            if exported.unsigned_chains > 0 {
                crate::outln!(
                    "{}",
                    tf(
                        "sync.export.unsigned",
                        &[("count", &exported.unsigned_chains)]
                    )
                );
            }
            Ok(())
        }
        BundleCommand::Import { paths, json } => {
            let keys = keys_of(&store)?;
            import_files(&store, &keys, paths, *json)
        }
        BundleCommand::Held { json } => held(&store, *json),
        BundleCommand::Review { json } => review(&store, *json),
        BundleCommand::Inspect { .. } => Ok(()),
    }
}

/// A path as a terminal may show it: a file on a stick may be named anything.
fn shown(path: &Path) -> String {
    crate::domain::text::printable(&path.display().to_string()).into_owned()
}
