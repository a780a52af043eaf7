//! Where bundles go and come from on the command line: a folder (a stick) or a `.pxb` file; a
//! mistyped place is refused before anything is made, a folder is read whole on import, and a
//! card taken for a bundle (or the other way round) says which command takes it.

use crate::common;

use std::path::Path;

use crate::common::{peixun, stdout, text};

/// A county and its city that trust each other, as after the phone call.
fn pair(work: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (county, city) = (work.join("county"), work.join("city"));
    stdout(&peixun(&county, &["init", "--office", "鄂城区"]));
    stdout(&peixun(&city, &["init", "--office", "鄂州市"]));
    for (from, to) in [(&county, &city), (&city, &county)] {
        let card = work.join("peer.card");
        stdout(&peixun(
            from,
            &["keys", "export", "-o", card.to_str().unwrap()],
        ));
        let shown = common::json(&peixun(from, &["keys", "show", "--json"]));
        let fingerprint = shown["fingerprint"].as_str().unwrap();
        let card = card.to_str().unwrap();
        stdout(&peixun(
            to,
            &["keys", "trust", card, "--fingerprint", fingerprint],
        ));
    }
    stdout(&peixun(
        &county,
        &["checklist", "mark", "county.contact", "done"],
    ));
    (county, city)
}

fn export_to(county: &Path, place: &str, lang: &str) -> std::process::Output {
    peixun(
        county,
        &[
            "--lang",
            lang,
            "bundle",
            "export",
            "--to",
            "鄂州市",
            "-o",
            place,
        ],
    )
}

#[test]
fn a_place_that_is_neither_a_folder_nor_a_pxb_file_is_refused_and_uses_no_number() {
    let work = tempfile::tempdir().unwrap();
    let (county, _city) = pair(work.path());
    let missing = work.path().join("stick");
    let with_slash = format!("{}/", work.path().join("stick2").display());
    let in_missing = work.path().join("nowhere").join("a.pxb");
    let cases = [
        (
            missing.display().to_string(),
            "不是已有的文件夹",
            "is not an existing folder",
        ),
        (with_slash, "找不到文件夹", "there is no folder"),
        (
            in_missing.display().to_string(),
            "找不到文件夹",
            "there is no folder",
        ),
    ];
    for (place, zh, en) in &cases {
        for (lang, said) in [("zh", zh), ("en", en)] {
            let out = export_to(&county, place, lang);
            assert_eq!(out.status.code(), Some(2), "{place}: {}", text(&out));
            assert!(
                text(&out).contains(said),
                "{place} ({lang}): {}",
                text(&out)
            );
        }
        assert!(
            !Path::new(place.trim_end_matches('/')).exists(),
            "{place} was written"
        );
    }
    let names: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| ["county", "city", "peer.card"].contains(&n.as_str())),
        "{names:?}"
    );
    // Nothing was used up: the first bundle actually written is still number 1.
    let file = work.path().join("first.pxb");
    let out = stdout(&export_to(&county, file.to_str().unwrap(), "zh"));
    assert!(out.contains("第 1 号"), "{out}");
    assert!(file.is_file());
}

#[test]
fn a_folder_is_imported_as_its_bundles_and_an_empty_one_is_named() {
    let work = tempfile::tempdir().unwrap();
    let (county, city) = pair(work.path());
    let stick = work.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let stick_arg = stick.to_str().unwrap();
    stdout(&export_to(&county, stick_arg, "zh"));
    stdout(&peixun(
        &county,
        &["checklist", "mark", "county.contact", "todo"],
    ));
    stdout(&export_to(&county, stick_arg, "zh"));
    let out = stdout(&peixun(&city, &["bundle", "import", stick_arg]));
    assert!(out.contains("第 1 号") && out.contains("第 2 号"), "{out}");
    let empty = work.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = peixun(&city, &["bundle", "import", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("中没有 .pxb 数据包"), "{}", text(&out));
}

#[test]
fn a_card_and_a_bundle_taken_in_with_the_wrong_command_say_which_to_use() {
    let work = tempfile::tempdir().unwrap();
    let (county, city) = pair(work.path());
    let card = work.path().join("peer.card");
    let out = peixun(&city, &["bundle", "import", card.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("请用 peixun keys trust 导入"),
        "{}",
        text(&out)
    );
    let bundle = work.path().join("b.pxb");
    stdout(&export_to(&county, bundle.to_str().unwrap(), "zh"));
    for (lang, said) in [
        ("zh", "不是身份卡、名册或密钥轮换证书"),
        (
            "en",
            "is not an identity card, roster or rotation certificate",
        ),
    ] {
        let out = peixun(
            &city,
            &["--lang", lang, "keys", "trust", bundle.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(text(&out).contains(said), "{}", text(&out));
    }
}

#[test]
fn inspect_says_why_it_shows_only_the_routing_while_the_store_is_in_use() {
    let work = tempfile::tempdir().unwrap();
    let (county, city) = pair(work.path());
    let bundle = work.path().join("b.pxb");
    stdout(&export_to(&county, bundle.to_str().unwrap(), "zh"));
    let bundle = bundle.to_str().unwrap();
    let full = stdout(&peixun(&city, &["bundle", "inspect", bundle]));
    assert!(!full.contains("只显示路由信息"), "{full}");
    // Named by the number export gave it, before the bundle id.
    let number = full.find("包号：第 1 号").expect(&full);
    assert!(number < full.find("数据包标识").expect(&full), "{full}");
    // As when the coordinator has the interface open in another window.
    let _open = peixun::store::Store::open(&city).unwrap();
    let routing = stdout(&peixun(&city, &["bundle", "inspect", bundle]));
    assert!(routing.contains("只显示路由信息"), "{routing}");
    assert!(!routing.contains("包号"), "{routing}");
    assert!(
        routing.contains("另一个 peixun") && routing.contains("正在使用"),
        "{routing}"
    );
}
