//! How a result is written: the first for an attempt as it is, the same marks again not at all,
//! and different marks for an attempt that has some only as a correction with its reason (the
//! earlier marks stay in the person's history).

use super::history::marks_text;
use super::model::Marks;
use crate::i18n::tf;
use crate::log::Payload;

/// What recording `marks` comes to, given the marks the attempt already `held`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recording {
    Write(Box<Payload>),
    Unchanged,
    /// Said in the UI language: the held marks, and that a reason is needed.
    NeedsReason(String),
}

pub struct Attempt<'a> {
    pub session: &'a str,
    pub title: &'a str,
    pub person: &'a str,
    pub name: &'a str,
    /// The office that owns the person.
    pub unit: &'a str,
}

pub fn recording(
    attempt: &Attempt,
    held: Option<Marks>,
    marks: Marks,
    reason: Option<&str>,
) -> Recording {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match held {
        Some(held) if held == marks => Recording::Unchanged,
        Some(held) => match reason {
            None => Recording::NeedsReason(tf(
                "cert.results.needs_reason",
                &[
                    ("name", &attempt.name),
                    ("title", &attempt.title),
                    ("held", &marks_text(&held)),
                    ("marks", &marks_text(&marks)),
                ],
            )),
            Some(reason) => Recording::Write(Box::new(Payload::ResultCorrected {
                session: attempt.session.to_string(),
                person: attempt.person.to_string(),
                unit: attempt.unit.to_string(),
                marks,
                reason: reason.to_string(),
            })),
        },
        None => Recording::Write(Box::new(Payload::ResultRecorded {
            session: attempt.session.to_string(),
            person: attempt.person.to_string(),
            unit: attempt.unit.to_string(),
            marks,
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTEMPT: Attempt = Attempt {
        session: "S-420700-1",
        title: "补考",
        person: "P-420704-1",
        name: "张三",
        unit: "420704",
    };

    fn marks(exam: u16, practical: u16) -> Marks {
        Marks {
            exam: Some(exam),
            practical: Some(practical),
        }
    }

    #[test]
    fn a_second_mark_needs_a_reason() {
        match recording(&ATTEMPT, None, marks(400, 500), None) {
            Recording::Write(payload) => {
                assert!(matches!(*payload, Payload::ResultRecorded { .. }))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            recording(&ATTEMPT, Some(marks(400, 500)), marks(400, 500), None),
            Recording::Unchanged
        );
        match recording(&ATTEMPT, Some(marks(400, 500)), marks(800, 800), Some("  ")) {
            Recording::NeedsReason(said) => assert!(said.contains("张三"), "{said}"),
            other => panic!("{other:?}"),
        }
        match recording(
            &ATTEMPT,
            Some(marks(400, 500)),
            marks(800, 800),
            Some("阅卷复核"),
        ) {
            Recording::Write(payload) => assert!(
                matches!(*payload, Payload::ResultCorrected { ref reason, .. } if reason == "阅卷复核")
            ),
            other => panic!("{other:?}"),
        }
    }
}
