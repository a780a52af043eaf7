//! The 认证 tab's store work, run by `effects::run`: reading the pipeline into the tab.

use color_eyre::eyre::Result;

use super::{CityRow, PersonRow};
use crate::campaign::unit_name;
use crate::cert::kept::{self, Summary};
use crate::cert::Rules;
use crate::store::Store;
use crate::tui::action::Effect;
use crate::tui::app::State;
use crate::tui::list_filter::person_keys;

/// What a read of the whole book brings the tab: every city's counts, the people of the city
/// that was open when it began, and the rules' note.
pub struct CertRead {
    pub open: Option<String>,
    cities: Vec<CityRow>,
    people: Vec<PersonRow>,
    rules_note: String,
}

/// Reads every city's counts and the people of `open`: owned work, for a worker. The counts
/// alone come from the kept summary while the log has not moved (`cert::kept`).
pub fn read(store: &Store, open: Option<String>) -> Result<CertRead> {
    let rules = Rules::load()?;
    let mut people = Vec::new();
    let summary = match &open {
        None => kept::summary(store, &rules)?,
        Some(city) => {
            let mark = store.quiet();
            let key = kept::key(store, &rules)?;
            let mut summary = Summary::default();
            store.each_cert_person(&rules, |c| {
                summary.add(&c);
                if c.status.stage().is_none() || &c.city != city {
                    return Ok(());
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
                    id: c.person.id,
                });
                Ok(())
            })?;
            summary.finish();
            kept::keep(store, &rules, &key, mark, &summary);
            summary
        }
    };
    let cities: Vec<CityRow> = summary
        .cities
        .into_iter()
        .map(|c| CityRow {
            name: unit_name(&c.city),
            counts: c.counts.map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
            city: c.city,
        })
        .collect();
    // Furthest along first, so the certified and the makeups head each city's list.
    people.sort_by(|a, b| {
        (&a.city, std::cmp::Reverse(a.stage), &a.unit, &a.name).cmp(&(
            &b.city,
            std::cmp::Reverse(b.stage),
            &b.unit,
            &b.name,
        ))
    });
    let defaults = rules.source.values().filter(|s| !s.given).count();
    let rules_note = crate::i18n::tf(
        "cert.tab.rules_note",
        &[
            ("minutes", &rules.online_minutes),
            ("threshold", &rules.threshold),
            ("exam", &rules.exam_pass),
            ("practical", &rules.practical_pass),
            ("defaults", &defaults),
        ],
    );
    Ok(CertRead {
        open,
        cities,
        people,
        rules_note,
    })
}

/// Puts a read on screen. The counts are everyone's whichever city was open; the people only
/// if the city open now is the one read. `Some` asks for the city opened meanwhile, or, on
/// screen, for a read after a change made while this one ran (shown meanwhile: a door busier
/// than a read is long must not keep the tab reading).
pub fn apply(state: &mut State, read: CertRead) -> Option<Effect> {
    let on_screen = state.tab == crate::tui::app::Tab::Cert;
    let cert = &mut state.cert;
    cert.reading = false;
    cert.failed = None;
    cert.cities = read.cities;
    cert.rules_note = read.rules_note;
    if cert.open == read.open {
        cert.people = read.people;
    } else {
        cert.people.clear();
        if cert.open.is_some() {
            return Some(Effect::LoadCert);
        }
    }
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
    (on_screen && cert.stale).then_some(Effect::LoadCert)
}

/// Reads the whole history of `person` for the tab's detail.
pub fn history(store: &Store, state: &mut State, person: &str) -> Result<()> {
    let rules = Rules::load()?;
    state.cert.history = Some(crate::cert::history::of_person(store, &rules, person)?);
    Ok(())
}
