//! How current this store's copy of another office is, in the words the roll-ups and the 同步
//! tab use: "截至第 17 号包，9 天前收到", "截至 鄂州市 第 4 号包，3 天前收到", or "尚未收到".

use chrono::NaiveDate;

use crate::campaign::unit_name;
use crate::i18n::{t, tf};
use crate::sync::ledger::Freshness;

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

/// How current `office`'s work is: "截至第 17 号包，9 天前收到" when its own bundle brought it,
/// "截至 鄂州市 第 4 号包，3 天前收到" when another office relayed it (the number is that office's),
/// "尚未收到" when no bundle brought it.
pub fn staleness(office: &str, fresh: Option<&Freshness>, today: NaiveDate) -> String {
    let Some(f) = fresh else {
        return t("sync.stale.never");
    };
    let age = age_text(age_days(f.at_ms, today));
    if f.sender == office {
        tf("sync.stale.as_of", &[("seq", &f.link_seq), ("age", &age)])
    } else {
        tf(
            "sync.stale.as_of_via",
            &[
                ("via", &unit_name(&f.sender)),
                ("seq", &f.link_seq),
                ("age", &age),
            ],
        )
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
    fn staleness_names_the_bundle_its_age_and_any_relay() {
        crate::i18n::set_lang(crate::i18n::Lang::Zh);
        let today = NaiveDate::from_ymd_opt(2023, 3, 20).unwrap();
        let f = Freshness {
            sender: "420704".into(),
            link_seq: 17,
            at_ms: ms(NaiveDate::from_ymd_opt(2023, 3, 11).unwrap()),
        };
        assert_eq!(
            staleness("420704", Some(&f), today),
            "截至第 17 号包，9 天前收到"
        );
        let relayed = Freshness {
            sender: "420700".into(),
            ..f
        };
        assert_eq!(
            staleness("420704", Some(&relayed), today),
            "截至 鄂州市 第 17 号包，9 天前收到"
        );
        assert_eq!(staleness("420704", None, today), "尚未收到");
    }
}
