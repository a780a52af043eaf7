//! Subcommands for the work down to the enterprises: `peixun outreach`, `peixun need`,
//! `peixun publicity`, `peixun teacher`, and the arguments of `report calls`. Their help texts are in
//! `assets/i18n/<lang>/help.toml`, see `cli_help`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use crate::domain::EnterpriseCategory;

/// Which enterprises a list holds.
#[derive(Debug, Clone, Args)]
pub struct CallFilterArgs {
    /// Only enterprises of this category
    #[arg(long, value_enum)]
    pub category: Option<EnterpriseCategory>,
    /// Only enterprises none of whose people was trained this year
    #[arg(long)]
    pub untrained: bool,
}

#[derive(Debug, Subcommand)]
pub enum OutreachCommand {
    /// Record where the outreach to one of this office's enterprises stands
    Set {
        /// The enterprise's id or name
        enterprise: String,
        /// invited, confirmed, declined or visited (已通知、已确认、不参加、已上门)
        status: String,
        /// On this day [default: today]
        #[arg(long)]
        on: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The enterprises of this office's area: trained this year or not, outreach (phones masked)
    List {
        #[command(flatten)]
        filter: CallFilterArgs,
        #[arg(long)]
        json: bool,
    },
}

/// `report calls`: the call list with full phones, an export written to the log.
#[derive(Debug, Args)]
pub struct CallsArgs {
    #[command(flatten)]
    pub filter: CallFilterArgs,
    /// FILE.xlsx, FILE.csv or FILE.pdf [default: print]
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
    pub encoding: crate::sheets::write::Encoding,
    #[arg(long, conflicts_with = "output")]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum NeedCommand {
    /// An enterprise asked for one of 附件3's seven services; prints the need's id
    Add {
        /// The enterprise's id or name
        enterprise: String,
        /// 附件3's 序号, 1-7
        service: String,
        /// On this day [default: today]
        #[arg(long)]
        on: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Answer a need (the unit itself, its city or the province)
    Answer {
        id: String,
        /// On this day [default: today]
        #[arg(long)]
        on: Option<NaiveDate>,
        #[arg(long, default_value = "")]
        note: String,
        /// Replace the answer the need already has
        #[arg(long)]
        replace: bool,
    },
    /// The needs of this office and the units below it
    List {
        /// Only needs not answered yet
        #[arg(long)]
        open: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum PublicityCommand {
    /// Record a report about the campaign (宣传报道); prints its id
    Add {
        #[arg(long)]
        title: String,
        /// Where it appeared: paper, website, WeChat account …
        #[arg(long)]
        outlet: String,
        /// The day it appeared [default: today]
        #[arg(long)]
        on: Option<NaiveDate>,
        /// The session it covered
        #[arg(long)]
        session: Option<String>,
        /// A link, or where the cutting is kept
        #[arg(long, default_value = "")]
        link: String,
        /// The cutting itself (a scan, a screenshot, a PDF), kept as the evidence of the
        /// unit's publicity item
        #[arg(long)]
        file: Option<std::path::PathBuf>,
    },
    /// The publicity of this office and the units below it
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeacherCommand {
    /// Add a teacher to this office's register (the province's or a city's); prints the id
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        organisation: String,
        /// 职称 or post
        #[arg(long, default_value = "")]
        title: String,
        /// 附件1 courses taught, comma-separated: K, 1-14
        #[arg(long)]
        courses: String,
        #[arg(long, default_value = "")]
        phone: String,
    },
    /// The register, with the sessions each teacher is sent to; double bookings flagged
    List {
        #[arg(long)]
        json: bool,
    },
    /// Send a teacher to a session of this office's area
    Assign {
        #[arg(long)]
        session: String,
        /// The teacher's id or name
        #[arg(long)]
        teacher: String,
        /// Send them even when they teach elsewhere that day
        #[arg(long)]
        yes: bool,
    },
    /// Take a teacher off a session
    Unassign {
        #[arg(long)]
        session: String,
        #[arg(long)]
        teacher: String,
    },
}
