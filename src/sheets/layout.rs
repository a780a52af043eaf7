//! Measuring a document so nothing is cut: text in lines that fit a column, column widths from
//! what the columns hold, row heights from the lines. Widths are in Excel character units (the
//! width of a digit of the default font, 7 px at 96 dpi); a Chinese character of the 10.5 pt
//! body font (五号字) is two of them, a Latin letter about one.

use unicode_width::UnicodeWidthChar;

use std::collections::BTreeMap;

use super::doc::{Align, Cell, Column, Document, Row, Value};

/// The body font size in points (五号字).
pub const BODY_PT: f64 = 10.5;
/// The title's font size in points.
pub const TITLE_PT: f64 = 16.0;
/// One Excel character unit in points at 100 % scale.
pub const UNIT_PT: f64 = 5.25;
/// What a column adds to its units in points (Excel's 5 px of padding).
pub const COLUMN_PAD_PT: f64 = 3.75;
/// Units a cell loses to its padding and borders, and a margin for fonts that draw a little
/// wider than measured.
const CELL_PAD_UNITS: f64 = 1.5;
/// The units one indent level takes (Excel indents by about three characters).
pub const INDENT_UNITS: f64 = 3.0;
/// Points per line of body text, generous enough for the line spacing of the CJK fonts office
/// programs fall back to (Noto CJK draws 1.45 em).
pub const LINE_PT: f64 = 16.0;
/// Points a row adds to its lines.
pub const ROW_PAD_PT: f64 = 4.0;
/// A sign-in row: tall enough to sign (about 9 mm; 25 rows to an A4 page when no name wraps).
pub const SIGNING_ROW_PT: f64 = 26.0;
/// A4 in points and the margins of every page (the footer sits in the bottom one).
pub const A4: (f64, f64) = (595.3, 841.9);
pub const MARGIN_SIDE_PT: f64 = 36.0;
pub const MARGIN_TOP_PT: f64 = 43.2;
pub const MARGIN_BOTTOM_PT: f64 = 50.4;
/// Values up to this wide are kept on one line when a table must wrap to fit.
const SHORT_UNITS: f64 = 12.0;
/// The widest a column grows to hold its longest text before it wraps.
const MAX_UNITS: f64 = 60.0;

/// Width of `text` in character units. Chinese characters are one em in every Chinese font;
/// Latin letters differ from font to font (SimSun's are half an em, the fallbacks' wider), so
/// they are counted generously, capitals more.
pub fn units(text: &str) -> f64 {
    text.chars()
        .map(|c| match c.width().unwrap_or(0) {
            0 => 0.0,
            1 if c.is_ascii_uppercase() => 1.45,
            1 => 1.1,
            _ => 2.0,
        })
        .sum()
}

/// Closing marks stay on the line of the character before them, as Chinese typesetting wants.
fn closes(c: char) -> bool {
    matches!(
        c,
        '）' | ')'
            | '》'
            | '」'
            | '』'
            | '】'
            | '〕'
            | '］'
            | ']'
            | '”'
            | '’'
            | '，'
            | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '…'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | '%'
            | '％'
            | '·'
    )
}

/// Opening marks stay on the line of the character after them.
fn opens(c: char) -> bool {
    matches!(
        c,
        '（' | '(' | '《' | '「' | '『' | '【' | '〔' | '［' | '[' | '“' | '‘'
    )
}

enum Piece {
    Word(String),
    Space,
}

/// A paragraph in the pieces a line may break between: each Chinese character, each Latin word,
/// with punctuation glued to the character it belongs to.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut glue_next = false;
    for c in text.chars() {
        if c == ' ' {
            out.push(Piece::Space);
            glue_next = false;
            continue;
        }
        let wide = c.width().unwrap_or(0) > 1;
        let joins = match out.last() {
            Some(Piece::Word(word)) => {
                // Latin text keeps its marks inside the word (09:00, 3.5); after a Chinese mark
                // a new piece starts.
                let last = word.chars().last().unwrap_or(' ');
                let last_narrow = last.width().unwrap_or(0) <= 1;
                glue_next || closes(c) || (!wide && !opens(c) && last_narrow)
            }
            _ => false,
        };
        match out.last_mut() {
            Some(Piece::Word(word)) if joins => word.push(c),
            _ => out.push(Piece::Word(c.to_string())),
        }
        glue_next = opens(c);
    }
    out
}

/// `text` in lines no wider than `width` by `measure`, broken where a reader expects it; a line
/// per paragraph at least, so an empty text is one empty line.
pub fn wrap(text: &str, width: f64, measure: &dyn Fn(&str) -> f64) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        // Spaces between words are kept as typed, but none start a line.
        let mut spaces = 0;
        for piece in pieces(paragraph) {
            let word = match piece {
                Piece::Space => {
                    if !line.is_empty() {
                        spaces += 1;
                    }
                    continue;
                }
                Piece::Word(word) => word,
            };
            let joined = format!("{line}{}{word}", " ".repeat(spaces));
            spaces = 0;
            if measure(&joined) <= width || line.is_empty() && measure(&word) <= width {
                line = if line.is_empty() { word } else { joined };
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if measure(&word) <= width {
                line = word;
                continue;
            }
            // Longer than a line on its own (a long number or address): between characters.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if measure(&next) > width && !line.is_empty() {
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                } else {
                    line = next;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// The widest `text` can be made narrow: its widest unbreakable piece.
fn narrowest(text: &str) -> f64 {
    text.split('\n')
        .flat_map(pieces)
        .map(|p| match p {
            Piece::Word(w) => units(&w),
            Piece::Space => 0.0,
        })
        .fold(0.0, f64::max)
}

/// Its longest line, unwrapped.
fn natural(text: &str) -> f64 {
    text.split('\n').map(units).fold(0.0, f64::max)
}

/// The units a page holds across for `columns` columns at 100 %.
pub fn page_units(landscape: bool, columns: usize) -> f64 {
    let width = if landscape { A4.1 } else { A4.0 };
    let usable = width - 2.0 * MARGIN_SIDE_PT - COLUMN_PAD_PT * columns as f64;
    // A little room for programs that round column widths differently.
    usable / UNIT_PT * 0.97
}

/// Column widths in units from what each column holds, fitted to the page. Each column gets a
/// share of the page in proportion to what its cells typically need, between the least it can
/// take (its widest word, half its header; a number whole) and its longest line; spare room goes
/// to the text columns.
pub fn column_widths(doc: &Document) -> Vec<f64> {
    let mut tally = WidthTally::new(&doc.columns);
    for cells in doc.body() {
        tally.row(cells);
    }
    // A total's figures are as wide as the column's figures, or wider.
    for row in &doc.rows {
        if let Row::Total { sums, .. } = row {
            for &col in sums {
                tally.total(col, doc.sum(col));
            }
        }
    }
    tally.widths(doc.landscape)
}

/// What a document's column widths are worked out from, gathered a row at a time, so that a
/// document too long to hold is measured as its rows pass (`long::LongDocument`).
#[derive(Debug, Clone)]
pub struct WidthTally {
    columns: Vec<Column>,
    natural: Vec<f64>,
    least: Vec<f64>,
    /// What each cell of a column needs, counted by value (its bits: needs are never negative,
    /// so the bits order as the numbers do). Everyone's call list at ten times the province has
    /// 3,600,000 cells and a few hundred distinct needs.
    needs: Vec<BTreeMap<u64, usize>>,
    /// Each column's longest short text (a name, a place), which reads wrongly broken
    /// (东西湖/区): kept whole when the page has room for every column's.
    short: Vec<f64>,
}

impl WidthTally {
    pub fn new(columns: &[Column]) -> WidthTally {
        let widest: Vec<f64> = columns
            .iter()
            .map(|c| natural(&c.header).max(c.room))
            .collect();
        let least: Vec<f64> = columns
            .iter()
            .map(|c| {
                (natural(&c.header) / 2.0)
                    .max(narrowest(&c.header))
                    .max(c.room)
            })
            .collect();
        WidthTally {
            columns: columns.to_vec(),
            natural: widest,
            least,
            needs: vec![BTreeMap::new(); columns.len()],
            short: vec![0.0; columns.len()],
        }
    }

    /// One body row's cells.
    pub fn row(&mut self, cells: &[Cell]) {
        for (i, cell) in cells.iter().enumerate().take(self.columns.len()) {
            let text = cell.value.shown();
            let indent = f64::from(cell.indent) * INDENT_UNITS;
            let align = self.columns[i].align;
            // Spreadsheets never wrap a number or a date: it shows ### when too narrow.
            let unbreakable = match (&cell.value, align) {
                (Value::Text(_), Align::Center) => {
                    text.split_whitespace().map(units).fold(0.0, f64::max)
                }
                (Value::Text(_), _) => narrowest(&text),
                _ => natural(&text),
            };
            self.least[i] = self.least[i].max(unbreakable + indent);
            if align != Align::Number
                && matches!(cell.value, Value::Text(_))
                && natural(&text) <= SHORT_UNITS
            {
                self.short[i] = self.short[i].max(natural(&text) + indent);
            }
            // A remark in a column of figures wraps rather than widen it.
            if align != Align::Number || cell.value.is_number() {
                let need = natural(&text) + indent;
                self.natural[i] = self.natural[i].max(need);
                *self.needs[i].entry(need.to_bits()).or_default() += 1;
            }
        }
    }

    /// A total's figure in column `col`.
    pub fn total(&mut self, col: usize, sum: i64) {
        if col < self.columns.len() {
            let total = units(&sum.to_string());
            self.natural[col] = self.natural[col].max(total);
            self.least[col] = self.least[col].max(total);
        }
    }

    /// The widths, fitted to a page turned as `landscape` says.
    pub fn widths(&self, landscape: bool) -> Vec<f64> {
        let pad = |w: f64| (w + CELL_PAD_UNITS).ceil();
        let room = page_units(landscape, self.columns.len());
        let mut least: Vec<f64> = self.least.iter().map(|l| pad(*l).max(4.0)).collect();
        let whole: Vec<f64> = least
            .iter()
            .zip(&self.short)
            .map(|(l, s)| l.max(pad(*s)))
            .collect();
        if whole.iter().sum::<f64>() <= room {
            least = whole;
        }
        let natural_w: Vec<f64> = self
            .natural
            .iter()
            .zip(&least)
            .map(|(w, l)| pad(w.min(MAX_UNITS)).max(*l))
            .collect();
        // What most cells of a column need: the width four in five of them fit on one line.
        // A short header stays on one line too.
        let typical: Vec<f64> = self
            .needs
            .iter()
            .zip(&natural_w)
            .zip(&self.columns)
            .map(|((counts, natural), column)| {
                let cells = four_in_five(counts).map_or(*natural, |w| pad(w.min(MAX_UNITS)));
                let header = units(&column.header);
                if header <= SHORT_UNITS {
                    cells.max(pad(header))
                } else {
                    cells
                }
            })
            .collect();
        let grows: Vec<bool> = self
            .columns
            .iter()
            .map(|c| c.align == Align::Text)
            .collect();
        fit(&natural_w, &least, &typical, &grows, room)
    }
}

/// The need at four fifths of the way through the needs sorted (the last, for fewer than five).
fn four_in_five(counts: &BTreeMap<u64, usize>) -> Option<f64> {
    let len: usize = counts.values().sum();
    let at = (len * 4 / 5).min(len.checked_sub(1)?);
    let mut passed = 0;
    for (bits, count) in counts {
        passed += count;
        if passed > at {
            return Some(f64::from_bits(*bits));
        }
    }
    None
}

/// Widths between `least` and `natural` that fill `room`. When the natural widths fit, spare
/// room goes to the columns `grows` marks, in proportion; when they do not, every column gets
/// one multiple of its `typical` need, held between its least and natural width, so the rows
/// wrap about equally in every column.
fn fit(natural: &[f64], least: &[f64], typical: &[f64], grows: &[bool], room: f64) -> Vec<f64> {
    let total: f64 = natural.iter().sum();
    let growable: f64 = natural
        .iter()
        .zip(grows)
        .filter(|(_, w)| **w)
        .map(|(n, _)| n)
        .sum();
    if total <= room {
        let spare = room - total;
        return natural
            .iter()
            .zip(grows)
            .map(|(n, w)| {
                if *w && growable > 0.0 {
                    (n + spare * n / growable).floor()
                } else {
                    *n
                }
            })
            .collect();
    }
    // A column of short values (names, places) keeps them whole rather than share the squeeze.
    let width_at = |k: f64| -> Vec<f64> {
        natural
            .iter()
            .zip(least)
            .zip(typical)
            .map(|((n, l), t)| (t * k).max(t.min(SHORT_UNITS)).clamp(*l, n.max(*l)))
            .collect()
    };
    let (mut low, mut high) = (0.0, 1.0);
    for _ in 0..40 {
        let mid = (low + high) / 2.0;
        if width_at(mid).iter().sum::<f64>() <= room {
            low = mid;
        } else {
            high = mid;
        }
    }
    width_at(low).into_iter().map(f64::floor).collect()
}

/// The lines `text` takes in a column `width` units wide, with `indent` levels.
pub fn lines_in(text: &str, width: f64, indent: u8) -> usize {
    lines_of(text, width, indent).len()
}

/// `text` wrapped to a column `width` units wide, with `indent` levels.
pub fn lines_of(text: &str, width: f64, indent: u8) -> Vec<String> {
    let room = width - CELL_PAD_UNITS - f64::from(indent) * INDENT_UNITS;
    wrap(text, room.max(2.0), &units)
}

/// A row's height in points for `lines` lines of body text.
pub fn row_height(lines: usize, signing: bool) -> f64 {
    let height = lines.max(1) as f64 * LINE_PT + ROW_PAD_PT;
    if signing {
        height.max(SIGNING_ROW_PT)
    } else {
        height
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_two_units_latin_about_one() {
        assert_eq!(units("培训"), 4.0);
        assert!((units("ab") - 2.2).abs() < 1e-9);
        assert!(units("TW") > units("tw"));
    }

    #[test]
    fn lines_break_between_characters_and_words_keeping_marks() {
        let lines = wrap("培训班（第一场）", 8.0, &units);
        assert_eq!(lines, ["培训班", "（第一", "场）"]);
        assert_eq!(wrap("", 5.0, &units), [""]);
        let lines = wrap("hello world again", 13.0, &units);
        assert_eq!(lines, ["hello world", "again"]);
        // A word longer than the line is broken between characters.
        let lines = wrap("365970494@qq.com", 6.0, &units);
        assert!(lines.iter().all(|l| units(l) <= 6.0), "{lines:?}");
        assert_eq!(lines.concat(), "365970494@qq.com");
        // A mark never starts a line.
        for width in 4..20 {
            for line in wrap(
                "企业知识产权分析评议与专利导航；知识产权课题",
                width as f64,
                &units,
            ) {
                assert!(!line.starts_with('；'), "{line}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn wrapping_keeps_every_character(text in "[a-z 培训，（）“”0-9\n]{0,60}", width in 4.0f64..40.0) {
            let lines = wrap(&text, width, &units);
            let kept: String = lines.concat().chars().filter(|c| *c != ' ').collect();
            let given: String = text.chars().filter(|c| *c != ' ' && *c != '\n').collect();
            proptest::prop_assert_eq!(kept, given);
            for line in &lines {
                // Only a piece that cannot be broken may pass the width.
                proptest::prop_assert!(units(line) <= width || line.chars().count() <= 2 || pieces(line).len() == 1);
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn needs_counted_give_what_the_needs_sorted_give(needs in proptest::collection::vec(0u16..300, 0..80)) {
            let needs: Vec<f64> = needs.iter().map(|n| f64::from(*n) * 0.55).collect();
            let mut counts = BTreeMap::new();
            for need in &needs {
                *counts.entry(need.to_bits()).or_default() += 1;
            }
            let mut sorted = needs.clone();
            sorted.sort_by(f64::total_cmp);
            let at = (sorted.len() * 4 / 5).min(sorted.len().saturating_sub(1));
            proptest::prop_assert_eq!(four_in_five(&counts), sorted.get(at).copied());
        }
    }

    #[test]
    fn a_short_name_is_not_broken_when_the_page_has_room() {
        let columns = vec![
            Column::new("单位", Align::Text),
            Column::new("已参训企业", Align::Number),
            Column::new("已参训人数", Align::Number),
            Column::new("已联络企业", Align::Number),
            Column::new("已上门企业", Align::Number),
            Column::new("覆盖县（市）区", Align::Center),
            Column::new("企业数", Align::Number),
            Column::new("目标企业数", Align::Number),
        ];
        let mut tally = WidthTally::new(&columns);
        for i in 0..100 {
            let name = if i == 7 { "东西湖区" } else { "江岸区" };
            let mut cells = vec![Cell::text(name)];
            cells.extend((0..7).map(|_| Cell::int(1234)));
            cells[0].indent = 1;
            tally.row(&cells);
        }
        let widths = tally.widths(false);
        assert_eq!(lines_in("东西湖区", widths[0], 1), 1, "{widths:?}");
        assert!(widths.iter().sum::<f64>() <= page_units(false, columns.len()));
    }

    #[test]
    fn widths_fill_the_page_and_never_go_below_a_word() {
        let natural = [5.0, 80.0, 60.0, 8.0];
        let least = [5.0, 10.0, 10.0, 8.0];
        let wraps = [false, true, true, false];
        let widths = fit(&natural, &least, &natural, &wraps, 100.0);
        assert!(widths.iter().sum::<f64>() <= 100.0, "{widths:?}");
        assert_eq!(widths[0], 5.0);
        assert_eq!(widths[3], 8.0);
        assert!(widths[1] >= 10.0 && widths[2] >= 10.0);
        let widths = fit(
            &[5.0, 20.0, 8.0],
            &[5.0, 6.0, 8.0],
            &[5.0, 20.0, 8.0],
            &[false, true, false],
            100.0,
        );
        assert!(
            widths.iter().sum::<f64>() <= 100.0 && widths[1] > 80.0,
            "{widths:?}"
        );
    }
}
