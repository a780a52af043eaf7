//! A unit's 联系人: the one person each county names for the campaign (二(二)5), changed when
//! the post changes hands. Officials' work numbers, shown in full to the offices above.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::FieldErrors;
use super::Person;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub position: String,
    /// From when this person is the contact.
    pub since: NaiveDate,
}

/// A contact from typed fields, checked as a person's name, phone and position are.
pub fn contact(
    name: &str,
    phone: &str,
    position: &str,
    since: NaiveDate,
) -> Result<Contact, FieldErrors> {
    let Person {
        name,
        phone,
        position,
        ..
    } = super::input::person(String::new(), String::new(), name, phone, position, None)?;
    Ok(Contact {
        name,
        phone,
        position,
        since,
    })
}
