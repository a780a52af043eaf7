//! A firm or a trainee that two counties both registered is one enterprise and one person above
//! them: the city's coverage, 通报 and printed table count them once, and say so.

use crate::common::offices::*;

use chrono::NaiveDate;
use peixun::domain::credit_code;
use peixun::log::Payload;
use peixun::sheets::bulletin::bulletin;
use peixun::sheets::bulletin_doc::bulletin_documents;
use peixun::sheets::rollup::{coverage, coverage_document};
use peixun::sheets::summary::{summary, summary_document};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 4, 1).unwrap()
}

#[test]
fn a_firm_and_a_trainee_registered_by_two_counties_count_once_at_the_city() {
    let (city, echeng, huarong) = city_and_two_counties();
    for county in [&echeng, &huarong] {
        county_work(county, "a");
        city.imported(&county.send(&city));
    }
    let rows = coverage(&city.store, EZHOU).unwrap();
    let row = |unit: &str| rows.iter().find(|c| c.unit == unit && !c.own).unwrap();
    for county in [ECHENG, HUARONG] {
        let r = row(county);
        assert_eq!(
            (r.enterprises_reached, r.people_reached),
            (1, 1),
            "{county}"
        );
        assert!(!r.counted_once, "{county}");
    }
    let total = rows.last().unwrap();
    assert_eq!(
        (
            total.enterprises,
            total.enterprises_reached,
            total.people_reached
        ),
        (1, 1, 1),
        "one firm and one trainee, though each county has a record of both"
    );
    assert!(total.counted_once);

    let trained = |unit: &str| {
        bulletin(&city.store, EZHOU, 2023, today())
            .unwrap()
            .into_iter()
            .find(|r| r.unit == unit && !r.own)
            .unwrap()
            .figures
            .trained
    };
    assert_eq!(trained(ECHENG), 1);
    assert_eq!(trained(peixun::sheets::rollup::TOTAL), 1, "the 通报 agrees");

    let doc = coverage_document(&city.store, EZHOU, &rows, today(), "鄂州市知识产权局").unwrap();
    assert!(
        doc.notes.iter().any(|n| n.contains("只计一次")),
        "{:?}",
        doc.notes
    );

    let rows = bulletin(&city.store, EZHOU, 2023, today()).unwrap();
    let docs = bulletin_documents(&city.store, EZHOU, &rows, &[], today(), "鄂州市").unwrap();
    assert!(
        docs[0].notes.iter().any(|n| n.contains("参训人数的小计")),
        "the 通报 says it: {:?}",
        docs[0].notes
    );
    let summary = summary(&city.store, EZHOU, today()).unwrap();
    assert!(summary.counted_once);
    let doc = summary_document(&summary, "鄂州市", today());
    assert!(
        doc.notes.iter().any(|n| n.contains("只计一次")),
        "{:?}",
        doc.notes
    );
}

#[test]
fn another_phone_is_another_person_and_nothing_is_said() {
    let (city, echeng, huarong) = city_and_two_counties();
    county_work(&echeng, "a");
    let o = HUARONG;
    let (s, e, p) = (format!("S-{o}-h"), format!("E-{o}-h"), format!("P-{o}-h"));
    let mut ops = vec![
        session(o, &s, "专利导航"),
        enterprise(o, &e, "华容另一家有限公司"),
        person(o, &p, NAME, "13900000001", &e),
    ];
    ops.extend(attended(&s, &p));
    huarong.store.commit(ops).unwrap();
    for county in [&echeng, &huarong] {
        city.imported(&county.send(&city));
    }
    let rows = coverage(&city.store, EZHOU).unwrap();
    let total = rows.last().unwrap();
    assert_eq!((total.enterprises_reached, total.people_reached), (2, 2));
    assert!(!total.counted_once);
    let doc = coverage_document(&city.store, EZHOU, &rows, today(), "鄂州市知识产权局").unwrap();
    assert!(!doc.notes.iter().any(|n| n.contains("只计一次")));
}

#[test]
fn a_name_without_a_code_is_the_coded_firm_of_that_name() {
    let (city, echeng, huarong) = city_and_two_counties();
    county_work(&echeng, "a");
    county_work(&huarong, "a");
    let code = credit_code::complete("9142070300000077").unwrap();
    let firm = format!("E-{HUARONG}-a");
    let mut coded = match enterprise(HUARONG, &firm, FIRM) {
        Payload::EnterpriseUpserted(e) => e,
        _ => unreachable!(),
    };
    coded.credit_code = Some(code);
    huarong
        .store
        .commit(vec![Payload::EnterpriseUpserted(coded)])
        .unwrap();
    for county in [&echeng, &huarong] {
        city.imported(&county.send(&city));
    }
    let rows = coverage(&city.store, EZHOU).unwrap();
    assert_eq!(rows.last().unwrap().enterprises, 1);
}
