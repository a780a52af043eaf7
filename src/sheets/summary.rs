//! The figures of a unit's 培训总结 (附件5's 工作总结), drafted from the records for the
//! coordinator to complete in words: classes and people, enterprises by the target's categories,
//! online training and certification, outreach, the 附件3 services asked and answered, and the
//! publicity. Each figure is the one the other reports give, for the unit and the units below it.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::bulletin::{self, Figures};
use super::doc::{Align, Cell, Column, Document, Row};
use super::rollup::TOTAL;
use crate::campaign::hierarchy::within;
use crate::campaign::{campaign, unit_name};
use crate::domain::outreach::{Publicity, ServiceAnswer, ServiceNeed};
use crate::domain::EnterpriseCategory;
use crate::i18n::{t, tf};
use crate::store::Store;
use color_eyre::eyre::Result;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub unit: String,
    pub year: i32,
    #[serde(flatten)]
    pub figures: Figures,
    pub enterprises_reached: usize,
    /// In the seed's order: 高新技术企业, 专精特新企业, 上市及后备企业, 科技型中小企业.
    pub reached_by_category: Vec<(String, usize)>,
    pub enterprises_contacted: usize,
    pub enterprises_visited: usize,
    pub needs_asked: usize,
    pub needs_answered: usize,
    pub publicity: usize,
    /// Whether its people or enterprises count once what two of its units both registered.
    pub counted_once: bool,
}

/// The summary figures of `office` and the units below it, for the year of `today`.
pub fn summary(store: &Store, office: &str, today: NaiveDate) -> Result<Summary> {
    let mut all = summaries(store, office, today)?;
    Ok(if all.is_empty() {
        Summary::default()
    } else {
        all.swap_remove(0)
    })
}

/// The summary figures of `office` and of every unit under it (the office first, then in
/// official order), each for the unit and the units below it, from one reading of the records:
/// a package at the province needs 119 of them.
pub fn summaries(store: &Store, office: &str, today: NaiveDate) -> Result<Vec<Summary>> {
    let year = today.year();
    let (bulletin, coverage) = bulletin::bulletin_and_coverage(store, office, year, today)?;
    let needs: Vec<ServiceNeed> = store
        .scan::<ServiceNeed>("u/n/")?
        .into_iter()
        .map(|(_, s)| s.value)
        .filter(|n| within(office, &n.unit))
        .collect();
    let answered: HashSet<String> = store
        .scan::<ServiceAnswer>("u/a/")?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let publicity: Vec<String> = store
        .scan::<Publicity>("b/")?
        .into_iter()
        .map(|(_, s)| s.value.unit)
        .filter(|unit| within(office, unit))
        .collect();
    let units = campaign().descendants(office);
    let mut out = Vec::with_capacity(units.len());
    for (unit, depth) in units {
        // The office's own line is its subtotal only in the total; a unit below it has one line.
        let key = if depth == 0 { TOTAL } else { unit.id.as_str() };
        let figures = bulletin
            .iter()
            .find(|row| row.unit == key && !row.own)
            .map(|row| row.figures)
            .unwrap_or_default();
        let total = coverage
            .iter()
            .find(|c| c.unit == key && !c.own)
            .cloned()
            .unwrap_or_default();
        let unit_needs: Vec<&ServiceNeed> =
            needs.iter().filter(|n| within(&unit.id, &n.unit)).collect();
        out.push(Summary {
            unit: unit.id.clone(),
            year,
            figures,
            enterprises_reached: total.enterprises_reached,
            reached_by_category: EnterpriseCategory::ALL
                .iter()
                .map(|c| {
                    let n = total.reached_by_category.get(c.name()).copied();
                    (c.name().to_string(), n.unwrap_or(0))
                })
                .collect(),
            enterprises_contacted: total.enterprises_contacted,
            enterprises_visited: total.enterprises_visited,
            needs_asked: unit_needs.len(),
            needs_answered: unit_needs
                .iter()
                .filter(|n| answered.contains(&n.id))
                .count(),
            publicity: publicity.iter().filter(|u| within(&unit.id, u)).count(),
            counted_once: total.counted_once,
        });
    }
    Ok(out)
}

/// The figures as a two-column table (指标, 数值) to paste into the 总结.
pub fn summary_document(summary: &Summary, maker: &str, made: NaiveDate) -> Document {
    let f = &summary.figures;
    let mut lines: Vec<(String, usize)> = vec![
        (t("cli.summary.classes"), f.classes),
        (
            t("cli.summary.offline_people"),
            usize::try_from(f.offline_people).unwrap_or(usize::MAX),
        ),
        (t("cli.summary.online"), f.online),
        (t("cli.summary.trained"), f.trained),
        (
            t("cli.summary.enterprises_reached"),
            summary.enterprises_reached,
        ),
    ];
    lines.extend(
        summary
            .reached_by_category
            .iter()
            .map(|(category, n)| (tf("cli.summary.by_category", &[("category", category)]), *n)),
    );
    lines.extend([
        (t("cli.summary.contacted"), summary.enterprises_contacted),
        (t("cli.summary.visited"), summary.enterprises_visited),
        (t("cli.summary.candidates"), f.candidates),
        (t("cli.summary.examined"), f.examined),
        (t("cli.summary.certified"), f.certified),
        (t("cli.summary.needs_asked"), summary.needs_asked),
        (t("cli.summary.needs_answered"), summary.needs_answered),
        (t("cli.summary.publicity"), summary.publicity),
    ]);
    Document {
        sheet: t("cli.summary.sheet"),
        title: tf(
            "cli.summary.title",
            &[
                ("office", &unit_name(&summary.unit)),
                ("year", &summary.year),
            ],
        ),
        line: crate::sheets::doc::office_line(maker, made),
        columns: vec![
            Column::new(t("cli.summary.col_item"), Align::Text),
            Column::new(t("cli.summary.col_value"), Align::Number),
        ],
        rows: lines
            .into_iter()
            .map(|(label, n)| Row::Body(vec![Cell::text(label), Cell::int(n)]))
            .collect(),
        notes: (f.awaiting_checkins > 0)
            .then(|| {
                tf(
                    "cli.report.awaiting_checkins",
                    &[("count", &f.awaiting_checkins)],
                )
            })
            .into_iter()
            .chain(
                summary
                    .counted_once
                    .then(|| t("cli.report.counted_once_note")),
            )
            .chain([t("cli.summary.note")])
            .collect(),
        landscape: false,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}
