//! Enrolment and check-in as the door and the forms see them: the person a form describes, what
//! enrolling and checking in came to, and the reads they rest on (`app::sessions` and
//! `app::checkin` write them).

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;

use super::Store;
use crate::domain::{Attendance, Person};
use crate::i18n::tf;
use crate::log::apply::Attendances;
use crate::log::Payload;

/// A person as typed into an enrolment or walk-in form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonDraft {
    pub name: String,
    pub phone: String,
    pub position: String,
    /// Enterprise name; matched to a known enterprise by credit code, then by exact name.
    pub enterprise: String,
    pub credit_code: String,
}

/// Enrolment that would pass a session's capacity: the coordinator must say so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionFull {
    pub enrolled: usize,
    pub capacity: usize,
    /// How many beyond the capacity the enrolment would go.
    pub over: usize,
}

impl std::fmt::Display for SessionFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&tf(
            "cli.enrol.full",
            &[("enrolled", &self.enrolled), ("capacity", &self.capacity)],
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enrolled {
    New(Person),
    /// The office already knew this phone; that person is enrolled (or already was).
    Known {
        person: Person,
        was_enrolled: bool,
    },
}

impl Enrolled {
    pub fn person(&self) -> &Person {
        match self {
            Self::New(p) | Self::Known { person: p, .. } => p,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIn {
    /// Checked in now; `present` counts everyone checked in to the session.
    Done { at: NaiveDateTime, present: u32 },
    /// Checked in before: never counted twice.
    Already { first_at: NaiveDateTime },
}

impl Store {
    /// How far `adding` more enrolments would take the session past its capacity, if at all.
    pub fn over_capacity(&self, session: &str, adding: usize) -> Result<Option<SessionFull>> {
        let capacity = self.session(session)?.map_or(0, |s| s.capacity) as usize;
        let enrolled = self.enrolled_count(session)? as usize;
        Ok((enrolled + adding > capacity).then(|| SessionFull {
            enrolled,
            capacity,
            over: enrolled + adding - capacity,
        }))
    }

    /// The offices whose check-in of the person stands, with their first time, earliest first.
    pub fn checked_in_by(
        &self,
        session: &str,
        person: &str,
    ) -> Result<Vec<(String, NaiveDateTime)>> {
        Ok(self
            .get_stored::<Attendances>(&crate::log::apply::keys::attendance(session, person))?
            .map(|s| {
                s.value
                    .by()
                    .into_iter()
                    .map(|(o, at)| (o.to_string(), at))
                    .collect()
            })
            .unwrap_or_default())
    }

    pub fn attendance_of(&self, session: &str, person: &str) -> Result<Option<Attendance>> {
        Ok(self
            .get_stored::<Attendances>(&crate::log::apply::keys::attendance(session, person))?
            .map(|s| s.value.view()))
    }

    /// Counts this office's joint sessions again and records the counts that changed, so the
    /// next bundle down carries them to the host and the co-host. Returns how many changed.
    pub fn refresh_tallies(&self) -> Result<usize> {
        let mut payloads = Vec::new();
        for session in self.sessions()? {
            let joint = session.host != session.office
                || session.cohost.is_some()
                || session.units.iter().any(|u| *u != session.office);
            if session.office != self.office() || !joint {
                continue;
            }
            let counted = self.count_tally(&session.id)?;
            let sent = self.tally(&session.id)?.map(|(t, _)| t);
            let nothing_yet = counted.enrolled == 0 && sent.is_none();
            if sent.as_ref() != Some(&counted) && !nothing_yet {
                payloads.push(Payload::SessionTallied {
                    session: session.id.clone(),
                    tally: counted,
                });
            }
        }
        let changed = payloads.len();
        self.commit(payloads)?;
        Ok(changed)
    }
}
