//! Enrolment and check-in as the door and the forms see them: the person a form describes and
//! what enrolling and checking in came to (`app::sessions` and `app::checkin` write them; the
//! list they change is read in `lists`).

use chrono::NaiveDateTime;

use crate::domain::Person;
use crate::i18n::tf;

/// A person as typed into an enrolment or walk-in form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonDraft {
    pub name: String,
    pub phone: String,
    pub position: String,
    /// Enterprise name; matched to a known enterprise by credit code, then by exact name.
    pub enterprise: String,
    pub credit_code: String,
    /// The coordinator confirmed that an enterprise name close to a known one's is another
    /// enterprise, to be made new.
    pub new_enterprise: bool,
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
