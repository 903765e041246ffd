//! `offseal check`: lint values files without keys; for pre-commit hooks and CI.
//!
//! Made to be run on every `*.yaml` of a GitOps repository: a file that is not a values file
//! (a Helm template, a multi-document manifest) gets a note, not a failure, and a chart's own
//! `values.yaml` (beside its `Chart.yaml`) may leave the credentials empty as placeholders.

use std::fmt::Write as _;
use std::path::Path as FsPath;
use std::process::ExitCode;

use anyhow::Result;
use offseal_core::ValueState;
use offseal_core::values::{
    CREDENTIALS_KEY, Finding, PROVENANCE_MARKER, PolicyRule, Problem, Remedy, Severity, ValuesFile,
};
use serde_json::json;

use crate::batch::for_each_file;
use crate::cli::{CheckArgs, TargetArgs};
use crate::policy::{Plan, Plans};
use crate::report::{self, Mode, Report};
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
    /// The policy rule it was held to.
    rule: Option<String>,
}

/// check takes no target flags: targets come from the policy alone.
const NO_TARGET: TargetArgs = TargetArgs {
    namespace: None,
    name: None,
    scope: None,
};

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode> {
    let plans = Plans::new(&args.cert, &NO_TARGET)?;
    plans.preload_flag_cert(false)?;
    let results: Vec<Checked> = for_each_file(&args.files, |file| check_file(file, &plans));
    let cert_arg = args.cert.cert.as_deref().unwrap_or("CERT");
    let mode = Mode::from(args.output);
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
    match mode {
        Mode::Json => {
            let lines: String = results
                .iter()
                .map(|r| to_report(r, cert_arg).to_json("check"))
                .collect();
            report::print_json(&lines)?;
        }
        Mode::Text => {
            write::to_stdout(text(&results, cert_arg, false).as_bytes())?;
            write::to_stderr(&summary(&results, errors));
        }
        Mode::Quiet => write::to_stdout(text(&results, cert_arg, true).as_bytes())?,
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn check_file(file: &str, plans: &Plans<'_>) -> Checked {
    let mut checked = Checked {
        file: file.to_owned(),
        values: 0,
        findings: Vec::new(),
        error: None,
        skipped: None,
        rule: None,
    };
    let fail = |mut checked: Checked, err: anyhow::Error| {
        checked.error = Some(crate::batch::with_file(file, &err));
        checked
    };
    let plan = match plans.plan(file) {
        Ok(plan) => plan,
        Err(err) => return fail(checked, err),
    };
    checked.rule = plan.lookup.rule_name();
    let cert = match certificate(file, plans, &plan) {
        Ok(cert) => cert,
        Err(err) => return fail(checked, err),
    };
    let cert = cert.as_ref().map(|loaded| &loaded.cert);
    let bytes = match input::read_input(Some(file), "a values file", input::Limit::VALUES_FILE) {
        Ok(bytes) => bytes,
        Err(err) => return fail(checked, err),
    };
    let values = match ValuesFile::parse(&bytes, file) {
        Ok(values) => values,
        Err(err) => {
            // A file that should hold sealed values and cannot be read as one might hide a
            // plaintext credential: a failure, never a quiet pass.
            if let Some(why) = meant_as_values_file(file, &bytes, checked.rule.is_some()) {
                let err = anyhow::anyhow!(
                    "{err}; it {why}, so check cannot pass it unread: make it one UTF-8 YAML \
                     document"
                );
                return fail(checked, err);
            }
            // A Helm template, a multi-document manifest: nothing offseal seals lives there.
            checked.skipped = Some(format!("{err}"));
            return checked;
        }
    };
    // Only what is sealed: a plaintext where a sealed value belongs is a finding, not one.
    checked.values = values
        .sealed_values()
        .iter()
        .filter(|v| matches!(v.state, ValueState::Sealed(_)))
        .count();
    checked.findings = values.check(cert);
    if let Some(name) = &checked.rule {
        let fingerprints = match rule_fingerprints(plans, &plan) {
            Ok(fingerprints) => fingerprints,
            Err(err) => return fail(checked, err),
        };
        let policy = values.check_policy(&PolicyRule {
            target: &plan.retarget,
            fingerprints: &fingerprints,
            name,
        });
        // The policy's finding says more than "another certificate than --cert".
        checked.findings.retain(|f| {
            f.problem != Problem::OtherCertificate
                || !policy
                    .iter()
                    .any(|p| p.path == f.path && p.problem == Problem::PolicyCertificate)
        });
        checked.findings.extend(policy);
        checked.findings.sort_by_key(|f| f.line);
    }
    if is_chart_defaults(file) {
        // A chart's own defaults: empty credentials are the placeholders tenants fill in.
        checked
            .findings
            .retain(|f| !matches!(f.problem, Problem::Empty | Problem::TenantMissing));
    }
    checked
}

/// The certificate to check `file` against: `--cert`, a rule's file (never a URL: check works
/// offline, and a rule's pinned fingerprint needs no certificate), `SEALED_SECRETS_CERT`.
fn certificate(
    file: &str,
    plans: &Plans<'_>,
    plan: &Plan,
) -> Result<Option<std::sync::Arc<crate::policy::Loaded>>> {
    match plans.cert_source(plan) {
        Some(source) if is_http(&source) && plan.lookup.rule_cert().as_ref() == Some(&source) => {
            Ok(None)
        }
        Some(_) => plans.certificate(file, plan).map(Some),
        None => Ok(None),
    }
}

/// The certificates the rule wants: its pins, else its own certificate file's fingerprint
/// (a URL is not fetched), else none to compare.
fn rule_fingerprints(plans: &Plans<'_>, plan: &Plan) -> Result<Vec<String>> {
    let Some(rule) = plan.lookup.resolved() else {
        return Ok(Vec::new());
    };
    if !rule.fingerprints.is_empty() {
        return Ok(rule.fingerprints.clone());
    }
    match plan.lookup.rule_cert().filter(|c| !is_http(c)) {
        Some(cert) => Ok(vec![plans.load(&cert)?.cert.fingerprint().to_owned()]),
        None => Ok(Vec::new()),
    }
}

fn is_http(source: &str) -> bool {
    matches!(
        crate::fetch::classify(source),
        Ok(crate::fetch::CertSource::Http(_))
    )
}

/// Why a file that does not parse as a values file must still be one, if it must: a policy
/// rule claims it, or it names the credentials or carries a provenance comment outside any
/// `{{ }}` (a chart's templates name `.Values.external_secrets.keyvault_credentials` inside
/// one, but values files hold `{{ }}` too: alert rules, `tpl` strings), in UTF-8 or UTF-16.
/// A chart's own templates (under its `templates/`) never are.
fn meant_as_values_file(file: &str, bytes: &[u8], has_rule: bool) -> Option<&'static str> {
    if has_rule {
        return Some("matches a rule of the policy");
    }
    if is_chart_template(file) {
        return None;
    }
    let texts = decodings(bytes);
    let names = |needle: &str| {
        texts
            .iter()
            .flat_map(|text| text.lines())
            .any(|line| outside_template_actions(line, needle))
    };
    if names(&format!("# {PROVENANCE_MARKER}")) {
        Some("carries an `# offseal:` provenance comment")
    } else if names(CREDENTIALS_KEY) {
        Some("names `keyvault_credentials`")
    } else {
        None
    }
}

/// The text of `bytes` as UTF-8 and, where it may be UTF-16 (a byte order mark, or NUL bytes:
/// PowerShell 5 writes UTF-16), as UTF-16 in both byte orders, lossily.
fn decodings(bytes: &[u8]) -> Vec<String> {
    let mut texts = vec![String::from_utf8_lossy(bytes).into_owned()];
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.contains(&0) {
        for from in [u16::from_le_bytes, u16::from_be_bytes] {
            let units = bytes.chunks_exact(2).map(|pair| from([pair[0], pair[1]]));
            texts.push(
                char::decode_utf16(units)
                    .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                    .collect(),
            );
        }
    }
    texts
}

/// Whether `needle` occurs in `line` outside a Go template action (`{{ ... }}`).
fn outside_template_actions(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(at, _)| {
        let before = &line[..at];
        match (before.rfind("{{"), before.rfind("}}")) {
            (Some(open), Some(close)) => open < close,
            (Some(_), None) => false,
            _ => true,
        }
    })
}

/// Whether `file` is one of a chart's templates: under a `templates` directory beside a
/// `Chart.yaml`.
fn is_chart_template(file: &str) -> bool {
    FsPath::new(file).ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|name| name == "templates")
            && dir.parent().is_some_and(|chart| {
                let chart = if chart.as_os_str().is_empty() {
                    FsPath::new(".")
                } else {
                    chart
                };
                chart.join("Chart.yaml").is_file()
            })
    })
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
        Remedy::SealCredentials => match &finding.block {
            Some(block) => format!("offseal values {file} --at {block} --cert {cert}"),
            None => format!("offseal values {file} --cert {cert}"),
        },
        Remedy::SealValue => format!("offseal set {file} {path} --cert {cert} < value-file"),
        Remedy::SealRaw => {
            format!(
                "offseal raw --cert {cert} -n NAMESPACE --name NAME < value-file, \
                 and write its output at {path}"
            )
        }
        Remedy::Reseal => format!("offseal reseal {file} --recovery-private-key KEYS"),
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
/// fixes it; a note for each file that is not a values file. `errors_only`: `--quiet`.
fn text(results: &[Checked], cert: &str, errors_only: bool) -> String {
    let mut out = String::new();
    for r in results {
        if let Some(err) = &r.error {
            let _ = writeln!(out, "error: {err}");
        }
        if let Some(why) = r.skipped.as_ref().filter(|_| !errors_only) {
            let _ = writeln!(out, "{}: note: skipped, not a values file: {why}", r.file);
        }
        for f in &r.findings {
            if errors_only && f.severity != Severity::Error {
                continue;
            }
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

/// One file's JSON line: `ok`, `findings` (any error), `skipped` or `failed`.
fn to_report(r: &Checked, cert: &str) -> Report {
    let status = if r.error.is_some() {
        "failed"
    } else if r.skipped.is_some() {
        "skipped"
    } else if r.findings.iter().any(|f| f.severity == Severity::Error) {
        "findings"
    } else {
        "ok"
    };
    Report::new(&r.file, status, String::new())
        .with("error", r.error.clone())
        .with("skipped", r.skipped.clone())
        .with("sealed_values", r.values)
        .with("rule", r.rule.clone())
        .with(
            "findings",
            r.findings
                .iter()
                .map(|f| {
                    json!({
                        "path": f.path.to_string(),
                        "line": f.line,
                        "severity": severity(f.severity),
                        "problem": problem(f.problem),
                        "message": f.message,
                        "fix": fix(f, &r.file, cert),
                    })
                })
                .collect::<Vec<_>>(),
        )
}

/// A finding's kind, for machines.
fn problem(p: Problem) -> &'static str {
    match p {
        Problem::Empty => "empty",
        Problem::Missing => "missing",
        Problem::Plaintext => "plaintext",
        Problem::Malformed => "malformed",
        Problem::WrongKeySize => "wrong-key-size",
        Problem::OtherCertificate => "other-certificate",
        Problem::NotAValue => "not-a-value",
        Problem::TenantNotGuid => "tenant-not-guid",
        Problem::TenantMissing => "tenant-missing",
        Problem::PolicyTarget => "policy-target",
        Problem::PolicyCertificate => "policy-certificate",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::{meant_as_values_file, outside_template_actions};

    #[test]
    fn unparsable_files_fail_when_they_should_hold_sealed_values() {
        let meant = |bytes: &[u8], rule| meant_as_values_file("values.yaml", bytes, rule);
        let broken = b"external_secrets:\n  keyvault_credentials:\n    client_secret: \"x\n";
        assert!(meant(broken, false).is_some());
        assert!(meant(b"# offseal: scope=strict\na: \"x\n", false).is_some());
        // A policy rule claims the file whatever it holds.
        assert!(meant(b"a: \"x\n", true).is_some());
        // Templates and unrelated files are skipped.
        let template = b"data:\n  {{- if .Values.external_secrets.keyvault_credentials }}\n";
        assert_eq!(meant(template, false), None);
        assert_eq!(meant(b"a: \"x\n", false), None);
        // `{{ }}` elsewhere in a values file (an alert rule) does not make it a template.
        let alerting =
            b"rules:\n  - description: \"{{ $labels.pod }} down\"\nexternal_secrets:\n  \
                         keyvault_credentials:\n    client_secret: x\n---\n";
        assert!(meant(alerting, false).is_some());
        // UTF-16, with or without a byte order mark, in either byte order.
        let text = "external_secrets:\n  keyvault_credentials:\n    client_secret: x\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(meant(&[&[0xFF, 0xFE][..], &le].concat(), false).is_some());
        assert!(meant(&le, false).is_some());
        assert!(meant(&[&[0xFE, 0xFF][..], &be].concat(), false).is_some());
    }

    #[test]
    fn template_actions_hide_what_they_name() {
        assert!(outside_template_actions(
            "keyvault_credentials:",
            "keyvault_credentials"
        ));
        assert!(!outside_template_actions(
            "x: {{ .Values.keyvault_credentials }}",
            "keyvault_credentials"
        ));
        assert!(outside_template_actions(
            "a: \"{{ x }}\" # keyvault_credentials",
            "keyvault_credentials"
        ));
        assert!(!outside_template_actions(
            "{{- if .a.keyvault_credentials",
            "keyvault_credentials"
        ));
    }
}
