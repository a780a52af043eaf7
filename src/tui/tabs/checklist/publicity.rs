//! The publicity behind the `county.publicity` item (宣传报道等, 附件5) and the city's
//! `city.publicity` (宣传报道, 方案 二（二）6): Enter on that item lists the
//! unit's reports (outlet, date, title, the class covered); the unit adds one with `a`, as
//! `peixun publicity add` does; a city or the province reads a unit's from its grid. Enter again
//! shows the item's trail.

use chrono::NaiveDate;

use super::ChecklistState;
use crate::app::publicity::PublicityRow;
use crate::domain::input::{FieldError, FieldErrors};
use crate::i18n::tf;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay};
use crate::tui::context::Ctx;
use crate::tui::forms::{Field, Form, FormKind};

pub use crate::app::publicity::is_publicity_item;

/// The publicity on screen: one unit's, newest first, with the item the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicityScreen {
    pub unit: String,
    pub unit_name: String,
    /// This office's own: it may add.
    pub own: bool,
    pub rows: Vec<PublicityRow>,
    pub selected: usize,
}

/// What the publicity screen asks `effects::run` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicityEffect {
    Open {
        unit: String,
    },
    Add {
        title: String,
        outlet: String,
        on: NaiveDate,
        session: Option<String>,
        link: String,
        /// The cutting itself, when a path was given.
        file: Option<std::path::PathBuf>,
    },
}

pub fn update(c: &mut ChecklistState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    let screen = c.publicity.as_mut()?;
    let last = screen.rows.len().saturating_sub(1);
    match action {
        Action::Back => c.publicity = None,
        Action::Open => {
            let unit = screen.unit.clone();
            c.publicity = None;
            let item = crate::campaign::campaign()
                .checklist_for(&unit)
                .into_iter()
                .find(|def| is_publicity_item(&def.id))?
                .id
                .clone();
            return Some(Effect::ItemHistory { unit, item });
        }
        Action::Up => screen.selected = screen.selected.saturating_sub(1),
        Action::Down => screen.selected = (screen.selected + 1).min(last),
        Action::Add if !screen.own => {
            let unit = screen.unit_name.clone();
            ctx.error(tf("tui.publicity.not_owner", &[("unit", &unit)]));
        }
        Action::Add => ctx.open(Overlay::Form(form(ctx.today))),
        _ => {}
    }
    None
}

pub fn hints(screen: &PublicityScreen) -> Vec<Hint> {
    let mut out = vec![(Action::Back, "back"), (Action::Open, "history")];
    if screen.own {
        out.push((Action::Add, "add_publicity"));
    }
    out
}

fn form(today: NaiveDate) -> Form {
    let mut title = Field::text("headline", "");
    title.label = crate::i18n::t("tui.publicity.field_title");
    let fields = vec![
        title,
        Field::text("outlet", ""),
        Field::text("on", &today.to_string()),
        Field::text("session", ""),
        Field::text("link", ""),
        Field::text("file", ""),
    ];
    Form::build(Form::new(
        FormKind::Publicity,
        crate::i18n::t("tui.publicity.add_title"),
        fields,
    ))
}

/// The item the form describes; the date must be one. The rest is checked by `app::publicity`.
pub fn add_effect(form: &Form) -> Result<Effect, FieldErrors> {
    let raw = form.text("on");
    let on = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        FieldErrors(vec![FieldError {
            field: "on",
            message: tf("cli.input.bad_date", &[("value", &raw.trim())]),
        }])
    })?;
    Ok(Effect::Publicity(PublicityEffect::Add {
        title: form.text("headline"),
        outlet: form.text("outlet"),
        on,
        session: Some(form.text("session")).filter(|s| !s.trim().is_empty()),
        link: form.text("link"),
        file: Some(form.text("file"))
            .map(|path| path.trim().to_string())
            .filter(|path| !path.is_empty())
            .map(std::path::PathBuf::from),
    }))
}
