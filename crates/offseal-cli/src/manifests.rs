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
        .map(|secret| {
            let sealed = secret.seal(key, options)?;
            warn_invalid_names(&sealed, options);
            Ok(sealed)
        })
        .collect()
}

/// kubeseal seals for names the API server refuses; offseal's kubeseal mode does too
/// (`check_names` off), and says so.
fn warn_invalid_names(sealed: &SealedSecret, options: &SealOptions) {
    if options.check_names {
        return;
    }
    if let Err(err @ offseal_core::Error::InvalidName { .. }) = sealed.target() {
        write::to_stderr(&format!(
            "warning: {}: {err}; sealed as kubeseal does, but the API server will reject it",
            sealed.describe()
        ));
    }
    for item in sealed.spec.encrypted_data.keys() {
        if !manifest::is_valid_data_key(item) {
            write::to_stderr(&format!(
                "warning: {}: item {item:?} is no key Kubernetes takes in a Secret; sealed as \
                 kubeseal does, but the controller cannot make the Secret",
                sealed.describe()
            ));
        }
    }
}

/// Opens every SealedSecret as the controller would, rendering its template entries.
pub(crate) fn unseal_all(sealed: &[SealedSecret], keys: &UnsealingKeys) -> Result<Vec<Secret>> {
    sealed
        .iter()
        .map(|sealed_secret| Ok(sealed_secret.unseal(keys)?.secret))
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
    write::to(output, text.as_bytes(), readers)
}

/// Seals the input for the one SealedSecret in `target` (its name, namespace and scope), merges
/// it there, and rewrites the file atomically under a lock, in `format` or its own.
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
        "--merge-into takes a regular file; without it, -w FILE writes the SealedSecret",
        |old| {
            let mut existing = manifest::read_sealed_secrets(old, target)?;
            if existing.len() != 1 {
                bail!(
                    "{target}: --merge-into needs exactly one SealedSecret, found {}",
                    existing.len()
                );
            }
            let mut merged = existing.remove(0);
            // The SealedSecret's name and namespace win over the Secret's, as in kubeseal.
            for secret in manifest::read_secrets(input, source_name)? {
                merged
                    .seal_into(&secret, key, options)
                    .with_context(|| format!("cannot merge into {target}"))?;
            }
            warn_invalid_names(&merged, options);
            let format = format.unwrap_or_else(|| manifest::detect_format(old));
            Ok(manifest::to_string(std::slice::from_ref(&merged), format)?
                .as_bytes()
                .to_vec())
        },
    )?;
    Ok(())
}
