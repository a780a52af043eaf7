//! `peixun people|person|enterprises|enterprise`.

use color_eyre::eyre::Result;

use super::list_spool::{print_rows, ListSpool};
use super::{
    headers, json_element, open_store, print_json, print_json_elements, print_table, unit_name,
    user_error,
};
use crate::cli::{Cli, EnterpriseCommand, PersonCommand};
use crate::domain::input::{self, FieldError, FieldErrors};
use crate::domain::known_enterprises::{KnownEnterprises, Match};
use crate::domain::text::mask_phone;
use crate::domain::Categories;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::store::lists;
use crate::store::Store;

pub fn people(cli: &Cli, session: Option<&str>, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let Some(id) = session else {
        return if json {
            people_json(&store)
        } else {
            people_table(&store)
        };
    };
    if store.session(id)?.is_none() {
        return Err(user_error(tf("cli.session.not_found", &[("id", &id)])));
    }
    let rows = lists::enrolment_list(&store, id)?;
    if json {
        let people: Vec<_> = rows.iter().map(|(p, _)| p).collect();
        return print_json(&people);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|(p, e)| person_row(p, e.as_ref().map(|e| e.name.as_str())))
        .collect();
    print_table(&people_headers(), &table);
    Ok(())
}

fn people_headers() -> Vec<String> {
    headers(&["id", "name", "enterprise", "position", "phone"])
}

fn person_row(p: &crate::domain::Person, enterprise: Option<&str>) -> Vec<String> {
    vec![
        p.id.clone(),
        p.name.clone(),
        enterprise.unwrap_or_default().to_string(),
        p.position.clone(),
        mask_phone(&p.phone),
    ]
}

/// Everyone, by name, as a table: each row is gathered by name in a scratch file, not held.
fn people_table(store: &Store) -> Result<()> {
    let mut by_name = ListSpool::new(store.dir())?;
    for person in store.people_each() {
        let person = person?;
        let enterprise = match &person.enterprise {
            Some(e) => store.enterprise(e)?.map(|e| e.name),
            None => None,
        };
        let row = person_row(&person, enterprise.as_deref());
        by_name.push(&person.name, &postcard::to_allocvec(&row)?)?;
    }
    print_rows(&people_headers(), &by_name.sorted()?)
}

/// An enterprise by id, or by exact name when one enterprise has it.
fn find_enterprise(store: &Store, raw: &str) -> Result<String> {
    if store.enterprise(raw)?.is_some() {
        return Ok(raw.to_string());
    }
    // Names are kept folded (（ as (): the name typed is read the same way.
    let folded = crate::domain::text::clean(raw).unwrap_or_default();
    let matches: Vec<_> = store
        .enterprises()?
        .into_iter()
        .filter(|e| e.name == folded)
        .collect();
    match matches.as_slice() {
        [one] => Ok(one.id.clone()),
        _ => Err(user_error(tf(
            "cli.enterprise.not_found",
            &[("value", &raw)],
        ))),
    }
}

pub fn person(cli: &Cli, command: &PersonCommand) -> Result<()> {
    let store = open_store(cli)?;
    let PersonCommand::Add {
        name,
        phone,
        position,
        enterprise,
    } = command;
    // Every bad field at once: the enterprise lookup's complaint joins the form's.
    let mut errors = Vec::new();
    let enterprise = match enterprise
        .as_deref()
        .map(|raw| find_enterprise(&store, raw))
    {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(e)) => {
            errors.push(FieldError {
                field: "enterprise",
                message: e.to_string(),
            });
            None
        }
    };
    let person = match input::person(
        store.new_id('P')?,
        store.office().to_string(),
        name,
        phone,
        position,
        enterprise,
    ) {
        Ok(person) if errors.is_empty() => person,
        Ok(_) => return Err(FieldErrors(errors).into()),
        Err(FieldErrors(mut more)) => {
            more.extend(errors);
            return Err(FieldErrors(more).into());
        }
    };
    // A phone is who someone is at the door and in every sheet: a second person with it would
    // never be found by it. Checked and written in one step with the doors' walk-ins.
    let _one_at_a_time = crate::app::one_list_change_at_a_time();
    if let Some(known) = crate::search::lookup::by_phone(&store, &person.phone)? {
        let message = tf(
            "cli.person.phone_taken",
            &[
                ("phone", &person.phone),
                ("known", &known.name),
                ("id", &known.id),
            ],
        );
        return Err(FieldErrors(vec![FieldError {
            field: "phone",
            message,
        }])
        .into());
    }
    let id = person.id.clone();
    store.commit(vec![Payload::PersonUpserted(person)])?;
    crate::outln!("{id}");
    Ok(())
}

/// Every enterprise by name, as a table or JSON, gathered by name in a scratch file.
pub fn enterprises(cli: &Cli, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let mut by_name = ListSpool::new(store.dir())?;
    for enterprise in store.enterprises_each() {
        let e = enterprise?;
        let output = if json {
            json_element(&e)?
        } else {
            postcard::to_allocvec(&vec![
                e.id.clone(),
                e.name.clone(),
                e.credit_code.clone().unwrap_or_default(),
                e.categories.label(),
                unit_name(&e.unit),
            ])?
        };
        by_name.push(&e.name, &output)?;
    }
    let sorted = by_name.sorted()?;
    if json {
        return print_json_elements(sorted.each());
    }
    print_rows(
        &headers(&["id", "enterprise", "credit_code", "category", "unit"]),
        &sorted,
    )
}

pub fn enterprise(cli: &Cli, command: &EnterpriseCommand) -> Result<()> {
    let store = open_store(cli)?;
    let EnterpriseCommand::Add {
        name,
        credit_code,
        categories,
        unit,
    } = command;
    let unit = unit.clone().unwrap_or_else(|| store.office().to_string());
    let enterprise = input::enterprise(
        store.new_id('E')?,
        store.office().to_string(),
        name,
        credit_code.as_deref(),
        Categories::of(categories.iter().copied()),
        &unit,
    )
    .map_err(|e| user_error(e.to_string()))?;
    let _turn = store.import_turn(|| crate::errln!("{}", t("cli.sheets.waiting_for_import")));
    let known = KnownEnterprises::of(crate::sheets::known::stored(&store)?);
    match known.resolve(&enterprise.name, enterprise.credit_code.as_deref()) {
        Match::New => {}
        Match::Conflict(message) => return Err(user_error(message)),
        Match::Known(e, _) => {
            return Err(user_error(tf(
                "cli.enterprise.exists",
                &[("id", &e.id), ("name", &e.name)],
            )))
        }
    }
    let id = enterprise.id.clone();
    store.commit(vec![Payload::EnterpriseUpserted(enterprise)])?;
    crate::outln!("{id}");
    Ok(())
}

/// Everyone as JSON, by name: the enterprises are not read (the JSON names them by id).
fn people_json(store: &Store) -> Result<()> {
    let mut by_name = ListSpool::new(store.dir())?;
    for person in store.people_each() {
        let person = person?;
        by_name.push(&person.name, &serde_json::to_vec(&person)?)?;
    }
    print_json_elements(by_name.sorted()?.each())
}
