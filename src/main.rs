use clap::FromArgMatches;

use peixun::cli::Cli;

fn main() -> std::process::ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes away (`| head`).
    // SAFETY: restoring the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    peixun::heap::configure();
    peixun::private_files::restrict_process();
    // No error's backtrace is ever shown (a failure prints its chain of messages), so none is
    // captured: symbolising one costs a refusal a third of a second and a hundred megabytes.
    // Panics still show theirs with RUST_BACKTRACE.
    std::env::set_var("RUST_LIB_BACKTRACE", "0");
    let args: Vec<String> = std::env::args().collect();
    // The help is written while parsing, so the language must be known before.
    let lang = peixun::args::lang_from_args(&args);
    peixun::i18n::set_lang(lang);
    let mut command = peixun::cli_help::command(lang);
    let parsed = command
        .try_get_matches_from_mut(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            return match peixun::args::describe(&error, &command) {
                None => {
                    let _ = error.print();
                    // 0 after --help and --version; 2 when the help stands in for a missing
                    // command (`peixun session`).
                    let code = u8::try_from(error.exit_code()).unwrap_or(2);
                    std::process::ExitCode::from(code)
                }
                Some(message) => {
                    eprintln!("peixun: {message}");
                    std::process::ExitCode::from(2)
                }
            };
        }
    };
    peixun::i18n::set_lang(cli.lang);
    // While another peixun holds the store with its interface open, it runs the command.
    let serves_soon = peixun::commands::remote::SERVES_SOON;
    if let Some(code) = peixun::commands::remote::forward(&args, &mut command, &cli, serves_soon) {
        return std::process::ExitCode::from(code);
    }
    if color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .install()
        .is_err()
    {
        eprintln!("peixun: could not install the error reporter");
    }
    let data_dir = peixun::commands::data_dir(&cli).ok();
    let mut result = peixun::commands::run(cli);
    // Another peixun took the store between the look for one serving it and the open: nothing
    // was done here. The command goes to it once it serves, or runs here again once it has let
    // go (an import ended, its daily backup written).
    if result.as_ref().is_err_and(peixun::store::is_locked) {
        let again = |command: &mut clap::Command| {
            command
                .try_get_matches_from_mut(&args)
                .and_then(|matches| Cli::from_arg_matches(&matches))
                .ok()
        };
        let patience = peixun::commands::remote::SERVES_AFTER_OPENING;
        let forwarded = again(&mut command)
            .and_then(|cli| peixun::commands::remote::forward(&args, &mut command, &cli, patience));
        if let Some(code) = forwarded {
            return std::process::ExitCode::from(code);
        }
        if let Some(cli) = again(&mut command) {
            result = peixun::commands::run(cli);
        }
    }
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(report) => {
            let (message, code) = peixun::commands::failure(&report, data_dir.as_deref());
            eprintln!("peixun: {message}");
            std::process::ExitCode::from(code)
        }
    }
}
