//! What about this office's links needs a person: ops other offices sent that the rules refuse,
//! quarantined forks, ranges still waiting for the ops before them, a link that makes no
//! progress. Each item says what to do and whom to call; `doctor` and the 同步 tab show them.

use std::collections::BTreeMap;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::summary::{office_name, when};
use crate::i18n::{t, tf};
use crate::store::Store;

/// A held range older than this has stopped the link it came on.
const STALLED_DAYS: u64 = 7;
const DAY_MS: u64 = 24 * 60 * 60 * 1000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attention {
    /// `refused`, `quarantined`, `held`, `stalled` or `in-part`.
    pub kind: &'static str,
    pub text: String,
}

/// When this install became a new device (its folder was copied, moved or restored), in words.
pub fn rehomed_lines(store: &Store) -> Result<Vec<String>> {
    Ok(store
        .rehomed()?
        .into_iter()
        .map(|r| {
            tf(
                "sync.attention.rehomed",
                &[
                    ("when", &when(r.at_ms)),
                    ("path", &r.from.path),
                    ("old", &super::device_label(r.old_device)),
                    ("new", &super::device_label(r.new_device)),
                ],
            )
        })
        .collect())
}

/// Every item, the ones to act on first.
pub fn attention(store: &Store, now_ms: u64) -> Result<Vec<Attention>> {
    let mut out = Vec::new();
    // Per origin: how many ops were refused, and the first one's reason.
    let mut refused: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for void in store.voided_each()? {
        let void = void?;
        refused
            .entry(void.origin.clone())
            .or_insert_with(|| (0, void.reason()))
            .0 += 1;
    }
    for (origin, (count, first)) in refused {
        out.push(Attention {
            kind: "refused",
            text: tf(
                "sync.attention.refused",
                &[
                    ("origin", &office_name(&origin)),
                    ("count", &count),
                    ("first", &first),
                ],
            ),
        });
    }
    for q in store.quarantined()? {
        out.push(Attention {
            kind: "quarantined",
            text: tf(
                "sync.attention.quarantined",
                &[
                    ("origin", &office_name(&q.range.head.origin)),
                    ("device", &super::device_label(q.range.head.device)),
                    ("at", &q.fork_at),
                    ("first", &q.range.first),
                    ("last", &q.range.head.seq),
                ],
            ),
        });
    }
    for h in store.held_ranges()? {
        let stalled = now_ms.saturating_sub(h.at_ms) > STALLED_DAYS * DAY_MS;
        out.push(Attention {
            kind: if stalled { "stalled" } else { "held" },
            text: tf(
                if stalled {
                    "sync.attention.stalled"
                } else {
                    "sync.attention.held"
                },
                &[
                    ("origin", &office_name(&h.range.head.origin)),
                    ("device", &super::device_label(h.range.head.device)),
                    ("first", &h.range.first),
                    ("last", &h.range.head.seq),
                    ("since", &when(h.at_ms)),
                    ("sender", &office_name(&h.sender)),
                ],
            ),
        });
    }
    for (received, origins) in store.received_in_part_each()? {
        // A revoked sender's file is refused whole: importing it again cannot help.
        if store
            .peer(&received.sender)?
            .is_some_and(|p| p.revoked.is_some())
        {
            continue;
        }
        let origins = if origins.is_empty() {
            t("sync.attention.some_offices")
        } else {
            names(&origins)
        };
        out.push(Attention {
            kind: "in-part",
            text: tf(
                "sync.attention.in_part",
                &[
                    ("sender", &office_name(&received.sender)),
                    ("seq", &received.link_seq),
                    ("when", &when(received.at_ms)),
                    ("origins", &origins),
                ],
            ),
        });
    }
    Ok(out)
}

/// Offices by name, in a list as the language writes one.
pub fn names(offices: &[String]) -> String {
    let named: Vec<String> = offices.iter().map(|o| office_name(o)).collect();
    named.join(&t("cli.list_sep"))
}
