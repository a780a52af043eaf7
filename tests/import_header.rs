//! The shared importer's header finder and column mapper, for every sheet kind: any grid is
//! answered without a panic, and a header in any of the first 20 rows, with its columns in any
//! order under any of their names as offices write them, is found with every column in place.

use proptest::prelude::*;

use peixun::sheets::import::header::{find, map_columns, SEARCHED_ROWS};
use peixun::sheets::import::{Column, Need, Schema};

const SCHEMAS: [&Schema; 4] = [
    &peixun::sheets::people::SCHEMA,
    &peixun::sheets::enterprises::SCHEMA,
    &peixun::sheets::watch_log::SCHEMA,
    &peixun::sheets::results::SCHEMA,
];

/// Text that names no column: titles, notes, data.
fn unknown() -> impl Strategy<Value = String> {
    "\\PC{1,8}".prop_filter("names no column", |c| {
        !c.trim().is_empty() && Column::of(c).is_none()
    })
}

/// An alias as someone typed it: full-width, upper case, a required mark, a colon, brackets,
/// spaces around.
fn written(alias: &str, how: u8) -> String {
    let mut text: String = alias
        .chars()
        .map(|c| match how % 3 {
            1 if c.is_ascii_alphabetic() => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            2 => c.to_ascii_uppercase(),
            _ => c,
        })
        .collect();
    if how & 4 != 0 {
        text = format!("＊{text}");
    }
    if how & 8 != 0 {
        text.push('：');
    }
    if how & 16 != 0 {
        text = format!("({text})");
    }
    if how & 32 != 0 {
        text = format!(" \u{3000}{text} ");
    }
    text
}

/// A cell of an arbitrary grid: often a column's name, else anything.
fn any_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        (
            0..Column::ALL.len(),
            any::<prop::sample::Index>(),
            any::<u8>()
        )
            .prop_map(|(c, i, how)| {
                let aliases = Column::ALL[c].aliases();
                written(aliases[i.index(aliases.len())], how)
            }),
        "\\PC{0,8}",
        "\\PC{0,8}",
    ]
}

/// A header of `schema` to place: (column, its cell) for the columns it names, with every key,
/// every required column, one sign at least, and any others; then unknown cells.
fn header_cells(schema: &'static Schema) -> impl Strategy<Value = Vec<(Option<Column>, String)>> {
    let choices: Vec<_> = schema
        .columns
        .iter()
        .map(|(column, need)| {
            let must = matches!(need, Need::Key | Need::Required(_));
            (
                Just(*column),
                any::<prop::sample::Index>(),
                any::<u8>(),
                any::<bool>().prop_map(move |b| b || must),
            )
        })
        .collect();
    (
        choices,
        any::<prop::sample::Index>(),
        prop::collection::vec(unknown(), 0..4),
    )
        .prop_map(move |(picked, sign, unknowns)| {
            let signs: Vec<Column> = schema.signs().collect();
            let forced = (!signs.is_empty()).then(|| signs[sign.index(signs.len())]);
            let mut cells: Vec<(Option<Column>, String)> = picked
                .into_iter()
                .filter(|(column, _, _, wanted)| *wanted || Some(*column) == forced)
                .map(|(column, alias, how, _)| {
                    let aliases = column.aliases();
                    (
                        Some(column),
                        written(aliases[alias.index(aliases.len())], how),
                    )
                })
                .collect();
            cells.extend(unknowns.into_iter().map(|u| (None, u)));
            cells
        })
        .prop_shuffle()
}

fn numbered(rows: Vec<Vec<String>>) -> Vec<(usize, Vec<String>)> {
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_grid_is_answered_and_a_found_header_is_whole(
        rows in prop::collection::vec(prop::collection::vec(any_cell(), 0..9), 0..30),
        kind in 0..SCHEMAS.len(),
    ) {
        let schema = SCHEMAS[kind];
        let rows = numbered(rows);
        for (i, (_, cells)) in rows.iter().enumerate() {
            let header = map_columns(i, cells, schema);
            let said = cells.iter().filter(|c| !c.trim().is_empty()).count();
            prop_assert_eq!(header.columns.len() + header.ignored.len(), said);
            for (index, column, text) in &header.columns {
                prop_assert!(schema.reads(*column));
                prop_assert_eq!(Column::of(&cells[*index]), Some(*column));
                prop_assert_eq!(text, cells[*index].trim());
                prop_assert_eq!(header.index(*column), Some(*index), "a column once");
            }
        }
        if let Some(header) = find(&rows, schema) {
            prop_assert!(header.row < SEARCHED_ROWS.min(rows.len()));
            prop_assert_eq!(&header, &map_columns(header.row, &rows[header.row].1, schema));
            prop_assert!(schema.keys().all(|c| header.has(c)));
            let mut signs = schema.signs().peekable();
            prop_assert!(signs.peek().is_none() || signs.any(|c| header.has(c)));
        }
    }

    #[test]
    fn a_header_anywhere_in_the_first_rows_is_found_in_any_order(
        (kind, cells) in (0..SCHEMAS.len()).prop_flat_map(|k| (Just(k), header_cells(SCHEMAS[k]))),
        at in 0..SEARCHED_ROWS,
        above in prop::collection::vec(prop::collection::vec(unknown(), 0..6), SEARCHED_ROWS),
        below in prop::collection::vec(prop::collection::vec(any_cell(), 0..8), 0..5),
    ) {
        let mut rows: Vec<Vec<String>> = above.into_iter().take(at).collect();
        rows.push(cells.iter().map(|(_, text)| text.clone()).collect());
        rows.extend(below);
        let rows = numbered(rows);
        let header = find(&rows, SCHEMAS[kind]);
        prop_assert!(header.is_some(), "{:?}", rows);
        let Some(header) = header else { return Ok(()) };
        prop_assert_eq!(header.row, at);
        for (i, (column, _)) in cells.iter().enumerate() {
            if let Some(column) = column {
                prop_assert_eq!(header.index(*column), Some(i));
            }
        }
        let unknowns: Vec<String> = cells
            .iter()
            .filter(|(c, _)| c.is_none())
            .map(|(_, text)| text.trim().to_string())
            .collect();
        prop_assert_eq!(header.ignored, unknowns);
    }
}
