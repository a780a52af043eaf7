//! A joint session's counts for its host and co-host: counted here by the unit that keeps each
//! part of the list, and sent down with the next bundle when they changed.

use std::collections::BTreeMap;

use color_eyre::eyre::Result;

use crate::log::apply::{Attendances, Enrolments};
use crate::log::{Payload, SessionTally};
use crate::store::lists;
use crate::store::Store;

/// Counts this office's joint sessions again and records the counts that changed, so the next
/// bundle down carries them to the host and the co-host. Returns how many changed.
pub fn refresh(store: &Store) -> Result<usize> {
    let mut payloads = Vec::new();
    for session in store.sessions()? {
        let joint = session.host != session.office
            || session.cohost.is_some()
            || session.units.iter().any(|u| *u != session.office);
        if session.office != store.office() || !joint {
            continue;
        }
        let counted = count(store, &session.id)?;
        let sent = lists::tally(store, &session.id)?.map(|(t, _)| t);
        let nothing_yet = counted.enrolled == 0 && sent.is_none();
        if sent.as_ref() != Some(&counted) && !nothing_yet {
            payloads.push(Payload::SessionTallied {
                session: session.id.clone(),
                tally: counted,
            });
        }
    }
    let changed = payloads.len();
    store.commit(payloads)?;
    Ok(changed)
}

/// A joint session's counts by the unit that keeps each part of its list, from this store's own
/// copy of every unit's entries.
fn count(store: &Store, session: &str) -> Result<SessionTally> {
    let mut by_unit: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for (_, stored) in store.scan::<Enrolments>(&format!("n/{session}/"))? {
        for office in stored.value.by() {
            by_unit.entry(office.to_string()).or_default().0 += 1;
        }
    }
    for (_, stored) in store.scan::<Attendances>(&format!("a/{session}/"))? {
        for (office, _) in stored.value.by() {
            by_unit.entry(office.to_string()).or_default().1 += 1;
        }
    }
    Ok(SessionTally {
        enrolled: lists::enrolled_count(store, session)?,
        present: lists::present_count(store, session)?,
        by_unit: by_unit
            .into_iter()
            .map(|(unit, (enrolled, present))| (unit, enrolled, present))
            .collect(),
    })
}
