//! Exact lookups through the store's indexes, for what a sheet, a form or a command names: a
//! person by phone, people by participant code.

use color_eyre::eyre::Result;

use crate::domain::Person;
use crate::log::lookup_buckets as buckets;
use crate::store::Store;

/// The person with this phone (normalised), if the office knows one.
pub fn by_phone(store: &Store, phone: &str) -> Result<Option<Person>> {
    Ok(everyone_by_phone(store, phone)?.into_iter().next())
}

/// Everyone with this phone (normalised), in id order.
pub fn everyone_by_phone(store: &Store, phone: &str) -> Result<Vec<Person>> {
    listed(store, &buckets::phone_bucket(phone), phone)
}

/// Who a phone and a name given together are.
pub enum Owner {
    /// Nobody has the phone.
    Nobody,
    /// The one with the phone who has the name (the first, if no name was given).
    Named(Person),
    /// Everyone with the phone; none has the name, so the phone may be mistyped.
    Others(Vec<Person>),
}

/// Who has `phone` (normalised) and the name `name`, among everyone with the phone: a phone
/// passed on, or made on two devices, can be several people's.
pub fn by_phone_named(store: &Store, phone: &str, name: &str) -> Result<Owner> {
    let mut people = everyone_by_phone(store, phone)?;
    if people.is_empty() {
        return Ok(Owner::Nobody);
    }
    Ok(
        match people
            .iter()
            .position(|p| crate::text::same_name(name, &p.name))
        {
            Some(at) => Owner::Named(people.swap_remove(at)),
            None => Owner::Others(people),
        },
    )
}

/// Why a phone registered to `owners` is not `name`'s.
pub fn phone_of_another(phone: &str, owners: &[Person], name: &str) -> String {
    let known: Vec<&str> = owners.iter().map(|p| p.name.as_str()).collect();
    crate::i18n::tf(
        "cli.enrol.phone_of_another",
        &[
            ("phone", &phone),
            ("known", &known.join("、")),
            ("name", &name.trim()),
        ],
    )
}

/// Everyone with this participant code: one, or rarely two made on different devices.
pub fn by_code(store: &Store, code: &str) -> Result<Vec<Person>> {
    let code = crate::domain::code::normalise_code(code);
    listed(store, &buckets::code_bucket(&code), &code)
}

/// The people listed under `value` in the lookup bucket `key`.
fn listed(store: &Store, key: &str, value: &str) -> Result<Vec<Person>> {
    let mut people = Vec::new();
    for id in store.bucket(key)?.people(value) {
        people.extend(store.person(&id)?);
    }
    Ok(people)
}
