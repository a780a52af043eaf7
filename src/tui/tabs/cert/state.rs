//! What the 认证 tab holds: counts per city by stage, a city's people and the person opened.

use crate::cert::{Outcome, Stage};
use crate::tui::list_filter::Filter;

/// One city's counts, a column per stage (everyone who got at least that far).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CityRow {
    pub city: String,
    pub name: String,
    pub counts: [usize; 5],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonRow {
    pub name: String,
    pub unit: String,
    pub city: String,
    pub stage: Option<Stage>,
    pub outcome: Outcome,
    pub certificate: Option<String>,
    pub id: String,
    /// What `/` finds them by (`list_filter::person_keys`).
    pub keys: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertState {
    /// What is held fits what is open (read on first entering the tab and when a city is
    /// opened); the tab says it is reading while this is false.
    pub loaded: bool,
    /// The store changed since the read on screen (or the one running) began: the tab keeps
    /// showing it and reads again, so a busy door never leaves it reading for good.
    pub stale: bool,
    /// A read is running on a worker: no second one is asked for meanwhile.
    pub reading: bool,
    /// The last read failed, with why: said on the tab instead of a reading line that never ends.
    pub failed: Option<String>,
    pub cities: Vec<CityRow>,
    /// The people of the open city, read when it is opened.
    pub people: Vec<PersonRow>,
    pub row: usize,
    /// The city whose people are listed.
    pub open: Option<String>,
    pub person: usize,
    /// Showing the selected person's history.
    pub detail: bool,
    /// The opened person's whole history, one line per fact: read when opened, not kept for
    /// every person (60 MB at province); `None` while it is being read.
    pub history: Option<Vec<String>>,
    /// Narrows the open city's people: a city has thousands.
    pub filter: Filter,
    /// Under the table: which numbers the rules use are the province's defaults, not the seed's.
    pub rules_note: String,
}

impl CertState {
    /// The store changed: read again when next shown, and a read running now does not count.
    pub fn mark_stale(&mut self) {
        self.stale = true;
    }

    /// Whether showing the tab should start a read: nothing fits what is open, or the store
    /// changed since; never a second one while one runs.
    pub fn wants_read(&self) -> bool {
        (!self.loaded || self.stale) && !self.reading
    }

    /// The people of the open city, in list order.
    pub fn listed(&self) -> Vec<&PersonRow> {
        let matches = self.filter.matcher();
        match &self.open {
            Some(city) => self
                .people
                .iter()
                .filter(|p| &p.city == city && matches(&p.keys))
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn totals(&self) -> [usize; 5] {
        let mut total = [0; 5];
        for c in &self.cities {
            for (t, n) in total.iter_mut().zip(c.counts) {
                *t += n;
            }
        }
        total
    }
}
