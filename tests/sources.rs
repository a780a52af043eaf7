//! Rules that say where they come from (issue 16, items 3 and 7): every checklist item cites a
//! section of the campaign documents, dates the documents do not give are shown as provisional,
//! and `campaign show` lists the certification rules with their sources.

use crate::common::*;

use peixun::campaign::campaign;

/// The sections of the seed (鄂知发〔2023〕4号 with its 附件, and 鄂州市监办〔2023〕4号). The seed
/// itself is outside the repository, so its section names are listed here instead.
const SECTIONS: &[&str] = &[
    "方案 一（一）",
    "方案 一（二）",
    "方案 二（一）",
    "方案 二（二）",
    "方案 二（三）",
    "方案 二（四）",
    "方案 二（五）",
    "方案 三（一）",
    "方案 三（二）",
    "方案 三（三）",
    "附件1",
    "附件2",
    "附件3",
    "附件4",
    "附件5",
    "鄂州市监办〔2023〕4号 一",
    "鄂州市监办〔2023〕4号 二",
    "鄂州市监办〔2023〕4号 三",
    // The notice's closing paragraph after 三 (培训结束后…报知识产权科).
    "鄂州市监办〔2023〕4号 末段",
];

/// After a section's name only item numbers may follow: 5（1）, 1、6, 三1, 注.
fn names_a_section(part: &str) -> bool {
    SECTIONS.iter().any(|section| {
        part.strip_prefix(section).is_some_and(|rest| {
            rest.trim_start()
                .chars()
                .all(|c| c.is_ascii_digit() || "（）、一二三四五注 ".contains(c))
        })
    })
}

#[test]
fn every_checklist_item_names_a_section_of_the_seed() {
    let c = campaign();
    assert!(!c.checklist.is_empty());
    for item in &c.checklist {
        assert!(!item.source.trim().is_empty(), "{} has no source", item.id);
        for part in item.source.split('；') {
            assert!(names_a_section(part), "{}: “{part}” is no section", item.id);
        }
    }
    // The pattern itself refuses what the old header cited and made-up numbering.
    assert!(!names_a_section("方案 三（五）"));
    assert!(!names_a_section("方案 二（二）5 省局自定"));
    assert!(names_a_section("方案 二（二）5（1）"));
}

#[test]
fn dates_the_seed_does_not_give_are_marked_and_given_ones_are_not() {
    let c = campaign();
    let given = |id: &str| c.checklist.iter().find(|i| i.id == id).unwrap().due_given;
    // Checked by hand against the seed: only the cities' dates and the steps' own months are given.
    for id in [
        "county.contact",
        "county.plan",
        "county.online_mobilise",
        "county.summary",
    ] {
        assert!(!given(id), "{id}");
    }
    for id in [
        "county.offline",
        "city.plan_summary",
        "city.submit",
        "province.launch",
    ] {
        assert!(given(id), "{id}");
    }

    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(
        dir.path(),
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    let rows = json(&peixun(
        dir.path(),
        &["--today", "2023-02-20", "checklist", "--json"],
    ));
    let row = |id: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["item"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(row("county.contact")["due_provisional"], true);
    // 鄂州's notice gives its counties' plans 2/27: given, though the province's 方案 does not.
    assert_eq!(row("county.plan")["due"], "2023-02-27");
    assert_eq!(row("county.plan")["due_provisional"], false);
    assert_eq!(row("county.offline")["due_provisional"], false);

    for (lang, mark) in [
        ("zh", "（文件未规定，待上级设定，暂定）"),
        (
            "en",
            "(not set by the campaign; for the higher office to set; provisional)",
        ),
    ] {
        for command in [&["checklist"][..], &["due", "--days", "10"][..]] {
            let mut args = vec!["--lang", lang, "--today", "2023-02-20"];
            args.extend_from_slice(command);
            let out = stdout(&peixun(dir.path(), &args));
            let line_of = |id: &str| {
                out.lines()
                    .find(|l| l.contains(id))
                    .unwrap_or_else(|| panic!("{id} missing from {command:?}:\n{out}"))
                    .to_string()
            };
            let contact = line_of("county.contact");
            assert!(
                contact.contains("2023-02-28") && contact.contains(mark),
                "{out}"
            );
            assert!(!line_of("county.plan").contains(mark), "{out}");
        }
    }
}

#[test]
fn a_date_a_city_sets_is_no_longer_provisional() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂州市"]));
    let before = stdout(&peixun(dir.path(), &["checklist", "--unit", "华容区"]));
    let summary = |out: &str| {
        out.lines()
            .find(|l| l.contains("county.summary"))
            .unwrap()
            .to_string()
    };
    assert!(summary(&before).contains("暂定"), "{before}");
    // The city's printed roll-up of its units says so too.
    let report = stdout(&peixun(dir.path(), &["report", "checklist"]));
    assert!(summary(&report).contains("暂定"), "{report}");
    stdout(&peixun(
        dir.path(),
        &[
            "checklist",
            "--unit",
            "华容区",
            "deadline",
            "county.summary",
            "2023-11-20",
        ],
    ));
    let after = stdout(&peixun(dir.path(), &["checklist", "--unit", "华容区"]));
    assert!(summary(&after).contains("2023-11-20"), "{after}");
    assert!(!summary(&after).contains("暂定"), "{after}");
}

#[test]
fn campaign_show_lists_the_certification_rules_with_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let zh = stdout(&peixun(dir.path(), &["campaign", "show"]));
    let en = stdout(&peixun(dir.path(), &["--lang", "en", "campaign", "show"]));
    for (text, heading, province, seed) in [
        (
            &zh,
            "== 认证规则及其来源 ==",
            "来源：省局设定的默认值（相关条款：方案 二（三）5",
            "来源：方案 二（四）4",
        ),
        (
            &en,
            "== Certification rules and where they come from ==",
            "source: default set by the province (related: 方案 二（三）5",
            "source: 方案 二（四）4",
        ),
    ] {
        let rules = &text[text.find(heading).unwrap_or_else(|| panic!("{text}"))..];
        // The line after a rule is its source.
        let source_of = |name: &str| {
            let mut lines = rules.lines();
            lines.find(|l| l.trim_start().starts_with(&format!("{name} = ")));
            lines.next().unwrap_or_default().trim().to_string()
        };
        assert!(source_of("threshold").starts_with(province), "{rules}");
        assert!(source_of("weight_test").starts_with(province), "{rules}");
        assert!(source_of("makeup_attempts").starts_with(seed), "{rules}");
        assert!(source_of("selection").contains("方案 二（四）3"), "{rules}");
        for name in [
            "online_minutes",
            "offline_sessions",
            "exam_pass",
            "certificate_format",
            "point_categories",
        ] {
            assert!(!source_of(name).is_empty(), "{name}: {rules}");
        }
    }
    // The checklist in `campaign show` marks assumed dates and cites its sections.
    assert!(
        zh.contains("2023-02-28（文件未规定，待上级设定，暂定） (county.contact)"),
        "{zh}"
    );
    assert!(zh.contains("依据：方案 二（二）5（1）"), "{zh}");
    assert!(en.contains("2023-11-30 (city.submit)"), "{en}");
}

// XDG_CONFIG_HOME places config.toml on Linux only.
#[cfg(target_os = "linux")]
#[test]
fn a_rule_changed_in_config_toml_is_said_to_be() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("peixun")).unwrap();
    std::fs::write(
        config.join("peixun/config.toml"),
        "[cert]\nthreshold = 70\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_peixun"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--lang", "en", "campaign", "show"])
        .env_remove("PEIXUN_LANG")
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    let text = stdout(&out);
    let at = text
        .find("    threshold = 70")
        .unwrap_or_else(|| panic!("{text}"));
    let next: Vec<&str> = text[at..].lines().skip(1).take(2).collect();
    assert_eq!(
        next[0].trim(),
        "changed in this install's config.toml",
        "{text}"
    );
    assert!(next[1].contains("default set by the province"), "{text}");
    // Values left alone carry no such line.
    let at = text.find("    exam_pass = 60").unwrap();
    assert!(!text[at..].lines().nth(1).unwrap().contains("config.toml"));
}

#[test]
fn the_printed_checklist_marks_a_provisional_date_and_says_what_the_mark_means() {
    use peixun::sheets::doc::{Row, Value};
    let dir = tempfile::tempdir().unwrap();
    let store = peixun::store::Store::create(dir.path(), "420700", "王芳").unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2023, 2, 20).unwrap();
    let doc = peixun::sheets::rollup::checklist_document(&store, "420700", today, "王芳").unwrap();
    let due_of = |unit: &str, title: &str| {
        doc.rows
            .iter()
            .find_map(|row| match row {
                Row::Body(cells)
                    if cells[0].value == Value::Text(unit.into())
                        && cells[1].value == Value::Text(title.into()) =>
                {
                    Some(cells[2].value.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("{unit} {title}"))
    };
    // 华容区's summary date is the program's; its plan date is the 鄂州 notice's.
    assert_eq!(
        due_of("华容区", "培训总结报市州"),
        Value::DateWith(
            chrono::NaiveDate::from_ymd_opt(2023, 11, 30).unwrap(),
            "*".into()
        )
    );
    assert_eq!(
        due_of("华容区", "制订培训计划并报市州"),
        Value::Date(chrono::NaiveDate::from_ymd_opt(2023, 2, 27).unwrap())
    );
    assert!(
        doc.notes
            .iter()
            .any(|n| n.contains('*') && n.contains("暂定")),
        "{:?}",
        doc.notes
    );
}

#[test]
fn the_provinces_own_provisional_dates_do_not_wait_for_a_higher_office() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "湖北省"]));
    let out = stdout(&peixun(dir.path(), &["--today", "2023-02-20", "checklist"]));
    let selection = out
        .lines()
        .find(|l| l.contains("province.selection"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(selection.contains("（文件未规定，暂定）"), "{out}");
    assert!(!selection.contains("待上级设定"), "{out}");
    let county = stdout(&peixun(
        dir.path(),
        &["--today", "2023-02-20", "checklist", "--unit", "华容区"],
    ));
    assert!(
        county.contains("（文件未规定，待上级设定，暂定）"),
        "{county}"
    );
}

#[test]
fn a_city_has_the_duties_the_seed_gives_it() {
    // 方案 二（二）6: 市州…负责所辖县(市)区培训工作的动员部署, 落实计划报备、宣传报道、培训总结材料报送.
    let items = campaign().checklist_for("420700");
    let named = |words: &str| {
        items
            .iter()
            .find(|d| d.title.contains(words))
            .unwrap_or_else(|| panic!("no city item for {words}"))
    };
    assert!(named("动员部署").source.contains("方案 二（二）6"));
    assert!(named("宣传报道").source.contains("方案 二（二）6"));
    assert!(
        !named("动员部署").due_given,
        "the seed gives no date for it"
    );
    assert!(named("计划汇总").due_given);
    assert!(named("培训工作总结").due_given);
}
