//! The official tables: the 样表 statistics table (情况统计表) and a printable sign-in sheet (签到表).

use std::path::Path;

use color_eyre::eyre::Result;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde::Serialize;

use super::write::{atomic_write, csv_bytes, Encoding};
use crate::campaign::{campaign, unit_name};
use crate::domain::text::mask_phone;
use crate::domain::{Session, SessionKind};
use crate::i18n::tf;
use crate::store::Store;

/// One training class held, as the 样表 lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsRow {
    pub name: String,
    pub content: String,
    pub audience: String,
    pub people: u32,
    pub time: String,
    pub venue: String,
    pub host: String,
}

/// The office's name as it stamps a table: 鄂州市知识产权局.
pub fn stamp_office(office: &str) -> String {
    format!(
        "{}知识产权局",
        campaign().unit(office).map_or(office, |u| u.name.as_str())
    )
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

/// Classes held by `office` and the units below it in `year`, up to `today`: offline classes and
/// the cities' expansion classes, with the people who came.
pub fn stats_rows(
    store: &Store,
    office: &str,
    year: i32,
    today: chrono::NaiveDate,
) -> Result<Vec<StatsRow>> {
    let units: Vec<String> = campaign()
        .descendants(office)
        .into_iter()
        .map(|(u, _)| u.id.clone())
        .collect();
    let mut rows = Vec::new();
    for session in store.sessions()? {
        let held = matches!(session.kind, SessionKind::Offline | SessionKind::Expansion)
            && chrono::Datelike::year(&session.date) == year
            && session.date <= today
            && units.contains(&session.host);
        if !held {
            continue;
        }
        let host = match &session.cohost {
            Some(cohost) => format!("{}（{}协办）", unit_name(&session.host), unit_name(cohost)),
            None => unit_name(&session.host),
        };
        rows.push(StatsRow {
            people: store.present_count(&session.id)?,
            content: content(&session),
            audience: session.audience.clone(),
            time: format!(
                "{} {}-{}",
                session.date,
                session.start.format("%H:%M"),
                session.end.format("%H:%M")
            ),
            venue: session.venue.clone(),
            name: session.title,
            host,
        });
    }
    Ok(rows)
}

fn table_rows(office: &str, rows: &[StatsRow]) -> Vec<Vec<String>> {
    let table = &campaign().stats_table;
    let mut out = vec![
        vec![table.title.clone()],
        vec![table.stamp_line(&stamp_office(office))],
        table.columns.clone(),
    ];
    for (i, row) in rows.iter().enumerate() {
        out.push(vec![
            (i + 1).to_string(),
            row.name.clone(),
            row.content.clone(),
            row.audience.clone(),
            row.people.to_string(),
            row.time.clone(),
            row.venue.clone(),
            row.host.clone(),
        ]);
    }
    let total: u32 = rows.iter().map(|r| r.people).sum();
    out.push(vec![
        "合计".to_string(),
        String::new(),
        String::new(),
        String::new(),
        total.to_string(),
    ]);
    out
}

fn xlsx_error(path: &Path) -> impl Fn(XlsxError) -> color_eyre::Report + '_ {
    move |e| {
        crate::error::user_error(tf(
            "cli.report.write_failed",
            &[("file", &path.display()), ("reason", &e)],
        ))
    }
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Writes the rows under a merged title, with borders, the header repeated on every page.
fn write_sheet(
    sheet: &mut Worksheet,
    rows: &[Vec<String>],
    widths: &[f64],
    landscape: bool,
) -> Result<(), XlsxError> {
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let plain = Format::new();
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let last_col = widths.len().saturating_sub(1) as u16;
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.merge_range(
        0,
        0,
        0,
        last_col,
        rows.first()
            .and_then(|r| r.first())
            .map_or("", String::as_str),
        &title,
    )?;
    for (r, row) in rows.iter().enumerate().skip(1) {
        let format = match r {
            1 => &plain,
            2 => &head,
            _ => &cell,
        };
        for col in 0..=last_col {
            let text = row.get(col as usize).map_or("", String::as_str);
            if r == 1 && col > 0 {
                continue;
            }
            sheet.write_string_with_format(r as u32, col, text, format)?;
        }
    }
    sheet.set_paper_size(9);
    if landscape {
        sheet.set_landscape();
    }
    sheet.set_repeat_rows(2, 2)?;
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The 样表 in `path` (.xlsx, or .csv in `encoding`).
pub fn write_stats(path: &Path, office: &str, rows: &[StatsRow], encoding: Encoding) -> Result<()> {
    let table = table_rows(office, rows);
    if !is_xlsx(path) {
        return atomic_write(path, &csv_bytes(&table, encoding)?);
    }
    let mut book = Workbook::new();
    let sheet = book
        .add_worksheet()
        .set_name("统计表")
        .map_err(xlsx_error(path))?;
    write_sheet(
        sheet,
        &table,
        &[6.0, 30.0, 36.0, 20.0, 8.0, 20.0, 24.0, 20.0],
        true,
    )
    .map_err(xlsx_error(path))?;
    let bytes = book.save_to_buffer().map_err(xlsx_error(path))?;
    atomic_write(path, &bytes)
}

/// Any titled table (title, a line under it, the header, the rows) as .xlsx or .csv.
pub fn write_table(path: &Path, rows: &[Vec<String>], encoding: Encoding) -> Result<()> {
    if !is_xlsx(path) {
        return atomic_write(path, &csv_bytes(rows, encoding)?);
    }
    let columns = rows.get(2).map_or(1, Vec::len);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    write_sheet(sheet, rows, &vec![16.0; columns], true).map_err(xlsx_error(path))?;
    let bytes = book.save_to_buffer().map_err(xlsx_error(path))?;
    atomic_write(path, &bytes)
}

/// The sign-in sheet of a session, in the enrolment list's order (序号 is what `checkin --numbers`
/// reads back).
pub fn write_signin(store: &Store, session: &Session, path: &Path) -> Result<usize> {
    let list = store.enrolment_list(&session.id)?;
    // The version this sheet will be once written: its number is on the paper, so the rows
    // ticked on it are read against it later, whoever enrols meanwhile.
    let version = store
        .printed_sheet(&session.id, None)?
        .map_or(1, |s| s.version + 1);
    let mut rows = vec![
        vec![tf(
            "cli.report.signin_title",
            &[("title", &session.title), ("version", &version)],
        )],
        vec![tf(
            "cli.report.signin_line",
            &[
                ("date", &session.date),
                (
                    "time",
                    &format!(
                        "{}-{}",
                        session.start.format("%H:%M"),
                        session.end.format("%H:%M")
                    ),
                ),
                ("venue", &session.venue),
                ("host", &unit_name(&session.host)),
            ],
        )],
        [
            "序号",
            "姓名",
            "单位",
            "职务",
            "联系电话",
            "参会码",
            "签到",
            "签名",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ];
    for (i, (person, enterprise)) in list.iter().enumerate() {
        rows.push(vec![
            (i + 1).to_string(),
            person.name.clone(),
            enterprise
                .as_ref()
                .map(|e| e.name.clone())
                .unwrap_or_default(),
            person.position.clone(),
            mask_phone(&person.phone),
            person.code.clone(),
            "□".to_string(),
            String::new(),
        ]);
    }
    let mut book = Workbook::new();
    let sheet = book
        .add_worksheet()
        .set_name("签到表")
        .map_err(xlsx_error(path))?;
    write_sheet(
        sheet,
        &rows,
        &[5.0, 10.0, 30.0, 12.0, 13.0, 9.0, 5.0, 14.0],
        false,
    )
    .map_err(xlsx_error(path))?;
    let bytes = book.save_to_buffer().map_err(xlsx_error(path))?;
    atomic_write(path, &bytes)?;
    store.record_printed(&session.id, list.into_iter().map(|(p, _)| p.id).collect())?;
    Ok(version as usize)
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
