//! A new session dated before today: the TUI's way asks first (a second Enter saves it), the
//! CLI's saves it and says so on stderr in the UI language; so does an edit that moves a session
//! there, and an edit of a past session that leaves its date is not asked about.

use crate::common::*;

use chrono::NaiveDate;
use peixun::app::sessions::{self, BeforeToday};
use peixun::app::{Confirm, Refusal};
use peixun::domain::input::SessionInput;
use peixun::store::Store;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 4, 20).unwrap()
}

#[test]
fn a_new_session_before_today_is_asked_about_or_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("store"), "420704", "测试员").unwrap();
    let ops = store.ops().count();
    let past = session_input("补录专场", "2023-04-10");
    match sessions::save(&store, None, &past, false, BeforeToday::Ask(today())) {
        Err(Refusal::Confirm(Confirm::Calendar(warnings))) => {
            assert_eq!(warnings.len(), 1, "{warnings:?}");
            assert!(warnings[0].contains("2023-04-10"), "{warnings:?}");
            assert!(
                warnings[0].contains("早于今天（2023-04-20）"),
                "{warnings:?}"
            );
        }
        other => panic!("a past date is asked about: {other:?}"),
    }
    assert_eq!(store.ops().count(), ops);
    let saved = sessions::save(&store, None, &past, true, BeforeToday::Ask(today())).unwrap();
    assert_eq!(saved.before_today, None, "asked, not said again");

    let warned = sessions::save(
        &store,
        None,
        &session_input("又一补录", "2023-04-11"),
        false,
        BeforeToday::Warn(today()),
    )
    .unwrap();
    assert!(warned
        .before_today
        .is_some_and(|w| w.contains("2023-04-11")));
    // Today and later are not before today; an edit of a past session is not new.
    for date in ["2023-04-20", "2023-05-06"] {
        let s = sessions::save(
            &store,
            None,
            &session_input("当日", date),
            false,
            BeforeToday::Ask(today()),
        );
        assert!(s.is_ok_and(|s| s.before_today.is_none()), "{date}");
    }
    let retitled = SessionInput {
        title: Some("补录专场（改）".into()),
        ..Default::default()
    };
    let edited = sessions::save(
        &store,
        Some(&saved.id),
        &retitled,
        false,
        BeforeToday::Ask(today()),
    );
    assert!(edited.is_ok_and(|s| !s.unchanged && s.before_today.is_none()));

    // An edit that moves a session to a past day is asked about like a new one.
    let upcoming = sessions::save(
        &store,
        None,
        &session_input("五月专场", "2023-05-08"),
        false,
        BeforeToday::Ask(today()),
    )
    .unwrap();
    let moved = SessionInput {
        date: Some("2023-04-12".into()),
        ..Default::default()
    };
    let asked = sessions::save(
        &store,
        Some(&upcoming.id),
        &moved,
        false,
        BeforeToday::Ask(today()),
    );
    assert!(
        matches!(&asked, Err(Refusal::Confirm(Confirm::Calendar(w))) if w.iter().any(|w| w.contains("2023-04-12"))),
        "{asked:?}"
    );
    let warned = sessions::save(
        &store,
        Some(&upcoming.id),
        &moved,
        false,
        BeforeToday::Warn(today()),
    )
    .unwrap();
    assert!(warned
        .before_today
        .is_some_and(|w| w.contains("2023-04-12")));
}

#[test]
fn session_add_warns_of_a_past_date_on_stderr_and_saves_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    stdout(&peixun(d, &["init", "--office", "鄂城区"]));
    let add = |lang: &str, date: &str| {
        peixun(
            d,
            &[
                "--lang",
                lang,
                "--today",
                "2023-04-20",
                "session",
                "add",
                "--title",
                "补录专场",
                "--date",
                date,
                "--venue",
                "区图书馆",
            ],
        )
    };
    let past = add("zh", "2023-04-10");
    assert_eq!(past.status.code(), Some(0), "{}", stderr(&past));
    assert!(
        stderr(&past).contains("场次日期 2023-04-10 早于今天（2023-04-20）"),
        "{}",
        stderr(&past)
    );
    assert!(stdout(&past).trim().starts_with("S-"), "{}", stdout(&past));
    let english = add("en", "2023-04-11");
    assert_eq!(english.status.code(), Some(0));
    assert!(
        stderr(&english).contains("2023-04-11 is before today (2023-04-20)"),
        "{}",
        stderr(&english)
    );
    let ahead = add("zh", "2023-05-06");
    assert_eq!(ahead.status.code(), Some(0));
    assert!(!stderr(&ahead).contains("早于今天"), "{}", stderr(&ahead));
    let listed = json(&peixun(d, &["sessions", "--json"]));
    assert_eq!(listed.as_array().unwrap().len(), 3);
}
