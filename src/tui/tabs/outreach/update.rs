//! Keys on the 企业 tab: moving, narrowing the list, and recording an enterprise's outreach.

use super::{OutreachEffect, OutreachState};
use crate::domain::outreach::OutreachStatus;
use crate::i18n::{t, tf};
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay};
use crate::tui::context::Ctx;
use crate::tui::forms::{Field, FieldInput, Form, FormKind};
use crate::tui::list_filter::{filter_key, Filter};
use crate::tui::tabs::step_selection;

/// The tab became the current one: read it the first time, and again after changes elsewhere.
pub fn entered(o: &OutreachState) -> Option<Effect> {
    (!o.loaded || o.stale).then_some(Effect::Outreach(OutreachEffect::Load))
}

pub fn update(o: &mut OutreachState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    if filter_key(&mut o.filter, &mut o.selected, action) {
        o.keys_for_filter();
        return None;
    }
    let len = o.visible().len();
    if step_selection(&mut o.selected, len, action) {
        return None;
    }
    match action {
        Action::Filter => o.filter.editing = true,
        Action::Back if o.filter.is_active() => {
            o.filter = Filter::default();
            o.selected = 0;
        }
        Action::Untrained => {
            o.untrained_only = !o.untrained_only;
            o.selected = 0;
        }
        Action::Open | Action::Add => {
            let Some(row) = o.selected_row() else {
                ctx.info(t("tui.outreach.nothing_selected"));
                return None;
            };
            // Only the office that registered an enterprise records its outreach and needs.
            if row.office != ctx.office.id {
                ctx.error(tf(
                    "cli.outreach.not_yours",
                    &[
                        ("name", &row.name),
                        ("owner", &crate::campaign::unit_name(row.office)),
                    ],
                ));
                return None;
            }
            let form = if action == Action::Add {
                need_form(row.id, row.name, ctx.today)
            } else {
                form(row, ctx.today)
            };
            ctx.open(Overlay::Form(form));
        }
        Action::MarkDone => {
            // The oldest open need; when all are answered, the latest, to correct its answer.
            let needs = o.selected_needs();
            let open = needs.iter().find(|n| n.answer.is_none());
            let Some(need) = open.or(needs.last()) else {
                ctx.info(t("tui.outreach.no_open_need"));
                return None;
            };
            ctx.open(Overlay::Form(answer_form(need, ctx.today)));
        }
        _ => {}
    }
    None
}

/// The outreach form: the status (`OutreachStatus::offered_after` the current one), the day, a
/// note.
fn form(row: super::EnterpriseRow, today: chrono::NaiveDate) -> Form {
    let options: Vec<(String, String)> = OutreachStatus::ALL
        .iter()
        .map(|s| (s.key().to_string(), s.label()))
        .collect();
    let offered = OutreachStatus::offered_after(row.outreach.map(|o| o.status));
    let index = OutreachStatus::ALL
        .iter()
        .position(|s| *s == offered)
        .unwrap_or(0);
    let mut status = Field::text("status", "");
    status.input = FieldInput::Choice { options, index };
    let fields = vec![
        status,
        Field::text("on", &today.to_string()),
        Field::text("note", ""),
    ];
    Form::build(Form::new(
        FormKind::Outreach {
            enterprise: row.id.to_string(),
        },
        tf("tui.outreach.form_title", &[("name", &row.name)]),
        fields,
    ))
}

/// Recording that the enterprise `enterprise` (an id or a name `app::needs::add` finds) asked for
/// one of 附件3's seven services; the 企业 tab and the door both open it.
pub fn need_form(enterprise: &str, name: &str, today: chrono::NaiveDate) -> Form {
    let options: Vec<(String, String)> = crate::campaign::campaign()
        .services
        .iter()
        .map(|s| (s.seq.to_string(), format!("{} {}", s.seq, s.category)))
        .collect();
    let mut service = Field::text("service", "");
    service.input = FieldInput::Choice { options, index: 0 };
    Form::build(Form::new(
        FormKind::Need {
            enterprise: enterprise.to_string(),
        },
        tf("tui.outreach.need_title", &[("name", &name)]),
        vec![
            service,
            Field::text("on", &today.to_string()),
            Field::text("note", ""),
        ],
    ))
}

/// Answering a need: a new answer dated today, or the answer it has, to be replaced.
fn answer_form(need: &crate::app::needs::NeedRow, today: chrono::NaiveDate) -> Form {
    let (on, note) = need
        .answer
        .as_ref()
        .map_or((today, ""), |a| (a.on, a.note.as_str()));
    Form::build(Form::new(
        FormKind::Answer {
            need: need.need.id.clone(),
        },
        tf(
            "tui.outreach.answer_title",
            &[("service", &need.service), ("name", &need.enterprise_name)],
        ),
        vec![
            Field::text("on", &on.to_string()),
            Field::text("note", note),
        ],
    ))
}

/// The day the form's `on` field holds.
fn day_of(form: &Form) -> Result<chrono::NaiveDate, crate::domain::input::FieldErrors> {
    use crate::domain::input::{FieldError, FieldErrors};
    let raw = form.text("on");
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        FieldErrors(vec![FieldError {
            field: "on",
            message: tf("cli.input.bad_date", &[("value", &raw.trim())]),
        }])
    })
}

/// The need the form describes.
pub fn need_effect(
    form: &Form,
    enterprise: &str,
) -> Result<Effect, crate::domain::input::FieldErrors> {
    Ok(Effect::Outreach(OutreachEffect::AddNeed {
        enterprise: enterprise.to_string(),
        service: form.text("service"),
        on: day_of(form)?,
        note: form.text("note").trim().to_string(),
    }))
}

/// The answer the form describes.
pub fn answer_effect(form: &Form, need: &str) -> Result<Effect, crate::domain::input::FieldErrors> {
    Ok(Effect::Outreach(OutreachEffect::Answer {
        need: need.to_string(),
        on: day_of(form)?,
        note: form.text("note").trim().to_string(),
        replace: form.confirmed_at("on"),
    }))
}

/// The outreach the form describes; the day must be a date.
pub fn record_effect(
    form: &Form,
    enterprise: &str,
) -> Result<Effect, crate::domain::input::FieldErrors> {
    let status = OutreachStatus::parse(&form.text("status")).unwrap_or(OutreachStatus::Invited);
    Ok(Effect::Outreach(OutreachEffect::Record {
        enterprise: enterprise.to_string(),
        status,
        on: day_of(form)?,
        note: form.text("note").trim().to_string(),
    }))
}

pub fn hints(o: &OutreachState) -> Vec<Hint> {
    if o.filter.editing {
        return vec![
            (Action::Open, "keep_filter"),
            (Action::Back, "clear_filter"),
        ];
    }
    let mut out = vec![
        (Action::Open, "record_outreach"),
        (Action::Add, "add_need"),
        (Action::MarkDone, "answer_need"),
        (Action::Filter, "filter"),
    ];
    out.push((
        Action::Untrained,
        if o.untrained_only {
            "all_enterprises"
        } else {
            "untrained_only"
        },
    ));
    out
}
