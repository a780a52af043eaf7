//! Enrolment sheets as offices really send them: title rows, GB18030, numbers for phones,
//! full-width digits, bad codes, duplicates, blank tails, merged title cells.

use crate::common::*;

use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};

fn county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(peixun(dir.path(), &["init", "--office", "鄂城区"])
        .status
        .success());
    dir
}

fn people_count(dir: &Path) -> usize {
    let out = peixun(dir, &["people", "--json"]);
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

/// Rows 1-2 are a title and a blank line, row 3 the header; data from row 4.
const SHEET: &str = "2023年“百县万企”知识产权培训报名表\n\n序号,学员姓名,手机号码,企业名称（全称）,统一社会信用代码,职务,备注\n1,张三,13800001234,湖北鄂钢科技有限公司,91440300708461136T,知识产权专员,\n2,李四,１３９００００５６７８,湖北鄂钢科技有限公司,,总经理,\n3,王五,1.3700001111E+10,鄂州晶晶水产科技有限公司,,研发经理,\n4,赵六,123,某公司,,,\n5,钱七,13600002222,坏代码公司,91440300708461136U,,\n6,孙八,13800001234,湖北鄂钢科技有限公司,,,\n,,,,,,\n,,,,,,\n";

fn gb18030_file(dir: &Path) -> std::path::PathBuf {
    let (bytes, _, _) = encoding_rs::GB18030.encode(SHEET);
    let path = dir.join("报名表.csv");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn bad_rows_are_named_by_the_row_people_see_and_nothing_is_written() {
    let dir = county();
    let file = gb18030_file(dir.path());
    let out = peixun(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(said.contains("报名表.csv：第 3 行为表头"), "{said}");
    assert!(said.contains("未使用的列：序号、备注"), "{said}");
    assert!(
        said.contains("第 7 行：电话: “123”不是有效的手机号"),
        "{said}"
    );
    assert!(
        said.contains("第 8 行：统一社会信用代码最后一位校验码应为 T"),
        "{said}"
    );
    assert!(said.contains("第 9 行：手机号与第 4 行重复"), "{said}");
    assert!(said.contains("未导入任何内容"), "{said}");
    assert_eq!(people_count(dir.path()), 0);
}

#[test]
fn skip_invalid_imports_the_good_rows_cleaned() {
    let dir = county();
    let file = gb18030_file(dir.path());
    let dry = peixun(
        dir.path(),
        &[
            "import",
            file.to_str().unwrap(),
            "--skip-invalid",
            "--dry-run",
        ],
    );
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(text(&dry).contains("试运行"));
    assert_eq!(people_count(dir.path()), 0, "a dry run writes nothing");
    let out = peixun(
        dir.path(),
        &["import", file.to_str().unwrap(), "--skip-invalid"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("已导入，有误的 3 行未导入"),
        "{}",
        text(&out)
    );
    let people: serde_json::Value =
        serde_json::from_slice(&peixun(dir.path(), &["people", "--json"]).stdout).unwrap();
    let phones: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phone"].as_str().unwrap())
        .collect();
    assert_eq!(phones.len(), 3);
    for phone in ["13800001234", "13900005678", "13700001111"] {
        assert!(phones.contains(&phone), "{phone} in {phones:?}");
    }
    let enterprises: serde_json::Value =
        serde_json::from_slice(&peixun(dir.path(), &["enterprises", "--json"]).stdout).unwrap();
    assert_eq!(
        enterprises.as_array().unwrap().len(),
        2,
        "张三 and 李四 share one enterprise"
    );
    // The same sheet again: everyone is known, nothing new.
    let again = peixun(
        dir.path(),
        &["import", file.to_str().unwrap(), "--skip-invalid"],
    );
    assert!(
        text(&again).contains("新学员 0，已有学员 3"),
        "{}",
        text(&again)
    );
}

#[test]
fn xlsx_with_a_merged_title_and_numeric_phones() {
    let dir = county();
    let path = dir.path().join("报名.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("报名").unwrap();
    sheet
        .merge_range(0, 0, 0, 3, "鄂城区“百县万企”培训报名表", &Format::new())
        .unwrap();
    for (col, title) in ["姓名", "手机", "单位", "职务"].iter().enumerate() {
        sheet.write_string(2, col as u16, *title).unwrap();
    }
    sheet.write_string(3, 0, "单雄").unwrap();
    sheet.write_number(3, 1, 13800001234.0).unwrap();
    sheet.write_string(3, 2, "湖北鄂钢科技有限公司 ").unwrap();
    sheet.write_string(4, 0, "吕丽").unwrap();
    sheet.write_number(4, 1, 13900005678.0).unwrap();
    book.save(&path).unwrap();
    let session = String::from_utf8(
        peixun(
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
        )
        .stdout,
    )
    .unwrap();
    let out = peixun(
        dir.path(),
        &[
            "import",
            path.to_str().unwrap(),
            "--session",
            session.trim(),
            "--sheet",
            "报名",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("的工作表“报名”：第 3 行为表头"),
        "{}",
        text(&out)
    );
    let enrolled: serde_json::Value = serde_json::from_slice(
        &peixun(
            dir.path(),
            &["people", "--session", session.trim(), "--json"],
        )
        .stdout,
    )
    .unwrap();
    let phones: Vec<&str> = enrolled
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phone"].as_str().unwrap())
        .collect();
    assert_eq!(
        phones,
        ["13900005678", "13800001234"],
        "pinyin order: 吕 lv before 单 shan"
    );
    let missing = peixun(
        dir.path(),
        &["import", path.to_str().unwrap(), "--sheet", "Sheet9"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing).contains("没有工作表“Sheet9”。有：报名"),
        "{}",
        text(&missing)
    );
}

#[test]
fn an_enterprise_list_is_imported_once() {
    let dir = county();
    let path = dir.path().join("企业名单.csv");
    std::fs::write(
        &path,
        "企业名称,统一社会信用代码,企业类型,所属区县\n湖北鄂钢科技有限公司,91440300708461136T,高新技术企业,鄂城区\n鄂州晶晶水产科技有限公司,,专精特新企业,华容区\n坏代码公司,91440300708461136U,,\n湖北鄂钢科技有限公司,,,\n",
    )
    .unwrap();
    let out = peixun(
        dir.path(),
        &[
            "import",
            path.to_str().unwrap(),
            "--as",
            "enterprises",
            "--skip-invalid",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("第 4 行：统一社会信用代码"), "{said}");
    assert!(said.contains("第 5 行：与第 2 行是同一家企业"), "{said}");
    // 华容区's enterprise is 华容区's to register, not 鄂城区's.
    assert!(
        said.contains("第 3 行：所属单位: 华容区 不在鄂城区的范围内"),
        "{said}"
    );
    let enterprises: serde_json::Value =
        serde_json::from_slice(&peixun(dir.path(), &["enterprises", "--json"]).stdout).unwrap();
    let list = enterprises.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["unit"], "420704");
    assert_eq!(list[0]["categories"], serde_json::json!(["high-tech"]));
    let again = peixun(
        dir.path(),
        &[
            "import",
            path.to_str().unwrap(),
            "--as",
            "enterprises",
            "--skip-invalid",
        ],
    );
    assert!(
        text(&again).contains("新企业 0，已有企业 1，有误 3"),
        "{}",
        text(&again)
    );
}

#[test]
fn a_sheet_without_a_phone_column_is_refused_naming_every_phone_header_known() {
    let dir = county();
    let path = dir.path().join("无手机.csv");
    std::fs::write(&path, "姓名,单位\n张三,湖北鄂钢科技有限公司\n").unwrap();
    let out = peixun(dir.path(), &["import", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let aliases = peixun::sheets::import::Column::Phone.aliases().join("、");
    assert!(
        text(&out).contains(&format!("表头中没有手机号列（{aliases}）")),
        "{}",
        text(&out)
    );
}

/// A sheet read in the wrong encoding shows its first row, so the coordinator sees it garbled.
#[test]
fn a_sheet_with_no_header_shows_its_first_row_read() {
    let dir = county();
    let garbled = dir.path().join("乱码.csv");
    let long = "ÐÕÃû".repeat(30);
    std::fs::write(&garbled, format!("\n,,\n{long},ÊÖ»úºÅ\nÕÅÈý,13800001234\n")).unwrap();
    let blank = dir.path().join("空.csv");
    std::fs::write(&blank, ",,\n\n , \n").unwrap();
    for (lang, file, said) in [
        (
            "zh",
            &garbled,
            format!(
                "）。第 3 行读到的是：{}…。若是乱码",
                long.chars().take(60).collect::<String>()
            ),
        ),
        ("zh", &blank, "）。这些行都是空的".to_string()),
        ("en", &garbled, "). Row 3 reads: ÐÕÃû".to_string()),
        ("en", &blank, "). They are all blank".to_string()),
    ] {
        let out = peixun(
            dir.path(),
            &["--lang", lang, "import", file.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(&said), "{said} in {}", text(&out));
    }
    assert_eq!(people_count(dir.path()), 0);
}

/// A row giving a registered phone under another name (a digit mistyped) is refused with the
/// phone's owner named, not counted as them; the owner's name is.
#[test]
fn a_row_with_someone_elses_phone_is_refused_naming_them() {
    let dir = county();
    stdout(&peixun(
        dir.path(),
        &["person", "add", "--name", "张三", "--phone", "13800001234"],
    ));
    let sheet = dir.path().join("报名表.csv");
    std::fs::write(
        &sheet,
        "姓名,手机号,企业名称\n李四,13800001234,鄂州市新星光电有限公司\n王五,13900005678,鄂州市晶晶水产科技有限公司\n",
    )
    .unwrap();
    let out = peixun(dir.path(), &["import", sheet.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(
        said.contains("第 2 行：电话: 13800001234 已登记为 张三，这里写的是 李四"),
        "{said}"
    );
    assert_eq!(people_count(dir.path()), 1, "nothing written");
    // The good rows only: the refused row's enterprise is not made either.
    stdout(&peixun(
        dir.path(),
        &["import", "--skip-invalid", sheet.to_str().unwrap()],
    ));
    assert_eq!(people_count(dir.path()), 2);
    let enterprises = json(&peixun(dir.path(), &["enterprises", "--json"]));
    let names: Vec<&str> = enterprises
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(names, ["鄂州市晶晶水产科技有限公司"], "{enterprises}");
    std::fs::write(&sheet, "姓名,手机号\n张 三,13800001234\n赵六,13700002222\n").unwrap();
    stdout(&peixun(dir.path(), &["import", sheet.to_str().unwrap()]));
    assert_eq!(people_count(dir.path()), 3, "张三 known, 赵六 new");
}

/// A form numbered down to its last line: the lines with only their 序号 are blank, not rows
/// missing a name and a phone.
#[test]
fn lines_with_only_their_number_are_blank() {
    let dir = county();
    let file = dir.path().join("报名表.csv");
    std::fs::write(
        &file,
        "报名表\n序号,姓名,手机号,单位名称,职务\n1,张三,13800001234,湖北鄂钢科技有限公司,专员\n2,李四,13900005678,湖北鄂钢科技有限公司,经理\n3,,,,\n4, ,,,\n",
    )
    .unwrap();
    let out = peixun(dir.path(), &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(people_count(dir.path()), 2);
    // A row with a name is a row, its phone still asked for.
    std::fs::write(
        &file,
        "序号,姓名,手机号,单位名称\n1,王五,,湖北鄂钢科技有限公司\n",
    )
    .unwrap();
    let out = peixun(dir.path(), &["import", file.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("第 2 行"), "{}", text(&out));
}

/// A city signs people up for a county's class from a sheet: the firms it brings are filed
/// under that county, as the same firms met at the class's door are.
#[test]
fn firms_a_sign_up_sheet_brings_for_a_countys_class_are_that_countys() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("city");
    stdout(&peixun(&city, &["demo", "--no-tui"]));
    let sessions = json(&peixun(&city, &["sessions", "--json"]));
    let (session, unit) = sessions
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| match s["units"].as_array().map(Vec::as_slice) {
            Some([unit]) if s["office"] == "420700" => {
                Some((s["id"].as_str()?.to_string(), unit.as_str()?.to_string()))
            }
            _ => None,
        })
        .expect("a class of the city's for one county");
    let file = tmp.path().join("报名表.csv");
    std::fs::write(
        &file,
        "姓名,手机号,单位名称,职务\n欧阳新,13912340001,鄂州新星光电科技有限公司,专员\n",
    )
    .unwrap();
    stdout(&peixun(
        &city,
        &["import", file.to_str().unwrap(), "--session", &session],
    ));
    let firms = json(&peixun(&city, &["enterprises", "--json"]));
    let firm = firms
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "鄂州新星光电科技有限公司")
        .expect("made");
    assert_eq!(firm["unit"], unit.as_str(), "{firm}");
}

/// A file that only looks like a workbook by its name is refused in words a coordinator can act
/// on, and nothing is imported.
#[test]
fn a_file_that_is_not_a_workbook_says_what_to_do() {
    let dir = county();
    let file = dir.path().join("报名表.xlsx");
    std::fs::write(&file, "姓名,手机号\n张三,13800001234\n").unwrap();
    let out = peixun(dir.path(), &["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("不是能读的表格文件") && text(&out).contains("另存为 .xlsx"),
        "{}",
        text(&out)
    );
    assert_eq!(people_count(dir.path()), 0);
}
