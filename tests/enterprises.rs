//! An enterprise is its 统一社会信用代码: sheets, enrol and `enterprise add` match by code first,
//! a name and a code that disagree are a named row error, categories are the seed's four (several
//! in one cell kept), and coverage counts a code once however many offices registered it.

use crate::common::offices::{Office, ECHENG, EZHOU, HUARONG};
use crate::common::*;

use std::path::{Path, PathBuf};

use peixun::domain::{credit_code, Categories, Enterprise, EnterpriseCategory};
use peixun::log::Payload;

fn county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(peixun(dir.path(), &["init", "--office", "鄂城区"])
        .status
        .success());
    dir
}

fn code(n: usize) -> String {
    credit_code::complete(&format!("91420704{n:08}")).unwrap()
}

fn sheet(dir: &Path, name: &str, rows: &[String]) -> PathBuf {
    let path = dir.join(name);
    let mut text = String::from("学员姓名,手机号码,企业名称（全称）,统一社会信用代码,企业类型\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn enterprises(dir: &Path) -> Vec<serde_json::Value> {
    json(&peixun(dir, &["enterprises", "--json"]))
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_hundred_and_seventeen_codes_are_a_hundred_and_seventeen_enterprises() {
    let dir = county();
    let rows: Vec<String> = (0..117)
        .map(|i| {
            format!(
                "学员{i},138{i:08},鄂州市第{i}科技有限公司,{},高新技术企业",
                code(i).to_lowercase()
            )
        })
        .collect();
    let file = sheet(dir.path(), "报名表.csv", &rows);
    let out = peixun(dir.path(), &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("新企业 117"), "{}", text(&out));
    let list = enterprises(dir.path());
    assert_eq!(list.len(), 117);
    let codes: std::collections::BTreeSet<&str> = list
        .iter()
        .map(|e| e["credit_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 117);
    assert!(
        codes.contains(code(5).as_str()),
        "codes are kept, upper case"
    );
    // Again: every enterprise is known and counted as known.
    let again = peixun(dir.path(), &["import", file.to_str().unwrap(), "--dry-run"]);
    assert!(
        text(&again).contains("新企业 0，已有企业 117"),
        "{}",
        text(&again)
    );
}

#[test]
fn a_name_and_a_code_that_disagree_are_named_rows() {
    let dir = county();
    let file = sheet(
        dir.path(),
        "报名表.csv",
        &[
            format!("张三,13800000001,鄂州市甲科技有限公司,{},", code(1)),
            // Row 3: the same code under another name.
            format!("李四,13800000002,鄂州市乙科技有限公司,{},", code(1)),
            // Row 4: the same name under another code.
            format!("王五,13800000003,鄂州市甲科技有限公司,{},", code(2)),
            // Row 5: the same enterprise again, by code with no name, and by name with no code.
            format!("赵六,13800000004,,{},", code(1)),
            "钱七,13800000005,鄂州市甲科技有限公司,,".to_string(),
        ],
    );
    let out = peixun(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains(&format!(
            "第 3 行：统一社会信用代码 {} 已属于“鄂州市甲科技有限公司”（第 2 行），这里写的是“鄂州市乙科技有限公司”",
            code(1)
        )),
        "{said}"
    );
    assert!(
        said.contains(&format!(
            "第 4 行：“鄂州市甲科技有限公司”（第 2 行）的统一社会信用代码是 {}，这里写的是 {}",
            code(1),
            code(2)
        )),
        "{said}"
    );
    assert!(!said.contains("第 5 行"), "{said}");
    assert!(!said.contains("第 6 行"), "{said}");
    assert!(enterprises(dir.path()).is_empty(), "nothing written");

    let good = peixun(
        dir.path(),
        &["import", file.to_str().unwrap(), "--skip-invalid"],
    );
    assert!(good.status.success(), "{}", text(&good));
    assert_eq!(enterprises(dir.path()).len(), 1);

    // Against the store: a known code under a new name.
    let later = sheet(
        dir.path(),
        "补充.csv",
        &[format!(
            "孙八,13800000009,鄂州市丙科技有限公司,{},",
            code(1)
        )],
    );
    let out = peixun(dir.path(), &["import", later.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("已属于“鄂州市甲科技有限公司”，这里写的是“鄂州市丙科技有限公司”"),
        "{}",
        text(&out)
    );
}

#[test]
fn enrol_and_enterprise_add_match_by_code_first() {
    let dir = county();
    let add = |name: &str, code: &str| {
        peixun(
            dir.path(),
            &["enterprise", "add", "--name", name, "--credit-code", code],
        )
    };
    let first = add("鄂州市甲科技有限公司", &code(1));
    assert!(first.status.success(), "{}", text(&first));
    let again = add("鄂州市甲科技有限公司", &code(1));
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("已有这家企业"), "{}", text(&again));
    let other_name = add("鄂州市乙科技有限公司", &code(1));
    assert_eq!(other_name.status.code(), Some(2));
    assert!(text(&other_name).contains("已属于“鄂州市甲科技有限公司”"));
    assert_eq!(enterprises(dir.path()).len(), 1);

    let session = stdout(&peixun(
        dir.path(),
        &[
            "session",
            "add",
            "--title",
            "专利基础",
            "--kind",
            "offline",
            "--date",
            "2023-06-10",
            "--start",
            "09:00",
            "--end",
            "11:00",
            "--venue",
            "区政务中心",
        ],
    ))
    .trim()
    .to_string();
    let enrol = |name: &str, firm: &str, code: &str| {
        peixun(
            dir.path(),
            &[
                "enrol",
                "--session",
                &session,
                "--name",
                name,
                "--phone",
                "13900000001",
                "--enterprise",
                firm,
                "--credit-code",
                code,
            ],
        )
    };
    let conflict = enrol("张三", "鄂州市乙科技有限公司", &code(1));
    assert_eq!(conflict.status.code(), Some(2), "{}", text(&conflict));
    assert!(text(&conflict).contains("已属于“鄂州市甲科技有限公司”"));
    let by_code = enrol("张三", "", &code(1));
    assert!(by_code.status.success(), "{}", text(&by_code));
    assert_eq!(
        enterprises(dir.path()).len(),
        1,
        "the code named the known one"
    );
}

#[test]
fn categories_are_the_seeds_four_and_a_cell_may_hold_several() {
    let dir = county();
    let file = sheet(
        dir.path(),
        "报名表.csv",
        &[
            format!("张三,13800000001,鄂州市甲科技有限公司,{},一般企业", code(1)),
            format!(
                "李四,13800000002,鄂州市乙科技有限公司,{},高新技术企业、专精特新企业",
                code(2)
            ),
        ],
    );
    let out = peixun(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains(
            "第 2 行：企业类型“一般企业”不是以下之一：高新技术企业、专精特新企业、上市及后备企业、科技型中小企业"
        ),
        "{}",
        text(&out)
    );
    let out = peixun(
        dir.path(),
        &["import", file.to_str().unwrap(), "--skip-invalid"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let list = enterprises(dir.path());
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0]["categories"],
        serde_json::json!(["high-tech", "specialised"])
    );
    let table = stdout(&peixun(dir.path(), &["enterprises"]));
    assert!(table.contains("高新技术企业、专精特新企业"), "{table}");
}

#[test]
fn coverage_counts_a_code_once_across_counties() {
    let city = Office::new(EZHOU);
    let counties = [Office::new(ECHENG), Office::new(HUARONG)];
    let shared = credit_code::complete("9142070000000042").unwrap();
    for (n, county) in counties.iter().enumerate() {
        city.pin(county);
        county.pin(&city);
        let office = county.id().to_string();
        county
            .store
            .commit(vec![Payload::EnterpriseUpserted(Enterprise {
                id: county.store.new_id('E').unwrap(),
                office: office.clone(),
                name: format!("鄂州市共享{n}有限公司"),
                credit_code: Some(shared.clone()),
                categories: Categories::from(EnterpriseCategory::HighTech),
                unit: office,
            })])
            .unwrap();
        city.imported(&county.send(&city));
    }
    assert_eq!(
        city.store.enterprises().unwrap().len(),
        2,
        "both records kept"
    );
    let coverage = peixun::sheets::rollup::coverage(&city.store, EZHOU).unwrap();
    let row = |unit: &str| coverage.iter().find(|c| c.unit == unit).unwrap();
    assert_eq!(row(ECHENG).enterprises, 1);
    assert_eq!(row(HUARONG).enterprises, 1);
    assert_eq!(
        coverage.last().unwrap().enterprises,
        1,
        "one code, one enterprise"
    );
}

/// A name registered with full-width brackets is found by every command when typed the same way
/// again: the name is kept folded, and so is what is typed.
#[test]
fn a_name_with_full_width_brackets_is_found_as_typed() {
    let dir = county();
    let d = dir.path();
    let name = "湖北测试（武汉）科技有限公司：分公司";
    stdout(&peixun(d, &["enterprise", "add", "--name", name]));
    let person = peixun(
        d,
        &[
            "person",
            "add",
            "--name",
            "张三",
            "--phone",
            "13800001111",
            "--enterprise",
            name,
        ],
    );
    assert!(person.status.success(), "{}", text(&person));
    let need = peixun(d, &["need", "add", name, "3"]);
    assert!(need.status.success(), "{}", text(&need));
    let outreach = peixun(d, &["outreach", "set", name, "visited"]);
    assert!(outreach.status.success(), "{}", text(&outreach));
    assert_eq!(enterprises(d).len(), 1);
}

/// A sheet's new enterprise one character from a known one's (鄂州 for 鄂州市) is said in the
/// preview with its row, before anything is written; the import still goes as the sheet says.
#[test]
fn a_sheet_naming_a_near_enterprise_is_warned_about_by_row() {
    let dir = county();
    let d = dir.path();
    for name in ["鄂州市晶晶水产科技有限公司", "鄂州市华达机械有限公司"] {
        stdout(&peixun(d, &["enterprise", "add", "--name", name]));
    }
    let path = sheet(
        d,
        "报名表.csv",
        &[
            "张三,13800001111,鄂州晶晶水产科技有限公司,,".to_string(),
            "李四,13800002222,鄂州市华光光电有限公司,,".to_string(),
            "王五,13800003333,鄂州市华光光电有限司,,".to_string(),
            "赵六,13800004444,华达机械公司,,".to_string(),
        ],
    );
    let preview = json(&peixun(
        d,
        &["import", path.to_str().unwrap(), "--dry-run", "--json"],
    ));
    let warnings = preview["warnings"].to_string();
    assert!(
        warnings.contains("第 2 行的企业“鄂州晶晶水产科技有限公司”与已登记的“鄂州市晶晶水产科技有限公司”只差一个字"),
        "{warnings}"
    );
    // A near name on an earlier row is that row's, not one already registered.
    assert!(
        warnings.contains("第 4 行的企业“鄂州市华光光电有限司”与表中的“鄂州市华光光电有限公司”（第 3 行）只差一个字"),
        "{warnings}"
    );
    // The preview on screen does not advise previewing first.
    let said = stdout(&peixun(d, &["import", path.to_str().unwrap(), "--dry-run"]));
    assert!(
        said.contains("只差一个字") && !said.contains("--dry-run"),
        "{said}"
    );
    // A short form is said as one, not as one character apart.
    assert!(
        warnings.contains(
            "第 5 行的企业“华达机械公司”与已登记的“鄂州市华达机械有限公司”像是同一家（名称详略不同）"
        ),
        "{warnings}"
    );
    assert_eq!(enterprises(d).len(), 2, "nothing written by the preview");
    stdout(&peixun(d, &["import", path.to_str().unwrap()]));
    assert_eq!(enterprises(d).len(), 6);
}

#[test]
fn an_enterprise_registered_after_a_preview_is_known_to_the_next_import() {
    let dir = county();
    let d = dir.path();
    stdout(&peixun(
        d,
        &["enterprise", "add", "--name", "鄂州市晶晶水产科技有限公司"],
    ));
    let path = sheet(
        d,
        "报名表.csv",
        &[
            "张三,13800001111,鄂州市晶晶水产科技有限公司,,".to_string(),
            "李四,13800002222,鄂州市华达机械有限公司,,".to_string(),
        ],
    );
    let preview = |d: &Path| {
        let said = json(&peixun(
            d,
            &["import", path.to_str().unwrap(), "--dry-run", "--json"],
        ));
        (
            said["new_enterprises"].clone(),
            said["known_enterprises"].clone(),
        )
    };
    assert_eq!(preview(d), (1.into(), 1.into()));
    // The preview kept what it read of the enterprises beside the store; an enterprise
    // registered since is seen all the same.
    assert!(d.join("known-enterprises").exists());
    stdout(&peixun(
        d,
        &["enterprise", "add", "--name", "鄂州市华达机械有限公司"],
    ));
    assert_eq!(preview(d), (0.into(), 2.into()));
    // A kept file that is not whole is not believed.
    let kept = d.join("known-enterprises");
    let bytes = std::fs::read(&kept).unwrap();
    std::fs::write(&kept, &bytes[..bytes.len() - 3]).unwrap();
    assert_eq!(preview(d), (0.into(), 2.into()));
    std::fs::write(&kept, b"peixun known enterprises 1\n").unwrap();
    assert_eq!(preview(d), (0.into(), 2.into()));
}

/// A pipe put where the kept list goes is not waited on: the import reads the store instead.
#[cfg(unix)]
#[test]
fn a_pipe_in_place_of_the_kept_list_is_not_waited_on() {
    let dir = county();
    let d = dir.path();
    let fifo = d.join("known-enterprises");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let path = sheet(
        d,
        "报名表.csv",
        &["张三,13800001111,鄂州市晶晶水产科技有限公司,,".to_string()],
    );
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(d)
        .args(["import", path.to_str().unwrap(), "--dry-run"])
        .env("XDG_CONFIG_HOME", d)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}
