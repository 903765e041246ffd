//! `offseal verify`: open every sealed value with the private keys; print no plaintext.

use std::process::ExitCode;

use anyhow::Result;
use offseal_core::values::{Outcome, ValueState, ValuesFile, Verification};
use offseal_core::{Target, UnsealingKeys};
use serde_json::json;

use crate::cli::VerifyArgs;
use crate::{input, target};

const EXAMPLE: &str = "offseal verify values.yaml --recovery-private-key key.pem --namespace tenant-a --name azure-keyvault-credentials";

pub(crate) fn run(args: &VerifyArgs) -> Result<ExitCode> {
    let keys = input::unsealing_keys(&args.recovery_private_key)?;
    let target = if args.target.any() {
        Some(target::resolve(&args.target, None, EXAMPLE)?)
    } else {
        None
    };
    let mut failures = 0;
    let mut reports = Vec::new();
    for file in &args.files {
        match verify_file(file, &keys, target.as_ref()) {
            Ok(results) => {
                failures += results.iter().filter(|v| !v.outcome.is_ok()).count();
                if !args.json {
                    print_text(file, &results);
                }
                reports.push(json!({ "file": file, "values": results.iter().map(to_json).collect::<Vec<_>>() }));
            }
            Err(err) => {
                failures += 1;
                eprintln!("error: {err:#}");
                reports.push(json!({ "file": file, "error": format!("{err:#}") }));
            }
        }
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({ "files": reports }))?
        );
    }
    Ok(if failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn verify_file(
    file: &str,
    keys: &UnsealingKeys,
    target: Option<&Target>,
) -> Result<Vec<Verification>> {
    let bytes = input::read_input(Some(file), "a values file")?;
    let values = ValuesFile::parse(&bytes, file)?;
    Ok(values.verify(keys, target))
}

fn describe(outcome: &Outcome, target: Option<&Target>) -> String {
    let target = target.map_or_else(String::new, ToString::to_string);
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

fn print_text(file: &str, results: &[Verification]) {
    if results.is_empty() {
        println!("{file}: no sealed values");
    }
    for v in results {
        println!(
            "{file}:{}: `{}` {}",
            v.line,
            v.path,
            describe(&v.outcome, v.target.as_ref())
        );
    }
}

fn to_json(v: &Verification) -> serde_json::Value {
    let (status, notes, len) = match &v.outcome {
        Outcome::Opened { len, notes } => ("ok", notes.clone(), Some(*len)),
        Outcome::NoTarget => ("no-target", Vec::new(), None),
        Outcome::NotSealed(_) => ("not-sealed", Vec::new(), None),
        _ => ("failed", Vec::new(), None),
    };
    json!({
        "path": v.path.to_string(),
        "line": v.line,
        "target": v.target.as_ref().map(ToString::to_string),
        "status": status,
        "plaintext_bytes": len,
        "notes": notes,
        "message": describe(&v.outcome, v.target.as_ref()),
    })
}
