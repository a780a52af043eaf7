//! `peixun people|person|enterprises|enterprise`.

use color_eyre::eyre::{Result, WrapErr};

use super::{headers, open_store, print_json, print_table, unit_name, user_error};
use crate::cli::{Cli, EnterpriseCommand, PersonCommand};
use crate::domain::input::{self, FieldError, FieldErrors};
use crate::domain::known_enterprises::{KnownEnterprises, Match};
use crate::domain::text::mask_phone;
use crate::domain::Categories;
use crate::i18n::tf;
use crate::log::Payload;
use crate::search::pinyin::sort_key;
use crate::store::lists;
use crate::store::Store;

pub fn people(cli: &Cli, session: Option<&str>, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    if json && session.is_none() {
        return people_json(&store);
    }
    let rows: Vec<(crate::domain::Person, Option<crate::domain::Enterprise>)> = match session {
        Some(id) => {
            if store.session(id)?.is_none() {
                return Err(user_error(tf("cli.session.not_found", &[("id", &id)])));
            }
            lists::enrolment_list(&store, id)?
        }
        None => {
            let mut rows = Vec::new();
            for person in store.people()? {
                let enterprise = match &person.enterprise {
                    Some(e) => store.enterprise(e)?,
                    None => None,
                };
                rows.push((person, enterprise));
            }
            rows.sort_by_cached_key(|(p, _)| sort_key(&p.name));
            rows
        }
    };
    if json {
        let people: Vec<_> = rows.iter().map(|(p, _)| p).collect();
        return print_json(&people);
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|(p, e)| {
            vec![
                p.id.clone(),
                p.name.clone(),
                e.as_ref().map(|e| e.name.clone()).unwrap_or_default(),
                p.position.clone(),
                mask_phone(&p.phone),
            ]
        })
        .collect();
    print_table(
        &headers(&["id", "name", "enterprise", "position", "phone"]),
        &table,
    );
    Ok(())
}

/// An enterprise by id, or by exact name when one enterprise has it.
fn find_enterprise(store: &Store, raw: &str) -> Result<String> {
    if store.enterprise(raw)?.is_some() {
        return Ok(raw.to_string());
    }
    let matches: Vec<_> = store
        .enterprises()?
        .into_iter()
        .filter(|e| e.name == raw.trim())
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
    let id = person.id.clone();
    store.commit(vec![Payload::PersonUpserted(person)])?;
    crate::outln!("{id}");
    Ok(())
}

pub fn enterprises(cli: &Cli, json: bool) -> Result<()> {
    let store = open_store(cli)?;
    let mut enterprises = store.enterprises()?;
    enterprises.sort_by_cached_key(|e| sort_key(&e.name));
    if json {
        return print_json(&enterprises);
    }
    let rows: Vec<Vec<String>> = enterprises
        .iter()
        .map(|e| {
            vec![
                e.id.clone(),
                e.name.clone(),
                e.credit_code.clone().unwrap_or_default(),
                e.categories.label(),
                unit_name(&e.unit),
            ]
        })
        .collect();
    print_table(
        &headers(&["id", "enterprise", "credit_code", "category", "unit"]),
        &rows,
    );
    Ok(())
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
    let known = KnownEnterprises::new(store.enterprises()?);
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

/// A person's place in `people --json`: their name's sort key (reading, then name) in one
/// allocation, and where the JSON written for them lies in the scratch file.
struct JsonPlace {
    key: Box<[u8]>,
    reading_len: usize,
    at: u64,
    len: usize,
}

impl JsonPlace {
    fn key(&self) -> (&[u8], &[u8]) {
        self.key.split_at(self.reading_len)
    }
}

/// Everyone as JSON, by name: the enterprises are not read (the JSON names them by id). Each
/// person's JSON goes to an unnamed scratch file in the store's folder as they are read, and
/// only their sort keys stay in memory: at ten times the province the records were 161 MB, and
/// their JSON held for the sort 280 MB at the peak (reading each person again from the store
/// after the sort took 2.5 times as long).
fn people_json(store: &crate::store::Store) -> Result<()> {
    use std::io::Write;
    let scratch_failed = || {
        tf(
            "cli.store.scratch_failed",
            &[("dir", &store.dir().display())],
        )
    };
    let file = tempfile::tempfile_in(store.dir()).wrap_err_with(scratch_failed)?;
    let mut written = std::io::BufWriter::new(&file);
    let mut places = Vec::new();
    let mut at = 0u64;
    for person in store.people_each() {
        let person = person?;
        let json = serde_json::to_vec(&person)?;
        written.write_all(&json).wrap_err_with(scratch_failed)?;
        let (reading, name) = sort_key(&person.name);
        places.push(JsonPlace {
            reading_len: reading.len(),
            key: [reading.as_bytes(), name.as_bytes()]
                .concat()
                .into_boxed_slice(),
            at,
            len: json.len(),
        });
        at += json.len() as u64;
    }
    written.flush().wrap_err_with(scratch_failed)?;
    drop(written);
    // Ties stay in the store's order, by id.
    places.sort_by(|a, b| a.key().cmp(&b.key()));
    let mut out = std::io::BufWriter::new(crate::out::stdout());
    out.write_all(b"[")?;
    let mut json = Vec::new();
    for (i, place) in places.iter().enumerate() {
        json.resize(place.len, 0);
        crate::file_at::read_exact_at(&file, &mut json, place.at).wrap_err_with(scratch_failed)?;
        out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
        out.write_all(&json)?;
    }
    out.write_all(if places.is_empty() { b"]\n" } else { b"\n]\n" })?;
    out.flush()?;
    Ok(())
}
