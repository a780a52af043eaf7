//! The 企业 tab's store work, run by `effects::run`: reading the enterprises, recording an
//! outreach status through `app::outreach`, as `peixun outreach set` does.

use super::OutreachEffect;
use crate::app::needs;
use crate::app::outreach;
use crate::app::Outcome;
use crate::i18n::tf;
use crate::store::Store;
use crate::tui::app::State;

/// Carries out `effect`; the message for the status line when something was written.
pub fn run(store: &Store, state: &mut State, effect: OutreachEffect) -> Outcome<Option<String>> {
    let message = match effect {
        OutreachEffect::Load => {
            load(store, state)?;
            return Ok(None);
        }
        OutreachEffect::Record {
            enterprise,
            status,
            on,
            note,
        } => {
            let (e, outreach, written) =
                outreach::record(store, &enterprise, status, on, state.today, &note)?;
            state.outreach.rows.set_outreach(&e.id, outreach.clone());
            let key = if written {
                "cli.outreach.recorded"
            } else {
                "cli.outreach.unchanged"
            };
            Some(tf(
                key,
                &[
                    ("name", &e.name),
                    ("status", &outreach.status.label()),
                    ("on", &outreach.on),
                ],
            ))
        }
        OutreachEffect::AddNeed {
            enterprise,
            service,
            on,
            note,
        } => {
            let need = needs::add(store, &enterprise, &service, on, state.today, &note)?;
            Some(tf(
                "cli.need.added",
                &[
                    ("id", &need.id),
                    ("service", &needs::service_title(need.service)),
                ],
            ))
        }
        OutreachEffect::Answer {
            need,
            on,
            note,
            replace,
        } => {
            let earlier = needs::answered_on(store, &need)?;
            let row = needs::answer(store, &need, on, state.today, &note, replace)?;
            Some(needs::answered_message(&row, earlier))
        }
    };
    // One enterprise's status or the needs changed: the rows are not read again, which would
    // work out who was trained all over (seconds at ten times the province), and a need
    // recorded at the door does not wait for them either.
    if state.outreach.loaded {
        state.outreach.needs = needs::list(store, false)?;
    }
    Ok(message)
}

/// Reads the enterprises and the needs into the tab.
pub fn load(store: &Store, state: &mut State) -> Outcome<()> {
    let rows = outreach::screen_rows(store)?;
    state.outreach.needs = needs::list(store, false)?;
    state.outreach.replace(rows);
    // Worked out (not kept), the rows read every enterprise and person of the area.
    crate::heap::release_freed();
    Ok(())
}
