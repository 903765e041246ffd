//! `offseal seal`: Secret manifests -> SealedSecrets, as kubeseal does, offline.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use offseal_core::SealingKey;
use offseal_core::manifest::{self, Format, SealOptions, SealedSecret};

use crate::cli::SealArgs;
use crate::{input, write};

pub(crate) fn run(args: &SealArgs) -> Result<ExitCode> {
    let key = input::sealing_key(&args.cert.cert)?;
    let options = SealOptions::new(
        args.target.name.as_deref(),
        args.target.namespace.as_deref(),
        args.target.scope.map(Into::into),
    )
    .allow_empty_data(args.allow_empty_data);
    let source = args.file.as_deref();
    let bytes = input::read_input(source, "Secret YAML or JSON")?;
    let source_name = source.unwrap_or("stdin");

    if let Some(target) = &args.merge_into {
        merge_into(
            target,
            &bytes,
            source_name,
            &key,
            &options,
            args.format.map(Into::into),
        )?;
        eprintln!("{target}: merged");
        return Ok(ExitCode::SUCCESS);
    }
    let sealed = seal_all(&bytes, source_name, &key, &options)?;
    let format = output_format(
        args.output.as_deref(),
        args.format.map(Into::into),
        Format::Yaml,
    );
    emit(
        write::Readers::Anyone,
        &sealed,
        format,
        args.output.as_deref(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Seals every Secret in the input.
pub(crate) fn seal_all(
    bytes: &[u8],
    source_name: &str,
    key: &SealingKey,
    options: &SealOptions,
) -> Result<Vec<SealedSecret>> {
    manifest::read_secrets(bytes, source_name)?
        .iter()
        .map(|secret| Ok(secret.seal(key, options)?))
        .collect()
}

/// kubeseal's rule: a `-w` name ending in .yaml/.yml means YAML whatever `-o` says; offseal
/// adds that .json means JSON unless `-o` says otherwise.
pub(crate) fn output_format(
    output: Option<&str>,
    explicit: Option<Format>,
    default: Format,
) -> Format {
    let extension = output
        .and_then(|o| Path::new(o).extension())
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match (extension.as_deref(), explicit) {
        (Some("yaml" | "yml"), _) => Format::Yaml,
        (_, Some(format)) => format,
        (Some("json"), None) => Format::Json,
        _ => default,
    }
}

/// Writes manifests to `output` (atomically) or stdout.
pub(crate) fn emit<T: serde::Serialize>(
    readers: write::Readers,
    objects: &[T],
    format: Format,
    output: Option<&str>,
) -> Result<()> {
    let text = manifest::to_string(objects, format)?;
    match output {
        Some(path) if path != "-" => write::write_new(path, text.as_bytes(), readers),
        _ => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// Seals the input with the name and namespace of the one SealedSecret in `target`, merges it
/// there, and rewrites the file atomically under a lock, in `format` or its own.
pub(crate) fn merge_into(
    target: &str,
    input: &[u8],
    source_name: &str,
    key: &SealingKey,
    options: &SealOptions,
    format: Option<Format>,
) -> Result<()> {
    write::update_in_place(target, |old| {
        let mut existing = manifest::read_sealed_secrets(old, target)?;
        if existing.len() != 1 {
            bail!(
                "{target}: --merge-into needs exactly one SealedSecret, found {}",
                existing.len()
            );
        }
        let mut merged = existing.remove(0);
        let mut options = options.clone();
        options.name.clone_from(&merged.metadata.name);
        options.namespace.clone_from(&merged.metadata.namespace);
        for update in seal_all(input, source_name, key, &options)
            .with_context(|| format!("cannot merge into {target}"))?
        {
            merged.merge(update);
        }
        let format = format.unwrap_or_else(|| manifest::detect_format(old));
        Ok(manifest::to_string(std::slice::from_ref(&merged), format)?
            .as_bytes()
            .to_vec())
    })?;
    Ok(())
}
