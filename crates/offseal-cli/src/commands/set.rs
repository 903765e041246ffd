//! `offseal set`: seal (or write as is) one value at any path of a values file.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use offseal_core::values::{Path, Sealing, ValuesFile};
use zeroize::Zeroizing;

use crate::cli::SetArgs;
use crate::commands::{Applied, apply, finish_batch, today};
use crate::{input, target};

const EXAMPLE: &str =
    "printf '%s' \"$VALUE\" | offseal set values.yaml app.password --cert controller.crt";

pub(crate) fn run(args: &SetArgs) -> Result<ExitCode> {
    let path = Path::parse(&args.path)?;
    let key = match (&args.cert, args.plain) {
        (Some(cert), false) => Some(input::sealing_key(cert)?),
        _ => None,
    };
    let value = read_value(args)?;
    let result = set_value(args, &path, key.as_ref(), &value);
    Ok(finish_batch(std::slice::from_ref(&args.file), vec![result]))
}

fn read_value(args: &SetArgs) -> Result<Zeroizing<Vec<u8>>> {
    let mut value = match &args.from_file {
        Some(file) => input::read_input(Some(file), "the value")?,
        None if std::io::stdin().is_terminal() => Zeroizing::new(
            rpassword::prompt_password(format!("value for {} (hidden): ", args.path))
                .context("cannot read the value from the terminal")?
                .into_bytes(),
        ),
        None => input::read_input(None, "the value")?,
    };
    input::settle_trailing_newline(&mut value, args.trim_newline);
    Ok(value)
}

fn set_value(
    args: &SetArgs,
    path: &Path,
    key: Option<&offseal_core::SealingKey>,
    value: &[u8],
) -> Result<String> {
    let mut report = String::new();
    let applied = apply(&args.file, &args.write, |old| {
        let values = ValuesFile::parse(old, &args.file)?;
        match key {
            None => {
                let Ok(text) = std::str::from_utf8(value) else {
                    bail!("--plain needs UTF-8 text, and the value is not");
                };
                report = format!("`{path}` (plain)");
                Ok(values.set_plain(path, text)?)
            }
            Some(key) => {
                let recorded = values.provenance(path).map(|p| p.target);
                let target = target::resolve(&args.target, recorded.as_ref(), EXAMPLE)?;
                let sealing = Sealing {
                    key,
                    target: &target,
                    provenance: (!args.write.no_provenance).then(today),
                };
                report = format!("`{path}` sealed for {target}");
                Ok(values.set_sealed(&mut rand::rngs::SysRng, path, value, &sealing)?)
            }
        }
    })?;
    let file = &args.file;
    Ok(match applied {
        Applied::Written => format!("{file}: set {report}"),
        Applied::Unchanged => format!("{file}: unchanged"),
        Applied::Previewed => format!("{file}: would set {report} (dry run)"),
        Applied::Output(to) => format!("{file}: set {report}, written to {to}"),
    })
}
