//! 师资: the teachers the province (or a city) keeps for the campaign (方案 二（二）5(2)、6), with
//! the 附件1 courses each teaches, copied down to every office; and which teacher the province or
//! a city sent to which session.

use serde::{Deserialize, Serialize};

use super::input::{FieldError, FieldErrors};
use super::{OfficeId, RecordId};
use crate::i18n::{t, tf};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Teacher {
    pub id: RecordId,
    /// The office that keeps the entry (the province, or a city for its own).
    pub office: OfficeId,
    pub name: String,
    pub organisation: String,
    /// 职称 or post.
    pub title: String,
    /// Ids of the 附件1 courses taught: K and 1-14.
    pub courses: Vec<String>,
    /// A work number, as the offices call it to book.
    pub phone: String,
}

/// A teacher from typed fields: a name and at least one 附件1 course; the rest as given.
pub fn teacher(
    id: RecordId,
    office: OfficeId,
    name: &str,
    organisation: &str,
    title: &str,
    courses: &str,
    phone: &str,
) -> Result<Teacher, FieldErrors> {
    let mut errors = Vec::new();
    if name.trim().is_empty() {
        errors.push(FieldError {
            field: "name",
            message: t("cli.input.required"),
        });
    }
    let mut ids: Vec<String> = Vec::new();
    for raw in courses
        .split([',', '，', '、', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let folded: String = raw.chars().map(super::text::fold_full_width).collect();
        let id = folded.to_ascii_uppercase();
        if crate::campaign::campaign().course(&id).is_none() {
            errors.push(FieldError {
                field: "courses",
                message: tf("cli.plan.bad_course", &[("value", &raw)]),
            });
        } else if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() && !errors.iter().any(|e| e.field == "courses") {
        errors.push(FieldError {
            field: "courses",
            message: t("cli.input.required"),
        });
    }
    for (field, value) in [
        ("name", name),
        ("organisation", organisation),
        ("post", title),
        ("phone", phone),
    ] {
        if let Some(c) = super::text::forbidden_char(value) {
            errors.push(FieldError {
                field,
                message: super::text::forbidden_message(c),
            });
        }
    }
    // Optional, but a number given is one that can be dialled, as everywhere else.
    let phone = if phone.trim().is_empty() {
        String::new()
    } else {
        super::text::normalise_phone(phone).unwrap_or_else(|error| {
            errors.push(FieldError {
                field: "phone",
                message: error.to_string(),
            });
            String::new()
        })
    };
    if !errors.is_empty() {
        return Err(FieldErrors(errors));
    }
    Ok(Teacher {
        id,
        office,
        name: name.trim().to_string(),
        organisation: organisation.trim().to_string(),
        title: title.trim().to_string(),
        courses: ids,
        phone,
    })
}
