//! A busy county's season as one office's writes: 30 sessions, then per person an enterprise,
//! the person, an enrolment and a check-in. The bundle benches and the bundle generator
//! (`examples/county_bundle.rs`) send it to the city; 25,000 people make 100,030 ops.

use chrono::{NaiveDate, NaiveTime};

use crate::domain::{Enterprise, Person, Session, SessionKind};
use crate::log::Payload;

const SESSIONS: usize = 30;

/// The season of `county` with `people` people, in the order it is written.
pub fn county_season(county: &str, people: usize) -> Vec<Payload> {
    let day = NaiveDate::from_ymd_opt(2023, 3, 15).unwrap_or_default();
    let mut payloads = Vec::with_capacity(SESSIONS + 4 * people);
    for s in 0..SESSIONS {
        payloads.push(Payload::SessionUpserted(Session {
            id: format!("S-{county}-{s}"),
            office: county.into(),
            kind: SessionKind::Offline,
            title: format!("第 {s} 场"),
            units: vec![county.into()],
            host: county.into(),
            cohost: None,
            date: day,
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            end: NaiveTime::from_hms_opt(11, 30, 0).unwrap_or_default(),
            venue: "政务服务中心".into(),
            courses: vec![],
            audience: String::new(),
            capacity: 200,
        }));
    }
    for p in 0..people {
        let session = format!("S-{county}-{}", p % SESSIONS);
        let person = format!("P-{county}-{p}");
        let enterprise = format!("E-{county}-{p}");
        payloads.push(Payload::EnterpriseUpserted(Enterprise {
            id: enterprise.clone(),
            office: county.into(),
            name: format!("湖北某某科技有限公司{p}"),
            credit_code: None,
            categories: Default::default(),
            unit: county.into(),
        }));
        payloads.push(Payload::PersonUpserted(Person {
            id: person.clone(),
            office: county.into(),
            name: format!("学员{p}"),
            phone: format!("138{p:08}"),
            position: "知识产权专员".into(),
            enterprise: Some(enterprise),
            code: format!("C{p:06}"),
        }));
        payloads.push(Payload::EnrolmentSet {
            session: session.clone(),
            person: person.clone(),
            enrolled: true,
        });
        payloads.push(Payload::CheckedIn {
            session,
            person,
            at: day.and_hms_opt(8, 50, 0).unwrap_or_default(),
        });
    }
    payloads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_season_is_its_sessions_then_four_writes_a_person() {
        let season = county_season("420704", 25_000);
        assert_eq!(season.len(), 100_030);
        assert!(matches!(season[0], Payload::SessionUpserted(_)));
        assert!(matches!(season[30], Payload::EnterpriseUpserted(_)));
        assert!(matches!(season.last(), Some(Payload::CheckedIn { .. })));
    }
}
