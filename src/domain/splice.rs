//! Replacing a few ranges of a large buffer in place. The 企业 tab's rows are a few flat buffers
//! of 15 MB at ten times the province; a change to one person used to build them all again
//! beside the old ones, and splicing range by range moves the tail once per range.

use std::ops::Range;

/// Replaces each range of `buf` with its slice, moving every element between the ranges once
/// and never holding a second buffer. `None`, with `buf` untouched, when the ranges are not in
/// order, overlap or run past the end.
pub fn splice_all<T: Copy + Default, W: AsRef<[T]>>(
    buf: &mut Vec<T>,
    edits: &[(Range<usize>, W)],
) -> Option<()> {
    let old_len = buf.len();
    // The runs kept between the ranges (where each is now, where it goes), and where each
    // range's slice goes.
    let mut runs: Vec<(Range<usize>, usize)> = Vec::with_capacity(edits.len() + 1);
    let mut slices_to: Vec<usize> = Vec::with_capacity(edits.len());
    let mut new_len = 0;
    let mut at = 0;
    for (range, with) in edits {
        let with = with.as_ref();
        if range.start < at || range.end < range.start || range.end > old_len {
            return None;
        }
        runs.push((at..range.start, new_len));
        new_len += range.start - at;
        slices_to.push(new_len);
        new_len += with.len();
        at = range.end;
    }
    runs.push((at..old_len, new_len));
    new_len += old_len - at;
    if new_len > old_len {
        buf.resize(new_len, T::default());
    }
    // Runs moving left go first, from the front; then runs moving right, from the back. Either
    // way a run lands only on room already moved from or on the ranges being replaced.
    for (run, to) in runs.iter().filter(|(run, to)| *to < run.start) {
        buf.copy_within(run.clone(), *to);
    }
    for (run, to) in runs.iter().rev().filter(|(run, to)| *to > run.start) {
        buf.copy_within(run.clone(), *to);
    }
    for ((_, with), &to) in edits.iter().zip(&slices_to) {
        let with = with.as_ref();
        buf[to..to + with.len()].copy_from_slice(with);
    }
    buf.truncate(new_len);
    Some(())
}

/// `splice_all` on a string's bytes; `None`, with `text` untouched, when a range does not fall
/// on characters.
pub fn splice_text<W: AsRef<str>>(text: &mut String, edits: &[(Range<usize>, W)]) -> Option<()> {
    let on_chars = edits
        .iter()
        .all(|(range, _)| text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
    if !on_chars {
        return None;
    }
    let bytes: Vec<(Range<usize>, &[u8])> = edits
        .iter()
        .map(|(range, with)| (range.clone(), with.as_ref().as_bytes()))
        .collect();
    let mut buf = std::mem::take(text).into_bytes();
    let done = splice_all(&mut buf, &bytes);
    // Whole characters in place of whole characters are still UTF-8; checked rather than
    // assumed, and a caller given `None` gives the text up.
    match String::from_utf8(buf) {
        Ok(spliced) => {
            *text = spliced;
            done
        }
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The same edits made by building a new buffer.
    fn rebuilt(buf: &[u8], edits: &[(Range<usize>, Vec<u8>)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut at = 0;
        for (range, with) in edits {
            out.extend_from_slice(&buf[at..range.start]);
            out.extend_from_slice(with);
            at = range.end;
        }
        out.extend_from_slice(&buf[at..]);
        out
    }

    proptest! {
        /// Whatever the ranges and what replaces them (longer, shorter, empty, at either end),
        /// the buffer is the one a copy would give.
        #[test]
        fn splicing_in_place_gives_what_a_copy_gives(
            buf in prop::collection::vec(any::<u8>(), 0..200),
            cuts in prop::collection::vec((0usize..200, 0usize..8, prop::collection::vec(any::<u8>(), 0..12)), 0..10),
        ) {
            let mut edits: Vec<(Range<usize>, Vec<u8>)> = Vec::new();
            let mut at = 0;
            let mut starts: Vec<_> = cuts.into_iter().map(|(s, l, w)| (s.min(buf.len()), l, w)).collect();
            starts.sort_by_key(|c| c.0);
            for (start, len, with) in starts {
                let start = start.max(at);
                let end = (start + len).min(buf.len());
                if start > end {
                    continue;
                }
                edits.push((start..end, with));
                at = end;
            }
            let expected = rebuilt(&buf, &edits);
            let mut spliced = buf.clone();
            prop_assert_eq!(splice_all(&mut spliced, &edits), Some(()));
            prop_assert_eq!(spliced, expected);
        }
    }

    #[test]
    fn ranges_out_of_order_or_past_the_end_leave_the_buffer_as_it_was() {
        let mut buf = b"abcdef".to_vec();
        let with: &[u8] = b"XY";
        assert_eq!(splice_all(&mut buf, &[(3..4, with), (1..2, with)]), None);
        assert_eq!(splice_all(&mut buf, &[(1..3, with), (2..4, with)]), None);
        assert_eq!(splice_all(&mut buf, &[(5..9, with)]), None);
        assert_eq!(buf, b"abcdef");
    }

    #[test]
    fn text_is_spliced_only_on_whole_characters() {
        let mut text = "张三\n李四\n".to_string();
        assert_eq!(splice_text(&mut text, &[(1..3, "x")]), None);
        assert_eq!(text, "张三\n李四\n");
        assert_eq!(splice_text(&mut text, &[(0..7, "王五六\n")]), Some(()));
        assert_eq!(text, "王五六\n李四\n");
    }
}
