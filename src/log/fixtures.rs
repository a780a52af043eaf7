//! What the tests of many modules make or look at, written once.

use super::Payload;
use crate::domain::Person;

/// A person of office 420704 with no position and no enterprise.
pub(crate) fn person(id: &str, name: &str, phone: &str, code: &str) -> Payload {
    Payload::PersonUpserted(Person {
        id: id.into(),
        office: "420704".into(),
        name: name.into(),
        phone: phone.into(),
        position: String::new(),
        enterprise: None,
        code: code.into(),
    })
}

/// The names in `dir`, sorted: what a test compares before and after to see nothing was left.
pub(crate) fn names_in(dir: &std::path::Path) -> Vec<std::ffi::OsString> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    names
}
