//! Exact lookups through the store's indexes, for what a sheet, a form or a command names: a
//! person by phone, people by participant code.

use color_eyre::eyre::Result;

use crate::domain::Person;
use crate::log::lookup_buckets as buckets;
use crate::store::Store;

/// The person with this phone (normalised), if the office knows one.
pub fn by_phone(store: &Store, phone: &str) -> Result<Option<Person>> {
    Ok(listed(store, &buckets::phone_bucket(phone), phone)?
        .into_iter()
        .next())
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
