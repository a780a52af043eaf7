//! `peixun cert ...`: the IP specialist certification chain from the command line. Its help
//! texts are in `assets/i18n/<lang>/help.toml`, see `cli_help`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::cert::Stage;

#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Import the live platform's watch log, questionnaire or test scores (CSV/XLSX)
    Import {
        file: PathBuf,
        #[arg(long)]
        sheet: Option<String>,
        /// Show what would change without writing
        #[arg(long)]
        dry_run: bool,
        /// Import the good rows even when some are bad (the bad ones are listed)
        #[arg(long)]
        skip_invalid: bool,
        #[arg(long)]
        json: bool,
    },
    /// The composite evaluation: the ranked candidate list (遴选名单) per city
    Evaluate {
        /// One city only (name or code)
        #[arg(long)]
        city: Option<String>,
        /// Record the evaluation (province office), so it travels and stands
        #[arg(long)]
        publish: bool,
        #[arg(long)]
        json: bool,
    },
    /// Put a person on the candidate list or take them off, with a reason
    Adjust {
        /// Person id, phone or participant code
        person: String,
        /// Take the person off the list (default: put on)
        #[arg(long)]
        drop: bool,
        #[arg(long)]
        reason: String,
    },
    /// Approve a city's expansion class (扩招班) so its students count
    Approve {
        /// The expansion-class session id
        session: String,
        #[arg(long)]
        reason: String,
        /// Withdraw an approval given before
        #[arg(long)]
        withdraw: bool,
    },
    /// Record exam and practical marks at an exam, makeup or expansion-class session
    Results(ResultArgs),
    /// Issue certificates to everyone who passed and holds none (or to one person)
    Issue {
        #[arg(long)]
        person: Option<String>,
        /// Date on the certificates [default: today]
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Everyone in the chain, with stage and outcome
    List {
        #[arg(long, value_enum)]
        stage: Option<Stage>,
        #[arg(long)]
        city: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A person's whole history: online, offline, evaluation, exams, certificate, points
    Show {
        person: String,
        #[arg(long)]
        json: bool,
    },
    /// Add an entry to a certified specialist's points ledger (积分)
    Points {
        person: String,
        /// study, practice, service or evaluation (see assets/cert.toml)
        #[arg(long)]
        category: String,
        #[arg(long, allow_hyphen_values = true)]
        points: i32,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        date: Option<NaiveDate>,
    },
}

#[derive(Debug, Args)]
pub struct ResultArgs {
    #[arg(long)]
    pub session: String,
    /// Person id, phone or participant code
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    pub person: Option<String>,
    /// Exam mark out of 100
    #[arg(long, required_unless_present_any = ["absent", "from"])]
    pub exam: Option<String>,
    /// Practical mark out of 100
    #[arg(long, required_unless_present_any = ["absent", "from"])]
    pub practical: Option<String>,
    /// Did not sit the exam (缺考): counts as a failure
    #[arg(long, conflicts_with_all = ["exam", "practical", "from"])]
    pub absent: bool,
    /// Why marks already recorded for this attempt change (更正原因); the earlier stay on record
    #[arg(long)]
    pub reason: Option<String>,
    /// A results sheet (XLSX/CSV): name, phone or enterprise, 考试成绩, 实操成绩 (缺考 for absent)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["exam", "practical"])]
    pub from: Option<PathBuf>,
    #[arg(long, requires = "from")]
    pub sheet: Option<String>,
    /// Show what would be recorded without writing
    #[arg(long, requires = "from")]
    pub dry_run: bool,
    /// Record the good rows even when some are bad (the bad ones are listed)
    #[arg(long, requires = "from")]
    pub skip_invalid: bool,
    #[arg(long, requires = "from")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CertifiedArgs {
    /// Whose roster: this office [default] or a unit below it
    #[arg(long)]
    pub office: Option<String>,
    /// FILE.xlsx, FILE.csv or FILE.pdf [default: 获证名单-<office>-<date>.xlsx here]
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
    pub encoding: crate::sheets::write::Encoding,
}
