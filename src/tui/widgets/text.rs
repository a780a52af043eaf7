//! Width-aware text: Chinese characters take two columns, so truncation and padding count
//! display columns, never chars or bytes.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::domain::checklist::ItemStatus;
use crate::tui::theme::Theme;

/// `text` cut to at most `width` columns, ending in … when cut.
pub fn truncate(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` cut to at most `width` columns in the middle, keeping its tail: titles of a series
/// differ at the end (`…（第一场）`, `…（第二场）`), so the end is what tells them apart.
pub fn truncate_middle(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width < 6 {
        return truncate(text, width);
    }
    // Up to a third for the tail (at least 4 columns), the rest for the head.
    let tail_w = (width / 3).max(4);
    let head_w = width - 1 - tail_w;
    let mut head = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > head_w {
            break;
        }
        head.push(c);
        used += w;
    }
    // The tail gets what the head left over (a wide char may not have fitted).
    let tail_room = width - 1 - used;
    let mut tail: Vec<char> = Vec::new();
    let mut tail_used = 0;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if tail_used + w > tail_room {
            break;
        }
        tail.push(c);
        tail_used += w;
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// `text` in lines of at most `width` columns, broken only where a reader expects it: at a space
/// between words (not one next to a Chinese character, so "隔离 0 条" stays whole) or after
/// Chinese punctuation, which ends an item. A piece longer than a line (a long path) is broken
/// between characters.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let chars: Vec<char> = text.chars().collect();
    let wide = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.width().unwrap_or(0) > 1)
    };
    // Pieces end where a line may break; a piece keeps the space it ends with.
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for (i, &c) in chars.iter().enumerate() {
        piece.push(c);
        let ends = match c {
            ' ' => !wide(i.checked_sub(1)) && !wide(Some(i + 1)),
            '，' | '、' | '；' | '：' | '。' | '！' | '？' => true,
            _ => false,
        };
        if ends {
            pieces.push(std::mem::take(&mut piece));
        }
    }
    pieces.push(piece);
    let mut lines = vec![String::new()];
    for piece in pieces {
        let needed = piece.trim_end().width();
        let used = lines.last().map_or(0, |l| l.width());
        let started = lines.last().is_some_and(|l| !l.trim().is_empty());
        if started && used + needed > width && needed <= width {
            lines.push(String::new());
        }
        for c in piece.chars() {
            let Some(line) = lines.last_mut() else { break };
            if line.width() + c.width().unwrap_or(0) > width {
                // A space at the end of a line is the break itself.
                if c == ' ' {
                    continue;
                }
                // A closing mark never starts a line: the character before it goes down too.
                let carried = if closes_a_phrase(c) { line.pop() } else { None };
                lines.push(carried.map(String::from).unwrap_or_default());
            }
            if let Some(line) = lines.last_mut() {
                line.push(c);
            }
        }
    }
    lines.iter().map(|l| l.trim_end().to_string()).collect()
}

fn closes_a_phrase(c: char) -> bool {
    matches!(
        c,
        '，' | '、' | '；' | '：' | '。' | '！' | '？' | '）' | '”' | '’' | '》' | '」'
    )
}

/// `text` truncated and padded with spaces to exactly `width` columns.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = truncate(text, width);
    let pad = width.saturating_sub(out.width());
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// `text` right-aligned in `width` columns.
pub fn fit_right(text: &str, width: usize) -> String {
    let cut = truncate(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{}{cut}", " ".repeat(pad))
}

/// A line of styled spans cut to `width` columns, with … where it was cut.
pub fn clip_line(line: Line<'static>, width: usize) -> Line<'static> {
    if line.width() <= width {
        return line;
    }
    let mut left = width;
    let mut spans = Vec::new();
    for span in line.spans {
        let w = span.content.width();
        if w < left {
            left -= w;
            spans.push(span);
            continue;
        }
        spans.push(Span::styled(truncate(&span.content, left), span.style));
        break;
    }
    Line::from(spans).style(line.style)
}

pub fn width(text: &str) -> usize {
    text.width()
}

pub fn status_style(theme: &Theme, status: ItemStatus) -> Style {
    match status {
        ItemStatus::Done => theme.done,
        ItemStatus::Waived => theme.waived,
        ItemStatus::Todo => theme.todo,
        ItemStatus::DueSoon => theme.due_soon,
        ItemStatus::Overdue => theme.overdue,
    }
}

/// The rows of a list that fit in `height`, a page at a time: the page holding `selected`. Pure,
/// so rendering needs no scroll state, and paging keys move by the same amount.
/// The last page is a full one (the last `height` rows), so jumping to the end leaves no blank
/// rows under the list.
pub fn page(len: usize, selected: usize, height: usize) -> std::ops::Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let start = ((selected.min(len - 1) / height) * height).min(len.saturating_sub(height));
    start..(start + height).min(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_is_cut_by_columns() {
        assert_eq!(truncate("知识产权大培训", 7), "知识产…");
        assert_eq!(fit("鄂城区", 8), "鄂城区  ");
        assert_eq!(fit("abc", 2), "a…");
        assert_eq!(fit_right("12/100", 7), " 12/100");
    }

    #[test]
    fn the_middle_goes_and_the_tail_stays() {
        let a = "鄂州市2023年“百县万企”知识产权线下大培训（第一场）";
        let b = "鄂州市2023年“百县万企”知识产权线下大培训（第二场）";
        let (ta, tb) = (truncate_middle(a, 30), truncate_middle(b, 30));
        assert!(width(&ta) <= 30, "{ta}");
        assert!(
            ta.starts_with("鄂州市2023年") && ta.ends_with("（第一场）"),
            "{ta}"
        );
        assert_ne!(ta, tb);
        assert_eq!(truncate_middle("短标题", 30), "短标题");
    }

    #[test]
    fn words_and_items_stay_whole() {
        let en = "44 applied, 0 duplicates, 0 held, 0 quarantined, 44 records changed";
        assert_eq!(
            wrap_words(en, 30),
            [
                "44 applied, 0 duplicates, 0",
                "held, 0 quarantined, 44",
                "records changed"
            ]
        );
        let zh = "来自 鄂州市(420700) 第 1 号，应用 44 条，重复 0 条，暂存 0 条，隔离 0 条";
        assert_eq!(
            wrap_words(zh, 30),
            [
                "来自 鄂州市(420700) 第 1 号，",
                "应用 44 条，重复 0 条，",
                "暂存 0 条，隔离 0 条"
            ]
        );
        // A path longer than a line is cut between characters; the indent stays.
        let long = wrap_words("  /a/very/long/path/to/a/bundle.pxb ok", 10);
        assert!(long.iter().all(|l| width(l) <= 10), "{long:?}");
        assert_eq!(long[0], "  /a/very/");
        assert_eq!(wrap_words("", 6), [""]);
        // Columns, not chars: a Chinese character takes two.
        assert_eq!(wrap_words("知识产权大培训", 6), ["知识产", "权大培", "训"]);
        // A closing mark goes down with the character before it rather than start a line.
        assert_eq!(wrap_words("知识产权大：培训", 10), ["知识产权", "大：培训"]);
    }

    #[test]
    fn pages_hold_the_selection() {
        assert_eq!(page(25, 0, 10), 0..10);
        assert_eq!(page(25, 12, 10), 10..20);
        // The end: a full page, not five rows and five blanks.
        assert_eq!(page(25, 24, 10), 15..25);
        assert_eq!(page(25, 19, 10), 10..20);
        assert_eq!(page(5, 4, 10), 0..5);
        assert_eq!(page(0, 0, 10), 0..0);
    }
}
