//! One person's place in the chain, derived from what the store holds: trained -> candidate ->
//! examined -> makeup -> certified. Pure, so the CLI, the screen and the tests agree.

use chrono::NaiveDate;
use serde::Serialize;

use super::model::{Adjustment, Certificate, Evaluation, Marks, PointsEntry, ResultEntry};
use super::rules::Rules;
use crate::domain::SessionKind;

/// A result at one exam, makeup or expansion-class session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub session: String,
    pub kind: SessionKind,
    pub date: NaiveDate,
    pub marks: Marks,
    /// For an expansion class: whether the province approved it. Exams and makeups: true.
    pub approved: bool,
    /// Every result written for the attempt, oldest first: the first, then corrections.
    pub history: Vec<ResultEntry>,
}

/// Everything the store knows about one person's certification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub online_minutes: u32,
    pub questionnaire: Option<bool>,
    pub test: Option<u16>,
    pub offline_attended: u32,
    pub evaluation: Option<Evaluation>,
    pub adjustment: Option<Adjustment>,
    /// Expansion classes the person is enrolled in, with the province's approval.
    pub expansion: Vec<(String, bool)>,
    pub attempts: Vec<Attempt>,
    /// Certificates issued to the person; `false` when another person holds that number
    /// (two devices of the province issued it at once) and it must be issued again.
    pub certificates: Vec<(Certificate, bool)>,
    pub points: Vec<PointsEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    NotExamined,
    Passed,
    PassedMakeup,
    /// Failed once: one makeup is offered.
    AwaitingMakeup,
    /// Failed the makeup too: no certificate, no third attempt.
    Failed,
}

impl Outcome {
    pub fn key(self) -> &'static str {
        match self {
            Self::NotExamined => "not-examined",
            Self::Passed => "passed",
            Self::PassedMakeup => "passed-makeup",
            Self::AwaitingMakeup => "awaiting-makeup",
            Self::Failed => "failed",
        }
    }

    pub fn passed(self) -> bool {
        matches!(self, Self::Passed | Self::PassedMakeup)
    }
}

/// The pipeline's columns, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Trained,
    Candidate,
    Examined,
    Makeup,
    Certified,
}

impl Stage {
    pub const ALL: [Stage; 5] = [
        Self::Trained,
        Self::Candidate,
        Self::Examined,
        Self::Makeup,
        Self::Certified,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Trained => "trained",
            Self::Candidate => "candidate",
            Self::Examined => "examined",
            Self::Makeup => "makeup",
            Self::Certified => "certified",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub trained: bool,
    pub candidate: bool,
    pub first: Option<Attempt>,
    pub makeup: Option<Attempt>,
    pub outcome: Outcome,
    pub certificate: Option<String>,
    pub points: i32,
}

impl Status {
    /// Whether the person has reached `stage` (each column counts everyone who got that far).
    pub fn reached(&self, stage: Stage) -> bool {
        match stage {
            Stage::Trained => self.trained,
            Stage::Candidate => self.candidate,
            Stage::Examined => self.first.is_some(),
            Stage::Makeup => self.makeup.is_some(),
            Stage::Certified => self.certificate.is_some(),
        }
    }

    /// How far along the person is: the last stage reached.
    pub fn stage(&self) -> Option<Stage> {
        Stage::ALL.into_iter().rev().find(|s| self.reached(*s))
    }

    /// A certificate needs a pass and the trained rule (参训达标), whichever class the person
    /// sat: an expansion class is for trained students who missed the exam, not a way round.
    pub fn may_issue(&self) -> bool {
        self.outcome.passed() && self.trained && self.certificate.is_none()
    }

    /// Passed, but not trained: held back from a certificate.
    pub fn passed_untrained(&self) -> bool {
        self.outcome.passed() && !self.trained && self.certificate.is_none()
    }
}

pub fn passed(marks: &Marks, rules: &Rules) -> bool {
    Rules::passes(marks.exam, rules.exam_pass)
        && Rules::passes(marks.practical, rules.practical_pass)
}

fn counts_as_exam(attempt: &Attempt) -> bool {
    match attempt.kind {
        SessionKind::Exam => true,
        SessionKind::Expansion => attempt.approved,
        _ => false,
    }
}

/// The first counted exam and the one counted makeup; any other result does not count.
fn counted(facts: &Facts, rules: &Rules) -> (Option<Attempt>, Option<Attempt>) {
    let mut attempts = facts.attempts.clone();
    attempts.sort_by(|a, b| (a.date, &a.session).cmp(&(b.date, &b.session)));
    let first = attempts.iter().find(|a| counts_as_exam(a)).cloned();
    let makeup = first.as_ref().and_then(|f| {
        if passed(&f.marks, rules) {
            return None;
        }
        attempts
            .iter()
            .find(|a| a.kind == SessionKind::Makeup && a.date >= f.date)
            .cloned()
    });
    (first, makeup)
}

pub fn status(facts: &Facts, rules: &Rules) -> Status {
    let trained = facts.online_minutes >= rules.online_minutes
        || (rules.offline_sessions > 0 && facts.offline_attended >= rules.offline_sessions);
    let listed = match &facts.adjustment {
        Some(adjustment) => adjustment.selected,
        None => facts.evaluation.as_ref().is_some_and(|e| e.selected),
    };
    let candidate = listed || facts.expansion.iter().any(|(_, approved)| *approved);
    let (first, makeup) = counted(facts, rules);
    let outcome = match (&first, &makeup) {
        (None, _) => Outcome::NotExamined,
        (Some(f), _) if passed(&f.marks, rules) => Outcome::Passed,
        (Some(_), None) => Outcome::AwaitingMakeup,
        (Some(_), Some(m)) if passed(&m.marks, rules) => Outcome::PassedMakeup,
        (Some(_), Some(_)) => Outcome::Failed,
    };
    let certificate = outcome
        .passed()
        .then(|| {
            facts
                .certificates
                .iter()
                .filter(|(_, valid)| *valid)
                .min_by_key(|(c, _)| c.seq)
                .map(|(c, _)| c.number.clone())
        })
        .flatten();
    Status {
        trained,
        candidate,
        first,
        makeup,
        outcome,
        certificate,
        points: facts.points.iter().map(|p| p.points).sum(),
    }
}

/// Why a result may not be recorded for a person at a session of `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NotCandidate,
    AlreadyExamined,
    NotExamined,
    NoMakeupNeeded,
    NoThirdAttempt,
    NotAnExam,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Self::NotCandidate => "cert.refuse.not_candidate",
            Self::AlreadyExamined => "cert.refuse.already_examined",
            Self::NotExamined => "cert.refuse.not_examined",
            Self::NoMakeupNeeded => "cert.refuse.no_makeup_needed",
            Self::NoThirdAttempt => "cert.refuse.no_third_attempt",
            Self::NotAnExam => "cert.refuse.not_an_exam",
        }
    }
}

/// Whether a result at `session` (of `kind`) may be recorded: the first exam for candidates and
/// expansion-class students, one makeup after a failure, nothing after that. Correcting the
/// result of the attempt already counted is always allowed.
pub fn may_record(status: &Status, session: &str, kind: SessionKind) -> Result<(), Refusal> {
    let same = |a: &Option<Attempt>| a.as_ref().is_some_and(|a| a.session == session);
    if same(&status.first) || same(&status.makeup) {
        return Ok(());
    }
    match kind {
        SessionKind::Exam | SessionKind::Expansion => {
            if status.first.is_some() {
                Err(Refusal::AlreadyExamined)
            } else if kind == SessionKind::Exam && !status.candidate {
                Err(Refusal::NotCandidate)
            } else {
                Ok(())
            }
        }
        SessionKind::Makeup => match status.outcome {
            Outcome::NotExamined => Err(Refusal::NotExamined),
            Outcome::Passed => Err(Refusal::NoMakeupNeeded),
            Outcome::AwaitingMakeup => Ok(()),
            Outcome::PassedMakeup | Outcome::Failed => Err(Refusal::NoThirdAttempt),
        },
        SessionKind::Offline | SessionKind::Online => Err(Refusal::NotAnExam),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules::embedded().unwrap()
    }

    fn attempt(session: &str, kind: SessionKind, day: u32, exam: u16, practical: u16) -> Attempt {
        Attempt {
            session: session.into(),
            kind,
            date: NaiveDate::from_ymd_opt(2023, 6, day).unwrap(),
            marks: Marks {
                exam: Some(exam),
                practical: Some(practical),
            },
            approved: true,
            history: Vec::new(),
        }
    }

    fn candidate() -> Facts {
        Facts {
            online_minutes: 400,
            evaluation: Some(Evaluation {
                score: 700,
                rank: 1,
                selected: true,
            }),
            ..Facts::default()
        }
    }

    #[test]
    fn the_rule_table() {
        let r = rules();
        let mut f = candidate();
        f.attempts = vec![attempt("e", SessionKind::Exam, 6, 800, 700)];
        assert_eq!(status(&f, &r).outcome, Outcome::Passed);

        f.attempts = vec![
            attempt("e", SessionKind::Exam, 6, 500, 700),
            attempt("m", SessionKind::Makeup, 19, 650, 700),
        ];
        assert_eq!(status(&f, &r).outcome, Outcome::PassedMakeup);

        f.attempts = vec![
            attempt("e", SessionKind::Exam, 6, 500, 700),
            attempt("m", SessionKind::Makeup, 19, 650, 500),
            attempt("m2", SessionKind::Makeup, 26, 900, 900),
        ];
        let s = status(&f, &r);
        assert_eq!(s.outcome, Outcome::Failed, "a third attempt never counts");
        assert!(!s.may_issue());
        assert_eq!(
            may_record(&s, "m3", SessionKind::Makeup),
            Err(Refusal::NoThirdAttempt)
        );
        assert_eq!(may_record(&s, "m", SessionKind::Makeup), Ok(()));
    }

    #[test]
    fn absent_fails_and_makeups_need_a_failure() {
        let r = rules();
        let mut f = candidate();
        let mut absent = attempt("e", SessionKind::Exam, 6, 0, 0);
        absent.marks.exam = None;
        f.attempts = vec![absent];
        let s = status(&f, &r);
        assert_eq!(s.outcome, Outcome::AwaitingMakeup);
        assert_eq!(may_record(&s, "m", SessionKind::Makeup), Ok(()));
        f.attempts = vec![attempt("e", SessionKind::Exam, 6, 900, 900)];
        let s = status(&f, &r);
        assert_eq!(
            may_record(&s, "m", SessionKind::Makeup),
            Err(Refusal::NoMakeupNeeded)
        );
        let fresh = status(&candidate(), &r);
        assert_eq!(
            may_record(&fresh, "m", SessionKind::Makeup),
            Err(Refusal::NotExamined)
        );
    }

    #[test]
    fn expansion_results_count_only_once_approved() {
        let r = rules();
        let mut f = Facts {
            expansion: vec![("x".into(), false)],
            ..Facts::default()
        };
        let mut a = attempt("x", SessionKind::Expansion, 10, 900, 900);
        a.approved = false;
        f.attempts = vec![a.clone()];
        let s = status(&f, &r);
        assert!(!s.candidate);
        assert_eq!(s.outcome, Outcome::NotExamined);
        f.expansion = vec![("x".into(), true)];
        a.approved = true;
        f.attempts = vec![a];
        let s = status(&f, &r);
        assert!(s.candidate);
        assert_eq!(s.outcome, Outcome::Passed);
    }

    #[test]
    fn online_or_offline_makes_trained() {
        let r = rules();
        let online = Facts {
            online_minutes: r.online_minutes,
            ..Facts::default()
        };
        let offline = Facts {
            offline_attended: 1,
            online_minutes: 10,
            ..Facts::default()
        };
        let neither = Facts {
            online_minutes: r.online_minutes - 1,
            ..Facts::default()
        };
        assert!(status(&online, &r).trained);
        assert!(status(&offline, &r).trained);
        assert!(!status(&neither, &r).trained);
    }

    #[test]
    fn an_adjustment_overrides_the_evaluation() {
        let r = rules();
        let mut f = candidate();
        f.adjustment = Some(Adjustment {
            selected: false,
            reason: "重复报名".into(),
        });
        assert!(!status(&f, &r).candidate);
        assert_eq!(
            may_record(&status(&f, &r), "e", SessionKind::Exam),
            Err(Refusal::NotCandidate)
        );
    }
}
