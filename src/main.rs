use clap::FromArgMatches;

use peixun::cli::Cli;

fn main() -> std::process::ExitCode {
    // Like other Unix tools, end quietly when the reader of our output goes away (`| head`).
    // SAFETY: restoring the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
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
        Ok(cli) => cli,
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
    if color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .install()
        .is_err()
    {
        eprintln!("peixun: could not install the error reporter");
    }
    let data_dir = peixun::commands::data_dir(&cli).ok();
    match peixun::commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(report) => {
            let damaged = data_dir
                .as_deref()
                .and_then(|dir| peixun::store::damaged_message(&report, dir));
            // Every message the user needs is in the chain; the backtrace is for developers.
            let chain: Vec<String> = report.chain().map(ToString::to_string).collect();
            let message = damaged.unwrap_or_else(|| chain.join(": "));
            let lines: Vec<_> = message
                .split('\n')
                .map(peixun::domain::text::printable)
                .collect();
            eprintln!("peixun: {}", lines.join("\n"));
            if peixun::commands::is_user_error(&report) {
                std::process::ExitCode::from(2)
            } else {
                std::process::ExitCode::FAILURE
            }
        }
    }
}
