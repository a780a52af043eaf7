//! 认证: the certification pipeline as columns (trained -> candidate -> examined -> makeup ->
//! certified) with counts per city; Enter opens a city's people, Enter again a person's whole
//! history. Read-only: the chain's changes are the province's commands (`peixun cert`).

use std::collections::HashMap;

use color_eyre::eyre::Result;

use super::list_filter::{person_keys, Filter};
use super::sessions::filter_key;
use super::step_selection;
use crate::campaign::unit_name;
use crate::cert::{Outcome, Rules, Stage};
use crate::store::Store;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, State};

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
    /// The whole history, one line per fact, read with the rest so drawing needs no store.
    pub history: Vec<String>,
    /// What `/` finds them by (`list_filter::person_keys`).
    pub keys: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertState {
    /// Read on first entering the tab, then after every change.
    pub loaded: bool,
    pub cities: Vec<CityRow>,
    pub people: Vec<PersonRow>,
    pub row: usize,
    /// The city whose people are listed.
    pub open: Option<String>,
    pub person: usize,
    /// Showing the selected person's history.
    pub detail: bool,
    /// Narrows the open city's people: a city has thousands.
    pub filter: Filter,
}

impl CertState {
    /// The people of the open city, in list order.
    pub fn listed(&self) -> Vec<&PersonRow> {
        match &self.open {
            Some(city) => self
                .people
                .iter()
                .filter(|p| &p.city == city && self.filter.matches(&p.keys))
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

/// Reads the pipeline from the store into the tab.
pub fn load(store: &Store, state: &mut State) -> Result<()> {
    let rules = Rules::load()?;
    let book = store.cert_book(&rules)?;
    let mut titles = HashMap::new();
    for s in store.sessions()? {
        titles.insert(s.id, s.title);
    }
    let mut cities: Vec<CityRow> = Vec::new();
    let mut people = Vec::new();
    for c in &book {
        if c.status.stage().is_none() {
            continue;
        }
        let row = match cities.iter_mut().find(|r| r.city == c.city) {
            Some(row) => row,
            None => {
                cities.push(CityRow {
                    city: c.city.clone(),
                    name: unit_name(&c.city),
                    counts: [0; 5],
                });
                let last = cities.len() - 1;
                &mut cities[last]
            }
        };
        for (i, stage) in Stage::ALL.into_iter().enumerate() {
            if c.status.reached(stage) {
                row.counts[i] += 1;
            }
        }
        let unit = unit_name(&c.unit);
        let certificate = c.status.certificate.clone().unwrap_or_default();
        people.push(PersonRow {
            keys: person_keys(&c.person.name, &unit, &[&certificate]),
            name: c.person.name.clone(),
            unit,
            city: c.city.clone(),
            stage: c.status.stage(),
            outcome: c.status.outcome,
            certificate: c.status.certificate.clone(),
            history: crate::cert::history::lines(c, &titles, &rules),
        });
    }
    // Furthest along first, so the certified and the makeups head each city's list.
    people.sort_by(|a, b| {
        (&a.city, std::cmp::Reverse(a.stage), &a.unit, &a.name).cmp(&(
            &b.city,
            std::cmp::Reverse(b.stage),
            &b.unit,
            &b.name,
        ))
    });
    let cert = &mut state.cert;
    cert.cities = cities;
    cert.people = people;
    cert.loaded = true;
    cert.row = cert.row.min(cert.cities.len().saturating_sub(1));
    if cert
        .open
        .as_ref()
        .is_some_and(|o| !cert.cities.iter().any(|c| &c.city == o))
    {
        cert.open = None;
        cert.detail = false;
    }
    cert.person = cert.person.min(cert.listed().len().saturating_sub(1));
    Ok(())
}

/// Entering the tab reads the pipeline the first time.
pub fn entered(state: &State) -> Option<Effect> {
    (!state.cert.loaded).then_some(Effect::LoadCert)
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    let c = &mut state.cert;
    if !c.loaded {
        return entered(state);
    }
    if c.detail {
        if matches!(action, Action::Back | Action::Open) {
            c.detail = false;
        }
        return None;
    }
    if c.open.is_some() {
        if filter_key(&mut c.filter, &mut c.person, action) {
            return None;
        }
        let len = c.listed().len();
        match action {
            Action::Filter => c.filter.editing = true,
            Action::Back if c.filter.is_active() => {
                c.filter = Filter::default();
                c.person = 0;
            }
            Action::Back => c.open = None,
            Action::Open if len > 0 => c.detail = true,
            _ => {
                step_selection(&mut c.person, len, action);
            }
        }
        return None;
    }
    match action {
        Action::Open => {
            if let Some(city) = c.cities.get(c.row) {
                c.open = Some(city.city.clone());
                c.person = 0;
                c.filter = Filter::default();
            }
        }
        _ => {
            step_selection(&mut c.row, c.cities.len(), action);
        }
    }
    None
}

pub fn hints(state: &State) -> Vec<Hint> {
    let c = &state.cert;
    if c.detail {
        vec![(Action::Back, "back")]
    } else if c.filter.editing {
        vec![
            (Action::Open, "keep_filter"),
            (Action::Back, "clear_filter"),
        ]
    } else if c.open.is_some() {
        vec![
            (Action::Open, "history"),
            (Action::Back, "back"),
            (Action::Filter, "filter"),
        ]
    } else {
        vec![(Action::Open, "open")]
    }
}
