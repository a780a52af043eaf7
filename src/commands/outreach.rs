//! `peixun outreach`, `peixun need`, `peixun publicity` and `peixun report calls`: the work
//! down to the enterprises.

use color_eyre::eyre::{Report, Result};

use super::list_spool::{print_rows, ListSpool};
use super::report::{deliver_long, refuse_bad_output};
use super::{
    headers, json_element, open_store, print_json, print_json_elements, print_table, today,
    user_error, JsonList,
};
use crate::app::call_list;
use crate::app::outreach::{self, CallFilter};
use crate::app::{needs, publicity};
use crate::cli::Cli;
use crate::cli_outreach::{
    CallFilterArgs, CallsArgs, NeedCommand, OutreachCommand, PublicityCommand,
};
use crate::domain::outreach::{OutreachRow, OutreachStatus};
use crate::domain::text::mask_phone;
use crate::domain::Person;
use crate::i18n::{t, tf};
use crate::sheets::calls::{outreach_text, trained_text};
use crate::store::Store;

fn filter(args: &CallFilterArgs) -> CallFilter {
    CallFilter {
        category: args.category,
        untrained: args.untrained,
    }
}

/// The day given, else the store's today.
fn on_or_today(
    cli: &Cli,
    store: &Store,
    on: Option<chrono::NaiveDate>,
) -> Result<chrono::NaiveDate> {
    match on {
        Some(day) => Ok(day),
        None => today(cli, store),
    }
}

pub fn run_outreach(cli: &Cli, command: &OutreachCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        OutreachCommand::Set {
            enterprise,
            status,
            on,
            note,
        } => {
            let Some(status) = OutreachStatus::parse(status) else {
                let choices: Vec<String> = OutreachStatus::ALL
                    .iter()
                    .map(|s| {
                        tf(
                            "cli.outreach.choice",
                            &[("key", &s.key()), ("label", &s.label())],
                        )
                    })
                    .collect();
                return Err(user_error(tf(
                    "cli.outreach.bad_status",
                    &[
                        ("value", &status.trim()),
                        ("choices", &choices.join(&t("cli.list_sep"))),
                    ],
                )));
            };
            let on = on_or_today(cli, &store, *on)?;
            let today = today(cli, &store)?;
            let (e, outreach, written) =
                outreach::record(&store, enterprise, status, on, today, note)?;
            let key = if written {
                "cli.outreach.recorded"
            } else {
                "cli.outreach.unchanged"
            };
            crate::outln!(
                "{}",
                tf(
                    key,
                    &[
                        ("name", &e.name),
                        ("status", &outreach.status.label()),
                        ("on", &outreach.on)
                    ]
                )
            );
        }
        OutreachCommand::List { filter: args, json } => {
            if *json {
                return list_json(&store, filter(args));
            }
            // The table counts each enterprise's people; their records are not kept. Each row
            // goes to a scratch file as it is read, and only its name stays, for the repeated
            // ones: at ten times the province the rows held as cells, then as lines, took
            // 32 MB.
            let mut rows = ListSpool::new(store.dir())?;
            let mut names = outreach::Names::default();
            let mut count = 0;
            let mut tally = outreach::Tally::default();
            outreach::each_row(
                &store,
                filter(args),
                |_| (),
                |row| {
                    tally.count(row.outreach.as_ref());
                    names.push(&row.enterprise.name);
                    let cells = vec![
                        row.unit_name,
                        row.enterprise.name,
                        row.enterprise.categories.label(),
                        trained_text(row.trained),
                        outreach_text(row.outreach.as_ref()),
                        row.people.len().to_string(),
                    ];
                    rows.push_by(&[], &postcard::to_allocvec(&cells).map_err(Report::new)?)?;
                    count += 1;
                    Ok(())
                },
            )?;
            let mut columns = headers(&["unit", "enterprise", "category"]);
            columns.extend([
                t("cli.outreach.col_trained"),
                t("cli.outreach.col_status"),
                t("cli.outreach.col_people"),
            ]);
            // No key: the rows stay in the order read.
            print_rows(&columns, &rows.sorted()?)?;
            let counts: Vec<String> = OutreachStatus::ALL
                .iter()
                .map(|s| format!("{} {}", s.label(), tally.by.get(s.key()).unwrap_or(&0)))
                .collect();
            let mut summary = tf(
                "cli.outreach.summary",
                &[
                    ("count", &count),
                    ("counts", &counts.join(&t("cli.list_sep"))),
                    ("none", &tally.none),
                ],
            );
            let repeated = names.repeated();
            if repeated > 0 {
                summary.push_str(&tf("cli.outreach.repeated", &[("count", &repeated)]));
            }
            crate::outln!("{summary}");
        }
    }
    Ok(())
}

/// `outreach list --json`, printed as each row is read. Phones leave the program only through
/// `report calls`, which is logged. Each person is held encoded while everyone is read and
/// decoded as their row is printed: at ten times the province the rows held whole took 401 MB,
/// the people as records 347 MB, encoded 226 MB. An error stops the list where it is, as
/// `print_json_each` does.
fn list_json(store: &Store, filter: CallFilter) -> Result<()> {
    let mut list = JsonList::start(std::io::BufWriter::new(crate::out::stdout()))?;
    let keep = |mut p: Person| {
        p.phone = mask_phone(&p.phone);
        encoded(p)
    };
    outreach::each_row(store, filter, keep, |row| Ok(list.push(&decoded(row)?)?))?;
    list.finish()
}

type Encoded = std::result::Result<Box<[u8]>, postcard::Error>;

/// A person as each row keeps them while everyone is read.
fn encoded(person: Person) -> Encoded {
    postcard::to_allocvec(&person).map(Vec::into_boxed_slice)
}

/// A row with its people as records again, as it is printed.
fn decoded(row: OutreachRow<Encoded>) -> Result<OutreachRow> {
    let mut people = Vec::with_capacity(row.people.len());
    for encoded in row.people {
        let encoded = encoded.map_err(Report::new)?;
        people.push(postcard::from_bytes::<Person>(&encoded).map_err(Report::new)?);
    }
    Ok(OutreachRow {
        enterprise: row.enterprise,
        unit_name: row.unit_name,
        trained: row.trained,
        people,
        outreach: row.outreach,
    })
}

/// `report calls`: the list is gathered in a scratch file and its taking recorded once it is
/// ready to be read: when its file is whole beside its place, or before it is printed. Everyone's
/// list at ten times the province is 400,000 rows, so it is never held.
pub fn report_calls(cli: &Cli, store: &Store, args: &CallsArgs) -> Result<()> {
    refuse_bad_output(args.output.as_deref())?;
    let chosen = filter(&args.filter);
    let count = if args.json {
        let mut kept = ListSpool::new(store.dir())?;
        let taken = outreach::read_calls(store, chosen, encoded, |row| {
            Ok(kept.push_by(&[], &json_element(&decoded(row)?)?)?)
        })?;
        let count = taken.count();
        let kept = kept.sorted()?;
        taken.record(store)?;
        print_json_elements(kept.each())?;
        count
    } else {
        let (doc, taken) = call_list::take(store, chosen, today(cli, store)?)?;
        let count = taken.count();
        deliver_long(&doc, args.output.as_deref(), args.encoding, || {
            Ok(taken.record(store)?)
        })?;
        count
    };
    crate::errln!(
        "{}",
        tf(
            "cli.outreach.logged",
            &[("count", &count), ("actor", &store.actor())]
        )
    );
    Ok(())
}

pub fn run_need(cli: &Cli, command: &NeedCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        NeedCommand::Add {
            enterprise,
            service,
            on,
            note,
        } => {
            let on = on_or_today(cli, &store, *on)?;
            let today = today(cli, &store)?;
            let need = needs::add(&store, enterprise, service, on, today, note)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.need.added",
                    &[
                        ("id", &need.id),
                        ("service", &needs::service_title(need.service))
                    ]
                )
            );
        }
        NeedCommand::Answer {
            id,
            on,
            note,
            replace,
        } => {
            let on = on_or_today(cli, &store, *on)?;
            let today = today(cli, &store)?;
            let earlier = needs::answered_on(&store, id)?;
            let row = needs::answer(&store, id, on, today, note, *replace)?;
            crate::outln!("{}", needs::answered_message(&row, earlier));
        }
        NeedCommand::List { open, json } => {
            let rows = needs::list(&store, *open)?;
            if *json {
                return print_json(&rows);
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.need.id.clone(),
                        r.unit_name.clone(),
                        r.enterprise_name.clone(),
                        format!("{} {}", r.need.service, r.service),
                        r.need.asked.to_string(),
                        r.answer
                            .as_ref()
                            .map_or_else(|| t("cli.need.open"), |a| format!("{} {}", a.on, a.note)),
                    ]
                })
                .collect();
            let columns = vec![
                t("cli.col.id"),
                t("cli.col.unit"),
                t("cli.col.enterprise"),
                t("cli.need.col_service"),
                t("cli.need.col_asked"),
                t("cli.need.col_answer"),
            ];
            print_table(&columns, &cells);
        }
    }
    Ok(())
}

pub fn run_publicity(cli: &Cli, command: &PublicityCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        PublicityCommand::Add {
            title,
            outlet,
            on,
            session,
            link,
            file,
        } => {
            let on = on_or_today(cli, &store, *on)?;
            let input = publicity::PublicityInput {
                title,
                outlet,
                on,
                session: session.as_deref(),
                link,
                file: file.as_deref(),
            };
            let item = publicity::add(&store, &input, super::now(cli, &store)?)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.publicity.added",
                    &[("id", &item.id), ("title", &item.title)]
                )
            );
        }
        PublicityCommand::List { json } => {
            let rows = publicity::list(&store)?;
            if *json {
                return print_json(&rows);
            }
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.item.on.to_string(),
                        r.unit_name.clone(),
                        r.item.outlet.clone(),
                        r.item.title.clone(),
                        r.session_title.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let columns = vec![
                t("cli.publicity.col_on"),
                t("cli.col.unit"),
                t("cli.publicity.col_outlet"),
                t("cli.publicity.col_title"),
                t("cli.publicity.col_session"),
            ];
            print_table(&columns, &cells);
        }
    }
    Ok(())
}
