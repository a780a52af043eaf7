//! `peixun award nominate|select|list`: the 评选 of 方案 二（五）2.

use color_eyre::eyre::Result;

use super::{open_store, print_json, print_table, unit_name};
use crate::app::awards::{self, Chosen, NominationInput};
use crate::cli::{AwardCommand, Cli};
use crate::i18n::{t, tf};
use crate::sheets::bulletin_doc::result;

pub fn run(cli: &Cli, command: &AwardCommand) -> Result<()> {
    let store = open_store(cli)?;
    match command {
        AwardCommand::Nominate {
            kind,
            name,
            person,
            session,
            course,
            unit,
            reason,
        } => {
            let input = NominationInput {
                name: name.clone(),
                person: person.clone(),
                session: session.clone(),
                course: course.clone(),
                unit: unit.clone(),
                reason: reason.clone(),
            };
            let n = awards::nominate(&store, *kind, &input)?;
            crate::outln!(
                "{}",
                tf(
                    "cli.award.nominated",
                    &[
                        ("kind", &n.kind.label()),
                        ("name", &n.name),
                        ("unit", &unit_name(&n.unit)),
                        ("id", &n.id),
                    ]
                )
            );
            Ok(())
        }
        AwardCommand::Select { id, note, undo } => {
            let key = match awards::select(&store, id, !undo, note)? {
                Chosen::Changed(_) if *undo => "cli.award.withdrawn",
                Chosen::Changed(_) => "cli.award.selected",
                Chosen::Unchanged(_) => "cli.award.unchanged",
            };
            crate::outln!("{}", tf(key, &[("id", id)]));
            Ok(())
        }
        AwardCommand::List { json } => {
            let list = awards::list(&store)?;
            if *json {
                return print_json(&list);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    let n = &a.nomination;
                    vec![
                        n.id.clone(),
                        n.kind.label(),
                        n.name.clone(),
                        unit_name(&n.unit),
                        unit_name(&n.office),
                        n.reason.clone(),
                        result(a),
                    ]
                })
                .collect();
            let headers: Vec<String> = [
                "cli.col.id",
                "cli.award.col_kind",
                "cli.award.col_name",
                "cli.col.unit",
                "cli.award.col_by",
                "cli.award.col_reason",
                "cli.award.col_result",
            ]
            .iter()
            .map(|k| t(k))
            .collect();
            print_table(&headers, &rows);
            let chosen = list.iter().filter(|a| a.selected()).count();
            crate::outln!(
                "{}",
                tf(
                    "cli.award.summary",
                    &[("count", &list.len()), ("selected", &chosen)]
                )
            );
            Ok(())
        }
    }
}
