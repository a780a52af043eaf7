//! Exact lookups through the store's indexes, for what a sheet, a form or a command names: a
//! person by phone, people by participant code.

use color_eyre::eyre::Result;

use crate::domain::Person;
use crate::store::Store;

/// The person with this phone (normalised), if the office knows one.
pub fn by_phone(store: &Store, phone: &str) -> Result<Option<Person>> {
    Ok(indexed(store, &format!("h/{phone}/"))?.into_iter().next())
}

/// Everyone with this participant code: one, or rarely two made on different devices.
pub fn by_code(store: &Store, code: &str) -> Result<Vec<Person>> {
    let code = crate::domain::code::normalise_code(code);
    indexed(store, &format!("o/{code}/"))
}

/// People listed under an index prefix (`h/<phone>/`, `o/<code>/`).
fn indexed(store: &Store, prefix: &str) -> Result<Vec<Person>> {
    let mut people = Vec::new();
    for id in store.index_ids(prefix)? {
        people.extend(store.person(&id)?);
    }
    Ok(people)
}
