//! `peixun report`'s documents and their arguments. Their help texts are in
//! `assets/i18n/<lang>/help.toml`, see `cli_help`.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The 样表: one row per training class held, with the total of people
    Stats {
        /// Whose table: this office [default] or a unit below it
        #[arg(long)]
        office: Option<String>,
        #[arg(long, default_value_t = 2023)]
        year: i32,
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: 统计表-<office>-<date>.xlsx here]
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// For CSV output
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
    },
    /// Every unit's checklist: status of each step and material
    Checklist {
        #[arg(long)]
        office: Option<String>,
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: print]
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
    },
    /// Enterprises and people reached by unit, against the 10,000-enterprise target
    Coverage {
        #[arg(long)]
        office: Option<String>,
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: print]
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
        #[arg(long, conflicts_with = "output")]
        json: bool,
    },
    /// The 通报: per unit, classes and people offline, online, certification, ranks; the 评选
    Bulletin {
        #[arg(long)]
        office: Option<String>,
        #[arg(long, default_value_t = 2023)]
        year: i32,
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: print]
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
        #[arg(long, conflicts_with = "output")]
        json: bool,
    },
    /// 附件2: the units' training plans, with planned against held per unit
    Plans {
        #[arg(long)]
        office: Option<String>,
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: print]
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
        #[arg(long, conflicts_with = "output")]
        json: bool,
    },
    /// A directory of the units' 联系人: name, post, phone, since when
    Contacts {
        #[arg(long)]
        office: Option<String>,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
    },
    /// The roster of certified IP specialists (获证名单)
    Certified(crate::cli_cert::CertifiedArgs),
    /// A call list of this office's enterprises with full phones; the export is logged
    Calls(crate::cli_outreach::CallsArgs),
    /// The figures of a unit's 培训总结, drafted from the records
    Summary {
        #[arg(long)]
        office: Option<String>,
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: print]
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
        #[arg(long, conflicts_with = "output")]
        json: bool,
    },
    /// The 附件5 package: every unit's evidence by item, 统计表, sign-in records, contacts, index
    Package {
        /// Whose package: this office [default] or a unit below it, with the units below it
        #[arg(long)]
        office: Option<String>,
        /// A new folder, or FILE.zip
        #[arg(short, long)]
        output: PathBuf,
    },
    /// A printable A4 sign-in sheet (签到表) for a session
    Signin {
        #[arg(long)]
        session: String,
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: 签到表-<session>-<date>.xlsx here]
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// For CSV output
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
    },
    /// The 附件3 services the enterprises asked for, by service and unit, asked and answered
    Needs {
        /// FILE.xlsx, FILE.csv or FILE.pdf [default: print]
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = crate::sheets::write::Encoding::Utf8)]
        encoding: crate::sheets::write::Encoding,
        #[arg(long, conflicts_with = "output")]
        json: bool,
    },
    /// The training notice (培训通知) of a session, as an editable .docx or a .pdf
    Notice {
        #[arg(long)]
        session: String,
        /// FILE.docx or FILE.pdf, not already there [default: 培训通知-<session>-<date>.docx here]
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}
