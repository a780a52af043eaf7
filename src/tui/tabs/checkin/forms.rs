//! The door's form: someone on no list, enrolled and checked in at once (现场登记).

use crate::domain::input::{self, FieldErrors};
use crate::domain::Session;
use crate::i18n::tf;
use crate::store::PersonDraft;
use crate::tui::action::{DoorEffect, Effect};
use crate::tui::forms::{Field, Form, FormKind};

pub fn walk_in(session: &Session, name: &str, phone: &str) -> Form {
    walk_in_filled(session, [name, phone, "", ""])
}

/// The form as it was sent, for a question about it that the coordinator backs out of.
pub fn walk_in_again(session: &Session, draft: &PersonDraft) -> Form {
    walk_in_filled(
        session,
        [
            &draft.name,
            &draft.phone,
            &draft.enterprise,
            &draft.credit_code,
        ],
    )
}

fn walk_in_filled(session: &Session, [name, phone, enterprise, credit_code]: [&str; 4]) -> Form {
    let fields = vec![
        Field::text("name", name),
        Field::text("phone", phone),
        Field::text("enterprise", enterprise),
        Field::text("credit_code", credit_code),
    ];
    // Straight to the first empty field: the typed one is usually right.
    let focus = fields
        .iter()
        .position(|f| f.value().is_empty())
        .unwrap_or(0);
    let mut form = Form::new(
        FormKind::WalkIn {
            session: session.id.clone(),
        },
        tf("tui.form.walk_in", &[("title", &session.title)]),
        fields,
    );
    form.focus = focus;
    Form::build(form)
}

/// The walk-in the form describes, checked as the CLI checks a person.
pub fn walk_in_effect(form: &Form, office: &str, session: &str) -> Result<Effect, FieldErrors> {
    input::person(
        String::new(),
        office.to_string(),
        &form.text("name"),
        &form.text("phone"),
        "",
        None,
    )
    .map(|_| {
        Effect::Door(DoorEffect::WalkIn {
            at: None,
            session: session.to_string(),
            draft: PersonDraft {
                name: form.text("name"),
                phone: form.text("phone"),
                position: String::new(),
                enterprise: form.text("enterprise"),
                credit_code: form.text("credit_code"),
                new_enterprise: form.confirmed_at("enterprise"),
            },
        })
    })
}
