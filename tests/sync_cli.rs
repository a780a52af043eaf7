//! Bundles through the command line: two offices exchange keys and a bundle on a stick, as
//! people do, with the messages and exit codes they see.

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::offices::{ECHENG, EZHOU};
use crate::common::peixun;

fn ok(output: std::process::Output) -> String {
    common::stdout(&output)
}

fn fingerprint_in(card: &Path) -> String {
    std::fs::read_to_string(card)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# fingerprint: "))
        .unwrap()
        .to_string()
}

/// A card written by a path relative to the folder the command runs in is said by its
/// absolute path, as a report is: the message is what the coordinator carries to the stick.
#[test]
fn a_card_is_said_by_its_absolute_path() {
    let tmp = tempfile::tempdir().unwrap();
    let county = tmp.path().join("county");
    let city = tmp.path().join("city");
    ok(peixun(&county, &["init", "--office", "鄂城区"]));
    ok(peixun(&city, &["init", "--office", "鄂州市"]));
    let here = |store: &Path, args: &[&str]| {
        ok(std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
            .arg("--data-dir")
            .arg(store)
            .args(args)
            .current_dir(tmp.path())
            .env_remove("PEIXUN_LANG")
            .output()
            .unwrap())
    };
    for (store, args, name) in [
        (
            &county,
            ["keys", "export", "-o", "鄂城区.card"],
            "鄂城区.card",
        ),
        (
            &county,
            ["keys", "rotate", "-o", "鄂城区-2.card"],
            "鄂城区-2.card",
        ),
        (&city, ["keys", "roster", "-o", "名册.toml"], "名册.toml"),
    ] {
        let said = here(store, &args);
        let absolute = std::fs::canonicalize(tmp.path().join(name)).unwrap();
        assert!(said.contains(&absolute.display().to_string()), "{said}");
    }
}

#[test]
fn the_cli_exchanges_bundles_on_a_stick() {
    let tmp = tempfile::tempdir().unwrap();
    let county = tmp.path().join("county");
    let city = tmp.path().join("city");
    let stick = tmp.path().join("usb");
    std::fs::create_dir(&stick).unwrap();
    ok(peixun(
        &county,
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    ok(peixun(
        &city,
        &["init", "--office", "鄂州市", "--actor", "李雷"],
    ));
    let out = ok(peixun(&county, &["keys", "init"]));
    assert!(out.contains("指纹"), "{out}");
    let shown: serde_json::Value =
        serde_json::from_str(&ok(peixun(&county, &["keys", "show", "--json"]))).unwrap();
    assert_eq!(shown["office"], ECHENG);
    assert_eq!(shown["role"], "county");

    // A folder not there is named; the stick's folder gets the card named by the office's code.
    let missing = format!("{}/", tmp.path().join("no-stick").display());
    let out = peixun(&county, &["keys", "export", "-o", &missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("找不到文件夹"), "{out:?}");
    let out = peixun(
        &county,
        &["keys", "rotate", "-o", &format!("{missing}x.card")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("密钥未更换"), "{out:?}");
    // A stick not plugged in, named without a slash: no stray file named like the folder.
    let unplugged = tmp.path().join("E");
    let out = peixun(
        &county,
        &["keys", "export", "-o", unplugged.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("扩展名"), "{out:?}");
    assert!(!unplugged.exists());
    let county_card = stick.join(format!("{ECHENG}.card"));
    let city_card = stick.join("city.card");
    let out = ok(peixun(
        &county,
        &["keys", "export", "-o", &format!("{}/", stick.display())],
    ));
    assert!(out.contains(&format!("{ECHENG}.card")), "{out}");
    // The city's keys are made on first use.
    let out = peixun(
        &city,
        &["keys", "export", "-o", city_card.to_str().unwrap()],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("已自动创建"));
    let fp_county = fingerprint_in(&county_card);
    assert_eq!(fp_county, shown["fingerprint"]);
    let fp_city = fingerprint_in(&city_card);

    // A card without a fingerprint, or with the wrong one, is not trusted.
    let card = county_card.to_str().unwrap();
    let out = peixun(&city, &["keys", "trust", card]);
    assert_eq!(out.status.code(), Some(2));
    let out = peixun(
        &city,
        &[
            "--lang",
            "en",
            "keys",
            "trust",
            card,
            "--fingerprint",
            &fp_city,
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fingerprint: does not match this card"));
    ok(peixun(
        &city,
        &[
            "keys",
            "trust",
            card,
            "--fingerprint",
            &fp_county.to_lowercase(),
        ],
    ));
    ok(peixun(
        &county,
        &[
            "keys",
            "trust",
            city_card.to_str().unwrap(),
            "--fingerprint",
            &fp_city,
        ],
    ));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["keys", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["office"], ECHENG);

    ok(peixun(
        &county,
        &["checklist", "mark", "county.contact", "done"],
    ));
    let out = ok(peixun(
        &county,
        &[
            "bundle",
            "export",
            "--to",
            "鄂州市",
            "-o",
            stick.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("第 1 号"), "{out}");
    let bundles: Vec<PathBuf> = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pxb"))
        .collect();
    assert_eq!(bundles.len(), 1);
    let name = bundles[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("420704-420700-0001-"), "{name}");
    let bundle = bundles[0].to_str().unwrap();
    // The county's own bundle on the stick is not for it: left there, not refused.
    let out = peixun(&county, &["bundle", "import", stick.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out).contains("只有本单位发给其他单位的 1 个数据包"),
        "{out:?}"
    );
    assert!(!common::text(&out).contains("发给 鄂州市"), "{out:?}");

    // Anyone can read where it goes; only the city reads what is inside.
    let seen: serde_json::Value = serde_json::from_str(&ok(peixun(
        &county,
        &["bundle", "inspect", bundle, "--json"],
    )))
    .unwrap();
    assert_eq!(seen["recipient"], EZHOU);
    assert!(seen["contents"].is_null());
    let seen: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["bundle", "inspect", bundle, "--json"]))).unwrap();
    assert_eq!(seen["contents"]["signature_verified"], true);
    assert_eq!(seen["contents"]["ops"], 1);
    let shown = ok(peixun(&city, &["bundle", "inspect", bundle]));
    assert!(shown.contains("是否已导入：否"), "{shown}");
    assert!(shown.contains("字节"), "{shown}");
    let shown = ok(peixun(
        &city,
        &["--lang", "en", "bundle", "inspect", bundle],
    ));
    assert!(shown.contains(" bytes"), "{shown}");

    let out = ok(peixun(&city, &["bundle", "import", bundle]));
    assert!(out.contains("应用 1 条"), "{out}");
    let out = ok(peixun(&city, &["--lang", "en", "bundle", "import", bundle]));
    assert!(out.contains("already imported"), "{out}");
    // The city writes its own bundle to the same stick: taking the stick in again leaves it.
    ok(peixun(
        &city,
        &[
            "bundle",
            "export",
            "--to",
            "鄂城区",
            "-o",
            stick.to_str().unwrap(),
        ],
    ));
    let out = ok(peixun(
        &city,
        &["bundle", "import", stick.to_str().unwrap()],
    ));
    assert!(
        out.contains("本单位发给其他单位的 1 个数据包留在原处"),
        "{out}"
    );
    assert!(out.contains("已于"), "{out}");
    ok(peixun(&city, &["doctor"]));

    // A damaged copy is refused with its cause, in either language, and exit code 2.
    let mut bytes = std::fs::read(bundle).unwrap();
    bytes.truncate(bytes.len() - 10);
    let cut = stick.join("cut.pxb");
    std::fs::write(&cut, bytes).unwrap();
    let out = peixun(
        &city,
        &["--lang", "en", "bundle", "import", cut.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    let out = peixun(&county, &["bundle", "import", bundle]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是本单位"));

    // Revocation cannot be undone, so it waits for --yes.
    let out = peixun(&city, &["keys", "revoke", "鄂城区"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    let listed = common::json(&peixun(&city, &["keys", "list", "--json"]));
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["revoked"] == false));
    let out = ok(peixun(&city, &["keys", "revoke", "鄂城区", "--yes"]));
    assert!(out.contains("吊销"), "{out}");
    let again = ok(peixun(&city, &["keys", "revoke", "鄂城区"]));
    assert!(again.contains("此前已吊销"), "{again}");
    let out = ok(peixun(&city, &["bundle", "held"]));
    assert!(out.contains("没有"), "{out}");
}

/// A second 鄂城区 (a store made afresh, or someone passing as it) is not pinned over the first
/// without `--replace`; the refusal says to call the office and not to copy the card's line.
#[test]
fn other_keys_for_a_trusted_office_need_replace() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("city");
    ok(peixun(
        &city,
        &["init", "--office", "鄂州市", "--actor", "李雷"],
    ));
    let mut cards = Vec::new();
    for name in ["first", "second"] {
        let county = tmp.path().join(name);
        ok(peixun(
            &county,
            &["init", "--office", "鄂城区", "--actor", "王芳"],
        ));
        if name == "second" {
            let rotated = tmp.path().join("rotated.card");
            ok(peixun(
                &county,
                &["keys", "rotate", "-o", rotated.to_str().unwrap()],
            ));
        }
        let card = tmp.path().join(format!("{name}.card"));
        ok(peixun(
            &county,
            &["keys", "export", "-o", card.to_str().unwrap()],
        ));
        cards.push(card);
    }
    let trust = |card: &Path, more: &[&str]| {
        let fingerprint = fingerprint_in(card);
        let mut args = vec!["keys", "trust", card.to_str().unwrap(), "--fingerprint"];
        args.push(&fingerprint);
        args.extend_from_slice(more);
        peixun(&city, &args)
    };
    ok(trust(&cards[0], &[]));
    let refused = trust(&cards[1], &[]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(
        said.contains("冒充") && said.contains("--replace"),
        "{said}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["keys", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["fingerprint"], fingerprint_in(&cards[0]));
    let replaced = ok(trust(&cards[1], &["--replace"]));
    assert!(
        replaced.contains("keys revoke 鄂城区 --replaced"),
        "a command to run as written: {replaced}"
    );
    let (old, new) = (fingerprint_in(&cards[0]), fingerprint_in(&cards[1]));
    assert!(
        replaced.contains("已换用新密钥") && replaced.contains(&old) && replaced.contains(&new),
        "{replaced}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["keys", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["fingerprint"], new);
    // The same card again: nothing to replace, and the flag is said to be unneeded.
    let again = ok(trust(&cards[1], &["--replace"]));
    assert!(
        again.contains("无变化") && again.contains("没有用到 --replace"),
        "{again}"
    );
    // The first again, of an earlier generation (an impostor trusted by mistake giving way):
    // asked, then taken with --replace.
    let refused = trust(&cards[0], &[]);
    let said = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(
        said.contains("第 1 代") && said.contains("--replace"),
        "{said}"
    );
    ok(trust(&cards[0], &["--replace"]));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["keys", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["fingerprint"], fingerprint_in(&cards[0]));

    // The second keys were an impostor's: the replaced keys revoked on their own: asked first, then done, then nothing left.
    let asked = peixun(&city, &["keys", "revoke", "鄂城区", "--replaced"]);
    assert_eq!(asked.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&asked.stderr).contains("--yes"));
    let done = ok(peixun(
        &city,
        &["keys", "revoke", "鄂城区", "--replaced", "--yes"],
    ));
    assert!(done.contains("1 把旧密钥"), "{done}");
    let none = ok(peixun(
        &city,
        &["keys", "revoke", "鄂城区", "--replaced", "--yes"],
    ));
    assert!(
        none.contains("已没有未吊销的被替换旧密钥（该单位共有 1 把密钥已吊销）"),
        "{none}"
    );
    let unknown = peixun(&city, &["keys", "revoke", "华容区", "--replaced", "--yes"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("不在信任列表中"));
    let listed: serde_json::Value =
        serde_json::from_str(&ok(peixun(&city, &["keys", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["revoked"], false, "the keys trusted stay");
}

/// A card in this office's own name: its real card is called its own, one with other keys is
/// someone passing as it.
#[test]
fn a_card_in_this_offices_name_with_other_keys_is_called_forged() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cards = Vec::new();
    for name in ["real", "forger"] {
        let dir = tmp.path().join(name);
        ok(peixun(
            &dir,
            &["init", "--office", "鄂州市", "--actor", "李雷"],
        ));
        let card = tmp.path().join(format!("{name}.card"));
        ok(peixun(
            &dir,
            &["keys", "export", "-o", card.to_str().unwrap()],
        ));
        cards.push(card);
    }
    let real = tmp.path().join("real");
    for (card, says) in [(&cards[0], "本单位自己的身份卡"), (&cards[1], "冒用本单位")]
    {
        let fingerprint = fingerprint_in(card);
        let refused = peixun(
            &real,
            &[
                "keys",
                "trust",
                card.to_str().unwrap(),
                "--fingerprint",
                &fingerprint,
            ],
        );
        assert_eq!(refused.status.code(), Some(2));
        let said = String::from_utf8_lossy(&refused.stderr).to_string();
        assert!(said.contains(says), "{said}");
    }
    // After a rotation, its card of before is its past, and its certificate is for the others.
    let certificate = tmp.path().join("rotation.card");
    ok(peixun(
        &real,
        &["keys", "rotate", "-o", certificate.to_str().unwrap()],
    ));
    let fingerprint = fingerprint_in(&cards[0]);
    for (file, says) in [
        (cards[0].to_str().unwrap(), "轮换前的第 1 代"),
        (certificate.to_str().unwrap(), "自己的密钥轮换证书"),
    ] {
        let refused = peixun(
            &real,
            &["keys", "trust", file, "--fingerprint", &fingerprint],
        );
        assert_eq!(refused.status.code(), Some(2));
        let said = String::from_utf8_lossy(&refused.stderr).to_string();
        assert!(said.contains(says), "{said}");
    }
}
