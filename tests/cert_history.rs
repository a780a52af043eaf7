//! Certification history is append-only: a second mark for the same attempt needs a reason and
//! keeps the first; a certificate needs the trained rule whichever class the person sat.

use crate::common::*;

use std::path::Path;

fn province() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "湖北省"]));
    dir
}

fn add_person(dir: &Path, name: &str, phone: &str) {
    stdout(&peixun(
        dir,
        &["person", "add", "--name", name, "--phone", phone],
    ));
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
            "--yes",
        ],
    ))
    .trim()
    .to_string()
}

fn watch(dir: &Path, rows: &str) {
    let path = dir.join("watch.csv");
    let text = format!("姓名,手机,观看时长,问卷,测试成绩\n{rows}");
    std::fs::write(&path, encoding_rs::GB18030.encode(&text).0).unwrap();
    stdout(&peixun(dir, &["cert", "import", path.to_str().unwrap()]));
}

fn results(
    dir: &Path,
    session: &str,
    phone: &str,
    marks: [&str; 2],
    reason: Option<&str>,
) -> std::process::Output {
    let mut args = vec![
        "cert",
        "results",
        "--session",
        session,
        phone,
        "--exam",
        marks[0],
        "--practical",
        marks[1],
    ];
    if let Some(reason) = reason {
        args.extend(["--reason", reason]);
    }
    peixun(dir, &args)
}

fn status_of(dir: &Path, name: &str) -> serde_json::Value {
    json(&peixun(dir, &["cert", "list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["person"]["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not in the chain"))["status"]
        .clone()
}

fn log_len(dir: &Path) -> usize {
    json(&peixun(dir, &["log", "--json"]))
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn a_second_makeup_mark_needs_a_reason_and_keeps_the_first() {
    let dir = province();
    let d = dir.path();
    add_person(d, "乙", "13800000002");
    watch(d, "乙,13800000002,540,是,85\n");
    stdout(&peixun(d, &["cert", "evaluate", "--publish"]));
    let exam = add_session(d, "exam", "考核认证", "2023-06-06");
    let makeup = add_session(d, "makeup", "考核认证补考", "2023-06-19");
    stdout(&results(d, &exam, "13800000002", ["55", "80"], None));
    stdout(&results(d, &makeup, "13800000002", ["40", "50"], None));
    assert_eq!(status_of(d, "乙")["outcome"], "failed");

    // The overwrite of the issue: 80/80 at the same makeup, no reason.
    let before = log_len(d);
    let out = results(d, &makeup, "13800000002", ["80", "80"], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("乙") && said.contains("40") && said.contains("--reason"),
        "{said}"
    );
    assert_eq!(log_len(d), before, "nothing written");
    assert_eq!(status_of(d, "乙")["outcome"], "failed");
    let out = peixun(d, &["cert", "issue", "--json"]);
    assert_eq!(
        json(&out).as_array().unwrap().len(),
        0,
        "no certificate follows"
    );

    // The same marks again are not a change.
    let out = results(d, &makeup, "13800000002", ["40", "50"], None);
    assert!(text(&out).contains("与已登记的相同"), "{}", text(&out));
    assert_eq!(log_len(d), before);

    // With a reason, the correction is made and both marks stay in the history.
    let out = results(
        d,
        &makeup,
        "13800000002",
        ["80", "80"],
        Some("阅卷登分错误，经复核更正"),
    );
    stdout(&out);
    assert_eq!(status_of(d, "乙")["outcome"], "passed-makeup");
    let shown = stdout(&peixun(d, &["cert", "show", "13800000002"]));
    assert!(shown.contains("40") && shown.contains("80"), "{shown}");
    assert!(shown.contains("阅卷登分错误，经复核更正"), "{shown}");
    let english = stdout(&peixun(d, &["--lang", "en", "cert", "show", "13800000002"]));
    assert!(english.contains("corrected"), "{english}");
    let issued = json(&peixun(
        d,
        &["cert", "issue", "--date", "2023-07-01", "--json"],
    ));
    assert_eq!(issued.as_array().unwrap().len(), 1);

    // A results sheet that differs from what is held is a row error without a reason.
    let sheet = d.join("成绩.csv");
    std::fs::write(
        &sheet,
        encoding_rs::GB18030
            .encode("姓名,手机号,考试成绩,实操成绩\n乙,13800000002,60,80\n")
            .0,
    )
    .unwrap();
    let before = log_len(d);
    let out = peixun(
        d,
        &[
            "cert",
            "results",
            "--session",
            &exam,
            "--from",
            sheet.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("第 2 行"), "{}", text(&out));
    assert_eq!(log_len(d), before);
    stdout(&peixun(
        d,
        &[
            "cert",
            "results",
            "--session",
            &exam,
            "--from",
            sheet.to_str().unwrap(),
            "--reason",
            "原成绩单漏登",
        ],
    ));
    assert_eq!(log_len(d), before + 1);
}

#[test]
fn an_expansion_student_who_is_not_trained_gets_no_certificate() {
    let dir = province();
    let d = dir.path();
    add_person(d, "甲", "13800000001");
    add_person(d, "丁", "13800000004");
    // 甲 watched the whole online training, 丁 one hour of it.
    watch(d, "甲,13800000001,540,是,90\n丁,13800000004,60,否,40\n");
    let class = add_session(d, "expansion", "考核认证扩招班", "2023-06-12");
    stdout(&peixun(
        d,
        &["cert", "approve", &class, "--reason", "按统一标准举办"],
    ));
    for (name, phone) in [("甲", "13800000001"), ("丁", "13800000004")] {
        stdout(&peixun(
            d,
            &[
                "enrol",
                "--session",
                &class,
                "--name",
                name,
                "--phone",
                phone,
            ],
        ));
        stdout(&results(d, &class, phone, ["90", "90"], None));
    }
    let out = peixun(d, &["cert", "issue", "--person", "13800000004"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("丁") && text(&out).contains("参训"),
        "{}",
        text(&out)
    );
    let out = peixun(
        d,
        &["--lang", "en", "cert", "issue", "--person", "13800000004"],
    );
    assert!(text(&out).contains("trained"), "{}", text(&out));

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
    assert_eq!(names, ["甲"], "only the trained student");
    assert!(status_of(d, "丁")["certificate"].is_null());
}
