//! Who may receive which device chain. Chains travel whole (their hash links must verify), so
//! visibility is decided per chain, and what a lower office may see of a higher office's chain
//! travels as a separate *public view* chain that the higher office derives and signs.
//!
//! - A full chain of office O goes to offices strictly above O: a county's work to its city and
//!   the province, a city's to the province. A county never receives another county's chain.
//! - The public view of O's chain (its sessions and deadlines, no people) goes to offices
//!   strictly below O: the province's and the city's sessions and deadlines reach the county.
//! - Certification records about a person (online training, evaluation, results, certificate,
//!   points) go where that person's records go: to the unit that owns the person and the offices
//!   above it, and so does an answer to a unit's service need. An office derives one *scoped
//!   view* chain per unit for them, so a county receives its own people's outcomes and answers
//!   and never another county's.

use serde::{Deserialize, Serialize};

use crate::log::device::tagged;
use crate::log::{DeviceId, Payload};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChainKind {
    /// Every op of a device, as it wrote them.
    Full,
    /// Only the public ops of a device (sessions, deadlines), re-chained under a derived device
    /// id and signed by the same office.
    PublicView,
}

impl ChainKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::PublicView => "public-view",
        }
    }
}

pub use crate::campaign::hierarchy::is_strict_ancestor;

/// Whether `recipient` may be sent a chain of `origin` of this kind.
pub fn may_receive(recipient: &str, origin: &str, kind: ChainKind) -> bool {
    match kind {
        ChainKind::Full => is_strict_ancestor(recipient, origin),
        ChainKind::PublicView => is_strict_ancestor(origin, recipient),
    }
}

/// Whether `office` may hold such a chain at all: its own, or one it may receive.
pub fn may_hold(office: &str, origin: &str, kind: ChainKind) -> bool {
    (kind == ChainKind::Full && office == origin) || may_receive(office, origin, kind)
}

/// Ops a lower office sees of a higher office's work: no person, enterprise or attendance. The
/// approval of an expansion class names a class, not a person, so it is public like the class;
/// the 评选's choice is announced (予以表扬), so it reaches the city that nominated; the teachers'
/// register and who is sent where are copied down to every office that books them.
pub fn is_public(payload: &Payload) -> bool {
    matches!(
        payload,
        Payload::SessionUpserted(_)
            | Payload::DeadlineSet { .. }
            | Payload::ExpansionApproved { .. }
            | Payload::SessionTallied { .. }
            | Payload::AwardSelected { .. }
            | Payload::TeacherUpserted(_)
            | Payload::TeacherAssigned { .. }
    )
}

/// The unit a record sent down is about: the office that owns the person a certification record
/// concerns, or the unit whose service need an office above answered.
pub fn unit_scope(payload: &Payload) -> Option<&str> {
    match payload {
        Payload::OnlineRecorded { unit, .. }
        | Payload::Evaluated { unit, .. }
        | Payload::CandidateAdjusted { unit, .. }
        | Payload::ResultRecorded { unit, .. }
        | Payload::ResultCorrected { unit, .. }
        | Payload::CertificateIssued { unit, .. }
        | Payload::PointsRecorded { unit, .. }
        | Payload::ServiceNeedAnswered { unit, .. } => Some(unit),
        _ => None,
    }
}

/// Whether `holder` sees what concerns `unit`: its own, or a unit below it.
pub fn sees_unit(holder: &str, unit: &str) -> bool {
    holder == unit || is_strict_ancestor(holder, unit)
}

/// Whether an op may travel in a view chain to `holder`: public, or a certification record
/// about a unit `holder` sees.
pub fn view_may_carry(payload: &Payload, holder: &str) -> bool {
    is_public(payload) || unit_scope(payload).is_some_and(|unit| sees_unit(holder, unit))
}

/// The device id of the scoped view of `origin`'s `device` for `unit`: derived, like the
/// public view, and tagged with `origin`.
pub fn scoped_view_device(origin: &str, device: DeviceId, unit: &str) -> DeviceId {
    let mut hasher = blake3::Hasher::new_derive_key("peixun 2023 scoped view device v2");
    hasher.update(&device.to_be_bytes());
    hasher.update(unit.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
    tagged(origin, u64::from_be_bytes(bytes))
}

/// The device id of the public view of `origin`'s `device`: derived, so every office that
/// derives or relays the view names it the same, and tagged with `origin`.
pub fn view_device(origin: &str, device: DeviceId) -> DeviceId {
    let mut hasher = blake3::Hasher::new_derive_key("peixun 2023 public view device v2");
    hasher.update(&device.to_be_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
    tagged(origin, u64::from_be_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVINCE: &str = "420000";
    const EZHOU: &str = "420700";
    const ECHENG: &str = "420704";
    const HUARONG: &str = "420703";
    const WUHAN: &str = "420100";

    #[test]
    fn full_chains_go_up_views_go_down() {
        assert!(may_receive(EZHOU, ECHENG, ChainKind::Full));
        assert!(may_receive(PROVINCE, ECHENG, ChainKind::Full));
        assert!(may_receive(PROVINCE, EZHOU, ChainKind::Full));
        assert!(!may_receive(HUARONG, ECHENG, ChainKind::Full));
        assert!(!may_receive(ECHENG, EZHOU, ChainKind::Full));
        assert!(!may_receive(WUHAN, ECHENG, ChainKind::Full));
        assert!(may_receive(ECHENG, EZHOU, ChainKind::PublicView));
        assert!(may_receive(ECHENG, PROVINCE, ChainKind::PublicView));
        assert!(!may_receive(PROVINCE, EZHOU, ChainKind::PublicView));
        assert!(!may_receive(HUARONG, ECHENG, ChainKind::PublicView));
        assert!(may_hold(ECHENG, ECHENG, ChainKind::Full));
        assert!(!may_hold(ECHENG, ECHENG, ChainKind::PublicView));
        assert!(is_strict_ancestor(EZHOU, "420700-gedian"));
        assert!(!is_strict_ancestor("nowhere", ECHENG));
    }

    #[test]
    fn cert_records_go_where_the_person_goes() {
        let certificate = Payload::CertificateIssued {
            person: "p-1".into(),
            unit: ECHENG.into(),
            certificate: crate::cert::model::Certificate {
                number: "鄂知专202300001".into(),
                seq: 1,
                date: chrono::NaiveDate::from_ymd_opt(2023, 7, 1).unwrap(),
            },
        };
        assert_eq!(unit_scope(&certificate), Some(ECHENG));
        assert!(view_may_carry(&certificate, ECHENG));
        assert!(view_may_carry(&certificate, EZHOU));
        assert!(!view_may_carry(&certificate, HUARONG));
        assert!(!view_may_carry(&certificate, WUHAN));
        assert_ne!(
            scoped_view_device(EZHOU, 7, ECHENG),
            scoped_view_device(EZHOU, 7, HUARONG)
        );
        assert_ne!(scoped_view_device(EZHOU, 7, ECHENG), view_device(EZHOU, 7));
    }

    #[test]
    fn view_devices_differ_from_their_chain_and_carry_their_office() {
        assert_ne!(view_device(EZHOU, 7), 7);
        assert_eq!(view_device(EZHOU, 7), view_device(EZHOU, 7));
        assert_eq!(
            crate::log::device::tag_owner(view_device(EZHOU, 7)),
            Some(EZHOU)
        );
    }
}
