//! `peixun contact` and `peixun contacts`: each unit's 联系人, and the list an office calls down.

use chrono::NaiveDate;
use color_eyre::eyre::Result;

use super::{headers, open_store, print_json, print_table, today};
use crate::app::contacts;
use crate::cli::Cli;
use crate::i18n::{t, tf};

pub fn set(
    cli: &Cli,
    (name, phone, position): (&str, &str, Option<&str>),
    since: Option<NaiveDate>,
    office_phone: Option<&str>,
) -> Result<()> {
    let store = open_store(cli)?;
    let today = today(cli, &store)?;
    // A phone corrected on the command line does not clear the post.
    let position = match position {
        Some(position) => position.to_string(),
        None => contacts::current(&store, store.office())?
            .filter(|held| crate::text::same_name(name, &held.name))
            .map(|held| held.position)
            .unwrap_or_default(),
    };
    let named = contacts::name(&store, name, phone, &position, (since, today), office_phone)?;
    for line in named.lines() {
        crate::outln!("{line}");
    }
    Ok(())
}

pub fn list(cli: &Cli, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let rows = contacts::list(&store)?;
    if json {
        return print_json(&rows);
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| match &row.contact {
            Some(c) => vec![
                row.unit_name.clone(),
                c.name.clone(),
                c.phone.clone(),
                row.office_phone.clone().unwrap_or_default(),
                c.position.clone(),
                c.since.to_string(),
            ],
            None => vec![
                row.unit_name.clone(),
                t("cli.contact.none"),
                String::new(),
                row.office_phone.clone().unwrap_or_default(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    print_table(
        &headers(&[
            "unit",
            "contact",
            "phone",
            "office_phone",
            "position",
            "since",
        ]),
        &cells,
    );
    let named = rows.iter().filter(|r| r.contact.is_some()).count();
    crate::outln!(
        "{}",
        tf(
            "cli.contact.summary",
            &[("named", &named), ("units", &rows.len())]
        )
    );
    Ok(())
}

pub fn history(cli: &Cli, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let changes = contacts::history(&store)?;
    if json {
        return print_json(&changes);
    }
    let cells: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                c.unit_name.clone(),
                c.contact.name.clone(),
                c.contact.phone.clone(),
                c.contact.position.clone(),
                c.contact.since.to_string(),
                c.actor.clone(),
                c.written_at
                    .map(|at| {
                        at.with_timezone(&chrono::Local)
                            .format("%Y-%m-%d %H:%M")
                            .to_string()
                    })
                    .unwrap_or_default(),
            ]
        })
        .collect();
    print_table(
        &headers(&[
            "unit", "contact", "phone", "position", "since", "actor", "written",
        ]),
        &cells,
    );
    crate::outln!(
        "{}",
        tf("cli.contact.history_summary", &[("count", &changes.len())])
    );
    Ok(())
}
