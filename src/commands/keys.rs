//! `peixun keys ...`: this office's keys, the offices it trusts, rotations.

use std::path::{Path, PathBuf};

use color_eyre::eyre::Result;
use serde::Serialize;

use super::{open_store, print_json, print_table, role_label, unit_name, user_error};
use crate::app;
use crate::cli::Cli;
use crate::cli_bundle::KeysCommand;
use crate::domain::input::resolve_unit;
use crate::i18n::{t, tf};
use crate::sheets::output::absolute;
use crate::store::Store;
use crate::sync::export::{place_of, write_atomically, Place, PlaceError};
use crate::sync::identity::keys_dir;
use crate::sync::rotation;
use crate::sync::trust::{self, Change, TrustSource};
use crate::sync::{hex, Keys};

use crate::sync::summary::office_name as name;

/// This office's keys, created on first use (and said so on stderr).
pub(super) fn keys_of(store: &Store) -> Result<Keys> {
    let (keys, created) = Keys::load_or_create(store.dir(), store.office())?;
    if created {
        crate::errln!(
            "{}",
            tf(
                "sync.keys.created_auto",
                &[("dir", &keys_dir(store.dir()).display())]
            )
        );
    }
    Ok(keys)
}

pub(super) fn resolve(raw: &str) -> Result<String> {
    resolve_unit(raw).map_err(user_error)
}

#[derive(Serialize)]
struct Shown {
    office: String,
    name: String,
    role: String,
    parent: Option<String>,
    epoch: u32,
    fingerprint: String,
    sign_key: String,
    age_recipient: String,
    dir: String,
}

fn show(store: &Store, keys: &Keys, json: bool) -> Result<()> {
    let card = keys.card()?;
    let shown = Shown {
        office: card.body.office.clone(),
        name: unit_name(&card.body.office),
        role: card.body.role.key().to_string(),
        parent: card.body.parent.clone(),
        epoch: card.body.epoch,
        fingerprint: card.fingerprint(),
        sign_key: hex(&card.body.sign_key),
        age_recipient: card.body.age_recipient.clone(),
        dir: keys_dir(store.dir()).display().to_string(),
    };
    if json {
        return print_json(&shown);
    }
    let rows = [
        ("office", name(&shown.office)),
        ("role", role_label(&shown.office)),
        (
            "parent",
            shown.parent.as_deref().map(name).unwrap_or_default(),
        ),
        ("epoch", shown.epoch.to_string()),
        ("fingerprint", shown.fingerprint.clone()),
        ("sign_key", shown.sign_key.clone()),
        ("age_recipient", shown.age_recipient.clone()),
        ("dir", shown.dir.clone()),
    ];
    for (key, value) in rows {
        crate::outln!("{}: {value}", t(&format!("sync.show.{key}")));
    }
    crate::outln!("{}", t("sync.keys.phone_hint"));
    Ok(())
}

fn trust_file(store: &Store, file: &Path, fingerprint: Option<&str>, replace: bool) -> Result<()> {
    let read = app::trust::read(file)?;
    let trusted = app::trust::take_in(store, &read, (fingerprint, replace), || keys_of(store))?;
    for line in trusted.lines() {
        crate::outln!("{line}");
    }
    if let app::trust::Trusted::Card { office, change, .. } = &trusted {
        if replace && !matches!(change, Change::Replaced | Change::Corrected) {
            let key = if *change == Change::Added {
                "sync.trust.replace_unneeded_new"
            } else {
                "sync.trust.replace_unneeded"
            };
            crate::outln!("{}", tf(key, &[("office", &name(office))]));
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct Listed {
    office: String,
    name: String,
    role: String,
    epoch: u32,
    fingerprint: String,
    source: TrustSource,
    revoked: bool,
}

fn list(store: &Store, json: bool) -> Result<()> {
    let peers = store.peers()?;
    let listed: Vec<Listed> = peers
        .iter()
        .map(|p| Listed {
            office: p.office().to_string(),
            name: unit_name(p.office()),
            role: p.card.body.role.key().to_string(),
            epoch: p.card.body.epoch,
            fingerprint: p.fingerprint.clone(),
            source: p.source.clone(),
            revoked: p.is_revoked(),
        })
        .collect();
    if json {
        return print_json(&listed);
    }
    if listed.is_empty() {
        crate::outln!("{}", t("sync.keys.none"));
        return Ok(());
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|l| {
            vec![
                l.office.clone(),
                l.name.clone(),
                role_label(&l.office),
                l.epoch.to_string(),
                l.fingerprint.clone(),
                match &l.source {
                    TrustSource::Pinned => t("sync.source.pinned"),
                    TrustSource::Roster { signer, version } => tf(
                        "sync.source.roster",
                        &[("signer", &unit_name(signer)), ("version", version)],
                    ),
                },
                t(if l.revoked {
                    "sync.status.revoked"
                } else {
                    "sync.status.trusted"
                }),
            ]
        })
        .collect();
    let headers: Vec<String> = [
        "office",
        "name",
        "role",
        "epoch",
        "fingerprint",
        "source",
        "status",
    ]
    .iter()
    .map(|k| t(&format!("sync.col.{k}")))
    .collect();
    print_table(&headers, &rows);
    Ok(())
}

pub fn keys(cli: &Cli, command: &KeysCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        KeysCommand::Init => {
            let keys = Keys::create(store.dir(), store.office())?;
            crate::outln!(
                "{}",
                tf(
                    "sync.keys.created",
                    &[
                        ("office", &name(store.office())),
                        ("epoch", &keys.epoch()),
                        ("dir", &keys_dir(store.dir()).display())
                    ]
                )
            );
            crate::outln!(
                "{}",
                tf(
                    "sync.keys.fingerprint",
                    &[("fingerprint", &keys.card()?.fingerprint())]
                )
            );
            crate::outln!("{}", t("sync.keys.phone_hint"));
            Ok(())
        }
        KeysCommand::Show { json } => show(&store, &keys_of(&store)?, *json),
        KeysCommand::Export { output } => {
            let output = &in_folder(
                output,
                format!("{}.card", store.office()),
                "sync.keys.nothing_written",
            )?;
            let card = keys_of(&store)?.card()?;
            write_atomically(output, card.to_text()?.as_bytes())?;
            crate::outln!(
                "{}",
                tf(
                    "sync.keys.exported",
                    &[
                        ("file", &absolute(output).display()),
                        ("fingerprint", &card.fingerprint())
                    ]
                )
            );
            Ok(())
        }
        KeysCommand::Trust {
            file,
            fingerprint,
            replace,
        } => trust_file(&store, file, fingerprint.as_deref(), *replace),
        KeysCommand::List { json } => list(&store, *json),
        KeysCommand::Revoke {
            office,
            yes,
            replaced: true,
        } => {
            let office = resolve(office)?;
            if store.peer(&office)?.is_none() {
                let unknown = trust::TrustError::UnknownPeer {
                    office: office.clone(),
                };
                return Err(user_error(unknown.to_string()));
            }
            let count = store.replaced_keys(&office)?.len();
            let revoked = store.revoked_keys(&office)?.len();
            let key = match (count, *yes) {
                (0, _) if revoked > 0 => "sync.keys.replaced_already_revoked",
                (0, _) => "sync.keys.none_replaced",
                (_, false) => "sync.keys.revoke_replaced_confirm",
                (_, true) => {
                    store.revoke_replaced(&office)?;
                    crate::sync::import::recheck_held(&store, &keys_of(&store)?)?;
                    "sync.keys.revoked_replaced"
                }
            };
            let said = tf(
                key,
                &[
                    ("office", &name(&office)),
                    ("count", &count),
                    ("revoked", &revoked),
                ],
            );
            if count > 0 && !yes {
                return Err(user_error(said));
            }
            crate::outln!("{said}");
            Ok(())
        }
        KeysCommand::Revoke { office, yes, .. } => {
            let office = resolve(office)?;
            if let Some(peer) = store.peer(&office)?.filter(|peer| peer.is_revoked()) {
                crate::outln!(
                    "{}",
                    tf(
                        "sync.keys.already_revoked",
                        &[("office", &name(&office)), ("epoch", &peer.card.body.epoch)]
                    )
                );
                return Ok(());
            }
            if !yes {
                let peer = store.peer(&office)?.ok_or_else(|| {
                    user_error(
                        trust::TrustError::UnknownPeer {
                            office: office.clone(),
                        }
                        .to_string(),
                    )
                })?;
                return Err(user_error(tf(
                    "sync.keys.revoke_confirm",
                    &[("office", &name(&office)), ("epoch", &peer.card.body.epoch)],
                )));
            }
            let peer = trust::revoke(&store, &office)?;
            crate::outln!(
                "{}",
                tf(
                    "sync.keys.revoked",
                    &[("office", &name(&office)), ("epoch", &peer.card.body.epoch)]
                )
            );
            let moved = crate::sync::import::recheck_held(&store, &keys_of(&store)?)?;
            if moved > 0 {
                crate::outln!("{}", tf("sync.keys.held_quarantined", &[("count", &moved)]));
            }
            Ok(())
        }
        KeysCommand::Rotate { output } => {
            let next = keys_of(&store)?.epoch() + 1;
            let output = &in_folder(
                output,
                format!("{}-{next}.card", store.office()),
                "sync.keys.not_rotated",
            )?;
            let (keys, certificate) = rotation::rotate(&store)?;
            write_atomically(output, certificate.to_text()?.as_bytes())?;
            crate::outln!(
                "{}",
                tf(
                    "sync.rotation.done",
                    &[
                        ("epoch", &keys.epoch()),
                        ("file", &absolute(output).display()),
                        (
                            "kept",
                            &keys_dir(store.dir())
                                .join(rotation::CERTIFICATE_FILE)
                                .display()
                        ),
                        ("fingerprint", &certificate.card.fingerprint())
                    ]
                )
            );
            Ok(())
        }
        KeysCommand::Roster { output } => {
            let output = &in_folder(
                output,
                format!("{}-roster.toml", store.office()),
                "sync.keys.nothing_written",
            )?;
            let roster = trust::make_roster(&store, &keys_of(&store)?)?;
            write_atomically(output, roster.to_text()?.as_bytes())?;
            crate::outln!(
                "{}",
                tf(
                    "sync.keys.roster_written",
                    &[
                        ("file", &absolute(output).display()),
                        ("count", &roster.body.cards.len()),
                        ("version", &roster.body.version)
                    ]
                )
            );
            Ok(())
        }
    }
}

/// Where a card or roster goes: `output`, or in an existing folder (a stick) `name`, named by
/// this office's code as bundles are, for every stick and code page. A place that cannot be
/// written is refused before anything is made: `nothing_done` says what did not happen (a
/// rotation must not happen without its card written).
fn in_folder(output: &Path, name: String, nothing_done: &str) -> Result<PathBuf> {
    let has_extension = |path: &Path| path.extension().is_some();
    let (key, path) = match place_of(output, has_extension) {
        Ok(Place::Folder) => return Ok(output.join(name)),
        Ok(Place::File) => return Ok(output.to_path_buf()),
        Err(PlaceError::NoFolder(path)) => ("sync.keys.no_folder", path),
        Err(PlaceError::NotAFileName(path)) => ("sync.keys.not_a_file_name", path),
    };
    Err(user_error(tf(
        key,
        &[("path", &path), ("nothing", &t(nothing_done))],
    )))
}
