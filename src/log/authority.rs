//! Who may write what (docs/bundle-format.md §6a has the same rules as a table).
//!
//! Every rule is a function of the op alone (its office and payload) and of the campaign's
//! hierarchy, never of the state it lands on: an op is refused at every office or at none, in
//! whatever order bundles arrive. Record ids carry the office that made them
//! (`S-420704-1a2b3c-7`), so no office can claim another's id space.

use serde::{Deserialize, Serialize};

use crate::campaign::hierarchy::{
    above_county, is_unit, province, same_line, session_area, within,
};
use crate::domain::Session;
use crate::i18n::tf;

use super::op::{Op, Payload};

/// Why an op may not change what it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// The record id was made by another office (or by none).
    IdOf { owner: Option<String> },
    /// The record says it belongs to another office.
    RecordOffice { named: String },
    /// A session or enterprise names a unit outside the writer's jurisdiction.
    Jurisdiction { unit: String },
    /// A session's list may be kept only by offices on its office's line of the hierarchy.
    SessionLine { session_office: Option<String> },
    /// A person is enrolled and checked in by offices on the line of the person's own office.
    PersonOf { owner: Option<String> },
    /// A person's enterprise is one the writer registered, or one below it registered.
    EnterpriseOf { owner: Option<String> },
    /// A unit marks only its own checklist and names only its own contact.
    OwnUnit,
    /// A deadline is set by the unit's city or the province.
    DeadlineAbove,
    /// Certification records are the province's.
    Province,
    /// Nominations for the 评选 come from a city or the province, not a county.
    Nominator,
    /// The 评选's choice is the province's.
    Selector,
    /// A result is recorded by the office that made the exam session.
    ExamOwner { session_office: Option<String> },
    /// Text with a control character, which no input of this program accepts.
    Text { field: String, ch: char },
    /// A unit writes only its own training plan.
    OwnPlan,
    /// The teachers' register and who teaches where are kept by the province or a city.
    TeacherKeeper,
}

impl Rule {
    /// The rule in words, for refusals.
    pub fn explain(&self) -> String {
        let name = |office: &Option<String>| {
            office
                .as_deref()
                .map_or_else(|| tf("cli.rule.no_office", &[]), crate::campaign::unit_name)
        };
        match self {
            Self::IdOf { owner: None } => tf("cli.rule.id_unbound", &[]),
            Self::IdOf { owner } => tf("cli.rule.id_of", &[("owner", &name(owner))]),
            Self::RecordOffice { named } => tf(
                "cli.rule.record_office",
                &[("named", &crate::campaign::unit_name(named))],
            ),
            Self::Jurisdiction { unit } => tf(
                "cli.rule.jurisdiction",
                &[("unit", &crate::campaign::unit_name(unit))],
            ),
            Self::SessionLine { session_office } => tf(
                "cli.rule.session_line",
                &[("office", &name(session_office))],
            ),
            Self::PersonOf { owner } => tf("cli.rule.person_of", &[("owner", &name(owner))]),
            Self::EnterpriseOf { owner } => {
                tf("cli.rule.enterprise_of", &[("owner", &name(owner))])
            }
            Self::OwnUnit => tf("cli.rule.own_unit", &[]),
            Self::DeadlineAbove => tf("cli.rule.deadline_above", &[]),
            Self::Province => tf("cli.rule.province", &[]),
            Self::Nominator => tf("cli.rule.nominator", &[]),
            Self::Selector => tf("cli.rule.selector", &[]),
            Self::ExamOwner { session_office } => {
                tf("cli.rule.exam_owner", &[("office", &name(session_office))])
            }
            Self::OwnPlan => tf("cli.rule.own_plan", &[]),
            Self::TeacherKeeper => tf("cli.rule.teacher_keeper", &[]),
            Self::Text { field, ch } => tf(
                "cli.rule.text",
                &[
                    ("field", &crate::i18n::t(&format!("cli.field.{field}"))),
                    ("ch", &format!("U+{:04X}", u32::from(*ch))),
                ],
            ),
        }
    }
}

/// The office whose id space `id` is in: `S-420704-1a2b3c-7` is 鄂城区's, `S-420700-gedian-…`
/// 葛店开发区's. `None` for an id no office made.
pub fn id_office(id: &str) -> Option<&str> {
    let (_, rest) = id.split_once('-')?;
    // Zone ids hold a dash themselves: the longer candidate first.
    let mut candidates: Vec<&str> = Vec::with_capacity(2);
    let mut cut = rest.match_indices('-').map(|(i, _)| i);
    if let Some(first) = cut.next() {
        if let Some(second) = cut.next() {
            candidates.push(&rest[..second]);
        }
        candidates.push(&rest[..first]);
    }
    candidates.into_iter().find(|c| is_unit(c))
}

fn own_id(op: &Op, id: &str) -> Result<(), Rule> {
    match id_office(id) {
        Some(owner) if owner == op.office => Ok(()),
        owner => Err(Rule::IdOf {
            owner: owner.map(str::to_string),
        }),
    }
}

fn own_record(op: &Op, named: &str) -> Result<(), Rule> {
    if named == op.office {
        Ok(())
    } else {
        Err(Rule::RecordOffice {
            named: named.to_string(),
        })
    }
}

fn in_jurisdiction(op: &Op, unit: &str) -> Result<(), Rule> {
    if within(&op.office, unit) {
        Ok(())
    } else {
        Err(Rule::Jurisdiction {
            unit: unit.to_string(),
        })
    }
}

fn session_rules(op: &Op, s: &Session) -> Result<(), Rule> {
    own_id(op, &s.id)?;
    own_record(op, &s.office)?;
    let area = session_area(&op.office);
    for unit in s.units.iter().chain([&s.host]).chain(s.cohost.as_ref()) {
        if !within(area, unit) {
            return Err(Rule::Jurisdiction { unit: unit.clone() });
        }
    }
    Ok(())
}

/// Enrolment and attendance: the writer is on the session's line (its office, above it, or a
/// unit it may name), and so is the person (a county's own, or one the province registered from
/// the online platform, never a neighbouring county's).
fn list_rules(op: &Op, session: &str, person: &str) -> Result<(), Rule> {
    let session_office = id_office(session);
    let on_line = |o: &str| same_line(&op.office, o) || within(session_area(o), &op.office);
    if !session_office.is_some_and(on_line) {
        return Err(Rule::SessionLine {
            session_office: session_office.map(str::to_string),
        });
    }
    let owner = id_office(person);
    if !owner.is_some_and(|o| same_line(&op.office, o)) {
        return Err(Rule::PersonOf {
            owner: owner.map(str::to_string),
        });
    }
    Ok(())
}

fn by_province(op: &Op) -> Result<(), Rule> {
    if province() == Some(op.office.as_str()) {
        Ok(())
    } else {
        Err(Rule::Province)
    }
}

/// Only a unit's city or the province sets that unit's deadlines.
pub fn may_set_deadline(office: &str, unit: &str) -> bool {
    let campaign = crate::campaign::campaign();
    province() == Some(office)
        || campaign
            .city_of(unit)
            .is_some_and(|city| city.id == office && city.id != unit)
}

/// Whether `op` may be applied at all. Checked before anything is written.
pub fn check(op: &Op) -> Result<(), Rule> {
    if let Some((field, ch)) = super::clean::unclean_text(&op.payload) {
        return Err(Rule::Text {
            field: field.to_string(),
            ch,
        });
    }
    if let Some(ch) = crate::domain::text::forbidden_char(&op.actor) {
        return Err(Rule::Text {
            field: "actor".to_string(),
            ch,
        });
    }
    match &op.payload {
        Payload::SessionUpserted(s) => session_rules(op, s),
        Payload::EnterpriseUpserted(e) => {
            own_id(op, &e.id)?;
            own_record(op, &e.office)?;
            in_jurisdiction(op, &e.unit)
        }
        Payload::PersonUpserted(p) => {
            own_id(op, &p.id)?;
            own_record(op, &p.office)?;
            match &p.enterprise {
                Some(enterprise) => match id_office(enterprise) {
                    Some(owner) if within(&op.office, owner) => Ok(()),
                    owner => Err(Rule::EnterpriseOf {
                        owner: owner.map(str::to_string),
                    }),
                },
                None => Ok(()),
            }
        }
        Payload::EnrolmentSet {
            session, person, ..
        }
        | Payload::CheckedIn {
            session, person, ..
        }
        | Payload::CheckInUndone { session, person } => list_rules(op, session, person),
        Payload::ChecklistMarked { unit, .. }
        | Payload::EvidenceAttached { unit, .. }
        | Payload::ContactSet { unit, .. }
        | Payload::ContactOfficePhoneSet { unit, .. } => {
            if *unit == op.office {
                Ok(())
            } else {
                Err(Rule::OwnUnit)
            }
        }
        Payload::PlanSet { unit, .. } => {
            if *unit == op.office {
                Ok(())
            } else {
                Err(Rule::OwnPlan)
            }
        }
        Payload::DeadlineSet { unit, .. } => {
            if may_set_deadline(&op.office, unit) {
                Ok(())
            } else {
                Err(Rule::DeadlineAbove)
            }
        }
        Payload::ResultRecorded { session, .. } | Payload::ResultCorrected { session, .. } => {
            let session_office = id_office(session);
            if session_office == Some(op.office.as_str()) {
                Ok(())
            } else {
                Err(Rule::ExamOwner {
                    session_office: session_office.map(str::to_string),
                })
            }
        }
        Payload::SessionTallied { session, .. } => match id_office(session) {
            Some(owner) if within(&op.office, owner) => Ok(()),
            owner => Err(Rule::IdOf {
                owner: owner.map(str::to_string),
            }),
        },
        Payload::AwardNominated(n) => {
            own_id(op, &n.id)?;
            own_record(op, &n.office)?;
            if !above_county(&op.office) {
                return Err(Rule::Nominator);
            }
            in_jurisdiction(op, &n.unit)
        }
        Payload::AwardSelected { nomination, .. } => {
            if province() != Some(op.office.as_str()) {
                return Err(Rule::Selector);
            }
            match id_office(nomination) {
                Some(_) => Ok(()),
                None => Err(Rule::IdOf { owner: None }),
            }
        }
        Payload::OnlineRecorded { .. }
        | Payload::Evaluated { .. }
        | Payload::CandidateAdjusted { .. }
        | Payload::ExpansionApproved { .. }
        | Payload::CertificateIssued { .. }
        | Payload::PointsRecorded { .. } => by_province(op),
        Payload::OutreachRecorded {
            enterprise, unit, ..
        } => {
            own_record(op, unit)?;
            enterprise_of(enterprise, unit)
        }
        Payload::CallListExported { unit, .. } => own_record(op, unit),
        Payload::ServiceNeedRecorded(n) => {
            own_id(op, &n.id)?;
            own_record(op, &n.unit)?;
            enterprise_of(&n.enterprise, &n.unit)
        }
        Payload::ServiceNeedAnswered { need, unit, .. } => {
            in_jurisdiction(op, unit)?;
            match id_office(need) {
                Some(owner) if owner == unit => Ok(()),
                owner => Err(Rule::IdOf {
                    owner: owner.map(str::to_string),
                }),
            }
        }
        Payload::PublicityAdded(p) => {
            own_id(op, &p.id)?;
            own_record(op, &p.unit)
        }
        Payload::TeacherUpserted(teacher) => {
            own_id(op, &teacher.id)?;
            own_record(op, &teacher.office)?;
            if above_county(&op.office) {
                Ok(())
            } else {
                Err(Rule::TeacherKeeper)
            }
        }
        Payload::TeacherAssigned { session, .. } => {
            if !above_county(&op.office) {
                return Err(Rule::TeacherKeeper);
            }
            match id_office(session) {
                Some(owner) if within(&op.office, owner) => Ok(()),
                owner => Err(Rule::SessionLine {
                    session_office: owner.map(str::to_string),
                }),
            }
        }
    }
}

/// A unit's outreach and service needs are about enterprises it registered itself.
fn enterprise_of(enterprise: &str, unit: &str) -> Result<(), Rule> {
    match id_office(enterprise) {
        Some(owner) if owner == unit => Ok(()),
        owner => Err(Rule::EnterpriseOf {
            owner: owner.map(str::to_string),
        }),
    }
}

/// Whether `office` may keep `session`'s list (enrol, check in) as the program offers it: the
/// session's own office, or a unit the session names (host, co-host, covered), whose entries
/// travel up to the session's office. An office above the session's is not offered it: nothing
/// of its people travels down, so what it entered would never be on the list at the door. For
/// the same reason a unit named by a higher office's session sees only its own entries there.
/// The fold accepts the wider line of `list_rules`; this is what an honest office is offered.
pub fn may_keep_list(office: &str, session: &Session) -> bool {
    office == session.office
        || session.host == office
        || session.cohost.as_deref() == Some(office)
        || session.units.iter().any(|u| u == office)
}

/// Why `office` may not keep `session`'s list, in words; none when it may.
pub fn list_refusal(office: &str, session: &Session) -> Option<String> {
    if may_keep_list(office, session) {
        return None;
    }
    let key = if within(office, &session.office) {
        "cli.session.list_kept_below"
    } else {
        "cli.session.not_list_keeper"
    };
    Some(crate::i18n::tf(
        key,
        &[
            ("id", &session.id),
            ("owner", &crate::campaign::unit_name(&session.office)),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_office() {
        assert_eq!(id_office("S-420704-1a2b3c-7"), Some("420704"));
        assert_eq!(id_office("S-420700-gedian-1a2b3c-7"), Some("420700-gedian"));
        assert_eq!(id_office("S-420700-kz1"), Some("420700"));
        assert_eq!(id_office("P-420704-1"), Some("420704"));
        assert_eq!(id_office("P-1"), None);
        assert_eq!(id_office("S-999999-1"), None);
        assert_eq!(id_office("nothing"), None);
    }
}
