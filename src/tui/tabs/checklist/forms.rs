//! The 清单 tab's forms: an item marked done (an optional note) or waived (a reason, required),
//! an evidence file attached with a note, and this office's 联系人.

use crate::domain::contact::Contact;
use crate::domain::input::{FieldError, FieldErrors};
use crate::domain::MarkStatus;
use crate::i18n::{t, tf};
use crate::tui::action::Effect;
use crate::tui::forms::{Field, Form, FormKind};

pub fn attach(unit: &str, item: &str, title: &str) -> Form {
    Form::build(Form::new(
        FormKind::Attach {
            unit: unit.to_string(),
            item: item.to_string(),
        },
        tf("tui.form.attach", &[("title", &title)]),
        vec![Field::text("path", ""), Field::text("note", "")],
    ))
}

/// Marking an item: `d` takes an optional note, `w` (免报) asks why it does not apply.
pub fn mark(unit: &str, item: &str, title: &str, status: MarkStatus) -> Form {
    let (key, field) = match status {
        MarkStatus::Waived => ("tui.form.mark_waived", "reason"),
        _ => ("tui.form.mark_done", "note"),
    };
    Form::build(Form::new(
        FormKind::Mark {
            unit: unit.to_string(),
            item: item.to_string(),
            status,
        },
        tf(key, &[("title", &title)]),
        vec![Field::text(field, "")],
    ))
}

/// This office's 联系人, as named so far: the fields checked when saved, by the use case.
pub fn contact(named: Option<&Contact>, office_phone: Option<&str>) -> Form {
    let value = |f: fn(&Contact) -> &str| named.map(f).unwrap_or_default().to_string();
    Form::build(Form::new(
        FormKind::Contact,
        t("tui.form.contact"),
        vec![
            Field::text("name", &value(|c| &c.name)),
            Field::text("phone", &value(|c| &c.phone)),
            Field::text("position", &value(|c| &c.position)),
            Field::text("office_phone", office_phone.unwrap_or_default()),
        ],
    ))
}

pub fn contact_effect(form: &Form) -> Effect {
    Effect::SetContact {
        name: form.text("name"),
        phone: form.text("phone"),
        position: form.text("position"),
        office_phone: form.text("office_phone"),
    }
}

fn required(field: &'static str) -> FieldErrors {
    FieldErrors(vec![FieldError {
        field,
        message: t("tui.form.required"),
    }])
}

/// The mark the form describes: a waiver needs its reason.
pub fn mark_effect(
    form: &Form,
    unit: &str,
    item: &str,
    status: MarkStatus,
) -> Result<Effect, FieldErrors> {
    let reason = form.text("reason");
    if status == MarkStatus::Waived && reason.trim().is_empty() {
        return Err(required("reason"));
    }
    Ok(Effect::Mark {
        unit: unit.to_string(),
        item: item.to_string(),
        status,
        note: format!("{reason}{}", form.text("note")).trim().to_string(),
    })
}

/// The file the form names, to be hashed and recorded; the path is required.
pub fn attach_effect(form: &Form, unit: &str, item: &str) -> Result<Effect, FieldErrors> {
    let path = form.text("path");
    if path.trim().is_empty() {
        return Err(required("path"));
    }
    Ok(Effect::Attach {
        unit: unit.to_string(),
        item: item.to_string(),
        path,
        note: form.text("note").trim().to_string(),
    })
}
