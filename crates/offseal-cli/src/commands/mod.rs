//! One module per subcommand; each `run` returns the exit code.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::Result;
use offseal_core::Timestamp;

use crate::cli::{Cli, Command, WriteArgs};
use crate::{diff, write};

mod cert;
mod check;
mod kubeseal;
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
    }
}

/// Runs the binary as `kubeseal`.
pub(crate) fn run_kubeseal(cli: crate::cli::KubesealCli) -> Result<ExitCode> {
    kubeseal::run(&cli.args)
}

/// Today, for provenance comments.
pub(crate) fn today() -> Timestamp {
    Timestamp::from_system_time(SystemTime::now())
}

/// What [`apply`] did with an edit.
pub(crate) enum Applied {
    /// The file was rewritten in place.
    Written,
    /// The edit changed nothing; the file was not touched.
    Unchanged,
    /// `--dry-run`: the diff was printed.
    Previewed,
    /// `--output`: written there.
    Output(String),
}

/// Runs `edit` on `file` and writes the result as `how` says: in place (locked, atomic), to
/// `--output`, or as a `--dry-run` diff on stdout.
pub(crate) fn apply(
    file: &str,
    how: &WriteArgs,
    edit: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<Applied> {
    if how.dry_run || how.output.is_some() {
        let old = crate::input::read_input(Some(file), "a values file")?;
        let new = edit(&old)?;
        return match how.output.as_deref() {
            None => {
                let mut stdout = std::io::stdout().lock();
                stdout.write_all(diff::unified(file, &old, &new).as_bytes())?;
                stdout.flush()?;
                Ok(Applied::Previewed)
            }
            Some("-") => {
                let mut stdout = std::io::stdout().lock();
                stdout.write_all(&new)?;
                stdout.flush()?;
                Ok(Applied::Output("stdout".to_owned()))
            }
            Some(to) => {
                write::write_new(to, &new, write::Readers::Anyone)?;
                Ok(Applied::Output(to.to_owned()))
            }
        };
    }
    Ok(match write::update_in_place(file, edit)? {
        write::Change::Written => Applied::Written,
        write::Change::Unchanged => Applied::Unchanged,
    })
}

/// Files at least this many show a progress bar (on a terminal only).
const PROGRESS_FROM: usize = 20;

/// Runs `work` on every file on all cores (`RAYON_NUM_THREADS` limits them); results come
/// back in input order. A progress bar shows on a terminal for long runs, never in CI logs.
pub(crate) fn for_each_file<T: Send>(files: &[String], work: impl Fn(&str) -> T + Sync) -> Vec<T> {
    use rayon::prelude::*;
    // One file needs no thread pool: starting one costs more than the whole main job.
    if let [file] = files {
        return vec![work(file)];
    }
    let bar = if files.len() >= PROGRESS_FROM && std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let results = files
        .par_iter()
        .map(|file| {
            let result = work(file);
            bar.inc(1);
            result
        })
        .collect();
    bar.finish_and_clear();
    results
}

/// Reports each file's outcome on stderr, in input order; exit 1 if any failed.
pub(crate) fn finish_batch(files: &[String], results: Vec<Result<String>>) -> ExitCode {
    let mut failed = 0;
    for (file, result) in files.iter().zip(results) {
        match result {
            Ok(message) => eprintln!("{message}"),
            Err(err) => {
                failed += 1;
                let text = format!("{err:#}");
                // Library errors already start with the file name.
                if text.starts_with(file.as_str()) {
                    eprintln!("error: {text}");
                } else {
                    eprintln!("error: {file}: {text}");
                }
            }
        }
    }
    if failed > 0 {
        if files.len() > 1 {
            eprintln!("{failed} of {} files failed", files.len());
        }
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
