//! Behaviour: unit lookup, the holiday calendar, the text view.

use chrono::NaiveDate;

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn found(query: &str) -> String {
    match campaign().find_unit(query) {
        Ok(u) => u.id.clone(),
        Err(s) => panic!(
            "{query} not found; suggestions {:?}",
            s.iter().map(|u| &u.name).collect::<Vec<_>>()
        ),
    }
}

fn suggestions(query: &str) -> Vec<String> {
    match campaign().find_unit(query) {
        Ok(u) => panic!("{query} unexpectedly resolved to {}", u.name),
        Err(s) => s.iter().map(|u| u.short.clone()).collect(),
    }
}

#[test]
fn find_unit_exact() {
    assert_eq!(found("鄂城区"), "420704");
    assert_eq!(found("420704"), "420704");
    assert_eq!(found("葛店经济技术开发区"), "420700-gedian");
    assert_eq!(found("葛店开发区"), "420700-gedian");
    assert_eq!(found("420700-GEDIAN"), "420700-gedian");
    assert_eq!(found("恩施州"), "422800");
    assert_eq!(found("恩施市"), "422801");
    assert_eq!(found("荆州区"), "421003");
    assert_eq!(
        found("梁子区局"),
        "420702",
        "the spelling the 鄂州 notice uses"
    );
    assert_eq!(found("临空分局"), "420700-linkong");
    assert_eq!(
        found("省局"),
        "420000",
        "the documents' name for the province office"
    );
    assert_eq!(found("省知识产权局"), "420000");
    assert_eq!(
        found("鄂州市局"),
        "420700",
        "a city's office as the documents call it"
    );
    assert_eq!(found("武汉市局"), "420100");
    assert_eq!(found("华容区局"), "420703");
    assert_eq!(found(" ４２０７０４ "), "420704");
}

#[test]
fn find_unit_short() {
    assert_eq!(found("鄂城"), "420704");
    assert_eq!(found("鄂州"), "420700");
    assert_eq!(found("葛店"), "420700-gedian");
    assert_eq!(found("临空"), "420700-linkong");
    assert_eq!(found("长阳"), "420528");
    assert_eq!(found("神农架"), "429021");
    assert_eq!(found("黄石"), "420200", "not 黄石港区");
    // Where a city and a county share a short name, the documents mean the city.
    assert_eq!(found("荆州"), "421000");
    assert_eq!(found("恩施"), "422800");
    // Unambiguous prefix.
    assert_eq!(found("梁子"), "420702");
    assert_eq!(found("东西湖"), "420112");
}

#[test]
fn find_unit_suggestions() {
    let s = suggestions("鄂城县");
    assert_eq!(s.first().map(String::as_str), Some("鄂城区"));
    assert!(s.contains(&"鄂州市".to_string()), "{s:?}");
    assert!(s.len() <= 5);
    let s = suggestions("葛店区");
    assert_eq!(s.first().map(String::as_str), Some("葛店开发区"), "{s:?}");
    let s = suggestions("华蓉区");
    assert_eq!(s.first().map(String::as_str), Some("华容区"), "{s:?}");
    let s = suggestions("黄梅县城");
    assert_eq!(s.first().map(String::as_str), Some("黄梅县"), "{s:?}");
    // Ambiguous prefix: the candidates are offered.
    let s = suggestions("4207");
    assert_eq!(s.len(), 5);
    assert_eq!(s.first().map(String::as_str), Some("鄂州市"));
    let s = suggestions("420705");
    assert!(s.contains(&"鄂城区".to_string()), "{s:?}");
    assert!(suggestions("xyz").is_empty());
    assert!(suggestions("").is_empty());
    assert!(suggestions("上海").is_empty());
}

#[test]
fn holiday_kinds_2023() {
    let h = &campaign().holidays;
    assert_eq!(
        h.kind(date(2023, 1, 28)),
        DayKind::MakeupWorkday("春节".into())
    );
    assert_eq!(
        h.kind(date(2023, 10, 2)),
        DayKind::Holiday("中秋节、国庆节".into())
    );
    assert_eq!(
        h.kind(date(2023, 10, 7)),
        DayKind::MakeupWorkday("中秋节、国庆节".into())
    );
    assert!(h.is_working_day(date(2023, 10, 7)));
    assert!(h.is_working_day(date(2023, 1, 28)));
    assert!(!h.is_working_day(date(2023, 10, 2)));
    assert_eq!(h.kind(date(2022, 12, 31)), DayKind::Holiday("元旦".into()));
    assert_eq!(h.kind(date(2023, 2, 27)), DayKind::Workday);
    assert_eq!(h.kind(date(2023, 2, 25)), DayKind::Weekend);
    assert_eq!(h.kind(date(2023, 4, 5)), DayKind::Holiday("清明节".into()));
    assert_eq!(h.kind(date(2023, 6, 23)), DayKind::Holiday("端午节".into()));
}

#[test]
fn holiday_kinds_later_years() {
    let h = &campaign().holidays;
    assert_eq!(
        h.kind(date(2024, 2, 9)),
        DayKind::Workday,
        "除夕 2024 was not a holiday"
    );
    assert_eq!(
        h.kind(date(2024, 2, 18)),
        DayKind::MakeupWorkday("春节".into())
    );
    assert_eq!(h.kind(date(2025, 1, 28)), DayKind::Holiday("春节".into()));
    assert_eq!(
        h.kind(date(2025, 4, 27)),
        DayKind::MakeupWorkday("劳动节".into())
    );
    assert_eq!(
        h.kind(date(2026, 1, 4)),
        DayKind::MakeupWorkday("元旦".into())
    );
    assert_eq!(h.kind(date(2026, 2, 23)), DayKind::Holiday("春节".into()));
    assert_eq!(
        h.kind(date(2026, 2, 28)),
        DayKind::MakeupWorkday("春节".into())
    );
    assert_eq!(h.kind(date(2027, 2, 5)), DayKind::Holiday("春节".into()));
    assert!(h.is_provisional(date(2027, 6, 9)));
    assert!(!h.is_provisional(date(2026, 6, 19)));
    assert_eq!(
        h.kind(date(2028, 1, 3)),
        DayKind::Workday,
        "beyond the calendar: weekdays only"
    );
    for year in &h.years {
        assert_eq!(year.provisional, year.year == 2027, "{}", year.year);
        for w in &year.workdays {
            assert!(
                matches!(h.kind(w.date), DayKind::MakeupWorkday(_)),
                "{} is both a holiday and a workday",
                w.date
            );
            let weekday = w.date.format("%a").to_string();
            assert!(
                weekday == "Sat" || weekday == "Sun",
                "{} is a {weekday}",
                w.date
            );
        }
        for r in &year.holidays {
            assert!(r.from <= r.to, "{}", r.name);
        }
    }
}

#[test]
fn working_days_across_national_day_2023() {
    let h = &campaign().holidays;
    // Thu 9/28 -> Mon 10/9: 9/29..10/6 off, Sat 10/7 and Sun 10/8 worked, Mon 10/9.
    assert_eq!(
        h.working_days_between(date(2023, 9, 28), date(2023, 10, 9)),
        3
    );
    assert_eq!(
        h.working_days_between(date(2023, 10, 9), date(2023, 9, 28)),
        -3
    );
    assert_eq!(
        h.working_days_between(date(2023, 9, 28), date(2023, 9, 28)),
        0
    );
    assert_eq!(
        h.working_days_between(date(2023, 9, 28), date(2023, 10, 6)),
        0
    );
    // A plain week: Fri -> Mon is one working day.
    assert_eq!(
        h.working_days_between(date(2023, 11, 24), date(2023, 11, 27)),
        1
    );
}

#[test]
fn show_text_has_every_annex() {
    let c = campaign();
    // English is checked through the binary (tests/cli.rs): the language is process-wide.
    let zh = show_text(c);
    assert!(zh.contains("鄂城区局"));
    assert!(zh.contains(&c.course("K").expect("keynote").title));
    assert!(zh.contains("人事处（机关党委）"));
    assert!(zh.contains("365970494@qq.com"));
    assert!(zh.contains("序号 | 培训班名称"));
    assert!(!zh.contains("campaign."), "a label key is missing");
    assert!(zh.contains("对口联系分工"));
    assert!(zh.contains("2023-02-27"));
}

proptest::proptest! {
    /// Counting by weeks and correcting for holidays gives what counting day by day gives.
    #[test]
    fn working_days_by_weeks_agree_with_counting_each_day(
        from in 0i64..2_200,
        span in -1_500i64..1_500,
    ) {
        let h = &campaign().holidays;
        let start = date(2022, 1, 1) + chrono::Duration::days(from);
        let end = start + chrono::Duration::days(span);
        let (lo, hi) = (start.min(end), start.max(end));
        let counted = lo
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= hi)
            .filter(|d| matches!(h.kind(*d), DayKind::Workday | DayKind::MakeupWorkday(_)))
            .count() as i64;
        let expected = if end >= start { counted } else { -counted };
        proptest::prop_assert_eq!(h.working_days_between(start, end), expected);
    }
}
