//! `peixun doctor` and `peixun log`: the log is the truth, so check it and show it.

use std::collections::{BTreeMap, VecDeque};

use color_eyre::eyre::{Result, WrapErr};
use serde::Serialize;

use super::{
    headers, open_store, print_json, print_json_each, print_table, print_table_each, unit_name,
    user_error,
};
use crate::cli::Cli;
use crate::i18n::{t, tf};
use crate::log::Op;
use crate::search::cache;
use crate::search::names::EnterpriseNames;
use crate::store::derived::{remove_if_there, DerivedFile};
use crate::store::kept_records::{self, KeptRecords};
use crate::store::Store;

/// What is wrong with a store's logs or state; empty when healthy.
pub fn check(store: &Store) -> Result<(usize, usize, Vec<String>)> {
    // The log first. Its pages stay in sled's cache once read (too few to be evicted at all),
    // until the fold's walk over the state pushes them out; handing their memory back then
    // leaves the kept files' checks 60 MB more room at ten times the province (`doctor` 185
    // MB at its peak, against 205 MB the other way round).
    let (count, devices, mut problems) = log_problems(store)?;
    crate::heap::release_freed();
    problems.extend(kept_problems(store)?);
    // What the certification book took goes back before a store service goes on.
    crate::heap::release_freed();
    Ok((count, devices, problems))
}

/// The devices' chains, their heads, and the state against the log folded again.
fn log_problems(store: &Store) -> Result<(usize, usize, Vec<String>)> {
    let mut problems = Vec::new();
    let mut count = 0;
    let mut chains: BTreeMap<u64, (u64, [u8; 32])> = BTreeMap::new();
    for op in store.ops() {
        let op = op?;
        let bytes = op.encode()?;
        let (last_seq, last_hash) = chains.get(&op.device).copied().unwrap_or((0, [0; 32]));
        if op.seq != last_seq + 1 {
            problems.push(tf(
                "cli.doctor.gap",
                &[("device", &format!("{:016x}", op.device)), ("seq", &op.seq)],
            ));
        } else if op.prev != last_hash {
            problems.push(tf(
                "cli.doctor.bad_prev",
                &[("device", &format!("{:016x}", op.device)), ("seq", &op.seq)],
            ));
        }
        chains.insert(op.device, (op.seq, Op::hash_of(&bytes)));
        count += 1;
    }
    for (device, head) in store.heads()? {
        if chains.get(&device).map(|c| (c.0, c.1)) != Some((head.seq, head.hash)) {
            problems.push(tf(
                "cli.doctor.bad_head",
                &[("device", &format!("{device:016x}"))],
            ));
        }
    }
    let state = store.check_state(count)?;
    if let Some(error) = state.fold_error {
        problems.push(error);
    } else if let Some(first) = state.first {
        problems.push(tf(
            "cli.doctor.state_differs",
            &[("count", &state.differing), ("first", &first)],
        ));
    }
    Ok((count, chains.len(), problems))
}

/// The files kept beside the store that commands read as they are: each one that is not what
/// the store gives is removed, to be made again.
fn kept_problems(store: &Store) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if !search_index_is_current(store)? {
        problems.push(t("cli.doctor.search_index_stale"));
    }
    for file in [DerivedFile::Checklist, DerivedFile::Sessions] {
        if !records_are_current(store, file)? {
            problems.push(tf("cli.doctor.records_stale", &[("file", &file.name())]));
        }
    }
    if !crate::cert::kept::kept_is_current(store, &crate::cert::Rules::load()?)? {
        problems.push(t("cli.doctor.cert_summary_stale"));
    }
    // What screens keep is not checked but let go, to be worked out again on the next visit:
    // checking it would read the whole store twice more (at ten times the province, 51 s and
    // 358 MB against 28 s and 254 MB).
    crate::sync::ledger::forget_kept_review(store)?;
    crate::app::outreach::forget_kept_screen_rows(store)?;
    crate::sheets::known::forget(store)?;
    Ok(problems)
}

/// Whether the search index kept beside the store (if any) is the one its people give; one
/// that is not is removed, to be built again by the next search.
fn search_index_is_current(store: &Store) -> Result<bool> {
    let Some(kept) = cache::load(store.dir())? else {
        return Ok(true);
    };
    // Person by person against the store, without building another index (600 MB at stress).
    let names = EnterpriseNames::read(store)?;
    let mut kept_people = kept.people();
    let mut same = true;
    // The kept index holds a few of its pages at a time (`search::paged`), however far the
    // walk goes.
    for person in store.people_each() {
        let (expected, _) = names.candidate(&person?);
        same &= kept_people.next() == Some(expected);
    }
    if same && kept_people.next().is_none() {
        return Ok(true);
    }
    DerivedFile::Search
        .remove_from(store.dir())
        .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &store.dir().display())]))?;
    Ok(false)
}

/// Whether the records kept beside the store in `file` (if any) are the store's; a copy that is
/// not is removed, to be made again by the next command that reads it.
fn records_are_current(store: &Store, file: DerivedFile) -> Result<bool> {
    let Some(kept) = kept_records::load(store.dir(), file) else {
        return Ok(true);
    };
    if kept == KeptRecords::of(store, file)? {
        return Ok(true);
    }
    remove_if_there(&file.path(store.dir()))
        .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &store.dir().display())]))?;
    Ok(false)
}

/// One check at a time in a process: each works in a scratch store of its own name.
static CHECKING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `check` of a store that others may be writing to (through the store service): a check that
/// saw the log grow under it is done again, and the third time with writes held back.
fn check_while_written(store: &Store) -> Result<(usize, usize, Vec<String>)> {
    let _one = CHECKING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for _ in 0..2 {
        let before = store.ops_written()?;
        let found = check(store)?;
        if store.ops_written()? == before {
            return Ok(found);
        }
    }
    store.without_writes(|| check(store))?
}

pub fn doctor(cli: &Cli) -> Result<()> {
    let store = open_store(cli)?;
    let (ops, devices, problems) = check_while_written(&store)?;
    let attention = crate::sync::attention::attention(&store, crate::log::hlc::now_ms())?;
    if problems.is_empty() {
        let said = if attention.is_empty() {
            "cli.doctor.ok"
        } else {
            "cli.doctor.ok_but"
        };
        crate::outln!(
            "{}",
            tf(
                said,
                &[
                    ("ops", &ops),
                    ("devices", &devices),
                    ("count", &attention.len())
                ]
            )
        );
        for item in &attention {
            crate::outln!("- {}", item.text);
        }
        for line in crate::sync::attention::rehomed_lines(&store)? {
            crate::outln!("{line}");
        }
        return Ok(());
    }
    for item in &attention {
        crate::errln!("- {}", item.text);
    }
    for problem in &problems {
        crate::errln!("{problem}");
    }
    Err(user_error(tf(
        "cli.doctor.failed",
        &[("count", &problems.len())],
    )))
}

#[derive(Serialize)]
struct LogEntry {
    time: String,
    office: String,
    device: String,
    seq: u64,
    actor: String,
    kind: &'static str,
    records: Vec<String>,
    payload: crate::log::Payload,
}

impl LogEntry {
    fn of(op: Op) -> LogEntry {
        LogEntry {
            time: op
                .hlc
                .to_datetime()
                .map(|t| {
                    t.with_timezone(&chrono::Local)
                        .format("%Y-%m-%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default(),
            device: format!("{:016x}", op.device),
            seq: op.seq,
            kind: op.payload.kind(),
            records: op.payload.records(),
            office: op.office,
            actor: op.actor,
            payload: op.payload,
        }
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.time.clone(),
            unit_name(&self.office),
            format!("{}#{}", &self.device[..8], self.seq),
            self.actor.clone(),
            t(&format!("cli.op.{}", self.kind)),
            self.records.first().cloned().unwrap_or_default(),
        ]
    }
}

fn log_headers() -> Vec<String> {
    headers(&["time", "office", "device", "actor", "op", "record"])
}

/// The audit trail in fold order: one record's ops, the last `limit`, or the whole log, which
/// is read as it is printed, never held. The log is read through once first, so that a damaged
/// op stops the command before anything is printed, and the ops printed are those that read
/// found, even when the office's interface writes more meanwhile (the command may run in it).
pub fn log(cli: &Cli, record: Option<&str>, limit: Option<usize>, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let mut ops: Vec<Op> = match record {
        Some(id) => store.ops_for_record(id)?,
        None => {
            let snapshot = store.log_snapshot()?;
            let each = || store.ops_as_at(&snapshot);
            match limit {
                Some(limit) => {
                    let mut last = VecDeque::with_capacity(limit.min(1 << 16));
                    for op in each()? {
                        let op = op?;
                        if limit > 0 {
                            if last.len() == limit {
                                last.pop_front();
                            }
                            last.push_back(op);
                        }
                    }
                    last.into()
                }
                None if json => return print_json_each(each()?.map(|op| op.map(LogEntry::of))),
                None => {
                    return print_table_each(&log_headers(), || {
                        Ok(each()?.map(|op| op.map(|op| LogEntry::of(op).row())))
                    })
                }
            }
        }
    };
    if ops.is_empty() && record.is_some() {
        return Err(user_error(tf(
            "cli.log.no_record",
            &[("id", &record.unwrap_or_default())],
        )));
    }
    if let (Some(limit), Some(_)) = (limit, record) {
        let skip = ops.len().saturating_sub(limit);
        ops.drain(..skip);
    }
    let entries: Vec<LogEntry> = ops.into_iter().map(LogEntry::of).collect();
    if json {
        return print_json(&entries);
    }
    let rows: Vec<Vec<String>> = entries.iter().map(LogEntry::row).collect();
    print_table(&log_headers(), &rows);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::Payload;
    use crate::store::oplog::{merged, read_run, run_key};

    fn person(i: usize) -> Payload {
        let (id, phone) = (format!("P-420704-d{i}"), format!("139{i:08}"));
        crate::log::fixtures::person(&id, "欧阳明月", &phone, &format!("D{i}"))
    }

    #[test]
    fn a_store_written_to_while_it_is_checked_is_found_healthy() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.commit((0..200).map(person).collect()).unwrap();
        let stop = std::sync::atomic::AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut i = 1_000;
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    store.commit(vec![person(i)]).unwrap();
                    i += 1;
                }
            });
            for _ in 0..5 {
                let (_, _, problems) = check_while_written(&store).unwrap();
                assert!(problems.is_empty(), "{problems:?}");
            }
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
    }

    #[test]
    fn heads_claiming_more_ops_than_the_log_holds_are_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(dir.path(), "420704", "测试员").unwrap();
        store.commit((0..5).map(person).collect()).unwrap();
        for device in [0xdead_u64, 0xbeef] {
            let head = crate::store::Head {
                office: "420704".into(),
                seq: u64::MAX / 2 + 1,
                hash: [0; 32],
            };
            store
                .heads
                .insert(device.to_be_bytes(), postcard::to_stdvec(&head).unwrap())
                .unwrap();
        }
        let (ops, _, problems) = check(&store).unwrap();
        assert_eq!(ops, 5);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("000000000000beef"), "{problems:?}");
    }

    /// The one run of the store's chain with its ops as `edit` leaves them.
    fn rewrite_run(store: &Store, device: u64, edit: impl FnOnce(&mut Vec<(u64, Vec<u8>)>)) {
        let key = run_key(device, 1);
        let mut ops = read_run(&store.ops.get(key).unwrap().unwrap()).unwrap();
        edit(&mut ops);
        let ops: Vec<(u64, &[u8])> = ops.iter().map(|(s, b)| (*s, b.as_slice())).collect();
        store.ops.insert(key, merged(None, &ops).unwrap()).unwrap();
    }

    #[test]
    fn a_chain_with_a_forged_link_a_gap_or_a_head_past_its_end_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
        let device = store.commit((1..=4).map(person).collect()).unwrap()[0].device;
        let (count, devices, problems) = check(&store).unwrap();
        assert_eq!((count, devices), (4, 1));
        assert!(problems.is_empty(), "{problems:?}");
        let named =
            |key: &str, seq: u64| tf(key, &[("device", &format!("{device:016x}")), ("seq", &seq)]);

        // Op 2 names another hash as the one before it.
        rewrite_run(&store, device, |ops| {
            let mut op = Op::decode(&ops[1].1).unwrap();
            op.prev = [7; 32];
            ops[1].1 = op.encode().unwrap();
        });
        let problems = check(&store).unwrap().2;
        assert!(
            problems.contains(&named("cli.doctor.bad_prev", 2)),
            "{problems:?}"
        );

        // Op 2 missing, and op 4 too: the head names an op the log does not have.
        rewrite_run(&store, device, |ops| {
            ops.remove(3);
            ops.remove(1);
        });
        let (count, _, problems) = check(&store).unwrap();
        assert_eq!(count, 2);
        assert!(
            problems.contains(&named("cli.doctor.gap", 3)),
            "{problems:?}"
        );
        let head = tf(
            "cli.doctor.bad_head",
            &[("device", &format!("{device:016x}"))],
        );
        assert!(problems.contains(&head), "{problems:?}");
    }
}
