//! One module per subcommand; each `run` parses nothing, calls the library, prints, and
//! returns the exit code.

use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Cli, Command, KubesealCli};
use crate::report;

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
    let json = json_inputs(&cli.command);
    let result = dispatch(cli.command);
    // A failure before any input was reported (a bad certificate or key, a bad flag): with
    // --json, a `failed` line per input all the same, as the README promises programs.
    if let (Err(err), Some((command, files))) = (&result, json)
        && !crate::write::is_broken_pipe(err)
    {
        let message = format!("{err:#}");
        for file in files {
            let _ = report::print_json(&report::failure(command, &file, &message));
        }
    }
    result
}

/// With --json: the command's name and its inputs.
fn json_inputs(command: &Command) -> Option<(&'static str, Vec<String>)> {
    let (name, json, files) = match command {
        Command::Values(a) => ("values", a.write.report.json, a.files.clone()),
        Command::Set(a) => ("set", a.write.report.json, vec![a.file.clone()]),
        Command::Reseal(a) => ("reseal", a.write.report.json, a.files.clone()),
        Command::Check(a) => ("check", a.output.json, a.files.clone()),
        Command::Verify(a) => ("verify", a.output.json, a.files.clone()),
        Command::Seal(a) => (
            "seal",
            a.report.json,
            vec![a.file.clone().unwrap_or_else(|| "stdin".to_owned())],
        ),
        Command::Cert(a) => ("cert", a.output.json, vec![crate::fetch::shown(&a.cert)]),
        Command::Policy(a) => ("policy", a.output.json, a.files.clone()),
        _ => return None,
    };
    json.then_some((name, files))
}

fn dispatch(command: Command) -> Result<ExitCode> {
    match command {
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
