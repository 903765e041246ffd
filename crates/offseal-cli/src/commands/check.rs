//! `offseal check`: lint values files without keys; for pre-commit hooks and CI.

use std::process::ExitCode;

use anyhow::Result;
use offseal_core::Certificate;
use offseal_core::values::{Finding, Severity, ValuesFile};
use serde_json::json;
use std::fmt::Write as _;

use crate::batch::for_each_file;
use crate::cli::CheckArgs;
use crate::{input, write};

/// One file's result.
struct Checked {
    file: String,
    values: usize,
    findings: Vec<Finding>,
    error: Option<String>,
}

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode> {
    let cert = args.cert.as_deref().map(input::certificate).transpose()?;
    let results: Vec<Checked> = for_each_file(&args.files, |file| check_file(file, cert.as_ref()));
    let errors = results
        .iter()
        .map(|r| {
            usize::from(r.error.is_some())
                + r.findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .count()
        })
        .sum::<usize>();
    if args.json {
        let text = serde_json::to_string_pretty(&report(&results))? + "\n";
        write::to_stdout(text.as_bytes())?;
    } else {
        write::to_stdout(text(&results).as_bytes())?;
        write::to_stderr(&summary(&results, errors));
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn check_file(file: &str, cert: Option<&Certificate>) -> Checked {
    let parsed = input::read_input(Some(file), "a values file", input::Limit::VALUES_FILE)
        .and_then(|bytes| Ok(ValuesFile::parse(&bytes, file)?));
    match parsed {
        Ok(values) => Checked {
            file: file.to_owned(),
            values: values.sealed_values().len(),
            findings: values.check(cert),
            error: None,
        },
        Err(err) => Checked {
            file: file.to_owned(),
            values: 0,
            findings: Vec::new(),
            error: Some(format!("{err:#}")),
        },
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One line per problem: `FILE:LINE: SEVERITY: `PATH` MESSAGE`.
fn text(results: &[Checked]) -> String {
    let mut out = String::new();
    for r in results {
        if let Some(err) = &r.error {
            let _ = writeln!(out, "error: {err}");
        }
        for f in &r.findings {
            let _ = writeln!(
                out,
                "{}:{}: {}: `{}` {}",
                r.file,
                f.line,
                severity(f.severity),
                f.path,
                f.message
            );
        }
    }
    out
}

fn summary(results: &[Checked], errors: usize) -> String {
    let values: usize = results.iter().map(|r| r.values).sum();
    let warnings = results
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| f.severity == Severity::Warning)
        .count();
    format!(
        "checked {} file{}, {values} sealed value{}: {errors} error{}, {warnings} warning{}",
        results.len(),
        plural(results.len()),
        plural(values),
        plural(errors),
        plural(warnings)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn report(results: &[Checked]) -> serde_json::Value {
    json!({
        "files": results.iter().map(|r| json!({
            "file": r.file,
            "sealed_values": r.values,
            "error": r.error,
            "findings": r.findings.iter().map(|f| json!({
                "path": f.path.to_string(),
                "line": f.line,
                "severity": severity(f.severity),
                "message": f.message,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
