//! The 通报 and the 评选 from the command line: refusals in words with nothing written, the
//! bulletin's figures as the coverage report and the 样表 give them, both tables printed whole.

use crate::common::*;

fn log_len(dir: &std::path::Path) -> usize {
    json(&peixun(dir, &["log", "--json"]))
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn the_command_line_nominates_refuses_in_words_and_prints_the_bulletin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["demo", "--no-tui"]));
    let people = json(&peixun(d, &["people", "--json"]));
    let someone = people[0]["id"].as_str().unwrap().to_string();
    let out = stdout(&peixun(
        d,
        &[
            "award", "nominate", "--kind", "trainee", "--person", &someone, "--reason", "全勤",
        ],
    ));
    assert!(out.contains("优秀学员"), "{out}");

    let before = log_len(d);
    for (args, words) in [
        (vec!["--kind", "trainer", "--name", "张三"], "trainer"),
        (
            vec!["--kind", "trainee", "--person", "P-nobody"],
            "P-nobody",
        ),
        (
            vec!["--kind", "teacher", "--name", "张三", "--unit", "江岸区"],
            "江岸区",
        ),
        (vec!["--kind", "course", "--course", "99"], "99"),
    ] {
        let mut all = vec!["award", "nominate", "--reason", "好"];
        all.extend(args);
        let refused = peixun(d, &all);
        assert_eq!(refused.status.code(), Some(2), "{all:?}");
        let said = text(&refused);
        assert!(said.contains(words), "{said}");
        assert!(
            said.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{said}"
        );
    }
    let en = peixun(
        d,
        &[
            "--lang",
            "en",
            "award",
            "nominate",
            "--kind",
            "teacher",
            "--name",
            "张三",
            "--unit",
            "江岸区",
            "--reason",
            "x",
        ],
    );
    assert_eq!(en.status.code(), Some(2));
    assert!(text(&en).contains("outside the area"), "{}", text(&en));
    let select = peixun(d, &["award", "select", "W-420700-x-1"]);
    assert_eq!(select.status.code(), Some(2));
    assert_eq!(log_len(d), before, "nothing written by a refusal");

    // The figures agree with coverage and the 样表; the file holds both tables.
    let figures = json(&peixun(d, &["report", "bulletin", "--json"]));
    let rows = figures["rows"].as_array().unwrap();
    let total = rows.last().unwrap();
    let covered = json(&peixun(d, &["report", "coverage", "--json"]));
    let covered_total = covered.as_array().unwrap().last().unwrap();
    assert_eq!(total["trained"], covered_total["people_reached"]);
    let stats = stdout(&peixun(
        d,
        &[
            "report",
            "stats",
            "-o",
            d.join("样表.csv").to_str().unwrap(),
        ],
    ));
    assert!(
        stats.contains(&format!("{} 个培训班", total["classes"]))
            && stats.contains(&format!("合计 {} 人", total["offline_people"])),
        "{stats} vs {total}"
    );
    assert_eq!(figures["awards"].as_array().unwrap().len(), 1);

    let pdf = d.join("通报.pdf");
    stdout(&peixun(
        d,
        &["report", "bulletin", "-o", pdf.to_str().unwrap()],
    ));
    let csv = d.join("通报.csv");
    stdout(&peixun(
        d,
        &["report", "bulletin", "-o", csv.to_str().unwrap()],
    ));
    let pages = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) reads the printed pages");
    let printed: String = String::from_utf8_lossy(&pages.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // Each table fits one page here, so every character of the file is printed at least as
    // often as the file holds it: a cell cut by its column or row loses some.
    let page_breaks = String::from_utf8_lossy(&pages.stdout)
        .matches('\u{c}')
        .count();
    assert_eq!(page_breaks, 2, "a page for each table");
    let count = |text: &str| {
        let mut counts = std::collections::HashMap::<char, usize>::new();
        for c in text.chars().filter(|c| c.is_alphanumeric()) {
            *counts.entry(c).or_default() += 1;
        }
        counts
    };
    let shown = count(&printed);
    let table = std::fs::read_to_string(&csv).unwrap();
    for (c, n) in count(&table) {
        assert!(
            shown.get(&c).copied().unwrap_or(0) >= n,
            "{c} cut off the pages"
        );
    }
    assert!(printed.contains("鄂州市“百县万企”知识产权大培训情况通报表"));
    assert!(printed.contains("推荐名单") && printed.contains("待省局评选"));
}
