//! Down to the enterprises: a county records its outreach and its city sees it; a call list with
//! full phones is written to the log with who took it; a county cannot write about another's
//! enterprises; the 企业 tab's rows are kept until the log moves. (Needs and publicity are in
//! `services.rs`.)

use crate::common::offices::*;
use crate::common::*;

use peixun::app::outreach::{self, CallFilter};
use peixun::app::{needs, Refusal};
use peixun::domain::outreach::OutreachStatus;
use peixun::domain::EnterpriseCategory;
use peixun::log::Payload;

#[test]
fn a_county_records_its_outreach_and_its_city_sees_it() {
    let (_province, city, county) = hierarchy();
    let (trained, untrained) = with_two_enterprises(&county);

    let rows = outreach_rows(&county.store, CallFilter::default()).unwrap();
    assert_eq!(rows.len(), 2);
    let row = |rows: &[peixun::domain::outreach::OutreachRow], id: &str| {
        rows.iter().find(|r| r.enterprise.id == id).unwrap().clone()
    };
    assert!(row(&rows, &trained).trained);
    assert!(!row(&rows, &untrained).trained);

    let untrained_only = CallFilter {
        category: None,
        untrained: true,
    };
    let listed = outreach_rows(&county.store, untrained_only).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].enterprise.id, untrained);

    let (_, _, written) = outreach::record(
        &county.store,
        "华光光电",
        OutreachStatus::Visited,
        day(),
        day(),
        "周经理接待",
    )
    .unwrap();
    assert!(written);
    // The same status, day and note again writes nothing.
    let ops = county.store.ops().count();
    let (_, _, again) = outreach::record(
        &county.store,
        &untrained,
        OutreachStatus::Visited,
        day(),
        day(),
        "周经理接待",
    )
    .unwrap();
    assert!(!again);
    assert_eq!(county.store.ops().count(), ops);
    // A day after today is refused, on the field, before anything is written.
    let tomorrow = day().succ_opt().unwrap();
    let refused = outreach::record(
        &county.store,
        &untrained,
        OutreachStatus::Confirmed,
        tomorrow,
        day(),
        "",
    );
    match refused {
        Err(peixun::app::Refusal::Fields(errors)) => {
            assert_eq!(errors[0].field, "on");
            assert!(
                errors[0].message.contains("晚于今天"),
                "{}",
                errors[0].message
            );
        }
        other => panic!("a day after today went through: {other:?}"),
    }
    assert!(needs::add(&county.store, &untrained, "3", tomorrow, day(), "").is_err());
    assert_eq!(county.store.ops().count(), ops, "nothing written");
    outreach::record(
        &county.store,
        &trained,
        OutreachStatus::Invited,
        day(),
        day(),
        "",
    )
    .unwrap();

    city.applied(&county.send(&city));
    let seen = outreach_rows(&city.store, CallFilter::default()).unwrap();
    let status = row(&seen, &untrained).outreach.unwrap();
    assert_eq!(status.status, OutreachStatus::Visited);
    assert_eq!(status.note, "周经理接待");
    // The city reads the county's enterprises but records outreach only for its own.
    let refused = outreach::record(
        &city.store,
        &untrained,
        OutreachStatus::Invited,
        day(),
        day(),
        "",
    );
    assert!(matches!(refused, Err(Refusal::Said(_))));
    // The coverage report counts the outreach per unit, up the line.
    let coverage = peixun::sheets::rollup::coverage(&city.store, EZHOU).unwrap();
    let echeng = coverage.iter().find(|c| c.unit == ECHENG).unwrap();
    assert_eq!(
        (echeng.enterprises_contacted, echeng.enterprises_visited),
        (2, 1)
    );
    let total = coverage.last().unwrap();
    assert_eq!(total.enterprises_visited, 1);
    city.assert_consistent();
}

#[test]
fn a_call_list_export_is_in_the_log_with_who_took_it() {
    let county = Office::new(ECHENG);
    let (_, untrained) = with_two_enterprises(&county);
    let high_tech = CallFilter {
        category: Some(EnterpriseCategory::HighTech),
        untrained: true,
    };
    // A list that cannot be kept (its scratch file full) is not taken: nothing is logged.
    let ops = county.store.ops().count();
    let kept = outreach::read_calls(
        &county.store,
        high_tech,
        |p| p,
        |_| Err(color_eyre::eyre::eyre!("disk full").into()),
    );
    assert!(kept.is_err());
    assert_eq!(county.store.ops().count(), ops);
    // Read, it is recorded only when the caller says it is ready to be read.
    let mut rows = Vec::new();
    let taken = outreach::read_calls(
        &county.store,
        high_tech,
        |p| p,
        |row| {
            rows.push(row);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!((taken.count(), rows.len()), (1, 1));
    assert_eq!(county.store.ops().count(), ops);
    taken.record(&county.store).unwrap();
    assert_eq!(rows[0].people[0].phone, "13907110099");
    let last = county.store.ops().last().unwrap().unwrap();
    assert_eq!(last.actor, "测试员");
    match &last.payload {
        Payload::CallListExported {
            unit,
            filter,
            enterprises,
        } => {
            assert_eq!(unit, ECHENG);
            assert_eq!(enterprises, &vec![untrained.clone()]);
            assert!(filter.contains("高新技术企业"), "{filter}");
        }
        other => panic!("not an export: {other:?}"),
    }
    // A list with nobody on it is refused and leaves no trace.
    let ops = county.store.ops().count();
    let listed = CallFilter {
        category: Some(EnterpriseCategory::Listed),
        untrained: false,
    };
    assert!(matches!(
        outreach::read_calls(&county.store, listed, |p| p, |_| Ok(())),
        Err(Refusal::Said(_))
    ));
    assert_eq!(county.store.ops().count(), ops);
}

#[test]
fn the_cli_masks_phones_in_lists_and_logs_the_call_list_it_prints_in_full() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(
        dir.path(),
        &["init", "--office", "鄂城区", "--actor", "王芳"],
    ));
    let id = stdout(&peixun(
        dir.path(),
        &[
            "enterprise",
            "add",
            "--name",
            "鄂州市华光光电有限公司",
            "--category",
            "high-tech",
        ],
    ));
    let id = id.trim().rsplit(' ').next().unwrap().to_string();
    stdout(&peixun(
        dir.path(),
        &[
            "person",
            "add",
            "--name",
            "周晓",
            "--phone",
            "13907110099",
            "--enterprise",
            "鄂州市华光光电有限公司",
        ],
    ));
    let listed = json(&peixun(dir.path(), &["outreach", "list", "--json"]));
    let phone = listed[0]["people"][0]["phone"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!phone.contains("13907110099"), "{phone}");

    // A file that cannot be written is not recorded as taken, in any format.
    let ops = || stdout(&peixun(dir.path(), &["log"])).lines().count();
    let before = ops();
    for ext in ["csv", "xlsx", "pdf"] {
        let missing = dir
            .path()
            .join("没有这个文件夹")
            .join(format!("电话.{ext}"));
        let failed = peixun(
            dir.path(),
            &["report", "calls", "-o", &missing.display().to_string()],
        );
        assert!(!failed.status.success(), "{ext}");
        assert!(
            stderr(&failed).contains("电话."),
            "{ext}: names the file: {}",
            stderr(&failed)
        );
        assert!(!stderr(&failed).contains("已在操作留痕中记录"), "{ext}");
        assert_eq!(ops(), before, "{ext}: nothing recorded");
    }

    let calls = peixun(dir.path(), &["report", "calls", "--untrained"]);
    assert!(stdout(&calls).contains("13907110099"));
    assert!(stderr(&calls).contains("王芳"), "{}", stderr(&calls));
    let log = json(&peixun(dir.path(), &["log", "--json", "--record", &id]));
    let kinds: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            op["payload"]
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap()
                .as_str()
        })
        .collect();
    assert!(kinds.contains(&"CallListExported"), "{log}");

    for (status, lang, word) in [("已上门", "zh", "已上门"), ("invited", "en", "invited")] {
        let out = stdout(&peixun(
            dir.path(),
            &[
                "--lang",
                lang,
                "outreach",
                "set",
                &id,
                status,
                "--on",
                "2023-03-02",
            ],
        ));
        assert!(out.contains(word), "{out}");
    }
    let bad = peixun(dir.path(), &["outreach", "set", &id, "maybe"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("“maybe”不是联络情况"),
        "{}",
        stderr(&bad)
    );
}

/// The call list goes by one name wherever a coordinator meets it: the 报表 menu, the help, the
/// document's title and the log of its export, in either language.
#[test]
fn the_call_list_goes_by_one_name() {
    use peixun::i18n::{t_in, Lang};
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    stdout(&peixun(
        dir.path(),
        &["enterprise", "add", "--name", "鄂州市华光光电有限公司"],
    ));
    for (lang, code, name, logged) in [
        (Lang::Zh, "zh", "企业联络清单", "导出企业联络清单"),
        (
            Lang::En,
            "en",
            "Enterprise call list",
            "enterprise call list exported",
        ),
    ] {
        assert_eq!(t_in(lang, "tui.reports.calls"), name, "the 报表 menu");
        let help = stdout(&peixun(
            dir.path(),
            &["--lang", code, "report", "calls", "--help"],
        ));
        assert!(help.to_lowercase().contains(&name.to_lowercase()), "{help}");
        let list = stdout(&peixun(dir.path(), &["--lang", code, "report", "calls"]));
        assert!(list.lines().next().unwrap().contains(name), "{list}");
        let log = stdout(&peixun(
            dir.path(),
            &["--lang", code, "log", "--limit", "1"],
        ));
        assert!(log.contains(logged), "{log}");
    }
}

#[test]
fn a_county_cannot_write_about_another_countys_enterprises() {
    let (_province, city, county) = hierarchy();
    let (_, untrained) = with_two_enterprises(&county);
    city.applied(&county.send(&city));
    let huarong = Office::new(HUARONG);
    city.pin(&huarong);
    huarong.pin(&city);
    let before = city.state();
    let forged = huarong.craft(
        &city,
        peixun::log::device::tagged(HUARONG, 9),
        vec![Payload::OutreachRecorded {
            enterprise: untrained,
            unit: HUARONG.into(),
            outreach: peixun::domain::outreach::Outreach {
                status: OutreachStatus::Declined,
                on: day(),
                note: String::new(),
            },
        }],
    );
    let _ = city.take(&forged);
    assert_eq!(city.state(), before);
}

#[test]
fn the_summary_of_another_county_is_refused_and_its_own_is_given_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    let refused = peixun(dir.path(), &["report", "summary", "--office", "华容区"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("华容区 不在 鄂城区 的辖区内"),
        "{}",
        stderr(&refused)
    );
    let own = json(&peixun(dir.path(), &["report", "summary", "--json"]));
    assert_eq!(own["unit"], ECHENG);
    assert_eq!(own["publicity"], 0);
    let english = stdout(&peixun(dir.path(), &["--lang", "en", "report", "summary"]));
    assert!(english.contains("Publicity items"), "{english}");
}

/// The 企业 tab's rows are kept beside the store: read back while nothing changed, worked out
/// again once an outreach status is recorded, and the same as the rows the store gives.
#[test]
fn the_enterprise_tabs_rows_are_kept_until_the_log_moves() {
    let (_province, _city, county) = hierarchy();
    let (_, untrained) = with_two_enterprises(&county);
    let first = outreach::screen_rows(&county.store).unwrap();
    let full = outreach_rows(&county.store, CallFilter::default()).unwrap();
    let on_screen: Vec<_> = first
        .iter()
        .map(|r| {
            let row = (r.id, r.name, r.unit_name, r.office, r.trained);
            (row, r.categories, r.people().len())
        })
        .collect();
    let in_the_store: Vec<_> = full
        .iter()
        .map(|r| {
            let e = &r.enterprise;
            let row = (&*e.id, &*e.name, &*r.unit_name, &*e.office, r.trained);
            (row, e.categories, r.people.len())
        })
        .collect();
    assert_eq!(on_screen, in_the_store);
    assert_eq!(first.len(), 2);
    assert!(county.store.dir().join("enterprise-rows").exists());
    assert_eq!(outreach::screen_rows(&county.store).unwrap(), first);
    let masked: Vec<&str> = first.iter().flat_map(|r| r.people()).collect();
    assert!(
        !masked.is_empty() && masked.iter().all(|p| p.contains("****")),
        "phones masked: {masked:?}"
    );
    outreach::forget_kept_screen_rows(&county.store).unwrap();
    assert!(
        !county.store.dir().join("enterprise-rows").exists(),
        "let go by doctor"
    );
    assert_eq!(
        outreach::screen_rows(&county.store).unwrap(),
        first,
        "worked out again, the same"
    );

    let today = day();
    outreach::record(
        &county.store,
        &untrained,
        OutreachStatus::Invited,
        today,
        today,
        "电话通知",
    )
    .unwrap();
    let after = outreach::screen_rows(&county.store).unwrap();
    let row = after.iter().find(|r| r.id == untrained).unwrap();
    assert_eq!(
        row.outreach.map(|o| o.status),
        Some(OutreachStatus::Invited),
        "worked out again, not the rows kept before"
    );
}

/// The list a coordinator phones down is read by name: 爱科 (ài) before 中天 (zhōng), though 中
/// comes first by code point; in the table, the JSON and the call list alike.
#[test]
fn enterprises_are_listed_by_their_names_pinyin() {
    let dir = tempfile::tempdir().unwrap();
    stdout(&peixun(dir.path(), &["init", "--office", "鄂城区"]));
    for name in ["中天科技有限公司", "爱科光电有限公司", "鄂州华宇有限公司"]
    {
        stdout(&peixun(dir.path(), &["enterprise", "add", "--name", name]));
    }
    let expected = ["爱科光电有限公司", "鄂州华宇有限公司", "中天科技有限公司"];
    let listed = json(&peixun(dir.path(), &["outreach", "list", "--json"]));
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["enterprise"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, expected);
    let table = stdout(&peixun(dir.path(), &["outreach", "list"]));
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines.len(),
        expected.len() + 2,
        "a header, the rows, the count: {table}"
    );
    for (line, name) in lines[1..].iter().zip(expected) {
        assert!(line.contains(name), "{table}");
    }
    let calls = stdout(&peixun(dir.path(), &["report", "calls"]));
    let at = |name: &str| calls.find(name).unwrap();
    assert!(
        at(expected[0]) < at(expected[1]) && at(expected[1]) < at(expected[2]),
        "{calls}"
    );
}
