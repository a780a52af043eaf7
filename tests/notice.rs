//! The 培训通知 of a session (`report notice`): a real .docx whose text carries the session's
//! facts, escaped; refusals (an unknown session, another format, a file already there) write
//! nothing and exit 2, in either language; a .pdf as well.

use crate::common::*;

use std::io::Read;
use std::path::Path;

const TITLE: &str = "华容区<专利> & 商标培训班第1期";

/// A county office with its contact named and one session: its id.
fn county_with_session(dir: &Path) -> String {
    stdout(&peixun(dir, &["init", "--office", "华容区"]));
    stdout(&peixun(
        dir,
        &[
            "contact",
            "--name",
            "张敏",
            "--phone",
            "13907110001",
            "--position",
            "科长",
            "--since",
            "2023-02-20",
        ],
    ));
    stdout(&peixun(
        dir,
        &[
            "session",
            "add",
            "--title",
            TITLE,
            "--date",
            "2023-04-25",
            "--start",
            "09:00",
            "--end",
            "11:30",
            "--venue",
            "华容区政务服务中心三楼",
            "--units",
            "华容区,葛店开发区",
            "--courses",
            "K:省局领导,3:李老师,7",
        ],
    ))
    .trim()
    .to_string()
}

/// A part of a zip, as text.
fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).expect("the written file");
    let mut zip = zip::ZipArchive::new(file).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the .docx"))
        .read_to_string(&mut text)
        .expect("UTF-8");
    text
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("the folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn the_notice_is_a_word_document_with_the_sessions_facts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = county_with_session(d);
    let path = d.join("通知.docx");
    let out = stdout(&peixun(
        d,
        &[
            "--today",
            "2023-04-18",
            "report",
            "notice",
            "--session",
            &id,
            "-o",
            path.to_str().unwrap(),
        ],
    ));
    assert!(out.contains(&path.display().to_string()), "{out}");
    for name in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
    ] {
        assert!(!part(&path, name).is_empty(), "{name}");
    }
    let xml = part(&path, "word/document.xml");
    // The title as XML text: its < and & escaped, nothing raw to break the document.
    assert!(
        xml.contains("华容区&lt;专利&gt; &amp; 商标培训班第1期"),
        "{xml}"
    );
    assert!(!xml.contains(TITLE));
    let campaign = peixun::campaign::campaign();
    for text in [
        "关于举办华容区&lt;专利&gt; &amp; 商标培训班第1期的通知",
        "华容区、葛店开发区各有关单位、企业：",
        "华容区政务服务中心三楼",
        "2023年4月25日（星期二）09:00—11:30",
        &campaign.course("K").unwrap().title,
        &campaign.course("3").unwrap().title,
        &campaign.course("7").unwrap().title,
        "主讲：李老师",
        "张敏（科长），联系电话：13907110001",
        "华容区局",
        "2023年4月18日",
    ] {
        assert!(xml.contains(text), "{text} in {xml}");
    }
    // No lecturer named for course 7: none is made up.
    let seventh = xml
        .split("<w:p>")
        .find(|p| p.contains(&campaign.course("7").unwrap().title))
        .unwrap();
    assert!(!seventh.contains("主讲"), "{seventh}");
    // A4, a fixed 28 pt line, the official fonts named with their stand-ins.
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#));
    let styles = part(&path, "word/styles.xml");
    assert!(styles.contains(r#"w:line="560" w:lineRule="exact""#));
    assert!(styles.contains("仿宋_GB2312") && styles.contains("方正小标宋简体"));
    let fonts = part(&path, "word/fontTable.xml");
    assert!(fonts.contains("SimSun") && fonts.contains("SimHei"));

    // Asked again, the file edited since is not written over.
    let before = std::fs::read(&path).unwrap();
    let again = peixun(
        d,
        &[
            "report",
            "notice",
            "--session",
            &id,
            "-o",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("已存在"), "{}", stderr(&again));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn an_unknown_session_or_format_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = county_with_session(d);
    let before = files(d);
    let missing = peixun(
        d,
        &[
            "report",
            "notice",
            "--session",
            "S-nope",
            "-o",
            d.join("a.docx").to_str().unwrap(),
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("S-nope"), "{}", stderr(&missing));
    for bad in ["a.xlsx", "a.doc", "a"] {
        let out = peixun(
            d,
            &[
                "report",
                "notice",
                "--session",
                &id,
                "-o",
                d.join(bad).to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let said = stderr(&out);
        assert!(said.contains(".docx") && said.contains(bad), "{said}");
    }
    assert_eq!(files(d), before, "nothing written");
}

#[test]
fn in_english_the_messages_and_the_notice_are_english() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = county_with_session(d);
    let missing = peixun(d, &["--lang", "en", "report", "notice", "--session", "S-x"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("there is no session S-x"),
        "{}",
        stderr(&missing)
    );
    let bad = d.join("notice.odt");
    let out = peixun(
        d,
        &[
            "--lang",
            "en",
            "report",
            "notice",
            "--session",
            &id,
            "-o",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("a training notice is written as .docx"),
        "{}",
        stderr(&out)
    );
    // Without -o: the default name, in the current folder, in English.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
        .current_dir(d)
        .arg("--data-dir")
        .arg(d)
        .args(["--lang", "en", "report", "notice", "--session", &id])
        .env_remove("PEIXUN_LANG")
        .output()
        .unwrap();
    assert!(stdout(&out).contains("Training notice written"));
    let written: Vec<String> = files(d)
        .into_iter()
        .filter(|f| f.ends_with(".docx"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].starts_with("Notice-") && written[0].ends_with("-2023-04-25.docx"));
    let xml = part(&d.join(&written[0]), "word/document.xml");
    assert!(
        xml.contains("Notice of the") && xml.contains("Tuesday"),
        "{xml}"
    );
}

#[test]
fn the_notice_is_also_a_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let id = county_with_session(d);
    let path = d.join("通知.pdf");
    stdout(&peixun(
        d,
        &[
            "report",
            "notice",
            "--session",
            &id,
            "-o",
            path.to_str().unwrap(),
        ],
    ));
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF"));
}

#[test]
fn a_teacher_sent_to_the_session_lectures_its_course_in_the_notice_and_in_session_show() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "鄂州市"]));
    stdout(&peixun(
        d,
        &[
            "teacher",
            "add",
            "--name",
            "王芳",
            "--courses",
            "7",
            "--organisation",
            "湖北省知识产权局",
        ],
    ));
    let id = stdout(&peixun(
        d,
        &[
            "session",
            "add",
            "--title",
            "鄂州市专利运营培训班",
            "--date",
            "2023-05-10",
            "--start",
            "09:00",
            "--end",
            "11:30",
            "--venue",
            "鄂州市民中心",
            "--courses",
            "K:省局领导,7",
        ],
    ))
    .trim()
    .to_string();
    stdout(&peixun(
        d,
        &["teacher", "assign", "--session", &id, "--teacher", "王芳"],
    ));
    let shown = stdout(&peixun(d, &["session", "show", &id]));
    assert!(shown.contains("(王芳（湖北省知识产权局）)"), "{shown}");
    assert!(
        shown.contains("(省局领导)"),
        "the named lecturer stays: {shown}"
    );
    assert!(
        shown.contains("选派师资: 王芳（湖北省知识产权局）"),
        "{shown}"
    );
    let detail = json(&peixun(d, &["session", "show", &id, "--json"]));
    assert_eq!(detail["teachers"][0]["name"], "王芳");
    let path = d.join("通知.docx");
    stdout(&peixun(
        d,
        &[
            "report",
            "notice",
            "--session",
            &id,
            "-o",
            path.to_str().unwrap(),
        ],
    ));
    let xml = part(&path, "word/document.xml");
    assert!(xml.contains("王芳（湖北省知识产权局）"), "{xml}");
}
