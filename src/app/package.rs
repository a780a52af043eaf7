//! The 附件5 package a city sends the province by 11/30 (二(五)1): for an office and every unit
//! below it, each unit's evidence under its real name by checklist item, its 统计表, its
//! training plan, its summary figures and the sign-in records of its classes; the office's whole
//! 统计表, its units' contacts and an index of every file and every item, so an item without
//! evidence shows.
//!
//! Layout, every name safe on a Windows or FAT USB stick:
//! `index.xlsx`, `统计表-<office>.xlsx`, `联系人-<office>.xlsx`, `总结数据-<office>.xlsx`,
//! `培训计划汇总表-<office>.xlsx` (附件2, when units below it plan), then per unit
//! `NN-<unit>/统计表-<unit>.xlsx`, `NN-<unit>/培训计划汇总表-<unit>.xlsx` (a unit that plans),
//! `NN-<unit>/总结数据-<unit>.xlsx`, `NN-<unit>/签到表/<date>-<class>.xlsx` and
//! `NN-<unit>/NN-<item>/<file>`.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};

use super::evidence::{kept, office_in_area, refuse_existing, units_of};
use super::{Outcome, Refusal};
use crate::campaign::{campaign, unit_name};
use crate::domain::checklist::{EvidenceFile, ItemStatus};
use crate::domain::file_name::FolderNames;
use crate::domain::{Session, SessionKind};
use crate::i18n::{t, tf};
use crate::sheets::archive::Archive;
use crate::sheets::doc::Document;
use crate::sheets::output::{document_bytes, plain, FileFormat};
use crate::sheets::package_index::{
    contacts_document, index_document, ContactLine, IndexLine, Place,
};
use crate::sheets::plans::{plans_document, UnitPlan};
use crate::sheets::report::{hosted_rows, signin_record, stats_document, stats_rows};
use crate::sheets::stamp::office_name;
use crate::sheets::summary::{summary_document, Summary};
use crate::sheets::write::Encoding;
use crate::store::Store;

/// What a package came to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PackageWritten {
    pub office: String,
    pub path: PathBuf,
    pub units: usize,
    /// Evidence files written.
    pub files: usize,
    /// Evidence recorded here whose bytes never came (bundles sent without files).
    pub not_held: usize,
    /// Checklist items without evidence, waived ones aside.
    pub missing: usize,
    /// Sign-in records of classes.
    pub signin_sheets: usize,
}

impl PackageWritten {
    /// What was written, in words: units, files, sign-in records, and what is missing.
    pub fn counts(&self) -> String {
        tf(
            "package.counts",
            &[
                ("office", &unit_name(&self.office)),
                ("units", &self.units),
                ("files", &self.files),
                ("signin", &self.signin_sheets),
                ("missing", &self.missing),
                ("not_held", &self.not_held),
            ],
        )
    }
}

/// Writes the package of `raw_office` (this office when none) to `target`: a folder, or a .zip
/// when its name ends so, its entries dated `now`. `progress` hears of each unit as it starts. Refused before anything is
/// written when the office is unknown or outside this one's area, or `target` exists.
pub fn write(
    store: &Store,
    raw_office: Option<&str>,
    target: &Path,
    today: NaiveDate,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Outcome<PackageWritten> {
    let office = office_in_area(store, raw_office)?;
    refuse_other_archive(target)?;
    refuse_existing(target)?;
    let parent = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    if !parent.is_dir() {
        return Err(Refusal::said(tf(
            "package.no_folder",
            &[("path", &parent.display())],
        )));
    }
    let failed = |e: color_eyre::Report| {
        // A bare I/O error is said in the coordinator's words; one with context, with it.
        let reason = match e.downcast_ref::<std::io::Error>() {
            Some(io) if e.chain().len() == 1 => crate::error::io_reason(io),
            _ => format!("{e:#}"),
        };
        Refusal::said(tf(
            "cli.report.write_failed",
            &[("file", &target.display()), ("reason", &reason)],
        ))
    };
    let year = campaign().year;
    // The classes whose sign-in records a package carries: offline and expansion classes held.
    let held = store
        .sessions()?
        .into_iter()
        .filter(|s| {
            matches!(s.kind, SessionKind::Offline | SessionKind::Expansion)
                && chrono::Datelike::year(&s.date) == year
                && s.date <= today
        })
        .collect();
    let plans = crate::sheets::plans::unit_plans(store, &office, year, today)?;
    let summaries = crate::sheets::summary::summaries(store, &office, today)?;
    let mut package = Package {
        store,
        today,
        held,
        plans,
        summaries,
        own_level: None,
        archive: Archive::create(target, now).map_err(failed)?,
        index: Vec::new(),
        written: PackageWritten::default(),
    };
    let units = units_of(&office);
    package.own_level = (units.len() > 1).then(|| office.clone());
    let evidence = crate::store::checklist::evidence_files(store, &units)?;
    let mut top = FolderNames::default();
    let index_name = top.claim("index.xlsx");
    let mut unit_lines = Vec::new();
    for (n, unit) in units.iter().enumerate() {
        progress(n + 1, units.len(), &unit_name(unit));
        let folder = top.claim(&format!("{:02}-{}", n + 1, package.shown(unit)));
        let files: Vec<&EvidenceFile> = evidence.iter().filter(|f| &f.unit == unit).collect();
        package.unit(&folder, unit, &files).map_err(failed)?;
        unit_lines.append(&mut package.index);
    }
    package
        .office_sheets(&office, &units, &mut top)
        .map_err(failed)?;
    package.index.append(&mut unit_lines);
    let written = &package.written;
    let notes = vec![tf(
        "package.index_note",
        &[
            ("files", &written.files),
            ("missing", &written.missing),
            ("not_held", &written.not_held),
        ],
    )];
    let maker = office_name(&office, store.office())?;
    let index = index_document(&unit_name(&office), &package.index, notes, &maker, today);
    package.add_sheet(&[index_name], &index).map_err(failed)?;
    let mut written = package.written;
    written.units = units.len();
    written.office = office;
    written.path = package.archive.finish(target).map_err(failed)?;
    Ok(written)
}

/// A name such as `附件5.tar` or `.rar` asks for an archive this does not write; a folder of that
/// name would surprise whoever opens it.
fn refuse_other_archive(target: &Path) -> Outcome<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let other = [
        ".tar", ".tar.gz", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar",
    ]
    .iter()
    .any(|ending| name.ends_with(ending));
    if other {
        return Err(Refusal::said(tf(
            "package.not_zip",
            &[("path", &target.display())],
        )));
    }
    Ok(())
}

/// A package being written, and its index so far.
struct Package<'a> {
    store: &'a Store,
    today: NaiveDate,
    held: Vec<Session>,
    /// The plan of every unit under the office that makes one, as 附件2 reads it.
    plans: Vec<UnitPlan>,
    /// The summary figures of the office and of every unit under it.
    summaries: Vec<Summary>,
    /// The office, when it has units below: its own folder holds its own classes only, so its
    /// files there are named for its own level (鄂州市本级), not for the whole office whose
    /// files are at the top.
    own_level: Option<String>,
    archive: Archive,
    index: Vec<IndexLine>,
    written: PackageWritten,
}

impl Package<'_> {
    /// `unit` as its folder and the files in it name it.
    fn shown(&self, unit: &str) -> String {
        if self.own_level.as_deref() == Some(unit) {
            tf("package.own_level", &[("unit", &unit_name(unit))])
        } else {
            unit_name(unit)
        }
    }

    fn add_sheet(&mut self, parts: &[String], doc: &Document) -> color_eyre::Result<u64> {
        let bytes = document_bytes(std::slice::from_ref(doc), FileFormat::Xlsx, Encoding::Utf8)?;
        self.archive.add(parts, &bytes)?;
        Ok(bytes.len() as u64)
    }

    /// A sheet the package makes, written and listed under `item` for `unit`.
    fn generated(
        &mut self,
        parts: &[String],
        doc: &Document,
        unit: &str,
        item: String,
    ) -> color_eyre::Result<()> {
        let size = self.add_sheet(parts, doc)?;
        // A file at the top is the whole office's; one in a folder, that folder's unit's.
        let unit = if parts.len() > 1 {
            self.shown(unit)
        } else {
            unit_name(unit)
        };
        self.index.push(IndexLine {
            unit,
            item,
            status: String::new(),
            file: Place::File(parts.join("/")),
            size: Some(size),
            by: t("package.generated"),
            date: Some(self.today),
        });
        Ok(())
    }

    /// One unit's folder: its 统计表, its classes' sign-in records, its evidence by item.
    fn unit(
        &mut self,
        folder: &str,
        unit: &str,
        files: &[&EvidenceFile],
    ) -> color_eyre::Result<()> {
        let store = self.store;
        let mut names = FolderNames::default();
        let maker = office_name(unit, store.office())?;
        let year = campaign().year;
        let stats = hosted_rows(store, &[unit.to_string()], year, self.today)?;
        let doc = stats_document(&maker, &stats, self.today);
        let stats_name = names.claim(&format!(
            "{}-{}.xlsx",
            t("cli.report.sheet_stats"),
            self.shown(unit)
        ));
        self.generated(
            &[folder.to_string(), stats_name],
            &doc,
            unit,
            t("cli.report.sheet_stats"),
        )?;
        if let Some(plan) = self.plans.iter().find(|p| p.unit == unit) {
            let doc = plans_document(unit, std::slice::from_ref(plan), year, &maker, self.today);
            let name = names.claim(&format!(
                "{}-{}.xlsx",
                t("cli.plan.sheet"),
                self.shown(unit)
            ));
            self.generated(&[folder.to_string(), name], &doc, unit, t("cli.plan.sheet"))?;
        }
        // The office's summary figures are its whole area's, at the top; none of its own level.
        if self.own_level.as_deref() != Some(unit) {
            self.summary_sheet(&mut names, Some(folder), unit, &maker)?;
        }
        let signin_folder = names.claim(&t("cli.report.sheet_signin"));
        self.signin_records(&[folder.to_string(), signin_folder], unit, &maker)?;
        let rows = crate::store::checklist::rows(store, unit, self.today)?;
        for (n, def) in campaign().checklist_for(unit).into_iter().enumerate() {
            let status = rows
                .iter()
                .find(|r| r.item == def.id)
                .map(|r| r.status.label())
                .unwrap_or_default();
            let shown = self.shown(unit);
            let line = |file: Place, size, by: String, date| IndexLine {
                unit: shown.clone(),
                item: def.title.clone(),
                status: status.clone(),
                file,
                size,
                by,
                date,
            };
            let item_files: Vec<&&EvidenceFile> =
                files.iter().filter(|f| f.item == def.id).collect();
            if item_files.is_empty() {
                let waived = rows
                    .iter()
                    .any(|r| r.item == def.id && r.status == ItemStatus::Waived);
                let place = if waived {
                    Place::Waived
                } else {
                    self.written.missing += 1;
                    Place::Missing
                };
                self.index.push(line(place, None, String::new(), None));
                continue;
            }
            let item_folder = names.claim(&format!("{:02}-{}", n + 1, def.title));
            let mut file_names = FolderNames::default();
            for file in item_files {
                let by = format!("{}（{}）", file.actor, unit_name(&file.office));
                let date = Some(file.evidence.added.date());
                let size = Some(file.evidence.size);
                let Some(bytes) = kept(store, file).map_err(refusal_report)? else {
                    let shown = tf(
                        "package.not_held_line",
                        &[("file", &file.evidence.file_name)],
                    );
                    self.index.push(line(Place::File(shown), size, by, date));
                    self.written.not_held += 1;
                    continue;
                };
                let name = file_names.claim(&file.evidence.file_name);
                let parts = [folder.to_string(), item_folder.clone(), name];
                self.archive.add(&parts, &bytes)?;
                self.index
                    .push(line(Place::File(parts.join("/")), size, by, date));
                self.written.files += 1;
            }
        }
        Ok(())
    }

    /// The summary figures of `unit`, in `folder` (the package's top when none).
    fn summary_sheet(
        &mut self,
        names: &mut FolderNames,
        folder: Option<&str>,
        unit: &str,
        maker: &str,
    ) -> color_eyre::Result<()> {
        let Some(summary) = self.summaries.iter().find(|s| s.unit == unit) else {
            return Ok(());
        };
        let doc = summary_document(summary, maker, self.today);
        let name = names.claim(&format!(
            "{}-{}.xlsx",
            t("cli.summary.sheet"),
            match folder {
                Some(_) => self.shown(unit),
                None => unit_name(unit),
            }
        ));
        let parts: Vec<String> = folder
            .map(str::to_string)
            .into_iter()
            .chain([name])
            .collect();
        self.generated(&parts, &doc, unit, t("cli.summary.sheet"))
    }

    /// The sign-in record of each class `unit` hosted, in `parts` (its folder).
    fn signin_records(
        &mut self,
        parts: &[String],
        unit: &str,
        maker: &str,
    ) -> color_eyre::Result<()> {
        let mut names = FolderNames::default();
        let hosted: Vec<Session> = self
            .held
            .iter()
            .filter(|s| s.credited_unit() == unit)
            .cloned()
            .collect();
        for session in hosted {
            let doc = signin_record(self.store, &session, maker, self.today)?;
            let name = names.claim(&format!("{}-{}.xlsx", session.date, plain(&session.title)));
            let mut path = parts.to_vec();
            path.push(name);
            self.generated(&path, &doc, unit, t("cli.report.sheet_signin"))?;
            self.written.signin_sheets += 1;
        }
        Ok(())
    }

    /// The office's whole 统计表 and its units' contacts, at the top of the package.
    fn office_sheets(
        &mut self,
        office: &str,
        units: &[String],
        top: &mut FolderNames,
    ) -> color_eyre::Result<()> {
        let store = self.store;
        let maker = office_name(office, store.office())?;
        let rows = stats_rows(store, office, campaign().year, self.today)?;
        let doc = stats_document(&maker, &rows, self.today);
        let name = top.claim(&format!(
            "{}-{}.xlsx",
            t("cli.report.sheet_stats"),
            unit_name(office)
        ));
        self.generated(&[name], &doc, office, t("cli.report.sheet_stats"))?;
        let mut contacts = Vec::new();
        for unit in units {
            contacts.push(ContactLine {
                unit: unit_name(unit),
                contact: super::contacts::current(store, unit).map_err(refusal_report)?,
                office_phone: super::contacts::office_phone(store, unit).map_err(refusal_report)?,
            });
        }
        let doc = contacts_document(&unit_name(office), &contacts, &maker, self.today);
        let name = top.claim(&format!(
            "{}-{}.xlsx",
            t("cli.col.contact"),
            unit_name(office)
        ));
        self.generated(&[name], &doc, office, t("cli.col.contact"))?;
        // The figures for the 工作总结 the package goes with, and the publicity it counts.
        self.summary_sheet(top, None, office, &maker)?;
        // The office's 附件2: its units' plans side by side, as it reports them upward.
        if self.plans.iter().any(|p| p.unit != office) {
            let doc = plans_document(office, &self.plans, campaign().year, &maker, self.today);
            let name = top.claim(&format!(
                "{}-{}.xlsx",
                t("cli.plan.sheet"),
                unit_name(office)
            ));
            self.generated(&[name], &doc, office, t("cli.plan.sheet"))?;
        }
        let publicity: Vec<_> = super::publicity::list(store)
            .map_err(refusal_report)?
            .into_iter()
            .filter(|r| crate::campaign::hierarchy::within(office, &r.item.unit))
            .collect();
        if publicity.is_empty() {
            return Ok(());
        }
        let doc = super::publicity::document(&publicity, office, &maker, self.today);
        let name = top.claim(&format!(
            "{}-{}.xlsx",
            t("cli.publicity.sheet"),
            unit_name(office)
        ));
        self.generated(&[name], &doc, office, t("cli.publicity.sheet"))
    }
}

/// A refusal met inside a step that reports errors, as that error.
fn refusal_report(refusal: Refusal) -> color_eyre::Report {
    refusal.into()
}
