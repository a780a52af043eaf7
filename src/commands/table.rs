//! Tables on the command line, padded by display width so Chinese columns line up in a
//! terminal. A long table is read twice rather than held: once for the columns' widths, once
//! to print.

use color_eyre::eyre::Result;
use unicode_width::UnicodeWidthStr;

/// The columns' widths, grown by each row measured.
struct Widths(Vec<usize>);

impl Widths {
    fn new(headers: &[String]) -> Widths {
        Widths(headers.iter().map(|h| printable(h).width()).collect())
    }

    /// A one-cell row under several headers is a line across the table (a block's heading) and
    /// widens nothing.
    fn measure(&mut self, row: &[String]) {
        if row.len() == 1 && self.0.len() > 1 {
            return;
        }
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = self.0.get_mut(i) {
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
                    .0
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
    for line in table_lines(headers, rows) {
        crate::outln!("{line}");
    }
}

fn table_lines(headers: &[String], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths = Widths::new(headers);
    for row in rows {
        widths.measure(row);
    }
    std::iter::once(widths.line(headers))
        .chain(rows.iter().map(|row| widths.line(row)))
        .collect()
}

/// As `print_table`, for rows too many to hold: `rows` gives them afresh for each of its two
/// passes, the same rows in the same order both times.
pub fn print_table_each<I>(headers: &[String], rows: impl Fn() -> Result<I>) -> Result<()>
where
    I: Iterator<Item = Result<Vec<String>>>,
{
    each_table_line(headers, rows, |line| crate::outln!("{line}"))
}

fn each_table_line<I>(
    headers: &[String],
    rows: impl Fn() -> Result<I>,
    mut emit: impl FnMut(String),
) -> Result<()>
where
    I: Iterator<Item = Result<Vec<String>>>,
{
    let mut widths = Widths::new(headers);
    for row in rows()? {
        widths.measure(&row?);
    }
    emit(widths.line(headers));
    for row in rows()? {
        emit(widths.line(&row?));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read twice, a table prints exactly what it prints held whole: widths by display width,
    /// controls shown escaped, a one-cell heading row across, a row longer than the headers.
    #[test]
    fn a_table_read_twice_is_the_table_held_whole() {
        let headers: Vec<String> = ["编号", "姓名", "电话"].map(String::from).to_vec();
        let rows: Vec<Vec<String>> = [
            vec!["P-1", "欧阳明月", "138****0001"],
            vec!["鄂城区（本级）：一个很长很长很长的标题"],
            vec!["P-22", "a\u{1b}[31m", "", "多出的一格"],
            vec!["P-333", "", "139****0002"],
        ]
        .iter()
        .map(|row| row.iter().map(|c| c.to_string()).collect())
        .collect();
        let whole = table_lines(&headers, &rows);
        let mut read_twice = Vec::new();
        each_table_line(
            &headers,
            || Ok(rows.iter().cloned().map(Ok)),
            |line| read_twice.push(line),
        )
        .unwrap();
        assert_eq!(read_twice, whole);
        assert_eq!(
            whole,
            [
                "编号   姓名         电话",
                "P-1    欧阳明月     138****0001",
                "鄂城区（本级）：一个很长很长很长的标题",
                "P-22   a\\u{1b}[31m               多出的一格",
                "P-333               139****0002",
            ]
        );
    }
}
