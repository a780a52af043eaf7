//! The 企业 tab's store work, run by `effects::run`: reading the enterprises, recording an
//! outreach status through `app::outreach`, as `peixun outreach set` does.

use super::OutreachEffect;
use crate::app::needs;
use crate::app::outreach::{self, CallFilter};
use crate::app::Outcome;
use crate::domain::text::mask_phone;
use crate::i18n::tf;
use crate::store::Store;
use crate::tui::app::State;

/// Carries out `effect`; the message for the status line when something was written.
pub fn run(store: &Store, state: &mut State, effect: OutreachEffect) -> Outcome<Option<String>> {
    let message = match effect {
        OutreachEffect::Load => None,
        OutreachEffect::Record {
            enterprise,
            status,
            on,
            note,
        } => {
            let (e, outreach, written) = outreach::record(store, &enterprise, status, on, &note)?;
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
            let need = needs::add(store, &enterprise, &service, on, &note)?;
            Some(tf(
                "cli.need.added",
                &[
                    ("id", &need.id),
                    ("service", &needs::service_title(need.service)),
                ],
            ))
        }
        OutreachEffect::Answer { need, on, note } => {
            let row = needs::answer(store, &need, on, &note)?;
            Some(tf(
                "cli.need.answered",
                &[("id", &row.need.id), ("enterprise", &row.enterprise_name)],
            ))
        }
    };
    // A need recorded at the door must not make the door wait for the enterprises' list.
    if state.tab == crate::tui::app::Tab::Outreach {
        load(store, state)?;
    } else {
        state.outreach.stale = true;
    }
    Ok(message)
}

/// Reads the enterprises and the needs into the tab.
pub fn load(store: &Store, state: &mut State) -> Outcome<()> {
    let rows = outreach::rows_keeping(store, CallFilter::default(), |p| {
        format!("{} {}", p.name, mask_phone(&p.phone))
    })?;
    state.outreach.needs = needs::list(store, false)?;
    state.outreach.replace(rows);
    Ok(())
}
