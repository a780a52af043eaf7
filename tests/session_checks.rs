//! What the CLI refuses until told: a session outside the plan's window for its kind or on a
//! holiday (--yes), an enrolment past capacity (--over-capacity); what it refuses outright: units,
//! host or co-host outside the office's area. Imports say how far past capacity they go.

use crate::common::*;

use std::path::Path;

fn office(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(peixun(dir.path(), &["init", "--office", name])
        .status
        .success());
    dir
}

fn add(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["session", "add"];
    let defaults = [
        ("--title", "专利基础"),
        ("--venue", "区政务中心"),
        ("--start", "09:00"),
        ("--end", "11:00"),
    ];
    for (flag, value) in defaults {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    peixun(dir, &args)
}

fn sessions(dir: &Path) -> usize {
    json(&peixun(dir, &["sessions", "--json"]))
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn dates_outside_the_plan_or_on_holidays_need_yes() {
    let dir = office("鄂城区");
    let late = add(dir.path(), &["--kind", "offline", "--date", "2023-12-15"]);
    assert_eq!(late.status.code(), Some(2));
    assert!(
        text(&late).contains("2023-12-15 不在线下培训的时间安排内（2023-03-01 至 2023-11-30，方案：2023 年 3 月至 11 月）"),
        "{}",
        text(&late)
    );
    assert!(text(&late).contains("--yes"), "{}", text(&late));
    let exam = add(dir.path(), &["--kind", "exam", "--date", "2023-08-15"]);
    assert_eq!(exam.status.code(), Some(2));
    assert!(
        text(&exam).contains("2023-05-01 至 2023-06-30"),
        "{}",
        text(&exam)
    );
    let holiday = add(dir.path(), &["--kind", "offline", "--date", "2023-10-02"]);
    assert_eq!(holiday.status.code(), Some(2));
    assert!(
        text(&holiday).contains("2023-10-02 是法定节假日（中秋节、国庆节）"),
        "{}",
        text(&holiday)
    );
    assert_eq!(sessions(dir.path()), 0, "nothing saved");
    let confirmed = add(
        dir.path(),
        &["--kind", "offline", "--date", "2023-10-02", "--yes"],
    );
    assert!(confirmed.status.success(), "{}", text(&confirmed));
    let ordinary = add(dir.path(), &["--kind", "offline", "--date", "2023-06-12"]);
    assert!(ordinary.status.success(), "{}", text(&ordinary));
    assert_eq!(sessions(dir.path()), 2);
    // Moving a session onto a holiday asks too; other edits do not.
    let id = stdout(&ordinary).trim().to_string();
    let moved = peixun(
        dir.path(),
        &["session", "edit", &id, "--date", "2023-06-22"],
    );
    assert_eq!(moved.status.code(), Some(2));
    assert!(text(&moved).contains("端午节"), "{}", text(&moved));
    let renamed = peixun(dir.path(), &["session", "edit", &id, "--title", "专利实务"]);
    assert!(renamed.status.success(), "{}", text(&renamed));
}

/// A title goes onto the notice and the sign-in sheet as typed: （第九期）, not (第九期).
#[test]
fn a_title_keeps_its_chinese_punctuation() {
    let county = office("鄂城区");
    let out = add(
        county.path(),
        &[
            "--kind",
            "offline",
            "--date",
            "2023-06-12",
            "--title",
            "知识产权培训班（第９期）：专利",
            "--venue",
            "区政务中心（三楼）",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let id = stdout(&out).trim().to_string();
    let shown = json(&peixun(county.path(), &["session", "show", &id, "--json"]));
    assert_eq!(shown["session"]["title"], "知识产权培训班（第9期）：专利");
    assert_eq!(shown["session"]["venue"], "区政务中心（三楼）");
}

#[test]
fn units_host_and_cohost_lie_in_the_offices_area() {
    let city = office("鄂州市");
    let out = add(
        city.path(),
        &[
            "--kind",
            "offline",
            "--date",
            "2023-06-12",
            "--units",
            "江岸区",
            "--host",
            "武汉市",
            "--cohost",
            "宜昌市",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    for unit in ["江岸区", "宜昌市"] {
        assert!(
            said.contains(&format!("{unit} 不在鄂州市可安排的范围（鄂州市）内")),
            "{said}"
        );
    }
    assert!(said.contains("武汉市 不是鄂州市或其下级单位"), "{said}");
    assert_eq!(sessions(city.path()), 0);
    let joint = add(
        city.path(),
        &[
            "--kind",
            "offline",
            "--date",
            "2023-06-12",
            "--units",
            "鄂城区,临空经济区",
            "--host",
            "鄂城区",
            "--cohost",
            "临空经济区",
        ],
    );
    assert!(joint.status.success(), "{}", text(&joint));
    // A county names its own city's units (a joint session), never another city's.
    let county = office("鄂城区");
    let out = add(
        county.path(),
        &[
            "--kind",
            "offline",
            "--date",
            "2023-06-12",
            "--cohost",
            "黄州区",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("黄州区 不在鄂城区可安排的范围（鄂州市）内"),
        "{}",
        text(&out)
    );
    // A county's class is its own: a neighbour or the city may co-host it, never host it, so
    // no county's figures are made up by another.
    for host in ["华容区", "鄂州市"] {
        let out = add(
            county.path(),
            &["--kind", "offline", "--date", "2023-06-12", "--host", host],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out).contains(&format!("{host} 不是鄂城区或其下级单位")),
            "{}",
            text(&out)
        );
    }
    assert_eq!(sessions(county.path()), 0);
    let joint = add(
        county.path(),
        &[
            "--kind",
            "offline",
            "--date",
            "2023-06-12",
            "--units",
            "鄂城区,华容区",
            "--cohost",
            "华容区",
        ],
    );
    assert!(joint.status.success(), "{}", text(&joint));
}

/// A capacity below the people already enrolled is refused: the list would say 3/2.
#[test]
fn a_capacity_below_the_enrolled_is_refused() {
    let county = office("鄂城区");
    let out = add(
        county.path(),
        &[
            "--kind",
            "offline",
            "--date",
            "2023-06-12",
            "--capacity",
            "3",
        ],
    );
    let id = stdout(&out).trim().to_string();
    for (name, phone) in [("张三", "13800000001"), ("李四", "13800000002")] {
        stdout(&peixun(
            county.path(),
            &["enrol", "--session", &id, "--name", name, "--phone", phone],
        ));
    }
    let shrunk = peixun(county.path(), &["session", "edit", &id, "--capacity", "1"]);
    assert_eq!(shrunk.status.code(), Some(2));
    assert!(
        text(&shrunk).contains("容量: 1 少于已报名的 2 人"),
        "{}",
        text(&shrunk)
    );
    let kept = peixun(county.path(), &["session", "edit", &id, "--capacity", "2"]);
    assert!(kept.status.success(), "{}", text(&kept));
    // Over capacity after a walk-in, the capacity may still be raised towards the list.
    stdout(&peixun(
        county.path(),
        &[
            "enrol",
            "--session",
            &id,
            "--name",
            "王五",
            "--phone",
            "13800000003",
            "--over-capacity",
        ],
    ));
    stdout(&peixun(
        county.path(),
        &[
            "enrol",
            "--session",
            &id,
            "--name",
            "赵六",
            "--phone",
            "13800000004",
            "--over-capacity",
        ],
    ));
    let raised = peixun(county.path(), &["session", "edit", &id, "--capacity", "3"]);
    assert!(raised.status.success(), "{}", text(&raised));
    let same = peixun(county.path(), &["session", "edit", &id, "--capacity", "3"]);
    assert!(stdout(&same).contains("没有改动"), "{}", text(&same));
}

#[test]
fn enrolment_past_capacity_needs_over_capacity_and_imports_say_how_far() {
    let dir = office("鄂城区");
    let session = stdout(&add(
        dir.path(),
        &[
            "--kind",
            "offline",
            "--date",
            "2023-06-12",
            "--capacity",
            "2",
        ],
    ))
    .trim()
    .to_string();
    let enrol = |name: &str, phone: &str, extra: &[&str]| {
        let mut args = vec![
            "enrol",
            "--session",
            &session,
            "--name",
            name,
            "--phone",
            phone,
        ];
        args.extend_from_slice(extra);
        peixun(dir.path(), &args)
    };
    assert!(enrol("张三", "13800000001", &[]).status.success());
    assert!(enrol("李四", "13800000002", &[]).status.success());
    let full = enrol("王五", "13800000003", &[]);
    assert_eq!(full.status.code(), Some(2));
    assert!(
        text(&full).contains("场次已满（2/2），未报名。确需超员报名请加 --over-capacity"),
        "{}",
        text(&full)
    );
    let over = enrol("王五", "13800000003", &["--over-capacity"]);
    assert!(over.status.success(), "{}", text(&over));

    let sheet = dir.path().join("报名表.csv");
    let mut rows = String::from("学员姓名,手机号码\n");
    for i in 0..10 {
        rows.push_str(&format!("学员{i},139{i:08}\n"));
    }
    std::fs::write(&sheet, rows).unwrap();
    let out = peixun(
        dir.path(),
        &["import", sheet.to_str().unwrap(), "--session", &session],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("注意：导入后该场次报名将超出容量（2 人）11 人"),
        "{}",
        text(&out)
    );
}
