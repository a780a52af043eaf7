//! The 通报 of 方案 二（五）2, per unit under an office: classes held and people trained offline
//! as the 样表 counts them (`report stats`), people who took part online, everyone trained
//! offline or online as the coverage report counts them, and the certification's candidates,
//! examined and certified as `cert list` counts them; ranked by people trained.

use std::collections::BTreeMap;
use std::ops::{AddAssign, Sub};

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use serde::Serialize;

use super::rollup::{coverage_and_own, Coverage, TOTAL};
use crate::campaign::campaign;
use crate::cert::{Rules, Stage};
use crate::store::Store;

/// One unit's figures (a subtotal for a unit with units under it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Offline classes held: the 样表's rows with check-ins.
    pub classes: usize,
    /// Classes past their day with no check-ins recorded yet: not counted as held, and said.
    pub awaiting_checkins: usize,
    /// Check-ins at those classes (the 样表's 人数, summed).
    pub offline_people: u64,
    /// People with time watched on the online platform.
    pub online: usize,
    /// People trained offline or online (the coverage report's 已参训人数).
    pub trained: usize,
    pub candidates: usize,
    pub examined: usize,
    pub certified: usize,
}

impl AddAssign for Figures {
    fn add_assign(&mut self, o: Figures) {
        self.classes += o.classes;
        self.awaiting_checkins += o.awaiting_checkins;
        self.offline_people += o.offline_people;
        self.online += o.online;
        self.trained += o.trained;
        self.candidates += o.candidates;
        self.examined += o.examined;
        self.certified += o.certified;
    }
}

impl Sub for Figures {
    type Output = Figures;
    fn sub(self, o: Figures) -> Figures {
        Figures {
            classes: self.classes.saturating_sub(o.classes),
            awaiting_checkins: self.awaiting_checkins.saturating_sub(o.awaiting_checkins),
            offline_people: self.offline_people.saturating_sub(o.offline_people),
            online: self.online.saturating_sub(o.online),
            trained: self.trained.saturating_sub(o.trained),
            candidates: self.candidates.saturating_sub(o.candidates),
            examined: self.examined.saturating_sub(o.examined),
            certified: self.certified.saturating_sub(o.certified),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulletinRow {
    /// The unit's id, or `TOTAL` for the last row.
    pub unit: String,
    /// Levels below the office the bulletin is about.
    pub depth: usize,
    /// The unit's own figures, apart from its units' (本级).
    pub own: bool,
    #[serde(flatten)]
    pub figures: Figures,
    /// By people trained among the rows of its level (cities, counties); ties share a rank.
    pub rank: Option<usize>,
    /// Whether its people trained count once a person two of its units registered
    /// (`Coverage::counted_once`), so that it is less than the sum of their rows.
    pub counted_once: bool,
}

/// A subtotal's people trained, from the coverage: how many, and whether any counted once.
type Under = BTreeMap<String, (usize, bool)>;

/// The figures each unit holds itself, every unit under `office`: classes by their host,
/// people by their unit (their enterprise's, else the office that registered them); the
/// people trained under each unit and `office`; and the coverage they come from.
fn own_figures(
    store: &Store,
    office: &str,
    year: i32,
    today: NaiveDate,
) -> Result<(BTreeMap<String, Figures>, Under, Vec<Coverage>)> {
    let mut own: BTreeMap<String, Figures> = BTreeMap::new();
    for class in super::report::stats_rows(store, office, year, today)? {
        let f = own.entry(class.unit).or_default();
        if class.people > 0 {
            f.classes += 1;
            f.offline_people += u64::from(class.people);
        } else if class.date < today {
            // Today's class may still be on: not late with its check-ins yet.
            f.awaiting_checkins += 1;
        }
    }
    store.each_cert_person(&Rules::load()?, |c| {
        let f = own.entry(c.unit).or_default();
        f.online += usize::from(c.facts.online_minutes > 0);
        f.candidates += usize::from(c.status.reached(Stage::Candidate));
        f.examined += usize::from(c.status.reached(Stage::Examined));
        f.certified += usize::from(c.status.reached(Stage::Certified));
        Ok(())
    })?;
    // People trained come from the coverage report itself, so the two cannot disagree: a unit's
    // own count is its own, and a subtotal is the coverage's (which counts once a person two
    // units registered).
    let (rows, own_people) = coverage_and_own(store, office)?;
    for (unit, _) in campaign().descendants(office) {
        own.entry(unit.id.clone()).or_default().trained =
            own_people.get(&unit.id).copied().unwrap_or(0);
    }
    let under = rows
        .iter()
        .filter(|r| !r.own)
        .map(|r| {
            let unit = if r.unit == TOTAL { office } else { &r.unit };
            (unit.to_string(), (r.people_reached, r.counted_once))
        })
        .collect();
    Ok((own, under, rows))
}

/// The bulletin's rows: for an office with units, its own figures first (本级) when it has any,
/// then each unit below it in the official order with the subtotal of everything under it, a
/// unit's own figures under it when it has units and figures of its own, and the total last.
pub fn bulletin(
    store: &Store,
    office: &str,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<BulletinRow>> {
    Ok(bulletin_and_coverage(store, office, year, today)?.0)
}

/// `bulletin`, and the coverage its people trained come from, read once.
pub fn bulletin_and_coverage(
    store: &Store,
    office: &str,
    year: i32,
    today: NaiveDate,
) -> Result<(Vec<BulletinRow>, Vec<Coverage>)> {
    let (own, under, coverage) = own_figures(store, office, year, today)?;
    let own_of = |unit: &str| own.get(unit).copied().unwrap_or_default();
    let subtotal = |unit: &str| {
        let mut sum = Figures::default();
        for (u, _) in campaign().descendants(unit) {
            sum += own_of(&u.id);
        }
        sum.trained = under.get(unit).map_or(0, |(people, _)| *people);
        sum
    };
    let row = |unit: &str, depth: usize, own: bool, figures: Figures| BulletinRow {
        unit: unit.to_string(),
        depth,
        own,
        figures,
        rank: None,
        counted_once: !own
            && under
                .get(if unit == TOTAL { office } else { unit })
                .is_some_and(|(_, once)| *once),
    };
    let tree = campaign().descendants(office);
    let mut rows = Vec::new();
    if tree.len() <= 1 {
        rows.push(row(office, 0, false, subtotal(office)));
    } else if own_of(office) != Figures::default() {
        rows.push(row(office, 0, true, own_of(office)));
    }
    for (unit, depth) in tree.iter().skip(1) {
        rows.push(row(&unit.id, *depth, false, subtotal(&unit.id)));
        let has_units = !campaign().children(&unit.id).is_empty();
        if has_units && own_of(&unit.id) != Figures::default() {
            rows.push(row(&unit.id, depth + 1, true, own_of(&unit.id)));
        }
    }
    rank(&mut rows);
    rows.push(row(TOTAL, 0, false, subtotal(office)));
    Ok((rows, coverage))
}

/// Ranks the units' rows by people trained within each level; equal counts share a rank and
/// the next rank skips as many (1, 2, 2, 4).
fn rank(rows: &mut [BulletinRow]) {
    let mut levels: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        if !row.own {
            levels.entry(row.depth).or_default().push(i);
        }
    }
    for members in levels.values() {
        for &i in members {
            let trained = rows[i].figures.trained;
            let above = members
                .iter()
                .filter(|&&j| rows[j].figures.trained > trained)
                .count();
            rows[i].rank = Some(above + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trained(unit: &str, depth: usize, own: bool, n: usize) -> BulletinRow {
        BulletinRow {
            unit: unit.into(),
            depth,
            own,
            figures: Figures {
                trained: n,
                ..Figures::default()
            },
            rank: None,
            counted_once: false,
        }
    }

    #[test]
    fn ties_share_a_rank_within_their_level() {
        let mut rows = vec![
            trained("420100", 1, false, 9),
            trained("420102", 2, false, 5),
            trained("420103", 2, false, 7),
            trained("420700", 1, false, 9),
            trained("420700", 2, true, 1),
            trained("420704", 2, false, 5),
            trained("429004", 1, false, 3),
        ];
        rank(&mut rows);
        let ranks: Vec<Option<usize>> = rows.iter().map(|r| r.rank).collect();
        assert_eq!(
            ranks,
            [Some(1), Some(2), Some(1), Some(1), None, Some(2), Some(3)]
        );
    }
}
