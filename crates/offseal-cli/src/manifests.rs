//! Manifests in and out, shared by `seal`, `unseal` and the kubeseal command line: sealing
//! every Secret of an input, merging into a SealedSecret file, unsealing, and writing.

use std::path::Path;

use anyhow::{Context, Result, bail};
use offseal_core::manifest::{self, Format, SealOptions, SealedSecret, Secret};
use offseal_core::{SealingKey, UnsealingKeys};

use crate::write;

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

/// Opens every SealedSecret as the controller would; a template entry the controller renders
/// and offseal cannot is left out with a warning, `what_happens` saying so.
pub(crate) fn unseal_all(
    sealed: &[SealedSecret],
    keys: &UnsealingKeys,
    what_happens: &str,
) -> Result<Vec<Secret>> {
    let mut secrets = Vec::with_capacity(sealed.len());
    for sealed_secret in sealed {
        let unsealed = sealed_secret.unseal(keys)?;
        for key in &unsealed.unrendered_templates {
            write::to_stderr(&format!(
                "warning: {}: spec.template.data {key:?} is a Go template, which only the \
                 controller renders; {what_happens}",
                sealed_secret.describe()
            ));
        }
        secrets.push(unsealed.secret);
    }
    Ok(secrets)
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
    write::to(output, text.as_bytes(), readers)
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
    write::update_in_place(
        target,
        crate::input::Limit::manifests("--merge-into"),
        |old| {
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
        },
    )?;
    Ok(())
}
