//! Keys on the 同步 tab, and its bundle forms.

use super::state::{BundleForm, Panel, PeerRow, SyncEffect, SyncState};
use crate::i18n::{t, tf};
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay, State};
use crate::tui::context::Ctx;
use crate::tui::forms::{Field, FieldInput, Form, FormKind};
use crate::tui::tabs::{step_selection, PAGE};

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
pub fn form(sync: &SyncState, kind: &BundleForm) -> Option<Form> {
    match kind {
        BundleForm::Import => Some(import_form(sync)),
        BundleForm::Trust => Some(trust_form(sync)),
        BundleForm::Export { to } => {
            let peer = sync.peers.iter().find(|p| &p.office == to)?;
            Some(export_form(sync, peer))
        }
    }
}

/// Export: the media found (or another place typed), for the selected peer.
fn export_form(sync: &SyncState, peer: &PeerRow) -> Form {
    let mut fields = Vec::new();
    if !sync.media.is_empty() {
        let mut media = labelled("media", "");
        let mut options: Vec<(String, String)> =
            sync.media.iter().map(|m| (m.clone(), m.clone())).collect();
        options.push((String::new(), t("sync.tui.other_place")));
        media.input = FieldInput::Choice { options, index: 0 };
        fields.push(media);
    }
    let mut output = labelled("output", "");
    if sync.media.is_empty() {
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

fn import_form(sync: &SyncState) -> Form {
    Form::build(Form::new(
        FormKind::Bundle(BundleForm::Import),
        t("sync.tui.import_title"),
        vec![labelled("input", &default_place(&sync.media))],
    ))
}

/// Trust: the file another office gave (on the stick found first, its name to add), and the
/// fingerprint its coordinator read out on the phone.
fn trust_form(sync: &SyncState) -> Form {
    Form::build(Form::new(
        FormKind::Bundle(BundleForm::Trust),
        t("sync.tui.trust_title"),
        vec![
            labelled("card", &default_place(&sync.media)),
            labelled("fingerprint", ""),
        ],
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
        BundleForm::Trust => ("card", value("card")),
    };
    if typed.is_empty() {
        form.set_error(field, t("tui.form.required"));
        return None;
    }
    let place = crate::tui::effects::expand(&typed);
    let with_files = value("files") != "no";
    Some(Effect::Sync(match kind {
        BundleForm::Trust => SyncEffect::Trust {
            path: place,
            fingerprint: value("fingerprint"),
            replace: form.confirmed_at("fingerprint"),
        },
        // Whether the place is there, and what it holds, the runner finds out.
        BundleForm::Export { to } => SyncEffect::Start {
            export_to: Some(to),
            place,
            with_files,
        },
        BundleForm::Import => SyncEffect::Start {
            export_to: None,
            place,
            with_files,
        },
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

pub fn update(s: &mut SyncState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
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
    if !matches!(action, Action::Open | Action::Import | Action::Add) {
        return None;
    }
    if s.running.is_some() {
        ctx.error(t("sync.tui.busy"));
        return None;
    }
    let kind = if action == Action::Import {
        BundleForm::Import
    } else if action == Action::Add {
        BundleForm::Trust
    } else {
        match s.selected_peer() {
            Some(peer) if peer.revoked => {
                let message = tf("sync.export.revoked", &[("office", &peer.name)]);
                ctx.error(message);
                return None;
            }
            Some(peer) => BundleForm::Export {
                to: peer.office.clone(),
            },
            None => {
                let key = ctx.keymap.hint(Action::Add).unwrap_or_default();
                ctx.error(tf("sync.tui.no_peers", &[("key", &key)]));
                return None;
            }
        }
    };
    Some(Effect::Sync(SyncEffect::Open(kind)))
}

/// On entering the tab: read its rows again, unless a job is about to change them.
pub fn entered(s: &SyncState) -> Option<Effect> {
    if s.running.is_some() {
        return None;
    }
    Some(Effect::Sync(SyncEffect::Refresh))
}

pub fn hints(s: &SyncState) -> Vec<Hint> {
    let mut out = Vec::new();
    if !s.peers.is_empty() {
        out.push((Action::Open, "export"));
    }
    out.push((Action::Import, "import"));
    out.push((Action::Add, "trust"));
    if s.panel == Panel::Results {
        out.push((Action::Back, "close"));
    }
    out.push((Action::Right, "next_panel"));
    out
}
