//! Running a command over many files: all cores, results in input order, one report per file,
//! and the one way an edit reaches its destination (in place, `--output`, or `--dry-run`).

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::time::SystemTime;

use anyhow::{Result, bail};
use offseal_core::Timestamp;
use offseal_core::values::{Path, ValuesFile};

use crate::cli::WriteArgs;
use crate::report::{self, Mode, Report};
use crate::{diff, write};

/// Files at least this many show a progress bar (on a terminal only).
const PROGRESS_FROM: usize = 20;

/// Today, for provenance comments.
pub(crate) fn today() -> Timestamp {
    SystemTime::now().into()
}

/// Refuses `--output` with several input files (they would all be written to one place), and
/// `--json` with output that goes to stdout too (`-o -`).
pub(crate) fn check_single_output(files: &[String], how: &WriteArgs) -> Result<()> {
    if how.output.is_some() && files.len() > 1 {
        bail!(
            "--output takes one input file, but {} were given",
            files.len()
        );
    }
    if how.report.json && how.output.as_deref() == Some("-") {
        bail!("--json prints its report to stdout: give --output a file, not -");
    }
    Ok(())
}

/// What [`apply`] did with an edit.
pub(crate) enum Applied {
    /// The file was rewritten in place.
    Written,
    /// The edit changed nothing; the file was not touched.
    Unchanged,
    /// `--dry-run`: the diff to show.
    Previewed(String),
    /// `--output`: written there.
    Output(String),
}

impl Applied {
    /// The line reporting it: `FILE: <verb> <what>`, with what happened to the file.
    /// `unchanged` is said when the edit changed nothing.
    pub(crate) fn text(&self, file: &str, verb: &str, what: &str, unchanged: &str) -> String {
        match self {
            Applied::Written => format!("{file}: {verb} {what}"),
            Applied::Unchanged => format!("{file}: {unchanged}"),
            Applied::Previewed(_) => {
                format!("{file}: would {} {what} (dry run)", base_verb(verb))
            }
            Applied::Output(to) => format!("{file}: {verb} {what}, written to {to}"),
        }
    }

    /// The report: the line, and for machines `status` (`changed`, `unchanged`, `dry-run`,
    /// `written` to `output`) with the `diff` of a dry run.
    pub(crate) fn report(&self, file: &str, verb: &str, what: &str, unchanged: &str) -> Report {
        let text = self.text(file, verb, what, unchanged);
        match self {
            Applied::Written => Report::new(file, "changed", text),
            Applied::Unchanged => Report::new(file, "unchanged", text),
            Applied::Previewed(diff) => {
                Report::new(file, "dry-run", text).with("diff", diff.clone())
            }
            Applied::Output(to) => Report::new(file, "written", text).with("output", to.clone()),
        }
    }
}

/// `sealed` -> `seal`, `set` -> `set`, `resealed` -> `reseal`.
fn base_verb(verb: &str) -> &str {
    verb.strip_suffix("ed").map_or(
        verb,
        |stem| {
            if stem.ends_with("seal") { stem } else { verb }
        },
    )
}

/// Runs `edit` on `file` and writes the result as `how` says: in place (locked, atomic), to
/// `--output`, or as a `--dry-run` diff on stdout. The diff hides every plaintext where a
/// sealed value belongs, and the old value at `sealing` (the path about to be sealed).
pub(crate) fn apply(
    file: &str,
    how: &WriteArgs,
    sealing: Option<&Path>,
    edit: impl FnOnce(&[u8]) -> Result<Vec<u8>>,
) -> Result<Applied> {
    if how.dry_run || how.output.is_some() {
        let old = crate::input::read_input(
            Some(file),
            "a values file",
            crate::input::Limit::VALUES_FILE,
        )?;
        let new = edit(&old)?;
        return match how.output.as_deref() {
            None => {
                let hidden = |bytes: &[u8], also| {
                    ValuesFile::parse(bytes, file)
                        .map(|values| values.positions_to_hide(also))
                        .unwrap_or_default()
                };
                let (hide_old, hide_new) = (hidden(&old, sealing), hidden(&new, None));
                Ok(Applied::Previewed(diff::unified(
                    file, &old, &new, &hide_old, &hide_new,
                )))
            }
            Some("-") => {
                write::to_stdout(&new)?;
                Ok(Applied::Output("stdout".to_owned()))
            }
            Some(to) => {
                write::write_new(to, &new, write::Readers::Anyone)?;
                Ok(Applied::Output(to.to_owned()))
            }
        };
    }
    Ok(
        match write::update_in_place(
            file,
            crate::input::Limit::VALUES_FILE,
            "-o FILE, -o - or --dry-run write the result elsewhere",
            edit,
        )? {
            write::Change::Written => Applied::Written,
            write::Change::Unchanged => Applied::Unchanged,
        },
    )
}

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

/// Reports each file's outcome in input order, as `mode` says: lines on stderr (a dry run's
/// diff on stdout), JSON Lines on stdout, or only errors. Exit 1 if any failed.
pub(crate) fn finish(
    command: &str,
    mode: Mode,
    files: &[String],
    results: Vec<Result<Report>>,
) -> Result<ExitCode> {
    finish_with(command, mode, files, results, false)
}

/// [`finish`] for a command whose text is its result (`offseal policy`): on stdout, where a
/// write error fails the run.
pub(crate) fn finish_on_stdout(
    command: &str,
    mode: Mode,
    files: &[String],
    results: Vec<Result<Report>>,
) -> Result<ExitCode> {
    finish_with(command, mode, files, results, true)
}

fn finish_with(
    command: &str,
    mode: Mode,
    files: &[String],
    results: Vec<Result<Report>>,
    text_on_stdout: bool,
) -> Result<ExitCode> {
    let mut failed = 0;
    for (file, result) in files.iter().zip(results) {
        match result {
            Ok(report) => match mode {
                Mode::Json => report::print_json(&report.to_json(command))?,
                Mode::Text => {
                    if let Some(diff) = report.fields.get("diff").and_then(|d| d.as_str()) {
                        write::to_stdout(diff.as_bytes())?;
                    }
                    if text_on_stdout {
                        write::to_stdout(format!("{}\n", report.text).as_bytes())?;
                    } else {
                        write::to_stderr(&report.text);
                    }
                }
                Mode::Quiet => {}
            },
            Err(err) => {
                failed += 1;
                let message = with_file(file, &err);
                if mode == Mode::Json {
                    report::print_json(&report::failure(command, file, &message))?;
                }
                write::to_stderr(&format!("error: {message}"));
            }
        }
    }
    if failed > 0 {
        if files.len() > 1 && mode != Mode::Json {
            write::to_stderr(&format!("{failed} of {} files failed", files.len()));
        }
        Ok(ExitCode::FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// The error's chain, naming `file` first unless the library's error already does.
pub(crate) fn with_file(file: &str, err: &anyhow::Error) -> String {
    // Only the outermost error counts: a context added around a library error comes first.
    let names_file = err
        .chain()
        .next()
        .and_then(|outer| outer.downcast_ref::<offseal_core::Error>())
        .and_then(offseal_core::Error::source_name)
        == Some(file);
    // "cannot edit FILE: ..." needs no second "FILE: " in front (an example command line
    // below the first line does not count).
    let says_file = err
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .split(|c: char| c.is_whitespace() || c == ':')
        .any(|word| word == file);
    if names_file || says_file {
        format!("{err:#}")
    } else {
        format!("{file}: {err:#}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_say_what_happened_to_the_file() {
        let what = "`a.b` sealed for cluster-wide";
        assert_eq!(
            Applied::Written.text("f", "set", what, "unchanged"),
            "f: set `a.b` sealed for cluster-wide"
        );
        assert_eq!(
            Applied::Previewed(String::new()).text("f", "sealed", "x", "unchanged"),
            "f: would seal x (dry run)"
        );
        assert_eq!(
            Applied::Previewed(String::new()).text("f", "resealed", "x", "no sealed values"),
            "f: would reseal x (dry run)"
        );
        assert_eq!(
            Applied::Unchanged.text("f", "resealed", "x", "no sealed values"),
            "f: no sealed values"
        );
        assert_eq!(
            Applied::Output("o".into()).text("f", "set", "x", "unchanged"),
            "f: set x, written to o"
        );
    }
}
