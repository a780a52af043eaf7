//! One row under the header as the kinds' rules read it: cells by column, cleaned, and the
//! reasons every kind gives the same way.

use std::fmt::Display;

use super::header::Header;
use super::schema::Column;
use crate::domain::text;
use crate::i18n::t;

pub struct Row<'a> {
    /// The row number the spreadsheet shows.
    pub number: usize,
    cells: &'a [String],
    header: &'a Header,
}

impl<'a> Row<'a> {
    pub(super) fn new(number: usize, cells: &'a [String], header: &'a Header) -> Row<'a> {
        Row {
            number,
            cells,
            header,
        }
    }

    /// The cell of `column`, full-width folded and trimmed; empty when the sheet has no such
    /// column or the row is short.
    pub fn get(&self, column: Column) -> String {
        self.header
            .index(column)
            .and_then(|i| self.cells.get(i))
            .and_then(|c| text::clean(c))
            .unwrap_or_default()
    }

    /// A reason for each of `columns` whose cell holds a character no field takes.
    pub fn forbidden(&self, columns: &[Column]) -> Vec<String> {
        columns
            .iter()
            .filter_map(|c| {
                text::forbidden_char(&self.get(*c))
                    .map(|ch| reason(*c, text::forbidden_message(ch)))
            })
            .collect()
    }

    /// The reason when the cell of `column` is empty.
    pub fn required(&self, column: Column) -> Option<String> {
        self.get(column)
            .is_empty()
            .then(|| reason(column, t("cli.input.required")))
    }
}

/// A reason about one column's cell: "电话: “123”不是有效的手机号"; a message that begins by
/// naming the column ("统一社会信用代码最后一位…", "the credit code's last character…") does not
/// have it named again in front. Only the beginning: further on, a message quotes the cell.
pub fn reason(column: Column, message: impl Display) -> String {
    let message = message.to_string();
    let label = column.label().to_lowercase();
    let lower = message.to_lowercase();
    if lower
        .strip_prefix("the ")
        .unwrap_or(&lower)
        .starts_with(&label)
    {
        message
    } else {
        format!("{}: {message}", column.label())
    }
}

/// Phones as Excel leaves them: 13800001234.0, 1.3800001234E+10, with spaces or dashes.
pub fn clean_phone(raw: &str) -> String {
    let folded: String = raw.chars().map(text::fold_full_width).collect();
    let trimmed = folded.trim();
    if let Some(whole) = trimmed.strip_suffix(".0") {
        if whole.chars().all(|c| c.is_ascii_digit()) {
            return whole.to_string();
        }
    }
    if trimmed.contains(['e', 'E']) {
        if let Ok(value) = trimmed.parse::<f64>() {
            if value.fract() == 0.0 && value > 0.0 && value < 1e15 {
                return format!("{}", value as i64);
            }
        }
    }
    trimmed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_as_excel_leaves_them() {
        assert_eq!(clean_phone("13800001234.0"), "13800001234");
        assert_eq!(clean_phone("1.3800001234E+10"), "13800001234");
        assert_eq!(clean_phone(" １３８００００１２３４ "), "13800001234");
        assert_eq!(clean_phone("138-0000-1234"), "138-0000-1234");
    }

    #[test]
    fn a_reason_names_its_column_once_in_either_language() {
        for lang in [crate::i18n::Lang::Zh, crate::i18n::Lang::En] {
            let _speaking = crate::i18n::speak_on_this_thread(lang);
            let label = Column::CreditCode.label();
            let message = crate::i18n::t("cli.credit.check");
            let said = reason(Column::CreditCode, &message);
            assert_eq!(said, message, "{lang:?}");
            assert_eq!(said.matches(label.as_str()).count(), 1, "{said}");
            let phone = reason(Column::Phone, "13800");
            assert_eq!(phone, format!("{}: 13800", Column::Phone.label()));
            // A cell quoted in the message that happens to hold the label is no naming.
            let quoted = format!("“{}待补”", Column::Phone.label());
            let said = reason(Column::Phone, &quoted);
            assert_eq!(said, format!("{}: {quoted}", Column::Phone.label()));
        }
    }
}
