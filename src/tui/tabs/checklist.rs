//! 清单: a county-level office sees its own items; a city or the province sees a grid of its
//! units by campaign step and drills into one unit. Only the unit itself marks its items (it owns
//! them, `log::authority`); others look.

use super::PAGE;
use crate::campaign::campaign;
use crate::domain::checklist::{ChecklistRow, ItemStatus};
use crate::domain::MarkStatus;
use crate::i18n::{t, tf};
use crate::tui::action::{Action, Effect};
use crate::tui::app::{Hint, Overlay, State};
use crate::tui::forms::Form;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChecklist {
    pub unit: String,
    pub name: String,
    /// 0 for the office itself or a city under the province, 1 for the units below it.
    pub depth: usize,
    pub rows: Vec<ChecklistRow>,
}

/// One column of the grid: a campaign step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepColumn {
    pub id: String,
    /// A short label that fits a column (`tui.step.<id>`), else the step's number.
    pub label: String,
    pub title: String,
}

/// A grid cell: the worst open status of a unit's items in one step, and how many are closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub status: ItemStatus,
    pub closed: usize,
    pub total: usize,
}

/// One change to an item, from its audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Local time, as shown ("2023-03-01 10:02").
    pub at: String,
    pub actor: String,
    /// The status it was marked, or the file attached.
    pub what: String,
    pub note: String,
}

/// The audit trail of the item it names, read on Enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemHistory {
    pub unit: String,
    pub item: String,
    pub entries: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChecklistState {
    pub units: Vec<UnitChecklist>,
    pub steps: Vec<StepColumn>,
    /// A city or the province: the grid comes first.
    pub grid: bool,
    pub row: usize,
    pub col: usize,
    /// The unit whose items are shown (always the office itself for a county).
    pub open: Option<usize>,
    /// The selected item of the open unit.
    pub item: usize,
    /// Shown in the item panel while that item is selected.
    pub history: Option<ItemHistory>,
    /// In the grid, how current each unit's row is: "截至第 17 号包，9 天前收到" by unit id
    /// (the office's own row has none).
    pub stale: std::collections::BTreeMap<String, String>,
}

fn step_of(item: &str) -> Option<&'static str> {
    campaign()
        .checklist
        .iter()
        .find(|def| def.id == item)
        .map(|def| def.step.as_str())
}

/// Open items first by urgency; all closed means done (or waived when nothing was done).
pub(super) fn severity(status: ItemStatus) -> u8 {
    match status {
        ItemStatus::Overdue => 4,
        ItemStatus::DueSoon => 3,
        ItemStatus::Todo => 2,
        ItemStatus::Done => 1,
        ItemStatus::Waived => 0,
    }
}

impl ChecklistState {
    /// Lays out the grid's columns from the steps the units' items belong to, in document order.
    pub fn set_units(&mut self, units: Vec<UnitChecklist>, grid: bool) {
        let used: Vec<&str> = units
            .iter()
            .flat_map(|u| u.rows.iter().filter_map(|r| step_of(&r.item)))
            .collect();
        self.steps = campaign()
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| used.contains(&s.id.as_str()))
            .map(|(i, s)| {
                let key = format!("tui.step.{}", s.id);
                let label = t(&key);
                StepColumn {
                    id: s.id.clone(),
                    label: if label == key {
                        (i + 1).to_string()
                    } else {
                        label
                    },
                    title: s.title.clone(),
                }
            })
            .collect();
        self.grid = grid;
        self.units = units;
        if !grid {
            self.open = Some(0);
        }
        self.row = self.row.min(self.units.len().saturating_sub(1));
        self.col = self.col.min(self.steps.len().saturating_sub(1));
        if let Some(open) = self.open {
            let len = self.units.get(open).map_or(0, |u| u.rows.len());
            self.item = self.item.min(len.saturating_sub(1));
        }
    }

    pub fn cell(&self, unit: &UnitChecklist, step: &str) -> Option<Cell> {
        let items: Vec<&ChecklistRow> = unit
            .rows
            .iter()
            .filter(|r| step_of(&r.item) == Some(step))
            .collect();
        let worst = items
            .iter()
            .map(|r| r.status)
            .max_by_key(|s| severity(*s))?;
        let closed = items.iter().filter(|r| !r.status.is_open()).count();
        Some(Cell {
            status: worst,
            closed,
            total: items.len(),
        })
    }

    pub fn open_unit(&self) -> Option<&UnitChecklist> {
        self.units.get(self.open?)
    }

    pub fn selected_item(&self) -> Option<&ChecklistRow> {
        self.open_unit()?.rows.get(self.item)
    }

    /// The selected item's audit trail, if it was read.
    pub fn selected_history(&self) -> Option<&ItemHistory> {
        let row = self.selected_item()?;
        self.history
            .as_ref()
            .filter(|h| h.unit == row.unit && h.item == row.item)
    }
}

pub fn update(state: &mut State, action: Action) -> Option<Effect> {
    if state.checklist.open.is_some() {
        return update_items(state, action);
    }
    let c = &mut state.checklist;
    let last_row = c.units.len().saturating_sub(1);
    let last_col = c.steps.len().saturating_sub(1);
    match action {
        Action::Up => c.row = c.row.saturating_sub(1),
        Action::Down => c.row = (c.row + 1).min(last_row),
        Action::PageUp => c.row = c.row.saturating_sub(PAGE),
        Action::PageDown => c.row = (c.row + PAGE).min(last_row),
        Action::Top => c.row = 0,
        Action::Bottom => c.row = last_row,
        Action::Left => c.col = c.col.saturating_sub(1),
        Action::Right => c.col = (c.col + 1).min(last_col),
        Action::Open if !c.units.is_empty() => {
            c.open = Some(c.row);
            c.item = 0;
        }
        _ => {}
    }
    None
}

fn update_items(state: &mut State, action: Action) -> Option<Effect> {
    let c = &mut state.checklist;
    let len = c.open_unit().map_or(0, |u| u.rows.len());
    let last = len.saturating_sub(1);
    match action {
        Action::Up => c.item = c.item.saturating_sub(1),
        Action::Down => c.item = (c.item + 1).min(last),
        Action::Top | Action::PageUp => c.item = 0,
        Action::Bottom | Action::PageDown => c.item = last,
        Action::Back if c.grid => c.open = None,
        Action::Open => {
            let row = c.selected_item()?;
            return Some(Effect::ItemHistory {
                unit: row.unit.clone(),
                item: row.item.clone(),
            });
        }
        Action::MarkDone | Action::MarkWaived | Action::MarkTodo | Action::Attach => {
            let row = c.selected_item()?.clone();
            if row.unit != state.office.id {
                let name = c.open_unit().map(|u| u.name.clone()).unwrap_or_default();
                state.error(tf("tui.checklist.not_owner", &[("unit", &name)]));
                return None;
            }
            let status = match action {
                Action::MarkDone => MarkStatus::Done,
                Action::MarkWaived => MarkStatus::Waived,
                Action::MarkTodo => MarkStatus::Todo,
                _ => {
                    state.overlay = Overlay::Form(Form::attach(&row.unit, &row.item, &row.title));
                    return None;
                }
            };
            let already = matches!(
                (status, row.status),
                (MarkStatus::Done, ItemStatus::Done) | (MarkStatus::Waived, ItemStatus::Waived)
            ) || (status == MarkStatus::Todo && row.status.is_open());
            if already {
                state.info(tf(
                    "tui.checklist.unchanged",
                    &[("title", &row.title), ("status", &row.status.label())],
                ));
                return None;
            }
            // Done and waived say why in a form; reopening needs no words.
            if status == MarkStatus::Todo {
                return Some(Effect::Mark {
                    unit: row.unit,
                    item: row.item,
                    status,
                    note: String::new(),
                });
            }
            state.overlay = Overlay::Form(Form::mark(&row.unit, &row.item, &row.title, status));
            return None;
        }
        _ => {}
    }
    None
}

pub fn hints(state: &State) -> Vec<Hint> {
    let c = &state.checklist;
    match c.open {
        None => vec![(Action::Open, "open_unit"), (Action::Right, "next_step")],
        Some(_) => {
            let own = c.open_unit().is_some_and(|u| u.unit == state.office.id);
            let mut out = Vec::new();
            if c.grid {
                out.push((Action::Back, "back"));
            }
            out.push((Action::Open, "history"));
            if own {
                out.extend([
                    (Action::MarkDone, "mark_done"),
                    (Action::MarkWaived, "mark_waived"),
                    (Action::MarkTodo, "mark_todo"),
                    (Action::Attach, "attach"),
                ]);
            }
            out
        }
    }
}
