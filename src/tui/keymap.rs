//! Keys are data: `assets/keymap.toml` names, for each action, the keys that trigger it. A user's
//! `keymap.toml` in the config dir replaces the keys of the actions it lists. A key bound twice
//! is refused at load with both actions named, never resolved by whichever comes first.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use color_eyre::eyre::{eyre, Result, WrapErr};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, TextKey};
use crate::i18n::tf;

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// A key with the modifiers that matter: shift is part of the character for printable keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyBinding {
    code: KeyCode,
    mods: KeyModifiers,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("shift-tab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
];

impl KeyBinding {
    /// Parses `q`, `G`, `?`, `ctrl-c`, `alt-x`, `enter`, `shift-tab`, `f1`...
    pub fn parse(text: &str) -> Option<KeyBinding> {
        let mut mods = KeyModifiers::NONE;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                mods |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                mods |= KeyModifiers::ALT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => {
                let lower = rest.to_ascii_lowercase();
                match NAMED.iter().find(|(name, _)| *name == lower) {
                    Some((_, code)) => *code,
                    None => {
                        let n: u8 = lower.strip_prefix('f')?.parse().ok()?;
                        if !(1..=12).contains(&n) {
                            return None;
                        }
                        KeyCode::F(n)
                    }
                }
            }
        };
        Some(Self::normalise(code, mods))
    }

    pub fn from_event(key: KeyEvent) -> KeyBinding {
        Self::normalise(key.code, key.modifiers)
    }

    /// Terminals report `G` as shift+G and shift-tab as shift+BackTab; the shift is already in
    /// the key, so it is dropped to make both spellings one binding.
    fn normalise(code: KeyCode, mods: KeyModifiers) -> KeyBinding {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        KeyBinding { code, mods }
    }

    /// How the help overlay and the footer show the key.
    pub fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("M-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("S-");
        }
        out.push_str(&key);
        out
    }

    /// The edit a raw key makes in a text input, if any.
    fn text_key(&self) -> Option<TextKey> {
        let plain = !self
            .mods
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        Some(match self.code {
            KeyCode::Char(c) if plain => TextKey::Char(c),
            KeyCode::Backspace => TextKey::Backspace,
            KeyCode::Delete => TextKey::Delete,
            KeyCode::Left => TextKey::Left,
            KeyCode::Right => TextKey::Right,
            KeyCode::Home => TextKey::Home,
            KeyCode::End => TextKey::End,
            KeyCode::Char('u') if self.mods == KeyModifiers::CONTROL => TextKey::ClearToStart,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Keymap {
    /// Keys of each action, in the order written.
    keys: BTreeMap<Action, Vec<KeyBinding>>,
    by_key: HashMap<KeyBinding, Action>,
    /// Where this install reads overrides from, shown in the help overlay.
    user_path: Option<PathBuf>,
}

/// Where the built-in map lives, for messages about it.
const BUILT_IN: &str = "assets/keymap.toml";

impl Keymap {
    /// The built-in map with the user's overrides from the config dir, if that file exists.
    pub fn load() -> Result<Keymap> {
        let path = user_keymap_path();
        let mut keymap = match path.as_deref().filter(|p| p.exists()) {
            None => Self::parse(DEFAULT_KEYMAP, None)?,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .wrap_err_with(|| tf("tui.keymap.unreadable", &[("file", &path.display())]))?;
                Self::parse(DEFAULT_KEYMAP, Some((path, &text)))?
            }
        };
        keymap.user_path = path;
        Ok(keymap)
    }

    pub fn user_path(&self) -> Option<&Path> {
        self.user_path.as_deref()
    }

    /// The built-in map alone (tests, and the reference for a user's file).
    pub fn built_in() -> Result<Keymap> {
        Self::parse(DEFAULT_KEYMAP, None)
    }

    /// `defaults`, with each action listed in `user` taking the user's keys instead.
    pub fn parse(defaults: &str, user: Option<(&Path, &str)>) -> Result<Keymap> {
        let mut raw = read_table(Path::new(BUILT_IN), defaults)?;
        if let Some((path, text)) = user {
            raw.extend(read_table(path, text)?);
        }
        let mut keys: BTreeMap<Action, Vec<KeyBinding>> = BTreeMap::new();
        let mut by_key: HashMap<KeyBinding, Action> = HashMap::new();
        for (action, texts) in raw {
            let mut bound = Vec::new();
            for text in texts {
                let key = KeyBinding::parse(&text).ok_or_else(|| {
                    eyre!(tf(
                        "tui.keymap.bad_key",
                        &[("key", &text), ("action", &action.name())]
                    ))
                })?;
                if let Some(first) = by_key.insert(key, action) {
                    return Err(eyre!(tf(
                        "tui.keymap.duplicate",
                        &[
                            ("key", &text),
                            ("first", &first.name()),
                            ("second", &action.name())
                        ]
                    )));
                }
                bound.push(key);
            }
            keys.insert(action, bound);
        }
        Ok(Keymap {
            keys,
            by_key,
            user_path: None,
        })
    }

    pub fn keys(&self, action: Action) -> &[KeyBinding] {
        self.keys.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The first key of an action as the footer shows it.
    pub fn hint(&self, action: Action) -> Option<String> {
        self.keys(action).first().map(KeyBinding::label)
    }

    /// The first of an action's keys that types nothing (an arrow rather than h or l), for a
    /// box that names its keys to someone who has just been typing.
    pub fn hint_untyped(&self, action: Action) -> Option<String> {
        let keys = self.keys(action);
        keys.iter()
            .find(|key| !matches!(key.text_key(), Some(TextKey::Char(_))))
            .or(keys.first())
            .map(KeyBinding::label)
    }

    /// The first key of an action that works under `focus`, as the footer shows it: on the
    /// check-in tab `?` would be typed, so its hint is F1.
    pub fn hint_in(&self, action: Action, focus: Focus) -> Option<String> {
        self.keys(action)
            .iter()
            .find(|key| focus.lets_through(key, action))
            .map(KeyBinding::label)
    }

    /// What a key press means under `focus`: see `Focus` for who gets which keys.
    pub fn resolve(&self, key: KeyEvent, focus: Focus) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let binding = KeyBinding::from_event(key);
        let bound = self.by_key.get(&binding).copied();
        if focus == Focus::Keys {
            return bound;
        }
        if let Some(edit) = binding.text_key() {
            let typed = matches!(edit, TextKey::Char(_));
            // A filter or form lets its field-moving keys through even where they edit
            // nothing else; the door line edits with every editing key.
            if typed || focus == Focus::Door || !bound.is_some_and(Action::passes_text_focus) {
                return Some(Action::Text(edit));
            }
        }
        match (focus, bound) {
            (Focus::Door, Some(action)) => Some(action),
            (_, Some(action)) if action.passes_text_focus() => Some(action),
            _ => None,
        }
    }
}

/// Who gets the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// No text input: every binding applies.
    Keys,
    /// A form or a `/` filter: printable and editing keys are typed; only the actions that move
    /// between inputs or leave them still apply.
    Text,
    /// The check-in search line, which always has focus on its tab: printable and editing keys
    /// are typed, every other key (Enter, arrows, Tab, F-keys, Ctrl-Z...) keeps its binding.
    Door,
}

impl Focus {
    /// Whether pressing `key` under this focus means `action` (rather than typing).
    fn lets_through(self, key: &KeyBinding, action: Action) -> bool {
        match self {
            Focus::Keys => true,
            Focus::Text => key.text_key().is_none() && action.passes_text_focus(),
            Focus::Door => key.text_key().is_none(),
        }
    }
}

fn read_table(path: &Path, text: &str) -> Result<BTreeMap<Action, Vec<String>>> {
    toml::from_str(text).map_err(|e| {
        eyre!(tf(
            "tui.keymap.parse",
            &[
                ("file", &path.display()),
                ("error", &e.to_string().trim_end())
            ]
        ))
    })
}

/// `<config dir>/keymap.toml`, e.g. `~/.config/peixun/keymap.toml` on Linux.
pub fn user_keymap_path() -> Option<PathBuf> {
    crate::dirs::config_dir().map(|dir| dir.join("keymap.toml"))
}
