//! `offseal`: seal secrets for the Bitnami sealed-secrets controller, offline.

// Doc comments in cli.rs are --help text, where URLs are written out plainly.
#![allow(rustdoc::bare_urls)]
// Every write to stdout or stderr goes through `write`, which reports or tolerates failure
// (a full disk, a closed pipe); `print!` and friends would panic instead.
#![cfg_attr(
    not(test),
    deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)
)]

mod batch;
mod cli;
mod commands;
mod credentials;
mod diff;
mod fetch;
mod input;
mod kubeconfig;
mod manifests;
mod policy;
mod report;
mod target;
mod write;

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    // Installed as (or linked to) `kubeseal`, the binary takes kubeseal's command line.
    let result = if invoked_as_kubeseal() {
        cli::KubesealCli::try_parse()
            .map_err(usage)
            .and_then(commands::run_kubeseal)
    } else {
        cli::Cli::try_parse().map_err(usage).and_then(commands::run)
    };
    match result {
        Ok(code) => code,
        Err(err) if err.downcast_ref::<Exit>().is_some() => err
            .downcast_ref::<Exit>()
            .map_or(ExitCode::FAILURE, |exit| exit.0),
        Err(err) if write::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            write::to_stderr(&format!("error: {err:#}"));
            ExitCode::FAILURE
        }
    }
}

/// `--help` and `--version` go to stdout like any result, so that a write error (a full disk)
/// fails instead of passing unseen; usage errors print as clap prints them, exit code 2.
fn usage(err: clap::Error) -> anyhow::Error {
    use clap::error::ErrorKind;
    use std::io::IsTerminal as _;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let text = if std::io::stdout().is_terminal() {
            err.render().ansi().to_string()
        } else {
            err.render().to_string()
        };
        return match write::to_stdout(text.as_bytes()) {
            Ok(()) => anyhow::Error::new(Exit(ExitCode::SUCCESS)),
            Err(e) => e,
        };
    }
    let _ = err.print();
    anyhow::Error::new(Exit(ExitCode::from(
        u8::try_from(err.exit_code()).unwrap_or(2),
    )))
}

/// An exit with nothing more to say.
#[derive(Debug)]
struct Exit(ExitCode);

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("exit")
    }
}

impl std::error::Error for Exit {}

fn invoked_as_kubeseal() -> bool {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .is_some_and(|name| name == "kubeseal")
}
