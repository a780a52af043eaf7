//! Finding the header row under the title rows offices put on top, and which column each of its
//! cells is for the kind of sheet being read.

use super::schema::{Column, Schema};

/// How far down a header may be: a title, a 填报单位 line and blank rows come first.
pub const SEARCHED_ROWS: usize = 20;

/// The columns of a header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Index into `Grid::rows` of the header row.
    pub row: usize,
    /// The columns the kind reads, in the sheet's order: the cell's index, its column, its text.
    pub columns: Vec<(usize, Column, String)>,
    /// The other header cells that say something: unknown, another kind's, or a column the
    /// row names twice (the first is read).
    pub ignored: Vec<String>,
    /// The cell of the rows' own numbers (序号): a form numbered down to its last line is
    /// blank where only that number is filled in.
    pub numbering: Option<usize>,
}

impl Header {
    /// The index of the cell holding `column`.
    pub fn index(&self, column: Column) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, c, _)| *c == column)
            .map(|(i, _, _)| *i)
    }

    pub fn has(&self, column: Column) -> bool {
        self.index(column).is_some()
    }
}

/// One row's cells read as the header of `schema`, whether or not it is one.
pub fn map_columns(row: usize, cells: &[String], schema: &Schema) -> Header {
    let mut header = Header {
        row,
        columns: Vec::new(),
        ignored: Vec::new(),
        numbering: None,
    };
    for (i, cell) in cells.iter().enumerate() {
        let text = cell.trim();
        match Column::of(text) {
            Some(column) if schema.reads(column) && !header.has(column) => {
                header.columns.push((i, column, text.to_string()));
            }
            _ if !text.is_empty() => {
                let named = super::schema::normalise(text);
                if header.numbering.is_none() && NUMBERING.contains(&named.as_str()) {
                    header.numbering = Some(i);
                }
                header.ignored.push(text.to_string());
            }
            _ => {}
        }
    }
    header
}

/// How a header names the column of the rows' own numbers, as `schema::normalise` writes it
/// (序 号, 序号*, ＮＯ. and No. all come to one of these).
const NUMBERING: &[&str] = &["序号", "序", "no.", "no", "#"];

/// Whether a row says nothing: every cell empty, but for its number in a numbered form.
pub fn is_blank(cells: &[String], header: &Header) -> bool {
    cells
        .iter()
        .enumerate()
        .all(|(i, c)| Some(i) == header.numbering || crate::domain::text::clean(c).is_none())
}

/// The first of the first 20 rows that names every key column of `schema` and at least one of
/// its signs (when it has any).
pub fn find(rows: &[(usize, Vec<String>)], schema: &Schema) -> Option<Header> {
    rows.iter()
        .take(SEARCHED_ROWS)
        .enumerate()
        .map(|(index, (_, cells))| map_columns(index, cells, schema))
        .find(|header| {
            let mut signs = schema.signs().peekable();
            schema.keys().all(|c| header.has(c))
                && (signs.peek().is_none() || signs.any(|c| header.has(c)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheets::people;

    fn row(n: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (n, cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn the_header_is_found_below_titles() {
        let rows = vec![
            row(1, &["2023年“百县万企”培训报名表"]),
            row(2, &[]),
            row(3, &["填报单位：鄂城区局", "", "日期"]),
            row(4, &["序号", "学员姓名", "手机号", "单位名称", "备注"]),
            row(5, &["1", "张三", "13800001234", "湖北某某科技有限公司", ""]),
        ];
        let header = find(&rows, &people::SCHEMA).unwrap();
        assert_eq!(header.row, 3);
        assert_eq!(header.index(Column::Name), Some(1));
        assert_eq!(header.index(Column::Phone), Some(2));
        assert_eq!(header.ignored, ["序号", "备注"]);
        assert_eq!(header.numbering, Some(0));
        for named in ["序 号", "序号*", "ＮＯ.", "No"] {
            let found = map_columns(0, &[named.to_string(), "姓名".into()], &people::SCHEMA);
            assert_eq!(found.numbering, Some(0), "{named}");
        }
        let numbered_only: Vec<String> = ["7", "", " ", "", ""].map(String::from).to_vec();
        assert!(
            is_blank(&numbered_only, &header),
            "a numbered line left empty"
        );
        let named: Vec<String> = ["7", "欧阳明", "", "", ""].map(String::from).to_vec();
        assert!(!is_blank(&named, &header));
    }

    #[test]
    fn a_title_naming_one_column_is_not_the_header() {
        let rows = vec![row(1, &["姓名"]), row(2, &["姓名", "职务"])];
        assert_eq!(find(&rows, &people::SCHEMA).map(|h| h.row), Some(1));
    }
}
