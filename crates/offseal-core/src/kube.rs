//! Reading Kubernetes document streams: YAML or JSON, several documents, `List`s unpacked.
//!
//! One reader for everything offseal takes from kubectl and kubeseal: Secrets, SealedSecrets
//! and the controller's key Secrets (often a `v1.List` backup).

use serde_json::Value;

use crate::error::{Error, Result};

/// Splits a YAML or JSON stream into documents, skipping empty ones. JSON streams (objects one
/// after another, as `kubectl` writes them) are read as JSON; everything else as YAML.
///
/// # Errors
/// [`Error::Manifest`]: not UTF-8, or neither valid YAML nor JSON.
pub(crate) fn documents(bytes: &[u8], source_name: &str) -> Result<Vec<Value>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::manifest(
            source_name,
            format!("not valid UTF-8 (byte {})", e.valid_up_to()),
        )
    })?;
    if text.trim_start().starts_with('{') {
        let json: std::result::Result<Vec<Value>, _> = serde_json::Deserializer::from_str(text)
            .into_iter()
            .collect();
        if let Ok(docs) = json {
            return Ok(docs.into_iter().filter(|d| !d.is_null()).collect());
        }
    }
    let options = serde_saphyr::options! { with_snippet: false };
    let docs: Vec<Value> = serde_saphyr::from_multiple_with_options(text, options)
        .map_err(|e| Error::manifest(source_name, format!("invalid YAML or JSON: {e}")))?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// Replaces every list document (a kind ending in `List`, such as `v1.List` or `SecretList`,
/// with an `items` array) by its items.
pub(crate) fn flatten_lists(docs: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::with_capacity(docs.len());
    for mut doc in docs {
        let is_list = kind(&doc).is_some_and(|k| k.ends_with("List"))
            && doc.get("items").is_some_and(Value::is_array);
        match doc.get_mut("items").map(Value::take) {
            Some(Value::Array(items)) if is_list => out.extend(items),
            _ => out.push(doc),
        }
    }
    out
}

/// The document's `kind`, if it is a string.
pub(crate) fn kind(doc: &Value) -> Option<&str> {
    doc.get("kind").and_then(Value::as_str)
}

/// Reads document number `index` (from 0) as a `T`; errors name the document and the field.
///
/// # Errors
/// [`Error::Manifest`] with serde's message and a hint for YAML 1.1 booleans and numbers.
pub(crate) fn typed<T: serde::de::DeserializeOwned>(
    doc: Value,
    source_name: &str,
    index: usize,
) -> Result<T> {
    // serde fills a struct from a sequence by position: `- v1\n- Secret` must not pass.
    if !doc.is_object() {
        let what = match &doc {
            Value::Array(_) => "a list",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "not a mapping",
        };
        return Err(Error::manifest(
            source_name,
            format!(
                "document {}: is {what}, not a Kubernetes object (a mapping with apiVersion and kind)",
                index + 1
            ),
        ));
    }
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = e.path().to_string();
        let message = without_value(&e.into_inner().to_string());
        // YAML 1.1, like Kubernetes, reads unquoted y/n/yes/no/on/off as booleans.
        let hint = if message.contains("expected a string")
            && (message.contains("boolean") || message.contains("integer") || message.contains("floating"))
        {
            " (quote it: YAML reads unquoted y, n, yes, no, on, off as booleans and digits as numbers)"
        } else {
            ""
        };
        Error::manifest(
            source_name,
            format!("document {}: {path}: {message}{hint}", index + 1),
        )
    })
}

/// serde's message without the value it quotes (`invalid type: string "hunter2", expected a
/// map` -> `invalid type: string, expected a map`): a secret may be that value. A boolean
/// stays (`n` read as `false` is worth seeing, and no secret).
fn without_value(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some((unexpected, expected)) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.rsplit_once(", expected "))
            .filter(|(unexpected, _)| !unexpected.starts_with("boolean"))
        {
            let kind = unexpected
                .split(['`', '"'])
                .next()
                .unwrap_or_default()
                .trim_end();
            return format!("{prefix}{kind}, expected {expected}");
        }
    }
    message.to_owned()
}
