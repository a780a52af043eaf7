//! The official tables read back as an office would open them.

use crate::common::*;

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};

fn sheet(path: &Path) -> Vec<Vec<String>> {
    let mut book = open_workbook_auto(path).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["demo", "--no-tui"]));
    dir
}

#[test]
fn the_statistics_table_is_the_sample_table() {
    let dir = demo();
    let path = dir.path().join("统计表.xlsx");
    let said = stdout(&peixun(
        dir.path(),
        &["report", "stats", "-o", path.to_str().unwrap()],
    ));
    let rows = sheet(&path);
    assert_eq!(rows[0][0], "2023 年全省“百县万企”知识产权大培训情况统计表");
    assert_eq!(rows[1][0], "单位（盖章）：鄂州市市场监督管理局");
    assert_eq!(
        rows[2],
        [
            "序号",
            "培训班名称",
            "培训内容",
            "培训对象",
            "人数",
            "时间",
            "地点",
            "主办单位"
        ]
    );
    let sessions: serde_json::Value =
        serde_json::from_slice(&peixun(dir.path(), &["sessions", "--json"]).stdout).unwrap();
    let held: Vec<&serde_json::Value> = sessions
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "offline" && s["date"].as_str().unwrap() <= "2023-04-20")
        .collect();
    let total_at = rows.iter().position(|r| r[0] == "合计").unwrap();
    let body = &rows[3..total_at];
    assert_eq!(body.len(), held.len());
    assert!(body
        .iter()
        .any(|r| r[1].contains("第一场") && r[7] == "鄂城区（临空经济区协办）"));
    // A class nobody checked in to says so rather than 0.
    let total: u32 = body.iter().filter_map(|r| r[4].parse::<u32>().ok()).sum();
    let last = &rows[total_at];
    assert_eq!(last[4], total.to_string());
    assert!(said.contains(&format!("合计 {total} 人")), "{said}");
}

#[test]
fn csv_in_utf8_with_bom_or_gb18030() {
    let dir = demo();
    let utf8 = dir.path().join("s.csv");
    stdout(&peixun(
        dir.path(),
        &["report", "stats", "-o", utf8.to_str().unwrap()],
    ));
    let bytes = std::fs::read(&utf8).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8_lossy(&bytes).contains("序号,培训班名称,培训内容"));
    let gb = dir.path().join("g.csv");
    stdout(&peixun(
        dir.path(),
        &[
            "report",
            "stats",
            "-o",
            gb.to_str().unwrap(),
            "--encoding",
            "gb18030",
        ],
    ));
    let bytes = std::fs::read(&gb).unwrap();
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad && text.contains("单位（盖章）：鄂州市市场监督管理局"));
}

#[test]
fn a_sign_in_sheet_comes_back_as_check_ins() {
    // The sheet is printed before the class (2023-04-25) and comes back ticked on its day.
    let dir = demo();
    let sessions: serde_json::Value =
        serde_json::from_slice(&peixun(dir.path(), &["sessions", "--json"]).stdout).unwrap();
    let future = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["date"] == "2023-04-25")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = dir.path().join("签到表.xlsx");
    stdout(&peixun(
        dir.path(),
        &[
            "report",
            "signin",
            "--session",
            &future,
            "-o",
            path.to_str().unwrap(),
        ],
    ));
    let rows = sheet(&path);
    assert!(rows[0][0].ends_with("签到表（第 1 版）"), "{}", rows[0][0]);
    assert_eq!(
        rows[2],
        [
            "序号",
            "姓名",
            "单位",
            "职务",
            "联系电话",
            "参会码",
            "签到",
            "签名"
        ]
    );
    assert!(
        rows[3][4].contains("****"),
        "phones are masked: {}",
        rows[3][4]
    );
    let second = rows[4][1].clone();
    let ticked = |numbers: &[&str]| {
        let mut args = vec![
            "--today",
            "2023-04-25",
            "checkin",
            "--session",
            &future,
            "--numbers",
        ];
        args.extend_from_slice(numbers);
        peixun(dir.path(), &args)
    };
    stdout(&ticked(&["1-2,5"]));
    let attendance: serde_json::Value = serde_json::from_slice(
        &peixun(dir.path(), &["attendance", "--session", &future, "--json"]).stdout,
    )
    .unwrap();
    let names: Vec<&str> = attendance
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names.contains(&second.as_str()));
    // Ticked again with one more: one new, the three already in said apart, as the preview
    // of the 场次 tab says them.
    let again = stdout(&ticked(&["1-2,5-6"]));
    assert!(
        again.contains("已按签到表登记 1 人签到（另有 3 人此前已签到"),
        "{again}"
    );
    let beyond = ticked(&["999"]);
    assert_eq!(beyond.status.code(), Some(2));

    // Someone enrolled after printing sorts above row 8: row 8 on paper is still row 8's
    // person, read against version 1.
    let eighth = rows[10][1].clone();
    stdout(&peixun(
        dir.path(),
        &[
            "enrol",
            "--session",
            &future,
            "--name",
            "阿华",
            "--phone",
            "13807119999",
        ],
    ));
    let out = stdout(&ticked(&["8"]));
    assert!(out.contains("按第 1 版签到表"), "{out}");
    let attendance: serde_json::Value = serde_json::from_slice(
        &peixun(dir.path(), &["attendance", "--session", &future, "--json"]).stdout,
    )
    .unwrap();
    let names: Vec<&str> = attendance
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&eighth.as_str()), "{names:?} lacks {eighth}");
    assert!(!names.contains(&"阿华"));
    // A version never printed is named.
    let missing = ticked(&["1", "--sheet", "7"]);
    assert!(text(&missing).contains("没有打印过第 7 版签到表"));
}

#[test]
fn coverage_and_checklist_roll_up_every_unit() {
    let dir = demo();
    let coverage: serde_json::Value =
        serde_json::from_slice(&peixun(dir.path(), &["report", "coverage", "--json"]).stdout)
            .unwrap();
    let rows = coverage.as_array().unwrap();
    assert_eq!(rows.len(), 6, "鄂州市's five units, and the total");
    let total = rows.last().unwrap();
    let sum: u64 = rows[..5]
        .iter()
        .map(|r| r["enterprises_reached"].as_u64().unwrap())
        .sum();
    assert_eq!(total["enterprises_reached"].as_u64().unwrap(), sum);
    assert_eq!(total["enterprises"], 400);
    let path = dir.path().join("清单.xlsx");
    stdout(&peixun(
        dir.path(),
        &["report", "checklist", "-o", path.to_str().unwrap()],
    ));
    let rows = sheet(&path);
    assert_eq!(rows[0][0], "鄂州市各单位工作清单");
    assert!(rows
        .iter()
        .any(|r| r[0] == "梁子湖区" && r[1] == "制订培训计划并报市州" && r[4] == "逾期"));
    // A done item has no working days left to count, however long ago its date was.
    let done: Vec<&Vec<String>> = rows.iter().filter(|r| r[4] == "已完成").collect();
    assert!(!done.is_empty());
    assert!(done.iter().all(|r| r[3].is_empty()), "{done:?}");
    assert!(rows.iter().any(|r| r[4] == "逾期" && r[3].starts_with('-')));
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
    })
}

#[test]
fn english_report_tables_are_english_but_for_the_data() {
    let dir = demo();
    let out = stdout(&peixun(
        dir.path(),
        &["--lang", "en", "report", "checklist"],
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Checklist of every unit of 鄂州市");
    // The date under the title is written the English way; the office's name is data.
    let as_of = lines[1].split_once("as of ").map(|(_, date)| date.trim());
    assert!(
        as_of.is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()),
        "{}",
        lines[1]
    );
    assert!(!has_cjk(lines[2]), "header: {}", lines[2]);
    assert!(lines[2].starts_with("Unit"), "{}", lines[2]);
    let out = stdout(&peixun(dir.path(), &["--lang", "en", "report", "coverage"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(!has_cjk(lines[2]), "header: {}", lines[2]);
    // Past the unit's name (data), every cell is in English, the total row too; under the
    // table, its notes (the categories are the seed's words).
    let total = lines
        .iter()
        .position(|l| l.starts_with("total"))
        .unwrap_or_else(|| panic!("no total row: {out}"));
    for line in &lines[3..=total] {
        let rest = line.split_once(' ').map_or("", |(_, rest)| rest);
        assert!(!has_cjk(rest), "{line}");
    }
    assert!(
        lines[total + 1..].iter().any(|l| l.contains("by category")),
        "{out}"
    );
    // A written checklist follows the language of its title.
    let path = dir.path().join("checklist.csv");
    stdout(&peixun(
        dir.path(),
        &[
            "--lang",
            "en",
            "report",
            "checklist",
            "-o",
            path.to_str().unwrap(),
        ],
    ));
    let text = std::fs::read_to_string(&path).unwrap();
    let header = text.lines().nth(2).unwrap();
    assert!(!has_cjk(header), "{header}");
    // In Chinese the tables keep their Chinese headers.
    let out = stdout(&peixun(dir.path(), &["report", "coverage"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[2].starts_with("单位"), "{}", lines[2]);
    assert!(lines[2].contains("已参训企业"), "{}", lines[2]);
    let total = lines
        .iter()
        .find(|l| l.starts_with("合计"))
        .unwrap_or_else(|| panic!("{out}"));
    // 鄂州's three county-level units trained people; its two zones are not counted as such.
    assert!(lines[2].ends_with("覆盖县（市）区"), "{}", lines[2]);
    assert!(total.trim_end().ends_with("3/3"), "{total}");
    assert!(
        lines.last().unwrap().starts_with("已参训企业中："),
        "the category note under the table: {out}"
    );
}

/// Someone trained online only (the watch log to the trained rule) counts in 已参训人数; one who
/// watched an hour does not.
#[test]
fn coverage_counts_people_trained_online_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "湖北省"]));
    for (name, phone) in [("甲", "13800000001"), ("乙", "13800000002")] {
        stdout(&peixun(
            d,
            &["person", "add", "--name", name, "--phone", phone],
        ));
    }
    let reached = |d: &Path| {
        let rows = json(&peixun(d, &["report", "coverage", "--json"]));
        rows.as_array().unwrap().last().unwrap()["people_reached"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(reached(d), 0);
    let log = d.join("watch.csv");
    std::fs::write(
        &log,
        "姓名,手机,观看时长,问卷,测试成绩\n甲,13800000001,540,是,90\n乙,13800000002,60,否,40\n",
    )
    .unwrap();
    stdout(&peixun(d, &["cert", "import", log.to_str().unwrap()]));
    assert_eq!(reached(d), 1, "甲 trained online; 乙 watched an hour");
}
