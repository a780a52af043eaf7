//! What the certification commands print: the ranking, the list, a person's history, and the
//! roster of certified specialists (获证名单). Import previews are the shared importer's.

use std::collections::HashSet;

use color_eyre::eyre::Result;
use serde::Serialize;

use super::list_spool::{print_rows, ListSpool};
use super::{
    json_element, print_json, print_json_elements, print_table, unit_name, units_under, user_error,
};
use crate::cert::book::CertPerson;
use crate::cert::cells::show_score;
use crate::cert::evaluate::Ranked;
use crate::cert::{Rules, Stage};
use crate::cli_cert::CertifiedArgs;
use crate::domain::text::mask_phone;
use crate::i18n::{t, tf};
use crate::sheets::doc::{text_or_empty, Align, Cell, Column, Document, Row, Value};
use crate::sheets::output::write_document;
use crate::sheets::stamp::office_name;
use crate::store::Store;

fn cols(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| t(&format!("cert.col.{k}"))).collect()
}

fn stage_label(entry: &CertPerson) -> String {
    entry.status.stage().map_or_else(
        || t("cert.stage.none"),
        |s| t(&format!("cert.stage.{}", s.key())),
    )
}

#[derive(Serialize)]
struct RankRow<'a> {
    #[serde(flatten)]
    ranked: &'a Ranked,
    name: &'a str,
    unit: &'a str,
    enterprise: &'a str,
}

pub fn ranking(people: &[CertPerson], ranked: &[Ranked], json: bool) -> Result<()> {
    let by_id: std::collections::HashMap<&str, &CertPerson> =
        people.iter().map(|c| (c.person.id.as_str(), c)).collect();
    let find = |id: &str| by_id.get(id).copied();
    if json {
        let rows: Vec<RankRow> = ranked
            .iter()
            .filter_map(|r| {
                let c = find(&r.person)?;
                Some(RankRow {
                    ranked: r,
                    name: &c.person.name,
                    unit: &c.unit,
                    enterprise: &c.enterprise,
                })
            })
            .collect();
        return print_json(&rows);
    }
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .filter_map(|r| {
            let c = find(&r.person)?;
            Some(vec![
                unit_name(&r.city),
                r.evaluation.rank.to_string(),
                c.person.name.clone(),
                unit_name(&c.unit),
                c.facts.online_minutes.to_string(),
                c.facts
                    .questionnaire
                    .map_or_else(String::new, |q| t(if q { "cert.yes" } else { "cert.no" })),
                c.facts.test.map_or_else(String::new, show_score),
                show_score(r.evaluation.score),
                if r.evaluation.selected {
                    t("cert.selected")
                } else {
                    String::new()
                },
            ])
        })
        .collect();
    print_table(
        &cols(&[
            "city",
            "rank",
            "name",
            "unit",
            "minutes",
            "questionnaire",
            "test",
            "composite",
            "selected",
        ]),
        &rows,
    );
    let selected = ranked.iter().filter(|r| r.evaluation.selected).count();
    crate::outln!(
        "{}",
        tf(
            "cert.evaluate.summary",
            &[("people", &ranked.len()), ("selected", &selected)]
        )
    );
    Ok(())
}

pub fn list(
    store: &Store,
    rules: &Rules,
    stage: Option<Stage>,
    city: Option<&str>,
    json: bool,
) -> Result<()> {
    let city = city
        .map(|raw| crate::cert::city_asked(raw).map_err(user_error))
        .transpose()?;
    // Gathered in the book's order in a scratch file: everyone's entries at ten times the
    // province were 244 MB.
    let mut book = ListSpool::new(store.dir())?;
    let mut count = 0;
    store.each_cert_person(rules, |c| {
        if (c.status.stage().is_some() || c.facts != crate::cert::Facts::default())
            && stage.is_none_or(|s| c.status.stage() == Some(s))
            && city.as_ref().is_none_or(|city| *city == c.city)
        {
            let output = if json {
                json_element(&c)?
            } else {
                postcard::to_allocvec(&vec![
                    c.person.name.clone(),
                    mask_phone(&c.person.phone),
                    unit_name(&c.unit),
                    stage_label(&c),
                    t(&format!("cert.outcome.{}", c.status.outcome.key())),
                    c.status.certificate.clone().unwrap_or_default(),
                    c.status.points.to_string(),
                ])?
            };
            let (city, unit, person) = c.book_order();
            book.push_by(&[city, unit, person], &output)?;
            count += 1;
        }
        Ok(())
    })?;
    let book = book.sorted()?;
    if json {
        return print_json_elements(book.each());
    }
    print_rows(
        &cols(&[
            "name",
            "phone",
            "unit",
            "stage",
            "outcome",
            "certificate",
            "points",
        ]),
        &book,
    )?;
    crate::outln!("{}", tf("cert.list.count", &[("count", &count)]));
    Ok(())
}

/// A person's whole history, with session titles from the store.
pub fn history(store: &Store, rules: &Rules, c: &CertPerson) -> Result<String> {
    let titles = crate::cert::history::titles(store, c)?;
    Ok(crate::cert::history::lines(c, &titles, rules).join("\n") + "\n")
}

/// A score as a number, or the word for an absence.
fn mark_cell(score: Option<u16>) -> Cell {
    match score {
        Some(tenths) => Value::Tenths(tenths).into(),
        None => Cell::text(t("cert.absent")),
    }
}

/// The roster of certified specialists of an office and its units, by certificate number, as a
/// printable document made by `maker`. It is dated as of `today`, or of its newest certificate
/// when that is later (a demo's clock may stand before its certificates). Returns it and the
/// number of people on it.
pub fn certified_document(
    store: &Store,
    rules: &Rules,
    office: &str,
    maker: &str,
    today: chrono::NaiveDate,
) -> Result<(Document, usize)> {
    let units: HashSet<String> = units_under(office).into_iter().collect();
    let mut certified: Vec<CertPerson> = Vec::new();
    store.each_cert_person(rules, |c| {
        if c.status.certificate.is_some() && (units.contains(&c.unit) || office == c.unit) {
            certified.push(c);
        }
        Ok(())
    })?;
    certified.sort_by(|a, b| a.status.certificate.cmp(&b.status.certificate));
    let columns = [
        ("no", Align::Center),
        ("certificate", Align::Center),
        ("name", Align::Text),
        ("enterprise", Align::Text),
        ("unit", Align::Text),
        ("city", Align::Text),
        ("issued", Align::Center),
        ("exam", Align::Number),
        ("practical", Align::Number),
        ("made_up", Align::Center),
        ("points", Align::Number),
    ]
    .iter()
    .map(|(key, align)| Column::new(t(&format!("cert.col.{key}")), *align))
    .collect();
    let mut newest = today;
    let mut rows = Vec::new();
    for (i, c) in certified.iter().enumerate() {
        let attempt = c.status.makeup.as_ref().or(c.status.first.as_ref());
        let issued = c
            .facts
            .certificates
            .iter()
            .find(|(cert, _)| Some(&cert.number) == c.status.certificate.as_ref())
            .map(|(cert, _)| cert.date);
        if let Some(date) = issued {
            newest = newest.max(date);
        }
        rows.push(Row::Body(vec![
            Cell::int(i + 1),
            Cell::text(c.status.certificate.clone().unwrap_or_default()),
            Cell::text(c.person.name.clone()),
            text_or_empty(&c.enterprise).into(),
            Cell::text(unit_name(&c.unit)),
            Cell::text(unit_name(&c.city)),
            issued.map_or(Value::Empty, Value::Date).into(),
            attempt.map_or_else(|| Value::Empty.into(), |a| mark_cell(a.marks.exam)),
            attempt.map_or_else(|| Value::Empty.into(), |a| mark_cell(a.marks.practical)),
            Cell::text(t(if c.status.makeup.is_some() {
                "cert.yes"
            } else {
                "cert.no"
            })),
            Cell::int(c.status.points),
        ]));
    }
    let count = rows.len();
    let doc = Document {
        sheet: t("cli.report.sheet_certified"),
        title: tf("cert.report.title", &[("office", &unit_name(office))]),
        line: crate::sheets::doc::office_line(maker, newest),
        columns,
        rows,
        notes: Vec::new(),
        landscape: true,
        signing: false,
        maker: maker.to_string(),
        made: today,
    };
    Ok((doc, count))
}

pub fn report_certified(cli: &crate::cli::Cli, store: &Store, args: &CertifiedArgs) -> Result<()> {
    let rules = Rules::load()?;
    let office = match &args.office {
        Some(raw) => crate::domain::input::resolve_unit(raw).map_err(user_error)?,
        None => store.office().to_string(),
    };
    let today = super::today(cli, store)?;
    let maker = office_name(&office, store.office())?;
    let path = super::report::output_path(
        &args.output,
        &t("cli.report.sheet_certified"),
        &unit_name(&office),
        today,
    )?;
    let (doc, count) = certified_document(store, &rules, &office, &maker, today)?;
    let written = write_document(&path, &doc, args.encoding)?;
    crate::outln!(
        "{}",
        tf(
            "cert.report.done",
            &[("count", &count), ("file", &written.display())]
        )
    );
    Ok(())
}
