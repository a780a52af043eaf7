//! The 同步 tab's state: the peers, the panels, the running job and how the last one ended.

use std::path::PathBuf;

use crate::sync::ledger::Duplicate;

/// One office we exchange bundles with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRow {
    pub office: String,
    pub name: String,
    pub role: String,
    pub fingerprint: String,
    pub epoch: u32,
    pub revoked: bool,
    /// How its key came to be trusted (电话核对, a roster).
    pub source: String,
    /// The last bundle written for it: link number and age in days.
    pub sent: Option<(u64, i64)>,
    /// The newest bundle taken in from it.
    pub received: Option<(u64, i64)>,
}

/// A range waiting for its gap to fill, or set aside as a fork.
/// What the lower half of the tab lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Panel {
    /// The selected peer's key and trust.
    #[default]
    Keys,
    /// Held and quarantined ranges.
    Held,
    /// People in more than one unit's records.
    Review,
    /// How the last export or import ended; there only while it is kept.
    Results,
}

impl Panel {
    pub const ALL: [Panel; 4] = [Panel::Keys, Panel::Held, Panel::Review, Panel::Results];

    pub fn key(self) -> &'static str {
        match self {
            Panel::Keys => "keys",
            Panel::Held => "held",
            Panel::Review => "review",
            Panel::Results => "results",
        }
    }
}

/// Work for the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncJob {
    /// A bundle for `to`, into a folder (named there) or a file; with the evidence files the
    /// sent changes attach when `with_files`.
    Export {
        to: String,
        output: PathBuf,
        with_files: bool,
    },
    /// Bundle files, each taken whole or refused whole.
    Import { paths: Vec<PathBuf> },
}

/// What the tab needs read from the store or the machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncEffect {
    /// Read the tab's rows again (on entering it: a CLI import may have changed them).
    Refresh,
    /// Look for sticks, then open this form.
    Open(BundleForm),
    /// Check the place typed in the open bundle form, then start the export (to the office
    /// named) or the import on a worker; what is wrong with the place goes next to its field.
    Start {
        export_to: Option<String>,
        place: PathBuf,
        with_files: bool,
    },
    /// A job ended: read the tabs again if it took something in, and show the outcome.
    Finished(Box<super::effects::Done>),
    /// Trust the card, roster or rotation certificate at `path`, a card by the fingerprint
    /// typed; what is wrong goes next to its field, what changed in the results panel.
    /// With `replace`, asked once and confirmed: the office's trusted keys give way to the card's.
    Trust {
        path: PathBuf,
        fingerprint: String,
        replace: bool,
    },
}

/// Which bundle form is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleForm {
    Export {
        to: String,
    },
    Import,
    /// Another office's card, roster or rotation certificate, to trust.
    Trust,
}

/// How the last export or import ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Shown whole above the files: an import's total, what an export wrote, a failure.
    pub lines: Vec<String>,
    /// One per bundle file taken in or refused.
    pub files: Vec<FileResult>,
    /// Something was refused or failed.
    pub error: bool,
    /// The file whose lines are shown whole; the others are cut to one line.
    pub selected: usize,
}

/// What one import did to one file: the first line names the file and says how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileResult {
    pub lines: Vec<String>,
    pub refused: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// This office's fingerprint; `None` before its keys exist.
    pub fingerprint: Option<String>,
    pub epoch: u32,
    pub peers: Vec<PeerRow>,
    pub selected: usize,
    pub panel: Panel,
    /// First line shown of the held or review panel.
    pub scroll: usize,
    /// What about the links needs a person, each saying what to do (`sync::attention`).
    pub held: Vec<String>,
    pub review: Vec<Duplicate>,
    /// The store's people-and-enterprises generation `review` was read at: it is read again
    /// only when they changed (two passes over everyone, seconds at ten times the province).
    pub review_generation: Option<u64>,
    /// Mounted removable media, offered first in the forms.
    pub media: Vec<String>,
    /// What the worker is doing, its latest progress line, and for how long.
    pub running: Option<(String, String, u64)>,
    pub outcome: Option<Outcome>,
}

impl SyncState {
    pub fn selected_peer(&self) -> Option<&PeerRow> {
        self.peers.get(self.selected)
    }

    pub(super) fn panel_len(&self) -> usize {
        match self.panel {
            Panel::Keys | Panel::Results => 0,
            Panel::Held => self.held.len(),
            Panel::Review => self.review.iter().map(|d| d.sightings.len() + 1).sum(),
        }
    }

    /// The panels to go through: the results only while there are some.
    pub fn panels(&self) -> Vec<Panel> {
        Panel::ALL
            .into_iter()
            .filter(|p| *p != Panel::Results || self.outcome.is_some())
            .collect()
    }

    /// Shows how a job ended, in its own panel.
    pub fn show(&mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
        self.panel = Panel::Results;
        self.scroll = 0;
    }

    /// Drops the results; their panel goes with them.
    pub(super) fn close_results(&mut self) {
        self.outcome = None;
        if self.panel == Panel::Results {
            self.panel = Panel::Keys;
        }
    }
}
