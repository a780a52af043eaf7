//! Room for buffers that are built once and then held: grown by an eighth at a time, not
//! doubled, so that at the build's end they hold little room that will never be used. At ten
//! times the province the 企业 rows' text had grown to 27 MB by doubling.

/// The least a buffer grows by, so that a small one is not grown on every push.
const LEAST_GROWTH: usize = 4096;

fn growth(len: usize, extra: usize) -> usize {
    extra.max(len / 8).max(LEAST_GROWTH)
}

/// Room in `list` for `extra` more.
pub fn in_list<T>(list: &mut Vec<T>, extra: usize) {
    if list.capacity() - list.len() < extra {
        list.reserve_exact(growth(list.len(), extra));
    }
}

/// Room in `text` for `extra` more bytes.
pub fn in_text(text: &mut String, extra: usize) {
    if text.capacity() - text.len() < extra {
        text.reserve_exact(growth(text.len(), extra));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever is pushed, the room left over is at most what the last push asked for, an
        /// eighth of what is held, or the least growth.
        #[test]
        fn room_grows_by_an_eighth(pushes in proptest::collection::vec(0usize..3000, 1..400)) {
            let (mut text, mut list) = (String::new(), Vec::<u32>::new());
            for n in pushes {
                let most = |len: usize| len + n.max(len / 8).max(LEAST_GROWTH);
                let (text_before, list_before) = (most(text.len()), most(list.len()));
                in_text(&mut text, n);
                text.push_str(&"字".repeat(n / 3));
                in_list(&mut list, n);
                list.extend(std::iter::repeat_n(7, n));
                prop_assert!(text.capacity() <= text_before.max(text.len()));
                prop_assert!(list.capacity() <= list_before.max(list.len()));
            }
        }
    }
}
