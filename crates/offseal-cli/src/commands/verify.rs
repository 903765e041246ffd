//! `offseal verify`: open every sealed value with the private keys; print no plaintext.

use std::process::ExitCode;

use anyhow::Result;
use offseal_core::manifest;
use offseal_core::values::{ValuesFile, Verification};
use offseal_core::{Outcome, Retarget, UnsealingKeys, ValueState};
use std::fmt::Write as _;

use crate::batch::for_each_file;
use crate::cli::VerifyArgs;
use crate::policy::Plans;
use crate::report::{self, Mode, Report};
use crate::{input, target, write};

const EXAMPLE: &str = "offseal verify values.yaml --recovery-private-key key.pem";

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode> {
    let keys = input::unsealing_keys(&args.recovery_private_key)?;
    // Target flags name a whole target (and replace every recorded one); a policy rule's parts
    // replace the recorded ones part by part.
    let flags = if args.target.any() {
        let asked = target::retarget(&args.target).apply(None);
        let target = asked.map_err(|e| target::explain(e, &args.target, EXAMPLE))?;
        Some(Retarget::new(
            Some(target.scope()),
            target.namespace(),
            target.name(),
        ))
    } else {
        None
    };
    let plans = Plans::targets_only(&args.target);
    let mode = Mode::from(args.output);
    let mut failures = 0;
    let all = for_each_file(&args.files, |file| {
        let retarget = match &flags {
            Some(flags) => flags.clone(),
            None => plans.plan(file)?.retarget,
        };
        verify_file(file, &keys, &retarget)
    });
    for (file, result) in args.files.iter().zip(all) {
        match result {
            Ok(results) => {
                let failed = results.iter().filter(|v| !v.outcome.is_ok()).count();
                failures += failed;
                match mode {
                    Mode::Json if results.is_empty() => {
                        let none = format!("{file}: no sealed values");
                        let line = Report::new(file, "no-sealed-values", none).to_json("verify");
                        report::print_json(&line)?;
                    }
                    Mode::Json => {
                        let lines: String = results
                            .iter()
                            .map(|v| to_report(file, v).to_json("verify"))
                            .collect();
                        report::print_json(&lines)?;
                    }
                    Mode::Text => write::to_stdout(text(file, &results, false).as_bytes())?,
                    Mode::Quiet if failed > 0 => {
                        write::to_stdout(text(file, &results, true).as_bytes())?;
                    }
                    Mode::Quiet => {}
                }
            }
            Err(err) => {
                failures += 1;
                let message = crate::batch::with_file(file, &err);
                if mode == Mode::Json {
                    report::print_json(&report::failure("verify", file, &message))?;
                }
                write::to_stderr(&format!("error: {message}"));
            }
        }
    }
    Ok(if failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// One checked value: where it is, what it is for, and how it went.
struct Checked {
    line: Option<usize>,
    what: String,
    target: Option<String>,
    outcome: Outcome,
}

fn verify_file(file: &str, keys: &UnsealingKeys, retarget: &Retarget) -> Result<Vec<Checked>> {
    let bytes = input::read_input(
        Some(file),
        "a values file or SealedSecret manifest",
        input::Limit::VALUES_FILE,
    )?;
    if manifest::holds_sealed_secrets(&bytes) {
        return verify_manifests(file, &bytes, keys);
    }
    let values = ValuesFile::parse(&bytes, file)?;
    Ok(values
        .verify(keys, retarget)
        .into_iter()
        .map(|v: Verification| Checked {
            line: Some(v.line),
            what: format!("`{}`", v.path),
            target: v.target.as_ref().map(ToString::to_string),
            outcome: v.outcome,
        })
        .collect())
}

/// SealedSecrets open for the label their own metadata gives, as the controller does.
fn verify_manifests(file: &str, bytes: &[u8], keys: &UnsealingKeys) -> Result<Vec<Checked>> {
    let mut checked = Vec::new();
    for sealed in manifest::read_sealed_secrets(bytes, file)? {
        let target = sealed
            .target()
            .map_or_else(|_| sealed.scope().to_string(), |t| t.to_string());
        for (item, outcome) in sealed.verify(keys) {
            checked.push(Checked {
                line: None,
                what: format!("{} item {item:?}", sealed.describe()),
                target: Some(target.clone()),
                outcome,
            });
        }
    }
    Ok(checked)
}

fn describe(outcome: &Outcome, target: Option<&str>) -> String {
    let target = target.unwrap_or_default();
    match outcome {
        Outcome::Opened { len, notes } => {
            let mut text = format!("ok: opens for {target} ({len} bytes)");
            for note in notes {
                text += &format!("; warning: {note}");
            }
            text
        }
        Outcome::NotSealed(ValueState::Empty) => "FAILED: empty".to_owned(),
        Outcome::NotSealed(ValueState::Malformed(reason)) => {
            format!("FAILED: malformed sealed data: {reason}")
        }
        Outcome::NotSealed(_) => "FAILED: holds plaintext, not a sealed value".to_owned(),
        Outcome::NoTarget => "FAILED: no target known; give --namespace, --name and --scope (no provenance comment records one)".to_owned(),
        Outcome::Failed(err) => format!("FAILED for {target}: {}", err.root()),
        _ => "FAILED".to_owned(),
    }
}

/// One line per value: `FILE[:LINE]: WHAT ok: ...` or `... FAILED: ...`; only the failures
/// when `failures_only` (`--quiet`).
fn text(file: &str, results: &[Checked], failures_only: bool) -> String {
    let mut out = String::new();
    if results.is_empty() && !failures_only {
        let _ = writeln!(out, "{file}: no sealed values");
    }
    for v in results {
        if failures_only && v.outcome.is_ok() {
            continue;
        }
        let at = v
            .line
            .map_or_else(|| file.to_owned(), |line| format!("{file}:{line}"));
        let _ = writeln!(
            out,
            "{at}: {} {}",
            v.what,
            describe(&v.outcome, v.target.as_deref())
        );
    }
    out
}

/// One value's JSON line: `ok`, `failed`, `not-sealed` or `no-target`.
fn to_report(file: &str, v: &Checked) -> Report {
    let (status, notes, len) = match &v.outcome {
        Outcome::Opened { len, notes } => ("ok", notes.clone(), Some(*len)),
        Outcome::NoTarget => ("no-target", Vec::new(), None),
        Outcome::NotSealed(_) => ("not-sealed", Vec::new(), None),
        _ => ("failed", Vec::new(), None),
    };
    Report::new(file, status, String::new())
        .with("value", v.what.clone())
        .with("line", v.line)
        .with("target", v.target.clone())
        .with("plaintext_bytes", len)
        .with("notes", notes)
        .with("message", describe(&v.outcome, v.target.as_deref()))
}
