//! What the 报表 tab holds: its entries, the job running, a preview waiting for a yes and the last outcome.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::domain::Session;
use crate::i18n::t;
use crate::sheets::people::PeoplePlan;
use crate::sheets::write::Encoding;
use crate::tui::tabs::sessions::SessionRow;

/// The session a 签到表 or 通知 is printed for: the one last worked, open at the door or
/// selected on the 场次 tab, and which of the two it is, so the tab can say so.
#[derive(Debug, Clone, Copy)]
pub struct PapersSession<'a> {
    pub row: &'a SessionRow,
    pub at_door: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// The 样表 (情况统计表) of an office and its units.
    Stats,
    /// The sign-in sheet of the session last worked (`PapersSession`).
    Signin,
    /// The 培训通知 of the session last worked, as .docx or .pdf.
    Notice,
    /// Every unit's checklist, one row per item.
    Checklist,
    /// Enterprises and people reached, per unit, against the target.
    Coverage,
    /// The 通报: each unit's classes, online training and certification, ranked, and the 评选.
    Bulletin,
    /// The 附件5 package: every unit's evidence, tables and sign-in records, as a folder or .zip.
    Package,
    /// The enterprises' call list with full phones; writing it is logged.
    Calls,
    /// The figures of a unit's 培训总结.
    Summary,
    /// 附件2: the units' training plans, planned against held.
    Plans,
    /// The units' work contacts.
    Contacts,
}

impl ReportKind {
    pub fn key(self) -> &'static str {
        match self {
            ReportKind::Stats => "stats",
            ReportKind::Signin => "signin",
            ReportKind::Notice => "notice",
            ReportKind::Checklist => "checklist",
            ReportKind::Coverage => "coverage",
            ReportKind::Bulletin => "bulletin",
            ReportKind::Package => "package",
            ReportKind::Calls => "calls",
            ReportKind::Summary => "summary",
            ReportKind::Plans => "plans",
            ReportKind::Contacts => "contacts",
        }
    }

    pub fn title(self) -> String {
        t(&format!("tui.reports.{}", self.key()))
    }
}

/// What the list offers: a report, or the import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Report(ReportKind),
    Import,
}

pub const ENTRIES: [Entry; 12] = [
    Entry::Report(ReportKind::Stats),
    Entry::Report(ReportKind::Signin),
    Entry::Report(ReportKind::Notice),
    Entry::Report(ReportKind::Checklist),
    Entry::Report(ReportKind::Coverage),
    Entry::Report(ReportKind::Bulletin),
    Entry::Report(ReportKind::Summary),
    Entry::Report(ReportKind::Plans),
    Entry::Report(ReportKind::Contacts),
    Entry::Report(ReportKind::Package),
    Entry::Report(ReportKind::Calls),
    Entry::Import,
];

/// A report to write: everything the worker needs, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportJob {
    pub kind: ReportKind,
    pub office: String,
    /// The sign-in sheet's or the notice's session.
    pub session: Option<Box<Session>>,
    pub path: PathBuf,
    pub encoding: Encoding,
    /// The statistics count classes of this year up to this day.
    pub today: NaiveDate,
    /// The call list's enterprises.
    pub calls: crate::app::outreach::CallFilter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportWhat {
    People,
    Enterprises,
}

/// A spreadsheet to read and plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportJob {
    pub path: PathBuf,
    pub sheet: Option<String>,
    pub what: ImportWhat,
    /// People only: enrol everyone in this session too.
    pub session: Option<String>,
}

/// Work for the worker thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Report(ReportJob),
    Preview(ImportJob),
    /// Commit the previewed plan; `skip` leaves the bad rows out instead of refusing.
    Commit {
        skip: bool,
    },
}

/// An import read and planned, shown before anything is written.
pub struct Preview {
    pub job: ImportJob,
    pub plan: PeoplePlan,
    /// First bad row shown.
    pub scroll: usize,
    /// The form the preview came from: an import that cannot be written opens it again.
    pub form: Option<crate::tui::forms::Form>,
}

/// How the last piece of work ended, for the tab's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub text: String,
    pub error: bool,
}

impl Outcome {
    /// The outcome as the status line has it: one line.
    pub fn line(&self) -> String {
        self.text.replace('\n', " ")
    }
}

#[derive(Default)]
pub struct ReportsState {
    /// Index into `ENTRIES`.
    pub selected: usize,
    /// What the worker is doing, its latest progress line, and for how long (the app updates
    /// it while the worker runs; drawing never reads the clock).
    pub running: Option<(String, String, u64)>,
    pub preview: Option<Preview>,
    pub outcome: Option<Outcome>,
    /// The form the running job came from: a job that fails opens it again with the reason
    /// beside the file, so nothing typed is lost.
    pub job_form: Option<crate::tui::forms::Form>,
}

impl ReportsState {
    pub fn entry(&self) -> Entry {
        ENTRIES.get(self.selected).copied().unwrap_or(Entry::Import)
    }
}
