//! Each unit's 联系人: named by the unit itself, seen by the offices above it, changed when the
//! post changes hands (the earlier contact stays in the log).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{Outcome, Refusal};
use crate::campaign::{campaign, unit_name};
use crate::domain::contact::{contact, Contact};
use crate::domain::MarkStatus;
use crate::i18n::{t, tf};
use crate::log::{Payload, Stored};
use crate::store::Store;

/// The campaign's checklist item for naming the contact.
const CONTACT_ITEM: &str = "contact";

/// Whether `item` is the checklist item that naming the contact marks done.
pub fn is_contact_item(item: &str) -> bool {
    item.ends_with(CONTACT_ITEM)
}

/// What setting a contact came to. Either way the unit's "name a contact" item is marked done
/// when it was not (`item_done`): an item reopened is closed again by naming the same contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactSaved {
    Set { contact: Contact, item_done: bool },
    Unchanged { item_done: bool },
}

/// Names this office's contact from `since`; given none, from the day the same person was named
/// before (a phone corrected is no new contact), else from `today`.
pub fn set(
    store: &Store,
    name: &str,
    phone: &str,
    position: &str,
    since: Option<NaiveDate>,
    today: NaiveDate,
) -> Outcome<ContactSaved> {
    let unit = store.office().to_string();
    let held = current(store, &unit)?;
    // A date to come would leave the unit without a contact until then.
    let future =
        since
            .filter(|since| *since > today)
            .map(|since| crate::domain::input::FieldError {
                field: "since",
                message: tf(
                    "cli.contact.since_future",
                    &[("since", &since), ("today", &today)],
                ),
            });
    let mut new = contact(name, phone, position, since.unwrap_or(today)).map_err(|e| {
        let mut errors = e.0;
        errors.extend(future.clone());
        Refusal::Fields(errors)
    })?;
    if let Some(future) = future {
        return Err(Refusal::Fields(vec![future]));
    }
    // ｌｉ　ｌｅｉ or Li  Lei typed again is still Li Lei.
    if let (None, Some(held)) = (since, &held) {
        if crate::text::same_name(&new.name, &held.name) {
            new.since = held.since;
        }
    }
    let unchanged = held.is_some_and(|held| {
        (&held.name, &held.phone, &held.position, held.since)
            == (&new.name, &new.phone, &new.position, new.since)
    });
    let mut payloads = Vec::new();
    if !unchanged {
        payloads.push(Payload::ContactSet {
            unit: unit.clone(),
            contact: new.clone(),
        });
    }
    let item = campaign()
        .checklist_for(&unit)
        .into_iter()
        .find(|d| is_contact_item(&d.id))
        .map(|d| d.id.clone());
    let mut item_done = false;
    if let Some(item) = item {
        let marks = crate::store::checklist::marks(store, &unit)?;
        if marks
            .get(&item)
            .is_none_or(|m| m.status != MarkStatus::Done)
        {
            payloads.push(Payload::ChecklistMarked {
                unit: unit.clone(),
                item,
                status: MarkStatus::Done,
                note: tf(
                    "cli.contact.marked_note",
                    &[("name", &new.name), ("phone", &new.phone)],
                ),
            });
            item_done = true;
        }
    }
    if !payloads.is_empty() {
        store.commit(payloads)?;
    }
    Ok(if unchanged {
        ContactSaved::Unchanged { item_done }
    } else {
        ContactSaved::Set {
            contact: new,
            item_done,
        }
    })
}

/// What setting the office phone came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficePhoneSaved {
    Set(String),
    Cleared,
    Unchanged,
}

/// Sets this office's contact's office phone (办公电话), checked as every phone is; an empty
/// one takes it off.
pub fn set_office_phone(store: &Store, raw: &str) -> Outcome<OfficePhoneSaved> {
    let unit = store.office().to_string();
    let phone = if raw.trim().is_empty() {
        String::new()
    } else {
        crate::domain::text::normalise_phone(raw).map_err(|error| {
            Refusal::Fields(vec![crate::domain::input::FieldError {
                field: "office_phone",
                message: error.to_string(),
            }])
        })?
    };
    if office_phone(store, &unit)?.unwrap_or_default() == phone {
        return Ok(OfficePhoneSaved::Unchanged);
    }
    store.commit(vec![Payload::ContactOfficePhoneSet {
        unit,
        office_phone: phone.clone(),
    }])?;
    Ok(if phone.is_empty() {
        OfficePhoneSaved::Cleared
    } else {
        OfficePhoneSaved::Set(phone)
    })
}

/// What naming the contact, with the office phone, came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub contact: ContactSaved,
    /// `None` when no office phone was given: it stays as it was.
    pub office_phone: Option<OfficePhoneSaved>,
}

impl Named {
    /// In the UI language, a line for each thing it did, or that nothing changed.
    pub fn lines(&self) -> Vec<String> {
        let (mut lines, item_done) = match &self.contact {
            ContactSaved::Unchanged { item_done } => (vec![t("cli.contact.unchanged")], item_done),
            ContactSaved::Set { contact, item_done } => (
                vec![tf(
                    "cli.contact.set",
                    &[
                        ("name", &contact.name),
                        ("phone", &contact.phone),
                        ("since", &contact.since),
                    ],
                )],
                item_done,
            ),
        };
        if *item_done {
            lines.push(t("cli.contact.item_done"));
        }
        match &self.office_phone {
            Some(OfficePhoneSaved::Set(phone)) => {
                lines.push(tf("cli.contact.office_phone_set", &[("phone", phone)]));
            }
            Some(OfficePhoneSaved::Cleared) => lines.push(t("cli.contact.office_phone_cleared")),
            Some(OfficePhoneSaved::Unchanged) | None => {}
        }
        lines
    }
}

/// Names this office's contact (`set`) and, when given, the office phone (an empty one takes it
/// off). Every field is checked before anything is written: a bad office phone writes nothing
/// and is named with the other fields' errors.
pub fn name(
    store: &Store,
    name: &str,
    phone: &str,
    position: &str,
    (since, today): (Option<NaiveDate>, NaiveDate),
    office_phone: Option<&str>,
) -> Outcome<Named> {
    if let Some(raw) = office_phone.filter(|raw| !raw.trim().is_empty()) {
        if let Err(error) = crate::domain::text::normalise_phone(raw) {
            let mut errors = contact(name, phone, position, since.unwrap_or(today))
                .err()
                .map(|e| e.0)
                .unwrap_or_default();
            errors.push(crate::domain::input::FieldError {
                field: "office_phone",
                message: error.to_string(),
            });
            return Err(Refusal::Fields(errors));
        }
    }
    let contact = set(store, name, phone, position, since, today)?;
    let office_phone = office_phone
        .map(|raw| set_office_phone(store, raw))
        .transpose()?;
    Ok(Named {
        contact,
        office_phone,
    })
}

/// The office phone `unit` gave for its contact, if any.
pub fn office_phone(store: &Store, unit: &str) -> Outcome<Option<String>> {
    Ok(store
        .get_stored::<String>(&crate::log::apply::keys::office_phone(unit))?
        .map(|stored| stored.value)
        .filter(|phone| !phone.is_empty()))
}

pub fn current(store: &Store, unit: &str) -> Outcome<Option<Contact>> {
    Ok(store
        .get_stored::<Contact>(&crate::log::apply::keys::contact(unit))?
        .map(|stored| stored.value))
}

/// One row of the list an office calls down: a unit and its contact, if it has named one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContactRow {
    pub unit: String,
    pub unit_name: String,
    pub contact: Option<Contact>,
    /// The contact's office phone (办公电话), beside the contact's own.
    pub office_phone: Option<String>,
    /// The office that wrote the contact (the unit itself).
    pub set_by: Option<String>,
}

/// The office and every unit below it, in official order, each with its contact.
pub fn list(store: &Store) -> Outcome<Vec<ContactRow>> {
    list_under(store, store.office())
}

/// The contacts of `office` (this office's area when none) and its units, as printed.
pub fn document(
    store: &Store,
    office: Option<&str>,
    today: NaiveDate,
) -> Outcome<crate::sheets::doc::Document> {
    let office = super::evidence::office_in_area(store, office)?;
    let rows: Vec<_> = list_under(store, &office)?
        .into_iter()
        .map(|row| crate::sheets::package_index::ContactLine {
            unit: row.unit_name,
            contact: row.contact,
            office_phone: row.office_phone,
        })
        .collect();
    let maker = crate::sheets::stamp::office_name(&office, store.office())?;
    Ok(crate::sheets::package_index::contacts_document(
        &unit_name(&office),
        &rows,
        &maker,
        today,
    ))
}

/// `office` (this one or a unit below it) and every unit below it, each with its contact.
pub fn list_under(store: &Store, office: &str) -> Outcome<Vec<ContactRow>> {
    let held: BTreeMap<String, Stored<Contact>> =
        store.scan::<Contact>("l/")?.into_iter().collect();
    let office_phones: BTreeMap<String, String> = store
        .scan::<String>("lo/")?
        .into_iter()
        .map(|(unit, stored)| (unit, stored.value))
        .filter(|(_, phone)| !phone.is_empty())
        .collect();
    Ok(campaign()
        .descendants(office)
        .into_iter()
        .map(|(unit, _)| {
            let stored = held.get(&unit.id);
            ContactRow {
                unit: unit.id.clone(),
                unit_name: unit_name(&unit.id),
                contact: stored.map(|s| s.value.clone()),
                office_phone: office_phones.get(&unit.id).cloned(),
                set_by: stored.map(|s| s.owner.clone()),
            }
        })
        .collect())
}

/// A contact a unit named, as the log has it: from when, and who wrote it at what time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContactChange {
    pub unit: String,
    pub unit_name: String,
    pub contact: Contact,
    pub actor: String,
    pub written_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Every contact this office and the units below it have named, unit by unit in official
/// order, oldest first: the post handed on is seen, not only its holder today.
pub fn history(store: &Store) -> Outcome<Vec<ContactChange>> {
    let order: BTreeMap<String, usize> = campaign()
        .descendants(store.office())
        .into_iter()
        .enumerate()
        .map(|(n, (unit, _))| (unit.id.clone(), n))
        .collect();
    let mut changes = Vec::new();
    for op in store.ops() {
        let op = op?;
        if let Payload::ContactSet { unit, contact } = op.payload {
            // A contact the rules refused (another office naming it) is in the log but named
            // nobody.
            if store.is_voided(op.device, op.seq)? {
                continue;
            }
            if let Some(&place) = order.get(&unit) {
                changes.push((
                    (place, op.hlc),
                    ContactChange {
                        unit_name: unit_name(&unit),
                        unit,
                        contact,
                        actor: op.actor,
                        written_at: op.hlc.to_datetime(),
                    },
                ));
            }
        }
    }
    changes.sort_by_key(|(key, _)| *key);
    Ok(changes.into_iter().map(|(_, change)| change).collect())
}
