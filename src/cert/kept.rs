//! What the whole certification book comes to for the 认证 tab's counts and the 企业 tab's
//! trained enterprises: each city's people by stage, and who is trained. Working it out reads
//! every person and every record, so the summary is kept beside the store (`store::kept`),
//! under the log's heads and the rules.

use color_eyre::eyre::Result;
use serde::{Deserialize, Serialize};

use super::book::CertPerson;
use super::{Rules, Stage};
use crate::store::kept::Kept;
use crate::store::Store;

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

/// The kept summary's file.
const KEPT: Kept = Kept {
    file: "cert-summary",
    magic: b"peixun cert summary 2\n",
    // Larger than any summary (17 cities, and a person id for each of 400,000 trained people
    // is 11 MB): a bigger file is not one of ours.
    max_bytes: 64 << 20,
};

/// What the summary depends on besides the log: the rules.
fn extra(rules: &Rules) -> Vec<u8> {
    format!("{rules:?}").into_bytes()
}

/// What a kept summary must have been made under (`Kept::key`).
pub fn key(store: &Store, rules: &Rules) -> Result<[u8; 32]> {
    KEPT.key(store, &extra(rules))
}

/// Keeps `summary`, read under `key` from `mark` on, unless a write came since.
pub fn keep(store: &Store, rules: &Rules, key: &[u8; 32], mark: Option<u64>, summary: &Summary) {
    KEPT.keep(store, &extra(rules), key, mark, summary);
}

/// The book's summary: kept, when the log has not moved since it was; else worked out from
/// every person and kept.
pub fn summary(store: &Store, rules: &Rules) -> Result<Summary> {
    KEPT.get_or_work_out(store, &extra(rules), || worked_out(store, rules))
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
    KEPT.kept_is_current(store, &extra(rules), || worked_out(store, rules))
}
