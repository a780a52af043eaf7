//! Shared by the 同步 tab's tests in both languages: a city holding the golden test keys on the
//! tab, importing through the form, a stick of damaged files, and reading the screen back as
//! rows to check that a text is shown whole and broken only where a reader expects it.

use std::path::{Path, PathBuf};

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::fixtures::*;
use peixun::i18n::Lang;
use peixun::store::Store;
use peixun::sync::identity::keys_dir;
use peixun::sync::{trust, Card, Keys};
use peixun::tui::app::{Overlay, State, Tab};
use peixun::tui::Theme;

pub fn golden() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The city store with the golden city keys, trusting the golden county card, on the 同步 tab.
pub fn city_with_golden_keys() -> (tempfile::TempDir, Store, State) {
    let (dir, store) = city_store();
    let keys = Keys::read_from(&golden().join("city-keys")).expect("golden keys");
    keys.write_to(&keys_dir(store.dir())).expect("install keys");
    let text = std::fs::read_to_string(golden().join("county.card")).expect("card");
    let card = Card::from_text(&text).expect("card parses");
    trust::trust_card(&store, &card, &card.fingerprint()).expect("trusted");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('7'));
    assert_eq!(state.tab, Tab::Sync);
    // No stick on the test machine, whatever this one has mounted.
    state.sync.media.clear();
    (dir, store, state)
}

/// Replaces the focused text field's value.
pub fn retype(store: &Store, state: &mut State, text: &str) {
    press(store, state, KeyCode::End);
    for _ in 0..120 {
        press(store, state, KeyCode::Backspace);
    }
    typed(store, state, text);
}

pub fn import(store: &Store, state: &mut State, path: &Path) {
    press(store, state, KeyCode::Char('i'));
    assert!(matches!(state.overlay, Overlay::Form(_)));
    retype(store, state, &path.display().to_string());
    press(store, state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
}

/// A stick as a tester left it: the golden bundle and `extra` + 8 files that are not bundles or
/// were damaged on the way (cut short, one byte more, a byte flipped, text, noise, empty).
pub fn damaged_stick(extra: usize) -> tempfile::TempDir {
    let stick = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read(golden().join("county-to-city-v1.pxb")).expect("golden bundle");
    let at = |name: &str| stick.path().join(name);
    let write = |name: &str, bytes: &[u8]| std::fs::write(at(name), bytes).expect("write");
    write("good.pxb", &good);
    write("cut.pxb", &good[..500]);
    write("half.pxb", &good[..good.len() / 2]);
    let mut longer = good.clone();
    longer.push(b'A');
    write("plus1.pxb", &longer);
    let mut flipped = good.clone();
    flipped[good.len() / 2] ^= 0x40;
    write("flip.pxb", &flipped);
    let noise: Vec<u8> = (0..3000u32).map(|i| (i * 7919 % 251) as u8).collect();
    write("x.pxb", &noise);
    write("y.pxb", b"hello, this is a text file\n");
    write("empty.pxb", b"");
    write("notes.pxb", "会议纪要：第一场培训\n".as_bytes());
    for i in 0..extra {
        write(&format!("z{i:02}.pxb"), b"not a bundle");
    }
    stick
}

/// The screen's rows as text, a wide character once, trailing blanks dropped.
pub fn rows(buffer: &Buffer) -> Vec<String> {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            let mut row = String::new();
            let mut hidden = 0;
            for x in 0..area.width {
                if hidden > 0 {
                    hidden -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                hidden = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                row.push_str(symbol);
            }
            row.trim_end().to_string()
        })
        .collect()
}

/// `text` is on screen whole, from where its start is found, over as many rows as it takes;
/// each row ends at a space between words (English) or after a Chinese mark that ends an item
/// (Chinese), so no word or item like "隔离 0 条" is split. Returns the rows it took.
pub fn assert_shown_whole(buffer: &Buffer, text: &str, lang: Lang) -> usize {
    let rows = rows(buffer);
    let head: String = text.chars().take(12).collect();
    let (first, at) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| {
            // Where a word starts: "y.pxb" is not the end of "empty.pxb".
            r.match_indices(&head)
                .map(|(at, _)| at)
                .find(|&at| at == 0 || r[..at].ends_with(' '))
                .map(|at| (i, at))
        })
        .unwrap_or_else(|| panic!("{head:?} is not on screen:\n{}", rows.join("\n")));
    let mut shown = rows[first][at..].to_string();
    let mut next = first + 1;
    while shown.len() < text.len() && next < rows.len() {
        match lang {
            Lang::En => shown.push(' '),
            Lang::Zh => assert!(
                shown.ends_with(['，', '：', '；', '。', '、']),
                "a row of {text:?} ends inside an item: {shown:?}"
            ),
        }
        shown.push_str(rows[next].trim_start());
        next += 1;
    }
    assert_eq!(shown, text, "on screen:\n{}", rows.join("\n"));
    next - first
}

/// What is inside the box titled `title` (a dialog over the screen), without its borders.
pub fn boxed(buffer: &Buffer, title: &str) -> Buffer {
    let (left, top) = find(buffer, &format!("┌ {title}"))
        .unwrap_or_else(|| panic!("no box titled {title:?}:\n{}", rows(buffer).join("\n")));
    let right = (left + 1..buffer.area.width)
        .find(|&x| buffer[(x, top)].symbol() == "┐")
        .expect("the box's top right corner");
    let bottom = (top + 1..buffer.area.height)
        .find(|&y| buffer[(left, y)].symbol() == "└")
        .expect("the box's bottom left corner");
    let mut inside = Buffer::empty(Rect::new(0, 0, right - left - 1, bottom - top - 1));
    for y in 0..inside.area.height {
        for x in 0..inside.area.width {
            inside[(x, y)] = buffer[(left + 1 + x, top + 1 + y)].clone();
        }
    }
    inside
}
