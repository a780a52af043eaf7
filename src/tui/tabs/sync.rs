//! 同步: the offices this one exchanges bundles with (the last bundle sent and received, number
//! and age), exporting a bundle for the selected one to a stick, importing bundle files with what
//! they did, this office's and the trusted keys' fingerprints, held and quarantined ranges, and
//! at a city the people found in more than one county. Exports and imports run on the worker
//! (`sync_jobs`) with their progress shown, like the 报表 tab's; how they ended is a panel of its
//! own, one line per file, that the movement keys go through.

use std::path::PathBuf;

use super::{step_selection, PAGE};
use crate::i18n::{t, tf};
use crate::sync::ledger::Duplicate;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay, State};
use crate::tui::forms::{Field, FieldInput, Form, FormKind};

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
    /// Check the place typed in the open bundle form, then start the export or import on a
    /// worker; what is wrong with the place goes next to its field.
    Start {
        form: BundleForm,
        place: PathBuf,
        with_files: bool,
    },
    /// A job ended: read the tabs again if it took something in, and show the outcome.
    Finished(Box<super::sync_jobs::Done>),
}

/// Which bundle form is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleForm {
    Export { to: String },
    Import,
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

    fn panel_len(&self) -> usize {
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

/// The place a form offers first: the first stick found, else the current folder.
fn default_place(media: &[String]) -> String {
    media.first().cloned().unwrap_or_default()
}

fn labelled(name: &'static str, value: &str) -> Field {
    let mut field = Field::text(name, value);
    field.label = t(&format!("sync.tui.field_{name}"));
    field.hint = t(&format!("sync.tui.hint_{name}"));
    field
}

/// The form for `kind`, offering the media found; `None` when the peer is gone.
pub fn form(state: &State, kind: &BundleForm) -> Option<Form> {
    match kind {
        BundleForm::Import => Some(import_form(state)),
        BundleForm::Export { to } => {
            let peer = state.sync.peers.iter().find(|p| &p.office == to)?;
            Some(export_form(state, peer))
        }
    }
}

/// Export: the media found (or another place typed), for the selected peer.
fn export_form(state: &State, peer: &PeerRow) -> Form {
    let mut fields = Vec::new();
    if !state.sync.media.is_empty() {
        let mut media = labelled("media", "");
        let mut options: Vec<(String, String)> = state
            .sync
            .media
            .iter()
            .map(|m| (m.clone(), m.clone()))
            .collect();
        options.push((String::new(), t("sync.tui.other_place")));
        media.input = FieldInput::Choice { options, index: 0 };
        fields.push(media);
    }
    let mut output = labelled("output", "");
    if state.sync.media.is_empty() {
        // No stick to choose from: this is the only place, not the other one.
        output.label = t("sync.tui.field_place");
    }
    fields.push(output);
    let mut files = labelled("files", "");
    files.input = FieldInput::Choice {
        options: vec![
            ("yes".into(), t("sync.tui.with_files")),
            ("no".into(), t("sync.tui.without_files")),
        ],
        index: 0,
    };
    fields.push(files);
    Form::build(Form::new(
        FormKind::Bundle(BundleForm::Export {
            to: peer.office.clone(),
        }),
        tf("sync.tui.export_title", &[("office", &peer.name)]),
        fields,
    ))
}

fn import_form(state: &State) -> Form {
    Form::build(Form::new(
        FormKind::Bundle(BundleForm::Import),
        t("sync.tui.import_title"),
        vec![labelled("input", &default_place(&state.sync.media))],
    ))
}

/// The bundle form's values as work for the worker, or the field to fix. The form closes when
/// the work starts.
pub fn submit(state: &mut State) -> Option<Effect> {
    let Overlay::Form(form) = &mut state.overlay else {
        return None;
    };
    let FormKind::Bundle(kind) = form.kind.clone() else {
        return None;
    };
    for field in &mut form.fields {
        field.error = None;
    }
    let value = |name: &str| {
        form.field(name)
            .map_or(String::new(), |f| f.value().trim().to_string())
    };
    let (field, typed) = match &kind {
        BundleForm::Export { .. } => {
            let typed = value("output");
            (
                "output",
                if typed.is_empty() {
                    value("media")
                } else {
                    typed
                },
            )
        }
        BundleForm::Import => ("input", value("input")),
    };
    if typed.is_empty() {
        form.set_error(field, t("tui.form.required"));
        return None;
    }
    // Whether the place is there, and what it holds, the runner finds out.
    Some(Effect::Sync(SyncEffect::Start {
        with_files: value("files") != "no",
        place: crate::tui::effects::expand(&typed),
        form: kind,
    }))
}

/// The movement keys in the results panel go through its files; Esc drops the results.
fn update_results(s: &mut SyncState, action: Action) -> bool {
    let Some(outcome) = s.outcome.as_mut() else {
        return false;
    };
    if step_selection(&mut outcome.selected, outcome.files.len(), action) {
        return true;
    }
    if action != Action::Back {
        return false;
    }
    s.close_results();
    true
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    let s = &mut state.sync;
    if s.panel == Panel::Results && update_results(s, action) {
        return None;
    }
    let last = s.peers.len().saturating_sub(1);
    match action {
        Action::Up => s.selected = s.selected.saturating_sub(1),
        Action::Down => s.selected = (s.selected + 1).min(last),
        Action::Top => s.selected = 0,
        Action::Bottom => s.selected = last,
        Action::Left | Action::Right => {
            let panels = s.panels();
            let i = panels.iter().position(|p| *p == s.panel).unwrap_or(0);
            let n = panels.len();
            let next = if action == Action::Right {
                i + 1
            } else {
                i + n - 1
            };
            s.panel = panels[next % n];
            s.scroll = 0;
        }
        Action::PageDown => {
            s.scroll = (s.scroll + PAGE).min(s.panel_len().saturating_sub(1));
        }
        Action::PageUp => s.scroll = s.scroll.saturating_sub(PAGE),
        _ => {}
    }
    if !matches!(action, Action::Open | Action::Import) {
        return None;
    }
    if state.sync.running.is_some() {
        state.error(t("sync.tui.busy"));
        return None;
    }
    let kind = if action == Action::Import {
        BundleForm::Import
    } else {
        match state.sync.selected_peer() {
            Some(peer) if peer.revoked => {
                let message = tf("sync.export.revoked", &[("office", &peer.name)]);
                state.error(message);
                return None;
            }
            Some(peer) => BundleForm::Export {
                to: peer.office.clone(),
            },
            None => {
                state.error(t("sync.tui.no_peers"));
                return None;
            }
        }
    };
    Some(Effect::Sync(SyncEffect::Open(kind)))
}

/// On entering the tab: read its rows again, unless a job is about to change them.
pub fn entered(state: &State) -> Option<Effect> {
    if state.sync.running.is_some() {
        return None;
    }
    Some(Effect::Sync(SyncEffect::Refresh))
}

pub fn hints(state: &State) -> Vec<Hint> {
    let mut out = Vec::new();
    if !state.sync.peers.is_empty() {
        out.push((Action::Open, "export"));
    }
    out.push((Action::Import, "import"));
    if state.sync.panel == Panel::Results {
        out.push((Action::Back, "close"));
    }
    out.push((Action::Right, "next_panel"));
    out
}
