//! `offseal unseal`: recovery with the controller's private keys.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use offseal_core::manifest::{self, Format};
use offseal_core::secrecy::ExposeSecret as _;

use crate::cli::UnsealArgs;
use crate::{input, manifests, target, write};

pub(crate) fn run(args: &UnsealArgs) -> Result<ExitCode> {
    if !args.raw && args.target.any() {
        bail!(
            "--namespace, --name and --scope are for --raw; a SealedSecret opens for its own \
             metadata (give it with -f)"
        );
    }
    let keys = input::unsealing_keys(&args.recovery_private_key)?;
    if args.raw {
        return open_raw(args, &keys);
    }
    let source = args.file.as_ref().map(|p| p.display().to_string());
    let bytes = input::read_input(
        source.as_deref(),
        "SealedSecret YAML or JSON",
        input::Limit::manifests("--file"),
    )?;
    let source_name = source.as_deref().unwrap_or("stdin");
    let sealed = manifest::read_sealed_secrets(&bytes, source_name)?;
    let secrets = manifests::unseal_all(&sealed, &keys)?;
    let text = manifest::to_string(&secrets, Format::from(args.format))?;
    write::to_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn open_raw(args: &UnsealArgs, keys: &offseal_core::UnsealingKeys) -> Result<ExitCode> {
    let target = target::raw(&args.target, target::Names::Unchecked)?;
    let path = args.from_file.as_deref().map(input::from_file_path);
    let sealed = input::read_input(path, "a sealed base64 value", input::Limit::SEALED_VALUE)?;
    let sealed = std::str::from_utf8(&sealed).context("the sealed value is not base64 text")?;
    let plaintext = offseal_core::open(keys, &target, sealed)
        .with_context(|| format!("cannot open the value for {target}"))?;
    write::to_stdout(plaintext.expose_secret())?;
    Ok(ExitCode::SUCCESS)
}
