//! How current this store's copy of another office is, in the words the roll-ups and the 同步
//! tab use: "截至第 17 号包，9 天前收到", or "尚未收到".

use chrono::NaiveDate;

use crate::i18n::{t, tf};
use crate::store::sync::Freshness;

/// Whole days from the local date of `at_ms` to `today`; never negative (a demo store's pinned
/// today may lie before the real clock).
pub fn age_days(at_ms: u64, today: NaiveDate) -> i64 {
    let date = i64::try_from(at_ms)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_millis)
        .map(|t| t.with_timezone(&chrono::Local).date_naive());
    date.map_or(0, |d| (today - d).num_days().max(0))
}

/// "今天" or "9 天前".
pub fn age_text(days: i64) -> String {
    if days == 0 {
        t("sync.age.today")
    } else {
        tf("sync.age.days", &[("n", &days)])
    }
}

/// "截至第 17 号包，9 天前收到", or "尚未收到" when no bundle brought the office's work.
pub fn staleness(fresh: Option<&Freshness>, today: NaiveDate) -> String {
    match fresh {
        None => t("sync.stale.never"),
        Some(f) => tf(
            "sync.stale.as_of",
            &[
                ("seq", &f.link_seq),
                ("age", &age_text(age_days(f.at_ms, today))),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(date: NaiveDate) -> u64 {
        let local = date
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_local_timezone(chrono::Local)
            .unwrap();
        local.timestamp_millis() as u64
    }

    #[test]
    fn ages_count_local_days_and_never_go_negative() {
        let today = NaiveDate::from_ymd_opt(2023, 3, 20).unwrap();
        let nine = NaiveDate::from_ymd_opt(2023, 3, 11).unwrap();
        assert_eq!(age_days(ms(nine), today), 9);
        assert_eq!(age_days(ms(today), today), 0);
        let later = NaiveDate::from_ymd_opt(2023, 4, 1).unwrap();
        assert_eq!(age_days(ms(later), today), 0);
    }

    #[test]
    fn staleness_names_the_bundle_and_its_age() {
        crate::i18n::set_lang(crate::i18n::Lang::Zh);
        let today = NaiveDate::from_ymd_opt(2023, 3, 20).unwrap();
        let f = Freshness {
            sender: "420704".into(),
            link_seq: 17,
            at_ms: ms(NaiveDate::from_ymd_opt(2023, 3, 11).unwrap()),
        };
        assert_eq!(staleness(Some(&f), today), "截至第 17 号包，9 天前收到");
        assert_eq!(staleness(None, today), "尚未收到");
    }
}
