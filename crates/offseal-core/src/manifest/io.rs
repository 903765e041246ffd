//! Reading manifests from YAML or JSON streams and writing them as kubeseal does.

use serde::Serialize;
use zeroize::Zeroizing;

use super::{SEALED_SECRET_KIND, SealedSecret, Secret};
use crate::error::{Error, Result};
use crate::kube;

/// Whether the bytes hold SealedSecret manifests (rather than, say, a Helm values file).
#[must_use]
pub fn holds_sealed_secrets(bytes: &[u8]) -> bool {
    kube::documents(bytes, "").is_ok_and(|docs| {
        kube::flatten_lists(docs)
            .iter()
            .any(|d| kube::kind(d) == Some(SEALED_SECRET_KIND))
    })
}

/// The format a manifest file is written in: JSON if it starts with `{`, else YAML.
#[must_use]
pub fn detect_format(bytes: &[u8]) -> Format {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if text.trim_ascii_start().starts_with(b"{") {
        Format::Json
    } else {
        Format::Yaml
    }
}

/// Reads every SealedSecret in a YAML or JSON stream (also inside `List`s).
///
/// # Errors
/// [`Error::Manifest`]: unreadable input, a document of another kind, or no SealedSecret.
pub fn read_sealed_secrets(bytes: &[u8], source_name: &str) -> Result<Vec<SealedSecret>> {
    let mut found = Vec::new();
    for (index, doc) in kube::flatten_lists(kube::documents(bytes, source_name)?)
        .into_iter()
        .enumerate()
    {
        let kind = kube::kind(&doc);
        if kind.is_some_and(|k| k != SEALED_SECRET_KIND) {
            return Err(Error::manifest(
                source_name,
                format!(
                    "document {}: expected a SealedSecret, found kind {:?}",
                    index + 1,
                    kind.unwrap_or_default()
                ),
            ));
        }
        found.push(kube::typed::<SealedSecret>(doc, source_name, index)?);
    }
    if found.is_empty() {
        return Err(Error::manifest(
            source_name,
            "no SealedSecret found".to_owned(),
        ));
    }
    Ok(found)
}

/// Reads every Secret in a YAML or JSON stream; empty documents are skipped and `kind` is not
/// checked, as kubeseal does.
///
/// # Errors
/// [`Error::Manifest`]: unreadable input, a value that is not a string or not base64 (named by
/// key, never shown), or no Secret at all.
pub fn read_secrets(bytes: &[u8], source_name: &str) -> Result<Vec<Secret>> {
    let mut found = Vec::new();
    for (index, doc) in kube::documents(bytes, source_name)?.into_iter().enumerate() {
        let secret = kube::typed::<Secret>(doc, source_name, index)?;
        if !secret.is_blank() {
            found.push(secret);
        }
    }
    if found.is_empty() {
        return Err(Error::manifest(
            source_name,
            "no secrets found. Ensure the input is valid and UTF-8 encoded".to_owned(),
        ));
    }
    Ok(found)
}

/// Output formats for manifests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Keys sorted, each document preceded by `---`.
    #[default]
    Yaml,
    /// Go field order, two-space indent, a newline after each document.
    Json,
}

/// Writes manifests as kubeseal does. The result may hold secrets (an unsealed Secret), so it
/// is wiped from memory when dropped.
///
/// # Errors
/// [`Error::Manifest`] if serialisation fails (it does not for these types).
pub fn to_string<T: Serialize>(objects: &[T], format: Format) -> Result<Zeroizing<String>> {
    let fail = |e: String| Error::manifest("output", e);
    let mut out = Zeroizing::new(String::new());
    for object in objects {
        match format {
            Format::Json => {
                let text = Zeroizing::new(
                    serde_json::to_string_pretty(object).map_err(|e| fail(e.to_string()))?,
                );
                out.push_str(&text);
                out.push('\n');
            }
            Format::Yaml => {
                // Through a JSON value, whose maps are sorted: kubeseal's YAML sorts keys.
                let value = serde_json::to_value(object).map_err(|e| fail(e.to_string()))?;
                let options = serde_saphyr::ser_options! { prefer_block_scalars: false };
                let text = Zeroizing::new(
                    serde_saphyr::to_string_with_options(&value, options)
                        .map_err(|e| fail(e.to_string()))?,
                );
                out.push_str("---\n");
                out.push_str(&text);
                if !text.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    Ok(out)
}
