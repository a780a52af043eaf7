//! Printed pages keep what a row belongs to on the row's page: a page of the call list that
//! opens partway through an enterprise's people says again which enterprise they are (序号 and
//! 企业, marked （续）), so no phone is printed without its enterprise; a unit's line in 附件2
//! is never left alone at the foot of a page. Needs poppler-utils (`.ci/run` installs it).

use crate::common::*;

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// The CSV's body rows (after the title, the office's line and the header).
fn body_of(csv: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(csv).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .skip(3)
        .map(|record| record.unwrap().iter().map(str::to_string).collect())
        .filter(|cells: &Vec<String>| cells.len() >= 9)
        .collect()
}

/// Each phone of the list, with the enterprise whose people's rows it is in (an enterprise's
/// cells are on its first row only).
fn enterprise_of_phone(body: &[Vec<String>]) -> HashMap<String, String> {
    let mut owner = HashMap::new();
    let mut enterprise = String::new();
    for cells in body {
        if !cells[2].is_empty() {
            enterprise = cells[2].to_string();
        }
        if !cells[8].is_empty() {
            owner.insert(cells[8].to_string(), enterprise.clone());
        }
    }
    owner
}

/// The text of each page, laid out as printed (pdftotext ends each page with a form feed).
fn pages_of(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed to read the printed pages");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\x0c').map(str::to_string).collect();
    pages.pop_if(|last| last.trim().is_empty());
    pages
}

fn phones_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut phones = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run == 11 && chars[i] == '1' {
            phones.push(chars[i..i + run].iter().collect());
        }
        i += run.max(1);
    }
    phones
}

#[test]
fn every_printed_phone_has_its_enterprise_on_the_same_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    stdout(&peixun(&store, &["demo", "--no-tui"]));
    let pdf = dir.path().join("calls.pdf");
    let csv = dir.path().join("calls.csv");
    for file in [&pdf, &csv] {
        stdout(&peixun(
            &store,
            &["report", "calls", "-o", file.to_str().unwrap()],
        ));
    }
    let body = body_of(&csv);
    let owner = enterprise_of_phone(&body);
    // Where the outreach stands is two lines, the date under it, so no spreadsheet breaks the
    // date itself (LibreOffice printed `2023-04-` and `15`).
    let statuses: Vec<&str> = body
        .iter()
        .map(|c| c[5].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    let dated = statuses.iter().filter(|s| s.contains('\n')).count();
    assert!(dated > 10, "{dated} of {} dated", statuses.len());
    for status in &statuses {
        let lines: Vec<&str> = status.split('\n').collect();
        let undated = lines.len() == 1 && lines[0] == "未联络";
        let dated =
            lines.len() == 2 && chrono::NaiveDate::parse_from_str(lines[1], "%Y-%m-%d").is_ok();
        assert!(undated || dated, "{status:?}");
    }
    assert!(owner.len() > 1000, "{} phones", owner.len());
    assert!(
        !std::fs::read_to_string(&csv).unwrap().contains("（续）"),
        "only a printed page says a group again"
    );
    let pages = pages_of(&pdf);
    let mut reopened = 0;
    for (at, text) in pages.iter().enumerate() {
        let Some(first) = phones_in(text).into_iter().next() else {
            continue;
        };
        let enterprise = &owner[&first];
        let opening: String = enterprise.chars().take(6).collect();
        assert!(
            text.contains(&opening),
            "page {} opens with {first} of {enterprise}, not named on the page:\n{text}",
            at + 1
        );
        if text.contains("（续）") {
            reopened += 1;
        }
    }
    let pages = pages.len();
    assert!(pages > 20, "{pages} pages");
    assert!(
        reopened > 0,
        "some page of {pages} opens partway through an enterprise's people"
    );
}

#[test]
fn a_units_line_in_the_plans_is_never_left_alone_at_the_foot_of_a_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    stdout(&peixun(&store, &["demo", "--no-tui"]));
    let pdf = dir.path().join("plans.pdf");
    stdout(&peixun(
        &store,
        &["report", "plans", "-o", pdf.to_str().unwrap()],
    ));
    let pages = pages_of(&pdf);
    assert!(pages.len() > 1, "{} pages", pages.len());
    let mut units = 0;
    for (at, text) in pages.iter().enumerate() {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.contains("制表单位"))
            .collect();
        units += lines.iter().filter(|l| l.contains("报送；计划")).count();
        let last = lines.last().copied().unwrap_or_default();
        assert!(
            !last.contains("报送；计划"),
            "page {} ends with a unit's line and none of its rows:\n{text}",
            at + 1
        );
    }
    assert!(units > 3, "{units} units' lines");
}
