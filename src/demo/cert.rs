//! The certification chain in a demo store: the platform's watch log for the online training,
//! the province's evaluation, exam results with failures and one makeup, a city's expansion
//! class approved by the province, certificates and a few points. Numbers are realistic: most
//! selected candidates pass, some fail, some pass the makeup, a few fail twice.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use color_eyre::eyre::{eyre, Result};

use super::rng::Rng;
use super::{device_id, names, ChainWriter, Planned};
use crate::campaign::campaign;
use crate::cert::model::{Approval, Certificate, Evaluation, Marks, OnlineEntry, PointsEntry};
use crate::cert::pipeline::{passed, Facts};
use crate::cert::{evaluate, Rules};
use crate::domain::{Person, Session, SessionKind};
use crate::log::{Op, Payload};

/// What the demo writes for the chain, by who may write it.
#[derive(Default)]
pub(super) struct CertDemo {
    /// Written by the province office, the exams' results among them (it holds the exams).
    pub province: Vec<Payload>,
    /// A city's expansion class (扩招班): the city's own chain.
    pub expansion: Option<(String, Vec<Payload>)>,
    /// Who sits each exam and the makeup (indices into the people), by session id.
    pub seated: HashMap<String, Vec<u32>>,
}

impl CertDemo {
    /// The payloads `office` writes itself; the rest become their writers' chains in `foreign`
    /// (each on a device of its own: the office's checklist marks may already have one).
    pub(super) fn write(
        self,
        office: &str,
        seed: u64,
        actor_rng: &mut Rng,
        foreign: &mut Vec<Op>,
    ) -> Result<Vec<Payload>> {
        let mut own = Vec::new();
        let mut writers = vec![(super::sessions::PROVINCE.to_string(), self.province)];
        writers.extend(self.expansion);
        for (writer, payloads) in writers {
            if writer == office {
                own.extend(payloads);
                continue;
            }
            let mut chain = ChainWriter::new(
                &writer,
                device_id(seed, &format!("{writer}/cert")),
                &names::person_name(actor_rng),
            );
            for payload in payloads {
                foreign.push(chain.push(payload)?);
            }
        }
        Ok(own)
    }
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| eyre!("bad demo date"))
}

fn marks(rng: &mut Rng, pass_rate: f64) -> Marks {
    // A pass is both marks at 60 or more; a failure misses one of them.
    let good = |rng: &mut Rng| 600 + 10 * rng.range(0, 38) as u16;
    let bad = |rng: &mut Rng| 300 + 10 * rng.range(0, 29) as u16;
    if rng.chance(pass_rate) {
        Marks {
            exam: Some(good(rng)),
            practical: Some(good(rng)),
        }
    } else if rng.chance(0.1) {
        Marks {
            exam: None,
            practical: None,
        }
    } else if rng.chance(0.5) {
        Marks {
            exam: Some(bad(rng)),
            practical: Some(good(rng)),
        }
    } else {
        Marks {
            exam: Some(good(rng)),
            practical: Some(bad(rng)),
        }
    }
}

/// The chain for the people of a demo store: `unit_of` names each person's unit, `planned` are
/// the sessions with their enrolments and check-ins.
pub(super) fn plan(
    rng: &mut Rng,
    people: &[Person],
    unit_of: &dyn Fn(u32) -> Option<String>,
    planned: &[Planned],
) -> Result<CertDemo> {
    let rules = Rules::embedded().map_err(|e| eyre!(e))?;
    let mut out = CertDemo::default();
    let mut facts: HashMap<u32, Facts> = HashMap::new();
    for p in planned
        .iter()
        .filter(|p| p.session.kind == SessionKind::Offline)
    {
        for (i, _) in &p.present {
            facts.entry(*i).or_default().offline_attended += 1;
        }
    }
    // The platform's log: each online day, minutes for those who joined; a replay for a few.
    let online: Vec<&Planned> = planned
        .iter()
        .filter(|p| p.session.kind == SessionKind::Online)
        .collect();
    let mut watched: Vec<u32> = Vec::new();
    for (day, p) in online.iter().enumerate() {
        let present: HashSet<u32> = p.present.iter().map(|(i, _)| *i).collect();
        for &i in &p.enrolled {
            let minutes = if present.contains(&i) {
                rng.range(70, 181) as u32
            } else if rng.chance(0.3) {
                rng.range(10, 91) as u32
            } else {
                continue;
            };
            let f = facts.entry(i).or_default();
            if f.online_minutes == 0 {
                watched.push(i);
            }
            f.online_minutes += minutes;
            out.province.push(Payload::OnlineRecorded {
                person: people[i as usize].id.clone(),
                unit: people[i as usize].office.clone(),
                entry: OnlineEntry::Watched {
                    course: format!("第{}天", day + 1),
                    minutes,
                },
            });
        }
    }
    for &i in &watched {
        let returned = rng.chance(0.8);
        // `range` is inclusive: a draw of 101 is a full mark, as an import would take it (the
        // draws are kept as they were, so the demo's other figures stay the same).
        let score = 10 * rng.range(40, 101).min(100) as u16;
        let f = facts.entry(i).or_default();
        f.questionnaire = Some(returned);
        f.test = Some(score);
        let person = &people[i as usize];
        for entry in [
            OnlineEntry::Questionnaire { returned },
            OnlineEntry::Test { score },
        ] {
            out.province.push(Payload::OnlineRecorded {
                person: person.id.clone(),
                unit: person.office.clone(),
                entry,
            });
        }
    }

    // 遴选: the composite ranks everyone who took part, per city.
    let index: HashMap<&str, u32> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i as u32))
        .collect();
    let city = |i: u32| {
        unit_of(i)
            .and_then(|u| campaign().city_of(&u).map(|c| c.id.clone()))
            .unwrap_or_default()
    };
    let pool: Vec<(String, String, Facts)> = watched
        .iter()
        .map(|&i| {
            (
                people[i as usize].id.clone(),
                city(i),
                facts.get(&i).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let ranked = evaluate::rank(&pool, &rules);
    let mut selected = Vec::new();
    for r in &ranked {
        let Some(&i) = index.get(r.person.as_str()) else {
            continue;
        };
        if r.evaluation.selected {
            selected.push(i);
        }
        out.province.push(Payload::Evaluated {
            person: r.person.clone(),
            unit: people[i as usize].office.clone(),
            evaluation: Evaluation {
                ..r.evaluation.clone()
            },
        });
    }

    // Exams by region, one makeup for those who failed.
    let exams: Vec<&Session> = planned
        .iter()
        .map(|p| &p.session)
        .filter(|s| s.kind == SessionKind::Exam)
        .collect();
    let makeup = planned
        .iter()
        .map(|p| &p.session)
        .find(|s| s.kind == SessionKind::Makeup);
    let mut certified: Vec<u32> = Vec::new();
    let result = |session: &Session, i: u32, marks: Marks| Payload::ResultRecorded {
        session: session.id.clone(),
        person: people[i as usize].id.clone(),
        unit: people[i as usize].office.clone(),
        marks,
    };
    for &i in &selected {
        let unit = unit_of(i).unwrap_or_default();
        let Some(exam) = exams.iter().find(|s| s.units.contains(&unit)) else {
            continue;
        };
        let first = marks(rng, 0.78);
        out.seated.entry(exam.id.clone()).or_default().push(i);
        out.province.push(result(exam, i, first));
        if passed(&first, &rules) {
            certified.push(i);
        } else if let Some(makeup) = makeup.filter(|_| rng.chance(0.85)) {
            let second = marks(rng, 0.7);
            out.seated.entry(makeup.id.clone()).or_default().push(i);
            out.province.push(result(makeup, i, second));
            if passed(&second, &rules) {
                certified.push(i);
            }
        }
    }

    // A city's expansion class for trained people the list left out, approved by the province.
    let left_out: Vec<u32> = ranked
        .iter()
        .filter(|r| !r.evaluation.selected)
        .filter_map(|r| index.get(r.person.as_str()).copied())
        .filter(|i| {
            facts
                .get(i)
                .is_some_and(|f| f.online_minutes >= rules.online_minutes)
        })
        .collect();
    if let Some(first) = left_out.first() {
        let city_id = city(*first);
        let class: Vec<u32> = left_out
            .iter()
            .copied()
            .filter(|i| city(*i) == city_id)
            .take(30)
            .collect();
        let city_name = campaign()
            .unit(&city_id)
            .map_or_else(|| city_id.clone(), |u| u.short.clone());
        let session = Session {
            id: format!("S-{city_id}-kz1"),
            office: city_id.clone(),
            kind: SessionKind::Expansion,
            title: format!("{city_name}知识产权专员扩招培训班（考核认证）"),
            units: vec![city_id.clone()],
            host: city_id.clone(),
            cohost: None,
            date: date(2023, 6, 16)?,
            start: chrono::NaiveTime::from_hms_opt(9, 0, 0).ok_or_else(|| eyre!("bad time"))?,
            end: chrono::NaiveTime::from_hms_opt(16, 30, 0).ok_or_else(|| eyre!("bad time"))?,
            venue: format!("{city_name}市民中心"),
            courses: Vec::new(),
            audience: "线上大培训达标、未入遴选名单的学员".to_string(),
            capacity: 40,
        };
        let mut ops = vec![Payload::SessionUpserted(session.clone())];
        for &i in &class {
            ops.push(Payload::EnrolmentSet {
                session: session.id.clone(),
                person: people[i as usize].id.clone(),
                enrolled: true,
            });
            let m = marks(rng, 0.8);
            ops.push(result(&session, i, m));
            if passed(&m, &rules) {
                certified.push(i);
            }
        }
        out.province.push(Payload::ExpansionApproved {
            session: session.id.clone(),
            city: city_id.clone(),
            approval: Approval {
                approved: true,
                reason: "市州出资，按统一标准和模式举办".to_string(),
            },
        });
        out.expansion = Some((city_id, ops));
    }

    // Certificates in the order of the roster, and points for some specialists.
    let format = rules.number_format();
    let issued = date(2023, 7, 10)?;
    for (n, &i) in certified.iter().enumerate() {
        let person = &people[i as usize];
        let seq = n as u32 + 1;
        out.province.push(Payload::CertificateIssued {
            person: person.id.clone(),
            unit: person.office.clone(),
            certificate: Certificate {
                number: format.render(rules.certificate_year, seq),
                seq,
                date: issued,
            },
        });
        if rng.chance(0.3) {
            let category = rng.pick(&rules.point_categories).clone();
            let reasons = [
                "参加专利导航实务研讨",
                "为企业开展知识产权体检",
                "完成年度继续教育",
                "指导企业申报高价值专利",
            ];
            out.province.push(Payload::PointsRecorded {
                person: person.id.clone(),
                unit: person.office.clone(),
                entry: PointsEntry {
                    id: format!("J-demo-{seq}"),
                    category,
                    points: rng.range(2, 11) as i32,
                    date: date(2023, 9, 1 + rng.below(28) as u32)?,
                    reason: rng.pick(&reasons).to_string(),
                },
            });
        }
    }
    Ok(out)
}
