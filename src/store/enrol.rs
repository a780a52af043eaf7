//! Enrolment and check-in as the door and the forms need them: find or create the person and
//! their enterprise, enrol, check in, undo; each one commit.

use chrono::NaiveDateTime;
use color_eyre::eyre::Result;

use super::Store;
use crate::campaign::unit_name;
use crate::domain::input::{self, FieldError, FieldErrors};
use crate::domain::known_enterprises::{KnownEnterprises, Match};
use crate::domain::{credit_code, text, Attendance, Categories, Person, Session};
use crate::error::user_error;
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

impl std::error::Error for SessionFull {}

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
    pub fn person_by_phone(&self, phone: &str) -> Result<Option<Person>> {
        Ok(self
            .people_indexed(&format!("h/{phone}/"))?
            .into_iter()
            .next())
    }

    /// People listed under an index prefix (`h/<phone>/`, `o/<code>/`).
    fn people_indexed(&self, prefix: &str) -> Result<Vec<Person>> {
        let mut people = Vec::new();
        for id in self.index_ids(prefix)? {
            people.extend(self.person(&id)?);
        }
        Ok(people)
    }

    /// Everyone with this participant code: one, or rarely two made on different devices.
    pub fn people_by_code(&self, code: &str) -> Result<Vec<Person>> {
        let code = crate::domain::code::normalise_code(code);
        self.people_indexed(&format!("o/{code}/"))
    }

    /// The id of the enterprise a form names, and the op creating it when it is new.
    fn enterprise_for(&self, draft: &PersonDraft) -> Result<(Option<String>, Option<Payload>)> {
        let name = text::clean(&draft.enterprise);
        let code = match text::clean(&draft.credit_code) {
            None => None,
            Some(raw) => Some(credit_code::validate(&raw).map_err(|e| {
                FieldErrors(vec![FieldError {
                    field: "credit_code",
                    message: e.to_string(),
                }])
            })?),
        };
        if name.is_none() && code.is_none() {
            return Ok((None, None));
        }
        let enterprises = self.enterprises_for_people()?;
        if let Some(e) = name
            .as_deref()
            .and_then(|typed| enterprises.iter().find(|e| e.id == typed))
        {
            return Ok((Some(e.id.clone()), None));
        }
        let known = KnownEnterprises::new(enterprises.clone());
        match known.resolve(name.as_deref().unwrap_or_default(), code.as_deref()) {
            Match::Known(e, _) => return Ok((Some(e.id.clone()), None)),
            Match::Conflict(message) => {
                let field = if code.is_some() {
                    "credit_code"
                } else {
                    "enterprise"
                };
                return Err(FieldErrors(vec![FieldError { field, message }]).into());
            }
            Match::New => {}
        }
        // Part of a known name (晶晶水产 for 鄂州市晶晶水产科技有限公司) means that enterprise,
        // never a new one with a short name.
        if let Some(typed) = name.as_deref().filter(|n| n.chars().count() >= 2) {
            let partial: Vec<&str> = enterprises
                .iter()
                .filter(|e| e.name.contains(typed))
                .map(|e| e.name.as_str())
                .collect();
            match partial.as_slice() {
                [] => {}
                [one] => {
                    let id = enterprises
                        .iter()
                        .find(|e| e.name == *one)
                        .map(|e| e.id.clone());
                    return Ok((id, None));
                }
                many => {
                    let shown: Vec<&str> = many.iter().take(5).copied().collect();
                    return Err(FieldErrors(vec![FieldError {
                        field: "enterprise",
                        message: tf(
                            "cli.enrol.enterprise_ambiguous",
                            &[
                                ("value", &typed),
                                ("count", &many.len()),
                                ("names", &shown.join(", ")),
                            ],
                        ),
                    }])
                    .into());
                }
            }
        }
        let Some(name) = name else {
            return Err(FieldErrors(vec![FieldError {
                field: "enterprise",
                message: crate::i18n::t("cli.input.required"),
            }])
            .into());
        };
        let enterprise = input::enterprise(
            self.new_id('E')?,
            self.office().to_string(),
            &name,
            code.as_deref(),
            Categories::NONE,
            self.office(),
        )?;
        Ok((
            Some(enterprise.id.clone()),
            Some(Payload::EnterpriseUpserted(enterprise)),
        ))
    }

    fn enrol_payloads(
        &self,
        session: &str,
        draft: &PersonDraft,
    ) -> Result<(Enrolled, Vec<Payload>)> {
        self.list_session(session)?;
        let phone = text::normalise_phone(&draft.phone).map_err(|e| {
            FieldErrors(vec![FieldError {
                field: "phone",
                message: e.to_string(),
            }])
        })?;
        let mut payloads = Vec::new();
        let enrolled = match self.person_by_phone(&phone)? {
            Some(person) => {
                let was_enrolled = self.is_enrolled(session, &person.id)?;
                Enrolled::Known {
                    person,
                    was_enrolled,
                }
            }
            None => {
                let (enterprise, create) = self.enterprise_for(draft)?;
                let person = input::person(
                    self.new_id('P')?,
                    self.office().to_string(),
                    &draft.name,
                    &phone,
                    &draft.position,
                    enterprise,
                )?;
                payloads.extend(create);
                payloads.push(Payload::PersonUpserted(person.clone()));
                Enrolled::New(person)
            }
        };
        if !matches!(
            enrolled,
            Enrolled::Known {
                was_enrolled: true,
                ..
            }
        ) {
            payloads.push(Payload::EnrolmentSet {
                session: session.to_string(),
                person: enrolled.person().id.clone(),
                enrolled: true,
            });
        }
        Ok((enrolled, payloads))
    }

    /// Enrols the person a form describes: a known phone means a known person. A full session
    /// takes them only when `over_capacity` says the coordinator confirmed it.
    pub fn enrol_draft(
        &self,
        session: &str,
        draft: &PersonDraft,
        over_capacity: bool,
    ) -> Result<Enrolled> {
        let (enrolled, payloads) = self.enrol_payloads(session, draft)?;
        let adds = payloads
            .iter()
            .any(|p| matches!(p, Payload::EnrolmentSet { .. }));
        if adds {
            self.require_room(session, 1, over_capacity)?;
        }
        self.commit(payloads)?;
        Ok(enrolled)
    }

    /// Planned enrolment of `adding` more stops at the session's capacity unless the coordinator
    /// confirmed going beyond it; people at the door are never turned away.
    pub fn require_room(&self, session: &str, adding: usize, over_capacity: bool) -> Result<()> {
        match self.over_capacity(session, adding)? {
            Some(full) if !over_capacity => Err(full.into()),
            _ => Ok(()),
        }
    }

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

    /// A walk-in at the door: enrolled and checked in by one commit.
    pub fn walk_in(
        &self,
        session: &str,
        draft: &PersonDraft,
        at: NaiveDateTime,
    ) -> Result<(Enrolled, CheckIn)> {
        let (enrolled, mut payloads) = self.enrol_payloads(session, draft)?;
        let person = enrolled.person().id.clone();
        if let Some(first_at) = self.first_check_in(session, &person)? {
            self.commit(payloads)?;
            return Ok((enrolled, CheckIn::Already { first_at }));
        }
        payloads.push(Payload::CheckedIn {
            session: session.to_string(),
            person,
            at,
        });
        self.commit(payloads)?;
        let present = self.present_count(session)?;
        Ok((enrolled, CheckIn::Done { at, present }))
    }

    fn first_check_in(&self, session: &str, person: &str) -> Result<Option<NaiveDateTime>> {
        Ok(self
            .attendance_of(session, person)?
            .filter(|a| a.present)
            .and_then(|a| a.first_at))
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

    /// Checks a known person in; someone on another list of this office is enrolled here too.
    pub fn check_in(&self, session: &str, person: &str, at: NaiveDateTime) -> Result<CheckIn> {
        self.list_session(session)?;
        if self.person(person)?.is_none() {
            return Err(user_error(tf("cli.person.not_found", &[("id", &person)])));
        }
        if let Some(first_at) = self.first_check_in(session, person)? {
            return Ok(CheckIn::Already { first_at });
        }
        let mut payloads = Vec::new();
        if !self.is_enrolled(session, person)? {
            payloads.push(Payload::EnrolmentSet {
                session: session.to_string(),
                person: person.to_string(),
                enrolled: true,
            });
        }
        payloads.push(Payload::CheckedIn {
            session: session.to_string(),
            person: person.to_string(),
            at,
        });
        self.commit(payloads)?;
        Ok(CheckIn::Done {
            at,
            present: self.present_count(session)?,
        })
    }

    /// Takes back a check-in (itself an op, so the audit trail keeps both); false when the
    /// person was not checked in.
    pub fn undo_check_in(&self, session: &str, person: &str) -> Result<bool> {
        let by = self.checked_in_by(session, person)?;
        if by.is_empty() {
            return Ok(false);
        }
        // Each office takes back only its own check-in: another door's stands.
        if !by.iter().any(|(office, _)| office == self.office()) {
            let names: Vec<String> = by
                .iter()
                .map(|(o, at)| format!("{} {}", unit_name(o), at.format("%H:%M")))
                .collect();
            return Err(user_error(tf(
                "cli.checkin.by_other",
                &[("person", &person), ("by", &names.join("、"))],
            )));
        }
        self.commit(vec![Payload::CheckInUndone {
            session: session.to_string(),
            person: person.to_string(),
        }])?;
        Ok(true)
    }

    /// The session whose list this office may keep: its own, one below it, or one that names
    /// it as host, co-host or a covered unit (a joint session's units each keep their part).
    pub fn list_session(&self, id: &str) -> Result<Session> {
        let session = self
            .session(id)?
            .ok_or_else(|| user_error(tf("cli.session.not_found", &[("id", &id)])))?;
        if !crate::log::authority::may_keep_list(self.office(), &session) {
            return Err(user_error(tf(
                "cli.session.not_list_keeper",
                &[("id", &id), ("owner", &unit_name(&session.office))],
            )));
        }
        Ok(session)
    }

    /// Takes a person off a session's list as far as this office put them on it. Someone
    /// another office enrolled stays, and the refusal names that office.
    pub fn unenrol(&self, session: &str, person: &str) -> Result<()> {
        self.list_session(session)?;
        let by = self.enrolled_by(session, person)?;
        if by.is_empty() {
            return Err(user_error(tf(
                "cli.session.not_enrolled",
                &[("person", &person)],
            )));
        }
        if !by.iter().any(|office| office == self.office()) {
            let names: Vec<String> = by.iter().map(|o| unit_name(o)).collect();
            return Err(user_error(tf(
                "cli.session.enrolled_by_other",
                &[("person", &person), ("by", &names.join("、"))],
            )));
        }
        self.commit(vec![Payload::EnrolmentSet {
            session: session.to_string(),
            person: person.to_string(),
            enrolled: false,
        }])?;
        Ok(())
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
