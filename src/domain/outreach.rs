//! Work down to the enterprises (鄂州市监办〔2023〕4号 二、三; 方案 附件3): who was invited and
//! visited, which of the seven public services an enterprise asked for and whether it was
//! answered, and the publicity (宣传报道) that covered the campaign.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::{FieldError, FieldErrors};
use super::{OfficeId, RecordId};
use crate::i18n::{t, tf};

/// Where an enterprise stands in a unit's outreach, as the coordinator last recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutreachStatus {
    /// Told of the training (通知到企业).
    Invited,
    /// Said it will come.
    Confirmed,
    Declined,
    /// Visited at its premises (上门宣传).
    Visited,
}

impl OutreachStatus {
    pub const ALL: [OutreachStatus; 4] = [
        Self::Invited,
        Self::Confirmed,
        Self::Declined,
        Self::Visited,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
            Self::Visited => "visited",
        }
    }

    pub fn label(self) -> String {
        t(&format!("cli.outreach.status.{}", self.key()))
    }

    /// What a form offers first for an enterprise at `current`: a first contact, then the step
    /// that follows an invitation, else the status as it stands. Never a step to 不参加: a
    /// refusal is chosen, not offered, so Enter on the form cannot record a new one by itself.
    pub fn offered_after(current: Option<OutreachStatus>) -> OutreachStatus {
        match current {
            None => Self::Invited,
            Some(Self::Invited) => Self::Confirmed,
            Some(status) => status,
        }
    }

    /// The status a coordinator typed: its key or its label in either language.
    pub fn parse(raw: &str) -> Option<OutreachStatus> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|s| s.key() == raw || s.label() == raw || zh_label(*s) == raw)
    }
}

/// The Chinese word, accepted whatever the UI language.
fn zh_label(status: OutreachStatus) -> &'static str {
    match status {
        OutreachStatus::Invited => "已通知",
        OutreachStatus::Confirmed => "已确认",
        OutreachStatus::Declined => "不参加",
        OutreachStatus::Visited => "已上门",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outreach {
    pub status: OutreachStatus,
    #[serde(deserialize_with = "super::in_pieces::date_read_owned")]
    pub on: NaiveDate,
    pub note: String,
}

/// An enterprise of an office's area as the outreach sees it, with what is kept of each of its
/// people: the whole record for a call list, a line for a screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutreachRow<P = super::Person> {
    pub enterprise: super::Enterprise,
    pub unit_name: String,
    /// Someone of it was checked in at a class or trained online this year.
    pub trained: bool,
    /// Its people the office knows (with their phones in full, as records).
    pub people: Vec<P>,
    pub outreach: Option<Outreach>,
}

/// An enterprise asking for one of the seven public services of 附件3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceNeed {
    pub id: RecordId,
    pub enterprise: RecordId,
    /// The unit that recorded it (the enterprise's), whose city and province answer it.
    pub unit: OfficeId,
    /// 附件3's 序号, 1-7.
    pub service: u8,
    pub asked: NaiveDate,
    pub note: String,
}

/// How an office above (or the unit itself) answered a need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAnswer {
    pub on: NaiveDate,
    pub note: String,
}

/// A piece of publicity: a report in the press, online or on a notice board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publicity {
    pub id: RecordId,
    pub unit: OfficeId,
    /// The session it covered, when it covered one.
    pub session: Option<RecordId>,
    /// Where it appeared (报刊、网站、公众号 …).
    pub outlet: String,
    pub on: NaiveDate,
    pub title: String,
    /// A link, or where the cutting is kept.
    pub link: String,
}

/// The 附件3 service `raw` names: its 序号 1-7.
pub fn service_number(raw: &str) -> Result<u8, FieldErrors> {
    let folded: String = raw
        .trim()
        .chars()
        .map(super::text::fold_full_width)
        .collect();
    let count = crate::campaign::campaign().services.len();
    match folded.parse::<u8>() {
        Ok(n) if n >= 1 && usize::from(n) <= count => Ok(n),
        _ => Err(FieldErrors(vec![FieldError {
            field: "service",
            message: tf(
                "cli.need.bad_service",
                &[("value", &raw.trim()), ("count", &count)],
            ),
        }])),
    }
}

/// A publicity item from typed fields: a title and an outlet are needed.
pub fn publicity(
    id: RecordId,
    unit: OfficeId,
    session: Option<RecordId>,
    outlet: &str,
    on: NaiveDate,
    title: &str,
    link: &str,
) -> Result<Publicity, FieldErrors> {
    let mut errors = Vec::new();
    for (field, value) in [("headline", title), ("outlet", outlet)] {
        if value.trim().is_empty() {
            errors.push(FieldError {
                field,
                message: t("cli.input.required"),
            });
        }
    }
    for (field, value) in [("headline", title), ("outlet", outlet), ("link", link)] {
        if let Some(c) = super::text::forbidden_char(value) {
            errors.push(FieldError {
                field,
                message: super::text::forbidden_message(c),
            });
        }
    }
    if !errors.is_empty() {
        return Err(FieldErrors(errors));
    }
    Ok(Publicity {
        id,
        unit,
        session,
        outlet: outlet.trim().to_string(),
        on,
        title: title.trim().to_string(),
        link: link.trim().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_read_from_its_key_or_either_languages_word() {
        assert_eq!(
            OutreachStatus::parse("visited"),
            Some(OutreachStatus::Visited)
        );
        assert_eq!(
            OutreachStatus::parse(" 已确认 "),
            Some(OutreachStatus::Confirmed)
        );
        assert_eq!(OutreachStatus::parse("maybe"), None);
    }

    #[test]
    fn a_form_never_offers_a_refusal_first() {
        use OutreachStatus::*;
        assert_eq!(OutreachStatus::offered_after(None), Invited);
        assert_eq!(OutreachStatus::offered_after(Some(Invited)), Confirmed);
        for status in OutreachStatus::ALL {
            let offered = OutreachStatus::offered_after(Some(status));
            assert!(offered != Declined || status == Declined, "{status:?}");
        }
        assert_eq!(OutreachStatus::offered_after(Some(Confirmed)), Confirmed);
    }

    #[test]
    fn a_service_is_one_of_the_seven_of_annex_3() {
        assert_eq!(service_number("３").ok(), Some(3));
        assert!(service_number("0").is_err());
        assert!(service_number("8").is_err());
        assert!(service_number("专利").is_err());
    }
}
