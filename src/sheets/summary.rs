//! The figures of a unit's 培训总结 (附件5's 工作总结), drafted from the records for the
//! coordinator to complete in words: classes and people, enterprises by the target's categories,
//! online training and certification, outreach, the 附件3 services asked and answered, and the
//! publicity. Each figure is the one the other reports give, for the unit and the units below it.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::bulletin::{self, Figures};
use super::doc::{Align, Cell, Column, Document, Row};
use super::rollup::{self, TOTAL};
use crate::campaign::hierarchy::within;
use crate::campaign::unit_name;
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
}

/// The summary figures of `office` and the units below it, for the year of `today`.
pub fn summary(store: &Store, office: &str, today: NaiveDate) -> Result<Summary> {
    let year = today.year();
    let figures = bulletin::bulletin(store, office, year, today)?
        .into_iter()
        .find(|row| row.unit == TOTAL)
        .map(|row| row.figures)
        .unwrap_or_default();
    let coverage = rollup::coverage(store, office)?;
    let total = coverage
        .iter()
        .find(|c| c.unit == TOTAL)
        .cloned()
        .unwrap_or_default();
    let needs: Vec<ServiceNeed> = store
        .scan::<ServiceNeed>("u/n/")?
        .into_iter()
        .map(|(_, s)| s.value)
        .filter(|n| within(office, &n.unit))
        .collect();
    let answered = store.scan::<ServiceAnswer>("u/a/")?;
    let needs_answered = needs
        .iter()
        .filter(|n| answered.iter().any(|(id, _)| *id == n.id))
        .count();
    let publicity = store
        .scan::<Publicity>("b/")?
        .into_iter()
        .filter(|(_, s)| within(office, &s.value.unit))
        .count();
    Ok(Summary {
        unit: office.to_string(),
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
        needs_asked: needs.len(),
        needs_answered,
        publicity,
    })
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
        notes: vec![t("cli.summary.note")],
        landscape: false,
        signing: false,
        maker: maker.to_string(),
        made,
    }
}
