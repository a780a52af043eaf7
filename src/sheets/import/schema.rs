//! What each sheet kind reads: every column any kind knows, with the names people give it in a
//! header (one list per column, for all kinds), and per kind which of them it reads and needs.

use serde::Serialize;

use crate::domain::text::fold_full_width;
use crate::i18n::t;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Column {
    Name,
    Phone,
    Enterprise,
    CreditCode,
    Position,
    Category,
    Unit,
    Course,
    Minutes,
    Questionnaire,
    Score,
    Exam,
    Practical,
}

impl Column {
    pub const ALL: [Column; 13] = [
        Column::Name,
        Column::Phone,
        Column::Enterprise,
        Column::CreditCode,
        Column::Position,
        Column::Category,
        Column::Unit,
        Column::Course,
        Column::Minutes,
        Column::Questionnaire,
        Column::Score,
        Column::Exam,
        Column::Practical,
    ];

    /// Header texts as offices and the platform write them, as `normalise` leaves them.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Name => &["姓名", "学员姓名", "参训人员", "参训人姓名", "名字", "name"],
            Self::Phone => &[
                "手机",
                "手机号",
                "手机号码",
                "联系电话",
                "电话",
                "联系方式",
                "phone",
                "mobile",
            ],
            Self::Enterprise => &[
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
            Self::CreditCode => &["统一社会信用代码", "社会信用代码", "信用代码", "creditcode"],
            Self::Position => &["职务", "职称", "岗位", "职位", "position"],
            Self::Category => &["企业类型", "企业类别", "类别", "category"],
            Self::Unit => &["所属区县", "区县", "所属县市区", "县市区", "unit"],
            Self::Course => &[
                "课程",
                "课程名称",
                "学习内容",
                "天次",
                "培训日",
                "日期",
                "course",
                "day",
            ],
            Self::Minutes => &[
                "观看时长",
                "观看时长分钟",
                "学习时长",
                "学习时长分钟",
                "在线时长",
                "时长",
                "分钟",
                "minutes",
            ],
            Self::Questionnaire => &[
                "问卷",
                "问卷填写",
                "是否填写问卷",
                "问卷情况",
                "questionnaire",
            ],
            Self::Score => &["测试成绩", "成绩", "分数", "测试分数", "测评成绩", "score"],
            Self::Exam => &[
                "考试成绩",
                "考试成绩分",
                "考试",
                "理论成绩",
                "笔试成绩",
                "exam",
            ],
            Self::Practical => &["实操成绩", "实操成绩分", "实操", "实操考核", "practical"],
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Self::Name => "cli.field.name",
            Self::Phone => "cli.field.phone",
            Self::Enterprise => "cli.field.enterprise",
            Self::CreditCode => "cli.field.credit_code",
            Self::Position => "cli.field.position",
            Self::Category => "cli.field.category",
            Self::Unit => "cli.field.unit",
            Self::Course => "cli.field.course",
            Self::Minutes => "cert.col.minutes",
            Self::Questionnaire => "cert.col.questionnaire",
            Self::Score => "cert.col.score",
            Self::Exam => "cert.col.exam",
            Self::Practical => "cert.col.practical",
        }
    }

    /// The column's name in the UI language, as previews and row errors say it.
    pub fn label(self) -> String {
        t(self.label_key())
    }

    /// The column a header cell names, if any kind knows it.
    pub fn of(header: &str) -> Option<Column> {
        let key = normalise(header);
        Self::ALL
            .into_iter()
            .find(|c| c.aliases().contains(&key.as_str()))
    }
}

/// A header cell as aliases are written: full-width folded, lower case, without spaces,
/// brackets (企业名称（全称）, 观看时长（分钟）), required marks (*) and colons.
pub fn normalise(header: &str) -> String {
    header
        .chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace() && !matches!(c, '(' | ')' | '*' | ':'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a kind needs of a column it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// The header row names it: a row without it is not the header.
    Key,
    /// The header row names at least one of the kind's signs (when it has any), so a title
    /// row that happens to say 姓名 is not taken for the header.
    Sign,
    /// A sign the found header must have; without it the sheet is refused with this message
    /// (string key; `{aliases}` in it lists the column's).
    Required(&'static str),
    /// Read when the sheet has it.
    Optional,
}

/// A sheet kind: the columns it reads and the message when no header is found.
#[derive(Debug)]
pub struct Schema {
    pub columns: &'static [(Column, Need)],
    /// String key of the message when none of the first rows is a header.
    pub no_header: &'static str,
}

impl Schema {
    pub fn reads(&self, column: Column) -> bool {
        self.columns.iter().any(|(c, _)| *c == column)
    }

    /// The columns every header row names.
    pub fn keys(&self) -> impl Iterator<Item = Column> + '_ {
        self.columns
            .iter()
            .filter(|(_, need)| *need == Need::Key)
            .map(|(c, _)| *c)
    }

    /// The columns of which a header row names at least one, when there are any.
    pub fn signs(&self) -> impl Iterator<Item = Column> + '_ {
        self.columns
            .iter()
            .filter(|(_, need)| matches!(need, Need::Sign | Need::Required(_)))
            .map(|(c, _)| *c)
    }

    /// The columns a found header must have, each with the message when it lacks it.
    pub fn required(&self) -> impl Iterator<Item = (Column, &'static str)> + '_ {
        self.columns.iter().filter_map(|(c, need)| match need {
            Need::Required(message) => Some((*c, *message)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_variants_are_known() {
        assert_eq!(Column::of("手机号码"), Some(Column::Phone));
        assert_eq!(Column::of(" 联系电话 "), Some(Column::Phone));
        assert_eq!(Column::of("企业名称（全称）"), Some(Column::Enterprise));
        assert_eq!(Column::of("社会信用代码"), Some(Column::CreditCode));
        assert_eq!(Column::of("职称"), Some(Column::Position));
        assert_eq!(Column::of("＊姓名："), Some(Column::Name));
        assert_eq!(Column::of("观看时长（分钟）"), Some(Column::Minutes));
        assert_eq!(Column::of("是否填写问卷"), Some(Column::Questionnaire));
        assert_eq!(Column::of("课程名称"), Some(Column::Course));
        assert_eq!(Column::of("考试成绩（分）"), Some(Column::Exam));
        assert_eq!(Column::of("实操"), Some(Column::Practical));
        assert_eq!(Column::of("Phone"), Some(Column::Phone));
        assert_eq!(Column::of("备注"), None);
    }

    /// An alias as `normalise` would not leave it could never match; one naming two columns
    /// would make the second unreachable.
    #[test]
    fn every_alias_matches_and_names_one_column() {
        let mut seen = std::collections::HashMap::new();
        for column in Column::ALL {
            for alias in column.aliases() {
                assert_eq!(normalise(alias), *alias, "{alias}");
                assert_eq!(seen.insert(*alias, column), None, "{alias} twice");
                assert_eq!(Column::of(alias), Some(column));
            }
        }
    }
}
