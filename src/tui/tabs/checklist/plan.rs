//! The training plan behind the `county.plan` item (方案 二（二）5(1)): Enter on that item shows
//! the unit's planned classes and how many it has held; Enter again, the item's trail. The unit
//! itself adds, corrects and takes out classes and reports the plan to its city; a city or the
//! province reads a unit's plan from its grid. The rules (who plans, which months and courses,
//! that an empty plan is not reported) are `app::plans`'; this screen gathers what is typed and
//! shows what comes back.

use crate::domain::input::FieldErrors;
use crate::domain::plan::{planned_class, ClassInput, PlannedClass, PLAN_ITEM};
use crate::i18n::{t, tf};
use crate::sheets::plans::UnitPlan;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Confirm, Hint, Overlay};
use crate::tui::context::Ctx;
use crate::tui::forms::{Field, Form, FormKind};

/// The plan on screen: one unit's, with the class the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanScreen {
    pub plan: UnitPlan,
    /// This office's own plan: it may change and report it.
    pub own: bool,
    pub selected: usize,
}

impl PlanScreen {
    pub fn classes(&self) -> usize {
        self.plan.plan.as_ref().map_or(0, |p| p.classes.len())
    }

    /// Keeps the cursor on a class after the plan was read again (one taken out, one added).
    pub fn replace(&mut self, plan: UnitPlan) {
        self.plan = plan;
        self.selected = self.selected.min(self.classes().saturating_sub(1));
    }
}

/// What the plan screen asks `effects::run` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanEffect {
    /// Read `unit`'s plan, with what it has held, onto the screen.
    Open { unit: String },
    /// Add a class to this office's plan, as the form has it.
    Add(Box<ClassInput>),
    /// Put the form's class in place of class `number` (from 1) of this office's plan.
    Edit {
        number: usize,
        input: Box<ClassInput>,
    },
    /// Take class `number` (from 1) out of this office's plan.
    Remove { number: usize },
    /// Report this office's plan to its city.
    Submit,
}

/// Whether Enter on this item shows the plan rather than the item's trail.
pub fn is_plan_item(item: &str) -> bool {
    item == PLAN_ITEM
}

pub fn update(c: &mut super::ChecklistState, ctx: &mut Ctx, action: Action) -> Option<Effect> {
    let screen = c.plan.as_mut()?;
    let last = screen.classes().saturating_sub(1);
    match action {
        Action::Back => c.plan = None,
        // The item's trail (who marked it, which files) is under the plan, in the item panel.
        Action::Open => {
            let unit = screen.plan.unit.clone();
            c.plan = None;
            return Some(Effect::ItemHistory {
                unit,
                item: PLAN_ITEM.to_string(),
            });
        }
        Action::Up => screen.selected = screen.selected.saturating_sub(1),
        Action::Down => screen.selected = (screen.selected + 1).min(last),
        Action::Top | Action::PageUp => screen.selected = 0,
        Action::Bottom | Action::PageDown => screen.selected = last,
        Action::Add | Action::Edit | Action::Remove | Action::MarkDone if !screen.own => {
            let unit = screen.plan.unit_name.clone();
            ctx.error(tf("tui.plan.not_owner", &[("unit", &unit)]));
        }
        Action::Add => ctx.open(Overlay::Form(class_form(None, None))),
        Action::Edit => {
            let class = screen
                .plan
                .plan
                .as_ref()
                .and_then(|p| p.classes.get(screen.selected))?;
            let form = class_form(Some(screen.selected + 1), Some(class));
            ctx.open(Overlay::Form(form));
        }
        Action::Remove => {
            let class = screen
                .plan
                .plan
                .as_ref()
                .and_then(|p| p.classes.get(screen.selected))?;
            let number = screen.selected + 1;
            ctx.open(Overlay::Confirm(Confirm::yes_no(
                tf(
                    "tui.plan.confirm_remove",
                    &[("number", &number), ("month", &class.month)],
                ),
                Effect::Plan(PlanEffect::Remove { number }),
            )));
        }
        Action::MarkDone => return Some(Effect::Plan(PlanEffect::Submit)),
        _ => {}
    }
    None
}

pub fn hints(screen: &PlanScreen) -> Vec<Hint> {
    let mut out = vec![(Action::Back, "back"), (Action::Open, "history")];
    if screen.own {
        out.push((Action::Add, "add_class"));
        if screen.classes() > 0 {
            out.push((Action::Edit, "edit_class"));
            out.push((Action::Remove, "remove_class"));
        }
        out.push((Action::MarkDone, "submit_plan"));
    }
    out
}

/// A planned class: the fields `plan add` takes, validated by `domain::plan::planned_class`;
/// empty for a new one, or class `number` as it stands, to be corrected.
fn class_form(number: Option<usize>, class: Option<&PlannedClass>) -> Form {
    let was = class.map(ClassInput::from).unwrap_or_default();
    let optional = |value: &Option<String>| value.clone().unwrap_or_default();
    let mut courses = Field::text("courses", &was.courses);
    courses.hint = t("tui.hint.plan_courses");
    let mut people = Field::text("people", &was.people);
    people.label = t("tui.field.people_planned");
    let fields = vec![
        Field::text("month", &was.month),
        courses,
        Field::text("audience", &was.audience),
        people,
        Field::text("enterprises", &optional(&was.enterprises)),
        Field::text("cohost", &optional(&was.cohost)),
        Field::text("teachers", &was.teachers),
    ];
    let title = match number {
        Some(number) => tf("tui.plan.edit_title", &[("number", &number)]),
        None => t("tui.plan.add_title"),
    };
    Form::build(Form::new(FormKind::PlanClass { number }, title, fields))
}

/// The class the form describes, checked as `plan add` checks it: added, or put in place of
/// class `number`.
pub fn class_effect(
    form: &Form,
    office: &str,
    number: Option<usize>,
) -> Result<Effect, FieldErrors> {
    let input = Box::new(class_input(form));
    planned_class(office, &input)?;
    Ok(Effect::Plan(match number {
        Some(number) => PlanEffect::Edit { number, input },
        None => PlanEffect::Add(input),
    }))
}

/// The class a filled-in form describes; blank optional fields are left out.
fn class_input(form: &Form) -> ClassInput {
    let text = |name: &str| form.field(name).map_or("", |f| f.value()).to_string();
    let optional = |name: &str| Some(text(name)).filter(|v| !v.trim().is_empty());
    ClassInput {
        month: text("month"),
        courses: text("courses"),
        audience: text("audience"),
        people: text("people"),
        enterprises: optional("enterprises"),
        cohost: optional("cohost"),
        teachers: text("teachers"),
    }
}
