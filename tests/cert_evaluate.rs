//! `cert evaluate --city` ranks that city's people alone: the same rows as ranking everyone and
//! keeping the city's, and `--publish` with it records that city's evaluations only.

use std::path::Path;

use crate::common::{json, peixun, stdout, text};

fn added(dir: &Path, args: &[&str]) -> String {
    stdout(&peixun(dir, args)).trim().to_string()
}

/// A province with people of enterprises in 鄂州 (鄂城区) and 武汉 (江岸区) who watched online.
fn province_with_two_cities() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "湖北省"]));
    let ezhou = added(
        d,
        &[
            "enterprise",
            "add",
            "--name",
            "鄂州华宇光电有限公司",
            "--unit",
            "鄂城区",
        ],
    );
    let wuhan = added(
        d,
        &[
            "enterprise",
            "add",
            "--name",
            "武汉江岸科技有限公司",
            "--unit",
            "江岸区",
        ],
    );
    let mut sheet = String::from("姓名,手机号,观看时长,问卷,测试成绩\n");
    for (i, (name, firm, minutes, test)) in [
        ("甲", &ezhou, 540, 90),
        ("乙", &ezhou, 540, 70),
        ("丙", &ezhou, 100, 95),
        ("丁", &wuhan, 540, 95),
        ("戊", &wuhan, 540, 60),
    ]
    .into_iter()
    .enumerate()
    {
        let phone = format!("1380000000{i}");
        added(
            d,
            &[
                "person",
                "add",
                "--name",
                name,
                "--phone",
                &phone,
                "--enterprise",
                firm,
            ],
        );
        sheet.push_str(&format!("{name},{phone},{minutes},是,{test}\n"));
    }
    added(
        d,
        &[
            "person",
            "add",
            "--name",
            "己",
            "--phone",
            "13800000009",
            "--enterprise",
            &ezhou,
        ],
    );
    let file = d.join("观看记录.csv");
    std::fs::write(&file, sheet).unwrap();
    stdout(&peixun(d, &["cert", "import", file.to_str().unwrap()]));
    dir
}

fn rows(dir: &Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["cert", "evaluate", "--json"];
    all.extend(args);
    json(&peixun(dir, &all)).as_array().unwrap().clone()
}

#[test]
fn one_city_evaluated_is_that_city_of_everyone_evaluated() {
    let dir = province_with_two_cities();
    let d = dir.path();
    let everyone = rows(d, &[]);
    let names = |rows: &[serde_json::Value]| -> Vec<String> {
        rows.iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    // By city code (武汉 420100 before 鄂州 420700), then by score.
    assert_eq!(names(&everyone), ["丁", "戊", "甲", "乙", "丙"]);
    for (city, code, expected) in [
        ("鄂州市", "420700", ["甲", "乙", "丙"].as_slice()),
        ("武汉市", "420100", &["丁", "戊"]),
    ] {
        let alone = rows(d, &["--city", city]);
        assert_eq!(names(&alone), expected);
        let of_everyone: Vec<_> = everyone
            .iter()
            .filter(|r| r["city"] == code)
            .cloned()
            .collect();
        assert_eq!(alone, of_everyone);
    }

    stdout(&peixun(
        d,
        &["cert", "evaluate", "--city", "鄂州市", "--publish"],
    ));
    let book = json(&peixun(d, &["cert", "list", "--json"]));
    let evaluated: Vec<&str> = book
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["facts"]["evaluation"].is_null())
        .map(|c| c["person"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(evaluated, ["甲", "乙", "丙"]);
}

/// A county is not taken for its whole city: it is refused, naming its city.
#[test]
fn a_county_or_the_province_given_for_a_city_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "湖北省"]));
    for (args, said) in [
        (
            vec!["cert", "evaluate", "--city", "鄂城区"],
            "“鄂城区”不是市州，它属于鄂州市：--city 只接受市州的名称或代码",
        ),
        (
            vec!["cert", "list", "--city", "420704"],
            "“鄂城区”不是市州，它属于鄂州市",
        ),
        (
            vec!["cert", "list", "--city", "湖北省"],
            "“湖北省”不是市州：--city",
        ),
        (
            vec!["--lang", "en", "cert", "evaluate", "--city", "鄂城区"],
            "“鄂城区” is not a city but part of 鄂州市: --city takes a city’s name or code",
        ),
    ] {
        let out = peixun(d, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out).contains(said), "{}", text(&out));
    }
    // A city, by name, is taken.
    stdout(&peixun(d, &["cert", "list", "--city", "鄂州市"]));
}
