//! `offseal check`: lint values files without keys; for pre-commit hooks and CI.
//!
//! Made to be run on every `*.yaml` of a GitOps repository: a file that is not a values file
//! (a Helm template, a multi-document manifest) gets a note, not a failure, and a chart's own
//! `values.yaml` (beside its `Chart.yaml`) may leave the credentials empty as placeholders.

use std::fmt::Write as _;
use std::path::Path as FsPath;
use std::process::ExitCode;

use anyhow::Result;
use offseal_core::Certificate;
use offseal_core::values::{Finding, Problem, Remedy, Severity, ValuesFile};
use serde_json::json;

use crate::batch::for_each_file;
use crate::cli::CheckArgs;
use crate::{input, write};

/// One file's result.
struct Checked {
    file: String,
    values: usize,
    findings: Vec<Finding>,
    /// The file could not be read.
    error: Option<String>,
    /// The file is not a values file (why): noted, not failed.
    skipped: Option<String>,
}

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode> {
    let cert = args.cert.as_deref().map(input::certificate).transpose()?;
    let results: Vec<Checked> = for_each_file(&args.files, |file| check_file(file, cert.as_ref()));
    let cert_arg = args.cert.as_deref().unwrap_or("CERT");
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
        let text = serde_json::to_string_pretty(&report(&results, cert_arg))? + "\n";
        write::to_stdout(text.as_bytes())?;
    } else {
        write::to_stdout(text(&results, cert_arg).as_bytes())?;
        write::to_stderr(&summary(&results, errors));
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn check_file(file: &str, cert: Option<&Certificate>) -> Checked {
    let mut checked = Checked {
        file: file.to_owned(),
        values: 0,
        findings: Vec::new(),
        error: None,
        skipped: None,
    };
    let bytes = match input::read_input(Some(file), "a values file", input::Limit::VALUES_FILE) {
        Ok(bytes) => bytes,
        Err(err) => {
            checked.error = Some(format!("{err:#}"));
            return checked;
        }
    };
    let values = match ValuesFile::parse(&bytes, file) {
        Ok(values) => values,
        Err(err) => {
            // A Helm template, a multi-document manifest: nothing offseal seals lives there.
            checked.skipped = Some(format!("{err}"));
            return checked;
        }
    };
    checked.values = values.sealed_values().len();
    checked.findings = values.check(cert);
    if is_chart_defaults(file) {
        // A chart's own defaults: empty credentials are the placeholders tenants fill in.
        checked
            .findings
            .retain(|f| !matches!(f.problem, Problem::Empty | Problem::TenantMissing));
    }
    checked
}

/// Whether `file` is a chart's own values file: it sits beside a `Chart.yaml`.
fn is_chart_defaults(file: &str) -> bool {
    FsPath::new(file)
        .parent()
        .map(|dir| {
            if dir.as_os_str().is_empty() {
                FsPath::new(".")
            } else {
                dir
            }
        })
        .is_some_and(|dir| dir.join("Chart.yaml").is_file())
}

/// The command that fixes a finding, for its file.
fn fix(finding: &Finding, file: &str, cert: &str) -> Option<String> {
    let path = &finding.path;
    Some(match finding.remedy? {
        Remedy::SealCredentials => format!("offseal values {file} --cert {cert}"),
        Remedy::SealValue => format!("offseal set {file} {path} --cert {cert} < value-file"),
        _ => return None,
    })
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One line per problem: `FILE:LINE: SEVERITY: `PATH` MESSAGE`, and the command that
/// fixes it; a note for each file that is not a values file.
fn text(results: &[Checked], cert: &str) -> String {
    let mut out = String::new();
    for r in results {
        if let Some(err) = &r.error {
            let _ = writeln!(out, "error: {err}");
        }
        if let Some(why) = &r.skipped {
            let _ = writeln!(out, "{}: note: skipped, not a values file: {why}", r.file);
        }
        for f in &r.findings {
            let _ = write!(
                out,
                "{}:{}: {}: `{}` {}",
                r.file,
                f.line,
                severity(f.severity),
                f.path,
                f.message
            );
            match fix(f, &r.file, cert) {
                Some(command) => {
                    let _ = writeln!(out, "; fix: {command}");
                }
                None => out.push('\n'),
            }
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
    let skipped = results.iter().filter(|r| r.skipped.is_some()).count();
    let skipped = if skipped > 0 {
        format!(" ({skipped} skipped: not values files)")
    } else {
        String::new()
    };
    format!(
        "checked {} file{}{skipped}, {values} sealed value{}: {errors} error{}, {warnings} warning{}",
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

fn report(results: &[Checked], cert: &str) -> serde_json::Value {
    json!({
        "files": results.iter().map(|r| json!({
            "file": r.file,
            "sealed_values": r.values,
            "error": r.error,
            "skipped": r.skipped,
            "findings": r.findings.iter().map(|f| json!({
                "path": f.path.to_string(),
                "line": f.line,
                "severity": severity(f.severity),
                "problem": problem(f.problem),
                "message": f.message,
                "fix": fix(f, &r.file, cert),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// A finding's kind, for machines.
fn problem(p: Problem) -> &'static str {
    match p {
        Problem::Empty => "empty",
        Problem::Plaintext => "plaintext",
        Problem::Malformed => "malformed",
        Problem::WrongKeySize => "wrong-key-size",
        Problem::OtherCertificate => "other-certificate",
        Problem::TenantNotGuid => "tenant-not-guid",
        Problem::TenantMissing => "tenant-missing",
        _ => "other",
    }
}
