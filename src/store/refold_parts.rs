//! The log folded again in parts, each held in memory in turn. Every op reads and writes only
//! records of one anchor (a person; a session and its enrolments, attendance and counts;
//! otherwise the record itself), so the ops of the anchors hashed to one part fold alone to
//! exactly those records. The phone and code lookup buckets are the exception: every part keeps
//! its own people's pairs in them, and the parts' pairs are joined. The ops are spooled to one file a
//! part in fold order; each part is folded into a map and written out sorted; the sorted parts
//! are then read as one, key by key. An id with a `/` in it can make an op touch records of two
//! anchors: the fold that meets one stops, and the caller folds the log whole into a scratch
//! database instead (`refold_scratch`).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::fs::File;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use color_eyre::eyre::{eyre, Result, WrapErr};

use crate::i18n::tf;
use crate::log::lookup_buckets::{is_bucket, Bucket};
use crate::log::{apply, primary_key, ApplyError, Kv, Op};

/// Ops folded in memory at a time: about 15 MB of records at ten times the province.
const OPS_PER_PART: usize = 50_000;

/// Files open at once; a log past 12.8 million ops has larger parts.
const MOST_PARTS: usize = 256;

/// How many parts a log of `ops` ops is folded in.
pub(super) fn parts_for(ops: usize) -> usize {
    ops.div_ceil(OPS_PER_PART).clamp(1, MOST_PARTS)
}

const BUFFER: usize = 64 * 1024;

/// The record whose ops also write `key`: the key itself but for the records kept beside
/// another (see `log::keys` and `log::apply_cert::keys`).
fn anchor(key: &str) -> &str {
    match key.split_once('/') {
        // A person (their phone and code are in lookup buckets shared by all parts).
        Some(("p" | "k" | "q", rest)) => rest,
        // Enrolments and attendance by session, with the session's counts (`k/`, `q/`).
        Some(("n" | "a", rest)) => first(rest),
        Some(("x", rest)) => match rest.split_once('/') {
            // A result with its history, and a certificate with its number's claim: by person.
            Some(("r" | "h" | "c", rest)) => first(rest),
            Some(("n", rest)) => last(rest),
            _ => key,
        },
        _ => key,
    }
}

fn first(rest: &str) -> &str {
    rest.split_once('/').map_or(rest, |(head, _)| head)
}

fn last(rest: &str) -> &str {
    rest.rsplit_once('/').map_or(rest, |(_, tail)| tail)
}

fn part_of(key: &str, parts: usize) -> usize {
    let mut hasher = DefaultHasher::new();
    anchor(key).hash(&mut hasher);
    (hasher.finish() % parts as u64) as usize
}

/// Ops on their way to the parts, each with its place in the fold.
pub(super) struct Spools {
    dir: PathBuf,
    files: Vec<BufWriter<File>>,
    next: u64,
}

impl Spools {
    pub(super) fn new(dir: &Path, parts: usize) -> Result<Spools> {
        let files = (0..parts.max(1))
            .map(|_| {
                tempfile::tempfile_in(dir)
                    .map(|file| BufWriter::with_capacity(BUFFER, file))
                    .wrap_err_with(|| scratch_failed(dir))
            })
            .collect::<Result<_>>()?;
        Ok(Spools {
            dir: dir.to_path_buf(),
            files,
            next: 0,
        })
    }

    /// Adds the next op of the fold.
    pub(super) fn push(&mut self, op: &Op, bytes: &[u8]) -> Result<()> {
        let part = part_of(&primary_key(&op.payload), self.files.len());
        let file = &mut self.files[part];
        let len = u32::try_from(bytes.len()).wrap_err("an op over 4 GiB")?;
        file.write_all(&self.next.to_le_bytes())
            .and_then(|()| file.write_all(&len.to_le_bytes()))
            .and_then(|()| file.write_all(bytes))
            .wrap_err_with(|| scratch_failed(&self.dir))?;
        self.next += 1;
        Ok(())
    }

    /// The ops spooled to a single part, in fold order.
    pub(super) fn into_ops(self) -> Result<impl Iterator<Item = Result<Op>>> {
        let [spool]: [BufWriter<File>; 1] = self
            .files
            .try_into()
            .map_err(|_| eyre!("the ops of a check spooled to more than one part"))?;
        let dir = self.dir;
        let mut reader = rewound(spool, &dir)?;
        Ok(std::iter::from_fn(move || {
            match read_spooled(&mut reader, &dir) {
                Ok(Some((_, bytes))) => Some(Op::decode(&bytes).map_err(Into::into)),
                Ok(None) => None,
                Err(error) => Some(Err(error)),
            }
        }))
    }

    /// Folds each part in turn and keeps its records, sorted, in a file of its own.
    pub(super) fn fold(self) -> Result<Folded> {
        let dir = &self.dir;
        let parts = self.files.len();
        let mut sorted = Vec::with_capacity(parts);
        let mut first_failure: Option<(u64, String)> = None;
        for (index, spool) in self.files.into_iter().enumerate() {
            let mut reader = rewound(spool, dir)?;
            let mut part = Part {
                index,
                parts,
                records: BTreeMap::new(),
            };
            while let Some((place, bytes)) = read_spooled(&mut reader, dir)? {
                let op = Op::decode(&bytes)?;
                match apply(&mut part, &op) {
                    Ok(_) | Err(FoldError::Apply(ApplyError::Unauthorised { .. })) => {}
                    Err(FoldError::Apply(other)) => {
                        // The fold stops at the first op that fails, in the whole log's order.
                        if first_failure.as_ref().is_none_or(|(at, _)| place < *at) {
                            first_failure = Some((place, other.to_string()));
                        }
                        break;
                    }
                    Err(FoldError::OutsidePart) => return Ok(Folded::Strayed),
                }
            }
            if first_failure.is_none() {
                sorted.push(write_sorted(dir, &part.records)?);
            }
        }
        Ok(match first_failure {
            Some((_, failure)) => Folded::Failed(failure),
            None => Folded::Records(Box::new(SortedRecords::new(sorted, dir)?)),
        })
    }
}

/// How a fold in parts ended.
pub(super) enum Folded {
    /// Every record the fold gives, in key order.
    Records(Box<dyn Iterator<Item = Result<Record>>>),
    /// Why the first op that could not be applied was not.
    Failed(String),
    /// An op touched a record of another part: fold again whole (`refold_scratch`).
    Strayed,
}

/// One part's records as `apply` sees them.
struct Part {
    index: usize,
    parts: usize,
    records: BTreeMap<Box<str>, Box<[u8]>>,
}

enum FoldError {
    Apply(ApplyError),
    OutsidePart,
}

impl Part {
    fn within(&self, key: &str) -> Result<(), FoldError> {
        if self.parts == 1 || is_bucket(key) || part_of(key, self.parts) == self.index {
            Ok(())
        } else {
            Err(FoldError::OutsidePart)
        }
    }
}

impl Kv for Part {
    type Error = FoldError;
    type Bytes<'a> = &'a [u8];
    fn get(&self, key: &str) -> Result<Option<&[u8]>, FoldError> {
        self.within(key)?;
        Ok(self.records.get(key).map(|value| &value[..]))
    }
    fn put(&mut self, key: &str, value: Vec<u8>) -> Result<(), FoldError> {
        self.within(key)?;
        self.records.insert(key.into(), value.into());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), FoldError> {
        self.within(key)?;
        self.records.remove(key);
        Ok(())
    }
    fn fail(error: ApplyError) -> FoldError {
        FoldError::Apply(error)
    }
}

pub(super) fn scratch_failed(dir: &Path) -> String {
    tf("cli.doctor.scratch_failed", &[("dir", &dir.display())])
}

fn rewound(spool: BufWriter<File>, dir: &Path) -> Result<BufReader<File>> {
    let mut file = spool
        .into_inner()
        .map_err(|error| error.into_error())
        .wrap_err_with(|| scratch_failed(dir))?;
    file.rewind().wrap_err_with(|| scratch_failed(dir))?;
    Ok(BufReader::with_capacity(BUFFER, file))
}

/// The fixed-size head of the next entry of a scratch file, or `None` at its end; a head cut
/// short is an error.
fn next_head<const N: usize>(reader: &mut BufReader<File>, dir: &Path) -> Result<Option<[u8; N]>> {
    if reader
        .fill_buf()
        .wrap_err_with(|| scratch_failed(dir))?
        .is_empty()
    {
        return Ok(None);
    }
    let mut head = [0u8; N];
    reader
        .read_exact(&mut head)
        .wrap_err_with(|| scratch_failed(dir))?;
    Ok(Some(head))
}

/// An op spooled: its place in the fold and its bytes.
fn read_spooled(reader: &mut BufReader<File>, dir: &Path) -> Result<Option<(u64, Vec<u8>)>> {
    let Some(head) = next_head::<12>(reader, dir)? else {
        return Ok(None);
    };
    let (place, len) = head.split_at(8);
    let place = u64::from_le_bytes(place.try_into()?);
    let mut bytes = vec![0; u32::from_le_bytes(len.try_into()?) as usize];
    reader
        .read_exact(&mut bytes)
        .wrap_err_with(|| scratch_failed(dir))?;
    Ok(Some((place, bytes)))
}

fn write_sorted(dir: &Path, records: &BTreeMap<Box<str>, Box<[u8]>>) -> Result<BufReader<File>> {
    let file = tempfile::tempfile_in(dir).wrap_err_with(|| scratch_failed(dir))?;
    let mut out = BufWriter::with_capacity(BUFFER, file);
    for (key, value) in records {
        let lens = (u32::try_from(key.len()), u32::try_from(value.len()));
        let (Ok(key_len), Ok(value_len)) = lens else {
            return Err(eyre!("a record over 4 GiB"));
        };
        out.write_all(&key_len.to_le_bytes())
            .and_then(|()| out.write_all(&value_len.to_le_bytes()))
            .and_then(|()| out.write_all(key.as_bytes()))
            .and_then(|()| out.write_all(value))
            .wrap_err_with(|| scratch_failed(dir))?;
    }
    rewound(out, dir)
}

pub(super) type Record = (Vec<u8>, Vec<u8>);

/// A part's record written by `write_sorted`.
fn read_record(reader: &mut BufReader<File>, dir: &Path) -> Result<Option<Record>> {
    let Some(head) = next_head::<8>(reader, dir)? else {
        return Ok(None);
    };
    let (key_len, value_len) = head.split_at(4);
    let mut key = vec![0; u32::from_le_bytes(key_len.try_into()?) as usize];
    let mut value = vec![0; u32::from_le_bytes(value_len.try_into()?) as usize];
    reader
        .read_exact(&mut key)
        .and_then(|()| reader.read_exact(&mut value))
        .wrap_err_with(|| scratch_failed(dir))?;
    Ok(Some((key, value)))
}

/// A part's next record: its key, the part, its value; the smallest key first.
type Next = Reverse<(Vec<u8>, usize, Vec<u8>)>;

/// Every part's records as one, in key order. A key is in one part only, but for the lookup
/// buckets, whose parts' pairs are joined.
pub(super) struct SortedRecords {
    dir: PathBuf,
    parts: Vec<BufReader<File>>,
    heads: BinaryHeap<Next>,
}

impl SortedRecords {
    fn new(mut parts: Vec<BufReader<File>>, dir: &Path) -> Result<SortedRecords> {
        let mut heads = BinaryHeap::with_capacity(parts.len());
        for (index, part) in parts.iter_mut().enumerate() {
            if let Some((key, value)) = read_record(part, dir)? {
                heads.push(Reverse((key, index, value)));
            }
        }
        Ok(SortedRecords {
            dir: dir.to_path_buf(),
            parts,
            heads,
        })
    }
}

impl SortedRecords {
    /// The smallest key's record from `index`'s part, with the next one read in its place.
    fn pop(&mut self) -> Option<Result<(Vec<u8>, Vec<u8>)>> {
        let Reverse((key, index, value)) = self.heads.pop()?;
        match read_record(&mut self.parts[index], &self.dir) {
            Ok(Some((next_key, next_value))) => {
                self.heads.push(Reverse((next_key, index, next_value)));
            }
            Ok(None) => {}
            Err(error) => {
                // Nothing after a part that cannot be read is the fold's.
                self.heads.clear();
                return Some(Err(error));
            }
        }
        Some(Ok((key, value)))
    }
}

impl Iterator for SortedRecords {
    type Item = Result<Record>;
    fn next(&mut self) -> Option<Result<Record>> {
        let (key, mut value) = match self.pop()? {
            Ok(record) => record,
            Err(error) => return Some(Err(error)),
        };
        // A lookup bucket is the one key several parts write, each its own people's pairs.
        while self
            .heads
            .peek()
            .is_some_and(|Reverse((next, _, _))| *next == key)
        {
            let other = match self.pop()? {
                Ok((_, other)) => other,
                Err(error) => return Some(Err(error)),
            };
            let joined = Bucket::decode(Some(&value))
                .zip(Bucket::decode(Some(&other)))
                .and_then(|(ours, theirs)| ours.union(theirs).encode().ok().flatten());
            let Some(joined) = joined else {
                self.heads.clear();
                let key = String::from_utf8_lossy(&key).into_owned();
                return Some(Err(eyre!(ApplyError::Decode { key })));
            };
            value = joined;
        }
        Some(Ok((key, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::keys;

    #[test]
    fn records_written_by_one_op_share_their_anchor() {
        use crate::log::apply_cert_keys as cert;
        let hlc = crate::log::Hlc {
            wall_ms: 1,
            counter: 2,
        };
        let together = [
            vec![
                keys::enrolment("S-1", "P-1"),
                keys::enrolled_count("S-1"),
                keys::attendance("S-1", "P-2"),
                keys::present_count("S-1"),
            ],
            vec![
                cert::result("P-1", "S-1"),
                cert::result_history("P-1", "S-1", &hlc, 9),
                cert::certificate("P-1", "N-7"),
                cert::claim("N-7", "P-1"),
            ],
        ];
        for group in together {
            let anchors: Vec<&str> = group.iter().map(|key| anchor(key)).collect();
            assert!(anchors.windows(2).all(|w| w[0] == w[1]), "{group:?}");
        }
        assert_eq!(anchor("s/S-1"), "s/S-1");
        assert_ne!(anchor(&keys::person("P-1")), anchor(&keys::person("P-2")));
    }

    fn person(id: &str) -> crate::log::Payload {
        crate::log::fixtures::person(id, "欧阳明月", "13800000001", "R1")
    }

    fn folded(ops: &[Op], parts: usize) -> Folded {
        let dir = tempfile::tempdir().unwrap();
        let mut spools = Spools::new(dir.path(), parts).unwrap();
        for op in ops {
            spools.push(op, &op.encode().unwrap()).unwrap();
        }
        spools.fold().unwrap()
    }

    fn records(folded: Folded) -> Vec<Record> {
        match folded {
            Folded::Records(records) => records.map(Result::unwrap).collect(),
            Folded::Failed(why) => panic!("failed: {why}"),
            Folded::Strayed => panic!("strayed"),
        }
    }

    #[test]
    fn a_fold_that_reaches_into_another_part_says_so() {
        // A session id with a slash: its enrolment's anchor is the id's first piece, not the id.
        let session = "S-420704-1/x";
        let count = keys::enrolled_count(session);
        let enrolment = keys::enrolment(session, "P-420704-1");
        let parts = (2..64)
            .find(|&parts| part_of(&count, parts) != part_of(&enrolment, parts))
            .unwrap();
        let mut writer = crate::demo::ChainWriter::new("420704", 7, "测试");
        let enrol = crate::log::Payload::EnrolmentSet {
            session: session.to_string(),
            person: "P-420704-1".to_string(),
            enrolled: true,
        };
        let ops = vec![writer.push(enrol).unwrap()];
        match folded(&ops, parts) {
            Folded::Strayed => {}
            Folded::Failed(why) => panic!("failed: {why}"),
            Folded::Records(_) => panic!("folded {parts} parts"),
        }
        let whole = records(folded(&ops, 1));
        let keys: Vec<String> = whole
            .iter()
            .map(|(key, _)| String::from_utf8(key.clone()).unwrap())
            .collect();
        assert_eq!(keys, [count, enrolment]);
    }

    #[test]
    fn people_of_every_part_share_a_lookup_bucket() {
        // Two people with one phone, in different parts: the bucket lists both.
        let (a, b) = ("P-420704-1", "P-420704-2");
        let parts = (2..64)
            .find(|&parts| part_of(&keys::person(a), parts) != part_of(&keys::person(b), parts))
            .unwrap();
        let mut writer = crate::demo::ChainWriter::new("420704", 7, "测试");
        let ops = vec![
            writer.push(person(a)).unwrap(),
            writer.push(person(b)).unwrap(),
        ];
        let bucket = crate::log::lookup_buckets::phone_bucket("13800000001");
        let whole = records(folded(&ops, 1));
        assert_eq!(records(folded(&ops, parts)), whole);
        let (_, value) = whole
            .iter()
            .find(|(key, _)| key[..] == *bucket.as_bytes())
            .unwrap();
        let listed = Bucket::decode(Some(value)).unwrap().people("13800000001");
        assert_eq!(listed, [a, b]);
    }

    /// An op of a few kinds, on a few people and sessions, some of whose ids have a `/`.
    fn any_payload() -> impl proptest::strategy::Strategy<Value = crate::log::Payload> {
        use crate::log::Payload;
        use proptest::prelude::*;
        let id = |prefix: &'static str| {
            prop_oneof![
                (0..12u8).prop_map(move |i| format!("{prefix}-420704-{i}")),
                (0..3u8).prop_map(move |i| format!("{prefix}-420704-{i}/x")),
            ]
        };
        let at = chrono::NaiveDate::from_ymd_opt(2023, 4, 18)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        prop_oneof![
            (id("P"), 0..4u8).prop_map(|(id, phone)| {
                let mut payload = person(&id);
                if let Payload::PersonUpserted(p) = &mut payload {
                    p.phone = format!("1380000000{phone}");
                }
                payload
            }),
            (id("S"), id("P"), any::<bool>()).prop_map(|(session, person, enrolled)| {
                Payload::EnrolmentSet {
                    session,
                    person,
                    enrolled,
                }
            }),
            (id("S"), id("P")).prop_map(move |(session, person)| Payload::CheckedIn {
                session,
                person,
                at,
            }),
            (id("S"), id("P"))
                .prop_map(|(session, person)| Payload::CheckInUndone { session, person }),
        ]
    }

    proptest::proptest! {
        #[test]
        fn a_fold_in_parts_that_does_not_stray_is_the_whole_fold(
            payloads in proptest::collection::vec(any_payload(), 1..60),
            parts in 1..12usize,
        ) {
            let mut writers: Vec<crate::demo::ChainWriter> = (0..2)
                .map(|device| crate::demo::ChainWriter::new("420704", 40 + device, "测试"))
                .collect();
            let mut ops: Vec<Op> = payloads
                .into_iter()
                .enumerate()
                .map(|(i, payload)| writers[i % 2].push(payload).unwrap())
                .collect();
            ops.sort_by_key(Op::order_key);
            let whole: Vec<Record> = crate::log::rebuild(&ops)
                .unwrap()
                .into_iter()
                .map(|(key, value)| (key.into_bytes(), value))
                .collect();
            match folded(&ops, parts) {
                Folded::Strayed => proptest::prop_assert!(parts > 1),
                folded => proptest::prop_assert_eq!(records(folded), whole),
            }
        }
    }

    #[test]
    fn parts_read_as_one_are_the_whole_fold_in_key_order() {
        let mut writer = crate::demo::ChainWriter::new("420704", 7, "测试");
        let mut ops = Vec::new();
        for i in 0..40 {
            ops.push(writer.push(person(&format!("P-420704-{i}"))).unwrap());
            ops.push(
                writer
                    .push(crate::log::Payload::EnrolmentSet {
                        session: format!("S-420704-{}", i % 3),
                        person: format!("P-420704-{i}"),
                        enrolled: i % 4 != 0,
                    })
                    .unwrap(),
            );
        }
        let whole = records(folded(&ops, 1));
        assert!(whole.windows(2).all(|w| w[0].0 < w[1].0));
        for parts in [2, 5, 13] {
            assert_eq!(records(folded(&ops, parts)), whole, "{parts} parts");
        }
    }
}
