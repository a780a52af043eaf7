//! Entering a printed sign-in sheet: the 序号 ticked on paper are typed as `3,5,8-12`, the names
//! behind them show as they are typed, and Enter checks them in with one commit. The numbers are
//! the rows of the latest sheet printed (its version is on the paper), so people enrolled since
//! never shift them; before any sheet was printed, the list's own order.

use chrono::NaiveDateTime;

use super::{Detail, EnrolRow, SessionsState};
use crate::i18n::tf;
use crate::sheets::report::parse_numbers;
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Overlay, State};
use crate::tui::context::Ctx;
use crate::tui::forms::TextInput;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperEntry {
    pub session: String,
    pub title: String,
    pub input: TextInput,
}

/// One ticked row as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticked<'a> {
    pub number: usize,
    pub row: &'a EnrolRow,
    pub first_at: Option<NaiveDateTime>,
}

/// What the typed numbers mean for this list: the ticked rows, or why they cannot be read.
pub fn preview<'a>(input: &str, people: &'a [EnrolRow]) -> Result<Vec<Ticked<'a>>, String> {
    let numbers = parse_numbers(input)?;
    numbers
        .into_iter()
        .map(|number| {
            let row = number.checked_sub(1).and_then(|i| people.get(i));
            row.map(|row| Ticked {
                number,
                row,
                first_at: row.checked_in,
            })
            .ok_or_else(|| {
                tf(
                    "cli.report.number_out_of_range",
                    &[("number", &number), ("count", &people.len())],
                )
            })
        })
        .collect()
}

/// The rows of the sheet on paper: the printed version's, or the list as it is when no sheet
/// was printed here.
pub fn sheet_rows(detail: Option<&Detail>) -> &[EnrolRow] {
    match detail {
        Some(d) => d.printed.as_ref().map_or(&d.people, |p| &p.rows),
        None => &[],
    }
}

/// Opens the entry for the session shown in 场次's detail.
pub fn open(tab: &SessionsState, ctx: &mut Ctx) {
    if let Some(detail) = &tab.detail {
        ctx.open(Overlay::Paper(PaperEntry {
            session: detail.row.session.id.clone(),
            title: detail.row.session.title.clone(),
            input: TextInput::default(),
        }));
    }
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    let Overlay::Paper(entry) = &mut state.overlay else {
        return None;
    };
    match action {
        Action::Text(key) => entry.input.edit(key),
        Action::Back => state.overlay = Overlay::None,
        Action::Open => {
            let detail = state.sessions.detail.as_ref();
            let ticked = preview(entry.input.value(), sheet_rows(detail));
            // Nothing to do for a bad list; the preview already says why.
            if let Ok(ticked) = ticked {
                return Some(Effect::PaperCheckIn {
                    session: entry.session.clone(),
                    numbers: ticked.iter().map(|t| t.number).collect(),
                    version: detail.and_then(|d| d.printed.as_ref()).map(|p| p.version),
                });
            }
        }
        _ => {}
    }
    None
}
