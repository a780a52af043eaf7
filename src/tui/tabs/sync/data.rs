//! Reading the 同步 tab's rows from the store and the machine (keys, trust, bundles sent and
//! taken in, held ranges, people to review, mounted sticks), so drawing reads nothing.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::state::{PeerRow, SyncState};
use crate::campaign::{role_label, unit_name};
use crate::i18n::{t, tf};
use crate::store::Store;
use crate::sync::status::age_days;
use crate::sync::trust::TrustSource;
use crate::sync::Keys;

/// Fills `sync` from the store, keeping the selected peer where it still exists.
pub fn load(store: &Store, sync: &mut SyncState, today: NaiveDate) -> Result<()> {
    let keys = if Keys::exists(store.dir()) {
        Keys::load(store.dir(), store.office()).ok()
    } else {
        None
    };
    match keys.as_ref().map(|k| k.card()).transpose()? {
        Some(card) => {
            sync.fingerprint = Some(card.fingerprint());
            sync.epoch = card.body.epoch;
        }
        None => sync.fingerprint = None,
    }
    let received = store.last_received()?;
    let mut peers = Vec::new();
    let mut trusted = store.peers()?;
    // Offices checked by phone are the ones sticks go to; those a roster introduced only relay.
    trusted.sort_by_key(|p| (p.source != TrustSource::Pinned, p.office().to_string()));
    for peer in trusted {
        let office = peer.office().to_string();
        let sent = store
            .last_sent(&office)?
            .map(|s| (s.link_seq, age_days(s.at_ms, today)));
        let got = received
            .get(&office)
            .map(|r| (r.link_seq, age_days(r.at_ms, today)));
        peers.push(PeerRow {
            name: unit_name(&office),
            role: role_label(&office),
            fingerprint: peer.fingerprint.clone(),
            epoch: peer.card.body.epoch,
            revoked: peer.is_revoked(),
            source: match &peer.source {
                TrustSource::Pinned => t("sync.source.pinned"),
                TrustSource::Roster { signer, version } => tf(
                    "sync.source.roster",
                    &[("signer", &unit_name(signer)), ("version", version)],
                ),
            },
            sent,
            received: got,
            office,
        });
    }
    let selected = sync.selected_peer().map(|p| p.office.clone());
    sync.peers = peers;
    sync.selected = selected
        .and_then(|o| sync.peers.iter().position(|p| p.office == o))
        .unwrap_or(0)
        .min(sync.peers.len().saturating_sub(1));
    let now = crate::log::hlc::now_ms();
    let held = crate::sync::attention::attention(store, now)?
        .into_iter()
        .map(|item| item.text)
        .collect();
    sync.held = held;
    let generation = store.derived_generation(crate::store::derived::DerivedFile::Search)?;
    if sync.review_generation != Some(generation) {
        sync.review = crate::sync::ledger::review(store, store.office())?;
        sync.review_generation = Some(generation);
        // The review reads everyone below the office to list a few: give back what it held.
        crate::heap::release_freed();
    }
    Ok(())
}

/// Mounted removable media, as the forms offer them.
pub fn media() -> Vec<String> {
    crate::sync::media::removable_media()
        .into_iter()
        .map(|p| p.display().to_string())
        .collect()
}
