//! Subcommands of `peixun keys` and `peixun bundle` (the format is docs/bundle-format.md).
//! Their help texts are in `assets/i18n/<lang>/help.toml`, see `cli_help`.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create this office's signing and encryption keys (other commands create them on first use)
    Init,
    /// This office, its role and its key fingerprint, to read out over the phone
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Write this office's identity card (public keys, signed) for another office to trust
    Export {
        #[arg(short, long, value_name = "PATH")]
        output: PathBuf,
    },
    /// Trust an office's identity card after comparing its fingerprint by phone, or take in a
    /// roster signed by a trusted office above
    Trust {
        file: PathBuf,
        /// The fingerprint as the other office read it out (needed for a card)
        #[arg(long)]
        fingerprint: Option<String>,
        /// Replace the keys the office is trusted with, after checking by phone that it started
        /// afresh
        #[arg(long)]
        replace: bool,
    },
    /// Trusted offices
    List {
        #[arg(long)]
        json: bool,
    },
    /// Refuse an office's current key from now on (cannot be undone: the office must rotate)
    Revoke {
        /// Unit name or code
        office: String,
        /// Confirms the revocation; without it, only what would happen is said
        #[arg(long)]
        yes: bool,
        /// Only the keys the office's current ones replaced (an impostor's trusted by mistake)
        #[arg(long)]
        replaced: bool,
    },
    /// Make the next generation of this office's keys; writes the new card signed by the old
    /// key, for the offices that trust this one to take in with `keys trust`
    Rotate {
        #[arg(short, long, value_name = "PATH")]
        output: PathBuf,
    },
    /// Write a signed roster of the trusted offices below this one (a city introducing its
    /// counties to the province)
    Roster {
        #[arg(short, long, value_name = "PATH")]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write a bundle for another office: everything it may see and has not acknowledged
    Export {
        /// Unit name or code of the recipient
        #[arg(long)]
        to: String,
        /// An existing folder to name the bundle in (from-to-number-date.pxb), or a file *.pxb
        #[arg(short, long, value_name = "PATH")]
        output: PathBuf,
        /// Send every log from its start, whatever the recipient acknowledged
        #[arg(long)]
        full: bool,
        /// Carry the evidence files (checklist attachments) the sent changes record, by content
        /// hash
        #[arg(long)]
        with_files: bool,
        /// Largest total of evidence files in one bundle, in MB
        #[arg(
            long,
            value_name = "MB",
            default_value_t = 200,
            requires = "with_files"
        )]
        files_cap_mb: u64,
        #[arg(long)]
        json: bool,
    },
    /// Take in bundles; each is taken whole or refused whole
    Import {
        /// Bundle files, or folders (a stick) whose .pxb files are taken oldest name first
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Who a bundle is from and to, without decrypting; its contents when it is for this office
    Inspect {
        path: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Ranges held until their gap fills, and quarantined forks
    Held {
        #[arg(long)]
        json: bool,
    },
    /// People in the records of more than one unit below this office (same phone, or same
    /// enterprise credit code and name), to check by hand
    Review {
        #[arg(long)]
        json: bool,
    },
}
