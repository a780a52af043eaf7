//! The 通报 and the 评选 (方案 二（五）2): a county's and a city's classes, the province's online
//! records and certification, the bulletin's figures recomputed here from what the story did;
//! nominations by the city travelling to the province by bundle and the choice coming back;
//! offices that may not nominate or choose refused, with nothing written.

use crate::common::offices::*;

use chrono::NaiveDate;
use peixun::app::awards::{self, Chosen, NominationInput};
use peixun::app::Refusal;
use peixun::domain::award::{AwardKind, Nomination, Selection};
use peixun::domain::cert::{Certificate, Evaluation, Marks, OnlineEntry};
use peixun::domain::{Session, SessionCourse, SessionKind};
use peixun::log::device::tagged;
use peixun::log::Payload;
use peixun::sheets::bulletin::{bulletin, BulletinRow, Figures};
use peixun::sheets::bulletin_doc::bulletin_documents;
use peixun::sheets::rollup::{coverage, TOTAL};

const WUHAN_JIANGAN: &str = "420102";
const LECTURER: &str = "毛敏婷（中南财经政法大学知识产权研究中心）";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 6, 30).unwrap()
}

fn class(office: &str, id: &str, host: &str, kind: SessionKind, course: &str) -> Payload {
    let Payload::SessionUpserted(s) = session(office, id, "专利挖掘与布局") else {
        unreachable!()
    };
    Payload::SessionUpserted(Session {
        kind,
        host: host.into(),
        units: vec![host.into()],
        courses: vec![SessionCourse {
            course: course.into(),
            lecturer: LECTURER.into(),
        }],
        ..s
    })
}

/// The story, and what each unit's figures must be by it.
///
/// - 鄂城区 holds two classes (one with 欧阳明月 checked in, one nobody came to) and registers a
///   second person, 王芳, who trains only online.
/// - 鄂州 holds a class in 华容区 for a 华容区 enterprise's 李强.
/// - The province records online time (王芳 to the rule, 欧阳明月 a little), selects 欧阳明月 and
///   李强, examines both at its exam: 欧阳明月 passes and is certified, 李强 fails.
fn story() -> (Office, Office, Office) {
    let (province, city, county) = hierarchy();
    county_work(&county, "a");
    let wang = format!("P-{ECHENG}-b");
    county
        .store
        .commit(vec![
            class(
                ECHENG,
                &format!("S-{ECHENG}-b"),
                ECHENG,
                SessionKind::Offline,
                "5",
            ),
            person(
                ECHENG,
                &wang,
                "王芳",
                "13807110043",
                &format!("E-{ECHENG}-a"),
            ),
        ])
        .unwrap();
    let (s, e, li) = ("S-420700-h", "E-420700-h", "P-420700-h");
    let mut work = vec![
        class(EZHOU, s, HUARONG, SessionKind::Offline, "5"),
        Payload::EnterpriseUpserted(peixun::domain::Enterprise {
            unit: HUARONG.into(),
            ..match enterprise(EZHOU, e, "鄂州华容精工机械有限公司") {
                Payload::EnterpriseUpserted(e) => e,
                _ => unreachable!(),
            }
        }),
        person(EZHOU, li, "李强", "13807110044", e),
    ];
    work.extend(attended(s, li));
    city.store.commit(work).unwrap();
    city.applied(&county.send(&city));
    province.applied(&city.send(&province));

    let ouyang = format!("P-{ECHENG}-a");
    let exam = "S-420000-exam";
    let watched = |person: &str, unit: &str, minutes| Payload::OnlineRecorded {
        person: person.into(),
        unit: unit.into(),
        entry: OnlineEntry::Watched {
            course: "Z1".into(),
            minutes,
        },
    };
    let selected = |person: &str, unit: &str| Payload::Evaluated {
        person: person.into(),
        unit: unit.into(),
        evaluation: Evaluation {
            score: 900,
            rank: 1,
            selected: true,
        },
    };
    let marks = |person: &str, unit: &str, mark| Payload::ResultRecorded {
        session: exam.into(),
        person: person.into(),
        unit: unit.into(),
        marks: Marks {
            exam: Some(mark),
            practical: Some(mark),
        },
    };
    let mut exam_session = class(PROVINCE, exam, PROVINCE, SessionKind::Exam, "K");
    if let Payload::SessionUpserted(s) = &mut exam_session {
        s.date = NaiveDate::from_ymd_opt(2023, 5, 20).unwrap();
    }
    province
        .store
        .commit(vec![
            watched(&wang, ECHENG, 400),
            watched(&ouyang, ECHENG, 30),
            selected(&ouyang, ECHENG),
            selected(li, HUARONG),
            exam_session,
            marks(&ouyang, ECHENG, 850),
            marks(li, HUARONG, 300),
            Payload::CertificateIssued {
                person: ouyang,
                unit: ECHENG.into(),
                certificate: Certificate {
                    number: "HBIP2023-0001".into(),
                    seq: 1,
                    date: NaiveDate::from_ymd_opt(2023, 6, 1).unwrap(),
                },
            },
        ])
        .unwrap();
    (province, city, county)
}

/// Each unit's figures as the story made them, counted from the province's raw records: the
/// classes each unit hosted and the check-ins at them, and per person what was recorded.
fn recomputed(office: &Office, unit: &str) -> Figures {
    let store = &office.store;
    let mut f = Figures::default();
    for s in store.sessions().unwrap() {
        if s.host == unit && s.kind == SessionKind::Offline && s.date <= today() {
            let came = peixun::store::lists::attendance(store, &s.id).unwrap();
            let present = came.values().filter(|a| a.present).count() as u64;
            if present > 0 {
                f.classes += 1;
                f.offline_people += present;
            } else if s.date < today() {
                f.awaiting_checkins += 1;
            }
        }
    }
    let enterprises = store.enterprises().unwrap();
    let unit_of = |p: &peixun::domain::Person| {
        p.enterprise
            .as_ref()
            .and_then(|e| enterprises.iter().find(|x| &x.id == e))
            .map_or(p.office.clone(), |e| e.unit.clone())
    };
    let attended: Vec<String> = store
        .sessions()
        .unwrap()
        .iter()
        .flat_map(|s| {
            peixun::store::lists::attendance(store, &s.id)
                .unwrap()
                .into_keys()
        })
        .collect();
    // The story's online time, selection, results and certificate, as committed above.
    let online = [
        (format!("P-{ECHENG}-a"), 30),
        (format!("P-{ECHENG}-b"), 400),
    ];
    let candidates = [format!("P-{ECHENG}-a"), "P-420700-h".to_string()];
    let certified = [format!("P-{ECHENG}-a")];
    for p in store
        .people()
        .unwrap()
        .iter()
        .filter(|p| unit_of(p) == unit)
    {
        let minutes = online.iter().find(|(id, _)| *id == p.id).map_or(0, |o| o.1);
        f.online += usize::from(minutes > 0);
        f.trained += usize::from(attended.contains(&p.id) || minutes >= 360);
        f.candidates += usize::from(candidates.contains(&p.id));
        f.examined += usize::from(candidates.contains(&p.id));
        f.certified += usize::from(certified.contains(&p.id));
    }
    f
}

fn row<'a>(rows: &'a [BulletinRow], unit: &str) -> &'a BulletinRow {
    rows.iter().find(|r| r.unit == unit && !r.own).unwrap()
}

#[test]
fn the_bulletin_counts_what_happened_and_agrees_with_the_other_reports() {
    let (province, city, _county) = story();
    let rows = bulletin(&province.store, PROVINCE, 2023, today()).unwrap();
    let echeng = recomputed(&province, ECHENG);
    let huarong = recomputed(&province, HUARONG);
    assert_eq!(
        (
            echeng.classes,
            echeng.awaiting_checkins,
            echeng.offline_people,
            echeng.online,
            echeng.trained
        ),
        (1, 1, 1, 2, 2),
        "the story as told: the class nobody came to is not counted as held"
    );
    assert_eq!(row(&rows, ECHENG).figures, echeng);
    assert_eq!(row(&rows, HUARONG).figures, huarong);
    let mut ezhou = echeng;
    ezhou.classes += huarong.classes;
    ezhou.awaiting_checkins += huarong.awaiting_checkins;
    ezhou.offline_people += huarong.offline_people;
    ezhou.online += huarong.online;
    ezhou.trained += huarong.trained;
    ezhou.candidates += huarong.candidates;
    ezhou.examined += huarong.examined;
    ezhou.certified += huarong.certified;
    assert_eq!(
        row(&rows, EZHOU).figures,
        ezhou,
        "the city is its units' sum"
    );
    assert_eq!(row(&rows, TOTAL).figures, ezhou, "nothing elsewhere");

    // Ranks: 鄂城区 first of all counties, 华容区 second, every other county shares third.
    assert_eq!(row(&rows, ECHENG).rank, Some(1));
    assert_eq!(row(&rows, HUARONG).rank, Some(2));
    assert_eq!(row(&rows, WUHAN_JIANGAN).rank, Some(3));
    assert_eq!(row(&rows, EZHOU).rank, Some(1));
    assert_eq!(row(&rows, "420100").rank, Some(2));
    assert_eq!(rows.last().unwrap().rank, None, "the total is not ranked");

    // The same people trained as the coverage report, the same classes as the 样表.
    let covered = coverage(&province.store, PROVINCE).unwrap();
    for r in rows.iter().filter(|r| !r.own) {
        let c = covered.iter().find(|c| c.unit == r.unit && !c.own).unwrap();
        assert_eq!(r.figures.trained, c.people_reached, "{}", r.unit);
    }
    let stats =
        peixun::sheets::report::stats_rows(&province.store, PROVINCE, 2023, today()).unwrap();
    let total = row(&rows, TOTAL).figures;
    assert_eq!(stats.len(), total.classes + total.awaiting_checkins);
    assert_eq!(stats.iter().filter(|s| s.people > 0).count(), total.classes);

    // The city's bulletin of its own units says the same of them as the province's.
    let at_city = bulletin(&city.store, EZHOU, 2023, today()).unwrap();
    let city_echeng = row(&at_city, ECHENG).figures;
    assert_eq!(
        (
            city_echeng.classes,
            city_echeng.offline_people,
            city_echeng.trained
        ),
        (1, 1, 1),
        "the city holds no online records: 王芳 is not trained there"
    );
    assert_eq!(row(&at_city, HUARONG).figures.classes, 1);

    // The printed 通报 says what its class count leaves out.
    let docs = bulletin_documents(&province.store, PROVINCE, &rows, &[], today(), "省局").unwrap();
    assert!(
        docs[0]
            .notes
            .iter()
            .any(|n| n.contains("另有 1 期培训班已过举办日期、尚未录入签到")),
        "{:?}",
        docs[0].notes
    );
}

fn nominate(
    office: &Office,
    kind: AwardKind,
    input: NominationInput,
) -> Result<Nomination, Refusal> {
    awards::nominate(&office.store, kind, &input)
}

fn said(refusal: Refusal) -> String {
    match refusal {
        Refusal::Said(message) => message,
        other => panic!("expected words, got {other:?}"),
    }
}

fn ops(office: &Office) -> usize {
    office.store.ops().count()
}

#[test]
fn the_city_nominates_the_province_chooses_and_the_choice_comes_back() {
    let (province, city, county) = story();
    let trainee = nominate(
        &city,
        AwardKind::Trainee,
        NominationInput {
            person: Some(PHONE.into()),
            reason: "全勤，考核一次通过".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (trainee.unit.as_str(), trainee.name.as_str()),
        (ECHENG, NAME)
    );
    let teacher = nominate(
        &city,
        AwardKind::Teacher,
        NominationInput {
            name: Some("毛敏婷".into()),
            session: Some("S-420700-h".into()),
            reason: "讲授专利挖掘".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (teacher.unit.as_str(), teacher.name.as_str()),
        (HUARONG, LECTURER)
    );
    let course = nominate(
        &city,
        AwardKind::Course,
        NominationInput {
            session: Some("S-420700-h".into()),
            reason: "案例丰富".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(course.course.as_deref(), Some("5"));

    // Refused, each named, nothing written: the same trainee again, a unit of another city,
    // an unknown person, a county nominating, the city choosing.
    let before = (ops(&city), ops(&county));
    let again = said(
        nominate(
            &city,
            AwardKind::Trainee,
            NominationInput {
                person: Some(PHONE.into()),
                reason: "再次".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(again.contains(&trainee.id), "{again}");
    let outside = said(
        nominate(
            &city,
            AwardKind::Teacher,
            NominationInput {
                name: Some("张三".into()),
                unit: Some("江岸区".into()),
                reason: "好".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(
        outside.contains("江岸区") && outside.contains("鄂州市"),
        "{outside}"
    );
    // Without a class, a teacher is one of the register or a lecturer heard in the area.
    let unknown = said(
        nominate(
            &city,
            AwardKind::Teacher,
            NominationInput {
                name: Some("不存在老师".into()),
                reason: "好".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(
        unknown.contains("不存在老师") && unknown.contains("师资库"),
        "{unknown}"
    );
    let nobody = said(
        nominate(
            &city,
            AwardKind::Trainee,
            NominationInput {
                person: Some("查无此人".into()),
                reason: "好".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(nobody.contains("查无此人"), "{nobody}");
    let by_county = said(
        nominate(
            &county,
            AwardKind::Trainee,
            NominationInput {
                person: Some(PHONE.into()),
                reason: "好".into(),
                ..Default::default()
            },
        )
        .unwrap_err(),
    );
    assert!(by_county.contains("鄂城区"), "{by_county}");
    let city_choosing = said(awards::select(&city.store, &trainee.id, true, "").unwrap_err());
    assert!(city_choosing.contains("省局"), "{city_choosing}");
    assert_eq!((ops(&city), ops(&county)), before);

    // Up by bundle: the province sees the three, none chosen yet.
    province.applied(&city.send(&province));
    let held = awards::list(&province.store).unwrap();
    assert_eq!(held.len(), 3);
    assert!(held.iter().all(|a| !a.selected()));
    assert_eq!(
        held.iter().map(|a| a.nomination.kind).collect::<Vec<_>>(),
        [AwardKind::Teacher, AwardKind::Trainee, AwardKind::Course]
    );
    let chosen = awards::select(&province.store, &trainee.id, true, "").unwrap();
    assert!(matches!(chosen, Chosen::Changed(ref a) if a.selected()));
    let twice = awards::select(&province.store, &trainee.id, true, "").unwrap();
    assert!(matches!(twice, Chosen::Unchanged(_)));
    let unknown = said(awards::select(&province.store, "W-420700-x-9", true, "").unwrap_err());
    assert!(unknown.contains("W-420700-x-9"), "{unknown}");

    // The province's bulletin names whom it chose; the choice reaches the city, whose bulletin
    // lists its nominations with the result.
    let rows = bulletin(&province.store, PROVINCE, 2023, today()).unwrap();
    let list = awards::list(&province.store).unwrap();
    let docs = bulletin_documents(
        &province.store,
        PROVINCE,
        &rows,
        &list,
        today(),
        "湖北省知识产权局",
    )
    .unwrap();
    let chosen_rows: Vec<Vec<String>> = docs[1].shown_rows();
    assert_eq!(chosen_rows.len(), 1, "{chosen_rows:?}");
    assert!(chosen_rows[0].contains(&NAME.to_string()));

    // The province printing 鄂州's bulletin lists 鄂州's nominations with the result.
    let rows = bulletin(&province.store, EZHOU, 2023, today()).unwrap();
    let docs = bulletin_documents(
        &province.store,
        EZHOU,
        &rows,
        &list,
        today(),
        "湖北省知识产权局",
    )
    .unwrap();
    assert_eq!(docs[1].shown_rows().len(), 3);

    city.applied(&province.send(&city));
    let at_city = awards::list(&city.store).unwrap();
    let selected: Vec<&str> = at_city
        .iter()
        .filter(|a| a.selected())
        .map(|a| a.nomination.id.as_str())
        .collect();
    assert_eq!(selected, [trainee.id.as_str()]);
    let rows = bulletin(&city.store, EZHOU, 2023, today()).unwrap();
    let docs = bulletin_documents(&city.store, EZHOU, &rows, &at_city, today(), "鄂州市").unwrap();
    let shown = docs[1].shown_rows();
    assert_eq!(shown.len(), 3);
    let results: Vec<&str> = shown.iter().map(|r| r.last().unwrap().as_str()).collect();
    assert_eq!(results, ["待省局评选", "已评选", "待省局评选"]);
    province.assert_consistent();
    city.assert_consistent();
}

#[test]
fn forged_nominations_and_choices_are_refused_where_they_land() {
    let (province, city, county) = story();
    let nomination = |office: &str, id: &str, unit: &str| Nomination {
        id: id.into(),
        office: office.into(),
        kind: AwardKind::Teacher,
        unit: unit.into(),
        name: "冒名".into(),
        person: None,
        session: None,
        course: None,
        reason: "冒名".into(),
    };
    // A county's own software nominating: refused at its city.
    let bundle = county.craft(
        &city,
        tagged(ECHENG, 9),
        vec![Payload::AwardNominated(nomination(
            ECHENG,
            "W-420704-x-1",
            ECHENG,
        ))],
    );
    let summary = city.imported(&bundle);
    assert_eq!(summary.counts.refused_ops.len(), 1);
    assert_eq!(summary.counts.refused_ops[0].kind, "AwardNominated");
    assert!(awards::list(&city.store).unwrap().is_empty());

    // A city nominating beyond its area, and choosing: both refused at the province.
    let bundle = city.craft(
        &province,
        tagged(EZHOU, 9),
        vec![
            Payload::AwardNominated(nomination(EZHOU, "W-420700-x-1", WUHAN_JIANGAN)),
            Payload::AwardNominated(nomination(EZHOU, "W-420700-x-2", HUARONG)),
            Payload::AwardSelected {
                nomination: "W-420700-x-2".into(),
                selection: Selection {
                    selected: true,
                    note: String::new(),
                },
            },
        ],
    );
    let summary = province.imported(&bundle);
    let refused: Vec<&str> = summary
        .counts
        .refused_ops
        .iter()
        .map(|r| r.kind.as_str())
        .collect();
    assert_eq!(refused, ["AwardNominated", "AwardSelected"]);
    assert!(summary.counts.refused_ops[0].reason().contains("江岸区"));
    let held = awards::list(&province.store).unwrap();
    assert_eq!(held.len(), 1, "the nomination within its area stands");
    assert!(!held[0].selected());
    province.assert_consistent();
    city.assert_consistent();
}
