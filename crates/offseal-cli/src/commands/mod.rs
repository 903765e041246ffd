//! One module per subcommand; each `run` returns the exit code.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command};

mod cert;
mod raw;
mod unseal;

/// Runs the chosen subcommand.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Raw(args) => raw::run(&args),
        Command::Unseal(args) => unseal::run(&args),
        Command::Cert(args) => cert::run(&args),
    }
}
