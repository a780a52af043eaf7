//! The certification chain from the command line at the province office: the platform's watch
//! log in, the trained rule, evaluation, the exam rule table, certificates and the roster.

use crate::common::*;

use std::path::Path;

fn province() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "湖北省"]));
    dir
}

fn add_person(dir: &Path, name: &str, phone: &str) -> String {
    stdout(&peixun(
        dir,
        &["person", "add", "--name", name, "--phone", phone],
    ))
    .trim()
    .to_string()
}

fn add_session(dir: &Path, kind: &str, title: &str, date: &str) -> String {
    stdout(&peixun(
        dir,
        &[
            "session",
            "add",
            "--kind",
            kind,
            "--title",
            title,
            "--date",
            date,
            "--start",
            "09:00",
            "--end",
            "16:30",
            "--venue",
            "武汉",
            "--units",
            "武汉市",
        ],
    ))
    .trim()
    .to_string()
}

fn op_count(dir: &Path) -> usize {
    json(&peixun(dir, &["log", "--json"]))
        .as_array()
        .unwrap()
        .len()
}

/// Everyone in the chain, by name.
fn book(dir: &Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    json(&peixun(dir, &["cert", "list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["person"]["name"].as_str().unwrap().to_string(), c.clone()))
        .collect()
}

/// A watch log as the platform exports it: a title row, a blank row, the header in row 3; one
/// person watching in two sittings; a stranger; a bad duration in row 8.
const WATCH: &str = "线上大培训观看记录\n\n姓名,手机号,课程,观看时长（分钟）,是否填写问卷,测试成绩,备注\n张三,13800001111,第1天,200,是,88,\n张三,13800001111,第2天,1:40:00,是,,\n张三,13800001111,第3天,１２０分钟,是,,\n王五,13900000000,第1天,50,否,60,\n赵六,,第1天,abc,是,,\n李四,13800002222,第1天,100,否,70,\n";

fn write_gb18030(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, encoding_rs::GB18030.encode(text).0).unwrap();
    path
}

#[test]
fn bad_rows_are_named_and_nothing_is_written_in_either_language() {
    let dir = province();
    add_person(dir.path(), "张三", "13800001111");
    let file = write_gb18030(dir.path(), "观看记录.csv", WATCH);
    let before = op_count(dir.path());
    let out = peixun(dir.path(), &["cert", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(said.contains("第 3 行为表头"), "{said}");
    assert!(said.contains("未使用的列：备注"), "{said}");
    assert!(said.contains("第 8 行：观看时长“abc”不是时长"), "{said}");
    assert!(
        said.contains("第 7 行未匹配到人员：王五 139****0000"),
        "{said}"
    );
    assert!(said.contains("第 9 行未匹配到人员：李四"), "{said}");
    assert!(said.contains("未导入任何内容"), "{said}");
    assert_eq!(op_count(dir.path()), before, "the store is unchanged");

    let out = peixun(
        dir.path(),
        &["--lang", "en", "cert", "import", file.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(
        said.contains("row 8: minutes watched \"abc\" is not a duration"),
        "{said}"
    );
    assert!(said.contains("Row 7 matches nobody: 王五"), "{said}");
    assert!(said.contains("nothing was imported"), "{said}");
}

/// A row whose phone is someone else's (李四's row, 王五's phone: a digit mistyped) is not
/// credited to the phone's owner.
#[test]
fn a_watch_log_row_with_another_persons_phone_is_not_theirs() {
    let dir = province();
    add_person(dir.path(), "张三", "13800001111");
    add_person(dir.path(), "王五", "13800002222");
    let file = write_gb18030(dir.path(), "观看记录.csv", WATCH);
    let out = peixun(dir.path(), &["cert", "import", file.to_str().unwrap()]);
    let said = text(&out);
    assert!(said.contains("第 9 行未匹配到人员：李四"), "{said}");
}

#[test]
fn reimporting_the_same_watch_log_changes_nothing() {
    let dir = province();
    add_person(dir.path(), "张三", "13800001111");
    add_person(dir.path(), "李四", "13800002222");
    let file = write_gb18030(dir.path(), "观看记录.csv", WATCH);
    let file = file.to_str().unwrap();
    let first = json(&peixun(
        dir.path(),
        &["cert", "import", file, "--skip-invalid", "--json"],
    ));
    // 张三: three days, questionnaire, test; 李四: one day, questionnaire, test.
    assert_eq!(first["changes"], 8);
    assert_eq!(first["people"], 2);
    let after_first = op_count(dir.path());
    let people = book(dir.path());
    assert_eq!(people["张三"]["facts"]["online_minutes"], 420);
    assert_eq!(people["张三"]["facts"]["test"], 880);

    let again = json(&peixun(
        dir.path(),
        &["cert", "import", file, "--skip-invalid", "--json"],
    ));
    assert_eq!(again["changes"], 0);
    assert_eq!(again["unchanged"], 8);
    assert_eq!(op_count(dir.path()), after_first, "no op for the same file");
    assert_eq!(book(dir.path()), people);
    stdout(&peixun(dir.path(), &["doctor"]));
}

#[test]
fn online_and_offline_attendance_merge_into_one_trained_status() {
    let dir = province();
    let online = add_person(dir.path(), "张三", "13800001111");
    let offline_person = add_person(dir.path(), "钱七", "13800003333");
    let neither = add_person(dir.path(), "李四", "13800002222");
    let file = write_gb18030(
        dir.path(),
        "w.csv",
        "姓名,手机,观看时长\n张三,13800001111,360\n李四,13800002222,359\n钱七,13800003333,30\n",
    );
    stdout(&peixun(
        dir.path(),
        &["cert", "import", file.to_str().unwrap()],
    ));
    let offline = add_session(dir.path(), "offline", "线下大培训", "2023-04-04");
    stdout(&peixun(
        dir.path(),
        &["session", "enrol", &offline, &offline_person],
    ));
    stdout(&peixun(
        dir.path(),
        &[
            "checkin",
            "--session",
            &offline,
            "--who",
            "3333",
            "--at",
            "09:05",
        ],
    ));
    let people = book(dir.path());
    assert_eq!(people["张三"]["person"]["id"], online.as_str());
    assert_eq!(people["张三"]["status"]["trained"], true, "online minutes");
    assert_eq!(
        people["钱七"]["status"]["trained"], true,
        "an offline check-in"
    );
    assert_eq!(people["钱七"]["facts"]["offline_attended"], 1);
    assert_eq!(people["李四"]["person"]["id"], neither.as_str());
    assert_eq!(
        people["李四"]["status"]["trained"], false,
        "one minute short"
    );
}

fn results(
    dir: &Path,
    session: &str,
    phone: &str,
    exam: &str,
    practical: &str,
) -> std::process::Output {
    peixun(
        dir,
        &[
            "cert",
            "results",
            "--session",
            session,
            phone,
            "--exam",
            exam,
            "--practical",
            practical,
        ],
    )
}

#[test]
fn the_rule_table_pass_makeup_and_no_third_attempt() {
    let dir = province();
    let d = dir.path();
    for (name, phone) in [
        ("甲", "13800000001"),
        ("乙", "13800000002"),
        ("丙", "13800000003"),
        ("丁", "13800000004"),
    ] {
        add_person(d, name, phone);
    }
    let file = write_gb18030(
        d,
        "w.csv",
        "姓名,手机,观看时长,问卷,测试成绩\n甲,13800000001,540,是,90\n乙,13800000002,540,是,85\n丙,13800000003,500,是,80\n丁,13800000004,60,否,40\n",
    );
    stdout(&peixun(d, &["cert", "import", file.to_str().unwrap()]));
    let ranking = json(&peixun(d, &["cert", "evaluate", "--publish", "--json"]));
    let selected: Vec<&str> = ranking
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["evaluation"]["selected"] == true)
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(selected, ["甲", "乙", "丙"]);
    let exam = add_session(d, "exam", "考核认证（武汉片区）", "2023-06-06");
    let makeup = add_session(d, "makeup", "考核认证补考", "2023-06-19");
    let second_makeup = add_session(d, "makeup", "考核认证补考（二）", "2023-06-26");

    // Not a candidate: no exam.
    let out = results(d, &exam, "13800000004", "90", "90");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("丁不在遴选名单中"), "{}", text(&out));

    stdout(&results(d, &exam, "13800000001", "85", "75"));
    stdout(&results(d, &exam, "13800000002", "55", "80"));
    stdout(&results(d, &exam, "13800000003", "70", "50"));
    // A pass needs no makeup; a failure gets exactly one.
    let out = results(d, &makeup, "13800000001", "90", "90");
    assert!(
        text(&out).contains("甲已通过考试，无需补考"),
        "{}",
        text(&out)
    );
    stdout(&results(d, &makeup, "13800000002", "75", "80"));
    stdout(&results(d, &makeup, "13800000003", "65", "58"));
    let out = results(d, &second_makeup, "13800000003", "95", "95");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("丙已用过唯一一次补考机会，不能再考"),
        "{}",
        text(&out)
    );
    let out = peixun(
        d,
        &[
            "--lang",
            "en",
            "cert",
            "results",
            "--session",
            &second_makeup,
            "13800000003",
            "--absent",
        ],
    );
    assert!(
        text(&out).contains("there is no third attempt"),
        "{}",
        text(&out)
    );

    let issued = json(&peixun(
        d,
        &["cert", "issue", "--date", "2023-07-01", "--json"],
    ));
    let names: Vec<&str> = issued
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[1].as_str().unwrap())
        .collect();
    assert_eq!(names, ["甲", "乙"], "only those who passed, once each");
    let people = book(d);
    assert_eq!(people["甲"]["status"]["outcome"], "passed");
    assert_eq!(people["乙"]["status"]["outcome"], "passed-makeup");
    assert_eq!(people["丙"]["status"]["outcome"], "failed");
    assert_eq!(
        people["丙"]["status"]["certificate"],
        serde_json::Value::Null
    );
    let numbers = [
        people["甲"]["status"]["certificate"].as_str().unwrap(),
        people["乙"]["status"]["certificate"].as_str().unwrap(),
    ];
    assert_eq!(numbers, ["鄂知专202300001", "鄂知专202300002"]);
    let out = peixun(d, &["cert", "issue", "--person", "13800000003"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("丙尚未通过考核（未通过）"),
        "{}",
        text(&out)
    );
    let again = json(&peixun(d, &["cert", "issue", "--json"]));
    assert_eq!(
        again.as_array().unwrap().len(),
        0,
        "a certificate is issued once"
    );

    // Points: certified specialists only; the balance adds up.
    let out = peixun(
        d,
        &[
            "cert",
            "points",
            "13800000003",
            "--category",
            "study",
            "--points",
            "5",
            "--reason",
            "x",
        ],
    );
    assert!(text(&out).contains("丙尚未获证"), "{}", text(&out));
    for points in ["10", "-3"] {
        stdout(&peixun(
            d,
            &[
                "cert",
                "points",
                "13800000001",
                "--category",
                "service",
                "--points",
                points,
                "--reason",
                "服务企业专利导航",
                "--date",
                "2023-08-01",
            ],
        ));
    }
    assert_eq!(book(d)["甲"]["status"]["points"], 7);
    let history = stdout(&peixun(d, &["cert", "show", "13800000002"]));
    for line in [
        "线上大培训：观看 540 分钟，问卷 是，测试 85",
        "考试 2023-06-06 考核认证（武汉片区）：考试 55，实操 80，合格 否",
        "补考 2023-06-19 考核认证补考：考试 75，实操 80，合格 是",
        "证书：鄂知专202300002（2023-07-01）",
    ] {
        assert!(history.contains(line), "{line}\n{history}");
    }

    let roster = d.join("获证名单.csv");
    stdout(&peixun(
        d,
        &["report", "certified", "-o", roster.to_str().unwrap()],
    ));
    let text = String::from_utf8(std::fs::read(&roster).unwrap()).unwrap();
    assert!(
        text.starts_with("\u{feff}湖北省知识产权专员获证名单"),
        "{text}"
    );
    assert!(text.contains("1,鄂知专202300001,甲"), "{text}");
    assert!(text.contains("2,鄂知专202300002,乙"), "{text}");
    assert!(!text.contains("丙"), "{text}");
    stdout(&peixun(d, &["doctor"]));
}

#[test]
fn only_the_province_evaluates_and_a_reason_is_required() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂州市"]));
    let out = peixun(dir.path(), &["cert", "issue"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("只有省局可以做这件事"),
        "{}",
        text(&out)
    );
    let dir = province();
    add_person(dir.path(), "张三", "13800001111");
    let out = peixun(
        dir.path(),
        &["cert", "adjust", "13800001111", "--reason", "  "],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--reason"), "{}", text(&out));
}

#[test]
fn the_city_demo_shows_the_whole_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("demo");
    stdout(&peixun(
        &d,
        &["demo", "--no-tui", "--scale", "city", "--seed", "7"],
    ));
    let people: Vec<serde_json::Value> = json(&peixun(&d, &["cert", "list", "--json"]))
        .as_array()
        .unwrap()
        .clone();
    // In the book's order: by city, unit and person, in the table as in the JSON.
    let order: Vec<(&str, &str, &str)> = people
        .iter()
        .map(|p| {
            (
                p["city"].as_str().unwrap(),
                p["unit"].as_str().unwrap(),
                p["person"]["id"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let table = stdout(&peixun(&d, &["cert", "list"]));
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(
        rows.len(),
        people.len() + 2,
        "a header, the rows, the count"
    );
    let names: Vec<&str> = rows[1..=people.len()]
        .iter()
        .map(|row| row.split_whitespace().next().unwrap())
        .collect();
    let json_names: Vec<&str> = people
        .iter()
        .map(|p| p["person"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, json_names);
    assert!(rows[people.len() + 1].contains(&people.len().to_string()));
    let count =
        |f: &dyn Fn(&serde_json::Value) -> bool| people.iter().filter(|p| f(&p["status"])).count();
    // Every test score is one an import would take: at most 100 (1000 tenths).
    let tests: Vec<u64> = people
        .iter()
        .filter_map(|p| p["facts"]["test"].as_u64())
        .collect();
    assert!(tests.len() > 100, "{}", tests.len());
    assert!(tests.iter().all(|&t| t <= 1000), "{:?}", tests.iter().max());
    let trained = count(&|s| s["trained"] == true);
    let candidates = count(&|s| s["candidate"] == true);
    let certified = count(&|s| !s["certificate"].is_null());
    let made_up = count(&|s| s["outcome"] == "passed-makeup");
    let failed = count(&|s| s["outcome"] == "failed");
    let awaiting = count(&|s| s["outcome"] == "awaiting-makeup");
    let with_points = count(&|s| s["points"] != 0);
    assert!(trained > 200, "{trained}");
    assert!(candidates > 20 && candidates < trained / 2, "{candidates}");
    assert!(certified > 10 && certified < candidates, "{certified}");
    assert!(
        made_up > 0 && failed > 0 && awaiting > 0,
        "{made_up} {failed} {awaiting}"
    );
    assert!(with_points > 0);
    // Every certificate number once.
    let mut numbers: Vec<&str> = people
        .iter()
        .filter_map(|p| p["status"]["certificate"].as_str())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), certified);
    stdout(&peixun(&d, &["doctor"]));
}

#[test]
fn results_sheets_check_every_row_against_the_one_makeup_rule() {
    let dir = province();
    let d = dir.path();
    for (name, phone) in [
        ("甲", "13800000001"),
        ("乙", "13800000002"),
        ("丁", "13800000004"),
    ] {
        add_person(d, name, phone);
    }
    let watch = write_gb18030(
        d,
        "w.csv",
        "姓名,手机,观看时长,问卷,测试成绩\n甲,13800000001,540,是,90\n乙,13800000002,540,是,85\n丁,13800000004,60,否,40\n",
    );
    stdout(&peixun(d, &["cert", "import", watch.to_str().unwrap()]));
    stdout(&peixun(d, &["cert", "evaluate", "--publish"]));
    let exam = add_session(d, "exam", "考核认证", "2023-06-06");
    let makeup = add_session(d, "makeup", "考核认证补考", "2023-06-19");
    let sheet = write_gb18030(
        d,
        "成绩单.csv",
        "2023年知识产权专员考核成绩\n姓名,手机号,考试成绩（分）,实操成绩\n甲,13800000001,86,72\n乙,13800000002,缺考,\n丁,13800000004,90,90\n戊,13900000009,70,70\n甲,13800000001,88,72\n乙,13800000002,优,80\n",
    );
    let sheet = sheet.to_str().unwrap();
    let out = peixun(d, &["cert", "results", "--session", &exam, "--from", sheet]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(said.contains("第 2 行为表头"), "{said}");
    assert!(said.contains("第 5 行：丁不在遴选名单中"), "{said}");
    assert!(said.contains("第 6 行未匹配到人员：戊"), "{said}");
    assert!(said.contains("第 7 行：与第 3 行是同一人"), "{said}");
    assert!(
        said.contains("第 8 行：考试成绩“优”不是 0-100 的分数"),
        "{said}"
    );
    assert_eq!(
        book(d)["甲"]["status"]["outcome"],
        "not-examined",
        "nothing written"
    );

    let plan = json(&peixun(
        d,
        &[
            "cert",
            "results",
            "--session",
            &exam,
            "--from",
            sheet,
            "--skip-invalid",
            "--json",
        ],
    ));
    assert_eq!(plan["recorded"], 2);
    let again = json(&peixun(
        d,
        &[
            "cert",
            "results",
            "--session",
            &exam,
            "--from",
            sheet,
            "--skip-invalid",
            "--json",
        ],
    ));
    assert_eq!(
        (again["recorded"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(2))
    );
    let people = book(d);
    assert_eq!(people["甲"]["status"]["outcome"], "passed");
    assert_eq!(
        people["乙"]["status"]["outcome"], "awaiting-makeup",
        "absent fails"
    );

    let makeup_sheet = write_gb18030(
        d,
        "补考.csv",
        "姓名,手机,考试,实操\n甲,13800000001,90,90\n乙,13800000002,66,61\n",
    );
    let out = peixun(
        d,
        &[
            "cert",
            "results",
            "--session",
            &makeup,
            "--from",
            makeup_sheet.to_str().unwrap(),
            "--skip-invalid",
        ],
    );
    assert!(
        text(&out).contains("第 2 行：甲已通过考试，无需补考"),
        "{}",
        text(&out)
    );
    assert_eq!(book(d)["乙"]["status"]["outcome"], "passed-makeup");
}
