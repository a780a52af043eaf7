//! The command line: every action of the TUI is also a subcommand, for scripts and tests.
//!
//! These structs say what parses. What `--help`, the man page and completions say is in
//! `assets/i18n/<lang>/help.toml` (applied by `cli_help`); the doc comments here are for
//! developers.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::award::AwardKind;
use crate::domain::input::SessionInput;
use crate::domain::{EnterpriseCategory, MarkStatus};
use crate::i18n::Lang;

/// 培训 peixun: training calendar, enrolment, check-in and deadline checklists for the
/// 2023 "百县万企" IP training campaign in Hubei.
#[derive(Debug, Parser)]
#[command(name = "peixun", version, about, long_about = None)]
pub struct Cli {
    /// Store directory [default: the platform data dir]
    #[arg(long, global = true, env = "PEIXUN_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Language of messages and screens: zh (中文) or en
    #[arg(long, global = true, env = "PEIXUN_LANG", default_value = "zh")]
    pub lang: Lang,

    /// Count the checklist from this date instead of today (YYYY-MM-DD)
    #[arg(long, global = true, value_name = "DATE")]
    pub today: Option<NaiveDate>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the terminal interface (the default)
    Tui,
    /// Create this office's store (县区局, 市局 or 省局 by the unit's level)
    Init {
        /// Unit name or code, e.g. 鄂城区 or 420704
        #[arg(long)]
        office: String,
        /// Your name for the audit trail [default: the login name]
        #[arg(long)]
        actor: Option<String>,
    },
    /// Build a realistic demo store and open it
    Demo(DemoArgs),
    /// The campaign's reference data
    Campaign {
        #[command(subcommand)]
        command: CampaignCommand,
    },
    /// List sessions (场次)
    Sessions {
        /// Only this month (YYYY-MM)
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add, edit or show a session; enrol or remove people
    Session {
        #[command(subcommand)]
        command: Box<SessionCommand>,
    },
    /// List people (学员)
    People {
        /// Only those enrolled in this session
        #[arg(long)]
        session: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add a person
    Person {
        #[command(subcommand)]
        command: PersonCommand,
    },
    /// List enterprises (企业)
    Enterprises {
        #[arg(long)]
        json: bool,
    },
    /// Add an enterprise
    Enterprise {
        #[command(subcommand)]
        command: EnterpriseCommand,
    },
    /// Find people by pinyin, initials, Hanzi, phone tail, code or enterprise, ranked in tiers
    Search {
        query: String,
        /// Rank this session's list first, then the rest of the office
        #[arg(long)]
        session: Option<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Enrol a person in a session, creating them (and their enterprise) when new
    Enrol(EnrolArgs),
    /// Check people in (签到) to a session
    Checkin(CheckinArgs),
    /// Who is checked in to a session, with times and late arrivals
    Attendance {
        #[arg(long)]
        session: String,
        #[arg(long)]
        json: bool,
    },
    /// Import people from an enrolment spreadsheet (XLSX, XLS, ODS or CSV; UTF-8 or GB18030)
    Import(ImportArgs),
    /// Official tables (样表, 签到表, 清单, 覆盖, 通报, 计划汇总表, 获证名单) as .xlsx, .csv or .pdf
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// The deadline checklist (清单) of a unit, or mark an item
    Checklist(ChecklistArgs),
    /// Checklist items due soon or overdue, for cron or a login banner
    Due {
        /// Working days ahead that count as soon
        #[arg(long, default_value_t = 7, allow_negative_numbers = true, value_parser = clap::value_parser!(i64).range(0..))]
        days: i64,
        #[arg(long)]
        json: bool,
    },
    /// Name this unit's 联系人 (again when the post changes hands)
    Contact {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        /// The post (职务); left out, the same person keeps the one held
        #[arg(long)]
        position: Option<String>,
        /// From this day [default: today]
        #[arg(long)]
        since: Option<chrono::NaiveDate>,
        /// The office phone (办公电话); an empty one takes it off
        #[arg(long)]
        office_phone: Option<String>,
    },
    /// Which peixun holds this office's store now: user, process, since when
    Who,
    /// The 联系人 of this office and every unit below it
    Contacts {
        /// Every contact named, oldest first, with who wrote it and when
        #[arg(long)]
        history: bool,
        #[arg(long)]
        json: bool,
    },
    /// The 评选: nominate 优秀师资, 优秀学员, 精品课程 (a city), choose (the province), list
    Award {
        #[command(subcommand)]
        command: AwardCommand,
    },
    /// This unit's training plan (培训计划): classes, reporting it to the city, the units' plans
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Reaching the enterprises: who was invited, confirmed, declined, visited
    Outreach {
        #[command(subcommand)]
        command: crate::cli_outreach::OutreachCommand,
    },
    /// The 附件3 services enterprises asked for, and their answers
    Need {
        #[command(subcommand)]
        command: crate::cli_outreach::NeedCommand,
    },
    /// Publicity about the campaign (宣传报道)
    Publicity {
        #[command(subcommand)]
        command: crate::cli_outreach::PublicityCommand,
    },
    /// The teachers' register (师资库) and who teaches where
    Teacher {
        #[command(subcommand)]
        command: crate::cli_outreach::TeacherCommand,
    },
    /// The audit trail (全程留痕): who changed what, when, on which device
    Log {
        /// Only ops touching this record
        #[arg(long)]
        record: Option<String>,
        /// Only the last N ops
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Verify every log chain and that state rebuilt from the logs equals the stored state
    Doctor,
    /// Print shell completions
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    Man,
    /// The IP specialist certification: online training, evaluation, exams, certificates
    Cert {
        #[command(subcommand)]
        command: crate::cli_cert::CertCommand,
    },
    /// This office's keys and the offices it trusts (身份与信任)
    Keys {
        #[command(subcommand)]
        command: crate::cli_bundle::KeysCommand,
    },
    /// Exchange bundles with other offices on USB sticks (数据包)
    Bundle {
        #[command(subcommand)]
        command: crate::cli_bundle::BundleCommand,
    },
    /// Back the store up now into the data dir's backups/, encrypted to this office's own key
    Backup {
        #[arg(long)]
        json: bool,
        /// Only today's automatic backup, if not made yet, quietly (what closing the TUI starts)
        #[arg(long)]
        auto: bool,
    },
    /// Rebuild a store from a backup file into the data dir, which must hold no store yet
    Restore {
        file: PathBuf,
        /// The office's keys folder [default: keys/ of the data dir whose backups/ holds FILE]
        #[arg(long, value_name = "DIR")]
        keys: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
}

pub use crate::demo::Scale;

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, value_enum, default_value_t = Scale::City)]
    pub scale: Scale,
    #[arg(long, default_value_t = 2023)]
    pub seed: u64,
    /// Build the store and print where it is, without opening the interface
    #[arg(long)]
    pub no_tui: bool,
}

#[derive(Debug, Subcommand)]
pub enum CampaignCommand {
    /// Print everything: units, courses, steps, services, liaison, materials, holidays
    Show {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Add a session; prints its id
    Add {
        #[command(flatten)]
        fields: SessionInput,
        /// Save even when the date is outside the plan's window for its kind or a holiday
        #[arg(long)]
        yes: bool,
    },
    /// Change the given fields of a session
    Edit {
        id: String,
        #[command(flatten)]
        fields: SessionInput,
        /// Save even when the date is outside the plan's window for its kind or a holiday
        #[arg(long)]
        yes: bool,
    },
    /// A session with its enrolment list
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Enrol a person (by id) in a session
    Enrol {
        id: String,
        person: String,
        /// Enrol even when the session is full
        #[arg(long)]
        over_capacity: bool,
    },
    /// Remove a person's enrolment
    Unenrol { id: String, person: String },
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    /// Add a person; prints the id
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        phone: String,
        #[arg(long, default_value = "")]
        position: String,
        /// Enterprise id or exact name
        #[arg(long)]
        enterprise: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum EnterpriseCommand {
    /// Add an enterprise; prints the id
    Add {
        #[arg(long)]
        name: String,
        /// 统一社会信用代码 (18 characters)
        #[arg(long)]
        credit_code: Option<String>,
        /// One of the seed's four; repeat for several
        #[arg(long = "category", value_enum)]
        categories: Vec<EnterpriseCategory>,
        /// Unit name or code [default: this office]
        #[arg(long)]
        unit: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// Unit name or code [default: this office]
    #[arg(long, global = true)]
    pub unit: Option<String>,
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Option<ChecklistCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ChecklistCommand {
    /// Mark an item done, waived or back to todo
    Mark {
        item: String,
        status: MarkStatus,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Attach an evidence file to an item (recorded by name, size and blake3 hash)
    Attach {
        item: String,
        file: PathBuf,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Set a unit's deadline for an item (a city for its counties)
    Deadline { item: String, date: NaiveDate },
    /// Evidence files of a unit and the units below it, by item, with their real names
    Files {
        /// Whose files: this office [default] or a unit below it, with the units below it
        #[arg(long)]
        office: Option<String>,
    },
    /// Save one evidence file out under its real name
    Get {
        /// The file's name as attached, or its id (the start of its hash, as `files` shows)
        file: String,
        /// Look among this unit's files and those of the units below it [default: this office]
        #[arg(long)]
        office: Option<String>,
        /// A folder to save into, or the new file's path [default: its name, here]; an
        /// existing file is never replaced
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AwardCommand {
    /// Nominate someone or something of this office's area; prints the nomination's id
    Nominate {
        #[arg(long, value_enum)]
        kind: AwardKind,
        /// The lecturer's name (teacher)
        #[arg(long)]
        name: Option<String>,
        /// The trainee by id, phone or participant code (trainee)
        #[arg(long)]
        person: Option<String>,
        /// The class the lecturer taught or the course was given at
        #[arg(long)]
        session: Option<String>,
        /// The course's number in 附件1 (course)
        #[arg(long)]
        course: Option<String>,
        /// The unit, when no class names it [default: this office]
        #[arg(long, conflicts_with = "session")]
        unit: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// Choose a nomination (the province), or take the choice back with --undo
    Select {
        id: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        undo: bool,
    },
    /// The nominations of this office's area, with the province's choice
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct EnrolArgs {
    #[arg(long)]
    pub session: String,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub phone: String,
    /// Enterprise name (企业全称); matched to a known enterprise when possible
    #[arg(long, default_value = "")]
    pub enterprise: String,
    /// 统一社会信用代码, matched to a known enterprise first
    #[arg(long, default_value = "")]
    pub credit_code: String,
    #[arg(long, default_value = "")]
    pub position: String,
    /// Enrol even when the session is full
    #[arg(long)]
    pub over_capacity: bool,
    /// The enterprise is new, though its name is close to a known one's
    #[arg(long)]
    pub new_enterprise: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("whom").required(true))]
pub struct CheckinArgs {
    #[arg(long)]
    pub session: String,
    /// A whole name, a phone tail of 4+ digits or a participant code: checks in only the one
    /// person it certainly names (else lists who it could be and exits 2)
    #[arg(long, group = "whom")]
    pub who: Option<String>,
    /// A participant code (参会码), as printed on the sign-in sheet
    #[arg(long, group = "whom")]
    pub code: Option<String>,
    /// Rows ticked on the printed sign-in sheet, by 序号: 3,5,8-12 (recorded at the session's
    /// start: the paper does not say when each came)
    #[arg(long, group = "whom", conflicts_with = "at")]
    pub numbers: Option<String>,
    /// Read participant codes from standard input, one a line (a scanner in a pipe); each line
    /// is answered once its check-in is on disk
    #[arg(long, group = "whom")]
    pub codes_from_stdin: bool,
    /// The time they came (HH:MM, on the session's day); needed once the session is over, when
    /// the clock is not the time of arrival (补录)
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// With --numbers: the printed sign-in sheet's version (第 N 版) the rows were ticked on
    /// [default: the latest printed]
    #[arg(long, requires = "numbers")]
    pub sheet: Option<u32>,
    /// Undo the check-in of the person named by --who or --code
    #[arg(long)]
    pub undo: bool,
    /// With --undo: take them off the session's list too (as someone the check-in put on it)
    #[arg(long, requires = "undo")]
    pub unenrol: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub file: PathBuf,
    /// What the rows are: people (an enrolment sheet) or enterprises (an enterprise list)
    #[arg(long = "as", value_enum, default_value_t = ImportKind::People)]
    pub kind: ImportKind,
    /// Also enrol everyone in this session
    #[arg(long)]
    pub session: Option<String>,
    /// The sheet to read [default: the first]
    #[arg(long)]
    pub sheet: Option<String>,
    /// Show what would be imported and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import the good rows even when some are bad (the bad ones are listed)
    #[arg(long)]
    pub skip_invalid: bool,
    #[arg(long)]
    pub json: bool,
}

pub use crate::cli_report::ReportCommand;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportKind {
    People,
    Enterprises,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Add a planned class
    Add(PlanAddArgs),
    /// This unit's plan, or the plans of the units below this office
    Show {
        #[arg(long)]
        office: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Change class N of the plan: only the fields given change
    Edit(PlanEditArgs),
    /// Take class N out of the plan
    Remove { number: usize },
    /// Report the plan to the city: marks county.plan done with it
    Submit,
}

/// The class to change and its new values, typed as text as `plan add` takes them.
#[derive(Debug, Args)]
pub struct PlanEditArgs {
    /// The class's number, as plan show numbers them
    pub number: usize,
    #[arg(long)]
    pub month: Option<String>,
    #[arg(long)]
    pub courses: Option<String>,
    #[arg(long)]
    pub audience: Option<String>,
    #[arg(long, allow_negative_numbers = true)]
    pub people: Option<String>,
    /// Enterprises expected; an empty value takes it out
    #[arg(long, allow_negative_numbers = true)]
    pub enterprises: Option<String>,
    /// A unit of the same city that co-hosts; an empty value takes it out
    #[arg(long)]
    pub cohost: Option<String>,
    #[arg(long)]
    pub teachers: Option<String>,
}

/// Typed as text, so each bad value is named in the UI language.
#[derive(Debug, Args)]
pub struct PlanAddArgs {
    /// Month of the class, 3-11
    #[arg(long)]
    pub month: String,
    /// 附件1 courses: K and 1-14, comma separated
    #[arg(long)]
    pub courses: String,
    #[arg(long)]
    pub audience: String,
    /// People expected
    #[arg(long, allow_negative_numbers = true)]
    pub people: String,
    /// Enterprises expected
    #[arg(long, allow_negative_numbers = true)]
    pub enterprises: Option<String>,
    /// A unit of the same city that co-hosts
    #[arg(long)]
    pub cohost: Option<String>,
    /// Teachers asked of the province, in words
    #[arg(long, default_value = "")]
    pub teachers: String,
}
