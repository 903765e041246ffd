//! `offseal policy`: which rule of which `.offseal.yaml` each file matches, and what it gives.

use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use crate::batch;
use crate::cli::PolicyArgs;
use crate::policy::{Lookup, Policies};
use crate::report::Report;

pub(crate) fn run(args: &PolicyArgs) -> Result<ExitCode> {
    let policies = Policies::default();
    let results = args
        .files
        .iter()
        .map(|file| Ok(describe(file, &policies.lookup(file)?)))
        .collect();
    batch::finish_on_stdout("policy", args.output.into(), &args.files, results)
}

/// One file's answer: `matched` (with the rule's certificate, pins and target),
/// `no-rule` or `no-policy`.
fn describe(file: &str, lookup: &Lookup) -> Report {
    match lookup {
        Lookup::NoPolicy => Report::new(
            file,
            "no-policy",
            format!(
                "{file}: no {} above it",
                offseal_core::policy::POLICY_FILE_NAME
            ),
        ),
        Lookup::NoRule { found, relative } => Report::new(
            file,
            "no-rule",
            format!(
                "{file}: no rule of {} matches {relative:?}",
                found.path.display()
            ),
        )
        .with("policy", found.path.display().to_string())
        .with("relative_path", relative.clone()),
        Lookup::Rule {
            found,
            relative,
            resolved,
        } => {
            let cert = lookup.rule_cert();
            let target = &resolved.target;
            let parts: Vec<String> = [
                target.scope.map(|s| format!("scope={s}")),
                target.namespace.as_ref().map(|n| format!("namespace={n}")),
                target.name.as_ref().map(|n| format!("name={n}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut text = format!(
                "{file}: {} (line {}) for {relative:?}\n  cert:        {}\n  fingerprint: {}\n  target:      {}",
                lookup.rule_name().unwrap_or_default(),
                resolved.line,
                cert.as_deref().unwrap_or("(none: give --cert)"),
                if resolved.fingerprints.is_empty() {
                    "(not pinned)".to_owned()
                } else {
                    resolved.fingerprints.join(", ")
                },
                if parts.is_empty() {
                    "(none: from the flags or the provenance comment)".to_owned()
                } else {
                    parts.join(" ")
                }
            );
            text.shrink_to_fit();
            Report::new(file, "matched", text)
                .with("policy", found.path.display().to_string())
                .with("relative_path", relative.clone())
                .with("rule", resolved.rule)
                .with("line", resolved.line)
                .with("cert", cert)
                .with("fingerprints", resolved.fingerprints.clone())
                .with(
                    "target",
                    json!({
                        "scope": target.scope.map(|s| s.to_string()),
                        "namespace": target.namespace,
                        "name": target.name,
                    }),
                )
        }
    }
}
