use clap::Parser;

use peixun::cli::Cli;
use peixun::error::is_user_error;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    peixun::i18n::set_lang(cli.lang);
    if color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .install()
        .is_err()
    {
        eprintln!("peixun: could not install the error reporter");
    }
    match peixun::commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(report) => {
            // Every message the user needs is in the chain; the backtrace is for developers.
            let chain: Vec<String> = report.chain().map(ToString::to_string).collect();
            eprintln!("peixun: {}", chain.join(": "));
            if is_user_error(&report) {
                std::process::ExitCode::from(2)
            } else {
                std::process::ExitCode::FAILURE
            }
        }
    }
}
