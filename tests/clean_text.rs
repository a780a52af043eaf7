//! Terminal escapes in text: refused at every input with the field named, refused in ops another
//! office sends, and never printed raw.

use crate::common::offices::*;
use crate::common::*;

use peixun::domain::Person;
use peixun::log::Payload;

const HOSTILE: &str = "欧\u{1b}]0;pwned\u{7}阳";

fn county() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    assert!(peixun(dir.path(), &["init", "--office", "鄂城区"])
        .status
        .success());
    dir
}

fn session(dir: &std::path::Path) -> String {
    stdout(&peixun(
        dir,
        &[
            "session",
            "add",
            "--title",
            "第一期",
            "--date",
            "2023-03-15",
            "--start",
            "09:00",
            "--end",
            "11:30",
            "--venue",
            "政务中心",
        ],
    ))
    .trim()
    .to_string()
}

#[test]
fn typed_text_with_an_escape_sequence_is_refused_with_its_field() {
    let dir = county();
    let s = session(dir.path());
    let before = peixun(dir.path(), &["log", "--json"]).stdout;
    for (args, field) in [
        (
            vec![
                "enrol",
                "--session",
                &s,
                "--name",
                HOSTILE,
                "--phone",
                "13807110001",
            ],
            "姓名",
        ),
        (
            vec![
                "enrol",
                "--session",
                &s,
                "--name",
                "欧阳明",
                "--phone",
                "13807110001",
                "--enterprise",
                "华宇\u{202E}光电",
            ],
            "名称",
        ),
        (
            vec!["session", "edit", &s, "--venue", "三楼\u{1b}[2J"],
            "地点",
        ),
    ] {
        let out = peixun(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let said = text(&out);
        assert!(said.contains("控制字符 U+"), "{said}");
        assert!(said.contains(field) || field == "名称", "{said}");
        assert!(
            !said.contains('\u{1b}'),
            "the refusal itself prints no escape"
        );
    }
    assert_eq!(
        peixun(dir.path(), &["log", "--json"]).stdout,
        before,
        "nothing written"
    );
    let out = peixun(
        dir.path(),
        &[
            "--lang",
            "en",
            "enrol",
            "--session",
            &s,
            "--name",
            HOSTILE,
            "--phone",
            "13807110001",
        ],
    );
    assert!(
        text(&out).contains("control character U+001B"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_sheet_row_with_an_escape_sequence_is_named() {
    let dir = county();
    let path = dir.path().join("报名表.csv");
    std::fs::write(
        &path,
        format!("姓名,手机号码,企业名称\n张三,13800001234,湖北鄂钢科技有限公司\n{HOSTILE},13900005678,湖北鄂钢科技有限公司\n"),
    )
    .unwrap();
    let out = peixun(dir.path(), &["import", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let said = text(&out);
    assert!(
        said.contains("第 3 行") && said.contains("控制字符 U+001B"),
        "{said}"
    );
    assert!(!said.contains('\u{1b}'));
}

/// A dishonest county sends a person whose name carries an escape sequence: the city keeps the
/// op in its chain, applies nothing of it, and nothing it prints holds the escape.
#[test]
fn an_escape_sequence_from_another_office_changes_nothing_and_is_never_printed() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    let id = format!("P-{ECHENG}-x1");
    let bytes = county.craft(
        &city,
        peixun::log::device::tagged(ECHENG, 3),
        vec![Payload::PersonUpserted(Person {
            id: id.clone(),
            office: ECHENG.into(),
            name: HOSTILE.into(),
            phone: "13807110001".into(),
            position: String::new(),
            enterprise: None,
            code: "X1".into(),
        })],
    );
    let summary = city.imported(&bytes);
    assert_eq!(summary.counts.refused_ops.len(), 1);
    let reason = summary.counts.refused_ops[0].reason();
    assert!(reason.contains("姓名 含有控制字符 U+001B"), "{reason}");
    assert!(city.store.person(&id).unwrap().is_none());
    let dir = city.store.dir().to_path_buf();
    drop(city);
    for args in [&["people"][..], &["bundle", "held"], &["doctor"], &["log"]] {
        let out = peixun(&dir, args);
        assert!(!out.stdout.contains(&0x1b), "{args:?}: {}", text(&out));
        assert!(!out.stderr.contains(&0x1b), "{args:?}");
    }
}

/// A file on a stick named with an escape sequence is named without it.
#[test]
fn a_bundle_file_named_with_an_escape_sequence_is_shown_plainly() {
    let dir = county();
    let stick = tempfile::tempdir().unwrap();
    let path = stick.path().join("a\u{1b}[31mred.pxb");
    std::fs::write(&path, b"not a bundle").unwrap();
    let out = peixun(
        dir.path(),
        &["bundle", "import", stick.path().to_str().unwrap()],
    );
    let said = text(&out);
    assert!(said.contains("\\u{1b}[31mred.pxb"), "{said}");
    assert!(!said.contains('\u{1b}'));
}
