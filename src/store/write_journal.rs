//! What each of the last writes changed, by person and by kind of record, so that a value
//! worked out from the whole store (the 认证 tab's summary) can be brought up to date from the
//! few people a write changed instead of read again from everyone.
//!
//! A step names the log before and after one write (`Store::heads_digest`) and what the write
//! changed between them. That is a fact about those two logs, true in any folder, so the file
//! carries no folder mark. A write whose step is not written (a crash, a full disk, a bundle's
//! raw writes, a write that overlapped another) only breaks the chain, and the value is worked
//! out again. A step is written only for a write no other overlapped, so that nothing but its
//! own changes lie between its two logs.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::kept_records::{seal, unseal};

const FILE: &str = "writes.journal";
const MAGIC: &[u8] = b"peixun writes journal 3\n";

/// Steps kept: enough for a morning at the door between two visits to a tab.
const MOST_STEPS: usize = 64;

/// Beyond this many people, between the steps kept or in one write, a value is worked out
/// again rather than brought up to date.
pub const MOST_PEOPLE: usize = 1_000;

/// The same for enterprises whose records were written.
pub const MOST_ENTERPRISES: usize = 1_000;

/// A file larger than this is not one of ours.
const MAX_FILE: u64 = 1 << 20;

/// One write: the log before and after it, and what it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Step {
    from: [u8; 32],
    to: [u8; 32],
    people: BTreeSet<String>,
    records: BTreeSet<String>,
    kinds: BTreeSet<String>,
    enterprises: BTreeSet<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    /// The schema it was written under (the seal names the peixun): another folds the log
    /// its own way.
    schema: u32,
    steps: Vec<Step>,
}

/// What the writes between two logs changed: the people whose own records or places on a
/// session's list they wrote, and the kinds of every other record (`owner`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Since {
    pub people: BTreeSet<String>,
    /// Of `people`, those whose own record (`p/`) was written: a check-in or a certification
    /// record changes someone's lines, not who they are.
    pub records: BTreeSet<String>,
    pub kinds: BTreeSet<String>,
    /// The enterprises whose records (`e/`) were written.
    pub enterprises: BTreeSet<String>,
}

impl Since {
    /// Whether a record of one of `kinds` (as `owner` names them, by their first part) was
    /// written, other than a person's own.
    pub fn wrote_any(&self, kinds: &[&str]) -> bool {
        self.kinds
            .iter()
            .any(|kind| kinds.contains(&kind.split('/').next().unwrap_or(kind)))
    }
}

/// Whom a state key is about (`log::keys`, `log::apply_cert::keys`).
#[derive(Debug, PartialEq, Eq)]
enum Owner<'a> {
    /// One person's record, a certification record of theirs, or their line on a session's
    /// enrolment or check-in list.
    Person(&'a str),
    /// Anything else, by its kind: the key up to its first `/` (its first two parts for the
    /// certification records shared by everyone: approvals, number claims).
    Kind(&'a str),
}

fn owner(key: &str) -> Owner<'_> {
    let Some((kind, rest)) = key.split_once('/') else {
        return Owner::Kind(key);
    };
    let person = match kind {
        "p" => Some(rest),
        // A list's line is `a/{session}/{person}`: with more `/` than that, the session and
        // the person cannot be told apart, and the key is read as shared.
        "a" | "n" => rest
            .split_once('/')
            .map(|(_, person)| person)
            .filter(|person| !person.contains('/')),
        "x" => rest
            .split_once('/')
            .and_then(|(record, rest)| match record {
                "o" | "r" | "h" | "c" | "m" => rest.split_once('/').map(|(person, _)| person),
                "e" | "j" => Some(rest),
                _ => None,
            }),
        _ => None,
    };
    match person {
        Some(person) if !person.is_empty() => Owner::Person(person),
        _ if kind == "x" => Owner::Kind(key.get(..3).filter(|k| k.len() == 3).unwrap_or(key)),
        _ => Owner::Kind(kind),
    }
}

/// What one write changes, noted key by key in its transaction (across its attempts: more
/// than it changed is safe, less is not).
#[derive(Default)]
pub(crate) struct Noting(Mutex<Noted>);

#[derive(Default)]
struct Noted {
    people: BTreeSet<String>,
    records: BTreeSet<String>,
    kinds: BTreeSet<String>,
    enterprises: BTreeSet<String>,
}

impl Noting {
    pub(crate) fn note(&self, key: &str) {
        let mut noted = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match owner(key) {
            Owner::Person(person) => {
                // One past the most: enough to know the step is not written.
                if noted.people.len() <= MOST_PEOPLE && !noted.people.contains(person) {
                    noted.people.insert(person.to_string());
                }
                if key.starts_with("p/") && !noted.records.contains(person) {
                    noted.records.insert(person.to_string());
                }
            }
            Owner::Kind(kind) => {
                if !noted.kinds.contains(kind) {
                    noted.kinds.insert(kind.to_string());
                }
                if let Some(enterprise) = key.strip_prefix("e/") {
                    if noted.enterprises.len() <= MOST_ENTERPRISES {
                        noted.enterprises.insert(enterprise.to_string());
                    }
                }
            }
        }
    }

    fn taken(&self) -> Noted {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

fn read(dir: &Path) -> Journal {
    let mut bytes = Vec::new();
    let read = crate::file_at::open_regular(&dir.join(FILE))
        .and_then(|file| file.take(MAX_FILE).read_to_end(&mut bytes));
    let journal = read
        .ok()
        .and_then(|_| unseal(MAGIC, &bytes))
        .and_then(|body| postcard::from_bytes::<Journal>(body).ok());
    match journal {
        Some(journal) if journal.schema == super::SCHEMA_VERSION => journal,
        _ => Journal {
            schema: super::SCHEMA_VERSION,
            steps: Vec::new(),
        },
    }
}

/// Adds the step of a write from the log `from` to the log `to` that changed what `noting`
/// noted. Not made durable: a step lost only breaks the chain.
pub(crate) fn record(
    dir: &Path,
    from: [u8; 32],
    to: [u8; 32],
    noting: &Noting,
) -> std::io::Result<()> {
    let noted = noting.taken();
    if noted.people.len() > MOST_PEOPLE || noted.enterprises.len() > MOST_ENTERPRISES {
        return Ok(());
    }
    let mut journal = read(dir);
    journal.steps.push(Step {
        from,
        to,
        people: noted.people,
        records: noted.records,
        kinds: noted.kinds,
        enterprises: noted.enterprises,
    });
    let people = |steps: &[Step]| steps.iter().map(|s| s.people.len()).sum::<usize>();
    let enterprises = |steps: &[Step]| steps.iter().map(|s| s.enterprises.len()).sum::<usize>();
    while journal.steps.len() > MOST_STEPS
        || people(&journal.steps) > MOST_PEOPLE
        || enterprises(&journal.steps) > MOST_ENTERPRISES
    {
        journal.steps.remove(0);
    }
    let body = postcard::to_stdvec(&journal).map_err(std::io::Error::other)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(&seal(MAGIC, &body))?;
    temp.persist(dir.join(FILE)).map_err(|e| e.error)?;
    Ok(())
}

/// What the writes from the log `from` to the log `to` changed, when the journal has every one
/// of them; `None` when it does not, or they changed more than `MOST_PEOPLE` people or
/// `MOST_ENTERPRISES` enterprises.
pub fn since(dir: &Path, from: &[u8; 32], to: &[u8; 32]) -> Option<Since> {
    let mut since = Since::default();
    if from == to {
        return Some(since);
    }
    let journal = read(dir);
    let mut at = *to;
    // From the end back: a log's last write is the one step that ends there.
    for _ in 0..journal.steps.len() {
        let step = journal.steps.iter().rev().find(|s| s.to == at)?;
        since.people.extend(step.people.iter().cloned());
        since.records.extend(step.records.iter().cloned());
        since.kinds.extend(step.kinds.iter().cloned());
        since.enterprises.extend(step.enterprises.iter().cloned());
        if since.people.len() > MOST_PEOPLE || since.enterprises.len() > MOST_ENTERPRISES {
            return None;
        }
        at = step.from;
        if at == *from {
            return Some(since);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_key_is_a_persons_when_it_is_their_record_or_their_line_on_a_list() {
        let person = "P-420704-7";
        for key in [
            crate::log::keys::person(person),
            crate::log::keys::attendance("S-420704-3", person),
            crate::log::keys::enrolment("S-420704-3", person),
            crate::log::apply_cert_keys::online(person, "slot-1"),
            crate::log::apply_cert_keys::evaluation(person),
            crate::log::apply_cert_keys::adjustment(person),
            crate::log::apply_cert_keys::result(person, "S-1"),
            crate::log::apply_cert_keys::certificate(person, "N-1"),
            crate::log::apply_cert_keys::points(person, "m-1"),
        ] {
            assert_eq!(owner(&key), Owner::Person(person), "{key}");
        }
        for (key, kind) in [
            (crate::log::keys::session("S-1"), "s"),
            (crate::log::keys::enterprise("E-1"), "e"),
            (crate::log::lookup_buckets::phone_bucket("13912345678"), "h"),
            (crate::log::keys::present_count("S-1"), "q"),
            (crate::log::apply_cert_keys::approval("S-1"), "x/a"),
            (crate::log::apply_cert_keys::claim("N-1", person), "x/n"),
            ("p/".to_string(), "p"),
            ("x".to_string(), "x"),
            ("x/o/".to_string(), "x/o"),
            ("a/S-1/z/P-2".to_string(), "a"),
            ("n/S-1/P-420704-1/x".to_string(), "n"),
        ] {
            assert_eq!(owner(&key), Owner::Kind(kind), "{key}");
        }
    }

    fn noting(keys: &[&str]) -> Noting {
        let noting = Noting::default();
        for key in keys {
            noting.note(key);
        }
        noting
    }

    #[test]
    fn the_steps_between_two_logs_add_up_and_a_missing_one_breaks_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, c, d) = ([1; 32], [2; 32], [3; 32], [4; 32]);
        record(dir.path(), a, b, &noting(&["p/P-1", "h/0a1b", "e/E-1"])).unwrap();
        record(dir.path(), b, c, &noting(&["a/S-1/P-2", "q/S-1", "e/E-2"])).unwrap();
        let since = super::since(dir.path(), &a, &c).unwrap();
        assert_eq!(
            since.people,
            ["P-1", "P-2"].map(String::from).into_iter().collect()
        );
        assert_eq!(
            since.records,
            ["P-1"].map(String::from).into_iter().collect(),
            "P-2's line was written, not their record"
        );
        assert_eq!(
            since.kinds,
            ["e", "h", "q"].map(String::from).into_iter().collect()
        );
        assert_eq!(
            since.enterprises,
            ["E-1", "E-2"].map(String::from).into_iter().collect()
        );
        assert!(!since.wrote_any(&["s", "x"]));
        assert!(since.wrote_any(&["q"]));
        assert_eq!(super::since(dir.path(), &b, &c).unwrap().people.len(), 1);
        assert_eq!(super::since(dir.path(), &c, &c), Some(Since::default()));
        assert_eq!(super::since(dir.path(), &a, &d), None, "no step ends at d");
        assert_eq!(super::since(dir.path(), &d, &c), None, "no chain from d");
        assert_eq!(super::since(dir.path(), &c, &a), None, "not backwards");
    }

    #[test]
    fn a_write_of_too_many_people_is_not_a_step_and_old_steps_give_way() {
        let dir = tempfile::tempdir().unwrap();
        let many: Vec<String> = (0..=MOST_PEOPLE).map(|i| format!("p/P-{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        record(dir.path(), [1; 32], [2; 32], &noting(&many)).unwrap();
        assert_eq!(super::since(dir.path(), &[1; 32], &[2; 32]), None);
        let firms: Vec<String> = (0..=MOST_ENTERPRISES).map(|i| format!("e/E-{i}")).collect();
        let firms: Vec<&str> = firms.iter().map(String::as_str).collect();
        record(dir.path(), [2; 32], [3; 32], &noting(&firms)).unwrap();
        assert_eq!(super::since(dir.path(), &[2; 32], &[3; 32]), None);
        for i in 0..=MOST_STEPS as u8 {
            record(dir.path(), [i; 32], [i + 1; 32], &noting(&["p/P-1"])).unwrap();
        }
        let last = MOST_STEPS as u8 + 1;
        assert_eq!(
            super::since(dir.path(), &[0; 32], &[last; 32]),
            None,
            "first dropped"
        );
        assert!(super::since(dir.path(), &[1; 32], &[last; 32]).is_some());
    }

    #[test]
    fn a_journal_of_another_schema_or_damaged_is_no_journal() {
        let dir = tempfile::tempdir().unwrap();
        record(dir.path(), [1; 32], [2; 32], &noting(&["p/P-1"])).unwrap();
        let path = dir.path().join(FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            super::since(dir.path(), &[1; 32], &[2; 32]),
            None,
            "damaged"
        );
        let other = Journal {
            schema: super::super::SCHEMA_VERSION - 1,
            steps: vec![Step {
                from: [1; 32],
                to: [2; 32],
                people: BTreeSet::new(),
                records: BTreeSet::new(),
                kinds: BTreeSet::new(),
                enterprises: BTreeSet::new(),
            }],
        };
        let body = postcard::to_stdvec(&other).unwrap();
        std::fs::write(&path, seal(MAGIC, &body)).unwrap();
        assert_eq!(
            super::since(dir.path(), &[1; 32], &[2; 32]),
            None,
            "another schema"
        );
    }

    fn person(i: u32) -> crate::log::Payload {
        let (id, name) = (format!("P-420704-t{i}"), format!("学员{i}"));
        crate::log::fixtures::person(&id, &name, &format!("1380000{i:04}"), &format!("T{i}"))
    }

    #[test]
    fn a_commit_writes_its_step_unless_another_write_overlapped_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = super::super::Store::create(&dir.path().join("s"), "420704", "测试员").unwrap();
        let before = store.heads_digest().unwrap();
        store.commit(vec![person(1)]).unwrap();
        let after = store.heads_digest().unwrap();
        let since = super::since(store.dir(), &before, &after).expect("its step");
        assert_eq!(
            since.people,
            ["P-420704-t1".to_string()].into_iter().collect()
        );
        assert!(
            !since.wrote_any(&["s", "e", "x", "p", "a", "n"]),
            "{since:?}"
        );

        // Another write under way meanwhile (a bundle's chunk in another thread): what lies
        // between the two logs is not this write alone.
        let other = store.derived.writing();
        store.commit(vec![person(2)]).unwrap();
        drop(other);
        let last = store.heads_digest().unwrap();
        assert_eq!(super::since(store.dir(), &after, &last), None);
        assert_eq!(super::since(store.dir(), &before, &last), None);
    }

    proptest! {
        /// Whatever the file holds, reading it gives steps or none, never a panic.
        #[test]
        fn no_bytes_make_the_reader_panic(body in proptest::collection::vec(any::<u8>(), 0..512)) {
            let dir = tempfile::tempdir().unwrap();
            std::fs::write(dir.path().join(FILE), seal(MAGIC, &body)).unwrap();
            let _ = super::since(dir.path(), &[1; 32], &[2; 32]);
            std::fs::write(dir.path().join(FILE), &body).unwrap();
            let _ = super::since(dir.path(), &[1; 32], &[2; 32]);
        }

        /// Any key is a person's or a kind, never a panic, and a person is never empty.
        #[test]
        fn any_key_has_an_owner(key in "[pxan/a-z0-9-]{0,24}") {
            if let Owner::Person(person) = owner(&key) {
                prop_assert!(!person.is_empty());
            }
        }
    }
}
