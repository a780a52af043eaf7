//! What a coordinator is asked to confirm about a session before it is saved: a date outside the
//! campaign's window for its kind (方案 二), or on a statutory holiday. Neither is forbidden (a
//! makeup exam may run late, a county may train on a holiday) but neither should pass unseen.

use super::{Session, SessionKind};
use crate::campaign::{campaign, DayKind};
use crate::i18n::tf;

/// The campaign step whose dates bound sessions of `kind`.
fn window_step(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Offline => "offline_training",
        SessionKind::Online => "online_training",
        SessionKind::Exam | SessionKind::Makeup | SessionKind::Expansion => "certification",
    }
}

/// Each thing about `s`'s date to confirm, said in the UI language; empty when there is none.
pub fn calendar_warnings(s: &Session) -> Vec<String> {
    let c = campaign();
    let mut warnings = Vec::new();
    if let Some(step) = c.step(window_step(s.kind)) {
        if s.date < step.start || s.date > step.end {
            warnings.push(tf(
                "cli.input.outside_window",
                &[
                    ("date", &s.date),
                    ("kind", &s.kind.label()),
                    ("from", &step.start),
                    ("to", &step.end),
                    ("text", &step.date_text),
                ],
            ));
        }
    }
    if let DayKind::Holiday(name) = c.holidays.kind(s.date) {
        warnings.push(tf(
            "cli.input.on_holiday",
            &[("date", &s.date), ("holiday", &name)],
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime};

    fn session(kind: SessionKind, date: &str) -> Session {
        Session {
            id: "S-420704-1".into(),
            office: "420704".into(),
            kind,
            title: "专利基础".into(),
            units: vec!["420704".into()],
            host: "420704".into(),
            cohost: None,
            date: date.parse::<NaiveDate>().unwrap(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
            venue: "区政务中心".into(),
            courses: vec![],
            audience: String::new(),
            capacity: 100,
        }
    }

    #[test]
    fn the_seeds_windows_and_holidays() {
        assert!(calendar_warnings(&session(SessionKind::Offline, "2023-06-10")).is_empty());
        assert!(calendar_warnings(&session(SessionKind::Offline, "2023-11-30")).is_empty());
        let late = calendar_warnings(&session(SessionKind::Offline, "2023-12-15"));
        assert_eq!(late.len(), 1);
        assert!(
            late[0].contains("2023-03-01") && late[0].contains("2023-11-30"),
            "{late:?}"
        );
        let exam = calendar_warnings(&session(SessionKind::Exam, "2023-08-15"));
        assert!(
            exam[0].contains("2023-05-01") && exam[0].contains("2023-06-30"),
            "{exam:?}"
        );
        assert!(calendar_warnings(&session(SessionKind::Online, "2023-03-20")).is_empty());
        assert_eq!(
            calendar_warnings(&session(SessionKind::Online, "2023-04-03")).len(),
            1
        );
        let holiday = calendar_warnings(&session(SessionKind::Offline, "2023-10-02"));
        assert_eq!(holiday.len(), 1);
        assert!(holiday[0].contains("中秋节、国庆节"), "{holiday:?}");
        // A 调休 Saturday is a working day.
        assert!(calendar_warnings(&session(SessionKind::Offline, "2023-10-07")).is_empty());
        // Both at once: 2024's 元旦 is outside every window.
        assert_eq!(
            calendar_warnings(&session(SessionKind::Exam, "2024-01-01")).len(),
            2
        );
    }
}
