//! Operations: the only way anything changes. Each is appended to its device's chain and never
//! edited or deleted.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::hlc::Hlc;
use crate::domain::award::{Nomination, Selection};
use crate::domain::cert::{
    Adjustment, Approval, Certificate, Evaluation, Marks, OnlineEntry, PointsEntry,
};
use crate::domain::outreach::{Outreach, Publicity, ServiceAnswer, ServiceNeed};
use crate::domain::{Enterprise, Evidence, MarkStatus, OfficeId, Person, RecordId, Session};

pub type DeviceId = u64;
pub type Hash = [u8; 32];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    SessionUpserted(Session),
    EnterpriseUpserted(Enterprise),
    PersonUpserted(Person),
    EnrolmentSet {
        session: RecordId,
        person: RecordId,
        enrolled: bool,
    },
    CheckedIn {
        session: RecordId,
        person: RecordId,
        at: NaiveDateTime,
    },
    CheckInUndone {
        session: RecordId,
        person: RecordId,
    },
    ChecklistMarked {
        unit: OfficeId,
        item: String,
        status: MarkStatus,
        note: String,
    },
    EvidenceAttached {
        unit: OfficeId,
        item: String,
        evidence: Evidence,
    },
    /// A city's (or the province's) deadline for one of its units' checklist items.
    DeadlineSet {
        unit: OfficeId,
        item: String,
        due: NaiveDate,
    },
    /// What the live platform reports of a person's online training (线上大培训). `unit` is the
    /// office that owns the person, so the record can travel where the person travels.
    OnlineRecorded {
        person: RecordId,
        unit: OfficeId,
        entry: OnlineEntry,
    },
    /// The province's composite evaluation of a person (遴选).
    Evaluated {
        person: RecordId,
        unit: OfficeId,
        evaluation: Evaluation,
    },
    /// A hand change to the candidate list, with its reason.
    CandidateAdjusted {
        person: RecordId,
        unit: OfficeId,
        adjustment: Adjustment,
    },
    /// The province approves (or withdraws approval of) a city's expansion class (扩招班).
    ExpansionApproved {
        session: RecordId,
        /// The city that runs the class.
        city: OfficeId,
        approval: Approval,
    },
    /// Exam and practical marks at an exam, makeup or expansion-class session.
    ResultRecorded {
        session: RecordId,
        person: RecordId,
        unit: OfficeId,
        marks: Marks,
    },
    CertificateIssued {
        person: RecordId,
        unit: OfficeId,
        certificate: Certificate,
    },
    PointsRecorded {
        person: RecordId,
        unit: OfficeId,
        entry: PointsEntry,
    },
    /// How many each unit has enrolled and checked in at a joint session, as the session's
    /// office counted them from everyone's lists: the way those counts reach the host and the
    /// co-host, which never see each other's people.
    SessionTallied {
        session: RecordId,
        tally: SessionTally,
    },
    /// New marks for an attempt that already has some, with why; the earlier ones stay in the
    /// person's history.
    ResultCorrected {
        session: RecordId,
        person: RecordId,
        unit: OfficeId,
        marks: Marks,
        reason: String,
    },
    /// A unit names its 联系人 (or the next one, when the post changes hands).
    ContactSet {
        unit: OfficeId,
        contact: crate::domain::contact::Contact,
    },
    /// A city (or the province) nominates for the 评选 of 方案 二（五）2; the same id again
    /// changes the nomination.
    AwardNominated(Nomination),
    /// The province chooses a nomination (or takes its choice back).
    AwardSelected {
        nomination: RecordId,
        selection: Selection,
    },
    /// A unit's training plan for a year, whole (方案 二（二）5(1)): the unit keeps one plan, so
    /// the latest write is the plan.
    PlanSet {
        unit: OfficeId,
        plan: crate::domain::plan::Plan,
    },
    /// Where one of the unit's own enterprises stands in its outreach (invited, confirmed,
    /// declined, visited); the latest is the status, the log keeps the rest.
    OutreachRecorded {
        enterprise: RecordId,
        unit: OfficeId,
        outreach: Outreach,
    },
    /// A call list with full phones left the program: which enterprises' phones, taken by whom
    /// (the op's actor) and when. Nothing else changes; the log is the record. A long list is
    /// several of these committed together, each naming the filter, together naming each
    /// enterprise once.
    CallListExported {
        unit: OfficeId,
        /// The list's filter in words, as the coordinator chose it.
        filter: String,
        enterprises: Vec<RecordId>,
    },
    /// An enterprise asked for one of 附件3's services.
    ServiceNeedRecorded(ServiceNeed),
    /// The unit, its city or the province answered a need.
    ServiceNeedAnswered {
        need: RecordId,
        /// The unit that recorded the need: the answer goes back to it.
        unit: OfficeId,
        answer: ServiceAnswer,
    },
    PublicityAdded(Publicity),
    /// The province (or a city) keeps a teacher in its register; the same id again changes it.
    TeacherUpserted(crate::domain::teacher::Teacher),
    /// The province (or the city) sends a teacher to a session of its area, or takes them off.
    TeacherAssigned {
        session: RecordId,
        teacher: RecordId,
        assigned: bool,
    },
    /// A unit's office phone (办公电话) for its 联系人, beside the contact's mobile; empty takes
    /// it off. Added after `ContactSet`, whose shape older logs keep.
    ContactOfficePhoneSet {
        unit: OfficeId,
        office_phone: String,
    },
}

/// A joint session's counts as its office saw them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTally {
    pub enrolled: u32,
    pub present: u32,
    /// Per unit that keeps part of the list: (unit, enrolled, checked in).
    pub by_unit: Vec<(OfficeId, u32, u32)>,
}

impl Payload {
    /// Stable name for the audit trail and `--json`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SessionUpserted(_) => "SessionUpserted",
            Self::EnterpriseUpserted(_) => "EnterpriseUpserted",
            Self::PersonUpserted(_) => "PersonUpserted",
            Self::EnrolmentSet { .. } => "EnrolmentSet",
            Self::CheckedIn { .. } => "CheckedIn",
            Self::CheckInUndone { .. } => "CheckInUndone",
            Self::ChecklistMarked { .. } => "ChecklistMarked",
            Self::EvidenceAttached { .. } => "EvidenceAttached",
            Self::DeadlineSet { .. } => "DeadlineSet",
            Self::OnlineRecorded { .. } => "OnlineRecorded",
            Self::Evaluated { .. } => "Evaluated",
            Self::CandidateAdjusted { .. } => "CandidateAdjusted",
            Self::ExpansionApproved { .. } => "ExpansionApproved",
            Self::ResultRecorded { .. } => "ResultRecorded",
            Self::CertificateIssued { .. } => "CertificateIssued",
            Self::PointsRecorded { .. } => "PointsRecorded",
            Self::SessionTallied { .. } => "SessionTallied",
            Self::ResultCorrected { .. } => "ResultCorrected",
            Self::ContactSet { .. } => "ContactSet",
            Self::AwardNominated(_) => "AwardNominated",
            Self::AwardSelected { .. } => "AwardSelected",
            Self::PlanSet { .. } => "PlanSet",
            Self::OutreachRecorded { .. } => "OutreachRecorded",
            Self::CallListExported { .. } => "CallListExported",
            Self::ServiceNeedRecorded(_) => "ServiceNeedRecorded",
            Self::ServiceNeedAnswered { .. } => "ServiceNeedAnswered",
            Self::PublicityAdded(_) => "PublicityAdded",
            Self::TeacherUpserted(_) => "TeacherUpserted",
            Self::TeacherAssigned { .. } => "TeacherAssigned",
            Self::ContactOfficePhoneSet { .. } => "ContactOfficePhoneSet",
        }
    }

    /// Every record id this op touches, so the audit trail can be filtered by record.
    pub fn records(&self) -> Vec<String> {
        match self {
            Self::SessionUpserted(s) => vec![s.id.clone()],
            Self::EnterpriseUpserted(e) => vec![e.id.clone()],
            Self::PersonUpserted(p) => vec![p.id.clone()],
            Self::EnrolmentSet {
                session, person, ..
            }
            | Self::CheckedIn {
                session, person, ..
            }
            | Self::CheckInUndone { session, person } => vec![session.clone(), person.clone()],
            Self::ChecklistMarked { unit, item, .. }
            | Self::EvidenceAttached { unit, item, .. }
            | Self::DeadlineSet { unit, item, .. } => vec![format!("{unit}/{item}"), unit.clone()],
            Self::OnlineRecorded { person, .. }
            | Self::Evaluated { person, .. }
            | Self::CandidateAdjusted { person, .. }
            | Self::PointsRecorded { person, .. } => vec![person.clone()],
            Self::CertificateIssued {
                person,
                certificate,
                ..
            } => vec![person.clone(), certificate.number.clone()],
            Self::ExpansionApproved { session, .. } => vec![session.clone()],
            Self::ResultRecorded {
                session, person, ..
            }
            | Self::ResultCorrected {
                session, person, ..
            } => vec![session.clone(), person.clone()],
            Self::SessionTallied { session, .. } => vec![session.clone()],
            Self::ContactSet { unit, .. } | Self::ContactOfficePhoneSet { unit, .. } => {
                vec![format!("{unit}/contact"), unit.clone()]
            }
            Self::AwardNominated(n) => [Some(&n.id), n.person.as_ref(), n.session.as_ref()]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
            Self::AwardSelected { nomination, .. } => vec![nomination.clone()],
            Self::PlanSet { unit, .. } => vec![format!("{unit}/plan"), unit.clone()],
            Self::OutreachRecorded { enterprise, .. } => vec![enterprise.clone()],
            Self::CallListExported {
                unit, enterprises, ..
            } => std::iter::once(format!("{unit}/calls"))
                .chain(enterprises.iter().cloned())
                .collect(),
            Self::ServiceNeedRecorded(n) => vec![n.id.clone(), n.enterprise.clone()],
            Self::ServiceNeedAnswered { need, .. } => vec![need.clone()],
            Self::TeacherUpserted(teacher) => vec![teacher.id.clone()],
            Self::TeacherAssigned {
                session, teacher, ..
            } => vec![teacher.clone(), session.clone()],
            Self::PublicityAdded(p) => [Some(&p.id), p.session.as_ref()]
                .into_iter()
                .flatten()
                .cloned()
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    pub office: OfficeId,
    pub device: DeviceId,
    /// Dense per device: 1, 2, 3...
    pub seq: u64,
    pub hlc: Hlc,
    /// Hash of this device's previous op; zeros for the first.
    pub prev: Hash,
    /// Who was at the keyboard (the coordinator's name or login), for the audit trail.
    pub actor: String,
    pub payload: Payload,
}

impl Op {
    /// The largest encoding an op may have: a session with every course is a few kilobytes.
    /// Bundles refuse larger ones, and a run of the log is bounded by it.
    pub const MAX_BYTES: u64 = 1 << 20;

    pub fn encode(&self) -> Result<Vec<u8>, postcard::Error> {
        postcard::to_stdvec(self)
    }

    pub fn decode(bytes: &[u8]) -> Result<Op, postcard::Error> {
        postcard::from_bytes(bytes)
    }

    pub fn hash_of(encoded: &[u8]) -> Hash {
        *blake3::hash(encoded).as_bytes()
    }

    /// Total order used to fold logs: time, then device, then sequence.
    pub fn order_key(&self) -> (Hlc, DeviceId, u64) {
        (self.hlc, self.device, self.seq)
    }
}
