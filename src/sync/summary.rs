//! Taking in bundle files and saying what happened, in the lines both the CLI and the 同步 tab
//! show: applied, duplicates, held, quarantined, ranges left out and why.

use std::path::Path;

use color_eyre::eyre::Result;

use super::bundle::MAX_FILE;
use super::identity::Keys;
use super::import::{import_from, Outcome};
use super::{Fault, Rejection};
use crate::campaign::unit_name;
use crate::i18n::tf;
use crate::store::Store;

/// "鄂城区(420704)": how sync messages name an office.
pub fn office_name(office: &str) -> String {
    format!("{}({office})", unit_name(office))
}

/// Local date and time of a stored instant, as messages show it.
pub fn when(ms: u64) -> String {
    i64::try_from(ms)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A bundle file opened for reading with its size, or why it cannot be used (not a regular
/// file, too large, unreadable).
pub fn open_bundle(path: &Path) -> Result<(std::fs::File, u64), String> {
    crate::input_file::open(path, MAX_FILE).map_err(|e| e.to_string())
}

/// The start of a file, to tell a card or a roster from a bundle.
fn head_of(path: &Path) -> Vec<u8> {
    let mut head = Vec::new();
    if let Ok((file, _)) = open_bundle(path) {
        let _ = std::io::Read::read_to_end(&mut std::io::Read::take(file, 64 << 10), &mut head);
    }
    head
}

/// One file taken in, or refused with a code and one line naming the cause.
pub enum FileOutcome {
    Done(Outcome),
    Refused { code: &'static str, message: String },
}

/// An identity card, roster or rotation certificate: files for `keys trust`, often carried on
/// the same stick as the bundles.
fn is_trust_file(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        [
            super::identity::CARD_FORMAT,
            super::trust::ROSTER_FORMAT,
            super::rotation::FORMAT,
        ]
        .iter()
        .any(|format| text.contains(format))
    })
}

/// Reads and imports one file. `Err` is a failure of the machine (disk, store), not a refusal.
pub fn import_file(store: &Store, keys: &Keys, path: &Path) -> Result<FileOutcome> {
    let (file, size) = match open_bundle(path) {
        Ok(opened) => opened,
        Err(message) => {
            return Ok(FileOutcome::Refused {
                code: "unreadable",
                message,
            })
        }
    };
    match import_from(store, keys, std::io::BufReader::new(file), size) {
        Ok(outcome) => Ok(FileOutcome::Done(outcome)),
        Err(Fault::Refused(Rejection::NotABundle)) if is_trust_file(&head_of(path)) => {
            Ok(FileOutcome::Refused {
                code: Rejection::NotABundle.code(),
                message: crate::i18n::t("sync.reject.trust_file"),
            })
        }
        Err(Fault::Refused(rejection)) => Ok(FileOutcome::Refused {
            code: rejection.code(),
            message: rejection.to_string(),
        }),
        Err(Fault::Failed(report)) => Err(report),
    }
}

/// What an import did, as lines: the counts, then ranges left out, released holds and forks.
pub fn outcome_lines(file: &str, outcome: &Outcome) -> Vec<String> {
    let mut lines = Vec::new();
    match outcome {
        Outcome::Imported(s) => {
            let c = &s.counts;
            let quarantined: u64 = c.quarantined.iter().map(|f| f.last + 1 - f.first).sum();
            lines.push(tf(
                "sync.import.done",
                &[
                    ("file", &file),
                    ("sender", &office_name(&s.sender)),
                    ("seq", &s.link_seq),
                    ("applied", &c.applied),
                    ("duplicates", &c.duplicates),
                    ("held", &c.held),
                    ("quarantined", &quarantined),
                    ("records", &c.records_changed),
                ],
            ));
            for r in &s.refused {
                lines.push(tf(
                    "sync.import.refused_range",
                    &[
                        ("first", &r.range.first),
                        ("last", &r.range.last),
                        ("reason", &r.reason),
                    ],
                ));
            }
            let waiting = super::import::waiting_for(&s.refused);
            if !waiting.is_empty() {
                lines.push(tf(
                    "sync.import.again_once_trusted",
                    &[
                        ("file", &file),
                        ("origins", &super::attention::names(&waiting)),
                    ],
                ));
            }
            let shown = 5;
            for void in c.refused_ops.iter().take(shown) {
                lines.push(tf(
                    "sync.import.refused_op",
                    &[
                        ("device", &super::device_label(void.device)),
                        ("seq", &void.seq),
                        ("reason", &void.reason()),
                    ],
                ));
            }
            if c.refused_count > shown as u64 {
                lines.push(tf(
                    "sync.import.refused_more",
                    &[("count", &(c.refused_count - shown as u64))],
                ));
            }
            if let Some(other) = &s.twin_of {
                lines.push(tf(
                    "sync.import.twin",
                    &[
                        ("sender", &office_name(&s.sender)),
                        ("seq", &s.link_seq),
                        ("other", other),
                    ],
                ));
            }
            if !s.other_installs.is_empty() {
                lines.push(tf(
                    "sync.import.other_installs",
                    &[
                        ("sender", &office_name(&s.sender)),
                        ("devices", &s.other_installs.join("、")),
                    ],
                ));
            }
            if s.files_kept > 0 {
                lines.push(tf("sync.import.files", &[("count", &s.files_kept)]));
            }
            if c.released > 0 {
                lines.push(tf("sync.import.released", &[("released", &c.released)]));
            }
            for fork in &c.quarantined {
                lines.push(tf(
                    "sync.import.fork",
                    &[
                        ("origin", &office_name(&fork.origin)),
                        ("device", &super::device_label(fork.device)),
                        ("at", &fork.at),
                        ("first", &fork.first),
                        ("last", &fork.last),
                    ],
                ));
            }
        }
        Outcome::AlreadyImported {
            sender,
            link_seq,
            at_ms,
            ..
        } => lines.push(tf(
            "sync.import.already",
            &[
                ("file", &file),
                ("when", &when(*at_ms)),
                ("sender", &office_name(sender)),
                ("seq", link_seq),
            ],
        )),
    }
    lines
}
