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
        commands::run_kubeseal(cli::KubesealCli::parse())
    } else {
        commands::run(cli::Cli::parse())
    };
    match result {
        Ok(code) => code,
        Err(err) if write::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            write::to_stderr(&format!("error: {err:#}"));
            ExitCode::FAILURE
        }
    }
}

fn invoked_as_kubeseal() -> bool {
    std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .is_some_and(|name| name == "kubeseal")
}
