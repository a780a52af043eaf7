//! The official tables: the 样表 statistics table (情况统计表) and a printable sign-in sheet (签到表),
//! as documents any of the writers can put in a file.

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::doc::{text_or_empty, Align, Cell, Column, Document, Row, Value};
use crate::campaign::{campaign, unit_name};
use crate::domain::text::mask_phone;
use crate::domain::{Session, SessionKind};
use crate::i18n::{t, tf};
use crate::store::kept_records::Records;
use crate::store::Store;

/// One training class held, as the 样表 lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsRow {
    pub name: String,
    pub content: String,
    pub audience: String,
    pub people: u32,
    pub date: NaiveDate,
    /// 09:00-12:15
    pub hours: String,
    pub venue: String,
    pub host: String,
    /// The host unit's id, for roll-ups by unit.
    pub unit: String,
}

fn content(session: &Session) -> String {
    let titles: Vec<String> = session
        .courses
        .iter()
        .filter_map(|c| {
            campaign()
                .course(&c.course)
                .map(|course| course.title.clone())
        })
        .collect();
    titles.join("；")
}

fn hours(session: &Session) -> String {
    format!(
        "{}-{}",
        session.start.format("%H:%M"),
        session.end.format("%H:%M")
    )
}

/// Classes held by `office` and the units below it in `year`, up to `today`: offline classes and
/// the cities' expansion classes, with the people who came.
pub fn stats_rows(
    from: &(impl Records + ?Sized),
    office: &str,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<StatsRow>> {
    let units: Vec<String> = campaign()
        .descendants(office)
        .into_iter()
        .map(|(u, _)| u.id.clone())
        .collect();
    hosted_rows(from, &units, year, today)
}

/// As `stats_rows`, for the classes hosted by `units` only (one unit's own, in a package).
pub fn hosted_rows(
    from: &(impl Records + ?Sized),
    units: &[String],
    year: i32,
    today: NaiveDate,
) -> Result<Vec<StatsRow>> {
    let mut rows = Vec::new();
    for session in crate::store::query::sessions_in(from)? {
        let held = matches!(session.kind, SessionKind::Offline | SessionKind::Expansion)
            && chrono::Datelike::year(&session.date) == year
            && session.date <= today
            && units.iter().any(|u| u == session.credited_unit());
        if !held {
            continue;
        }
        let host = match &session.cohost {
            Some(cohost) => format!("{}（{}协办）", unit_name(&session.host), unit_name(cohost)),
            None => unit_name(&session.host),
        };
        rows.push(StatsRow {
            people: crate::store::lists::present_count(from, &session.id)?,
            content: content(&session),
            audience: session.audience.clone(),
            date: session.date,
            hours: hours(&session),
            venue: session.venue.clone(),
            unit: session.credited_unit().to_string(),
            name: session.title,
            host,
        });
    }
    Ok(rows)
}

/// The 样表 of `rows`, stamped by `maker` (the office's official name) on `made`. A class with no
/// check-ins says so instead of a bare 0, and a note under the total names it.
pub fn stats_document(maker: &str, rows: &[StatsRow], made: NaiveDate) -> Document {
    let table = &campaign().stats_table;
    let aligns = [
        Align::Center,
        Align::Text,
        Align::Text,
        Align::Text,
        Align::Number,
        Align::Center,
        Align::Text,
        Align::Text,
    ];
    let columns = table
        .columns
        .iter()
        .zip(aligns)
        .map(|(header, align)| Column::new(header, align))
        .collect();
    let mut unrecorded = Vec::new();
    let mut body: Vec<Row> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let people = if row.people == 0 {
                unrecorded.push((i + 1).to_string());
                Cell::text(t("cli.report.no_attendance"))
            } else {
                Cell::int(row.people)
            };
            Row::Body(vec![
                Cell::int(i + 1),
                Cell::text(&row.name),
                Cell::text(&row.content),
                Cell::text(&row.audience),
                people,
                Value::DateWith(row.date, row.hours.clone()).into(),
                Cell::text(&row.venue),
                Cell::text(&row.host),
            ])
        })
        .collect();
    body.push(Row::Total {
        label: t("cli.report.total"),
        span: 4,
        sums: vec![4],
    });
    let notes = if unrecorded.is_empty() {
        Vec::new()
    } else {
        vec![tf(
            "cli.report.no_attendance_note",
            &[("numbers", &unrecorded.join("、"))],
        )]
    };
    Document {
        sheet: t("cli.report.sheet_stats"),
        title: table.title.clone(),
        line: table.stamp_line(maker),
        columns,
        rows: body,
        notes,
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}

/// Blank rows at the end of a sign-in sheet for people who come without enrolling.
const WALK_IN_ROWS: usize = 10;

/// The sign-in sheet of a session, in the enrolment list's order (序号 is what `checkin --numbers`
/// reads back), with rows to sign in and a block of blank rows for walk-ins.
pub fn signin_document(
    store: &Store,
    session: &Session,
    maker: &str,
    made: NaiveDate,
) -> Result<SigninSheet> {
    // The version this sheet will be once written: its number is on the paper, so the rows
    // ticked on it are read against it later, whoever enrols meanwhile.
    let version =
        crate::store::printed::sheet(store, &session.id, None)?.map_or(1, |s| s.version + 1);
    let title = tf(
        "cli.report.signin_title",
        &[("title", &session.title), ("version", &version)],
    );
    let list = crate::store::lists::enrolment_list(store, &session.id)?;
    let mut rows = signin_rows(&list, |_| "□");
    rows.push(Row::Section(t("cli.report.walk_ins")));
    rows.extend((0..WALK_IN_ROWS).map(|_| Row::Body(vec![Value::Empty.into(); 8])));
    Ok(SigninSheet {
        document: signin_sheet(session, title, rows, maker, made),
        order: PrintedOrder {
            session: session.id.clone(),
            people: list.into_iter().map(|(p, _)| p.id).collect(),
            version,
        },
    })
}

/// The sign-in sheet of a session as a record for the archive: the enrolment list with who
/// signed in ticked, without walk-in rows or a version (it is not printed to be ticked).
pub fn signin_record(
    store: &Store,
    session: &Session,
    maker: &str,
    made: NaiveDate,
) -> Result<Document> {
    let present = crate::store::lists::attendance(store, &session.id)?;
    let list = crate::store::lists::enrolment_list(store, &session.id)?;
    let rows = signin_rows(&list, |person| {
        if present.contains_key(&person.id) {
            "☑"
        } else {
            "□"
        }
    });
    let title = tf("package.signin_title", &[("title", &session.title)]);
    Ok(signin_sheet(session, title, rows, maker, made))
}

/// One row per person enrolled, in the list's order, with `tick` in the 签到 column.
fn signin_rows(
    list: &[(crate::domain::Person, Option<crate::domain::Enterprise>)],
    tick: impl Fn(&crate::domain::Person) -> &'static str,
) -> Vec<Row> {
    list.iter()
        .enumerate()
        .map(|(i, (person, enterprise))| {
            Row::Body(vec![
                Cell::int(i + 1),
                Cell::text(&person.name),
                text_or_empty(enterprise.as_ref().map_or("", |e| e.name.as_str())).into(),
                text_or_empty(&person.position).into(),
                text_or_empty(&mask_phone(&person.phone)).into(),
                Cell::text(&person.code),
                Cell::text(tick(person)),
                Value::Empty.into(),
            ])
        })
        .collect()
}

fn signin_sheet(
    session: &Session,
    title: String,
    rows: Vec<Row>,
    maker: &str,
    made: NaiveDate,
) -> Document {
    let line = tf(
        "cli.report.signin_line",
        &[
            ("date", &super::doc::document_date(session.date)),
            ("time", &hours(session)),
            ("venue", &session.venue),
            ("host", &unit_name(&session.host)),
        ],
    );
    let columns = vec![
        Column::new(t("cli.col.no"), Align::Center),
        Column::new(t("cli.col.name"), Align::Text),
        Column::new(t("cli.report.col_enterprise"), Align::Text),
        Column::new(t("cli.col.position"), Align::Text),
        Column::new(t("cli.report.col_phone"), Align::Center),
        Column::new(t("cli.col.code"), Align::Center),
        Column::new(t("cli.report.col_checked"), Align::Center),
        Column::writing(t("cli.report.col_signature"), 14.0),
    ];
    Document {
        sheet: t("cli.report.sheet_signin"),
        title,
        line,
        columns,
        rows,
        notes: Vec::new(),
        landscape: false,
        signing: true,
        maker: maker.to_string(),
        made,
    }
}

/// A sign-in sheet before it is written; once the file is, its order is recorded.
pub struct SigninSheet {
    pub document: Document,
    pub order: PrintedOrder,
}

/// The order of the people on a sign-in sheet, as printed under its version number.
pub struct PrintedOrder {
    session: String,
    people: Vec<String>,
    pub version: u32,
}

impl PrintedOrder {
    pub fn count(&self) -> usize {
        self.people.len()
    }

    /// Records the order on paper as this version, for `checkin --numbers` to read back: called
    /// once the file is written, so a sheet that failed to write leaves no version behind.
    pub fn record(self, store: &Store) -> Result<u32> {
        crate::store::printed::record(store, &self.session, self.people)
    }
}

/// Row numbers ticked on a printed sheet: "3,5,8-12" (full-width digits and commas, 、 and
/// spaces too), in order, each once.
pub fn parse_numbers(raw: &str) -> Result<Vec<usize>, String> {
    let bad = || tf("cli.report.bad_numbers", &[("value", &raw)]);
    let folded: String = raw
        .chars()
        .map(crate::domain::text::fold_full_width)
        .collect();
    let mut numbers = Vec::new();
    for part in folded
        .split([',', '，', '、', ' '])
        .filter(|p| !p.trim().is_empty())
    {
        let part = part.trim();
        let (from, to) = match part.split_once(['-', '~', '～']) {
            Some((a, b)) => (a.trim().parse::<usize>(), b.trim().parse::<usize>()),
            None => (part.parse::<usize>(), part.parse::<usize>()),
        };
        match (from, to) {
            (Ok(from), Ok(to)) if from >= 1 && from <= to && to - from < 10_000 => {
                numbers.extend(from..=to)
            }
            _ => return Err(bad()),
        }
    }
    if numbers.is_empty() {
        return Err(bad());
    }
    numbers.sort_unstable();
    numbers.dedup();
    Ok(numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_rows_parse() {
        assert_eq!(parse_numbers("3,5,8-12"), Ok(vec![3, 5, 8, 9, 10, 11, 12]));
        assert_eq!(parse_numbers("５，３、3"), Ok(vec![3, 5]));
        assert!(parse_numbers("0").is_err());
        assert!(parse_numbers("5-3").is_err());
        assert!(parse_numbers("a").is_err());
        assert!(parse_numbers("").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_sorted_numbers_or_a_message(raw in "\\\\PC{0,20}") {
            if let Ok(numbers) = parse_numbers(&raw) {
                proptest::prop_assert!(numbers.windows(2).all(|w| w[0] < w[1]));
                proptest::prop_assert!(numbers.iter().all(|n| *n >= 1));
            }
        }
    }
}
