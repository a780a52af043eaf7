//! One line of editable text, for forms and the door's search.

use super::action::TextKey;

/// One line of editable text with a cursor, counted in characters (not bytes) for CJK.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    value: String,
    cursor: usize,
}

impl TextInput {
    pub fn new(value: &str) -> TextInput {
        TextInput {
            value: value.to_string(),
            cursor: value.chars().count(),
        }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    /// The text left of the cursor, to place the terminal cursor by display width.
    pub fn before_cursor(&self) -> &str {
        let end = self.byte_at(self.cursor);
        &self.value[..end]
    }

    fn byte_at(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map_or(self.value.len(), |(i, _)| i)
    }

    pub fn edit(&mut self, key: TextKey) {
        let len = self.value.chars().count();
        match key {
            TextKey::Char(c) if !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.value.insert(at, c);
                self.cursor += 1;
            }
            TextKey::Char(_) => {}
            TextKey::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.value.remove(at);
                self.cursor -= 1;
            }
            TextKey::Backspace => {}
            TextKey::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value.remove(at);
            }
            TextKey::Delete => {}
            TextKey::Left => self.cursor = self.cursor.saturating_sub(1),
            TextKey::Right => self.cursor = (self.cursor + 1).min(len),
            TextKey::Home => self.cursor = 0,
            TextKey::End => self.cursor = len,
            TextKey::ClearToStart => {
                let at = self.byte_at(self.cursor);
                self.value.replace_range(..at, "");
                self.cursor = 0;
            }
        }
    }
}
