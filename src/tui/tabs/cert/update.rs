//! Keys on the 认证 tab: cities, a city's people with their filter, a person's history.

use super::CertState;
use crate::tui::action::{Action, Effect};
use crate::tui::app::Hint;
use crate::tui::list_filter::filter_key;
use crate::tui::list_filter::Filter;
use crate::tui::tabs::step_selection;

/// Entering the tab reads the pipeline the first time, and again after a change.
pub fn entered(c: &CertState) -> Option<Effect> {
    c.wants_read().then_some(Effect::LoadCert)
}

pub fn update(c: &mut CertState, action: Action) -> Option<Effect> {
    if !c.loaded {
        // While a city is read, Esc goes back to the counts already held; the read brings
        // them again anyway.
        if action == Action::Back && c.open.is_some() {
            c.open = None;
            c.detail = false;
            c.people.clear();
            c.loaded = !c.cities.is_empty();
        }
        return entered(c);
    }
    if c.detail {
        // Only the key the footer names goes back: an Enter pressed twice stays on the record.
        if action == Action::Back {
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
            Action::Back => {
                c.open = None;
                c.people.clear();
            }
            Action::Open if len > 0 => {
                c.detail = true;
                c.history = None;
                let person = c.listed().get(c.person).map(|p| p.id.clone())?;
                return Some(Effect::CertHistory { person });
            }
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
                // Only the open city's people are held: a province has hundreds of thousands.
                c.people.clear();
                c.loaded = false;
                return Some(Effect::LoadCert);
            }
        }
        _ => {
            step_selection(&mut c.row, c.cities.len(), action);
        }
    }
    None
}

pub fn hints(c: &CertState) -> Vec<Hint> {
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
