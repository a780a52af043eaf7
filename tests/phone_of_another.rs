//! A phone already registered to someone: an enrolment naming another person is refused rather
//! than recording the phone's owner, and nothing is written; the owner's own name, written with
//! spaces, finds them. `person add` does not make a second person with it.

use crate::common::*;

fn county_with_a_session() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(
        dir.path(),
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    let session = small_session(dir.path(), &[]);
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

/// 欧阳明月 and 司马光, both on 13800001234, as a number passed on or people made on two
/// devices leave them (`person add` would refuse the second).
fn two_people_on_one_phone(dir: &std::path::Path) {
    let store = peixun::store::Store::open(dir).unwrap();
    for (n, name) in [(1, "欧阳明月"), (2, "司马光")] {
        let person = peixun::domain::Person {
            id: format!("P-420704-test-{n}"),
            office: "420704".into(),
            name: name.into(),
            phone: "13800001234".into(),
            position: String::new(),
            enterprise: None,
            code: format!("C{n}"),
        };
        store
            .commit(vec![peixun::log::Payload::PersonUpserted(person)])
            .unwrap();
    }
    drop(store);
}

/// `output` is a refusal (exit 2) whose message says `says`.
fn refused_saying(output: &std::process::Output, says: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", text(output));
    assert!(stderr(output).contains(says), "{}", stderr(output));
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
    refused_saying(&refused, "13800001234 已登记为 欧阳明月，这里写的是 张三");
    let english = enrol(dir.path(), &session, "Zhang San", "en");
    refused_saying(&english, "belongs to 欧阳明月, but here it says Zhang San");
    assert_eq!(op_count(dir.path()), ops, "nothing written");

    // The owner's name with a space in it is theirs.
    let again = stdout(&enrol(dir.path(), &session, "欧阳 明月", "zh"));
    assert!(again.contains("欧阳明月 已在本场次名单中"), "{again}");
}

#[test]
fn a_second_person_with_a_registered_phone_is_not_added() {
    let (dir, _session) = county_with_a_session();
    let add = |phone: &str| {
        peixun(
            dir.path(),
            &["person", "add", "--name", "熊斌斌", "--phone", phone],
        )
    };
    let first = stdout(&add("138-0806-6192"));
    let again = add("13808066192");
    refused_saying(
        &again,
        &format!(
            "13808066192 已登记为 熊斌斌（编号 {}），未添加",
            first.trim()
        ),
    );
    let people = json(&peixun(dir.path(), &["people", "--json"]));
    assert_eq!(people.as_array().map(Vec::len), Some(1));
}

/// A phone two people have (a number passed on, or each made on another device): the name
/// says which one, and a name neither has is refused naming both.
#[test]
fn a_phone_two_people_have_enrols_the_one_named() {
    let (dir, session) = county_with_a_session();
    two_people_on_one_phone(dir.path());
    let second = stdout(&enrol(dir.path(), &session, "司马光", "zh"));
    assert!(second.contains("已按手机号找到 司马光"), "{second}");
    let neither = enrol(dir.path(), &session, "张三", "zh");
    refused_saying(&neither, "已登记为 欧阳明月、司马光");
}

/// A certification command naming a person by a phone two people have asks for the id rather
/// than taking the first.
#[test]
fn a_certification_looked_up_by_a_phone_two_people_have_asks_which() {
    let (dir, _session) = county_with_a_session();
    two_people_on_one_phone(dir.path());
    let out = peixun(dir.path(), &["cert", "show", "13800001234"]);
    refused_saying(
        &out,
        "手机号 13800001234 登记了 2 人（欧阳明月 P-420704-test-1、司马光 P-420704-test-2）",
    );
    let by_id = peixun(dir.path(), &["cert", "show", "P-420704-test-2"]);
    assert!(by_id.status.success(), "{}", text(&by_id));
}
