//! Every text an op carries, so one check refuses a control character wherever it hides (a
//! name, a lecturer, an evidence file's name, a reason): at input, and in ops another office
//! sent. The match has no wildcard, so a new payload cannot be forgotten.

use super::op::Payload;
use crate::domain::text::forbidden_char;

/// The first field of `payload` (its stable name) holding a character no input takes.
pub fn unclean_text(payload: &Payload) -> Option<(&'static str, char)> {
    let mut fields: Vec<(&'static str, &str)> = Vec::new();
    match payload {
        Payload::SessionUpserted(s) => {
            fields.extend([
                ("id", s.id.as_str()),
                ("office", &s.office),
                ("title", &s.title),
                ("host", &s.host),
                ("venue", &s.venue),
                ("audience", &s.audience),
            ]);
            fields.extend(s.cohost.as_deref().map(|c| ("cohost", c)));
            fields.extend(s.units.iter().map(|u| ("units", u.as_str())));
            for c in &s.courses {
                fields.extend([("course", c.course.as_str()), ("lecturer", &c.lecturer)]);
            }
        }
        Payload::EnterpriseUpserted(e) => {
            fields.extend([
                ("id", e.id.as_str()),
                ("office", &e.office),
                ("enterprise", &e.name),
                ("unit", &e.unit),
            ]);
            fields.extend(e.credit_code.as_deref().map(|c| ("credit_code", c)));
        }
        Payload::PersonUpserted(p) => {
            fields.extend([
                ("id", p.id.as_str()),
                ("office", &p.office),
                ("name", &p.name),
                ("phone", &p.phone),
                ("position", &p.position),
                ("code", &p.code),
            ]);
            fields.extend(p.enterprise.as_deref().map(|e| ("enterprise", e)));
        }
        Payload::EnrolmentSet {
            session, person, ..
        }
        | Payload::CheckedIn {
            session, person, ..
        }
        | Payload::CheckInUndone { session, person } => {
            fields.extend([("session", session.as_str()), ("person", person)]);
        }
        Payload::ChecklistMarked {
            unit, item, note, ..
        } => fields.extend([("unit", unit.as_str()), ("item", item), ("note", note)]),
        Payload::EvidenceAttached {
            unit,
            item,
            evidence,
        } => fields.extend([
            ("unit", unit.as_str()),
            ("item", item),
            ("file_name", &evidence.file_name),
            ("blake3", &evidence.blake3),
            ("note", &evidence.note),
        ]),
        Payload::DeadlineSet { unit, item, .. } => {
            fields.extend([("unit", unit.as_str()), ("item", item)]);
        }
        Payload::OnlineRecorded {
            person,
            unit,
            entry,
        } => {
            fields.extend([("person", person.as_str()), ("unit", unit)]);
            match entry {
                crate::domain::cert::OnlineEntry::Watched { course, .. } => {
                    fields.push(("course", course));
                }
                crate::domain::cert::OnlineEntry::Questionnaire { .. }
                | crate::domain::cert::OnlineEntry::Test { .. } => {}
            }
        }
        Payload::Evaluated { person, unit, .. } => {
            fields.extend([("person", person.as_str()), ("unit", unit)]);
        }
        Payload::CandidateAdjusted {
            person,
            unit,
            adjustment,
        } => fields.extend([
            ("person", person.as_str()),
            ("unit", unit),
            ("reason", &adjustment.reason),
        ]),
        Payload::ExpansionApproved {
            session,
            city,
            approval,
        } => fields.extend([
            ("session", session.as_str()),
            ("city", city),
            ("reason", &approval.reason),
        ]),
        Payload::ResultRecorded {
            session,
            person,
            unit,
            ..
        } => fields.extend([
            ("session", session.as_str()),
            ("person", person),
            ("unit", unit),
        ]),
        Payload::ResultCorrected {
            session,
            person,
            unit,
            reason,
            ..
        } => fields.extend([
            ("session", session.as_str()),
            ("person", person),
            ("unit", unit),
            ("reason", reason),
        ]),
        Payload::CertificateIssued {
            person,
            unit,
            certificate,
        } => fields.extend([
            ("person", person.as_str()),
            ("unit", unit),
            ("number", &certificate.number),
        ]),
        Payload::PointsRecorded {
            person,
            unit,
            entry,
        } => fields.extend([
            ("person", person.as_str()),
            ("unit", unit),
            ("id", &entry.id),
            ("category", &entry.category),
            ("reason", &entry.reason),
        ]),
        Payload::SessionTallied { session, tally } => {
            fields.push(("session", session.as_str()));
            fields.extend(tally.by_unit.iter().map(|(u, _, _)| ("unit", u.as_str())));
        }
        Payload::ContactOfficePhoneSet { unit, office_phone } => {
            fields.extend([("unit", unit.as_str()), ("phone", office_phone)])
        }
        Payload::ContactSet { unit, contact } => fields.extend([
            ("unit", unit.as_str()),
            ("name", &contact.name),
            ("phone", &contact.phone),
            ("position", &contact.position),
        ]),
        Payload::AwardNominated(n) => {
            fields.extend([
                ("id", n.id.as_str()),
                ("office", &n.office),
                ("unit", &n.unit),
                ("name", &n.name),
                ("reason", &n.reason),
            ]);
            fields.extend(n.person.as_deref().map(|p| ("person", p)));
            fields.extend(n.session.as_deref().map(|s| ("session", s)));
            fields.extend(n.course.as_deref().map(|c| ("course", c)));
        }
        Payload::AwardSelected {
            nomination,
            selection,
        } => fields.extend([("id", nomination.as_str()), ("note", &selection.note)]),
        Payload::OutreachRecorded {
            enterprise,
            unit,
            outreach,
        } => fields.extend([
            ("enterprise", enterprise.as_str()),
            ("unit", unit),
            ("note", &outreach.note),
        ]),
        Payload::CallListExported {
            unit,
            filter,
            enterprises,
        } => {
            fields.extend([("unit", unit.as_str()), ("filter", filter)]);
            fields.extend(enterprises.iter().map(|e| ("enterprise", e.as_str())));
        }
        Payload::ServiceNeedRecorded(n) => fields.extend([
            ("id", n.id.as_str()),
            ("enterprise", &n.enterprise),
            ("unit", &n.unit),
            ("note", &n.note),
        ]),
        Payload::ServiceNeedAnswered { need, unit, answer } => fields.extend([
            ("id", need.as_str()),
            ("unit", unit),
            ("note", &answer.note),
        ]),
        Payload::TeacherUpserted(teacher) => {
            fields.extend([
                ("id", teacher.id.as_str()),
                ("office", &teacher.office),
                ("name", &teacher.name),
                ("organisation", &teacher.organisation),
                ("post", &teacher.title),
                ("phone", &teacher.phone),
            ]);
            fields.extend(teacher.courses.iter().map(|c| ("courses", c.as_str())));
        }
        Payload::TeacherAssigned {
            session, teacher, ..
        } => fields.extend([("session", session.as_str()), ("id", teacher)]),
        Payload::PublicityAdded(p) => {
            fields.extend([
                ("id", p.id.as_str()),
                ("unit", &p.unit),
                ("outlet", &p.outlet),
                ("headline", &p.title),
                ("link", &p.link),
            ]);
            fields.extend(p.session.as_deref().map(|s| ("session", s)));
        }
        Payload::PlanSet { unit, plan } => {
            fields.push(("unit", unit.as_str()));
            for class in &plan.classes {
                fields.extend(class.courses.iter().map(|c| ("courses", c.as_str())));
                fields.push(("audience", &class.audience));
                fields.extend(class.cohost.iter().map(|c| ("cohost", c.as_str())));
                fields.push(("teachers", &class.teachers));
            }
        }
    }
    fields
        .into_iter()
        .find_map(|(name, text)| forbidden_char(text).map(|c| (name, c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Evidence, Person};

    #[test]
    fn a_control_character_is_found_in_any_text_of_an_op() {
        let person = |name: &str| Person {
            id: "P-420704-1".into(),
            office: "420704".into(),
            name: name.into(),
            phone: "13807110001".into(),
            position: String::new(),
            enterprise: None,
            code: "C1".into(),
        };
        assert_eq!(
            unclean_text(&Payload::PersonUpserted(person("欧\u{1b}]0;x\u{7}阳"))),
            Some(("name", '\u{1b}'))
        );
        assert_eq!(
            unclean_text(&Payload::PersonUpserted(person("欧阳明"))),
            None
        );
        let evidence = Payload::EvidenceAttached {
            unit: "420704".into(),
            item: "county.plan".into(),
            evidence: Evidence {
                file_name: "计划\u{202E}fdp.exe".into(),
                size: 1,
                blake3: "ab".into(),
                note: String::new(),
                added: chrono::NaiveDate::from_ymd_opt(2023, 2, 1)
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap(),
            },
        };
        assert_eq!(unclean_text(&evidence), Some(("file_name", '\u{202E}')));
        let marked = Payload::ChecklistMarked {
            unit: "420704".into(),
            item: "county.plan".into(),
            status: crate::domain::MarkStatus::Done,
            note: "第一行\n第二行".into(),
        };
        assert_eq!(unclean_text(&marked), Some(("note", '\n')));
    }
}
