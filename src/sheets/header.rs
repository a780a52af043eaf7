//! Finding the header row under the title rows offices put on top, and knowing its columns by
//! the many names people give them.

use serde::Serialize;

use crate::domain::text::fold_full_width;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    Name,
    Phone,
    Enterprise,
    CreditCode,
    Position,
    Category,
    Unit,
}

impl Field {
    pub fn key(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Phone => "phone",
            Self::Enterprise => "enterprise",
            Self::CreditCode => "credit_code",
            Self::Position => "position",
            Self::Category => "category",
            Self::Unit => "unit",
        }
    }
}

/// Header texts as offices write them, after spaces and brackets are dropped.
const NAMES: &[(Field, &[&str])] = &[
    (
        Field::Name,
        &["姓名", "学员姓名", "参训人员", "参训人姓名", "名字", "name"],
    ),
    (
        Field::Phone,
        &[
            "手机",
            "手机号",
            "手机号码",
            "联系电话",
            "电话",
            "联系方式",
            "phone",
            "mobile",
        ],
    ),
    (
        Field::Enterprise,
        &[
            "单位",
            "单位名称",
            "企业名称",
            "企业名称全称",
            "企业",
            "工作单位",
            "所在单位",
            "enterprise",
            "company",
        ],
    ),
    (
        Field::CreditCode,
        &["统一社会信用代码", "社会信用代码", "信用代码", "creditcode"],
    ),
    (
        Field::Position,
        &["职务", "职称", "岗位", "职位", "position"],
    ),
    (
        Field::Category,
        &["企业类型", "企业类别", "类别", "category"],
    ),
    (
        Field::Unit,
        &["所属区县", "区县", "所属县市区", "县市区", "unit"],
    ),
];

/// What a header cell names, if anything we know.
pub fn field_of(header: &str) -> Option<Field> {
    let key: String = header
        .chars()
        .map(fold_full_width)
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '（' | '）' | '(' | ')' | '*' | '＊' | ':' | '：')
        })
        .flat_map(char::to_lowercase)
        .collect();
    NAMES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(field, _)| *field)
}

/// The columns of a header row: which field each known column holds, and the others by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// Index into `Grid::rows` of the header row.
    pub row: usize,
    pub columns: Vec<(usize, Field, String)>,
    pub ignored: Vec<String>,
}

impl Header {
    pub fn column(&self, field: Field) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, f, _)| *f == field)
            .map(|(i, _, _)| *i)
    }
}

/// The first row, among the first twenty, that names a name column and at least one other known
/// field: title rows and blank rows above it are skipped.
pub fn find_header(rows: &[(usize, Vec<String>)]) -> Option<Header> {
    find_header_for(rows, Field::Name)
}

/// As `find_header`, for a sheet whose key column is `key` (the enterprise for a 企业名单).
pub fn find_header_for(rows: &[(usize, Vec<String>)], key: Field) -> Option<Header> {
    rows.iter()
        .take(20)
        .enumerate()
        .find_map(|(index, (_, cells))| {
            let mut columns: Vec<(usize, Field, String)> = Vec::new();
            let mut ignored = Vec::new();
            for (i, cell) in cells.iter().enumerate() {
                match field_of(cell) {
                    Some(field) if !columns.iter().any(|(_, f, _)| *f == field) => {
                        columns.push((i, field, cell.trim().to_string()))
                    }
                    _ if !cell.trim().is_empty() => ignored.push(cell.trim().to_string()),
                    _ => {}
                }
            }
            let has_name = columns.iter().any(|(_, f, _)| *f == key);
            (has_name && columns.len() >= 2).then_some(Header {
                row: index,
                columns,
                ignored,
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(n: usize, cells: &[&str]) -> (usize, Vec<String>) {
        (n, cells.iter().map(|c| c.to_string()).collect())
    }

    #[test]
    fn header_variants_are_known() {
        assert_eq!(field_of("手机号码"), Some(Field::Phone));
        assert_eq!(field_of(" 联系电话 "), Some(Field::Phone));
        assert_eq!(field_of("企业名称（全称）"), Some(Field::Enterprise));
        assert_eq!(field_of("社会信用代码"), Some(Field::CreditCode));
        assert_eq!(field_of("职称"), Some(Field::Position));
        assert_eq!(field_of("备注"), None);
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
        let header = find_header(&rows).unwrap();
        assert_eq!(header.row, 3);
        assert_eq!(header.column(Field::Name), Some(1));
        assert_eq!(header.column(Field::Phone), Some(2));
        assert_eq!(header.ignored, ["序号", "备注"]);
    }
}
