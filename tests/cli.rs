//! The CLI as scripts use it: exit codes, messages in both languages, `--json` output.

use crate::common::*;

use std::process::Command;

fn county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(
        dir.path(),
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    dir
}

#[test]
fn unknown_units_suggest_the_nearest_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = peixun(dir.path(), &["init", "--office", "鄂城县"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("是不是：鄂城区"), "{}", stderr(&out));
    assert!(!dir.path().join("db").exists());
    let out = peixun(dir.path(), &["--lang", "en", "init", "--office", "鄂城县"]);
    assert!(
        stderr(&out).contains("Did you mean: 鄂城区"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sessions_are_added_edited_listed_and_audited() {
    let dir = county();
    let id = stdout(&peixun(
        dir.path(),
        &[
            "session",
            "add",
            "--title",
            "第一场",
            "--date",
            "2023-03-15",
            "--start",
            "09:00",
            "--end",
            "11:30",
            "--venue",
            "鄂城区政务服务中心",
            "--units",
            "鄂城区,临空经济区",
            "--cohost",
            "临空经济区",
            "--courses",
            "K:省局领导,3:李老师",
            "--capacity",
            "120",
        ],
    ))
    .trim()
    .to_string();
    assert!(id.starts_with("S-420704-"), "{id}");
    stdout(&peixun(
        dir.path(),
        &["session", "edit", &id, "--venue", "鄂州市民中心"],
    ));
    let sessions = json(&peixun(dir.path(), &["sessions", "--json"]));
    let session = &sessions[0];
    assert_eq!(session["venue"], "鄂州市民中心");
    assert_eq!(session["cohost"], "420700-linkong");
    assert_eq!(
        session["units"],
        serde_json::json!(["420704", "420700-linkong"])
    );
    assert_eq!(session["courses"][1]["lecturer"], "李老师");

    let bad = peixun(
        dir.path(),
        &[
            "session",
            "edit",
            &id,
            "--date",
            "2023-02-30",
            "--end",
            "08:00",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("没有“2023-02-30”这一天"),
        "{}",
        stderr(&bad)
    );
    assert!(
        stderr(&bad).contains("结束时间应晚于开始时间"),
        "{}",
        stderr(&bad)
    );

    let log = json(&peixun(dir.path(), &["log", "--record", &id, "--json"]));
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "add and edit, not the refused edit");
    assert_eq!(log[1]["actor"], "王芳");
    assert_eq!(log[1]["kind"], "SessionUpserted");
    assert!(stdout(&peixun(dir.path(), &["doctor"])).contains("检查通过：2 条操作"));
}

#[test]
fn people_are_enrolled_and_removed() {
    let dir = county();
    let enterprise = stdout(&peixun(
        dir.path(),
        &[
            "enterprise",
            "add",
            "--name",
            "湖北鄂钢科技有限公司",
            "--credit-code",
            "91440300708461136T",
        ],
    ));
    let bad = peixun(
        dir.path(),
        &[
            "enterprise",
            "add",
            "--name",
            "x",
            "--credit-code",
            "91440300708461136U",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("校验码应为 T"), "{}", stderr(&bad));
    let person = stdout(&peixun(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "单雄",
            "--phone",
            "138 0000 1234",
            "--enterprise",
            "湖北鄂钢科技有限公司",
        ],
    ));
    let session = stdout(&peixun(
        dir.path(),
        &[
            "session",
            "add",
            "--title",
            "第一场",
            "--date",
            "2023-03-15",
            "--venue",
            "v",
        ],
    ));
    let (person, session) = (person.trim(), session.trim());
    stdout(&peixun(dir.path(), &["session", "enrol", session, person]));
    let people = json(&peixun(
        dir.path(),
        &["people", "--session", session, "--json"],
    ));
    assert_eq!(people[0]["phone"], "13800001234");
    assert_eq!(people[0]["enterprise"], enterprise.trim());
    let shown = stdout(&peixun(dir.path(), &["session", "show", session]));
    assert!(
        shown.contains("138****1234") && !shown.contains("13800001234"),
        "{shown}"
    );
    stdout(&peixun(
        dir.path(),
        &["session", "unenrol", session, person],
    ));
    let people = json(&peixun(
        dir.path(),
        &["people", "--session", session, "--json"],
    ));
    assert_eq!(people, serde_json::json!([]));
}

#[test]
fn the_checklist_counts_working_days_and_takes_marks_and_evidence() {
    let dir = county();
    let rows = json(&peixun(
        dir.path(),
        &["--today", "2023-02-20", "checklist", "--json"],
    ));
    let plan = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item"] == "county.plan")
        .unwrap()
        .clone();
    assert_eq!(plan["due"], "2023-02-27", "鄂州 wants plans by 2/27");
    assert_eq!(plan["working_days_left"], 5);
    assert_eq!(plan["status"], "due-soon");

    let late = json(&peixun(
        dir.path(),
        &["--today", "2023-03-01", "due", "--json"],
    ));
    assert!(late
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["item"] == "county.plan" && r["status"] == "overdue"));

    stdout(&peixun(
        dir.path(),
        &[
            "checklist",
            "mark",
            "county.plan",
            "done",
            "--note",
            "已报备",
        ],
    ));
    let evidence = dir.path().join("签到表.pdf");
    std::fs::write(&evidence, b"sign-in sheet").unwrap();
    stdout(&peixun(
        dir.path(),
        &[
            "checklist",
            "attach",
            "county.signin",
            evidence.to_str().unwrap(),
        ],
    ));
    let rows = json(&peixun(
        dir.path(),
        &["--today", "2023-03-01", "checklist", "--json"],
    ));
    let find = |id: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["item"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(find("county.plan")["status"], "done");
    assert_eq!(find("county.plan")["note"], "已报备");
    let attached = &find("county.signin")["evidence"][0];
    assert_eq!(attached["file_name"], "签到表.pdf");
    assert_eq!(attached["size"], 13);
    assert_eq!(
        attached["blake3"],
        blake3::hash(b"sign-in sheet").to_hex().as_str()
    );

    let bad = peixun(dir.path(), &["checklist", "mark", "no.such", "done"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("county.plan"),
        "lists the items: {}",
        stderr(&bad)
    );
    let other = peixun(
        dir.path(),
        &[
            "checklist",
            "--unit",
            "华容区",
            "mark",
            "county.plan",
            "done",
        ],
    );
    assert_eq!(other.status.code(), Some(2));
    assert!(
        stderr(&other).contains("只能由该单位自己标记"),
        "{}",
        stderr(&other)
    );
}

#[test]
fn a_city_sets_its_counties_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂州市"]));
    stdout(&peixun(
        dir.path(),
        &[
            "checklist",
            "--unit",
            "华容区",
            "deadline",
            "county.summary",
            "2023-11-20",
        ],
    ));
    let rows = json(&peixun(
        dir.path(),
        &["checklist", "--unit", "华容区", "--json"],
    ));
    let summary = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item"] == "county.summary")
        .unwrap();
    assert_eq!(summary["due"], "2023-11-20");
    assert_eq!(summary["due_set_by_city"], true);
    let refused = peixun(
        dir.path(),
        &[
            "checklist",
            "--unit",
            "天门市",
            "deadline",
            "county.summary",
            "2023-11-20",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn campaign_completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    let campaign = json(&peixun(dir.path(), &["campaign", "show", "--json"]));
    let units = campaign["units"].as_array().unwrap();
    assert_eq!(units.iter().filter(|u| u["level"] == "city").count(), 17);
    assert!(stdout(&peixun(dir.path(), &["campaign", "show"]))
        .contains("锚定建设全国构建新发展格局先行区目标"));
    assert!(stdout(&peixun(dir.path(), &["completions", "bash"])).contains("peixun"));
    assert!(stdout(&peixun(dir.path(), &["man"])).contains(".TH peixun"));
}

#[test]
fn flag_mistakes_are_reported_in_the_ui_language() {
    let dir = county();
    let out = peixun(dir.path(), &["--today", "2023-13-01", "due"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--today") && stderr(&out).contains("不是有效日期"),
        "{}",
        stderr(&out)
    );
    let out = peixun(
        dir.path(),
        &["--lang", "en", "checklist", "mark", "county.plan", "done2"],
    );
    assert!(
        stderr(&out).contains("choose one of: todo, done, waived"),
        "{}",
        stderr(&out)
    );
    let out = peixun(
        dir.path(),
        &[
            "session",
            "add",
            "--title",
            "x",
            "--date",
            "1999-01-01",
            "--venue",
            "v",
        ],
    );
    assert!(
        stderr(&out).contains("不在本程序的日历范围内"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_bad_field_is_named_at_once() {
    let dir = county();
    let out = peixun(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "",
            "--phone",
            "123",
            "--enterprise",
            "晶晶",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("姓名: 必填") && err.contains("“123”不是有效的手机号") && err.contains("晶晶"),
        "{err}"
    );
}

/// The enterprise an enrolment names, read from the office's enterprises one at a time: by
/// id, by credit code, by a part of one name only or by its initials, and refused for a part or
/// initials of several names or a name whose known code differs.
#[test]
fn enrolment_names_an_enterprise_by_id_code_or_a_part_only_one_has() {
    let dir = county();
    let add = |args: &[&str]| {
        let mut all = vec!["enterprise", "add"];
        all.extend_from_slice(args);
        stdout(&peixun(dir.path(), &all)).trim().to_string()
    };
    let ezhou = add(&[
        "--name",
        "鄂州市华宇光电科技有限公司",
        "--credit-code",
        "91110000802100433B",
    ]);
    let wuhan = add(&["--name", "武汉华宇光电有限公司"]);
    add(&["--name", "鄂州市华容机械有限公司"]);
    let session = small_session(dir.path(), &[]);
    let enrol = |name: &str, phone: &str, more: &[&str]| {
        let mut args = vec![
            "enrol",
            "--session",
            session.trim(),
            "--name",
            name,
            "--phone",
            phone,
        ];
        args.extend_from_slice(more);
        peixun(dir.path(), &args)
    };
    let several = enrol("张三", "13800001234", &["--enterprise", "华宇光电"]);
    assert_eq!(several.status.code(), Some(2));
    assert!(
        stderr(&several).contains("“华宇光电”对应 2 家企业")
            && stderr(&several).contains("武汉华宇光电有限公司"),
        "{}",
        stderr(&several)
    );
    let other_code = enrol(
        "王五",
        "13700001111",
        &[
            "--enterprise",
            "鄂州市华宇光电科技有限公司",
            "--credit-code",
            "91440300708461136T",
        ],
    );
    assert_eq!(other_code.status.code(), Some(2));
    assert!(
        stderr(&other_code).contains("91110000802100433B"),
        "{}",
        stderr(&other_code)
    );
    stdout(&enrol("李四", "13900005678", &["--enterprise", &wuhan]));
    stdout(&enrol(
        "赵六",
        "13600002222",
        &["--enterprise", "鄂州市华宇"],
    ));
    stdout(&enrol(
        "钱七",
        "13500003333",
        &["--credit-code", "91110000802100433B"],
    ));
    // Initials, as the walk-in form offers names by them: 鄂州市华宇 (ezshy) is one, 鄂州市华
    // (ezsh) two.
    stdout(&enrol("孙八", "13400004444", &["--enterprise", "ezshy"]));
    let two = enrol("周九", "13300005555", &["--enterprise", "ezsh"]);
    assert_eq!(two.status.code(), Some(2));
    assert!(
        stderr(&two).contains("“ezsh”对应 2 家企业"),
        "{}",
        stderr(&two)
    );
    let enterprises = json(&peixun(dir.path(), &["enterprises", "--json"]));
    assert_eq!(enterprises.as_array().unwrap().len(), 3, "none made new");
    let people = json(&peixun(dir.path(), &["people", "--json"]));
    let enterprise_of = |name: &str| {
        people
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .map(|p| p["enterprise"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(enterprise_of("张三"), None);
    assert_eq!(enterprise_of("王五"), None);
    assert_eq!(enterprise_of("李四").as_deref(), Some(wuhan.as_str()));
    assert_eq!(enterprise_of("赵六").as_deref(), Some(ezhou.as_str()));
    assert_eq!(enterprise_of("钱七").as_deref(), Some(ezhou.as_str()));
    assert_eq!(enterprise_of("孙八").as_deref(), Some(ezhou.as_str()));
    assert_eq!(enterprise_of("周九"), None);
}

#[test]
fn enrolment_matches_known_enterprises_and_respects_capacity() {
    let dir = county();
    stdout(&peixun(
        dir.path(),
        &["enterprise", "add", "--name", "鄂州市晶晶水产科技有限公司"],
    ));
    let session = small_session(dir.path(), &["--capacity", "1"]);
    let session = session.trim();
    stdout(&peixun(
        dir.path(),
        &[
            "enrol",
            "--session",
            session,
            "--name",
            "张三",
            "--phone",
            "13800001234",
            "--enterprise",
            "晶晶水产",
        ],
    ));
    let enterprises = json(&peixun(dir.path(), &["enterprises", "--json"]));
    assert_eq!(
        enterprises.as_array().unwrap().len(),
        1,
        "晶晶水产 is the known enterprise"
    );
    let full = peixun(
        dir.path(),
        &[
            "enrol",
            "--session",
            session,
            "--name",
            "李四",
            "--phone",
            "13900005678",
        ],
    );
    assert_eq!(full.status.code(), Some(2));
    assert!(
        stderr(&full).contains("场次已满（1/1）"),
        "{}",
        stderr(&full)
    );
    let people = json(&peixun(dir.path(), &["people", "--json"]));
    let person = people[0]["id"].as_str().unwrap().to_string();
    stdout(&peixun(
        dir.path(),
        &["session", "unenrol", session, &person],
    ));
    let again = peixun(dir.path(), &["session", "unenrol", session, &person]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("不在该场次名单中"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // A demo store's log is megabytes: far more than a pipe holds, so the writer meets the hang-up.
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["demo", "--no-tui"]));
    let mut child = Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["log", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then hang up, as `| head -1` does.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

#[test]
fn people_json_is_every_person_by_name_and_an_empty_list_when_there_is_nobody() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    assert_eq!(
        json(&peixun(dir.path(), &["people", "--json"])),
        serde_json::json!([])
    );
    let mut ids = Vec::new();
    for (name, phone) in [
        ("赵四", "13800000004"),
        ("艾青", "13800000001"),
        ("王五", "13800000005"),
        ("艾青", "13800000002"),
    ] {
        ids.push(
            stdout(&peixun(
                dir.path(),
                &["person", "add", "--name", name, "--phone", phone],
            ))
            .trim()
            .to_string(),
        );
    }
    let before = names_in(dir.path());
    let people = json(&peixun(dir.path(), &["people", "--json"]));
    let listed: Vec<(&str, &str, &str)> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let field = |f: &str| p[f].as_str().unwrap();
            (field("name"), field("phone"), field("id"))
        })
        .collect();
    // The two 艾青 in the order they were added (by id), each with every field as stored.
    let mut first_two = [ids[1].as_str(), ids[3].as_str()];
    first_two.sort();
    assert_eq!(
        listed,
        [
            ("艾青", "13800000001", first_two[0]),
            ("艾青", "13800000002", first_two[1]),
            ("王五", "13800000005", ids[2].as_str()),
            ("赵四", "13800000004", ids[0].as_str()),
        ]
    );
    assert_eq!(names_in(dir.path()), before, "no scratch file left behind");
}
