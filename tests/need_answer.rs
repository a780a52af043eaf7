//! An answer to a 附件3 need is not replaced by a second one unasked: the use case asks, the CLI
//! refuses without `--replace` naming the need and the earlier answer's day, in both languages.

use crate::common::offices::*;
use crate::common::*;

use peixun::app::needs;
use peixun::app::{Confirm, Refusal};

#[test]
fn a_second_answer_is_asked_about_and_replaces_the_first_only_when_confirmed() {
    let county = Office::new(ECHENG);
    county_work(&county, "a");
    let enterprise = format!("E-{ECHENG}-a");
    let need = needs::add(&county.store, &enterprise, "3", day(), day(), "").unwrap();
    needs::answer(&county.store, &need.id, day(), day(), "已电话联系", false).unwrap();
    let ops = county.store.ops().count();
    match needs::answer(&county.store, &need.id, day(), day(), "已约面谈", false) {
        Err(Refusal::Confirm(Confirm::ReplaceAnswer {
            need: id, answered, ..
        })) => assert_eq!((id, answered), (need.id.clone(), day())),
        other => panic!("a second answer asks first: {other:?}"),
    }
    assert_eq!(county.store.ops().count(), ops);
    let kept = needs::list(&county.store, false).unwrap();
    assert_eq!(kept[0].answer.as_ref().unwrap().note, "已电话联系");

    let row = needs::answer(&county.store, &need.id, day(), day(), "已约面谈", true).unwrap();
    assert_eq!(row.answer.unwrap().note, "已约面谈");
}

#[test]
fn need_answer_refuses_to_replace_an_answer_without_replace() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let today = ["--today", "2023-04-20"];
    stdout(&peixun(d, &["init", "--office", "鄂城区"]));
    stdout(&peixun(
        d,
        &["enterprise", "add", "--name", "鄂州市华光光电有限公司"],
    ));
    stdout(&peixun(
        d,
        &["need", "add", "华光光电", "3", "--on", "2023-04-01"],
    ));
    let listed = json(&peixun(d, &["need", "list", "--json"]));
    let id = listed[0]["need"]["id"].as_str().unwrap().to_string();
    let answer = |extra: &[&str]| {
        let mut args = vec!["need", "answer", &id];
        args.extend_from_slice(extra);
        args.extend_from_slice(&today);
        peixun(d, &args)
    };
    stdout(&answer(&["--on", "2023-04-10", "--note", "已电话联系"]));

    let refused = answer(&["--note", "已约面谈"]);
    assert_eq!(refused.status.code(), Some(2));
    let said = text(&refused);
    assert!(said.contains(&id) && said.contains("2023-04-10"), "{said}");
    assert!(said.contains("--replace"), "{said}");
    let mut args = vec!["--lang", "en", "need", "answer", &id, "--note", "x"];
    args.extend_from_slice(&today);
    let english = peixun(d, &args);
    assert_eq!(english.status.code(), Some(2));
    assert!(
        text(&english).contains("already answered on 2023-04-10"),
        "{}",
        text(&english)
    );
    let listed = json(&peixun(d, &["need", "list", "--json"]));
    assert_eq!(listed[0]["answer"]["note"], "已电话联系");

    let said = stdout(&answer(&["--note", "已约面谈", "--replace"]));
    assert!(said.contains("替换了 2023-04-10 的原答复"), "{said}");
    let listed = json(&peixun(d, &["need", "list", "--json"]));
    assert_eq!(listed[0]["answer"]["note"], "已约面谈");
    assert_eq!(listed[0]["answer"]["on"], "2023-04-20");
}
