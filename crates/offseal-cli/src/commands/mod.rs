//! One module per subcommand; each `run` parses nothing, calls the library, prints, and
//! returns the exit code.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command, KubesealCli};

mod cert;
mod check;
mod docs;
mod kubeseal;
mod policy;
mod raw;
mod reseal;
mod seal;
mod set;
mod unseal;
mod values;
mod verify;

/// Runs the chosen subcommand.
pub(crate) fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Raw(args) => raw::run(&args),
        Command::Unseal(args) => unseal::run(&args),
        Command::Values(args) => values::run(&args),
        Command::Set(args) => set::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Seal(args) => seal::run(&args),
        Command::Reseal(args) => reseal::run(&args),
        Command::Kubeseal(args) => kubeseal::run(&args),
        Command::Cert(args) => cert::run(&args),
        Command::Policy(args) => policy::run(&args),
        Command::Completions(args) => docs::completions(args.shell),
        Command::Man => docs::man(),
    }
}

/// Runs the binary as `kubeseal`.
pub(crate) fn run_kubeseal(cli: KubesealCli) -> Result<ExitCode> {
    kubeseal::run(&cli.args)
}
