//! A sheet import killed with SIGKILL while it runs (reading, checking, staging or committing its
//! chunks) leaves the office with none of the sheet or, once the store is next opened, all of
//! it: a long import is committed in chunks (`store::staged`), and an interrupted one is
//! finished on the next open.

mod common;

use std::path::Path;
use std::time::Instant;

use common::{json, peixun, run_killed, stdout, text};

const ROWS: usize = 6_000;

fn sheet(path: &Path) {
    let mut csv = String::from("序号,姓名,手机号,单位名称,职务\n");
    for i in 0..ROWS {
        csv.push_str(&format!(
            "{},欧阳明{},139{:08},鄂州市第{}号科技有限公司,知识产权专员\n",
            i + 1,
            ["月", "辉", "亮", "华"][i % 4],
            i,
            i % 300
        ));
    }
    std::fs::write(path, csv).unwrap();
}

fn people(dir: &Path) -> (usize, String) {
    let out = peixun(dir, &["people", "--json"]);
    let said = common::stderr(&out);
    (json(&out).as_array().unwrap().len(), said)
}

fn fresh(dir: &Path) {
    stdout(&peixun(dir, &["init", "--office", "鄂城区"]));
    // Today's backup out of the way, so the import's time is the import's.
    stdout(&peixun(dir, &["backup"]));
}

#[test]
fn an_import_killed_midway_leaves_none_of_the_sheet_or_all_of_it() {
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("报名表.csv");
    sheet(&file);
    let full = work.path().join("full");
    fresh(&full);
    let started = Instant::now();
    let out = peixun(&full, &["import", file.to_str().unwrap()]);
    let took = started.elapsed();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("{ROWS}/")),
        "a long import says how far it is: {}",
        text(&out)
    );
    assert_eq!(people(&full).0, ROWS);

    let mut killed = 0;
    let mut finished_on_open = 0;
    for tenth in 1..=9u32 {
        let dir = work.path().join(format!("killed-{tenth}"));
        fresh(&dir);
        if !run_killed(&dir, &["import", file.to_str().unwrap()], took * tenth / 10) {
            continue;
        }
        killed += 1;
        let (now, said) = people(&dir);
        assert!(
            now == 0 || now == ROWS,
            "killed at {tenth}/10 of {took:?}: {now} people"
        );
        // Killed between chunks, the next open finishes the rest; killed while it was being
        // staged, the next open drops what was staged and says none of it was written.
        if said.contains("正在写完剩下的") {
            finished_on_open += 1;
            assert_eq!(now, ROWS, "{said}");
        } else if said.contains("在写入前被中断") {
            assert_eq!(now, 0, "{said}");
        }
        let doctor = peixun(&dir, &["doctor"]);
        assert!(doctor.status.success(), "{}", text(&doctor));
    }
    eprintln!("{killed} kills, {finished_on_open} finished on the next open");
    assert!(
        killed >= 5,
        "only {killed} runs were still going when killed"
    );
    assert!(
        finished_on_open >= 1,
        "no kill landed between the chunks ({killed} kills)"
    );
}
