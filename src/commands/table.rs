//! Tables on the command line, padded by display width so Chinese columns line up in a
//! terminal. A long table is read twice rather than held: once for the columns' widths, once
//! to print.

use color_eyre::eyre::Result;
use unicode_width::UnicodeWidthStr;

/// The columns' widths, grown by each row measured.
struct Widths {
    widths: Vec<usize>,
    columns: usize,
}

impl Widths {
    fn new(headers: &[String]) -> Widths {
        Widths {
            widths: headers.iter().map(|h| h.width()).collect(),
            columns: headers.len(),
        }
    }

    /// A one-cell row under several headers is a line across the table (a block's heading) and
    /// widens nothing.
    fn measure(&mut self, row: &[String]) {
        if row.len() == 1 && self.columns > 1 {
            return;
        }
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = self.widths.get_mut(i) {
                *w = (*w).max(printable(cell).width());
            }
        }
    }

    fn line(&self, cells: &[String]) -> String {
        let padded: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let c = printable(c);
                let pad = self
                    .widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(c.width());
                format!("{c}{}", " ".repeat(pad))
            })
            .collect();
        padded.join("  ").trim_end().to_string()
    }
}

/// What the store or a file holds reaches the terminal as plain text, never as its controls.
fn printable(cell: &str) -> std::borrow::Cow<'_, str> {
    crate::domain::text::printable(cell)
}

pub fn print_table(headers: &[String], rows: &[Vec<String>]) {
    let mut widths = Widths::new(headers);
    for row in rows {
        widths.measure(row);
    }
    crate::outln!("{}", widths.line(headers));
    for row in rows {
        crate::outln!("{}", widths.line(row));
    }
}

/// As `print_table`, for rows too many to hold: `rows` gives them afresh for each of its two
/// passes, in the same order both times.
pub fn print_table_each<I>(headers: &[String], rows: impl Fn() -> Result<I>) -> Result<()>
where
    I: Iterator<Item = Result<Vec<String>>>,
{
    let mut widths = Widths::new(headers);
    for row in rows()? {
        widths.measure(&row?);
    }
    crate::outln!("{}", widths.line(headers));
    for row in rows()? {
        crate::outln!("{}", widths.line(&row?));
    }
    Ok(())
}
