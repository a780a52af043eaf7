//! What the whole certification book comes to for the 认证 tab's counts and the 企业 tab's
//! trained enterprises: each city's people by stage, and who is trained. Working it out reads
//! every person and every record, and sled keeps the pages of such a read (at ten times the
//! province, 100 MB that stay); so the summary is kept in a file beside the store, under a key
//! of the log's heads, this peixun and the rules, and read back while the log has not moved.
//!
//! A summary is kept only from a read no write overlapped (`Store::quiet`): a bundle's chunks
//! move the state before the heads.

use std::io::Read;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};
use serde::{Deserialize, Serialize};

use super::book::CertPerson;
use super::{Rules, Stage};
use crate::i18n::tf;
use crate::store::Store;

const MAGIC: &[u8] = b"peixun cert summary 1\n";

/// Larger than any summary (17 cities, and a person id for each of 400,000 trained people is
/// 11 MB): a bigger file is not one of ours.
const MAX_BYTES: u64 = 64 << 20;

/// One city's people by the furthest stage each reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CityCounts {
    pub city: String,
    /// People who reached each stage, in `Stage::ALL` order.
    pub counts: [u64; 5],
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// By city code.
    pub cities: Vec<CityCounts>,
    /// Ids of the people trained (参训达标), sorted.
    pub trained: Vec<String>,
}

impl Summary {
    /// Counts one person of the book.
    pub fn add(&mut self, c: &CertPerson) {
        if c.status.trained {
            self.trained.push(c.person.id.clone());
        }
        if c.status.stage().is_none() {
            return;
        }
        let at = match self.cities.iter().position(|r| r.city == c.city) {
            Some(at) => at,
            None => {
                self.cities.push(CityCounts {
                    city: c.city.clone(),
                    counts: [0; 5],
                });
                self.cities.len() - 1
            }
        };
        for (i, stage) in Stage::ALL.into_iter().enumerate() {
            if c.status.reached(stage) {
                self.cities[at].counts[i] += 1;
            }
        }
    }

    /// Puts the cities and the trained in order, once every person is added.
    pub fn finish(&mut self) {
        self.cities.sort_by(|a, b| a.city.cmp(&b.city));
        self.trained.sort_unstable();
    }
}

fn path(dir: &Path) -> PathBuf {
    dir.join("cert-summary")
}

/// What a kept summary must have been made under: this peixun and schema, the rules, and every
/// device's head (every op changes one).
pub fn key(store: &Store, rules: &Rules) -> Result<[u8; 32]> {
    let mut hash = blake3::Hasher::new();
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    hash.update(&crate::store::SCHEMA_VERSION.to_be_bytes());
    hash.update(format!("{rules:?}").as_bytes());
    for (device, head) in store.heads()? {
        hash.update(&device.to_be_bytes());
        hash.update(&head.seq.to_be_bytes());
        hash.update(&head.hash);
    }
    Ok(*hash.finalize().as_bytes())
}

/// The summary in `bytes`, when they are a whole one kept under `key`.
fn decode(bytes: &[u8], key: &[u8; 32]) -> Option<Summary> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (kept_under, body) = rest.split_at_checked(32)?;
    if kept_under != key {
        return None;
    }
    let (check, body) = body.split_at_checked(32)?;
    if blake3::hash(body).as_bytes()[..] != *check {
        return None;
    }
    postcard::from_bytes(body).ok()
}

fn encode(summary: &Summary, key: &[u8; 32]) -> Result<Vec<u8>> {
    let body = postcard::to_stdvec(summary)?;
    let mut bytes = Vec::with_capacity(MAGIC.len() + 64 + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(blake3::hash(&body).as_bytes());
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// The summary kept in `dir` under `key`; `None` when there is none, or another's.
fn load(dir: &Path, key: &[u8; 32]) -> Option<Summary> {
    let file = std::fs::File::open(path(dir)).ok()?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES).read_to_end(&mut bytes).ok()?;
    decode(&bytes, key)
}

/// Keeps `summary`, read under `key` from `mark` on, unless a write came since. Keeping it only
/// spares the next read: a full disk costs time, not answers.
pub fn keep(store: &Store, rules: &Rules, key: &[u8; 32], mark: Option<u64>, summary: &Summary) {
    let unwritten = mark.is_some_and(|mark| store.unwritten_since(mark));
    if !unwritten || self::key(store, rules).ok().as_ref() != Some(key) {
        return;
    }
    let Ok(bytes) = encode(summary, key) else {
        return;
    };
    let Ok(mut file) = tempfile::NamedTempFile::new_in(store.dir()) else {
        return;
    };
    if std::io::Write::write_all(&mut file, &bytes).is_ok() {
        let _ = file.persist(path(store.dir()));
    }
}

/// The book's summary: kept, when the log has not moved since it was; else worked out from
/// every person and kept.
pub fn summary(store: &Store, rules: &Rules) -> Result<Summary> {
    let mark = store.quiet();
    let key = key(store, rules)?;
    if let Some(kept) = load(store.dir(), &key) {
        return Ok(kept);
    }
    let summary = worked_out(store, rules)?;
    keep(store, rules, &key, mark, &summary);
    Ok(summary)
}

/// The summary from every person of the book.
fn worked_out(store: &Store, rules: &Rules) -> Result<Summary> {
    let mut summary = Summary::default();
    store.each_cert_person(rules, |c| {
        summary.add(&c);
        Ok(())
    })?;
    summary.finish();
    Ok(summary)
}

/// Whether the summary kept under the log's present key (if any) is the one the book gives; one
/// that is not is removed, to be worked out again by the next read.
pub fn kept_is_current(store: &Store, rules: &Rules) -> Result<bool> {
    let key = key(store, rules)?;
    let Some(kept) = load(store.dir(), &key) else {
        return Ok(true);
    };
    if worked_out(store, rules)? == kept {
        return Ok(true);
    }
    std::fs::remove_file(path(store.dir()))
        .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &store.dir().display())]))?;
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn summary() -> Summary {
        Summary {
            cities: vec![CityCounts {
                city: "420700".into(),
                counts: [3, 2, 2, 1, 1],
            }],
            trained: vec!["P-1".into(), "P-2".into(), "P-3".into()],
        }
    }

    #[test]
    fn a_summary_reads_back_only_under_its_own_key_and_whole() {
        let key = [7; 32];
        let bytes = encode(&summary(), &key).unwrap();
        assert_eq!(decode(&bytes, &key), Some(summary()));
        assert_eq!(decode(&bytes, &[8; 32]), None, "another log's");
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(decode(&flipped, &key), None, "damaged");
        assert_eq!(decode(&bytes[..bytes.len() - 1], &key), None, "cut");
    }

    proptest! {
        /// Whatever a kept file holds, reading it gives a summary or nothing, never a panic.
        #[test]
        fn any_bytes_read_as_a_summary_or_nothing(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let key = [1; 32];
            let mut bytes = MAGIC.to_vec();
            bytes.extend_from_slice(&key);
            bytes.extend_from_slice(blake3::hash(&body).as_bytes());
            bytes.extend_from_slice(&body);
            let _ = decode(&bytes, &key);
            let _ = decode(&body, &key);
        }
    }
}
