//! A checklist item's audit trail for its panel: every mark with its note and every file with
//! its note, read from the op log on demand (a scan of the whole log: too slow to do for every
//! item on every reload at province scale, quick enough once on Enter).

use color_eyre::eyre::Result;

use super::app::State;
use super::labels::mark_label;
use super::tabs::checklist::{HistoryEntry, ItemHistory};
use crate::i18n::tf;
use crate::log::Payload;
use crate::store::Store;

pub fn load(store: &Store, state: &mut State, unit: &str, item: &str) -> Result<()> {
    let mut entries = Vec::new();
    for op in store.ops_for_record(&format!("{unit}/{item}"))? {
        let (what, note) = match op.payload {
            Payload::ChecklistMarked { status, note, .. } => (mark_label(status), note),
            Payload::EvidenceAttached { evidence, .. } => (
                tf("tui.checklist.attached", &[("file", &evidence.file_name)]),
                evidence.note,
            ),
            // A city's deadline: the panel shows the date already.
            _ => continue,
        };
        let at = op
            .hlc
            .to_datetime()
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        entries.push(HistoryEntry {
            at,
            actor: op.actor,
            what,
            note,
        });
    }
    state.checklist.history = Some(ItemHistory {
        unit: unit.to_string(),
        item: item.to_string(),
        entries,
    });
    Ok(())
}
