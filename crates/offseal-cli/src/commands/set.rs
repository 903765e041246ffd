//! `offseal set`: seal (or write as is) one value at any path of a values file.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use offseal_core::SealingKey;
use offseal_core::values::{Path, SealingParams, ValuesFile};
use zeroize::Zeroizing;

use crate::batch::{self, apply, today};
use crate::cli::SetArgs;
use crate::policy::{Plan, Plans};
use crate::report::Report;
use crate::{input, target};

pub(crate) fn run(args: &SetArgs) -> Result<ExitCode> {
    let path = Path::parse(&args.path)?;
    batch::check_single_output(std::slice::from_ref(&args.file), &args.write)?;
    input::refuse_stdin_twice(&[
        (
            !args.plain && args.cert.flag_or_variable().as_deref() == Some("-"),
            "--cert -",
        ),
        (
            input::reads_stdin(args.from_file.as_deref()),
            "the value (stdin)",
        ),
    ])?;
    let plans = Plans::new(&args.cert, &args.target)?;
    // A plain value needs no certificate or target: no policy is read for it.
    let plan = if args.plain {
        Plan::default()
    } else {
        plans.plan(&args.file)?
    };
    // The certificate is checked (and pinned) before the value is read: a bad one must not
    // cost anyone a secret typed at the prompt.
    let key = if args.plain {
        None
    } else {
        Some(plans.sealing_key(&args.file, &plan)?)
    };
    let value =
        read_value(args).with_context(|| format!("{}: nothing set at `{path}`", args.file))?;
    let result = set_value(args, &path, key.as_ref(), &plan, &value);
    batch::finish(
        "set",
        args.write.report.into(),
        std::slice::from_ref(&args.file),
        vec![result],
    )
}

/// The value: a secret, from `--from-file` or stdin.
const VALUE: input::Limit = input::Limit::secret("--from-file");

fn read_value(args: &SetArgs) -> Result<Zeroizing<Vec<u8>>> {
    let mut value = match &args.from_file {
        Some(file) => input::read_input(Some(file), "the value", VALUE)?,
        None if std::io::stdin().is_terminal() => Zeroizing::new(
            rpassword::prompt_password(format!("value for {} (hidden): ", args.path))
                .context("cannot read the value from the terminal")?
                .into_bytes(),
        ),
        None => input::read_input(None, "the value", VALUE)?,
    };
    input::settle_trailing_newline(&mut value, args.trim_newline);
    input::refuse_empty(&value, args.allow_empty)?;
    Ok(value)
}

fn set_value(
    args: &SetArgs,
    path: &Path,
    key: Option<&SealingKey>,
    plan: &Plan,
    value: &[u8],
) -> Result<Report> {
    let mut what = String::new();
    let mut target = None;
    let applied = apply(&args.file, &args.write, key.map(|_| path), |old| {
        let values = ValuesFile::parse(old, &args.file)?;
        match key {
            None => {
                let Ok(text) = std::str::from_utf8(value) else {
                    bail!("--plain needs UTF-8 text, and the value is not");
                };
                what = format!("`{path}` (plain)");
                Ok(values.set_plain(path, text)?)
            }
            Some(key) => {
                let params = SealingParams::new(key)
                    .with_retarget(plan.retarget.clone())
                    .with_provenance((!args.write.no_provenance).then(today));
                let sealed = values.set_sealed(path, value, &params).map_err(|e| {
                    let example = format!(
                        "printf '%s' \"$VALUE\" | offseal set {} {path} --cert controller.crt",
                        args.file
                    );
                    target::explain(e, &args.target, &example)
                })?;
                what = format!("`{path}` sealed for {}", sealed.target);
                target = Some(sealed.target.to_string());
                Ok(sealed.bytes)
            }
        }
    })?;
    Ok(applied
        .report(&args.file, "set", &what, "unchanged")
        .with("path", path.to_string())
        .with("sealed", key.is_some())
        .with("target", target)
        .with("cert", key.map(|k| k.fingerprint().to_owned()))
        .with("rule", plan.lookup.rule_name()))
}
