//! The demo's work down to the enterprises, written by the store's own office: where the
//! outreach to some of its enterprises stands, a few 附件3 service needs (most answered), a
//! teachers' register sent to some classes (a city or the province), and some publicity.

use chrono::{Days, NaiveDate};
use color_eyre::eyre::Result;

use super::names;
use super::rng::Rng;
use crate::campaign::hierarchy::{above_county, within};
use crate::domain::outreach::{Outreach, OutreachStatus, Publicity, ServiceAnswer, ServiceNeed};
use crate::domain::teacher::Teacher;
use crate::domain::{Enterprise, Session, SessionKind};
use crate::log::Payload;
use crate::store::Store;

const ORGANISATIONS: [&str; 4] = [
    "湖北省知识产权局",
    "中南财经政法大学知识产权研究中心",
    "武汉大学法学院",
    "湖北省专利信息服务中心",
];
const OUTLETS: [&str; 3] = ["鄂州日报", "鄂州市人民政府网", "“鄂州市场监管”公众号"];
const NOTES: [&str; 4] = ["电话通知", "送达培训通知", "企业负责人接待", "微信群通知"];

fn before(today: NaiveDate, days: usize) -> NaiveDate {
    today
        .checked_sub_days(Days::new(days as u64))
        .unwrap_or(today)
}

/// The payloads, in the order they are committed.
pub(crate) fn own(
    store: &Store,
    rng: &mut Rng,
    firms: &[Enterprise],
    sessions: &[&Session],
    today: NaiveDate,
) -> Result<Vec<Payload>> {
    let office = store.office().to_string();
    let mut out = Vec::new();
    for e in firms.iter().filter(|e| e.office == office) {
        let status = match rng.below(20) {
            0..=1 => OutreachStatus::Invited,
            2..=3 => OutreachStatus::Confirmed,
            4 => OutreachStatus::Declined,
            5..=6 => OutreachStatus::Visited,
            _ => continue,
        };
        out.push(Payload::OutreachRecorded {
            enterprise: e.id.clone(),
            unit: office.clone(),
            outreach: Outreach {
                status,
                on: before(today, rng.range(1, 40)),
                note: rng.pick(&NOTES).to_string(),
            },
        });
        if rng.chance(0.15) {
            let need = ServiceNeed {
                id: store.new_id('N')?,
                enterprise: e.id.clone(),
                unit: office.clone(),
                service: u8::try_from(rng.range(1, crate::campaign::campaign().services.len()))
                    .unwrap_or(1),
                asked: before(today, rng.range(10, 40)),
                note: String::new(),
            };
            let answered = rng.chance(0.6).then(|| Payload::ServiceNeedAnswered {
                need: need.id.clone(),
                unit: office.clone(),
                answer: ServiceAnswer {
                    on: before(today, rng.range(1, 9)),
                    note: "已转省知识产权公共服务机构对接".into(),
                },
            });
            out.push(Payload::ServiceNeedRecorded(need));
            out.extend(answered);
        }
    }
    let held: Vec<&&Session> = sessions
        .iter()
        .filter(|s| s.kind == SessionKind::Offline && s.date < today && within(&office, &s.office))
        .collect();
    if above_county(&office) {
        let mut teachers = Vec::new();
        for i in 0..6 {
            let courses = rng
                .sample(&["K", "1", "2", "3", "6", "8", "9", "12", "14"], 2)
                .into_iter()
                .map(str::to_string)
                .collect();
            let teacher = Teacher {
                id: store.new_id('T')?,
                office: office.clone(),
                name: names::person_name(rng),
                organisation: ORGANISATIONS[i % ORGANISATIONS.len()].to_string(),
                title: if i % 2 == 0 { "研究员" } else { "副教授" }.to_string(),
                courses,
                phone: format!("027-8{:07}", rng.below(10_000_000)),
            };
            teachers.push(teacher.id.clone());
            out.push(Payload::TeacherUpserted(teacher));
        }
        for (i, s) in held.iter().enumerate() {
            out.push(Payload::TeacherAssigned {
                session: s.id.clone(),
                teacher: teachers[i % teachers.len()].clone(),
                assigned: true,
            });
        }
    }
    for (i, s) in held
        .iter()
        .filter(|s| s.office == office)
        .take(3)
        .enumerate()
    {
        out.push(Payload::PublicityAdded(Publicity {
            id: store.new_id('B')?,
            unit: office.clone(),
            session: Some(s.id.clone()),
            outlet: OUTLETS[i % OUTLETS.len()].to_string(),
            on: s.date.checked_add_days(Days::new(1)).unwrap_or(s.date),
            title: format!("{}顺利举办", s.title),
            link: String::new(),
        }));
    }
    Ok(out)
}
