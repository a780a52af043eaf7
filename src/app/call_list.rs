//! A call list taken: its document, and its record in the log (which enterprises' full phones
//! left the program, split so that no op passes an op's largest size).

use chrono::NaiveDate;

use super::outreach::{read_calls, CallFilter, CallsTaken};
use super::Outcome;
use crate::campaign::unit_name;
use crate::log::Payload;
use crate::sheets::calls::{calls_frame, push_enterprise, Contact};
use crate::sheets::long::{LongDocument, WrittenDocument};
use crate::sheets::stamp::office_name;
use crate::store::Store;

/// A call list's record, as `parts_of` makes it.
pub fn parts(unit: &str, filter: &str, ids: impl Iterator<Item = String>) -> Vec<Payload> {
    parts_of(unit, filter, ids, PART_BYTES)
}

/// The call list `filter` keeps, read into a long document whose rows are in a scratch file in
/// the store's folder; with the taking, to record before the document is put where people read it.
pub fn take(
    store: &Store,
    filter: CallFilter,
    made: NaiveDate,
) -> Outcome<(WrittenDocument, CallsTaken)> {
    let frame = calls_frame(
        &unit_name(store.office()),
        &filter.describe(),
        &office_name(store.office(), store.office())?,
        made,
    );
    let mut doc = LongDocument::new(frame, store.dir())?;
    let mut number = 0;
    let taken = read_calls(store, filter, Contact::from, |row| {
        number += 1;
        Ok(push_enterprise(&mut doc, number, &row)?)
    })?;
    Ok((doc.finish()?, taken))
}

/// The most enterprise ids one op of a call list names, in bytes: a whole province's list at ten
/// times (120,000 enterprises, 2.5 MB of ids) is past what one op may be (`Op::MAX_BYTES`).
const PART_BYTES: usize = 256 * 1024;

/// A call list's record as ops of at most `part_bytes` of ids each, committed together: each
/// names the filter, and together they name every enterprise once, in the list's order.
fn parts_of(
    unit: &str,
    filter: &str,
    ids: impl Iterator<Item = String>,
    part_bytes: usize,
) -> Vec<Payload> {
    let mut parts: Vec<Vec<String>> = Vec::new();
    let mut part: Vec<String> = Vec::new();
    let mut bytes = 0;
    for id in ids {
        if bytes + id.len() > part_bytes && !part.is_empty() {
            parts.push(std::mem::take(&mut part));
            bytes = 0;
        }
        bytes += id.len();
        part.push(id);
    }
    parts.push(part);
    parts
        .into_iter()
        .map(|enterprises| Payload::CallListExported {
            unit: unit.to_string(),
            filter: filter.to_string(),
            enterprises,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_of(parts: &[Payload]) -> Vec<Vec<String>> {
        parts
            .iter()
            .map(|p| match p {
                Payload::CallListExported {
                    unit,
                    filter,
                    enterprises,
                } => {
                    assert_eq!((unit.as_str(), filter.as_str()), ("420000", "全部"));
                    enterprises.clone()
                }
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_call_list_is_recorded_in_parts_each_small_enough_to_be_an_op() {
        let ids: Vec<String> = (0..120_000)
            .map(|i| format!("E-420000-d5e807-{i:06}"))
            .collect();
        let parts = parts_of("420000", "全部", ids.iter().cloned(), PART_BYTES);
        let named = ids_of(&parts);
        assert!(named.len() > 1);
        assert_eq!(named.concat(), ids);
        // The rest of an op (office, device, stamps, actor) is well under a kilobyte.
        for part in &parts {
            let bytes = postcard::to_allocvec(part).unwrap().len() as u64;
            assert!(bytes + 1024 < crate::log::Op::MAX_BYTES, "{bytes}");
        }
        let small = ids_of(&parts_of(
            "420000",
            "全部",
            ["E-1", "E-22", "E-333", "E-4"]
                .map(String::from)
                .into_iter(),
            8,
        ));
        assert_eq!(small, [vec!["E-1", "E-22"], vec!["E-333", "E-4"]]);
        let one = ids_of(&parts_of("420000", "全部", std::iter::empty(), 7));
        assert_eq!(one, [Vec::<String>::new()]);
    }
}
