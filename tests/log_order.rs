//! `peixun log` reads the log as it prints it: the devices' chains merged in fold order, the
//! same order the ops were folded in, whether printed whole, as JSON or only the last few.

use crate::common::offices::*;
use crate::common::{json, peixun, stdout};
use peixun::log::Payload;

/// A city whose log interleaves its own ops with a county's, taken from two bundles.
fn interleaved() -> (tempfile::TempDir, Vec<(String, u64)>) {
    let (city, county, _) = city_and_two_counties();
    let o = city.id().to_string();
    // Stamps are of the millisecond: each step in a later one.
    let later = || std::thread::sleep(std::time::Duration::from_millis(5));
    county_work(&county, "a");
    later();
    city.store
        .commit(vec![enterprise(&o, &format!("E-{o}-x"), "鄂州市城投集团")])
        .unwrap();
    city.imported(&county.send(&city));
    later();
    county_work(&county, "b");
    later();
    city.store
        .commit(vec![
            enterprise(&o, &format!("E-{o}-y"), "鄂州市港航集团"),
            Payload::EnrolmentSet {
                session: format!("S-{}-a", county.id()),
                person: format!("P-{}-a", county.id()),
                enrolled: false,
            },
        ])
        .unwrap();
    city.imported(&county.send(&city));
    let mut ops: Vec<_> = city.store.ops().map(|op| op.unwrap()).collect();
    ops.sort_by_key(|op| op.order_key());
    let order = ops
        .iter()
        .map(|op| (format!("{:016x}", op.device), op.seq))
        .collect();
    let Office { dir, store, .. } = city;
    drop(store);
    (dir, order)
}

fn listed(entries: &serde_json::Value) -> Vec<(String, u64)> {
    entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["device"].as_str().unwrap().to_string(),
                e["seq"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_whole_log_is_printed_in_fold_order_across_devices() {
    let (dir, order) = interleaved();
    let store = dir.path().join("store");
    let devices: std::collections::BTreeSet<_> = order.iter().map(|(d, _)| d).collect();
    assert_eq!(devices.len(), 2);
    // Not one device's chain after the other: the chains alternate.
    let changes = order.windows(2).filter(|w| w[0].0 != w[1].0).count();
    assert!(changes >= 3, "{order:?}");

    assert_eq!(listed(&json(&peixun(&store, &["log", "--json"]))), order);
    let last = listed(&json(&peixun(&store, &["log", "--json", "--limit", "4"])));
    assert_eq!(last, order[order.len() - 4..]);
    let none = listed(&json(&peixun(&store, &["log", "--json", "--limit", "0"])));
    assert!(none.is_empty());

    let table = stdout(&peixun(&store, &["log"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), order.len() + 1, "{table}");
    let shown: Vec<String> = lines[1..]
        .iter()
        .map(|line| line.split_whitespace().nth(3).unwrap().to_string())
        .collect();
    let expected: Vec<String> = order
        .iter()
        .map(|(device, seq)| format!("{}#{seq}", &device[..8]))
        .collect();
    assert_eq!(shown, expected, "{table}");
    // Padded to the widest cell of each column: the actor's column, after the device and its
    // op's number of one or two digits, starts at one place.
    let at =
        |line: &str| unicode_width::UnicodeWidthStr::width(&line[..line.find("测试员").unwrap()]);
    assert!(
        lines[1..].iter().all(|line| at(line) == at(lines[1])),
        "{table}"
    );
}
