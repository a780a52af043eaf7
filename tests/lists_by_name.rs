//! The whole-store lists, `people` and `enterprises` as tables and as JSON, come out by the
//! names' pinyin (ties in the order of their ids), gathered in a scratch file that is gone after.

use crate::common::{json, names_in, peixun, stdout};

fn added(dir: &std::path::Path, args: &[&str]) -> String {
    stdout(&peixun(dir, args)).trim().to_string()
}

/// The first cell of each row under a table's header.
fn first_cells(table: &str) -> Vec<String> {
    table
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn people_and_enterprises_are_listed_by_name_as_tables_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    let firm = |name: &str| added(dir.path(), &["enterprise", "add", "--name", name]);
    let (zhong, ai, wu) = (
        firm("鄂州中天科技有限公司"),
        firm("爱科光电有限公司"),
        firm("武汉东湖新材料有限公司"),
    );
    let person = |name: &str, phone: &str, firm: &str| {
        added(
            dir.path(),
            &[
                "person",
                "add",
                "--name",
                name,
                "--phone",
                phone,
                "--enterprise",
                firm,
            ],
        )
    };
    let zhao = person("赵四", "13800000004", &zhong);
    let ai_1 = person("艾青", "13800000001", &wu);
    let wang = person("王五", "13800000005", &ai);
    let ai_2 = person("艾青", "13800000002", &zhong);
    let mut ai_ids = [ai_1, ai_2];
    ai_ids.sort();
    let before = names_in(dir.path());

    let people = stdout(&peixun(dir.path(), &["people"]));
    let expected = [&ai_ids[0], &ai_ids[1], &wang, &zhao].map(|s| s.to_string());
    assert_eq!(first_cells(&people), expected, "{people}");
    // Each person's own enterprise and masked phone on their row, the columns lined up.
    let wang_row = people.lines().find(|l| l.starts_with(&wang)).unwrap();
    assert!(
        wang_row.contains("爱科光电有限公司") && wang_row.contains("138****0005"),
        "{people}"
    );
    let at = |line: &str| unicode_width::UnicodeWidthStr::width(&line[..line.find("138").unwrap()]);
    let rows: Vec<&str> = people.lines().skip(1).collect();
    assert!(rows.iter().all(|l| at(l) == at(rows[0])), "{people}");

    let table = stdout(&peixun(dir.path(), &["enterprises"]));
    assert_eq!(
        first_cells(&table),
        [&ai, &zhong, &wu].map(|s| s.to_string())
    );
    let listed = json(&peixun(dir.path(), &["enterprises", "--json"]));
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "爱科光电有限公司",
            "鄂州中天科技有限公司",
            "武汉东湖新材料有限公司"
        ]
    );
    assert_eq!(names_in(dir.path()), before, "no scratch file left behind");
}

#[test]
fn empty_lists_are_a_header_alone_and_an_empty_array() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    for list in ["people", "enterprises"] {
        assert_eq!(stdout(&peixun(dir.path(), &[list])).lines().count(), 1);
        assert_eq!(
            json(&peixun(dir.path(), &[list, "--json"])),
            serde_json::json!([])
        );
    }
}
