//! What the 企业 tab holds: the area's enterprises with their outreach, and the cursor.

pub use crate::domain::enterprise_rows::{EnterpriseRow, EnterpriseRows};
use crate::tui::list_filter::{named_keys, Filter};

/// What the tab asks `effects::run` for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutreachEffect {
    /// Read the enterprises and their outreach.
    Load,
    /// Record the outreach the form describes.
    Record {
        enterprise: String,
        status: crate::domain::outreach::OutreachStatus,
        on: chrono::NaiveDate,
        note: String,
    },
    /// Record that the enterprise asked for 附件3's service `service`.
    AddNeed {
        enterprise: String,
        service: String,
        on: chrono::NaiveDate,
        note: String,
    },
    /// Answer need `need`; an answer it already has is replaced only when `replace`.
    Answer {
        need: String,
        on: chrono::NaiveDate,
        note: String,
        replace: bool,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutreachState {
    /// Read on first entering the tab, then after every change.
    pub loaded: bool,
    /// The store changed since the rows were read: entering the tab reads them again.
    pub stale: bool,
    pub rows: EnterpriseRows,
    /// Index into `visible()`.
    pub selected: usize,
    /// Narrows the list by name, unit or category: an area has hundreds.
    pub filter: Filter,
    /// Only the enterprises nobody of which was trained this year.
    pub untrained_only: bool,
    /// The 附件3 needs of the area's enterprises, oldest first.
    pub needs: Vec<crate::app::needs::NeedRow>,
    /// What `/` finds each row by, made when a filter is first typed (`keys_for_filter`):
    /// 120,000 enterprises at ten times the province are not worked out on every keystroke.
    pub keys: Vec<String>,
    /// Rows whose enterprise another row has the name of: the same firm registered by two
    /// units, which the reports count once. Counted when the rows are read, not on every frame.
    pub repeated: usize,
}

impl OutreachState {
    /// Indices into `rows` of the enterprises shown, in list order.
    pub fn visible(&self) -> Vec<usize> {
        let matches = self.filter.matcher();
        (0..self.rows.len())
            .filter(|&i| !(self.untrained_only && self.rows.trained(i)))
            .filter(|&i| !self.filter.is_active() || self.keys.get(i).is_some_and(|k| matches(k)))
            .collect()
    }

    /// How many the filter chooses among: every enterprise, or with `n` the untrained ones.
    pub fn pool(&self) -> usize {
        if self.untrained_only {
            (0..self.rows.len())
                .filter(|&i| !self.rows.trained(i))
                .count()
        } else {
            self.rows.len()
        }
    }

    pub fn selected_row(&self) -> Option<EnterpriseRow<'_>> {
        self.rows.get(*self.visible().get(self.selected)?)
    }

    /// The selected enterprise's needs, oldest first.
    pub fn selected_needs(&self) -> Vec<&crate::app::needs::NeedRow> {
        let Some(row) = self.selected_row() else {
            return Vec::new();
        };
        self.needs
            .iter()
            .filter(|n| n.need.enterprise == row.id)
            .collect()
    }

    /// Makes what `/` finds the rows by, once a filter is typed.
    pub fn keys_for_filter(&mut self) {
        if self.filter.is_active() && self.keys.len() != self.rows.len() {
            self.keys = self.rows.iter().map(|row| keys(&row)).collect();
        }
    }

    /// New rows from the store, the cursor kept on the same enterprise when it is still listed.
    pub fn replace(&mut self, rows: EnterpriseRows) {
        let current = self.selected_row().map(|r| r.id.to_string());
        self.rows = rows;
        self.repeated = crate::app::outreach::repeated_names(self.rows.iter().map(|r| r.name));
        self.keys.clear();
        self.keys_for_filter();
        self.loaded = true;
        self.stale = false;
        let visible = self.visible();
        self.selected = current
            .and_then(|id| {
                visible
                    .iter()
                    .position(|&i| self.rows.get(i).is_some_and(|r| r.id == id))
            })
            .unwrap_or(0)
            .min(visible.len().saturating_sub(1));
    }
}

/// What `/` finds an enterprise by: its name, unit and categories, and the pinyin of its name
/// and unit.
fn keys(row: &EnterpriseRow) -> String {
    let words = format!("{} {} {}", row.name, row.unit_name, row.categories.label());
    named_keys(&words, &[row.name, row.unit_name])
}
