//! The terminal interface (DESIGN §5): three tabs (日历, 场次, 清单) over one office's store.
//!
//! Keys become `Action`s through the keymap, `update` changes the `State` and may ask for an
//! `Effect` (a store read or write) that the app runs; `view::render` draws the state and nothing
//! else. Nothing outside this module imports ratatui or crossterm.

pub mod action;
pub mod app;
pub mod data;
pub mod effects;
pub mod event;
pub mod forms;
pub mod keymap;
pub mod labels;
pub mod tabs;
pub mod theme;
pub mod view;
pub mod widgets;

use chrono::NaiveDate;
use color_eyre::eyre::{Result, WrapErr};
use ratatui::DefaultTerminal;

pub use action::{Action, Effect};
pub use app::{update, State};
pub use keymap::Keymap;
pub use theme::Theme;

use crate::i18n::t;
use crate::store::Store;

/// Opens the interface on `store` until the user quits or a stop signal arrives; the terminal is
/// restored on every way out, panics included (ratatui's hook).
pub fn run(store: Store, today: NaiveDate) -> Result<()> {
    let keymap = Keymap::load()?;
    let mut state = data::load(&store, today, keymap, Theme::from_env())?;
    let signals = event::Signals::install()?;
    let mut terminal = match ratatui::try_init() {
        Ok(terminal) => terminal,
        Err(error) => {
            ratatui::restore();
            return Err(error).wrap_err(t("tui.error.terminal"));
        }
    };
    let result = event_loop(&mut terminal, &store, &mut state, &signals);
    let cursor = terminal.show_cursor();
    let restored = ratatui::try_restore();
    result?;
    cursor.and(restored).wrap_err(t("tui.error.restore"))
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    store: &Store,
    state: &mut State,
    signals: &event::Signals,
) -> Result<()> {
    let mut dirty = true;
    loop {
        if dirty {
            terminal
                .draw(|frame| view::render(frame, state))
                .wrap_err(t("tui.error.draw"))?;
            dirty = false;
        }
        match event::next(signals)? {
            event::Event::Stop => return Ok(()),
            event::Event::Idle => {}
            event::Event::Redraw => dirty = true,
            event::Event::Key(key) => {
                if let Some(effect) = state.press(key) {
                    effects::run_effect(store, state, effect);
                }
                if state.quit {
                    return Ok(());
                }
                dirty = true;
            }
        }
    }
}
