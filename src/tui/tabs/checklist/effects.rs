//! Running what the plan screen asks for: through `app::plans`, as `peixun plan` does, then the
//! plan read again so the screen shows what was written.

use super::plan::{PlanEffect, PlanScreen};
use super::publicity::{PublicityEffect, PublicityScreen};
use crate::app::{plans, publicity, Outcome, Refusal};
use crate::i18n::tf;
use crate::store::Store;
use crate::tui::action::Action;
use crate::tui::app::State;

/// Carries out the publicity screen's `effect` and reads the unit's publicity again.
pub fn run_publicity(
    store: &Store,
    state: &mut State,
    effect: PublicityEffect,
) -> Outcome<Option<String>> {
    let (unit, message) = match effect {
        PublicityEffect::Open { unit } => (unit, None),
        PublicityEffect::Add {
            title,
            outlet,
            on,
            session,
            link,
            file,
        } => {
            let input = publicity::PublicityInput {
                title: &title,
                outlet: &outlet,
                on,
                session: session.as_deref(),
                link: &link,
                file: file.as_deref(),
            };
            let now = state.today.and_time(state.clock.time());
            let item = publicity::add(store, &input, now)?;
            let text = tf(
                "cli.publicity.added",
                &[("id", &item.id), ("title", &item.title)],
            );
            (store.office().to_string(), Some(text))
        }
    };
    let rows: Vec<_> = publicity::list(store)?
        .into_iter()
        .filter(|r| r.item.unit == unit)
        .collect();
    let selected = state.checklist.publicity.as_ref().map_or(0, |s| s.selected);
    state.checklist.publicity = Some(PublicityScreen {
        unit_name: crate::campaign::unit_name(&unit),
        own: unit == store.office(),
        selected: selected.min(rows.len().saturating_sub(1)),
        rows,
        unit,
    });
    Ok(message)
}

/// Carries out `effect`; the message for the status line when something was written.
pub fn run(store: &Store, state: &mut State, effect: PlanEffect) -> Outcome<Option<String>> {
    let (unit, message) = match effect {
        PlanEffect::Open { unit } => (unit, None),
        PlanEffect::Add(input) => {
            let (number, plan) = plans::add(store, &input)?;
            (
                store.office().to_string(),
                Some(with_resubmit(
                    state,
                    plans::added_message(number, &plan),
                    plan.revised,
                )),
            )
        }
        PlanEffect::Edit { number, input } => {
            let edited = plans::edit(store, number, &input)?;
            let revised = edited.plan.revised && !edited.unchanged;
            (
                store.office().to_string(),
                Some(with_resubmit(state, edited.message(), revised)),
            )
        }
        PlanEffect::Remove { number } => {
            let (class, plan) = plans::remove(store, number)?;
            let text = plans::removed_message(number, &class, &plan);
            (
                store.office().to_string(),
                Some(with_resubmit(state, text, plan.revised)),
            )
        }
        PlanEffect::Submit => {
            let submitted = plans::submit(store, state.today)?;
            (
                store.office().to_string(),
                Some(submitted.message(store.office())),
            )
        }
    };
    let rows = plans::overview(store, Some(&unit), state.today)?;
    let plan = rows
        .into_iter()
        .find(|row| row.unit == unit)
        .ok_or_else(|| Refusal::said(crate::i18n::t("tui.plan.none")))?;
    match &mut state.checklist.plan {
        Some(screen) if screen.plan.unit == unit => screen.replace(plan),
        screen => {
            *screen = Some(PlanScreen {
                own: unit == store.office(),
                plan,
                selected: 0,
            })
        }
    }
    Ok(message)
}

/// A reported plan changed: the city holds the reported one until it is reported again.
fn with_resubmit(state: &State, text: String, revised: bool) -> String {
    if revised {
        let key = state.keymap.hint(Action::MarkDone).unwrap_or_default();
        format!("{text}{}", tf("tui.plan.resubmit", &[("key", &key)]))
    } else {
        text
    }
}
