//! What the 清单 tab holds: the units' rows, the grid's step columns and the open unit's items.

use crate::campaign::campaign;
use crate::domain::checklist::{ChecklistRow, ItemStatus};
use crate::domain::contact::Contact;
use crate::i18n::t;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitChecklist {
    pub unit: String,
    pub name: String,
    /// 0 for the office itself or a city under the province, 1 for the units below it.
    pub depth: usize,
    pub rows: Vec<ChecklistRow>,
    /// The unit's 联系人, as it named it.
    pub contact: Option<Contact>,
    /// The contact's office phone (办公电话), when the unit gave one.
    pub office_phone: Option<String>,
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
    /// The open unit's training plan, shown over its items (Enter on `county.plan`).
    pub plan: Option<super::plan::PlanScreen>,
    /// The open unit's publicity, shown over its items (Enter on `county.publicity`).
    pub publicity: Option<super::publicity::PublicityScreen>,
}

fn step_of(item: &str) -> Option<&'static str> {
    campaign()
        .checklist
        .iter()
        .find(|def| def.id == item)
        .map(|def| def.step.as_str())
}

/// Open items first by urgency; all closed means done (or waived when nothing was done).
pub fn severity(status: ItemStatus) -> u8 {
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
