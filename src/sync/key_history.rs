//! What this office remembers of another office's keys besides the card it trusts: the earlier
//! generations a rotation replaced (they still verify what they signed before it) and where each
//! stopped, the keys a coordinator replaced after a phone call (the same, up to the replacement),
//! and the keys it revoked, which stay refused whatever generation a card names.

use color_eyre::eyre::{Result, WrapErr};
use serde::{Deserialize, Serialize};

use super::ledger::{forget_install, get, offered_key, peer_key};
use super::rotation::RotationPoint;
use super::trust::Peer;
use crate::store::Store;

const PREVIOUS_KEY: &[u8] = b"prevkey/";
const ROTATION_POINT: &[u8] = b"rotpoint/";
const REVOKED_KEY: &[u8] = b"revkey/";
const REPLACED_KEY: &[u8] = b"replaced/";

/// A key an office signed with before this office trusted others in its place: what it signed
/// up to `point` still verifies, so records taken in before the office started afresh still
/// travel on; nothing it signs after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplacedKey {
    pub epoch: u32,
    pub key: [u8; 32],
    pub point: RotationPoint,
}

/// The records of one office under `prefix`; the slash keeps 4207 apart from 420704.
fn of_office(prefix: &[u8], office: &str) -> Vec<u8> {
    [prefix, office.as_bytes(), b"/"].concat()
}

fn by_generation(prefix: &[u8], office: &str, epoch: u32) -> Vec<u8> {
    [of_office(prefix, office), epoch.to_be_bytes().to_vec()].concat()
}

impl Store {
    /// The verifying key `office` signed with at an earlier `epoch`, if a rotation kept it.
    pub fn previous_key(&self, office: &str, epoch: u32) -> Result<Option<[u8; 32]>> {
        get(
            &self.sync_tree()?,
            &by_generation(PREVIOUS_KEY, office, epoch),
        )
    }

    /// Every earlier generation's key kept for `office`, by generation.
    pub fn previous_keys(&self, office: &str) -> Result<Vec<(u32, [u8; 32])>> {
        let prefix = of_office(PREVIOUS_KEY, office);
        let mut keys = Vec::new();
        for entry in self.sync_tree()?.scan_prefix(&prefix) {
            let (k, v) = entry?;
            let epoch = k[prefix.len()..]
                .try_into()
                .map(u32::from_be_bytes)
                .map_err(|_| color_eyre::eyre::eyre!("sync record is damaged"))?;
            let key: [u8; 32] = postcard::from_bytes(&v).wrap_err("sync record is damaged")?;
            keys.push((epoch, key));
        }
        Ok(keys)
    }

    /// Where `office`'s generation `epoch` stops, when a rotation away from it was accepted.
    pub fn rotation_point(&self, office: &str, epoch: u32) -> Result<Option<RotationPoint>> {
        get(
            &self.sync_tree()?,
            &by_generation(ROTATION_POINT, office, epoch),
        )
    }

    /// The keys this office revoked for `office`.
    pub fn revoked_keys(&self, office: &str) -> Result<Vec<[u8; 32]>> {
        let prefix = of_office(REVOKED_KEY, office);
        let mut keys = Vec::new();
        for entry in self.sync_tree()?.scan_prefix(&prefix) {
            let (k, _) = entry?;
            if let Ok(key) = k[prefix.len()..].try_into() {
                keys.push(key);
            }
        }
        Ok(keys)
    }

    /// Whether `key` is one this office revoked for `office`.
    pub fn is_revoked_key(&self, office: &str, key: &[u8; 32]) -> Result<bool> {
        let k = [of_office(REVOKED_KEY, office), key.to_vec()].concat();
        Ok(self.sync_tree()?.contains_key(k)?)
    }

    /// The keys `office` signed with before this office replaced them.
    pub fn replaced_keys(&self, office: &str) -> Result<Vec<ReplacedKey>> {
        let mut keys = Vec::new();
        for entry in self
            .sync_tree()?
            .scan_prefix(of_office(REPLACED_KEY, office))
        {
            let (_, v) = entry?;
            keys.push(postcard::from_bytes(&v).wrap_err("sync record is damaged")?);
        }
        Ok(keys)
    }

    /// Writes `peer` with `revoked` keys remembered by key, in one write. The keys replaced
    /// for its office go too, revoked with them: a revoked office's past keys sign nothing more.
    pub fn put_peer_revoking(&self, peer: &Peer, revoked: &[[u8; 32]]) -> Result<()> {
        let mut revoked = revoked.to_vec();
        revoked.extend(self.replaced_keys(peer.office())?.iter().map(|old| old.key));
        self.write_peer(peer, &revoked, None)
    }

    /// Revokes the keys replaced for `office` (an impostor's, trusted by mistake, found out after
    /// the real office was confirmed), leaving the keys it is trusted with. Returns how many.
    pub fn revoke_replaced(&self, office: &str) -> Result<usize> {
        let mut batch = sled::Batch::default();
        let replaced = self.replaced_keys(office)?;
        for old in &replaced {
            batch.remove([of_office(REPLACED_KEY, office), old.key.to_vec()].concat());
            batch.insert(
                [of_office(REVOKED_KEY, office), old.key.to_vec()].concat(),
                postcard::to_stdvec(&super::now_ms())?,
            );
        }
        self.sync_apply(batch)?;
        Ok(replaced.len())
    }

    /// Takes in `peer`'s rotation in one write: its generation `old_epoch`'s key is kept to
    /// `point`, and a card a roster offered for it is forgotten.
    pub fn rotate_peer(
        &self,
        peer: &Peer,
        (old_epoch, old_key): (u32, [u8; 32]),
        point: &RotationPoint,
    ) -> Result<()> {
        let office = peer.office();
        let mut batch = sled::Batch::default();
        batch.insert(
            by_generation(PREVIOUS_KEY, office, old_epoch),
            postcard::to_stdvec(&old_key)?,
        );
        batch.insert(
            by_generation(ROTATION_POINT, office, old_epoch),
            postcard::to_stdvec(point)?,
        );
        batch.remove(offered_key(office));
        batch.insert(peer_key(office), postcard::to_stdvec(peer)?);
        self.sync_apply(batch)
    }

    /// Trusts `peer` in place of the keys held for its office. In the same write the earlier
    /// generations' keys and stopping points go, as the keys they verify with are no generation
    /// of the new card's; the keys `replaced` are kept to their stopping points, and `revoked`
    /// ones remembered, never to come back.
    pub fn replace_peer(
        &self,
        peer: &Peer,
        revoked: &[[u8; 32]],
        replaced: &[ReplacedKey],
    ) -> Result<()> {
        self.write_peer(peer, revoked, Some(replaced))
    }

    fn write_peer(
        &self,
        peer: &Peer,
        revoked: &[[u8; 32]],
        replaced: Option<&[ReplacedKey]>,
    ) -> Result<()> {
        let tree = self.sync_tree()?;
        let office = peer.office();
        let mut batch = sled::Batch::default();
        if let Some(replaced) = replaced {
            for prefix in [PREVIOUS_KEY, ROTATION_POINT] {
                for entry in tree.scan_prefix(of_office(prefix, office)) {
                    batch.remove(entry?.0);
                }
            }
            for old in replaced {
                let k = [of_office(REPLACED_KEY, office), old.key.to_vec()].concat();
                batch.insert(k, postcard::to_stdvec(old)?);
            }
            forget_install(&tree, &mut batch, office)?;
            batch.remove(offered_key(office));
            // Trusted again (the real office after an impostor), a key is no longer replaced.
            let new = [
                of_office(REPLACED_KEY, office),
                peer.card.body.sign_key.to_vec(),
            ]
            .concat();
            batch.remove(new);
        }
        // A revoked key is no longer a replaced one: replaced keys still verify what they
        // signed before the replacement, and a revoked office's keys verify nothing.
        for key in revoked {
            let k = [of_office(REVOKED_KEY, office), key.to_vec()].concat();
            batch.insert(k, postcard::to_stdvec(&super::now_ms())?);
            batch.remove([of_office(REPLACED_KEY, office), key.to_vec()].concat());
        }
        batch.insert(peer_key(office), postcard::to_stdvec(peer)?);
        self.sync_apply(batch)
    }
}
