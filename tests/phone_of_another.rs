//! A phone already registered to someone else: an enrolment naming another person is refused
//! rather than recording the phone's owner, and nothing is written; the owner's own name, written
//! with spaces or left out, finds them.

mod common;

use common::*;

fn county_with_a_session() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(
        dir.path(),
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    let session = stdout(&peixun(
        dir.path(),
        &[
            "session",
            "add",
            "--title",
            "小班",
            "--date",
            "2023-03-15",
            "--venue",
            "v",
        ],
    ));
    (dir, session.trim().to_string())
}

fn enrol(dir: &std::path::Path, session: &str, name: &str, lang: &str) -> std::process::Output {
    peixun(
        dir,
        &[
            "--lang",
            lang,
            "enrol",
            "--session",
            session,
            "--name",
            name,
            "--phone",
            "13800001234",
        ],
    )
}

fn op_count(dir: &std::path::Path) -> usize {
    let log = json(&peixun(dir, &["log", "--json"]));
    log.as_array().map_or(0, Vec::len)
}

#[test]
fn an_enrolment_naming_someone_else_by_their_phone_is_refused_and_writes_nothing() {
    let (dir, session) = county_with_a_session();
    stdout(&enrol(dir.path(), &session, "欧阳明月", "zh"));
    let ops = op_count(dir.path());
    assert!(ops >= 3, "the session, the person and the enrolment");

    let refused = enrol(dir.path(), &session, "张三", "zh");
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused));
    let said = stderr(&refused);
    assert!(
        said.contains("13800001234 已登记为 欧阳明月") && said.contains("这里写的是 张三"),
        "{said}"
    );
    let english = enrol(dir.path(), &session, "Zhang San", "en");
    assert_eq!(english.status.code(), Some(2));
    assert!(
        stderr(&english).contains("belongs to 欧阳明月, but here it says Zhang San"),
        "{}",
        stderr(&english)
    );
    assert_eq!(op_count(dir.path()), ops, "nothing written");

    // The owner's name with a space in it, or in full-width, is theirs.
    let again = stdout(&enrol(dir.path(), &session, "欧阳 明月", "zh"));
    assert!(again.contains("欧阳明月 已在本场次名单中"), "{again}");
}
