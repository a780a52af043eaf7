//! What an import sets aside rather than applies: ranges held until the ops before them come,
//! forks quarantined, ranges left out when setting them aside would pass the bound, and floods
//! of refused ops counted whole.

use crate::common;

use std::collections::BTreeMap;

use crate::common::offices::*;
use peixun::demo::ChainWriter;
use peixun::log::device::tagged;
use peixun::log::Op;
use peixun::sync::bundle::{seal, Draft, RangeHeader, Routing, SignedHead};
use peixun::sync::export::ExportOptions;
use peixun::sync::import::Outcome;
use peixun::sync::ledger::MAX_HELD_OPS;
use peixun::sync::ChainKind;

#[test]
fn a_range_that_would_hold_too_much_is_left_out_and_taken_once_the_gap_fills() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    let first = county.send(&city);
    let since = |seq: u64| {
        let device = county.store.device();
        let hash = county.store.op_hash(device, seq).unwrap().unwrap();
        ExportOptions {
            since: Some(BTreeMap::from([(device, (seq, hash))])),
            ..ExportOptions::default()
        }
    };
    county_work(&county, "2");
    assert_eq!(city.applied(&county.send_with(&city, &since(6))).held, 6);
    // Within the bound alone, past it beside the six ops held already.
    let mut season = peixun::demo::county_season(ECHENG, MAX_HELD_OPS as usize / 4);
    season.truncate(MAX_HELD_OPS as usize - 2);
    for chunk in season.chunks(5_000) {
        county.store.commit(chunk.to_vec()).unwrap();
    }
    let third = county.send_with(&city, &since(12));
    let before = city.state();
    let summary = city.imported(&third);
    assert_eq!((summary.counts.applied, summary.counts.held), (0, 0));
    let codes: Vec<_> = summary.refused.iter().map(|r| r.code).collect();
    assert_eq!(codes, ["too-long-to-hold"]);
    assert!(summary.refused[0]
        .reason
        .contains(&format!("{} ", MAX_HELD_OPS - 2)));
    assert_eq!(city.store.held_ranges().unwrap().len(), 1);
    assert_eq!(city.state(), before);

    let filled = city.applied(&first);
    assert_eq!((filled.applied, filled.released), (12, 6));
    assert_eq!(city.applied(&county.send(&city)).applied, MAX_HELD_OPS - 2);
    assert!(city.has(&format!("p/P-{ECHENG}-0")));
    city.assert_consistent();
}

#[test]
fn out_of_order_ranges_are_held_until_the_gap_fills() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    let first = county.send(&city);
    county_work(&county, "2");
    // As if the city had acknowledged the first six ops (its acknowledgement crossed the
    // first bundle on the way).
    let device = county.store.device();
    let hash6 = county.store.op_hash(device, 6).unwrap().unwrap();
    let since = BTreeMap::from([(device, (6, hash6))]);
    let second = county.send_with(
        &city,
        &ExportOptions {
            since: Some(since),
            ..ExportOptions::default()
        },
    );
    let held = city.applied(&second);
    assert_eq!((held.applied, held.held), (0, 6));
    let listed = city.store.held_ranges().unwrap();
    assert_eq!(listed.len(), 1);
    // Listed without its ops, which are counted.
    assert_eq!((listed[0].range.first, listed[0].ops.0), (7, 6));
    let bytes: u64 = county
        .store
        .ops()
        .map(Result::unwrap)
        .filter(|op| op.seq >= 7)
        .map(|op| op.encode().unwrap().len() as u64)
        .sum();
    assert_eq!(listed[0].ops.1, bytes, "their bytes counted too");
    assert!(!city.has(&format!("p/P-{ECHENG}-2")));

    let filled = city.applied(&first);
    assert_eq!((filled.applied, filled.released), (12, 6));
    assert!(city.store.held_ranges().unwrap().is_empty());
    assert!(city.has(&format!("p/P-{ECHENG}-2")));
    city.assert_consistent();
}

#[test]
fn a_fork_is_quarantined_and_reported() {
    let (_, city, county) = hierarchy();
    county_work(&county, "1");
    city.applied(&county.send(&city));
    // The county restores an old backup and writes other ops under the same sequence numbers:
    // signed by its own key, so genuine, but a second history.
    let device = county.store.device();
    let mut other = ChainWriter::new(ECHENG, device, "测试员");
    let ops: Vec<Vec<u8>> = (0..4)
        .map(|i| {
            other
                .push(session(ECHENG, &format!("S-420704-fork-{i}"), "另一段历史"))
                .unwrap()
                .encode()
                .unwrap()
        })
        .collect();
    let head = SignedHead::sign(
        &county.keys,
        device,
        ChainKind::Full,
        4,
        Op::hash_of(ops.last().unwrap()),
    )
    .unwrap();
    let draft = Draft {
        routing: Routing {
            sender: ECHENG.into(),
            sender_epoch: 1,
            recipient: EZHOU.into(),
            recipient_epoch: 1,
            bundle_id: [42; 16],
        },
        link_seq: 2,
        seen_link_seq: 0,
        created_ms: 0,
        acks: vec![],
        ranges: vec![(RangeHeader { first: 1, head }, ops)],
        files: vec![],
    };
    let bytes = seal(&draft, &county.keys, &city.keys.age_identity().to_public()).unwrap();
    let before = city.state();
    let counts = city.applied(&bytes);
    assert_eq!(counts.applied, 0);
    assert_eq!(counts.quarantined.len(), 1);
    assert_eq!(counts.quarantined[0].at, 1);
    assert_eq!(city.state(), before, "the fork changed nothing");
    let listed = city.store.quarantined().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].fork_at,
            listed[0].ops.0,
            listed[0].sender.as_str()
        ),
        (1, 4, ECHENG)
    );
}

/// A flood of ops under a neighbour's ids: each is stored with its reason, the counts list the
/// first thousand and count them all, and the attention line counts them all.
#[test]
fn a_flood_of_refused_ops_is_counted_whole_and_listed_in_part() {
    let (city, echeng, _, shared) = neighbours_sharing_an_enterprise();
    let flood = 1_205;
    let squat = echeng.craft(
        &city,
        tagged(ECHENG, 78),
        (0..flood)
            .map(|i| enterprise(ECHENG, &shared, &format!("冒名企业{i}")))
            .collect(),
    );
    let summary = city.imported(&squat);
    assert_eq!(summary.counts.refused_count, flood);
    assert_eq!(summary.counts.refused_ops.len(), 1_000);
    assert_eq!(city.store.voided_each().unwrap().count(), flood as usize);
    let lines =
        peixun::sync::summary::outcome_lines("b.pxb", &Outcome::Imported(Box::new(summary)))
            .join("\n");
    assert!(
        lines.contains(&format!("另有 {} 条操作未生效", flood - 5)),
        "{lines}"
    );
    let attention = peixun::sync::attention::attention(&city.store, 0).unwrap();
    let refused: Vec<&str> = attention
        .iter()
        .filter(|a| a.kind == "refused")
        .map(|a| a.text.as_str())
        .collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(
        refused[0].contains(&format!("{flood} 条操作未生效")),
        "{}",
        refused[0]
    );

    // `bundle held` lists every one: the first thousand in its table, all on lines of their own.
    let Office { dir, store, .. } = city;
    let folder = store.dir().to_path_buf();
    drop(store);
    let listed = common::json(&common::peixun(&folder, &["bundle", "held", "--json"]));
    let rows = listed.as_array().unwrap();
    assert_eq!(rows.len(), flood as usize);
    assert!(rows
        .iter()
        .all(|r| r["state"] == "refused" && r["reason"].is_string()));
    let text = common::stdout(&common::peixun(&folder, &["bundle", "held"]));
    assert!(text.contains("表中只列出前 1000 条"), "{text}");
    let table_rows = text.lines().filter(|l| l.starts_with("未生效")).count();
    let lines = text.lines().filter(|l| l.starts_with("设备 ")).count();
    assert_eq!((table_rows, lines), (1_000, flood as usize));
    drop(dir);
}
